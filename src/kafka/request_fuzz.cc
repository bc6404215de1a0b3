// Fuzzes request decoding: the input is a frame body (request header +
// body). Every API key/version in the table is reached by the header's own
// bytes; the decoder must return a Status, never crash or over-allocate.
#include <cstddef>
#include <cstdint>

#include "kafka/admin_messages.h"
#include "kafka/api_keys.h"
#include "kafka/core_messages.h"
#include "kafka/group_messages.h"
#include "kafka/request_header.h"

namespace strata::kafka {
namespace {

void decode_body(int16_t key, int16_t v, ByteReader& r) {
  switch (static_cast<ApiKey>(key)) {
    case ApiKey::kApiVersions: {
      ApiVersionsRequest m;
      (void)decode_api_versions_request(r, v, &m);
      break;
    }
    case ApiKey::kMetadata: {
      MetadataRequest m;
      (void)decode_metadata_request(r, v, &m);
      break;
    }
    case ApiKey::kProduce: {
      ProduceRequest m;
      (void)decode_produce_request(r, v, &m);
      break;
    }
    case ApiKey::kFetch: {
      FetchRequest m;
      (void)decode_fetch_request(r, v, &m);
      break;
    }
    case ApiKey::kListOffsets: {
      ListOffsetsRequest m;
      (void)decode_list_offsets_request(r, v, &m);
      break;
    }
    case ApiKey::kFindCoordinator: {
      FindCoordinatorRequest m;
      (void)decode_find_coordinator_request(r, v, &m);
      break;
    }
    case ApiKey::kJoinGroup: {
      JoinGroupRequest m;
      (void)decode_join_group_request(r, v, &m);
      break;
    }
    case ApiKey::kSyncGroup: {
      SyncGroupRequest m;
      (void)decode_sync_group_request(r, v, &m);
      break;
    }
    case ApiKey::kHeartbeat: {
      HeartbeatRequest m;
      (void)decode_heartbeat_request(r, v, &m);
      break;
    }
    case ApiKey::kLeaveGroup: {
      LeaveGroupRequest m;
      (void)decode_leave_group_request(r, v, &m);
      break;
    }
    case ApiKey::kOffsetCommit: {
      OffsetCommitRequest m;
      (void)decode_offset_commit_request(r, v, &m);
      break;
    }
    case ApiKey::kOffsetFetch: {
      OffsetFetchRequest m;
      (void)decode_offset_fetch_request(r, v, &m);
      break;
    }
    case ApiKey::kListGroups:
      (void)decode_list_groups_request(r, v);
      break;
    case ApiKey::kDescribeGroups: {
      DescribeGroupsRequest m;
      (void)decode_describe_groups_request(r, v, &m);
      break;
    }
    case ApiKey::kCreateTopics: {
      CreateTopicsRequest m;
      (void)decode_create_topics_request(r, v, &m);
      break;
    }
    case ApiKey::kDeleteTopics: {
      DeleteTopicsRequest m;
      (void)decode_delete_topics_request(r, v, &m);
      break;
    }
    case ApiKey::kInitProducerId: {
      InitProducerIdRequest m;
      (void)decode_init_producer_id_request(r, v, &m);
      break;
    }
    case ApiKey::kDescribeConfigs: {
      DescribeConfigsRequest m;
      (void)decode_describe_configs_request(r, v, &m);
      break;
    }
    case ApiKey::kCreatePartitions: {
      CreatePartitionsRequest m;
      (void)decode_create_partitions_request(r, v, &m);
      break;
    }
  }
}

}  // namespace
}  // namespace strata::kafka

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata::kafka;
  strata::ByteReader r(data, size);
  auto h = decode_request_header(r);
  if (!h.ok() || !version_supported(h->api_key, h->api_version)) return 0;
  decode_body(h->api_key, h->api_version, r);
  return 0;
}
