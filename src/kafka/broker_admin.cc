// Broker: the consumer-group and admin APIs (the data path is in broker.cc).
#include <algorithm>

#include "base/logging.h"
#include "kafka/admin_messages.h"
#include "kafka/api_keys.h"
#include "kafka/broker.h"
#include "kafka/error_code.h"
#include "kafka/group_messages.h"

namespace strata::kafka {

Status Broker::handle_group_api(const RequestHeader& h, ByteReader& body, const std::string& client_host,
                                Reply reply) {
  int16_t v = h.api_version;
  std::string client_id = h.client_id.value_or("");
  switch (static_cast<ApiKey>(h.api_key)) {
    case ApiKey::kFindCoordinator: {
      FindCoordinatorRequest req;
      STRATA_RETURN_IF_ERROR(decode_find_coordinator_request(body, v, &req));
      FindCoordinatorResponse resp;
      resp.node_id = options_.node_id;
      resp.host = advertised_host_;
      resp.port = advertised_port_;
      reply(response_frame(h, resp, encode_find_coordinator_response));
      return Status::ok_status();
    }
    case ApiKey::kJoinGroup: {
      JoinGroupRequest req;
      STRATA_RETURN_IF_ERROR(decode_join_group_request(body, v, &req));
      groups_->join_group(req, client_id, client_host, [h, reply = std::move(reply)](JoinGroupResponse r) {
        reply(response_frame(h, r, encode_join_group_response));
      });
      return Status::ok_status();
    }
    case ApiKey::kSyncGroup: {
      SyncGroupRequest req;
      STRATA_RETURN_IF_ERROR(decode_sync_group_request(body, v, &req));
      groups_->sync_group(req, [h, reply = std::move(reply)](SyncGroupResponse r) {
        reply(response_frame(h, r, encode_sync_group_response));
      });
      return Status::ok_status();
    }
    case ApiKey::kHeartbeat: {
      HeartbeatRequest req;
      STRATA_RETURN_IF_ERROR(decode_heartbeat_request(body, v, &req));
      reply(response_frame(h, groups_->heartbeat(req), encode_heartbeat_response));
      return Status::ok_status();
    }
    case ApiKey::kLeaveGroup: {
      LeaveGroupRequest req;
      STRATA_RETURN_IF_ERROR(decode_leave_group_request(body, v, &req));
      LeaveGroupResponse resp = groups_->leave_group(req);
      // v3+ report per member; the top-level error is for the whole request.
      if (v >= 3) resp.error_code = 0;
      reply(response_frame(h, resp, encode_leave_group_response));
      return Status::ok_status();
    }
    case ApiKey::kOffsetCommit: {
      OffsetCommitRequest req;
      STRATA_RETURN_IF_ERROR(decode_offset_commit_request(body, v, &req));
      groups_->commit_offsets(req, [h, reply = std::move(reply)](OffsetCommitResponse r) {
        reply(response_frame(h, r, encode_offset_commit_response));
      });
      return Status::ok_status();
    }
    case ApiKey::kOffsetFetch: {
      OffsetFetchRequest req;
      STRATA_RETURN_IF_ERROR(decode_offset_fetch_request(body, v, &req));
      reply(response_frame(h, groups_->fetch_offsets(req), encode_offset_fetch_response));
      return Status::ok_status();
    }
    case ApiKey::kListGroups: {
      STRATA_RETURN_IF_ERROR(decode_list_groups_request(body, v));
      reply(response_frame(h, groups_->list_groups(), encode_list_groups_response));
      return Status::ok_status();
    }
    case ApiKey::kDescribeGroups: {
      DescribeGroupsRequest req;
      STRATA_RETURN_IF_ERROR(decode_describe_groups_request(body, v, &req));
      reply(response_frame(h, groups_->describe_groups(req), encode_describe_groups_response));
      return Status::ok_status();
    }
    default:
      return Status::unsupported("not a group API");
  }
}

namespace {

// Broker-level configs reported by DescribeConfigs (resource type 4).
std::vector<DescribeConfigsResponse::Config> broker_configs(const KafkaOptions& o) {
  auto cfg = [](std::string name, std::string value) {
    DescribeConfigsResponse::Config c;
    c.name = std::move(name);
    c.value = std::move(value);
    c.read_only = true;
    c.config_source = kConfigSourceStaticBroker;
    return c;
  };
  return {
      cfg("broker.id", std::to_string(o.node_id)),
      cfg("auto.create.topics.enable", o.auto_create_topics ? "true" : "false"),
      cfg("num.partitions", std::to_string(o.default_partitions)),
      cfg("socket.request.max.bytes", std::to_string(o.max_request_bytes)),
      cfg("group.min.session.timeout.ms", std::to_string(o.group_min_session_timeout_ms)),
      cfg("group.max.session.timeout.ms", std::to_string(o.group_max_session_timeout_ms)),
      cfg("group.initial.rebalance.delay.ms", std::to_string(o.group_initial_rebalance_delay_ms)),
      cfg("default.replication.factor", "1"),
  };
}

bool wanted(const std::optional<std::vector<std::string>>& keys, const std::string& name) {
  return !keys || keys->empty() || std::find(keys->begin(), keys->end(), name) != keys->end();
}

}  // namespace

Status Broker::handle_admin_api(const RequestHeader& h, ByteReader& body, const Reply& reply) {
  int16_t v = h.api_version;
  switch (static_cast<ApiKey>(h.api_key)) {
    case ApiKey::kCreateTopics: {
      CreateTopicsRequest req;
      STRATA_RETURN_IF_ERROR(decode_create_topics_request(body, v, &req));
      CreateTopicsResponse resp;
      for (const auto& t : req.topics) {
        CreateTopicsResponse::Topic rt;
        rt.name = t.name;
        int32_t partitions = t.num_partitions == -1 ? options_.default_partitions : t.num_partitions;
        ErrorCode ec = ErrorCode::kNone;
        std::string message;
        if (!valid_topic_name(t.name)) {
          ec = ErrorCode::kInvalidTopicException;
          message = "invalid topic name";
        } else if (t.replication_factor != 1 && t.replication_factor != -1) {
          ec = ErrorCode::kInvalidReplicationFactor;
          message = "replication factor must be 1 (single broker)";
        } else if (t.assignment_count > 0) {
          ec = ErrorCode::kInvalidRequest;
          message = "manual replica assignment is not supported";
        } else if (partitions <= 0) {
          ec = ErrorCode::kInvalidPartitions;
          message = "num_partitions must be positive";
        } else if (t.has_null_config) {
          ec = ErrorCode::kInvalidConfig;
          message = "null config value";
        } else if (log_->find_topic(t.name)) {
          ec = ErrorCode::kTopicAlreadyExists;
          message = "topic exists";
        } else if (req.validate_only) {
          auto checked = log::TopicConfig{}.with_overrides(t.configs);
          if (!checked.ok()) {
            ec = ErrorCode::kInvalidConfig;
            message = checked.status().message();
          }
        } else {
          auto created = log_->create_topic(t.name, partitions, t.configs);
          if (!created.ok()) {
            ec = created.status().code() == StatusCode::kInvalidArgument ? ErrorCode::kInvalidConfig
                                                                          : error_code_for(created.status());
            message = created.status().message();
          } else {
            logging::info("topic created", "topic", t.name, "partitions", partitions);
          }
        }
        rt.error_code = to_wire(ec);
        if (ec != ErrorCode::kNone) rt.error_message = message;
        resp.topics.push_back(std::move(rt));
      }
      reply(response_frame(h, resp, encode_create_topics_response));
      return Status::ok_status();
    }
    case ApiKey::kDeleteTopics: {
      DeleteTopicsRequest req;
      STRATA_RETURN_IF_ERROR(decode_delete_topics_request(body, v, &req));
      DeleteTopicsResponse resp;
      for (const auto& name : req.topic_names) {
        ErrorCode ec = ErrorCode::kNone;
        if (name == kConsumerOffsetsTopic) {
          ec = ErrorCode::kInvalidTopicException;
        } else {
          ec = error_code_for(log_->delete_topic(name));
          if (ec == ErrorCode::kNone) {
            groups_->delete_topic_offsets(name);
            logging::info("topic deleted", "topic", name);
          }
        }
        resp.responses.push_back({name, to_wire(ec)});
      }
      reply(response_frame(h, resp, encode_delete_topics_response));
      return Status::ok_status();
    }
    case ApiKey::kCreatePartitions: {
      CreatePartitionsRequest req;
      STRATA_RETURN_IF_ERROR(decode_create_partitions_request(body, v, &req));
      CreatePartitionsResponse resp;
      for (const auto& t : req.topics) {
        CreatePartitionsResponse::Result r;
        r.name = t.name;
        auto info = log_->find_topic(t.name);
        ErrorCode ec = ErrorCode::kNone;
        if (!info) {
          ec = ErrorCode::kUnknownTopicOrPartition;
        } else if (t.count <= info->partition_count) {
          ec = ErrorCode::kInvalidPartitions;
          r.error_message = "partition count can only grow";
        } else if (t.has_assignments) {
          ec = ErrorCode::kInvalidRequest;
          r.error_message = "manual replica assignment is not supported";
        } else if (!req.validate_only) {
          Status s = log_->create_partitions(t.name, t.count);
          if (!s.ok()) {
            ec = s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kResourceExhausted
                     ? ErrorCode::kInvalidPartitions
                     : error_code_for(s);
            r.error_message = s.message();
          }
        }
        r.error_code = to_wire(ec);
        resp.results.push_back(std::move(r));
      }
      reply(response_frame(h, resp, encode_create_partitions_response));
      return Status::ok_status();
    }
    case ApiKey::kDescribeConfigs: {
      DescribeConfigsRequest req;
      STRATA_RETURN_IF_ERROR(decode_describe_configs_request(body, v, &req));
      DescribeConfigsResponse resp;
      auto defaults = log::TopicConfig{}.to_map();
      for (const auto& res : req.resources) {
        DescribeConfigsResponse::Result r;
        r.resource_type = res.resource_type;
        r.resource_name = res.resource_name;
        if (res.resource_type == kResourceTypeTopic) {
          auto info = log_->find_topic(res.resource_name);
          if (!info) {
            r.error_code = to_wire(ErrorCode::kUnknownTopicOrPartition);
          } else {
            for (const auto& [name, value] : info->config.to_map()) {
              if (!wanted(res.configuration_keys, name)) continue;
              DescribeConfigsResponse::Config c;
              c.name = name;
              c.value = value;
              auto d = defaults.find(name);
              c.config_source = d != defaults.end() && d->second == value ? kConfigSourceDefault : kConfigSourceTopic;
              r.configs.push_back(std::move(c));
            }
          }
        } else if (res.resource_type == kResourceTypeBroker) {
          for (auto& c : broker_configs(options_)) {
            if (wanted(res.configuration_keys, c.name)) r.configs.push_back(std::move(c));
          }
        } else {
          r.error_code = to_wire(ErrorCode::kInvalidRequest);
          r.error_message = "unsupported resource type";
        }
        resp.results.push_back(std::move(r));
      }
      reply(response_frame(h, resp, encode_describe_configs_response));
      return Status::ok_status();
    }
    case ApiKey::kInitProducerId: {
      InitProducerIdRequest req;
      STRATA_RETURN_IF_ERROR(decode_init_producer_id_request(body, v, &req));
      InitProducerIdResponse resp;
      if (req.transactional_id && !req.transactional_id->empty()) {
        // Transactions are not supported (docs/kafka-api.md).
        resp.error_code = to_wire(ErrorCode::kTransactionalIdAuthorizationFailed);
      } else {
        resp.producer_id = next_producer_id_++;
        resp.producer_epoch = 0;
      }
      reply(response_frame(h, resp, encode_init_producer_id_response));
      return Status::ok_status();
    }
    default:
      return Status::unsupported(fmt::format("api key {} not supported", h.api_key));
  }
}

}  // namespace strata::kafka
