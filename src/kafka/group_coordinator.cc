#include "kafka/group_coordinator.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/logging.h"
#include "kafka/error_code.h"
#include "kafka/wire.h"
#include "log/record_batch.h"

namespace strata::kafka {
namespace {

constexpr int16_t kOffsetKeyVersion = 1;
constexpr int16_t kOffsetValueVersion = 1;
constexpr size_t kReplayReadBytes = 1 << 20;
constexpr size_t kMaxDecompressedBytes = 64 << 20;

int16_t err(ErrorCode c) { return to_wire(c); }

}  // namespace

std::vector<uint8_t> encode_offset_key(const std::string& group, const std::string& topic, int32_t partition) {
  std::vector<uint8_t> out;
  WireWriter w(&out, false);
  w.i16(kOffsetKeyVersion);
  w.string(group);
  w.string(topic);
  w.i32(partition);
  return out;
}

std::vector<uint8_t> encode_offset_value(const CommittedOffset& v) {
  std::vector<uint8_t> out;
  WireWriter w(&out, false);
  w.i16(kOffsetValueVersion);
  w.i64(v.offset);
  w.i32(v.leader_epoch);
  w.nullable_string(v.metadata);
  w.i64(v.commit_timestamp_ms);
  return out;
}

Status decode_offset_key(std::span<const uint8_t> key, std::string* group, std::string* topic, int32_t* partition) {
  ByteReader br(key);
  WireReader r(&br, false);
  if (r.i16() != kOffsetKeyVersion) return Status::corruption("unknown offset key version");
  *group = r.string();
  *topic = r.string();
  *partition = r.i32();
  if (!r.ok()) return Status::corruption("truncated offset key");
  return Status::ok_status();
}

Result<CommittedOffset> decode_offset_value(std::span<const uint8_t> value) {
  ByteReader br(value);
  WireReader r(&br, false);
  if (r.i16() != kOffsetValueVersion) return Status::corruption("unknown offset value version");
  CommittedOffset v;
  v.offset = r.i64();
  v.leader_epoch = r.i32();
  v.metadata = r.nullable_string();
  v.commit_timestamp_ms = r.i64();
  if (!r.ok()) return Status::corruption("truncated offset value");
  return v;
}

GroupCoordinator::GroupCoordinator(io::Clock* clock, GroupCoordinatorOptions options, log::LogManager* log,
                                   Post post)
    : clock_(clock), options_(options), log_(log), post_(std::move(post)) {}

Status GroupCoordinator::load() {
  if (log_ == nullptr) return Status::ok_status();
  if (!log_->find_topic(kConsumerOffsetsTopic)) {
    auto created = log_->create_topic(kConsumerOffsetsTopic, 1, {{"cleanup.policy", "compact"}});
    if (!created.ok()) return created.status();
  }
  log::Partition* p = log_->partition(kConsumerOffsetsTopic, 0);
  if (p == nullptr) return Status::internal("__consumer_offsets partition 0 missing");
  int64_t next = p->log_start_offset();
  std::vector<uint8_t> scratch;
  std::vector<log::Record> records;
  size_t applied = 0;
  while (next < p->log_end_offset()) {
    STRATA_ASSIGN_OR_RETURN(log::ReadResult rr, p->read(next, static_cast<int32_t>(kReplayReadBytes)));
    if (rr.bytes.empty()) break;
    std::span<const uint8_t> rest(rr.bytes);
    while (rest.size() >= log::kRecordBatchHeaderSize) {
      STRATA_ASSIGN_OR_RETURN(log::RecordBatchHeader h, log::parse_record_batch_header(rest));
      if (h.size_bytes() > rest.size()) break;
      auto batch = rest.subspan(0, h.size_bytes());
      rest = rest.subspan(h.size_bytes());
      records.clear();
      STRATA_RETURN_IF_ERROR(log::decode_record_batch(batch, kMaxDecompressedBytes, &scratch, &records));
      for (const auto& rec : records) {
        if (rec.offset < next || !rec.key) continue;
        std::string group, topic;
        int32_t partition = 0;
        if (!decode_offset_key(*rec.key, &group, &topic, &partition).ok()) continue;
        if (!rec.value) {
          offsets_[group].erase({topic, partition});
          continue;
        }
        auto v = decode_offset_value(*rec.value);
        if (!v.ok()) continue;
        offsets_[group][{topic, partition}] = *v;
        applied++;
      }
      next = std::max(next, h.last_offset() + 1);
    }
  }
  logging::info("consumer offsets loaded", "records", applied, "groups", offsets_.size());
  return Status::ok_status();
}

Group& GroupCoordinator::get_or_create(const std::string& id) {
  auto& slot = groups_[id];
  if (!slot) slot = std::make_unique<Group>(id);
  return *slot;
}

const Group* GroupCoordinator::find_group(const std::string& id) const {
  auto it = groups_.find(id);
  return it == groups_.end() ? nullptr : it->second.get();
}

std::string GroupCoordinator::new_member_id(const std::string& client_id) {
  member_seq_++;
  return fmt::format("{}-{:x}-{:x}", client_id.empty() ? "member" : client_id, clock_->now_ms(), member_seq_);
}

void GroupCoordinator::join_group(const JoinGroupRequest& req, const std::string& client_id,
                                  const std::string& client_host, std::function<void(JoinGroupResponse)> done) {
  JoinGroupResponse resp;
  resp.member_id = req.member_id;
  if (req.group_id.empty()) {
    resp.error_code = err(ErrorCode::kInvalidGroupId);
    return done(std::move(resp));
  }
  if (req.session_timeout_ms < options_.min_session_timeout_ms ||
      req.session_timeout_ms > options_.max_session_timeout_ms) {
    resp.error_code = err(ErrorCode::kInvalidSessionTimeout);
    return done(std::move(resp));
  }
  Group& g = get_or_create(req.group_id);
  GroupMember* m = nullptr;
  if (!req.member_id.empty()) {
    m = g.member(req.member_id);
    if (m == nullptr) {
      resp.error_code = err(ErrorCode::kUnknownMemberId);
      return done(std::move(resp));
    }
  }
  // A rejoining sole member may change protocols freely; otherwise they
  // must intersect with every other member's.
  bool sole = m != nullptr && g.members().size() == 1;
  if (!sole && !g.supports_protocols(req.protocol_type, req.protocols)) {
    resp.error_code = err(ErrorCode::kInconsistentGroupProtocol);
    return done(std::move(resp));
  }
  if (m == nullptr) {
    std::string id = new_member_id(client_id);
    m = &g.members()[id];
    m->member_id = id;
    if (g.members().size() == 1) {
      g.set_protocol_type(req.protocol_type);
      g.set_leader(id);
    }
  }
  if (m->join_done) {
    // A duplicate JoinGroup replaces the earlier one, which is answered now.
    JoinGroupResponse stale;
    stale.member_id = m->member_id;
    stale.error_code = err(ErrorCode::kRebalanceInProgress);
    auto cb = std::move(m->join_done);
    m->join_done = nullptr;
    cb(std::move(stale));
  }
  m->group_instance_id = req.group_instance_id;
  m->client_id = client_id;
  m->client_host = client_host;
  m->session_timeout_ms = req.session_timeout_ms;
  m->rebalance_timeout_ms = req.rebalance_timeout_ms > 0 ? req.rebalance_timeout_ms : req.session_timeout_ms;
  m->protocols = req.protocols;
  m->last_heartbeat_ms = clock_->monotonic_ms();
  m->join_done = std::move(done);
  if (g.state() != GroupState::kPreparingRebalance) prepare_rebalance(g);
  maybe_complete_join(g);
}

void GroupCoordinator::prepare_rebalance(Group& g) {
  bool was_empty = g.state() == GroupState::kEmpty;
  int64_t timeout_ms = 0;
  for (auto& [id, m] : g.members()) {
    timeout_ms = std::max<int64_t>(timeout_ms, m.rebalance_timeout_ms);
    if (m.sync_done) {
      SyncGroupResponse r;
      r.error_code = err(ErrorCode::kRebalanceInProgress);
      auto cb = std::move(m.sync_done);
      m.sync_done = nullptr;
      cb(std::move(r));
    }
  }
  if (was_empty) timeout_ms = options_.initial_rebalance_delay_ms;
  g.set_rebalance_deadline_ms(clock_->monotonic_ms() + timeout_ms);
  g.transition(GroupState::kPreparingRebalance);
  logging::info("group rebalance", "group", g.id(), "members", g.members().size(), "generation", g.generation());
}

void GroupCoordinator::maybe_complete_join(Group& g) {
  if (g.state() != GroupState::kPreparingRebalance) return;
  bool all = std::all_of(g.members().begin(), g.members().end(),
                         [](const auto& kv) { return static_cast<bool>(kv.second.join_done); });
  // With an initial delay, an empty group waits for the deadline so that
  // members starting together land in one generation.
  if (all && (options_.initial_rebalance_delay_ms == 0 || clock_->monotonic_ms() >= g.rebalance_deadline_ms())) {
    complete_join(g);
  }
}

void GroupCoordinator::complete_join(Group& g) {
  std::vector<std::string> absent;
  for (auto& [id, m] : g.members()) {
    if (!m.join_done) absent.push_back(id);
  }
  for (const auto& id : absent) g.members().erase(id);
  g.start_generation();
  int64_t now = clock_->monotonic_ms();
  std::vector<JoinGroupResponse::Member> member_list;
  for (auto& [id, m] : g.members()) {
    JoinGroupResponse::Member jm;
    jm.member_id = id;
    jm.group_instance_id = m.group_instance_id;
    for (const auto& p : m.protocols) {
      if (p.name == g.protocol_name()) jm.metadata = p.metadata;
    }
    member_list.push_back(std::move(jm));
  }
  logging::info("group joined", "group", g.id(), "generation", g.generation(), "members", g.members().size(),
                "protocol", g.protocol_name(), "leader", g.leader());
  std::vector<std::pair<std::function<void(JoinGroupResponse)>, JoinGroupResponse>> replies;
  for (auto& [id, m] : g.members()) {
    JoinGroupResponse r;
    r.generation_id = g.generation();
    r.protocol_name = g.protocol_name();
    r.leader = g.leader();
    r.member_id = id;
    if (id == g.leader()) r.members = member_list;
    m.last_heartbeat_ms = now;
    replies.emplace_back(std::move(m.join_done), std::move(r));
    m.join_done = nullptr;
  }
  for (auto& [cb, r] : replies) cb(std::move(r));
}

void GroupCoordinator::remove_member(Group& g, const std::string& member_id) {
  GroupMember* m = g.member(member_id);
  if (m == nullptr) return;
  auto join_done = std::move(m->join_done);
  auto sync_done = std::move(m->sync_done);
  g.members().erase(member_id);
  if (join_done) {
    JoinGroupResponse r;
    r.member_id = member_id;
    r.error_code = err(ErrorCode::kUnknownMemberId);
    join_done(std::move(r));
  }
  if (sync_done) {
    SyncGroupResponse r;
    r.error_code = err(ErrorCode::kUnknownMemberId);
    sync_done(std::move(r));
  }
  switch (g.state()) {
    case GroupState::kStable:
    case GroupState::kCompletingRebalance:
      if (g.members().empty()) {
        g.transition(GroupState::kEmpty);
      } else {
        prepare_rebalance(g);
      }
      break;
    case GroupState::kPreparingRebalance:
      if (g.members().empty()) {
        g.start_generation();
      } else {
        maybe_complete_join(g);
      }
      break;
    case GroupState::kEmpty:
    case GroupState::kDead:
      break;
  }
}

void GroupCoordinator::sync_group(const SyncGroupRequest& req, std::function<void(SyncGroupResponse)> done) {
  SyncGroupResponse resp;
  auto it = groups_.find(req.group_id);
  GroupMember* m = it == groups_.end() ? nullptr : it->second->member(req.member_id);
  if (m == nullptr) {
    resp.error_code = err(ErrorCode::kUnknownMemberId);
    return done(std::move(resp));
  }
  Group& g = *it->second;
  if (req.generation_id != g.generation()) {
    resp.error_code = err(ErrorCode::kIllegalGeneration);
    return done(std::move(resp));
  }
  m->last_heartbeat_ms = clock_->monotonic_ms();
  switch (g.state()) {
    case GroupState::kPreparingRebalance:
    case GroupState::kEmpty:
    case GroupState::kDead:
      resp.error_code = err(ErrorCode::kRebalanceInProgress);
      return done(std::move(resp));
    case GroupState::kStable:
      resp.assignment = m->assignment;
      return done(std::move(resp));
    case GroupState::kCompletingRebalance:
      break;
  }
  if (m->sync_done) {
    SyncGroupResponse stale;
    stale.error_code = err(ErrorCode::kRebalanceInProgress);
    auto cb = std::move(m->sync_done);
    cb(std::move(stale));
  }
  m->sync_done = std::move(done);
  if (req.member_id != g.leader()) return;
  for (auto& [id, mem] : g.members()) mem.assignment.clear();
  for (const auto& a : req.assignments) {
    if (GroupMember* target = g.member(a.member_id)) target->assignment = a.assignment;
  }
  g.transition(GroupState::kStable);
  std::vector<std::pair<std::function<void(SyncGroupResponse)>, SyncGroupResponse>> replies;
  for (auto& [id, mem] : g.members()) {
    if (!mem.sync_done) continue;
    SyncGroupResponse r;
    r.assignment = mem.assignment;
    replies.emplace_back(std::move(mem.sync_done), std::move(r));
    mem.sync_done = nullptr;
  }
  logging::info("group stable", "group", g.id(), "generation", g.generation());
  for (auto& [cb, r] : replies) cb(std::move(r));
}

HeartbeatResponse GroupCoordinator::heartbeat(const HeartbeatRequest& req) {
  HeartbeatResponse resp;
  auto it = groups_.find(req.group_id);
  GroupMember* m = it == groups_.end() ? nullptr : it->second->member(req.member_id);
  if (m == nullptr) {
    resp.error_code = err(ErrorCode::kUnknownMemberId);
    return resp;
  }
  Group& g = *it->second;
  if (req.generation_id != g.generation()) {
    resp.error_code = err(ErrorCode::kIllegalGeneration);
    return resp;
  }
  m->last_heartbeat_ms = clock_->monotonic_ms();
  if (g.state() == GroupState::kPreparingRebalance) resp.error_code = err(ErrorCode::kRebalanceInProgress);
  return resp;
}

LeaveGroupResponse GroupCoordinator::leave_group(const LeaveGroupRequest& req) {
  LeaveGroupResponse resp;
  auto it = groups_.find(req.group_id);
  for (const auto& lm : req.members) {
    LeaveGroupResponse::Member r{lm.member_id, lm.group_instance_id, 0};
    if (it == groups_.end() || it->second->member(lm.member_id) == nullptr) {
      r.error_code = err(ErrorCode::kUnknownMemberId);
    } else {
      logging::info("group member left", "group", req.group_id, "member", lm.member_id);
      remove_member(*it->second, lm.member_id);
    }
    resp.members.push_back(std::move(r));
  }
  // v0-2 carry one member: its error is the response's.
  if (resp.members.size() == 1) resp.error_code = resp.members[0].error_code;
  return resp;
}

void GroupCoordinator::tick() {
  int64_t now = clock_->monotonic_ms();
  for (auto& [gid, gp] : groups_) {
    Group& g = *gp;
    std::vector<std::string> expired;
    for (auto& [id, m] : g.members()) {
      if (!m.join_done && !m.sync_done && now - m.last_heartbeat_ms > m.session_timeout_ms) expired.push_back(id);
    }
    for (const auto& id : expired) {
      logging::info("group member expired", "group", gid, "member", id);
      remove_member(g, id);
    }
    if (g.state() == GroupState::kPreparingRebalance && now >= g.rebalance_deadline_ms()) complete_join(g);
  }
}

int16_t GroupCoordinator::commit_check(const OffsetCommitRequest& req) {
  if (req.group_id.empty()) return err(ErrorCode::kInvalidGroupId);
  auto it = groups_.find(req.group_id);
  bool simple = req.generation_id < 0 && req.member_id.empty();
  if (it == groups_.end() || it->second->state() == GroupState::kEmpty) {
    return simple ? err(ErrorCode::kNone) : err(ErrorCode::kUnknownMemberId);
  }
  Group& g = *it->second;
  if (simple) return err(ErrorCode::kNone);
  GroupMember* m = g.member(req.member_id);
  if (m == nullptr) return err(ErrorCode::kUnknownMemberId);
  if (g.state() == GroupState::kCompletingRebalance) return err(ErrorCode::kRebalanceInProgress);
  if (req.generation_id != g.generation()) return err(ErrorCode::kIllegalGeneration);
  m->last_heartbeat_ms = clock_->monotonic_ms();
  return err(ErrorCode::kNone);
}

void GroupCoordinator::commit_offsets(const OffsetCommitRequest& req, std::function<void(OffsetCommitResponse)> done) {
  OffsetCommitResponse resp;
  int16_t code = commit_check(req);
  int64_t now_ms = clock_->now_ms();
  log::RecordBatchBuilder builder;
  std::vector<std::pair<OffsetKey, CommittedOffset>> updates;
  for (const auto& t : req.topics) {
    OffsetCommitResponse::Topic rt{t.name, {}};
    for (const auto& p : t.partitions) {
      rt.partitions.push_back({p.partition_index, code});
      if (code != 0) continue;
      CommittedOffset v{p.committed_offset, p.committed_leader_epoch, p.committed_metadata, now_ms};
      auto key = encode_offset_key(req.group_id, t.name, p.partition_index);
      auto value = encode_offset_value(v);
      builder.add(now_ms, std::span<const uint8_t>(key), std::span<const uint8_t>(value));
      updates.emplace_back(OffsetKey{t.name, p.partition_index}, std::move(v));
    }
    resp.topics.push_back(std::move(rt));
  }
  auto set_all = [&resp](int16_t c) {
    for (auto& t : resp.topics) {
      for (auto& p : t.partitions) p.error_code = c;
    }
  };
  if (updates.empty() || log_ == nullptr) {
    for (auto& [k, v] : updates) offsets_[req.group_id][k] = std::move(v);
    return done(std::move(resp));
  }
  log::Partition* p = log_->partition(kConsumerOffsetsTopic, 0);
  auto batch = builder.finish(0);
  if (p == nullptr || !batch.ok()) {
    set_all(err(ErrorCode::kCoordinatorNotAvailable));
    return done(std::move(resp));
  }
  auto outcome = p->append(std::span<uint8_t>(batch.value()), now_ms);
  if (!outcome.status.ok()) {
    logging::warn("offset commit append failed", "group", req.group_id, "error", outcome.status.to_string());
    set_all(to_wire(error_code_for(outcome.status)));
    return done(std::move(resp));
  }
  for (auto& [k, v] : updates) offsets_[req.group_id][k] = std::move(v);
  auto shared_done = std::make_shared<std::function<void(OffsetCommitResponse)>>(std::move(done));
  auto shared_resp = std::make_shared<OffsetCommitResponse>(std::move(resp));
  log_->request_sync(p, outcome.result.last_offset + 1, [this, shared_done, shared_resp](Status s) {
    post_([s, shared_done, shared_resp] {
      if (!s.ok()) {
        for (auto& t : shared_resp->topics) {
          for (auto& part : t.partitions) part.error_code = to_wire(ErrorCode::kKafkaStorageError);
        }
      }
      (*shared_done)(std::move(*shared_resp));
    });
  });
}

void GroupCoordinator::delete_topic_offsets(const std::string& topic) {
  int64_t now_ms = clock_->now_ms();
  log::RecordBatchBuilder builder;
  for (auto& [group, offs] : offsets_) {
    for (auto it = offs.begin(); it != offs.end();) {
      if (std::get<0>(it->first) != topic) {
        ++it;
        continue;
      }
      auto key = encode_offset_key(group, topic, std::get<1>(it->first));
      builder.add(now_ms, std::span<const uint8_t>(key), std::nullopt);
      it = offs.erase(it);
    }
  }
  if (builder.empty() || log_ == nullptr) return;
  log::Partition* p = log_->partition(kConsumerOffsetsTopic, 0);
  auto batch = builder.finish(0);
  if (p == nullptr || !batch.ok()) return;
  auto outcome = p->append(std::span<uint8_t>(batch.value()), now_ms);
  if (!outcome.status.ok()) {
    logging::warn("offset tombstones append failed", "topic", topic, "error", outcome.status.to_string());
  }
}

OffsetFetchResponse GroupCoordinator::fetch_offsets(const OffsetFetchRequest& req) const {
  OffsetFetchResponse resp;
  auto git = offsets_.find(req.group_id);
  if (!req.topics) {
    if (git == offsets_.end()) return resp;
    for (const auto& [key, v] : git->second) {
      const auto& [topic, partition] = key;
      if (resp.topics.empty() || resp.topics.back().name != topic) resp.topics.push_back({topic, {}});
      resp.topics.back().partitions.push_back({partition, v.offset, v.leader_epoch, v.metadata, 0});
    }
    return resp;
  }
  for (const auto& t : *req.topics) {
    OffsetFetchResponse::Topic rt{t.name, {}};
    for (int32_t idx : t.partition_indexes) {
      OffsetFetchResponse::Partition rp;
      rp.partition_index = idx;
      rp.metadata = std::string();
      if (git != offsets_.end()) {
        auto it = git->second.find({t.name, idx});
        if (it != git->second.end()) {
          rp.committed_offset = it->second.offset;
          rp.committed_leader_epoch = it->second.leader_epoch;
          rp.metadata = it->second.metadata;
        }
      }
      rt.partitions.push_back(std::move(rp));
    }
    resp.topics.push_back(std::move(rt));
  }
  return resp;
}

ListGroupsResponse GroupCoordinator::list_groups() const {
  ListGroupsResponse resp;
  for (const auto& [id, g] : groups_) resp.groups.push_back({id, g->protocol_type()});
  for (const auto& [id, offs] : offsets_) {
    if (groups_.find(id) == groups_.end()) resp.groups.push_back({id, "consumer"});
  }
  return resp;
}

DescribeGroupsResponse GroupCoordinator::describe_groups(const DescribeGroupsRequest& req) const {
  DescribeGroupsResponse resp;
  for (const auto& id : req.groups) {
    DescribeGroupsResponse::Group rg;
    rg.group_id = id;
    const Group* g = find_group(id);
    if (g == nullptr) {
      rg.group_state = offsets_.count(id) != 0 ? "Empty" : "Dead";
      resp.groups.push_back(std::move(rg));
      continue;
    }
    rg.group_state = std::string(group_state_name(g->state()));
    rg.protocol_type = g->protocol_type();
    rg.protocol_data = g->protocol_name();
    for (const auto& [mid, m] : g->members()) {
      DescribeGroupsResponse::Member dm;
      dm.member_id = mid;
      dm.group_instance_id = m.group_instance_id;
      dm.client_id = m.client_id;
      dm.client_host = m.client_host;
      for (const auto& p : m.protocols) {
        if (p.name == g->protocol_name()) dm.member_metadata = p.metadata;
      }
      dm.member_assignment = m.assignment;
      rg.members.push_back(std::move(dm));
    }
    resp.groups.push_back(std::move(rg));
  }
  return resp;
}

}  // namespace strata::kafka
