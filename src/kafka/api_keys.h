// The Kafka APIs Strata serves and the versions of each (the ApiVersions
// table). A version at or above `first_flexible` uses compact encodings,
// tagged fields and request header v2 / response header v1.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace strata::kafka {

enum class ApiKey : int16_t {
  kProduce = 0,
  kFetch = 1,
  kListOffsets = 2,
  kMetadata = 3,
  kOffsetCommit = 8,
  kOffsetFetch = 9,
  kFindCoordinator = 10,
  kJoinGroup = 11,
  kHeartbeat = 12,
  kLeaveGroup = 13,
  kSyncGroup = 14,
  kDescribeGroups = 15,
  kListGroups = 16,
  kApiVersions = 18,
  kCreateTopics = 19,
  kDeleteTopics = 20,
  kInitProducerId = 22,
  kDescribeConfigs = 32,
  kCreatePartitions = 37,
};

struct ApiVersionRange {
  ApiKey key;
  int16_t min_version;
  int16_t max_version;
  int16_t first_flexible;  // first flexible version (may exceed max_version)
  std::string_view name;
};

// Every API served, in key order.
std::span<const ApiVersionRange> supported_apis();
// nullptr when the key is not served.
const ApiVersionRange* find_api(int16_t api_key);
bool version_supported(int16_t api_key, int16_t version);
// True when (key, version) is flexible. Unknown keys are not flexible.
bool is_flexible(int16_t api_key, int16_t version);
std::string_view api_name(int16_t api_key);

}  // namespace strata::kafka
