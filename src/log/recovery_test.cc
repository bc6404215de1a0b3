// Recovery at open: torn tails, garbage, corruption in the middle, power loss.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <future>

#include "io/fault_injecting_file_system.h"
#include "log/local_partition.h"
#include "log/test_util.h"

namespace strata::log {
namespace {

using namespace testing;  // NOLINT

std::string first_log(const std::string& pdir) { return pdir + "/00000000000000000000.log"; }

uint64_t file_size(const std::string& path) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  return static_cast<uint64_t>(f.tellg());
}

void truncate_file(const std::string& path, uint64_t size) { ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(size)), 0); }

void append_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::app);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void flip_byte(const std::string& path, uint64_t pos) {
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  f.seekg(static_cast<std::streamoff>(pos));
  char c;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x40);
  f.seekp(static_cast<std::streamoff>(pos));
  f.write(&c, 1);
}

class RecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override { opts_ = options_for(dir_.path()); }
  // Creates topic "t" with 2 partitions and `batches` batches of 2 records in partition 0 and 1.
  void fill(int batches) {
    auto log = open_log(opts_, io::posix_file_system(), &clock_);
    ASSERT_NE(log, nullptr);
    ASSERT_TRUE(log->create_topic("t", 2, {}).ok());
    for (int i = 0; i < batches; i++) {
      for (int p = 0; p < 2; p++) {
        auto b = make_batch(2, 1000 + i);
        ASSERT_TRUE(log->partition("t", p)->append(b, clock_.now_ms()).status.ok());
      }
    }
    batch_bytes_ = make_batch(2, 1000).size();
    ASSERT_TRUE(log->close().ok());
  }
  std::unique_ptr<LogManager> reopen() { return open_log(opts_, io::posix_file_system(), &clock_); }

  TempDir dir_;
  io::ManualClock clock_;
  LogOptions opts_;
  size_t batch_bytes_ = 0;
};

TEST_F(RecoveryTest, TornTailMidBatchIsTruncated) {
  fill(5);
  std::string log_path = first_log(partition_dir(dir_.path(), "t", 0));
  uint64_t size = file_size(log_path);
  truncate_file(log_path, size - batch_bytes_ / 2);
  auto log = reopen();
  ASSERT_NE(log, nullptr);
  Partition* p = log->partition("t", 0);
  EXPECT_FALSE(p->fenced());
  EXPECT_EQ(p->log_end_offset(), 8);
  EXPECT_EQ(p->durable_end_offset(), 8);
  EXPECT_EQ(file_size(log_path), size - batch_bytes_);
  EXPECT_EQ(batch_headers(p->read(0, 1 << 20)->bytes).size(), 4u);
  // Appends continue at the recovered end.
  auto b = make_batch(1);
  EXPECT_EQ(p->append(b, 0).result.base_offset, 8);
  EXPECT_EQ(log->partition("t", 1)->log_end_offset(), 10);
}

TEST_F(RecoveryTest, GarbageAndZerosAfterLastBatchAreTruncated) {
  fill(3);
  std::string log_path = first_log(partition_dir(dir_.path(), "t", 0));
  uint64_t size = file_size(log_path);
  append_bytes(log_path, std::vector<uint8_t>(4096, 0));
  std::string log1 = first_log(partition_dir(dir_.path(), "t", 1));
  append_bytes(log1, std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7});  // shorter than a header
  auto log = reopen();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->partition("t", 0)->log_end_offset(), 6);
  EXPECT_EQ(log->partition("t", 1)->log_end_offset(), 6);
  EXPECT_EQ(file_size(log_path), size);
  EXPECT_FALSE(log->partition("t", 0)->fenced());
  EXPECT_FALSE(log->partition("t", 1)->fenced());
}

TEST_F(RecoveryTest, CorruptionInTheMiddleFencesOnlyThatPartition) {
  fill(5);
  std::string log_path = first_log(partition_dir(dir_.path(), "t", 0));
  flip_byte(log_path, batch_bytes_ + 70);  // inside the second batch's records
  auto log = reopen();
  ASSERT_NE(log, nullptr);
  Partition* p = log->partition("t", 0);
  EXPECT_TRUE(p->fenced());
  EXPECT_NE(p->fence_reason().find("00000000000000000000.log"), std::string::npos) << p->fence_reason();
  EXPECT_NE(p->fence_reason().find("position " + std::to_string(batch_bytes_)), std::string::npos) << p->fence_reason();
  auto b = make_batch(1);
  EXPECT_EQ(p->append(b, 0).status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(p->read(0, 100).status().code(), StatusCode::kUnavailable);
  // The file was not truncated.
  EXPECT_EQ(file_size(log_path), 5 * batch_bytes_);
  Partition* other = log->partition("t", 1);
  EXPECT_FALSE(other->fenced());
  EXPECT_EQ(other->log_end_offset(), 10);
  EXPECT_TRUE(other->append(b, 0).status.ok());
}

TEST_F(RecoveryTest, EmptyTrailingSegment) {
  opts_.topic_defaults.segment_bytes = 3 * 80;
  fill(6);
  std::string pdir = partition_dir(dir_.path(), "t", 0);
  auto log = reopen();
  ASSERT_NE(log, nullptr);
  int64_t end = log->partition("t", 0)->log_end_offset();
  ASSERT_TRUE(log->close().ok());
  log.reset();
  std::ofstream(pdir + "/" + Segment::file_name(end, ".log")).close();
  log = reopen();
  ASSERT_NE(log, nullptr);
  Partition* p = log->partition("t", 0);
  EXPECT_FALSE(p->fenced());
  EXPECT_EQ(p->log_end_offset(), end);
  auto b = make_batch(1);
  EXPECT_EQ(p->append(b, 0).result.base_offset, end);
  EXPECT_EQ(batch_headers(p->read(0, 1 << 20)->bytes).front().base_offset, 0);
}

TEST_F(RecoveryTest, PowerLossKeepsEverySyncedBatch) {
  io::FaultInjectingFileSystem fs(io::posix_file_system());
  opts_.topic_defaults.segment_bytes = 400;
  int64_t synced_end = 0;
  {
    auto log = open_log(opts_, &fs, &clock_);
    ASSERT_NE(log, nullptr);
    ASSERT_TRUE(log->create_topic("t", 1, {}).ok());
    Partition* p = log->partition("t", 0);
    for (int i = 0; i < 20; i++) {
      auto b = make_batch(2, 1000 + i);
      ASSERT_TRUE(p->append(b, 0).status.ok());
      if (i % 5 == 4) {
        std::promise<Status> done;
        log->request_sync(p, p->log_end_offset(), [&done](Status s) { done.set_value(s); });
        ASSERT_TRUE(done.get_future().get().ok());
        synced_end = p->log_end_offset();
        EXPECT_EQ(p->durable_end_offset(), synced_end);
      }
    }
    for (int i = 0; i < 3; i++) {
      auto b = make_batch(2, 5000);
      ASSERT_TRUE(p->append(b, 0).status.ok());
    }
    // Power loss: unsynced bytes vanish. Closing afterwards writes nothing more.
    ASSERT_TRUE(fs.drop_unsynced_data().ok());
    log.reset();
  }
  auto log = open_log(opts_, &fs, &clock_);
  ASSERT_NE(log, nullptr);
  Partition* p = log->partition("t", 0);
  EXPECT_FALSE(p->fenced());
  EXPECT_GE(p->log_end_offset(), synced_end);
  auto hs = batch_headers(p->read(0, 1 << 20)->bytes);
  ASSERT_FALSE(hs.empty());
  int64_t next = 0;
  for (int64_t off = 0; off < synced_end;) {
    auto r = p->read(off, 1);
    ASSERT_TRUE(r.ok()) << off;
    auto h = parse_record_batch_header(r->bytes);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->base_offset, next);
    next = h->last_offset() + 1;
    off = next;
  }
}

}  // namespace
}  // namespace strata::log

namespace strata::log {
namespace {

TEST_F(RecoveryTest, DamagedLengthFieldInTheMiddleStillFences) {
  fill(5);
  std::string log_path = first_log(partition_dir(dir_.path(), "t", 0));
  flip_byte(log_path, batch_bytes_ + kBatchLengthOffset + 1);  // second batch's batch_length
  auto log = reopen();
  ASSERT_NE(log, nullptr);
  EXPECT_TRUE(log->partition("t", 0)->fenced());
  EXPECT_EQ(file_size(log_path), 5 * batch_bytes_);
  EXPECT_FALSE(log->partition("t", 1)->fenced());
}

}  // namespace
}  // namespace strata::log
