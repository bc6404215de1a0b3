#include "kafka/core_messages.h"

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

Status decode_api_versions_request(ByteReader& br, int16_t version, ApiVersionsRequest* out) {
  WireReader r(&br, flexible(ApiKey::kApiVersions, version));
  if (version >= 3) {
    out->client_software_name = r.string();
    out->client_software_version = r.string();
    r.tagged_fields();
  }
  return finish_decode(r, "ApiVersions");
}

void encode_api_versions_response(const ApiVersionsResponse& m, int16_t version, std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kApiVersions, version));
  w.i16(m.error_code);
  write_array(w, m.api_keys, [&](const ApiVersionsResponse::Api& a) {
    w.i16(a.api_key);
    w.i16(a.min_version);
    w.i16(a.max_version);
    w.tagged_fields();
  });
  if (version >= 1) w.i32(m.throttle_time_ms);
  w.tagged_fields();
}

Status decode_metadata_request(ByteReader& br, int16_t version, MetadataRequest* out) {
  WireReader r(&br, flexible(ApiKey::kMetadata, version));
  int32_t n = r.array_count(r.flexible() ? 2 : 2, version >= 1);
  if (n >= 0) {
    out->topics.emplace();
    for (int32_t i = 0; i < n && r.ok(); i++) {
      out->topics->push_back(r.string());
      r.tagged_fields();
    }
    // v0 has no null: an empty list means every topic.
    if (version == 0 && out->topics->empty()) out->topics.reset();
  }
  if (version >= 4) out->allow_auto_topic_creation = r.boolean();
  if (version >= 8) {
    (void)r.boolean();  // include_cluster_authorized_operations
    (void)r.boolean();  // include_topic_authorized_operations
  }
  r.tagged_fields();
  return finish_decode(r, "Metadata");
}

void encode_metadata_response(const MetadataResponse& m, int16_t version, std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kMetadata, version));
  if (version >= 3) w.i32(m.throttle_time_ms);
  write_array(w, m.brokers, [&](const MetadataResponse::Broker& b) {
    w.i32(b.node_id);
    w.string(b.host);
    w.i32(b.port);
    if (version >= 1) w.nullable_string(b.rack);
    w.tagged_fields();
  });
  if (version >= 2) w.nullable_string(m.cluster_id);
  if (version >= 1) w.i32(m.controller_id);
  write_array(w, m.topics, [&](const MetadataResponse::Topic& t) {
    w.i16(t.error_code);
    w.string(t.name);
    if (version >= 1) w.boolean(t.is_internal);
    write_array(w, t.partitions, [&](const MetadataResponse::Partition& p) {
      w.i16(p.error_code);
      w.i32(p.partition_index);
      w.i32(p.leader_id);
      if (version >= 7) w.i32(p.leader_epoch);
      w.int32_array(p.replica_nodes);
      w.int32_array(p.isr_nodes);
      if (version >= 5) w.int32_array({});  // offline_replicas
      w.tagged_fields();
    });
    if (version >= 8) w.i32(INT32_MIN);  // topic_authorized_operations: not computed
    w.tagged_fields();
  });
  if (version >= 8 && version <= 10) w.i32(INT32_MIN);  // cluster_authorized_operations
  w.tagged_fields();
}

Status decode_produce_request(ByteReader& br, int16_t version, ProduceRequest* out) {
  WireReader r(&br, flexible(ApiKey::kProduce, version));
  if (version >= 3) out->transactional_id = r.nullable_string();
  out->acks = r.i16();
  out->timeout_ms = r.i32();
  out->topics = read_array<ProduceRequest::Topic>(r, 6, [&] {
    ProduceRequest::Topic t;
    t.name = r.string();
    t.partitions = read_array<ProduceRequest::Partition>(r, 8, [&] {
      ProduceRequest::Partition p;
      p.index = r.i32();
      auto records = r.nullable_bytes();
      if (records) p.records.emplace(records->begin(), records->end());
      r.tagged_fields();
      return p;
    });
    r.tagged_fields();
    return t;
  });
  r.tagged_fields();
  return finish_decode(r, "Produce");
}

void encode_produce_response(const ProduceResponse& m, int16_t version, std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kProduce, version));
  write_array(w, m.responses, [&](const ProduceResponse::Topic& t) {
    w.string(t.name);
    write_array(w, t.partitions, [&](const ProduceResponse::Partition& p) {
      w.i32(p.index);
      w.i16(p.error_code);
      w.i64(p.base_offset);
      if (version >= 2) w.i64(p.log_append_time_ms);
      if (version >= 5) w.i64(p.log_start_offset);
      if (version >= 8) {
        w.array_count(0);  // record_errors
        w.nullable_string(p.error_message);
      }
      w.tagged_fields();
    });
    w.tagged_fields();
  });
  if (version >= 1) w.i32(m.throttle_time_ms);
  w.tagged_fields();
}

Status decode_fetch_request(ByteReader& br, int16_t version, FetchRequest* out) {
  WireReader r(&br, flexible(ApiKey::kFetch, version));
  out->replica_id = r.i32();
  out->max_wait_ms = r.i32();
  out->min_bytes = r.i32();
  if (version >= 3) out->max_bytes = r.i32();
  if (version >= 4) out->isolation_level = r.i8();
  if (version >= 7) {
    out->session_id = r.i32();
    out->session_epoch = r.i32();
  }
  out->topics = read_array<FetchRequest::Topic>(r, 6, [&] {
    FetchRequest::Topic t;
    t.topic = r.string();
    t.partitions = read_array<FetchRequest::Partition>(r, 16, [&] {
      FetchRequest::Partition p;
      p.partition = r.i32();
      if (version >= 9) p.current_leader_epoch = r.i32();
      p.fetch_offset = r.i64();
      if (version >= 5) p.log_start_offset = r.i64();
      p.partition_max_bytes = r.i32();
      r.tagged_fields();
      return p;
    });
    r.tagged_fields();
    return t;
  });
  if (version >= 7) {
    // forgotten_topics_data: ignored (sessionless fetches carry every partition).
    int32_t n = r.array_count(6);
    for (int32_t i = 0; i < n && r.ok(); i++) {
      (void)r.string();
      (void)r.int32_array();
      r.tagged_fields();
    }
  }
  if (version >= 11) out->rack_id = r.string();
  r.tagged_fields();
  return finish_decode(r, "Fetch");
}

void encode_fetch_response(const FetchResponse& m, int16_t version, std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kFetch, version));
  if (version >= 1) w.i32(m.throttle_time_ms);
  if (version >= 7) {
    w.i16(m.error_code);
    w.i32(m.session_id);
  }
  write_array(w, m.responses, [&](const FetchResponse::Topic& t) {
    w.string(t.topic);
    write_array(w, t.partitions, [&](const FetchResponse::Partition& p) {
      w.i32(p.partition_index);
      w.i16(p.error_code);
      w.i64(p.high_watermark);
      if (version >= 4) w.i64(p.last_stable_offset);
      if (version >= 5) w.i64(p.log_start_offset);
      if (version >= 4) w.array_count(0);  // aborted_transactions: transactions unsupported
      if (version >= 11) w.i32(p.preferred_read_replica);
      w.bytes(p.records);
      w.tagged_fields();
    });
    w.tagged_fields();
  });
  w.tagged_fields();
}

Status decode_list_offsets_request(ByteReader& br, int16_t version, ListOffsetsRequest* out) {
  WireReader r(&br, flexible(ApiKey::kListOffsets, version));
  out->replica_id = r.i32();
  if (version >= 2) out->isolation_level = r.i8();
  out->topics = read_array<ListOffsetsRequest::Topic>(r, 6, [&] {
    ListOffsetsRequest::Topic t;
    t.name = r.string();
    t.partitions = read_array<ListOffsetsRequest::Partition>(r, 12, [&] {
      ListOffsetsRequest::Partition p;
      p.partition_index = r.i32();
      if (version >= 4) p.current_leader_epoch = r.i32();
      p.timestamp = r.i64();
      if (version == 0) (void)r.i32();  // max_num_offsets
      r.tagged_fields();
      return p;
    });
    r.tagged_fields();
    return t;
  });
  r.tagged_fields();
  return finish_decode(r, "ListOffsets");
}

void encode_list_offsets_response(const ListOffsetsResponse& m, int16_t version, std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kListOffsets, version));
  if (version >= 2) w.i32(m.throttle_time_ms);
  write_array(w, m.topics, [&](const ListOffsetsResponse::Topic& t) {
    w.string(t.name);
    write_array(w, t.partitions, [&](const ListOffsetsResponse::Partition& p) {
      w.i32(p.partition_index);
      w.i16(p.error_code);
      if (version == 0) {
        w.array_count(0);  // old_style_offsets
      } else {
        w.i64(p.timestamp);
        w.i64(p.offset);
        if (version >= 4) w.i32(p.leader_epoch);
      }
      w.tagged_fields();
    });
    w.tagged_fields();
  });
  w.tagged_fields();
}

}  // namespace strata::kafka
