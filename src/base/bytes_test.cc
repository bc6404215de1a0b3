#include "base/bytes.h"

#include <gtest/gtest.h>

#include <limits>

namespace strata {
namespace {

TEST(Bytes, FixedRoundTrip) {
  std::vector<uint8_t> buf;
  ByteWriter w(&buf);
  w.i8(-5);
  w.i16(-12345);
  w.i32(0x12345678);
  w.i64(-1234567890123LL);
  w.f64(3.25);
  ASSERT_EQ(buf.size(), 1u + 2 + 4 + 8 + 8);
  EXPECT_EQ(buf[3], 0x12);  // big-endian
  ByteReader r(buf);
  EXPECT_EQ(r.i8(), -5);
  EXPECT_EQ(r.i16(), -12345);
  EXPECT_EQ(r.i32(), 0x12345678);
  EXPECT_EQ(r.i64(), -1234567890123LL);
  EXPECT_EQ(r.f64(), 3.25);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.at_end());
}

TEST(Bytes, VarintRoundTrip) {
  std::vector<int64_t> values = {0, 1, -1, 63, -64, 64, 300, -300, std::numeric_limits<int32_t>::max(),
                                 std::numeric_limits<int32_t>::min(), std::numeric_limits<int64_t>::max(),
                                 std::numeric_limits<int64_t>::min()};
  for (int64_t v : values) {
    std::vector<uint8_t> buf;
    ByteWriter w(&buf);
    w.varint(v);
    ByteReader r(buf);
    EXPECT_EQ(r.varint64(), v);
    EXPECT_TRUE(r.ok() && r.at_end());
  }
  // Zig-zag: -1 encodes as 1, 1 as 2 (Kafka's record encoding).
  std::vector<uint8_t> buf;
  ByteWriter w(&buf);
  w.varint(-1);
  w.varint(1);
  EXPECT_EQ(buf, (std::vector<uint8_t>{1, 2}));
}

TEST(Bytes, ReadPastEndIsStickyFailure) {
  std::vector<uint8_t> buf = {0, 1};
  ByteReader r(buf);
  EXPECT_EQ(r.i32(), 0);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.u8(), 0);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.bytes(1).empty());
}

TEST(Bytes, OverlongVarintRejected) {
  std::vector<uint8_t> buf(11, 0x80);
  ByteReader r(buf);
  r.uvarint64();
  EXPECT_FALSE(r.ok());
  std::vector<uint8_t> buf32 = {0xff, 0xff, 0xff, 0xff, 0x1f};  // 35 bits
  ByteReader r32(buf32);
  r32.uvarint32();
  EXPECT_FALSE(r32.ok());
}

TEST(Bytes, HugeLengthIsNotTrusted) {
  std::vector<uint8_t> buf = {1, 2, 3};
  ByteReader r(buf);
  EXPECT_TRUE(r.bytes(1u << 30).empty());
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace strata
