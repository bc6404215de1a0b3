#include "kafka/broker.h"

#include <algorithm>
#include <chrono>

#include "base/logging.h"
#include "kafka/api_keys.h"
#include "kafka/error_code.h"
#include "log/record_batch.h"

namespace strata::kafka {
namespace {

constexpr const char* kClusterId = "strata-cluster";
constexpr int32_t kTimestampScanBytes = 1 << 20;
constexpr size_t kTimestampScanDecompressedBytes = 16 << 20;

// The log finds the first batch whose max timestamp >= `timestamp_ms`;
// Kafka answers with the first record at or after it, so scan that batch.
log::TimestampLookup refine_timestamp_lookup(const log::Partition& p, int64_t timestamp_ms,
                                             log::TimestampLookup found) {
  auto rr = p.read(found.offset, kTimestampScanBytes);
  if (!rr.ok()) return found;
  std::span<const uint8_t> rest(rr->bytes);
  std::vector<uint8_t> scratch;
  std::vector<log::Record> records;
  while (rest.size() >= log::kRecordBatchHeaderSize) {
    auto h = log::parse_record_batch_header(rest);
    if (!h.ok() || h->size_bytes() > rest.size()) break;
    auto batch = rest.subspan(0, h->size_bytes());
    rest = rest.subspan(h->size_bytes());
    if (h->last_offset() < found.offset || h->max_timestamp < timestamp_ms) continue;
    records.clear();
    if (!log::decode_record_batch(batch, kTimestampScanDecompressedBytes, &scratch, &records).ok()) break;
    for (const auto& rec : records) {
      int64_t ts = h->log_append_time() ? h->max_timestamp : rec.timestamp;
      if (rec.offset >= found.offset && ts >= timestamp_ms) return {rec.offset, ts};
    }
  }
  return found;
}

}  // namespace

bool valid_topic_name(const std::string& name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

Broker::Broker(net::asio::io_context& io, log::LogManager* log, io::Clock* clock, KafkaOptions options,
               GroupCoordinator* groups)
    : io_(io), log_(log), clock_(clock), options_(std::move(options)), groups_(groups) {
  // Producer ids: wall-clock milliseconds * 1024 at start, then +1 per id.
  // Unique across restarts as long as fewer than 1024 ids are handed out per
  // millisecond of uptime on average (docs/kafka-api.md).
  next_producer_id_ = clock_->now_ms() * 1024;
}

Broker::~Broker() { stop(); *alive_ = false; }

void Broker::set_advertised(std::string host, int32_t port) {
  advertised_host_ = std::move(host);
  advertised_port_ = port;
}

void Broker::notify_appended() {
  for (auto* t : fetch_waiters_) t->cancel();
}

void Broker::stop() {
  stopping_ = true;
  notify_appended();
}

Status Broker::handle(const RequestHeader& h, ByteReader& body, const std::string& client_host, Reply reply) {
  if (h.api_key == static_cast<int16_t>(ApiKey::kApiVersions)) {
    handle_api_versions(h, body, reply);
    return Status::ok_status();
  }
  if (!version_supported(h.api_key, h.api_version)) {
    return Status::unsupported(fmt::format("api {} ({}) version {} not supported", h.api_key, api_name(h.api_key),
                                           h.api_version));
  }
  switch (static_cast<ApiKey>(h.api_key)) {
    case ApiKey::kMetadata:
      return handle_metadata(h, body, reply);
    case ApiKey::kProduce:
      return handle_produce(h, body, std::move(reply));
    case ApiKey::kFetch:
      return handle_fetch(h, body, std::move(reply));
    case ApiKey::kListOffsets:
      return handle_list_offsets(h, body, reply);
    case ApiKey::kFindCoordinator:
    case ApiKey::kJoinGroup:
    case ApiKey::kSyncGroup:
    case ApiKey::kHeartbeat:
    case ApiKey::kLeaveGroup:
    case ApiKey::kOffsetCommit:
    case ApiKey::kOffsetFetch:
    case ApiKey::kListGroups:
    case ApiKey::kDescribeGroups:
      return handle_group_api(h, body, client_host, std::move(reply));
    default:
      return handle_admin_api(h, body, reply);
  }
}

void Broker::handle_api_versions(const RequestHeader& h, ByteReader& body, const Reply& reply) {
  ApiVersionsResponse resp;
  for (const auto& a : supported_apis()) {
    resp.api_keys.push_back({static_cast<int16_t>(a.key), a.min_version, a.max_version});
  }
  RequestHeader rh = h;
  ApiVersionsRequest req;
  if (!version_supported(h.api_key, h.api_version)) {
    // Unknown version: answer in v0 format so any client can parse it.
    resp.error_code = to_wire(ErrorCode::kUnsupportedVersion);
    rh.api_version = 0;
  } else if (!decode_api_versions_request(body, h.api_version, &req).ok()) {
    resp.error_code = to_wire(ErrorCode::kInvalidRequest);
  }
  reply(response_frame(rh, resp, encode_api_versions_response));
}

ErrorCode Broker::ensure_topic(const std::string& name, bool allow_create) {
  if (log_->find_topic(name)) return ErrorCode::kNone;
  if (!valid_topic_name(name)) return ErrorCode::kInvalidTopicException;
  if (!allow_create || !options_.auto_create_topics || name.rfind("__", 0) == 0) {
    return ErrorCode::kUnknownTopicOrPartition;
  }
  auto created = log_->create_topic(name, std::max(1, options_.default_partitions), {});
  if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) {
    logging::warn("auto-create topic failed", "topic", name, "error", created.status().to_string());
    return created.status().code() == StatusCode::kInvalidArgument ? ErrorCode::kInvalidTopicException
                                                                    : error_code_for(created.status());
  }
  logging::info("topic auto-created", "topic", name, "partitions", options_.default_partitions);
  return ErrorCode::kNone;
}

Status Broker::handle_metadata(const RequestHeader& h, ByteReader& body, const Reply& reply) {
  MetadataRequest req;
  STRATA_RETURN_IF_ERROR(decode_metadata_request(body, h.api_version, &req));
  MetadataResponse resp;
  resp.brokers.push_back({options_.node_id, advertised_host_, advertised_port_, std::nullopt});
  resp.cluster_id = kClusterId;
  resp.controller_id = options_.node_id;
  std::vector<std::string> names;
  if (req.topics) {
    names = *req.topics;
  } else {
    for (const auto& t : log_->topics()) names.push_back(t.name);
  }
  bool allow_create = h.api_version < 4 || req.allow_auto_topic_creation;
  for (const auto& name : names) {
    MetadataResponse::Topic t;
    t.name = name;
    ErrorCode ec = ensure_topic(name, allow_create && req.topics.has_value());
    auto info = ec == ErrorCode::kNone ? log_->find_topic(name) : std::nullopt;
    if (!info) {
      t.error_code = to_wire(ec == ErrorCode::kNone ? ErrorCode::kUnknownTopicOrPartition : ec);
    } else {
      t.is_internal = info->internal;
      for (int32_t i = 0; i < info->partition_count; i++) {
        MetadataResponse::Partition p;
        p.partition_index = i;
        p.leader_id = options_.node_id;
        p.replica_nodes = {options_.node_id};
        p.isr_nodes = {options_.node_id};
        log::Partition* lp = log_->partition(name, i);
        if (lp != nullptr && lp->fenced()) p.error_code = to_wire(ErrorCode::kKafkaStorageError);
        t.partitions.push_back(std::move(p));
      }
    }
    resp.topics.push_back(std::move(t));
  }
  reply(response_frame(h, resp, encode_metadata_response));
  return Status::ok_status();
}

namespace {

// One Produce request in flight: answered when `pending` drops to zero.
struct ProduceState {
  RequestHeader header;
  ProduceResponse response;
  Broker::Reply reply;
  int32_t pending = 1;
  bool acks_zero = false;

  void release() {
    if (--pending > 0) return;
    if (acks_zero) {
      reply(std::nullopt);
    } else {
      reply(response_frame(header, response, encode_produce_response));
    }
  }
};

}  // namespace

Status Broker::handle_produce(const RequestHeader& h, ByteReader& body, Reply reply) {
  ProduceRequest req;
  STRATA_RETURN_IF_ERROR(decode_produce_request(body, h.api_version, &req));
  auto state = std::make_shared<ProduceState>();
  state->header = h;
  state->reply = std::move(reply);
  state->acks_zero = req.acks == 0;
  bool acks_valid = req.acks == 0 || req.acks == 1 || req.acks == -1;
  bool appended = false;
  int64_t now_ms = clock_->now_ms();
  for (size_t ti = 0; ti < req.topics.size(); ti++) {
    auto& topic = req.topics[ti];
    ProduceResponse::Topic rt;
    rt.name = topic.name;
    ErrorCode topic_error = !acks_valid                            ? ErrorCode::kInvalidRequiredAcks
                            : topic.name == kConsumerOffsetsTopic ? ErrorCode::kInvalidTopicException
                                                                  : ensure_topic(topic.name, true);
    for (auto& part : topic.partitions) {
      ProduceResponse::Partition rp;
      rp.index = part.index;
      log::Partition* p = topic_error == ErrorCode::kNone ? log_->partition(topic.name, part.index) : nullptr;
      if (topic_error != ErrorCode::kNone) {
        rp.error_code = to_wire(topic_error);
      } else if (p == nullptr) {
        rp.error_code = to_wire(ErrorCode::kUnknownTopicOrPartition);
      } else if (!part.records || part.records->empty()) {
        rp.error_code = to_wire(ErrorCode::kCorruptMessage);
      } else {
        log::AppendOutcome out = p->append(std::span<uint8_t>(*part.records), now_ms);
        if (!out.status.ok()) {
          rp.error_code = to_wire(error_code_for(out.status, out.producer_error));
          rp.error_message = out.status.message();
          logging::debug("produce rejected", "topic", topic.name, "partition", part.index, "error",
                         out.status.to_string());
        } else {
          appended = appended || !out.result.duplicate;
          rp.base_offset = out.result.base_offset;
          rp.log_append_time_ms = out.result.log_append_time_ms;
          rp.log_start_offset = out.result.log_start_offset;
          if (req.acks == -1) {
            state->pending++;
            size_t pi = rt.partitions.size();
            net::asio::io_context* io = &io_;
            log_->request_sync(p, out.result.last_offset + 1, [state, io, ti, pi](Status s) {
              net::asio::post(*io, [state, ti, pi, s] {
                if (!s.ok()) {
                  auto& rpart = state->response.responses[ti].partitions[pi];
                  rpart.error_code = to_wire(ErrorCode::kKafkaStorageError);
                  rpart.error_message = s.message();
                }
                state->release();
              });
            });
          }
        }
      }
      rt.partitions.push_back(std::move(rp));
    }
    state->response.responses.push_back(std::move(rt));
  }
  if (appended) notify_appended();
  state->release();
  return Status::ok_status();
}

int64_t Broker::collect_fetch(const FetchRequest& req, FetchResponse* resp, bool* error) {
  int64_t total = 0;
  int64_t budget = req.max_bytes > 0 ? req.max_bytes : INT32_MAX;
  resp->responses.clear();
  for (const auto& t : req.topics) {
    FetchResponse::Topic rt;
    rt.topic = t.topic;
    for (const auto& part : t.partitions) {
      FetchResponse::Partition rp;
      rp.partition_index = part.partition;
      log::Partition* p = log_->partition(t.topic, part.partition);
      if (p == nullptr) {
        rp.error_code = to_wire(ErrorCode::kUnknownTopicOrPartition);
        *error = true;
      } else {
        rp.high_watermark = p->log_end_offset();
        rp.last_stable_offset = rp.high_watermark;
        rp.log_start_offset = p->log_start_offset();
        bool room = total == 0 || budget > 0;
        if (part.fetch_offset != rp.high_watermark && room && part.partition_max_bytes > 0) {
          int64_t limit = std::min<int64_t>(part.partition_max_bytes, std::max<int64_t>(budget, 1));
          auto rr = p->read(part.fetch_offset, static_cast<int32_t>(limit));
          if (!rr.ok()) {
            rp.error_code = to_wire(error_code_for(rr.status()));
            *error = true;
          } else {
            rp.records = std::move(rr->bytes);
            rp.high_watermark = rr->high_watermark;
            rp.last_stable_offset = rr->high_watermark;
            rp.log_start_offset = rr->log_start_offset;
            total += static_cast<int64_t>(rp.records.size());
            budget -= static_cast<int64_t>(rp.records.size());
          }
        }
      }
      rt.partitions.push_back(std::move(rp));
    }
    resp->responses.push_back(std::move(rt));
  }
  return total;
}

Status Broker::handle_fetch(const RequestHeader& h, ByteReader& body, Reply reply) {
  FetchRequest req;
  STRATA_RETURN_IF_ERROR(decode_fetch_request(body, h.api_version, &req));
  net::asio::co_spawn(io_, fetch_loop(h, std::move(req), std::move(reply)), net::asio::detached);
  return Status::ok_status();
}

net::Awaitable<void> Broker::fetch_loop(RequestHeader h, FetchRequest req, Reply reply) {
  auto alive = alive_;
  int64_t wait_ms = std::clamp<int64_t>(req.max_wait_ms, 0, options_.fetch_max_wait_cap_ms);
  int64_t deadline_ms = clock_->monotonic_ms() + wait_ms;
  for (;;) {
    FetchResponse resp;
    bool error = false;
    int64_t bytes = collect_fetch(req, &resp, &error);
    int64_t now_ms = clock_->monotonic_ms();
    if (error || bytes >= std::max(req.min_bytes, 1) || now_ms >= deadline_ms || stopping_) {
      reply(response_frame(h, resp, encode_fetch_response));
      co_return;
    }
    net::asio::steady_timer timer(io_, std::chrono::milliseconds(deadline_ms - now_ms));
    fetch_waiters_.insert(&timer);
    boost::system::error_code ec;
    co_await timer.async_wait(net::asio::redirect_error(net::asio::use_awaitable, ec));
    if (!*alive) co_return;
    fetch_waiters_.erase(&timer);
  }
}

Status Broker::handle_list_offsets(const RequestHeader& h, ByteReader& body, const Reply& reply) {
  ListOffsetsRequest req;
  STRATA_RETURN_IF_ERROR(decode_list_offsets_request(body, h.api_version, &req));
  ListOffsetsResponse resp;
  for (const auto& t : req.topics) {
    ListOffsetsResponse::Topic rt;
    rt.name = t.name;
    for (const auto& part : t.partitions) {
      ListOffsetsResponse::Partition rp;
      rp.partition_index = part.partition_index;
      log::Partition* p = log_->partition(t.name, part.partition_index);
      if (p == nullptr) {
        rp.error_code = to_wire(ErrorCode::kUnknownTopicOrPartition);
      } else if (part.timestamp == -1) {
        rp.offset = p->log_end_offset();
      } else if (part.timestamp == -2) {
        rp.offset = p->log_start_offset();
      } else {
        auto found = p->offset_for_timestamp(part.timestamp);
        if (!found.ok()) {
          rp.error_code = to_wire(error_code_for(found.status()));
        } else {
          log::TimestampLookup hit = *found;
          if (hit.offset >= 0) hit = refine_timestamp_lookup(*p, part.timestamp, hit);
          rp.offset = hit.offset;
          rp.timestamp = hit.timestamp;
        }
      }
      if (p != nullptr) rp.leader_epoch = 0;
      rt.partitions.push_back(rp);
    }
    resp.topics.push_back(std::move(rt));
  }
  reply(response_frame(h, resp, encode_list_offsets_response));
  return Status::ok_status();
}

}  // namespace strata::kafka
