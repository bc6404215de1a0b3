#include "kafka/api_keys.h"

#include <array>

namespace strata::kafka {
namespace {

// Each range ends at the last version whose fields the codec implements;
// flexible versions are served where they add no new fields beyond the
// compact encoding (see docs/kafka-api.md for each cap).
constexpr std::array<ApiVersionRange, 19> kApis = {{
    {ApiKey::kProduce, 3, 9, 9, "Produce"},
    {ApiKey::kFetch, 4, 11, 12, "Fetch"},
    {ApiKey::kListOffsets, 1, 6, 6, "ListOffsets"},
    {ApiKey::kMetadata, 0, 9, 9, "Metadata"},
    {ApiKey::kOffsetCommit, 2, 7, 8, "OffsetCommit"},
    {ApiKey::kOffsetFetch, 1, 7, 6, "OffsetFetch"},
    {ApiKey::kFindCoordinator, 0, 3, 3, "FindCoordinator"},
    {ApiKey::kJoinGroup, 0, 6, 6, "JoinGroup"},
    {ApiKey::kHeartbeat, 0, 4, 4, "Heartbeat"},
    {ApiKey::kLeaveGroup, 0, 4, 4, "LeaveGroup"},
    {ApiKey::kSyncGroup, 0, 4, 4, "SyncGroup"},
    {ApiKey::kDescribeGroups, 0, 5, 5, "DescribeGroups"},
    {ApiKey::kListGroups, 0, 3, 3, "ListGroups"},
    {ApiKey::kApiVersions, 0, 3, 3, "ApiVersions"},
    {ApiKey::kCreateTopics, 0, 4, 5, "CreateTopics"},
    {ApiKey::kDeleteTopics, 0, 4, 4, "DeleteTopics"},
    {ApiKey::kInitProducerId, 0, 4, 2, "InitProducerId"},
    {ApiKey::kDescribeConfigs, 0, 4, 4, "DescribeConfigs"},
    {ApiKey::kCreatePartitions, 0, 2, 2, "CreatePartitions"},
}};

}  // namespace

std::span<const ApiVersionRange> supported_apis() { return kApis; }

const ApiVersionRange* find_api(int16_t api_key) {
  for (const auto& a : kApis) {
    if (static_cast<int16_t>(a.key) == api_key) return &a;
  }
  return nullptr;
}

bool version_supported(int16_t api_key, int16_t version) {
  const auto* a = find_api(api_key);
  return a != nullptr && version >= a->min_version && version <= a->max_version;
}

bool is_flexible(int16_t api_key, int16_t version) {
  const auto* a = find_api(api_key);
  return a != nullptr && version >= a->first_flexible;
}

std::string_view api_name(int16_t api_key) {
  const auto* a = find_api(api_key);
  return a != nullptr ? a->name : std::string_view("Unknown");
}

}  // namespace strata::kafka
