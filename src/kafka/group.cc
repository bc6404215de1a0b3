#include "kafka/group.h"

#include <algorithm>

namespace strata::kafka {

std::string_view group_state_name(GroupState s) {
  switch (s) {
    case GroupState::kEmpty:
      return "Empty";
    case GroupState::kPreparingRebalance:
      return "PreparingRebalance";
    case GroupState::kCompletingRebalance:
      return "CompletingRebalance";
    case GroupState::kStable:
      return "Stable";
    case GroupState::kDead:
      return "Dead";
  }
  return "Unknown";
}

GroupMember* Group::member(const std::string& id) {
  auto it = members_.find(id);
  return it == members_.end() ? nullptr : &it->second;
}

namespace {
bool has_protocol(const GroupMember& m, const std::string& name) {
  return std::any_of(m.protocols.begin(), m.protocols.end(), [&](const auto& p) { return p.name == name; });
}
}  // namespace

bool Group::supports_protocols(const std::string& protocol_type,
                               const std::vector<JoinGroupRequest::Protocol>& protocols) const {
  if (protocols.empty()) return false;
  if (members_.empty()) return true;
  if (protocol_type != protocol_type_) return false;
  for (const auto& p : protocols) {
    bool all = std::all_of(members_.begin(), members_.end(), [&](const auto& kv) {
      return has_protocol(kv.second, p.name);
    });
    if (all) return true;
  }
  return false;
}

std::string Group::select_protocol() const {
  if (members_.empty()) return {};
  auto it = members_.find(leader_);
  const GroupMember& first = it != members_.end() ? it->second : members_.begin()->second;
  for (const auto& p : first.protocols) {
    bool all = std::all_of(members_.begin(), members_.end(), [&](const auto& kv) {
      return has_protocol(kv.second, p.name);
    });
    if (all) return p.name;
  }
  return first.protocols.empty() ? std::string() : first.protocols.front().name;
}

void Group::start_generation() {
  generation_++;
  if (members_.find(leader_) == members_.end()) {
    leader_ = members_.empty() ? std::string() : members_.begin()->first;
  }
  protocol_name_ = select_protocol();
  state_ = members_.empty() ? GroupState::kEmpty : GroupState::kCompletingRebalance;
}

}  // namespace strata::kafka
