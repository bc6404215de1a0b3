// Requests and responses of the data-path APIs: ApiVersions, Metadata,
// Produce, Fetch, ListOffsets. Field lists follow Apache Kafka's message
// JSON definitions (clients/src/main/resources/common/message/); a field
// absent in a version is ignored on encode and left at its default on decode.
//
// decode_*: the body after the request header; returns kInvalidArgument on
// truncated or malformed input (the reader never reads past the frame).
// encode_*: appends the body (no header) for `version`.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace strata::kafka {

// ---- ApiVersions (key 18) ----
struct ApiVersionsRequest {
  std::string client_software_name;     // v3+
  std::string client_software_version;  // v3+
};
struct ApiVersionsResponse {
  struct Api {
    int16_t api_key = 0;
    int16_t min_version = 0;
    int16_t max_version = 0;
  };
  int16_t error_code = 0;
  std::vector<Api> api_keys;
  int32_t throttle_time_ms = 0;  // v1+
};
Status decode_api_versions_request(ByteReader& r, int16_t version, ApiVersionsRequest* out);
void encode_api_versions_response(const ApiVersionsResponse& m, int16_t version, std::vector<uint8_t>* out);

// ---- Metadata (key 3) ----
struct MetadataRequest {
  std::optional<std::vector<std::string>> topics;  // nullopt = all topics
  bool allow_auto_topic_creation = true;           // v4+
};
struct MetadataResponse {
  struct Broker {
    int32_t node_id = 0;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;
  };
  struct Partition {
    int16_t error_code = 0;
    int32_t partition_index = 0;
    int32_t leader_id = 0;
    int32_t leader_epoch = 0;  // v7+
    std::vector<int32_t> replica_nodes;
    std::vector<int32_t> isr_nodes;
  };
  struct Topic {
    int16_t error_code = 0;
    std::string name;
    bool is_internal = false;
    std::vector<Partition> partitions;
  };
  int32_t throttle_time_ms = 0;
  std::vector<Broker> brokers;
  std::optional<std::string> cluster_id;
  int32_t controller_id = -1;
  std::vector<Topic> topics;
};
Status decode_metadata_request(ByteReader& r, int16_t version, MetadataRequest* out);
void encode_metadata_response(const MetadataResponse& m, int16_t version, std::vector<uint8_t>* out);

// ---- Produce (key 0) ----
struct ProduceRequest {
  struct Partition {
    int32_t index = 0;
    std::optional<std::vector<uint8_t>> records;  // RecordBatch v2, copied (append rewrites offsets)
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
  };
  std::optional<std::string> transactional_id;
  int16_t acks = -1;
  int32_t timeout_ms = 0;
  std::vector<Topic> topics;
};
struct ProduceResponse {
  struct Partition {
    int32_t index = 0;
    int16_t error_code = 0;
    int64_t base_offset = -1;
    int64_t log_append_time_ms = -1;
    int64_t log_start_offset = -1;  // v5+
    std::optional<std::string> error_message;  // v8+
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
  };
  std::vector<Topic> responses;
  int32_t throttle_time_ms = 0;
};
Status decode_produce_request(ByteReader& r, int16_t version, ProduceRequest* out);
void encode_produce_response(const ProduceResponse& m, int16_t version, std::vector<uint8_t>* out);

// ---- Fetch (key 1) ----
struct FetchRequest {
  struct Partition {
    int32_t partition = 0;
    int32_t current_leader_epoch = -1;  // v9+
    int64_t fetch_offset = 0;
    int64_t log_start_offset = -1;      // v5+
    int32_t partition_max_bytes = 0;
  };
  struct Topic {
    std::string topic;
    std::vector<Partition> partitions;
  };
  int32_t replica_id = -1;
  int32_t max_wait_ms = 0;
  int32_t min_bytes = 0;
  int32_t max_bytes = 0x7fffffff;  // v3+
  int8_t isolation_level = 0;      // v4+
  int32_t session_id = 0;          // v7+
  int32_t session_epoch = -1;      // v7+
  std::vector<Topic> topics;
  std::string rack_id;             // v11+
};
struct FetchResponse {
  struct Partition {
    int32_t partition_index = 0;
    int16_t error_code = 0;
    int64_t high_watermark = -1;
    int64_t last_stable_offset = -1;  // v4+
    int64_t log_start_offset = -1;    // v5+
    int32_t preferred_read_replica = -1;  // v11+
    std::vector<uint8_t> records;     // whole batches; empty = no data
  };
  struct Topic {
    std::string topic;
    std::vector<Partition> partitions;
  };
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;  // v7+
  int32_t session_id = 0;  // v7+; 0 = sessionless
  std::vector<Topic> responses;
};
Status decode_fetch_request(ByteReader& r, int16_t version, FetchRequest* out);
void encode_fetch_response(const FetchResponse& m, int16_t version, std::vector<uint8_t>* out);

// ---- ListOffsets (key 2) ----
struct ListOffsetsRequest {
  struct Partition {
    int32_t partition_index = 0;
    int32_t current_leader_epoch = -1;  // v4+
    int64_t timestamp = -1;             // -1 latest, -2 earliest, else a lookup
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
  };
  int32_t replica_id = -1;
  int8_t isolation_level = 0;  // v2+
  std::vector<Topic> topics;
};
struct ListOffsetsResponse {
  struct Partition {
    int32_t partition_index = 0;
    int16_t error_code = 0;
    int64_t timestamp = -1;
    int64_t offset = -1;
    int32_t leader_epoch = -1;  // v4+
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
  };
  int32_t throttle_time_ms = 0;  // v2+
  std::vector<Topic> topics;
};
Status decode_list_offsets_request(ByteReader& r, int16_t version, ListOffsetsRequest* out);
void encode_list_offsets_response(const ListOffsetsResponse& m, int16_t version, std::vector<uint8_t>* out);

}  // namespace strata::kafka
