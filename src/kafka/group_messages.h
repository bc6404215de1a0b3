// Requests and responses of the consumer-group APIs: FindCoordinator,
// JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch,
// ListGroups, DescribeGroups. Same conventions as core_messages.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace strata::kafka {

struct FindCoordinatorRequest {
  std::string key;
  int8_t key_type = 0;  // v1+: 0 group, 1 transaction
};
struct FindCoordinatorResponse {
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::optional<std::string> error_message;
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;
};
Status decode_find_coordinator_request(ByteReader& r, int16_t version, FindCoordinatorRequest* out);
void encode_find_coordinator_response(const FindCoordinatorResponse& m, int16_t version, std::vector<uint8_t>* out);

struct JoinGroupRequest {
  struct Protocol {
    std::string name;
    std::vector<uint8_t> metadata;
  };
  std::string group_id;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = -1;  // v1+; defaults to the session timeout
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v5+
  std::string protocol_type;
  std::vector<Protocol> protocols;
};
struct JoinGroupResponse {
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::vector<uint8_t> metadata;
  };
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  int32_t generation_id = -1;
  std::string protocol_name;
  std::string leader;
  std::string member_id;
  std::vector<Member> members;  // non-empty only for the leader
};
Status decode_join_group_request(ByteReader& r, int16_t version, JoinGroupRequest* out);
void encode_join_group_response(const JoinGroupResponse& m, int16_t version, std::vector<uint8_t>* out);

struct SyncGroupRequest {
  struct Assignment {
    std::string member_id;
    std::vector<uint8_t> assignment;
  };
  std::string group_id;
  int32_t generation_id = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v3+
  std::vector<Assignment> assignments;
};
struct SyncGroupResponse {
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::vector<uint8_t> assignment;
};
Status decode_sync_group_request(ByteReader& r, int16_t version, SyncGroupRequest* out);
void encode_sync_group_response(const SyncGroupResponse& m, int16_t version, std::vector<uint8_t>* out);

struct HeartbeatRequest {
  std::string group_id;
  int32_t generation_id = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v3+
};
struct HeartbeatResponse {
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
};
Status decode_heartbeat_request(ByteReader& r, int16_t version, HeartbeatRequest* out);
void encode_heartbeat_response(const HeartbeatResponse& m, int16_t version, std::vector<uint8_t>* out);

struct LeaveGroupRequest {
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
  };
  std::string group_id;
  std::vector<Member> members;  // v0-2: the one member_id
};
struct LeaveGroupResponse {
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    int16_t error_code = 0;
  };
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::vector<Member> members;  // v3+
};
Status decode_leave_group_request(ByteReader& r, int16_t version, LeaveGroupRequest* out);
void encode_leave_group_response(const LeaveGroupResponse& m, int16_t version, std::vector<uint8_t>* out);

struct OffsetCommitRequest {
  struct Partition {
    int32_t partition_index = 0;
    int64_t committed_offset = 0;
    int32_t committed_leader_epoch = -1;  // v6+
    std::optional<std::string> committed_metadata;
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
  };
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v7+
  std::vector<Topic> topics;
};
struct OffsetCommitResponse {
  struct Partition {
    int32_t partition_index = 0;
    int16_t error_code = 0;
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
  };
  int32_t throttle_time_ms = 0;
  std::vector<Topic> topics;
};
Status decode_offset_commit_request(ByteReader& r, int16_t version, OffsetCommitRequest* out);
void encode_offset_commit_response(const OffsetCommitResponse& m, int16_t version, std::vector<uint8_t>* out);

struct OffsetFetchRequest {
  struct Topic {
    std::string name;
    std::vector<int32_t> partition_indexes;
  };
  std::string group_id;
  std::optional<std::vector<Topic>> topics;  // nullopt (v2+) = every committed partition
};
struct OffsetFetchResponse {
  struct Partition {
    int32_t partition_index = 0;
    int64_t committed_offset = -1;
    int32_t committed_leader_epoch = -1;  // v5+
    std::optional<std::string> metadata;
    int16_t error_code = 0;
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
  };
  int32_t throttle_time_ms = 0;  // v3+
  std::vector<Topic> topics;
  int16_t error_code = 0;  // v2+
};
Status decode_offset_fetch_request(ByteReader& r, int16_t version, OffsetFetchRequest* out);
void encode_offset_fetch_response(const OffsetFetchResponse& m, int16_t version, std::vector<uint8_t>* out);

struct ListGroupsResponse {
  struct Group {
    std::string group_id;
    std::string protocol_type;
  };
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::vector<Group> groups;
};
void encode_list_groups_response(const ListGroupsResponse& m, int16_t version, std::vector<uint8_t>* out);

struct DescribeGroupsRequest {
  std::vector<std::string> groups;
  bool include_authorized_operations = false;  // v3+
};
struct DescribeGroupsResponse {
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v4+
    std::string client_id;
    std::string client_host;
    std::vector<uint8_t> member_metadata;
    std::vector<uint8_t> member_assignment;
  };
  struct Group {
    int16_t error_code = 0;
    std::string group_id;
    std::string group_state;
    std::string protocol_type;
    std::string protocol_data;
    std::vector<Member> members;
  };
  int32_t throttle_time_ms = 0;
  std::vector<Group> groups;
};
Status decode_describe_groups_request(ByteReader& r, int16_t version, DescribeGroupsRequest* out);
void encode_describe_groups_response(const DescribeGroupsResponse& m, int16_t version, std::vector<uint8_t>* out);

}  // namespace strata::kafka
