#include "log/compactor.h"

#include <gtest/gtest.h>

#include <map>

#include "log/local_partition.h"
#include "log/test_util.h"

namespace strata::log {
namespace {

using namespace testing;  // NOLINT

// Every record of the partition: offset -> (key, value or "<null>").
std::map<int64_t, std::pair<std::string, std::string>> all_records(Partition* p) {
  std::map<int64_t, std::pair<std::string, std::string>> out;
  int64_t off = p->log_start_offset();
  while (off < p->log_end_offset()) {
    auto r = p->read(off, 1 << 20);
    if (!r.ok() || r->bytes.empty()) break;
    size_t pos = 0;
    while (pos < r->bytes.size()) {
      auto h = parse_record_batch_header(std::span<const uint8_t>(r->bytes).subspan(pos));
      std::vector<uint8_t> scratch;
      std::vector<Record> recs;
      EXPECT_TRUE(decode_record_batch(std::span<const uint8_t>(r->bytes).subspan(pos, h->size_bytes()), 1 << 20, &scratch, &recs).ok());
      for (const auto& rec : recs) {
        std::string k(rec.key->begin(), rec.key->end());
        std::string v = rec.value ? std::string(rec.value->begin(), rec.value->end()) : "<null>";
        out[rec.offset] = {k, v};
      }
      off = h->last_offset() + 1;
      pos += h->size_bytes();
    }
  }
  return out;
}

TEST(CompactionTest, KeepsLatestPerKeyAndReadsAcrossGaps) {
  TempDir dir;
  io::ManualClock clock(1'000'000);
  LogOptions opts = options_for(dir.path());
  opts.topic_defaults.segment_bytes = 300;
  auto log = open_log(opts, io::posix_file_system(), &clock);
  ASSERT_TRUE(log->create_topic("c", 1, {{"cleanup.policy", "compact"}, {"delete.retention.ms", "100000"}}).ok());
  Partition* p = log->partition("c", 0);
  for (int round = 0; round < 5; round++) {
    for (int k = 0; k < 4; k++) {
      auto b = make_keyed_batch("key" + std::to_string(k), "r" + std::to_string(round), clock.now_ms());
      ASSERT_TRUE(p->append(b, clock.now_ms()).status.ok());
    }
  }
  auto tomb = make_keyed_batch("key3", std::nullopt, clock.now_ms());
  ASSERT_TRUE(p->append(tomb, clock.now_ms()).status.ok());
  auto last = make_keyed_batch("key0", "final", clock.now_ms());
  ASSERT_TRUE(p->append(last, clock.now_ms()).status.ok());
  const int64_t end = p->log_end_offset();
  const int64_t size_before = p->size_bytes();

  ASSERT_TRUE(log->run_maintenance().ok());
  EXPECT_LT(p->size_bytes(), size_before);
  EXPECT_EQ(p->log_end_offset(), end);
  auto recs = all_records(p);
  std::map<std::string, std::vector<std::string>> by_key;
  for (const auto& [off, kv] : recs) by_key[kv.first].push_back(kv.second);
  // The active segment is untouched, so only closed segments lose superseded records.
  EXPECT_EQ(by_key["key1"].back(), "r4");
  EXPECT_EQ(by_key["key2"].back(), "r4");
  EXPECT_EQ(by_key["key0"].back(), "final");
  EXPECT_LT(recs.size(), 22u);
  // Offsets are preserved (gaps, not renumbering) and reading a removed offset gives the next batch.
  auto r = p->read(0, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_GE(parse_record_batch_header(r->bytes)->last_offset(), 0);

  // Old tombstones go once delete.retention.ms passes.
  clock.advance_ms(200000);
  ASSERT_TRUE(log->run_maintenance().ok());
  recs = all_records(p);
  for (const auto& [off, kv] : recs) {
    if (off < 20) {
      EXPECT_NE(kv.first, "key3") << off;
    }
  }
  // Compacted data survives reopen with rebuilt indexes.
  ASSERT_TRUE(log->close().ok());
  log = open_log(opts, io::posix_file_system(), &clock);
  EXPECT_EQ(all_records(log->partition("c", 0)), recs);
}

}  // namespace
}  // namespace strata::log
