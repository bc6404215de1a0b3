// GroupCoordinator: every consumer group of this broker (we are always the
// coordinator) and their committed offsets.
//
// Membership lives in memory (members rejoin after a restart). Committed
// offsets are stored in the compacted internal topic __consumer_offsets
// (1 partition; record layout in docs/kafka-api.md) and rebuilt by load().
// An OffsetCommit is answered once its record is durable (request_sync).
//
// Time comes from io::Clock; tick() (called periodically by the server, or
// by tests after advancing a ManualClock) expires sessions and closes
// rebalances whose deadline passed. Callbacks (`done`) are invoked on the
// caller's thread, or through `post` for the log's sync completions.
// Threading: one thread (the broker's event loop); not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "base/status.h"
#include "io/clock.h"
#include "kafka/group.h"
#include "kafka/group_messages.h"
#include "log/log_manager.h"

namespace strata::kafka {

inline constexpr const char* kConsumerOffsetsTopic = "__consumer_offsets";

struct GroupCoordinatorOptions {
  int32_t min_session_timeout_ms = 6000;
  int32_t max_session_timeout_ms = 1800000;
  int32_t initial_rebalance_delay_ms = 0;
};

struct CommittedOffset {
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::optional<std::string> metadata;
  int64_t commit_timestamp_ms = 0;
};

// __consumer_offsets record coding (version-prefixed; see docs/kafka-api.md).
std::vector<uint8_t> encode_offset_key(const std::string& group, const std::string& topic, int32_t partition);
std::vector<uint8_t> encode_offset_value(const CommittedOffset& v);
Status decode_offset_key(std::span<const uint8_t> key, std::string* group, std::string* topic, int32_t* partition);
Result<CommittedOffset> decode_offset_value(std::span<const uint8_t> value);

class GroupCoordinator {
 public:
  using Post = std::function<void(std::function<void()>)>;

  // `log` may be nullptr: offsets then live in memory only (tests).
  GroupCoordinator(io::Clock* clock, GroupCoordinatorOptions options, log::LogManager* log, Post post);

  // Creates __consumer_offsets when missing and replays it.
  Status load();

  void join_group(const JoinGroupRequest& req, const std::string& client_id, const std::string& client_host,
                  std::function<void(JoinGroupResponse)> done);
  void sync_group(const SyncGroupRequest& req, std::function<void(SyncGroupResponse)> done);
  HeartbeatResponse heartbeat(const HeartbeatRequest& req);
  LeaveGroupResponse leave_group(const LeaveGroupRequest& req);
  void commit_offsets(const OffsetCommitRequest& req, std::function<void(OffsetCommitResponse)> done);
  OffsetFetchResponse fetch_offsets(const OffsetFetchRequest& req) const;
  ListGroupsResponse list_groups() const;
  DescribeGroupsResponse describe_groups(const DescribeGroupsRequest& req) const;

  // Forgets every group's committed offsets of a deleted topic (tombstones
  // are appended to __consumer_offsets; not waited for).
  void delete_topic_offsets(const std::string& topic);

  // Expires members past their session timeout and completes rebalances
  // past their deadline.
  void tick();

  const Group* find_group(const std::string& id) const;

 private:
  using OffsetKey = std::tuple<std::string, int32_t>;  // topic, partition

  Group& get_or_create(const std::string& id);
  void prepare_rebalance(Group& g);
  void maybe_complete_join(Group& g);
  void complete_join(Group& g);
  void remove_member(Group& g, const std::string& member_id);
  int16_t commit_check(const OffsetCommitRequest& req);
  std::string new_member_id(const std::string& client_id);

  io::Clock* clock_;
  GroupCoordinatorOptions options_;
  log::LogManager* log_;
  Post post_;
  std::map<std::string, std::unique_ptr<Group>> groups_;
  std::map<std::string, std::map<OffsetKey, CommittedOffset>> offsets_;
  uint64_t member_seq_ = 0;
};

}  // namespace strata::kafka
