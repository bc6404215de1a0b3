#include "kafka/admin_messages.h"

#include "kafka/api_keys.h"
#include "kafka/wire.h"

namespace strata::kafka {
namespace {

Status finish_decode(WireReader& r, std::string_view what) {
  if (!r.ok()) return Status::invalid_argument(std::string("malformed ") + std::string(what) + " request");
  return Status::ok_status();
}

bool flexible(ApiKey key, int16_t version) { return is_flexible(static_cast<int16_t>(key), version); }

}  // namespace

Status decode_create_topics_request(ByteReader& br, int16_t version, CreateTopicsRequest* out) {
  WireReader r(&br, flexible(ApiKey::kCreateTopics, version));
  out->topics = read_array<CreateTopicsRequest::Topic>(r, 16, [&] {
    CreateTopicsRequest::Topic t;
    t.name = r.string();
    t.num_partitions = r.i32();
    t.replication_factor = r.i16();
    int32_t n = r.array_count(8);
    t.assignment_count = n;
    for (int32_t i = 0; i < n && r.ok(); i++) {
      (void)r.i32();
      (void)r.int32_array();
      r.tagged_fields();
    }
    int32_t c = r.array_count(4);
    for (int32_t i = 0; i < c && r.ok(); i++) {
      std::string name = r.string();
      auto value = r.nullable_string();
      if (value) {
        t.configs[name] = *value;
      } else {
        t.has_null_config = true;
      }
      r.tagged_fields();
    }
    r.tagged_fields();
    return t;
  });
  out->timeout_ms = r.i32();
  if (version >= 1) out->validate_only = r.boolean();
  r.tagged_fields();
  return finish_decode(r, "CreateTopics");
}

void encode_create_topics_response(const CreateTopicsResponse& m, int16_t version, std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kCreateTopics, version));
  if (version >= 2) w.i32(m.throttle_time_ms);
  write_array(w, m.topics, [&](const CreateTopicsResponse::Topic& t) {
    w.string(t.name);
    w.i16(t.error_code);
    if (version >= 1) w.nullable_string(t.error_message);
    w.tagged_fields();
  });
  w.tagged_fields();
}

Status decode_delete_topics_request(ByteReader& br, int16_t version, DeleteTopicsRequest* out) {
  WireReader r(&br, flexible(ApiKey::kDeleteTopics, version));
  out->topic_names = r.string_array();
  out->timeout_ms = r.i32();
  r.tagged_fields();
  return finish_decode(r, "DeleteTopics");
}

void encode_delete_topics_response(const DeleteTopicsResponse& m, int16_t version, std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kDeleteTopics, version));
  if (version >= 1) w.i32(m.throttle_time_ms);
  write_array(w, m.responses, [&](const DeleteTopicsResponse::Topic& t) {
    w.string(t.name);
    w.i16(t.error_code);
    w.tagged_fields();
  });
  w.tagged_fields();
}

Status decode_create_partitions_request(ByteReader& br, int16_t version, CreatePartitionsRequest* out) {
  WireReader r(&br, flexible(ApiKey::kCreatePartitions, version));
  out->topics = read_array<CreatePartitionsRequest::Topic>(r, 10, [&] {
    CreatePartitionsRequest::Topic t;
    t.name = r.string();
    t.count = r.i32();
    int32_t n = r.array_count(4, true);
    t.has_assignments = n >= 0;
    for (int32_t i = 0; i < n && r.ok(); i++) {
      (void)r.int32_array();
      r.tagged_fields();
    }
    r.tagged_fields();
    return t;
  });
  out->timeout_ms = r.i32();
  out->validate_only = r.boolean();
  r.tagged_fields();
  return finish_decode(r, "CreatePartitions");
}

void encode_create_partitions_response(const CreatePartitionsResponse& m, int16_t version,
                                       std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kCreatePartitions, version));
  w.i32(m.throttle_time_ms);
  write_array(w, m.results, [&](const CreatePartitionsResponse::Result& res) {
    w.string(res.name);
    w.i16(res.error_code);
    w.nullable_string(res.error_message);
    w.tagged_fields();
  });
  w.tagged_fields();
}

Status decode_describe_configs_request(ByteReader& br, int16_t version, DescribeConfigsRequest* out) {
  WireReader r(&br, flexible(ApiKey::kDescribeConfigs, version));
  out->resources = read_array<DescribeConfigsRequest::Resource>(r, 7, [&] {
    DescribeConfigsRequest::Resource res;
    res.resource_type = r.i8();
    res.resource_name = r.string();
    int32_t n = r.array_count(2, true);
    if (n >= 0) {
      res.configuration_keys.emplace();
      for (int32_t i = 0; i < n && r.ok(); i++) res.configuration_keys->push_back(r.string());
    }
    r.tagged_fields();
    return res;
  });
  if (version >= 1) out->include_synonyms = r.boolean();
  if (version >= 3) (void)r.boolean();  // include_documentation
  r.tagged_fields();
  return finish_decode(r, "DescribeConfigs");
}

void encode_describe_configs_response(const DescribeConfigsResponse& m, int16_t version,
                                      std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kDescribeConfigs, version));
  w.i32(m.throttle_time_ms);
  write_array(w, m.results, [&](const DescribeConfigsResponse::Result& res) {
    w.i16(res.error_code);
    w.nullable_string(res.error_message);
    w.i8(res.resource_type);
    w.string(res.resource_name);
    write_array(w, res.configs, [&](const DescribeConfigsResponse::Config& c) {
      w.string(c.name);
      w.nullable_string(c.value);
      w.boolean(c.read_only);
      if (version == 0) {
        w.boolean(c.config_source == kConfigSourceDefault);
      } else {
        w.i8(c.config_source);
      }
      w.boolean(c.is_sensitive);
      if (version >= 1) w.array_count(0);  // synonyms
      if (version >= 3) {
        w.i8(0);                           // config_type UNKNOWN
        w.nullable_string(std::nullopt);   // documentation
      }
      w.tagged_fields();
    });
    w.tagged_fields();
  });
  w.tagged_fields();
}

Status decode_init_producer_id_request(ByteReader& br, int16_t version, InitProducerIdRequest* out) {
  WireReader r(&br, flexible(ApiKey::kInitProducerId, version));
  out->transactional_id = r.nullable_string();
  out->transaction_timeout_ms = r.i32();
  if (version >= 3) {
    (void)r.i64();
    (void)r.i16();
  }
  r.tagged_fields();
  return finish_decode(r, "InitProducerId");
}

void encode_init_producer_id_response(const InitProducerIdResponse& m, int16_t version,
                                      std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kInitProducerId, version));
  w.i32(m.throttle_time_ms);
  w.i16(m.error_code);
  w.i64(m.producer_id);
  w.i16(m.producer_epoch);
  w.tagged_fields();
}

Status decode_list_groups_request(ByteReader& br, int16_t version) {
  WireReader r(&br, flexible(ApiKey::kListGroups, version));
  if (version >= 4) (void)r.string_array();
  r.tagged_fields();
  return finish_decode(r, "ListGroups");
}

}  // namespace strata::kafka
