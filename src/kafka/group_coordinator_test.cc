#include "kafka/group_coordinator.h"

#include <gtest/gtest.h>

#include "kafka/error_code.h"

namespace strata::kafka {
namespace {

class GroupCoordinatorTest : public ::testing::Test {
 protected:
  GroupCoordinatorTest() : coord_(&clock_, {}, nullptr, [](std::function<void()> fn) { fn(); }) {}

  JoinGroupRequest join_req(const std::string& member_id, const std::string& protocol = "range") {
    JoinGroupRequest r;
    r.group_id = "g";
    r.session_timeout_ms = 10000;
    r.rebalance_timeout_ms = 20000;
    r.member_id = member_id;
    r.protocol_type = "consumer";
    r.protocols = {{protocol, {1}}};
    return r;
  }

  void join(const std::string& member_id, std::optional<JoinGroupResponse>* out) {
    coord_.join_group(join_req(member_id), "client", "127.0.0.1", [out](JoinGroupResponse r) { *out = r; });
  }

  void sync(const std::string& member_id, int32_t gen, std::vector<SyncGroupRequest::Assignment> assignments,
            std::optional<SyncGroupResponse>* out) {
    SyncGroupRequest r;
    r.group_id = "g";
    r.generation_id = gen;
    r.member_id = member_id;
    r.assignments = std::move(assignments);
    coord_.sync_group(r, [out](SyncGroupResponse resp) { *out = resp; });
  }

  int16_t heartbeat(const std::string& member_id, int32_t gen) {
    return coord_.heartbeat({"g", gen, member_id, std::nullopt}).error_code;
  }

  GroupState state() { return coord_.find_group("g")->state(); }

  io::ManualClock clock_;
  GroupCoordinator coord_;
};

TEST_F(GroupCoordinatorTest, SingleMemberJoinsAndSyncs) {
  std::optional<JoinGroupResponse> j;
  join("", &j);
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ(j->error_code, 0);
  EXPECT_EQ(j->generation_id, 1);
  EXPECT_EQ(j->leader, j->member_id);
  EXPECT_EQ(j->protocol_name, "range");
  ASSERT_EQ(j->members.size(), 1u);
  EXPECT_EQ(state(), GroupState::kCompletingRebalance);
  std::optional<SyncGroupResponse> s;
  sync(j->member_id, 1, {{j->member_id, {7}}}, &s);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->assignment, (std::vector<uint8_t>{7}));
  EXPECT_EQ(state(), GroupState::kStable);
}

TEST_F(GroupCoordinatorTest, TwoMembersRebalanceAndLeaderAssigns) {
  std::optional<JoinGroupResponse> a1;
  join("", &a1);
  std::optional<SyncGroupResponse> sa1;
  sync(a1->member_id, 1, {{a1->member_id, {1}}}, &sa1);
  ASSERT_EQ(state(), GroupState::kStable);
  std::string a = a1->member_id;

  // A second member's join opens a rebalance; it waits for A to rejoin.
  std::optional<JoinGroupResponse> b1;
  join("", &b1);
  EXPECT_FALSE(b1.has_value());
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  EXPECT_EQ(heartbeat(a, 1), to_wire(ErrorCode::kRebalanceInProgress));
  std::optional<JoinGroupResponse> a2;
  join(a, &a2);
  ASSERT_TRUE(a2.has_value());
  ASSERT_TRUE(b1.has_value());
  EXPECT_EQ(a2->generation_id, 2);
  EXPECT_EQ(a2->leader, a);
  EXPECT_EQ(a2->members.size(), 2u);
  EXPECT_TRUE(b1->members.empty());
  std::string b = b1->member_id;

  // The follower's sync waits for the leader's.
  std::optional<SyncGroupResponse> sb;
  sync(b, 2, {}, &sb);
  EXPECT_FALSE(sb.has_value());
  std::optional<SyncGroupResponse> sa2;
  sync(a, 2, {{a, {0xa}}, {b, {0xb}}}, &sa2);
  ASSERT_TRUE(sb.has_value());
  EXPECT_EQ(sb->assignment, (std::vector<uint8_t>{0xb}));
  EXPECT_EQ(sa2->assignment, (std::vector<uint8_t>{0xa}));
  EXPECT_EQ(state(), GroupState::kStable);
  EXPECT_EQ(heartbeat(b, 2), 0);
  EXPECT_EQ(heartbeat(b, 1), to_wire(ErrorCode::kIllegalGeneration));
  EXPECT_EQ(heartbeat("nobody", 2), to_wire(ErrorCode::kUnknownMemberId));
}

TEST_F(GroupCoordinatorTest, LeaveTriggersRebalance) {
  std::optional<JoinGroupResponse> a1, b1, a2;
  join("", &a1);
  join("", &b1);  // opens a rebalance
  join(a1->member_id, &a2);
  ASSERT_TRUE(b1.has_value());
  std::optional<SyncGroupResponse> s1, s2;
  sync(a2->member_id, 2, {}, &s1);
  ASSERT_EQ(state(), GroupState::kStable);
  LeaveGroupRequest leave{"g", {{b1->member_id, std::nullopt}}};
  EXPECT_EQ(coord_.leave_group(leave).error_code, 0);
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  std::optional<JoinGroupResponse> a3;
  join(a1->member_id, &a3);
  ASSERT_TRUE(a3.has_value());
  EXPECT_EQ(a3->generation_id, 3);
  EXPECT_EQ(a3->members.size(), 1u);
}

TEST_F(GroupCoordinatorTest, SessionExpiryRemovesMember) {
  std::optional<JoinGroupResponse> a1, b1, a2;
  join("", &a1);
  join("", &b1);
  join(a1->member_id, &a2);
  std::optional<SyncGroupResponse> s1;
  sync(a1->member_id, 2, {}, &s1);
  ASSERT_EQ(state(), GroupState::kStable);
  clock_.advance_ms(6000);
  EXPECT_EQ(heartbeat(a1->member_id, 2), 0);
  clock_.advance_ms(6000);  // b silent for 12 s > 10 s session
  coord_.tick();
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  EXPECT_EQ(coord_.find_group("g")->members().size(), 1u);
}

TEST_F(GroupCoordinatorTest, RebalanceTimeoutDropsMembersThatDidNotRejoin) {
  std::optional<JoinGroupResponse> a1, b1, a2;
  join("", &a1);
  join("", &b1);
  join(a1->member_id, &a2);
  std::optional<SyncGroupResponse> s1;
  sync(a1->member_id, 2, {}, &s1);
  std::optional<JoinGroupResponse> c1;
  join("", &c1);  // new member: a and b must rejoin
  std::optional<JoinGroupResponse> a3;
  join(a1->member_id, &a3);
  EXPECT_FALSE(a3.has_value());
  clock_.advance_ms(20001);
  coord_.tick();
  ASSERT_TRUE(a3.has_value());
  ASSERT_TRUE(c1.has_value());
  EXPECT_EQ(a3->members.size(), 2u);  // b removed
}

TEST_F(GroupCoordinatorTest, InvalidSessionTimeout) {
  auto r = join_req("");
  r.session_timeout_ms = 10;
  std::optional<JoinGroupResponse> out;
  coord_.join_group(r, "c", "h", [&](JoinGroupResponse resp) { out = resp; });
  EXPECT_EQ(out->error_code, to_wire(ErrorCode::kInvalidSessionTimeout));
}

TEST_F(GroupCoordinatorTest, OffsetsCommitAndFetch) {
  OffsetCommitRequest c;
  c.group_id = "simple";
  c.generation_id = -1;
  c.topics = {{"t", {{0, 42, -1, std::string("m")}}}};
  std::optional<OffsetCommitResponse> cr;
  coord_.commit_offsets(c, [&](OffsetCommitResponse r) { cr = r; });
  ASSERT_TRUE(cr.has_value());
  EXPECT_EQ(cr->topics[0].partitions[0].error_code, 0);
  OffsetFetchRequest f;
  f.group_id = "simple";
  f.topics = std::vector<OffsetFetchRequest::Topic>{{"t", {0, 1}}};
  auto fr = coord_.fetch_offsets(f);
  EXPECT_EQ(fr.topics[0].partitions[0].committed_offset, 42);
  EXPECT_EQ(fr.topics[0].partitions[1].committed_offset, -1);
  f.topics.reset();
  fr = coord_.fetch_offsets(f);
  ASSERT_EQ(fr.topics.size(), 1u);
  EXPECT_EQ(fr.topics[0].partitions.size(), 1u);
}

TEST_F(GroupCoordinatorTest, CommitFromUnknownMemberRejected) {
  std::optional<JoinGroupResponse> a1;
  join("", &a1);
  OffsetCommitRequest c;
  c.group_id = "g";
  c.generation_id = 1;
  c.member_id = "stranger";
  c.topics = {{"t", {{0, 1, -1, std::nullopt}}}};
  std::optional<OffsetCommitResponse> cr;
  coord_.commit_offsets(c, [&](OffsetCommitResponse r) { cr = r; });
  EXPECT_EQ(cr->topics[0].partitions[0].error_code, to_wire(ErrorCode::kUnknownMemberId));
}

TEST(OffsetRecords, KeyValueRoundTrip) {
  auto key = encode_offset_key("g", "t", 3);
  std::string g, t;
  int32_t p = 0;
  ASSERT_TRUE(decode_offset_key(key, &g, &t, &p).ok());
  EXPECT_EQ(g, "g");
  EXPECT_EQ(t, "t");
  EXPECT_EQ(p, 3);
  auto value = encode_offset_value({99, 2, std::nullopt, 1234});
  auto v = decode_offset_value(value);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->offset, 99);
  EXPECT_EQ(v->commit_timestamp_ms, 1234);
  value.pop_back();
  EXPECT_FALSE(decode_offset_value(value).ok());
}

}  // namespace
}  // namespace strata::kafka

namespace strata::kafka {
namespace {

TEST(GroupCoordinatorOffsets, DeletedTopicForgetsOffsets) {
  io::ManualClock clock;
  GroupCoordinator coord(&clock, {}, nullptr, [](std::function<void()> fn) { fn(); });
  OffsetCommitRequest c;
  c.group_id = "g";
  c.topics = {{"gone", {{0, 5, -1, std::nullopt}}}, {"kept", {{0, 6, -1, std::nullopt}}}};
  coord.commit_offsets(c, [](OffsetCommitResponse) {});
  coord.delete_topic_offsets("gone");
  OffsetFetchRequest f;
  f.group_id = "g";
  auto r = coord.fetch_offsets(f);
  ASSERT_EQ(r.topics.size(), 1u);
  EXPECT_EQ(r.topics[0].name, "kept");
}

}  // namespace
}  // namespace strata::kafka
