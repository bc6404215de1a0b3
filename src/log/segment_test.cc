#include "log/segment.h"

#include <gtest/gtest.h>

#include "log/test_util.h"

namespace strata::log {
namespace {

using namespace testing;  // NOLINT

// Appends `batch` to `seg` at offset `base` the way LocalPartition does.
void put(Segment* seg, std::vector<uint8_t> batch, int64_t base, int32_t interval = 50) {
  set_record_batch_base_offset(batch, base);
  auto h = parse_record_batch_header(batch);
  ASSERT_TRUE(h.ok());
  uint64_t pos = seg->size_bytes();
  ASSERT_TRUE(seg->append(batch).ok());
  seg->index_batch(pos, *h, interval);
}

TEST(SegmentTest, FileNames) {
  EXPECT_EQ(Segment::file_name(42, ".log"), "00000000000000000042.log");
  int64_t base = 0;
  EXPECT_TRUE(Segment::parse_log_name("00000000000000004096.log", &base));
  EXPECT_EQ(base, 4096);
  EXPECT_FALSE(Segment::parse_log_name("0000000000000000409x.log", &base));
  EXPECT_FALSE(Segment::parse_log_name("00000000000000004096.index", &base));
  EXPECT_FALSE(Segment::parse_log_name("99999999999999999999.log", &base));
}

TEST(SegmentTest, FindSealReopenAndGaps) {
  TempDir dir;
  auto* fs = io::posix_file_system();
  auto seg = Segment::create(fs, dir.path(), 100, 0);
  ASSERT_TRUE(seg.ok());
  // Offsets 100..139 in batches of 2, then a gap, then 200..201.
  for (int i = 0; i < 20; i++) put(seg->get(), make_batch(2, 1000 + i), 100 + 2 * i);
  put(seg->get(), make_batch(2, 5000), 200);
  EXPECT_EQ((*seg)->next_offset(), 202);
  EXPECT_EQ((*seg)->max_timestamp_ms(), 5000);
  auto check = [](const Segment& s) {
    for (int64_t off = 100; off < 140; off++) {
      auto f = s.find(off);
      ASSERT_TRUE(f.ok() && f->has_value()) << off;
      EXPECT_EQ((*f)->header.base_offset, off - (off % 2));
    }
    auto gap = s.find(150);
    ASSERT_TRUE(gap.ok() && gap->has_value());
    EXPECT_EQ((*gap)->header.base_offset, 200);
    EXPECT_FALSE(s.find(202)->has_value());
    auto t = s.find_by_timestamp(1010);
    ASSERT_TRUE(t.ok() && t->has_value());
    EXPECT_EQ((*t)->header.base_offset, 120);
    EXPECT_EQ((*s.find_by_timestamp(4000))->header.base_offset, 200);
    EXPECT_FALSE(s.find_by_timestamp(6000)->has_value());
  };
  check(**seg);
  ASSERT_TRUE((*seg)->seal().ok());
  EXPECT_FALSE((*seg)->active());
  check(**seg);

  auto reopened = Segment::open_closed(fs, dir.path(), 100, 50);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->next_offset(), 202);
  EXPECT_EQ((*reopened)->max_timestamp_ms(), 5000);
  check(**reopened);

  // A damaged index is detected and rebuilt.
  std::vector<uint8_t> junk = {0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 5};
  ASSERT_TRUE(fs->write_file_atomic(dir.path() + "/" + Segment::file_name(100, ".index"), junk).ok());
  reopened = Segment::open_closed(fs, dir.path(), 100, 50);
  ASSERT_TRUE(reopened.ok());
  check(**reopened);
  auto idx = fs->read_file(dir.path() + "/" + Segment::file_name(100, ".index"), 1 << 20);
  ASSERT_TRUE(idx.ok());
  EXPECT_TRUE(OffsetIndex::parse(*idx, (*reopened)->size_bytes()).ok());
  EXPECT_GT(idx->size(), 0u);
}

TEST(SegmentTest, IndexesRejectNonIncreasingEntries) {
  OffsetIndex idx;
  idx.append(1, 100);
  idx.append(5, 300);
  EXPECT_EQ(idx.lookup(0), 0);
  EXPECT_EQ(idx.lookup(4), 100);
  EXPECT_EQ(idx.lookup(9), 300);
  auto bytes = idx.serialize();
  EXPECT_TRUE(OffsetIndex::parse(bytes, 1000).ok());
  EXPECT_FALSE(OffsetIndex::parse(bytes, 200).ok());  // position past the log
  std::swap_ranges(bytes.begin(), bytes.begin() + 8, bytes.begin() + 8);
  EXPECT_FALSE(OffsetIndex::parse(bytes, 1000).ok());

  TimeIndex t;
  t.maybe_append(10, 0);
  t.maybe_append(10, 3);  // not increasing: ignored
  t.maybe_append(20, 5);
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.last_before(15)->relative_offset, 0);
  EXPECT_EQ(t.last_before(10), nullptr);
  EXPECT_TRUE(TimeIndex::parse(t.serialize()).ok());
  EXPECT_FALSE(TimeIndex::parse(std::vector<uint8_t>(13)).ok());
}

}  // namespace
}  // namespace strata::log
