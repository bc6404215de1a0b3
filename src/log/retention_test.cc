// Retention by time and size (cleanup.policy=delete).
#include <gtest/gtest.h>

#include "log/local_partition.h"
#include "log/test_util.h"

namespace strata::log {
namespace {

using namespace testing;  // NOLINT

class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    opts_ = options_for(dir_.path());
    opts_.topic_defaults.segment_bytes = 250;
    log_ = open_log(opts_, io::posix_file_system(), &clock_);
    ASSERT_NE(log_, nullptr);
  }
  TempDir dir_;
  io::ManualClock clock_{1'000'000};
  LogOptions opts_;
  std::unique_ptr<LogManager> log_;
};

TEST_F(RetentionTest, DeletesOldSegmentsByTime) {
  ASSERT_TRUE(log_->create_topic("t", 1, {{"retention.ms", "10000"}}).ok());
  Partition* p = log_->partition("t", 0);
  for (int i = 0; i < 10; i++) {
    auto b = make_batch(2, clock_.now_ms());
    ASSERT_TRUE(p->append(b, clock_.now_ms()).status.ok());
  }
  clock_.advance_ms(5000);
  for (int i = 0; i < 10; i++) {
    auto b = make_batch(2, clock_.now_ms());
    ASSERT_TRUE(p->append(b, clock_.now_ms()).status.ok());
  }
  ASSERT_TRUE(log_->run_maintenance().ok());
  EXPECT_EQ(p->log_start_offset(), 0);
  clock_.advance_ms(6000);  // first half is 11 s old, second half 6 s
  ASSERT_TRUE(log_->run_maintenance().ok());
  EXPECT_GT(p->log_start_offset(), 0);
  EXPECT_LE(p->log_start_offset(), 20);
  EXPECT_EQ(p->read(0, 100).status().code(), StatusCode::kOutOfRange);
  auto r = p->read(p->log_start_offset(), 100);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(batch_headers(r->bytes)[0].base_offset, p->log_start_offset());
  clock_.advance_ms(100000);
  ASSERT_TRUE(log_->run_maintenance().ok());
  // The active segment is never deleted.
  EXPECT_EQ(static_cast<LocalPartition*>(p)->segment_count(), 1u);
  EXPECT_EQ(p->log_end_offset(), 40);
}

TEST_F(RetentionTest, DeletesOldestSegmentsBySize) {
  ASSERT_TRUE(log_->create_topic("t", 1, {{"retention.bytes", "600"}, {"retention.ms", "-1"}}).ok());
  Partition* p = log_->partition("t", 0);
  for (int i = 0; i < 30; i++) {
    auto b = make_batch(1, clock_.now_ms());
    ASSERT_TRUE(p->append(b, clock_.now_ms()).status.ok());
  }
  int64_t before = p->size_bytes();
  ASSERT_GT(before, 600);
  ASSERT_TRUE(log_->run_maintenance().ok());
  EXPECT_LE(p->size_bytes(), 600 + 250);
  EXPECT_GE(p->size_bytes(), 600);
  EXPECT_GT(p->log_start_offset(), 0);
  // Survives reopen.
  int64_t start = p->log_start_offset();
  ASSERT_TRUE(log_->close().ok());
  log_ = open_log(opts_, io::posix_file_system(), &clock_);
  EXPECT_EQ(log_->partition("t", 0)->log_start_offset(), start);
  EXPECT_EQ(log_->partition("t", 0)->log_end_offset(), 30);
}

}  // namespace
}  // namespace strata::log
