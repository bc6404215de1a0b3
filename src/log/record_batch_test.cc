#include "log/record_batch.h"

#include <gtest/gtest.h>

#include "base/bytes.h"
#include "log/test_util.h"

namespace strata::log {
namespace {

using testing::as_bytes;

std::string str(std::span<const uint8_t> s) { return {reinterpret_cast<const char*>(s.data()), s.size()}; }

class RecordBatchCodecTest : public ::testing::TestWithParam<Compression> {};

TEST_P(RecordBatchCodecTest, RoundTrip) {
  RecordBatchBuilder b(GetParam());
  b.set_producer(7, 2, 10);
  std::string big(5000, 'x');
  const std::string hv = "hv";
  std::vector<RecordHeader> headers = {{"h1", as_bytes(hv)}, {"h2", std::nullopt}};
  b.add(1000, as_bytes("a"), as_bytes(big), headers);
  b.add(1005, std::nullopt, as_bytes("second"));
  b.add(999, as_bytes("tomb"), std::nullopt, {}, 5);
  auto batch = b.finish(42);
  ASSERT_TRUE(batch.ok());
  auto h = parse_record_batch_header(*batch);
  ASSERT_TRUE(h.ok()) << h.status().to_string();
  EXPECT_EQ(h->base_offset, 42);
  EXPECT_EQ(h->record_count, 3);
  EXPECT_EQ(h->last_offset_delta, 5);
  EXPECT_EQ(h->last_offset(), 47);
  EXPECT_EQ(h->compression(), GetParam());
  EXPECT_EQ(h->producer_id, 7);
  EXPECT_EQ(h->producer_epoch, 2);
  EXPECT_EQ(h->base_sequence, 10);
  EXPECT_EQ(h->max_timestamp, 1005);
  EXPECT_EQ(h->size_bytes(), batch->size());
  EXPECT_TRUE(record_batch_crc_ok(*batch));

  std::vector<uint8_t> scratch;
  std::vector<Record> records;
  ASSERT_TRUE(decode_record_batch(*batch, 1 << 20, &scratch, &records).ok());
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].offset, 42);
  EXPECT_EQ(str(*records[0].key), "a");
  EXPECT_EQ(str(*records[0].value), big);
  ASSERT_EQ(records[0].headers.size(), 2u);
  EXPECT_EQ(records[0].headers[0].key, "h1");
  EXPECT_EQ(str(*records[0].headers[0].value), "hv");
  EXPECT_FALSE(records[0].headers[1].value.has_value());
  EXPECT_FALSE(records[1].key.has_value());
  EXPECT_EQ(records[1].timestamp, 1005);
  EXPECT_EQ(records[2].offset, 47);
  EXPECT_EQ(records[2].timestamp, 999);
  EXPECT_FALSE(records[2].value.has_value());
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, RecordBatchCodecTest,
                         ::testing::Values(Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                           Compression::kLz4, Compression::kZstd),
                         [](const auto& info) { return std::string(compression_name(info.param)); });

TEST(RecordBatchTest, CrcRejectsFlippedByte) {
  auto batch = testing::make_batch(3);
  ASSERT_TRUE(record_batch_crc_ok(batch));
  batch[batch.size() - 2] ^= 0x01;
  EXPECT_FALSE(record_batch_crc_ok(batch));
  batch[batch.size() - 2] ^= 0x01;
  // base_offset is not covered by the CRC.
  set_record_batch_base_offset(batch, 12345);
  EXPECT_TRUE(record_batch_crc_ok(batch));
  EXPECT_EQ(parse_record_batch_header(batch)->base_offset, 12345);
}

TEST(RecordBatchTest, HeaderRejectsBadMagicAndLength) {
  auto batch = testing::make_batch(1);
  auto bad = batch;
  bad[16] = 1;
  EXPECT_EQ(parse_record_batch_header(bad).status().code(), StatusCode::kCorruption);
  bad = batch;
  store_be32(bad.data() + 8, 10);
  EXPECT_EQ(parse_record_batch_header(bad).status().code(), StatusCode::kCorruption);
  EXPECT_FALSE(parse_record_batch_header(std::span<const uint8_t>(batch).first(60)).ok());
}

TEST(RecordBatchTest, DecodeRejectsHugeRecordCount) {
  auto batch = testing::make_batch(2);
  store_be32(batch.data() + 57, 1 << 30);
  store_be32(batch.data() + 23, 1 << 30);
  std::vector<uint8_t> scratch;
  std::vector<Record> records;
  EXPECT_EQ(decode_record_batch(batch, 1 << 20, &scratch, &records).code(), StatusCode::kCorruption);
}

TEST(RecordBatchTest, DecodeBoundsDecompressedSize) {
  RecordBatchBuilder b(Compression::kZstd);
  std::string big(100000, 'z');
  b.add(1, std::nullopt, as_bytes(big));
  auto batch = b.finish(0);
  ASSERT_TRUE(batch.ok());
  std::vector<uint8_t> scratch;
  std::vector<Record> records;
  EXPECT_EQ(decode_record_batch(*batch, 1000, &scratch, &records).code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace strata::log
