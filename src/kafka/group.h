// Group: one classic consumer group's membership and rebalance state.
//
// States and transitions (driven by GroupCoordinator):
//   Empty               no members (offsets may still be committed).
//                       -> PreparingRebalance on the first JoinGroup.
//   PreparingRebalance  a rebalance is open: members must (re)send JoinGroup.
//                       -> CompletingRebalance when every known member has
//                          rejoined or the rebalance deadline passed (members
//                          that did not rejoin are removed); the generation is
//                          bumped and every pending JoinGroup is answered.
//                       -> Empty when the last member left/expired.
//   CompletingRebalance the leader computes assignments; SyncGroups of
//                       followers wait for the leader's SyncGroup.
//                       -> Stable when the leader's SyncGroup arrives.
//                       -> PreparingRebalance on a join, leave or expiry.
//   Stable              members heartbeat; SyncGroup returns the assignment.
//                       -> PreparingRebalance on a join, leave or expiry.
//   Dead                unused by the coordinator today (groups are never
//                       deleted); kept for DescribeGroups' vocabulary.
// Invariant: a member with a pending join/sync callback is answered exactly
// once (on completion, on removal, or when a new rebalance starts).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/group_messages.h"

namespace strata::kafka {

enum class GroupState : uint8_t { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };
std::string_view group_state_name(GroupState s);

struct GroupMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::vector<JoinGroupRequest::Protocol> protocols;
  std::vector<uint8_t> assignment;
  int64_t last_heartbeat_ms = 0;  // monotonic
  std::function<void(JoinGroupResponse)> join_done;  // set while a JoinGroup waits
  std::function<void(SyncGroupResponse)> sync_done;  // set while a SyncGroup waits
};

class Group {
 public:
  explicit Group(std::string id) : id_(std::move(id)) {}

  const std::string& id() const { return id_; }
  GroupState state() const { return state_; }
  int32_t generation() const { return generation_; }
  const std::string& protocol_type() const { return protocol_type_; }
  const std::string& protocol_name() const { return protocol_name_; }
  const std::string& leader() const { return leader_; }
  std::map<std::string, GroupMember>& members() { return members_; }
  const std::map<std::string, GroupMember>& members() const { return members_; }
  GroupMember* member(const std::string& id);
  int64_t rebalance_deadline_ms() const { return rebalance_deadline_ms_; }

  // True when `protocols` share a name with every member (or there are none).
  bool supports_protocols(const std::string& protocol_type,
                          const std::vector<JoinGroupRequest::Protocol>& protocols) const;
  // The first protocol of the leader (or first member) every member supports.
  std::string select_protocol() const;

  void set_protocol_type(std::string t) { protocol_type_ = std::move(t); }
  void transition(GroupState to) { state_ = to; }
  void set_leader(std::string id) { leader_ = std::move(id); }
  void set_rebalance_deadline_ms(int64_t t) { rebalance_deadline_ms_ = t; }
  // Bumps the generation and picks protocol and leader (CompletingRebalance).
  void start_generation();

 private:
  std::string id_;
  GroupState state_ = GroupState::kEmpty;
  int32_t generation_ = 0;
  std::string protocol_type_;
  std::string protocol_name_;
  std::string leader_;
  std::map<std::string, GroupMember> members_;
  int64_t rebalance_deadline_ms_ = 0;
};

}  // namespace strata::kafka
