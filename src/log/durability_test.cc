// Group commit through LogManager::request_sync and fsync failure handling.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "io/fault_injecting_file_system.h"
#include "log/test_util.h"

namespace strata::log {
namespace {

using namespace testing;  // NOLINT

class DurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    opts_ = options_for(dir_.path());
    opts_.flush_interval_ms = 60'000;  // only explicit requests sync
    opts_.topic_defaults.flush_ms = 60'000;
    log_ = open_log(opts_, &fs_, io::system_clock());
    ASSERT_NE(log_, nullptr);
    ASSERT_TRUE(log_->create_topic("t", 2, {}).ok());
  }
  Status sync(Partition* p, int64_t offset) {
    std::promise<Status> done;
    log_->request_sync(p, offset, [&done](Status s) { done.set_value(s); });
    return done.get_future().get();
  }

  TempDir dir_;
  io::FaultInjectingFileSystem fs_{io::posix_file_system()};
  LogOptions opts_;
  std::unique_ptr<LogManager> log_;
};

TEST_F(DurabilityTest, SyncAdvancesDurableEnd) {
  Partition* p = log_->partition("t", 0);
  auto b = make_batch(3);
  ASSERT_TRUE(p->append(b, 0).status.ok());
  EXPECT_EQ(p->durable_end_offset(), 0);
  ASSERT_TRUE(sync(p, 3).ok());
  EXPECT_EQ(p->durable_end_offset(), 3);
}

TEST_F(DurabilityTest, ManyWaitersShareSyncs) {
  Partition* p = log_->partition("t", 0);
  std::atomic<int> ok{0};
  std::vector<std::future<void>> futures;
  std::vector<std::promise<void>> promises(50);
  for (int i = 0; i < 50; i++) {
    auto b = make_batch(1);
    ASSERT_TRUE(p->append(b, 0).status.ok());
    log_->request_sync(p, p->log_end_offset(), [&, i](Status s) {
      if (s.ok()) ok++;
      promises[static_cast<size_t>(i)].set_value();
    });
  }
  for (auto& pr : promises) pr.get_future().wait();
  EXPECT_EQ(ok.load(), 50);
  EXPECT_EQ(p->durable_end_offset(), 50);
}

TEST_F(DurabilityTest, FailedSyncFencesAndReportsTheError) {
  Partition* p = log_->partition("t", 0);
  auto b = make_batch(2);
  ASSERT_TRUE(p->append(b, 0).status.ok());
  fs_.fail_next_syncs(1);
  Status s = sync(p, 2);
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.to_string();
  EXPECT_TRUE(p->fenced());
  EXPECT_NE(p->fence_reason().find("fdatasync"), std::string::npos);
  EXPECT_EQ(p->durable_end_offset(), 0);
  EXPECT_EQ(fs_.injected_sync_failures(), 1);
  // Never retried as success.
  EXPECT_FALSE(sync(p, 2).ok());
  auto b2 = make_batch(1);
  EXPECT_EQ(p->append(b2, 0).status.code(), StatusCode::kUnavailable);
  // The other partition is unaffected.
  Partition* q = log_->partition("t", 1);
  ASSERT_TRUE(q->append(b2, 0).status.ok());
  EXPECT_TRUE(sync(q, 1).ok());
}

TEST_F(DurabilityTest, FlushMessagesTriggersSync) {
  ASSERT_TRUE(log_->alter_topic_config("t", {{"flush.messages", "5"}}).ok());
  Partition* p = log_->partition("t", 0);
  auto b = make_batch(6);
  ASSERT_TRUE(p->append(b, 0).status.ok());
  for (int i = 0; i < 500 && p->durable_end_offset() < 6; i++) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(p->durable_end_offset(), 6);
}

TEST_F(DurabilityTest, BackgroundFlushAfterFlushMs) {
  ASSERT_TRUE(log_->alter_topic_config("t", {{"flush.ms", "10"}}).ok());
  Partition* p = log_->partition("t", 0);
  auto b = make_batch(2);
  ASSERT_TRUE(p->append(b, 0).status.ok());
  for (int i = 0; i < 500 && p->durable_end_offset() < 2; i++) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(p->durable_end_offset(), 2);
}

TEST_F(DurabilityTest, CloseSyncsEverything) {
  Partition* p = log_->partition("t", 0);
  auto b = make_batch(2);
  ASSERT_TRUE(p->append(b, 0).status.ok());
  ASSERT_TRUE(log_->close().ok());
  EXPECT_EQ(p->durable_end_offset(), 2);
  ASSERT_TRUE(fs_.drop_unsynced_data().ok());
  log_.reset();
  auto log = open_log(opts_, &fs_, io::system_clock());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->partition("t", 0)->log_end_offset(), 2);
}

}  // namespace
}  // namespace strata::log

namespace strata::log {
namespace {

TEST(DurabilityConcurrencyTest, RollsDuringBackgroundSyncs) {
  TempDir dir;
  LogOptions opts = options_for(dir.path());
  opts.flush_interval_ms = 1;
  opts.topic_defaults.segment_bytes = 300;
  opts.topic_defaults.flush_ms = 0;
  auto log = open_log(opts, io::posix_file_system(), io::system_clock());
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(log->create_topic("t", 1, {}).ok());
  Partition* p = log->partition("t", 0);
  std::atomic<int> acked{0};
  std::atomic<int> failed{0};
  constexpr int kBatches = 300;
  for (int i = 0; i < kBatches; i++) {
    auto b = make_batch(2, 1000 + i);
    auto out = p->append(b, 0);
    ASSERT_TRUE(out.status.ok());
    if (i % 3 == 0) {
      log->request_sync(p, out.result.last_offset + 1, [&](Status s) { (s.ok() ? acked : failed)++; });
    }
  }
  for (int i = 0; i < 1000 && acked.load() + failed.load() < kBatches / 3; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(acked.load(), kBatches / 3);
  EXPECT_EQ(failed.load(), 0);
  ASSERT_TRUE(log->close().ok());
  EXPECT_EQ(p->durable_end_offset(), 2 * kBatches);
}

}  // namespace
}  // namespace strata::log
