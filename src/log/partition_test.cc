#include "log/local_partition.h"

#include <gtest/gtest.h>

#include "log/test_util.h"

namespace strata::log {
namespace {

using namespace testing;  // NOLINT

class PartitionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    opts_ = options_for(dir_.path());
    opts_.topic_defaults.segment_bytes = 1000;
    opts_.topic_defaults.index_interval_bytes = 100;
    reopen();
  }
  void reopen() {
    if (log_) {
      ASSERT_TRUE(log_->close().ok());
    }
    log_.reset();
    log_ = open_log(opts_, io::posix_file_system(), &clock_);
    ASSERT_NE(log_, nullptr);
    if (!log_->find_topic("t")) {
      ASSERT_TRUE(log_->create_topic("t", 2, {}).ok());
    }
    p_ = log_->partition("t", 0);
  }
  AppendOutcome append(std::vector<uint8_t> batch) { return p_->append(batch, clock_.now_ms()); }

  TempDir dir_;
  io::ManualClock clock_;
  LogOptions opts_;
  std::unique_ptr<LogManager> log_;
  Partition* p_ = nullptr;
};

TEST_F(PartitionTest, AppendAssignsDenseOffsetsAndReadsAcrossRolls) {
  for (int i = 0; i < 50; i++) {
    auto out = append(make_batch(3, 1000 + i));
    ASSERT_TRUE(out.status.ok()) << out.status.to_string();
    EXPECT_EQ(out.result.base_offset, i * 3);
    EXPECT_EQ(out.result.last_offset, i * 3 + 2);
  }
  EXPECT_EQ(p_->log_end_offset(), 150);
  EXPECT_GT(static_cast<LocalPartition*>(p_)->segment_count(), 3u);
  for (int64_t off = 0; off < 150; off++) {
    auto r = p_->read(off, 1);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    auto hs = batch_headers(r->bytes);
    ASSERT_EQ(hs.size(), 1u);
    EXPECT_LE(hs[0].base_offset, off);
    EXPECT_GE(hs[0].last_offset(), off);
    EXPECT_TRUE(record_batch_crc_ok(r->bytes));
  }
  auto all = p_->read(0, 1 << 20);
  ASSERT_TRUE(all.ok());
  auto hs = batch_headers(all->bytes);
  ASSERT_FALSE(hs.empty());
  EXPECT_EQ(hs[0].base_offset, 0);
  EXPECT_LE(all->bytes.size(), 1000u);
  EXPECT_EQ(p_->read(150, 100)->bytes.size(), 0u);
  EXPECT_EQ(p_->read(151, 100).status().code(), StatusCode::kOutOfRange);
  // Everything survives a reopen.
  reopen();
  EXPECT_EQ(p_->log_end_offset(), 150);
  EXPECT_EQ(p_->durable_end_offset(), 150);
  auto r = p_->read(100, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(batch_headers(r->bytes)[0].base_offset, 99);
  EXPECT_EQ(append(make_batch(1)).result.base_offset, 150);
}

TEST_F(PartitionTest, RejectsBadInput) {
  auto b = make_batch(2);
  b[b.size() - 1] ^= 1;
  EXPECT_EQ(append(b).status.code(), StatusCode::kCorruption);
  auto good = make_batch(2);
  good.pop_back();
  EXPECT_EQ(append(good).status.code(), StatusCode::kCorruption);
  EXPECT_EQ(append(make_batch(200)).status.code(), StatusCode::kOk);
  ASSERT_TRUE(log_->alter_topic_config("t", {{"max.message.bytes", "100"}}).ok());
  EXPECT_EQ(append(make_batch(20)).status.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(p_->log_end_offset(), 200);
}

TEST_F(PartitionTest, MultipleBatchesInOneAppend) {
  auto a = make_batch(2);
  auto b = make_batch(3);
  a.insert(a.end(), b.begin(), b.end());
  auto out = append(a);
  ASSERT_TRUE(out.status.ok());
  EXPECT_EQ(out.result.base_offset, 0);
  EXPECT_EQ(out.result.last_offset, 4);
  EXPECT_EQ(out.result.record_count, 5);
  auto hs = batch_headers(p_->read(0, 1 << 20)->bytes);
  ASSERT_EQ(hs.size(), 2u);
  EXPECT_EQ(hs[1].base_offset, 2);
}

TEST_F(PartitionTest, IndexRebuiltAfterIndexFilesDeleted) {
  for (int i = 0; i < 60; i++) ASSERT_TRUE(append(make_batch(2, 1000 + i)).status.ok());
  ASSERT_TRUE(log_->close().ok());
  log_.reset();
  std::string pdir = partition_dir(dir_.path(), "t", 0);
  auto names = io::posix_file_system()->list_dir(pdir);
  ASSERT_TRUE(names.ok());
  int removed = 0;
  for (const auto& n : *names) {
    if (n.ends_with(".index") || n.ends_with(".timeindex")) {
      ASSERT_TRUE(io::posix_file_system()->remove(pdir + "/" + n).ok());
      removed++;
    }
  }
  EXPECT_GT(removed, 0);
  reopen();
  EXPECT_EQ(p_->log_end_offset(), 120);
  for (int64_t off = 0; off < 120; off += 7) {
    auto r = p_->read(off, 1);
    ASSERT_TRUE(r.ok());
    auto hs = batch_headers(r->bytes);
    EXPECT_LE(hs[0].base_offset, off);
    EXPECT_GE(hs[0].last_offset(), off);
  }
  EXPECT_TRUE(io::posix_file_system()->exists(pdir + "/00000000000000000000.index"));
}

TEST_F(PartitionTest, OffsetForTimestamp) {
  for (int i = 0; i < 40; i++) ASSERT_TRUE(append(make_batch(1, 1000 + 10 * i)).status.ok());
  auto r = p_->offset_for_timestamp(1205);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->offset, 21);
  EXPECT_EQ(r->timestamp, 1210);
  EXPECT_EQ(p_->offset_for_timestamp(0)->offset, 0);
  EXPECT_EQ(p_->offset_for_timestamp(99999)->offset, -1);
}

TEST_F(PartitionTest, LogAppendTime) {
  ASSERT_TRUE(log_->alter_topic_config("t", {{"message.timestamp.type", "LogAppendTime"}}).ok());
  auto out = append(make_batch(2, 5));
  ASSERT_TRUE(out.status.ok());
  EXPECT_EQ(out.result.log_append_time_ms, clock_.now_ms());
  auto r = p_->read(0, 1000);
  auto h = parse_record_batch_header(r->bytes);
  EXPECT_TRUE(h->log_append_time());
  EXPECT_EQ(h->max_timestamp, clock_.now_ms());
  EXPECT_TRUE(record_batch_crc_ok(r->bytes));
}

TEST_F(PartitionTest, RollByAge) {
  ASSERT_TRUE(log_->alter_topic_config("t", {{"segment.ms", "1000"}, {"retention.ms", "-1"}}).ok());
  ASSERT_TRUE(append(make_batch(1)).status.ok());
  auto* lp = static_cast<LocalPartition*>(p_);
  size_t before = lp->segment_count();
  ASSERT_TRUE(log_->run_maintenance().ok());
  EXPECT_EQ(lp->segment_count(), before);
  clock_.advance_ms(1001);
  ASSERT_TRUE(log_->run_maintenance().ok());
  EXPECT_EQ(lp->segment_count(), before + 1);
}

}  // namespace
}  // namespace strata::log
