#include "kafka/group_messages.h"

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

Status decode_find_coordinator_request(ByteReader& br, int16_t version, FindCoordinatorRequest* out) {
  WireReader r(&br, flexible(ApiKey::kFindCoordinator, version));
  out->key = r.string();
  if (version >= 1) out->key_type = r.i8();
  r.tagged_fields();
  return finish_decode(r, "FindCoordinator");
}

void encode_find_coordinator_response(const FindCoordinatorResponse& m, int16_t version, std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kFindCoordinator, version));
  if (version >= 1) w.i32(m.throttle_time_ms);
  w.i16(m.error_code);
  if (version >= 1) w.nullable_string(m.error_message);
  w.i32(m.node_id);
  w.string(m.host);
  w.i32(m.port);
  w.tagged_fields();
}

Status decode_join_group_request(ByteReader& br, int16_t version, JoinGroupRequest* out) {
  WireReader r(&br, flexible(ApiKey::kJoinGroup, version));
  out->group_id = r.string();
  out->session_timeout_ms = r.i32();
  out->rebalance_timeout_ms = version >= 1 ? r.i32() : out->session_timeout_ms;
  out->member_id = r.string();
  if (version >= 5) out->group_instance_id = r.nullable_string();
  out->protocol_type = r.string();
  out->protocols = read_array<JoinGroupRequest::Protocol>(r, 6, [&] {
    JoinGroupRequest::Protocol p;
    p.name = r.string();
    p.metadata = r.bytes();
    r.tagged_fields();
    return p;
  });
  r.tagged_fields();
  return finish_decode(r, "JoinGroup");
}

void encode_join_group_response(const JoinGroupResponse& m, int16_t version, std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kJoinGroup, version));
  if (version >= 2) w.i32(m.throttle_time_ms);
  w.i16(m.error_code);
  w.i32(m.generation_id);
  w.string(m.protocol_name);
  w.string(m.leader);
  w.string(m.member_id);
  write_array(w, m.members, [&](const JoinGroupResponse::Member& mem) {
    w.string(mem.member_id);
    if (version >= 5) w.nullable_string(mem.group_instance_id);
    w.bytes(mem.metadata);
    w.tagged_fields();
  });
  w.tagged_fields();
}

Status decode_sync_group_request(ByteReader& br, int16_t version, SyncGroupRequest* out) {
  WireReader r(&br, flexible(ApiKey::kSyncGroup, version));
  out->group_id = r.string();
  out->generation_id = r.i32();
  out->member_id = r.string();
  if (version >= 3) out->group_instance_id = r.nullable_string();
  out->assignments = read_array<SyncGroupRequest::Assignment>(r, 6, [&] {
    SyncGroupRequest::Assignment a;
    a.member_id = r.string();
    a.assignment = r.bytes();
    r.tagged_fields();
    return a;
  });
  r.tagged_fields();
  return finish_decode(r, "SyncGroup");
}

void encode_sync_group_response(const SyncGroupResponse& m, int16_t version, std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kSyncGroup, version));
  if (version >= 1) w.i32(m.throttle_time_ms);
  w.i16(m.error_code);
  w.bytes(m.assignment);
  w.tagged_fields();
}

Status decode_heartbeat_request(ByteReader& br, int16_t version, HeartbeatRequest* out) {
  WireReader r(&br, flexible(ApiKey::kHeartbeat, version));
  out->group_id = r.string();
  out->generation_id = r.i32();
  out->member_id = r.string();
  if (version >= 3) out->group_instance_id = r.nullable_string();
  r.tagged_fields();
  return finish_decode(r, "Heartbeat");
}

void encode_heartbeat_response(const HeartbeatResponse& m, int16_t version, std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kHeartbeat, version));
  if (version >= 1) w.i32(m.throttle_time_ms);
  w.i16(m.error_code);
  w.tagged_fields();
}

Status decode_leave_group_request(ByteReader& br, int16_t version, LeaveGroupRequest* out) {
  WireReader r(&br, flexible(ApiKey::kLeaveGroup, version));
  out->group_id = r.string();
  if (version <= 2) {
    out->members.push_back({r.string(), std::nullopt});
  } else {
    out->members = read_array<LeaveGroupRequest::Member>(r, 4, [&] {
      LeaveGroupRequest::Member m;
      m.member_id = r.string();
      m.group_instance_id = r.nullable_string();
      r.tagged_fields();
      return m;
    });
  }
  r.tagged_fields();
  return finish_decode(r, "LeaveGroup");
}

void encode_leave_group_response(const LeaveGroupResponse& m, int16_t version, std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kLeaveGroup, version));
  if (version >= 1) w.i32(m.throttle_time_ms);
  w.i16(m.error_code);
  if (version >= 3) {
    write_array(w, m.members, [&](const LeaveGroupResponse::Member& mem) {
      w.string(mem.member_id);
      w.nullable_string(mem.group_instance_id);
      w.i16(mem.error_code);
      w.tagged_fields();
    });
  }
  w.tagged_fields();
}

Status decode_offset_commit_request(ByteReader& br, int16_t version, OffsetCommitRequest* out) {
  WireReader r(&br, flexible(ApiKey::kOffsetCommit, version));
  out->group_id = r.string();
  if (version >= 1) {
    out->generation_id = r.i32();
    out->member_id = r.string();
  }
  if (version >= 7) out->group_instance_id = r.nullable_string();
  if (version >= 2 && version <= 4) (void)r.i64();  // retention_time_ms
  out->topics = read_array<OffsetCommitRequest::Topic>(r, 6, [&] {
    OffsetCommitRequest::Topic t;
    t.name = r.string();
    t.partitions = read_array<OffsetCommitRequest::Partition>(r, 14, [&] {
      OffsetCommitRequest::Partition p;
      p.partition_index = r.i32();
      p.committed_offset = r.i64();
      if (version >= 6) p.committed_leader_epoch = r.i32();
      if (version == 1) (void)r.i64();  // commit_timestamp
      p.committed_metadata = r.nullable_string();
      r.tagged_fields();
      return p;
    });
    r.tagged_fields();
    return t;
  });
  r.tagged_fields();
  return finish_decode(r, "OffsetCommit");
}

void encode_offset_commit_response(const OffsetCommitResponse& m, int16_t version, std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kOffsetCommit, version));
  if (version >= 3) w.i32(m.throttle_time_ms);
  write_array(w, m.topics, [&](const OffsetCommitResponse::Topic& t) {
    w.string(t.name);
    write_array(w, t.partitions, [&](const OffsetCommitResponse::Partition& p) {
      w.i32(p.partition_index);
      w.i16(p.error_code);
      w.tagged_fields();
    });
    w.tagged_fields();
  });
  w.tagged_fields();
}

Status decode_offset_fetch_request(ByteReader& br, int16_t version, OffsetFetchRequest* out) {
  WireReader r(&br, flexible(ApiKey::kOffsetFetch, version));
  out->group_id = r.string();
  int32_t n = r.array_count(6, version >= 2);
  if (n >= 0) {
    out->topics.emplace();
    for (int32_t i = 0; i < n && r.ok(); i++) {
      OffsetFetchRequest::Topic t;
      t.name = r.string();
      t.partition_indexes = r.int32_array();
      r.tagged_fields();
      out->topics->push_back(std::move(t));
    }
  }
  if (version >= 7) (void)r.boolean();  // require_stable
  r.tagged_fields();
  return finish_decode(r, "OffsetFetch");
}

void encode_offset_fetch_response(const OffsetFetchResponse& m, int16_t version, std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kOffsetFetch, version));
  if (version >= 3) w.i32(m.throttle_time_ms);
  write_array(w, m.topics, [&](const OffsetFetchResponse::Topic& t) {
    w.string(t.name);
    write_array(w, t.partitions, [&](const OffsetFetchResponse::Partition& p) {
      w.i32(p.partition_index);
      w.i64(p.committed_offset);
      if (version >= 5) w.i32(p.committed_leader_epoch);
      w.nullable_string(p.metadata);
      w.i16(p.error_code);
      w.tagged_fields();
    });
    w.tagged_fields();
  });
  if (version >= 2) w.i16(m.error_code);
  w.tagged_fields();
}

void encode_list_groups_response(const ListGroupsResponse& m, int16_t version, std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kListGroups, version));
  if (version >= 1) w.i32(m.throttle_time_ms);
  w.i16(m.error_code);
  write_array(w, m.groups, [&](const ListGroupsResponse::Group& g) {
    w.string(g.group_id);
    w.string(g.protocol_type);
    w.tagged_fields();
  });
  w.tagged_fields();
}

Status decode_describe_groups_request(ByteReader& br, int16_t version, DescribeGroupsRequest* out) {
  WireReader r(&br, flexible(ApiKey::kDescribeGroups, version));
  out->groups = r.string_array();
  if (version >= 3) out->include_authorized_operations = r.boolean();
  r.tagged_fields();
  return finish_decode(r, "DescribeGroups");
}

void encode_describe_groups_response(const DescribeGroupsResponse& m, int16_t version, std::vector<uint8_t>* out) {
  WireWriter w(out, flexible(ApiKey::kDescribeGroups, version));
  if (version >= 1) w.i32(m.throttle_time_ms);
  write_array(w, m.groups, [&](const DescribeGroupsResponse::Group& g) {
    w.i16(g.error_code);
    w.string(g.group_id);
    w.string(g.group_state);
    w.string(g.protocol_type);
    w.string(g.protocol_data);
    write_array(w, g.members, [&](const DescribeGroupsResponse::Member& mem) {
      w.string(mem.member_id);
      if (version >= 4) w.nullable_string(mem.group_instance_id);
      w.string(mem.client_id);
      w.string(mem.client_host);
      w.bytes(mem.member_metadata);
      w.bytes(mem.member_assignment);
      w.tagged_fields();
    });
    if (version >= 3) w.i32(INT32_MIN);  // authorized_operations: not computed
    w.tagged_fields();
  });
  w.tagged_fields();
}

}  // namespace strata::kafka
