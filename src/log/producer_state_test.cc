#include "log/producer_state.h"

#include <gtest/gtest.h>

#include <future>

#include "log/test_util.h"

namespace strata::log {
namespace {

using namespace testing;  // NOLINT

RecordBatchHeader header(int64_t pid, int16_t epoch, int32_t seq, int count, int64_t base_offset = 0) {
  RecordBatchHeader h;
  h.producer_id = pid;
  h.producer_epoch = epoch;
  h.base_sequence = seq;
  h.record_count = count;
  h.last_offset_delta = count - 1;
  h.base_offset = base_offset;
  return h;
}

TEST(ProducerStateTest, SequenceRules) {
  ProducerState s;
  EXPECT_EQ(s.check(header(1, 0, 0, 2)).verdict, ProducerState::Verdict::kAppend);
  s.update(header(1, 0, 0, 2, 0));
  EXPECT_EQ(s.check(header(1, 0, 2, 3)).verdict, ProducerState::Verdict::kAppend);
  s.update(header(1, 0, 2, 3, 2));
  auto dup = s.check(header(1, 0, 0, 2));
  EXPECT_EQ(dup.verdict, ProducerState::Verdict::kDuplicate);
  EXPECT_EQ(dup.duplicate_of.base_offset, 0);
  EXPECT_EQ(dup.duplicate_of.last_offset, 1);
  EXPECT_EQ(s.check(header(1, 0, 7, 1)).error, ProducerError::kOutOfOrderSequence);
  EXPECT_EQ(s.check(header(1, 0, 3, 1)).error, ProducerError::kOutOfOrderSequence);
  // Epochs: older rejected, newer must restart at 0.
  s.update(header(1, 3, 0, 1, 10));
  EXPECT_EQ(s.check(header(1, 2, 1, 1)).error, ProducerError::kInvalidEpoch);
  EXPECT_EQ(s.check(header(1, 4, 5, 1)).error, ProducerError::kOutOfOrderSequence);
  EXPECT_EQ(s.check(header(1, 4, 0, 1)).verdict, ProducerState::Verdict::kAppend);
  // Unknown producers are accepted at any sequence.
  EXPECT_EQ(s.check(header(99, 0, 42, 1)).verdict, ProducerState::Verdict::kAppend);
}

TEST(ProducerStateTest, KeepsLastFiveBatchesAndWraps) {
  ProducerState s;
  for (int i = 0; i < 7; i++) s.update(header(5, 0, i, 1, i));
  EXPECT_EQ(s.check(header(5, 0, 1, 1)).verdict, ProducerState::Verdict::kError);  // evicted, not a duplicate
  EXPECT_EQ(s.check(header(5, 0, 2, 1)).verdict, ProducerState::Verdict::kDuplicate);
  s.update(header(6, 0, INT32_MAX, 1, 100));
  EXPECT_EQ(s.check(header(6, 0, 0, 1)).verdict, ProducerState::Verdict::kAppend);
}

TEST(ProducerStateTest, SnapshotRoundTripAndRejectsDamage) {
  ProducerState s;
  s.update(header(1, 2, 0, 3, 10));
  s.update(header(7, 0, 5, 1, 20));
  auto bytes = s.serialize();
  auto back = ProducerState::parse(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->producer_count(), 2u);
  EXPECT_EQ(back->check(header(1, 2, 0, 3)).verdict, ProducerState::Verdict::kDuplicate);
  bytes[bytes.size() - 1] ^= 1;
  EXPECT_FALSE(ProducerState::parse(bytes).ok());
}

class IdempotentAppendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    opts_ = options_for(dir_.path());
    opts_.topic_defaults.segment_bytes = 300;
    log_ = open_log(opts_, io::posix_file_system(), &clock_);
    ASSERT_TRUE(log_->create_topic("t", 1, {}).ok());
  }
  AppendOutcome send(int64_t pid, int16_t epoch, int32_t seq, int count) {
    auto b = make_producer_batch(pid, epoch, seq, count);
    return log_->partition("t", 0)->append(b, 0);
  }
  TempDir dir_;
  io::ManualClock clock_;
  LogOptions opts_;
  std::unique_ptr<LogManager> log_;
};

TEST_F(IdempotentAppendTest, RetryIsDuplicateAcrossRollsAndReopen) {
  int32_t seq = 0;
  for (int i = 0; i < 12; i++) {
    auto out = send(42, 1, seq, 2);
    ASSERT_TRUE(out.status.ok()) << out.status.to_string();
    seq += 2;
  }
  auto dup = send(42, 1, seq - 2, 2);
  ASSERT_TRUE(dup.status.ok());
  EXPECT_TRUE(dup.result.duplicate);
  EXPECT_EQ(dup.result.base_offset, 22);
  EXPECT_EQ(log_->partition("t", 0)->log_end_offset(), 24);
  auto gap = send(42, 1, seq + 1, 1);
  EXPECT_EQ(gap.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(gap.producer_error, ProducerError::kOutOfOrderSequence);

  // Reopen (producer state from snapshot + scan): the retry is still a duplicate.
  ASSERT_TRUE(log_->close().ok());
  log_ = open_log(opts_, io::posix_file_system(), &clock_);
  ASSERT_NE(log_, nullptr);
  dup = send(42, 1, seq - 2, 2);
  ASSERT_TRUE(dup.status.ok());
  EXPECT_TRUE(dup.result.duplicate);
  EXPECT_EQ(dup.result.base_offset, 22);
  EXPECT_EQ(send(42, 0, seq, 1).producer_error, ProducerError::kInvalidEpoch);
  auto next = send(42, 1, seq, 1);
  ASSERT_TRUE(next.status.ok());
  EXPECT_FALSE(next.result.duplicate);
  EXPECT_EQ(next.result.base_offset, 24);
}

TEST_F(IdempotentAppendTest, DuplicateAfterCrashWithoutSnapshotOrClose) {
  auto out = send(9, 0, 0, 3);
  ASSERT_TRUE(out.status.ok());
  std::promise<Status> done;
  log_->request_sync(log_->partition("t", 0), 3, [&done](Status s) { done.set_value(s); });
  ASSERT_TRUE(done.get_future().get().ok());
  // Remove any snapshot so state comes from scanning segments only.
  std::string pdir = partition_dir(dir_.path(), "t", 0);
  log_.reset();
  auto names = io::posix_file_system()->list_dir(pdir);
  ASSERT_TRUE(names.ok());
  for (const auto& n : *names) {
    if (n.ends_with(".snapshot")) {
      ASSERT_TRUE(io::posix_file_system()->remove(pdir + "/" + n).ok());
    }
  }
  log_ = open_log(opts_, io::posix_file_system(), &clock_);
  auto dup = send(9, 0, 0, 3);
  EXPECT_TRUE(dup.result.duplicate);
  EXPECT_EQ(log_->partition("t", 0)->log_end_offset(), 3);
}

}  // namespace
}  // namespace strata::log
