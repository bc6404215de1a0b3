#include "exec/view_sink.h"

#include <gtest/gtest.h>

namespace strata::exec {
namespace {

// The Java client's own test vectors (UtilsTest.testMurmur2).
TEST(ViewSinkTest, Murmur2MatchesKafkasJavaClient) {
  EXPECT_EQ(kafka_murmur2("21"), -973932308);
  EXPECT_EQ(kafka_murmur2("foobar"), -790332482);
  EXPECT_EQ(kafka_murmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(kafka_murmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(kafka_murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
  EXPECT_EQ(kafka_murmur2("abc"), 479470107);
  EXPECT_EQ(kafka_murmur2("1"), -1993445489);
  EXPECT_EQ(kafka_murmur2("12345"), -1188365604);
}

TEST(ViewSinkTest, PartitionForKeyIsNonNegativeAndInRange) {
  EXPECT_EQ(kafka_partition_for_key("anything", 1), 0);
  // murmur2("21") is negative: the sign bit is masked off, as toPositive does.
  EXPECT_EQ(kafka_partition_for_key("21", 7), static_cast<int32_t>((-973932308 & 0x7fffffff) % 7));
  for (int i = 0; i < 1000; ++i) {
    int32_t p = kafka_partition_for_key(std::to_string(i), 12);
    EXPECT_GE(p, 0);
    EXPECT_LT(p, 12);
  }
}

TEST(ViewSinkTest, ModesParseAndNameThemselves) {
  for (const char* m : {"append", "upsert", "changelog"}) {
    Result<SinkMode> r = parse_sink_mode(m);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(sink_mode_name(*r), m);
  }
  Result<SinkMode> bad = parse_sink_mode("retract");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().sqlstate(), "22023");
}

SinkFile sample() {
  SinkFile f;
  f.sink_oid = 16401;
  f.sequence = 12;
  f.first = true;
  f.records_before = 99;
  f.start_offsets = {{0, 40}, {1, 0}, {2, 7}};
  f.records.push_back({0, std::string("{\"k\": 1}"), std::string("{\"k\": 1, \"n\": 2}"), 1'700'000'000'123});
  f.records.push_back({2, std::nullopt, std::string(""), 5});
  f.records.push_back({0, std::string("{\"k\": 2}"), std::nullopt, 6});  // a tombstone
  return f;
}

TEST(ViewSinkTest, SinkFileRoundTrips) {
  std::vector<uint8_t> bytes = encode_sink_file(sample());
  Result<SinkFile> back = decode_sink_file(bytes);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->sink_oid, 16401u);
  EXPECT_EQ(back->sequence, 12u);
  EXPECT_TRUE(back->first);
  EXPECT_EQ(back->records_before, 99u);
  EXPECT_EQ(back->start_offsets, sample().start_offsets);
  ASSERT_EQ(back->records.size(), 3u);
  EXPECT_EQ(back->records[0].partition, 0);
  EXPECT_EQ(back->records[0].key, "{\"k\": 1}");
  EXPECT_EQ(back->records[0].value, "{\"k\": 1, \"n\": 2}");
  EXPECT_EQ(back->records[0].timestamp_ms, 1'700'000'000'123);
  EXPECT_FALSE(back->records[1].key.has_value());
  EXPECT_EQ(back->records[1].value, "");  // empty, not null
  EXPECT_FALSE(back->records[2].value.has_value());
}

TEST(ViewSinkTest, DamagedSinkFilesAreCorruption) {
  std::vector<uint8_t> bytes = encode_sink_file(sample());
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    std::vector<uint8_t> part(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_FALSE(decode_sink_file(part).ok()) << cut;
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::vector<uint8_t> flipped = bytes;
    flipped[i] ^= 0x10;
    EXPECT_FALSE(decode_sink_file(flipped).ok()) << i;
  }
  // A record for a partition the file does not list is refused even with a valid checksum.
  SinkFile f = sample();
  f.records.push_back({5, std::nullopt, std::string("x"), 0});
  EXPECT_FALSE(decode_sink_file(encode_sink_file(f)).ok());
}

}  // namespace
}  // namespace strata::exec
