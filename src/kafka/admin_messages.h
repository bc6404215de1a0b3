// Requests and responses of the admin APIs: CreateTopics, DeleteTopics,
// CreatePartitions, DescribeConfigs, InitProducerId, and ListGroups' empty
// request. Same conventions as core_messages.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace strata::kafka {

struct CreateTopicsRequest {
  struct Topic {
    std::string name;
    int32_t num_partitions = -1;
    int16_t replication_factor = -1;
    int32_t assignment_count = 0;  // manual assignments are refused
    std::map<std::string, std::string> configs;
    bool has_null_config = false;
  };
  std::vector<Topic> topics;
  int32_t timeout_ms = 0;
  bool validate_only = false;  // v1+
};
struct CreateTopicsResponse {
  struct Topic {
    std::string name;
    int16_t error_code = 0;
    std::optional<std::string> error_message;  // v1+
  };
  int32_t throttle_time_ms = 0;  // v2+
  std::vector<Topic> topics;
};
Status decode_create_topics_request(ByteReader& r, int16_t version, CreateTopicsRequest* out);
void encode_create_topics_response(const CreateTopicsResponse& m, int16_t version, std::vector<uint8_t>* out);

struct DeleteTopicsRequest {
  std::vector<std::string> topic_names;
  int32_t timeout_ms = 0;
};
struct DeleteTopicsResponse {
  struct Topic {
    std::string name;
    int16_t error_code = 0;
  };
  int32_t throttle_time_ms = 0;  // v1+
  std::vector<Topic> responses;
};
Status decode_delete_topics_request(ByteReader& r, int16_t version, DeleteTopicsRequest* out);
void encode_delete_topics_response(const DeleteTopicsResponse& m, int16_t version, std::vector<uint8_t>* out);

struct CreatePartitionsRequest {
  struct Topic {
    std::string name;
    int32_t count = 0;
    bool has_assignments = false;
  };
  std::vector<Topic> topics;
  int32_t timeout_ms = 0;
  bool validate_only = false;
};
struct CreatePartitionsResponse {
  struct Result {
    std::string name;
    int16_t error_code = 0;
    std::optional<std::string> error_message;
  };
  int32_t throttle_time_ms = 0;
  std::vector<Result> results;
};
Status decode_create_partitions_request(ByteReader& r, int16_t version, CreatePartitionsRequest* out);
void encode_create_partitions_response(const CreatePartitionsResponse& m, int16_t version, std::vector<uint8_t>* out);

constexpr int8_t kResourceTypeTopic = 2;
constexpr int8_t kResourceTypeBroker = 4;
constexpr int8_t kConfigSourceTopic = 1;
constexpr int8_t kConfigSourceStaticBroker = 4;
constexpr int8_t kConfigSourceDefault = 5;

struct DescribeConfigsRequest {
  struct Resource {
    int8_t resource_type = 0;
    std::string resource_name;
    std::optional<std::vector<std::string>> configuration_keys;  // nullopt = all
  };
  std::vector<Resource> resources;
  bool include_synonyms = false;  // v1+
};
struct DescribeConfigsResponse {
  struct Config {
    std::string name;
    std::optional<std::string> value;
    bool read_only = false;
    int8_t config_source = kConfigSourceDefault;  // v1+; v0 sends is_default
    bool is_sensitive = false;
  };
  struct Result {
    int16_t error_code = 0;
    std::optional<std::string> error_message;
    int8_t resource_type = 0;
    std::string resource_name;
    std::vector<Config> configs;
  };
  int32_t throttle_time_ms = 0;
  std::vector<Result> results;
};
Status decode_describe_configs_request(ByteReader& r, int16_t version, DescribeConfigsRequest* out);
void encode_describe_configs_response(const DescribeConfigsResponse& m, int16_t version, std::vector<uint8_t>* out);

struct InitProducerIdRequest {
  std::optional<std::string> transactional_id;
  int32_t transaction_timeout_ms = 0;
};
struct InitProducerIdResponse {
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};
Status decode_init_producer_id_request(ByteReader& r, int16_t version, InitProducerIdRequest* out);
void encode_init_producer_id_response(const InitProducerIdResponse& m, int16_t version, std::vector<uint8_t>* out);

// ListGroups v0-2 has an empty request body.
Status decode_list_groups_request(ByteReader& r, int16_t version);

}  // namespace strata::kafka
