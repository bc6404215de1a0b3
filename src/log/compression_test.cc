#include "log/compression.h"

#include <gtest/gtest.h>

#include <snappy-c.h>

namespace strata::log {
namespace {

std::vector<uint8_t> sample(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; i++) v[i] = static_cast<uint8_t>((i * 7) % 13);
  return v;
}

class CompressionTest : public ::testing::TestWithParam<Compression> {};

TEST_P(CompressionTest, RoundTripAndBound) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, size_t{300000}}) {
    auto in = sample(n);
    std::vector<uint8_t> packed;
    ASSERT_TRUE(compress(GetParam(), in, &packed).ok());
    std::vector<uint8_t> out;
    Status s = decompress(GetParam(), packed, n, &out);
    ASSERT_TRUE(s.ok()) << s.to_string() << " n=" << n;
    EXPECT_EQ(out, in);
    if (n > 0) {
      out.clear();
      EXPECT_EQ(decompress(GetParam(), packed, n - 1, &out).code(), StatusCode::kResourceExhausted) << n;
    }
  }
}

TEST_P(CompressionTest, GarbageIsCorruption) {
  if (GetParam() == Compression::kNone) GTEST_SKIP();
  std::vector<uint8_t> garbage(100, 0x5a);
  std::vector<uint8_t> out;
  Status s = decompress(GetParam(), garbage, 1 << 20, &out);
  EXPECT_FALSE(s.ok());
}

TEST_P(CompressionTest, TruncatedIsError) {
  if (GetParam() == Compression::kNone) GTEST_SKIP();
  auto in = sample(50000);
  std::vector<uint8_t> packed;
  ASSERT_TRUE(compress(GetParam(), in, &packed).ok());
  packed.resize(packed.size() / 2);
  std::vector<uint8_t> out;
  EXPECT_FALSE(decompress(GetParam(), packed, 1 << 20, &out).ok());
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, CompressionTest,
                         ::testing::Values(Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                           Compression::kLz4, Compression::kZstd),
                         [](const auto& info) { return std::string(compression_name(info.param)); });

TEST(SnappyTest, AcceptsRawBlocks) {
  auto in = sample(5000);
  std::vector<char> raw(snappy_max_compressed_length(in.size()));
  size_t n = raw.size();
  ASSERT_EQ(snappy_compress(reinterpret_cast<const char*>(in.data()), in.size(), raw.data(), &n), SNAPPY_OK);
  std::vector<uint8_t> out;
  ASSERT_TRUE(decompress(Compression::kSnappy, {reinterpret_cast<const uint8_t*>(raw.data()), n}, 1 << 20, &out).ok());
  EXPECT_EQ(out, in);
}

}  // namespace
}  // namespace strata::log
