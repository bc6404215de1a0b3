#include <gtest/gtest.h>

#include "kafka/admin_messages.h"
#include "kafka/api_keys.h"
#include "kafka/core_messages.h"
#include "kafka/group_messages.h"
#include "kafka/request_header.h"
#include "kafka/wire.h"

namespace strata::kafka {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(RequestHeader, V1GoldenBytes) {
  RequestHeader h{3, 4, 7, std::string("ab"), 1};
  Bytes out;
  encode_request_header(h, &out);
  EXPECT_EQ(out, (Bytes{0, 3, 0, 4, 0, 0, 0, 7, 0, 2, 'a', 'b'}));
  ByteReader r(out.data(), out.size());
  auto d = decode_request_header(r);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->api_key, 3);
  EXPECT_EQ(d->api_version, 4);
  EXPECT_EQ(d->correlation_id, 7);
  EXPECT_EQ(d->client_id, "ab");
  EXPECT_EQ(d->header_version, 1);
  EXPECT_TRUE(r.at_end());
}

TEST(RequestHeader, V2ForFlexibleVersionsSkipsTags) {
  // ApiVersions v3: header v2 with one unknown tagged field (tag 5, 2 bytes).
  Bytes in{0, 18, 0, 3, 0, 0, 0, 1, 0xff, 0xff, 1, 5, 2, 0xaa, 0xbb};
  ByteReader r(in.data(), in.size());
  auto d = decode_request_header(r);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->header_version, 2);
  EXPECT_FALSE(d->client_id.has_value());
  EXPECT_TRUE(r.at_end());
}

TEST(RequestHeader, TruncatedIsRejected) {
  Bytes in{0, 3, 0, 4, 0, 0};
  ByteReader r(in.data(), in.size());
  EXPECT_FALSE(decode_request_header(r).ok());
}

TEST(ResponseHeader, ApiVersionsAlwaysV0) {
  EXPECT_FALSE(response_header_flexible(18, 3));
  EXPECT_TRUE(response_header_flexible(3, 9));
  EXPECT_FALSE(response_header_flexible(3, 8));
}

TEST(ApiVersions, V0Encode) {
  ApiVersionsResponse m;
  m.error_code = 35;
  m.api_keys = {{0, 3, 8}};
  Bytes out;
  encode_api_versions_response(m, 0, &out);
  EXPECT_EQ(out, (Bytes{0, 35, 0, 0, 0, 1, 0, 0, 0, 3, 0, 8}));
}

TEST(ApiVersions, V3EncodeIsCompact) {
  ApiVersionsResponse m;
  m.api_keys = {{0, 3, 8}, {1, 4, 11}};
  Bytes out;
  encode_api_versions_response(m, 3, &out);
  EXPECT_EQ(out, (Bytes{0, 0, 3, 0, 0, 0, 3, 0, 8, 0, 0, 1, 0, 4, 0, 11, 0, 0, 0, 0, 0, 0}));
}

TEST(ApiVersions, V3RequestDecode) {
  Bytes in{4, 'l', 'i', 'b', 3, '2', '.', 0};
  ByteReader r(in.data(), in.size());
  ApiVersionsRequest req;
  ASSERT_TRUE(decode_api_versions_request(r, 3, &req).ok());
  EXPECT_EQ(req.client_software_name, "lib");
  EXPECT_EQ(req.client_software_version, "2.");
}

Bytes produce_v7_body(Bytes records) {
  Bytes b;
  ByteWriter w(&b);
  w.i16(-1);  // transactional_id null
  w.i16(-1);  // acks
  w.i32(1500);
  w.i32(1);  // topics
  w.i16(2);
  w.string("t1");
  w.i32(1);  // partitions
  w.i32(2);
  w.i32(static_cast<int32_t>(records.size()));
  w.bytes(records.data(), records.size());
  return b;
}

TEST(Produce, V7Decode) {
  Bytes body = produce_v7_body({1, 2, 3, 4, 5});
  ByteReader r(body.data(), body.size());
  ProduceRequest req;
  ASSERT_TRUE(decode_produce_request(r, 7, &req).ok());
  EXPECT_FALSE(req.transactional_id.has_value());
  EXPECT_EQ(req.acks, -1);
  EXPECT_EQ(req.timeout_ms, 1500);
  ASSERT_EQ(req.topics.size(), 1u);
  EXPECT_EQ(req.topics[0].name, "t1");
  ASSERT_EQ(req.topics[0].partitions.size(), 1u);
  EXPECT_EQ(req.topics[0].partitions[0].index, 2);
  EXPECT_EQ(*req.topics[0].partitions[0].records, (Bytes{1, 2, 3, 4, 5}));
}

TEST(Produce, TruncatedRecordsRejected) {
  Bytes body = produce_v7_body({1, 2, 3, 4, 5});
  body.pop_back();
  ByteReader r(body.data(), body.size());
  ProduceRequest req;
  EXPECT_FALSE(decode_produce_request(r, 7, &req).ok());
}

TEST(Produce, HugeArrayCountRejectedBeforeAllocating) {
  Bytes body{0xff, 0xff, 0xff, 0xff, 0, 0, 0x05, 0xdc, 0x7f, 0xff, 0xff, 0xff};
  ByteReader r(body.data(), body.size());
  ProduceRequest req;
  EXPECT_FALSE(decode_produce_request(r, 7, &req).ok());
}

TEST(Produce, NegativeArrayCountRejected) {
  Bytes body{0xff, 0xff, 0xff, 0xff, 0, 0, 0x05, 0xdc, 0xff, 0xff, 0xff, 0xfe};
  ByteReader r(body.data(), body.size());
  ProduceRequest req;
  EXPECT_FALSE(decode_produce_request(r, 7, &req).ok());
}

TEST(Fetch, V11ResponseShape) {
  FetchResponse m;
  m.session_id = 0;
  FetchResponse::Partition p;
  p.partition_index = 1;
  p.high_watermark = 10;
  p.last_stable_offset = 10;
  p.log_start_offset = 2;
  p.records = {9, 9};
  m.responses.push_back({"t", {p}});
  Bytes out;
  encode_fetch_response(m, 11, &out);
  Bytes expect;
  ByteWriter w(&expect);
  w.i32(0);   // throttle
  w.i16(0);   // error
  w.i32(0);   // session id
  w.i32(1);   // topics
  w.i16(1);
  w.string("t");
  w.i32(1);   // partitions
  w.i32(1);
  w.i16(0);
  w.i64(10);  // high watermark
  w.i64(10);  // last stable offset
  w.i64(2);   // log start offset
  w.i32(0);   // aborted transactions
  w.i32(-1);  // preferred read replica
  w.i32(2);
  w.u8(9);
  w.u8(9);
  EXPECT_EQ(out, expect);
}

TEST(Fetch, V11RequestDecode) {
  Bytes b;
  ByteWriter w(&b);
  w.i32(-1);
  w.i32(500);
  w.i32(1);
  w.i32(52428800);
  w.i8(1);
  w.i32(0);
  w.i32(-1);
  w.i32(1);
  w.i16(1);
  w.string("t");
  w.i32(1);
  w.i32(0);
  w.i32(-1);   // current leader epoch
  w.i64(42);
  w.i64(-1);
  w.i32(1048576);
  w.i32(0);    // forgotten topics
  w.i16(0);    // rack id
  ByteReader r(b.data(), b.size());
  FetchRequest req;
  ASSERT_TRUE(decode_fetch_request(r, 11, &req).ok());
  EXPECT_EQ(req.max_wait_ms, 500);
  EXPECT_EQ(req.isolation_level, 1);
  ASSERT_EQ(req.topics.size(), 1u);
  EXPECT_EQ(req.topics[0].partitions[0].fetch_offset, 42);
  EXPECT_EQ(req.topics[0].partitions[0].partition_max_bytes, 1048576);
}

TEST(Metadata, V9FlexibleRoundTrip) {
  // topics: compact array of 1 {name "ab", tags}, allow_auto=1, two bools, tags
  Bytes in{2, 3, 'a', 'b', 0, 1, 0, 0, 0};
  ByteReader r(in.data(), in.size());
  MetadataRequest req;
  ASSERT_TRUE(decode_metadata_request(r, 9, &req).ok());
  ASSERT_TRUE(req.topics.has_value());
  EXPECT_EQ(req.topics->at(0), "ab");
  MetadataResponse m;
  m.brokers.push_back({0, "h", 9092, std::nullopt});
  m.cluster_id = "c";
  m.controller_id = 0;
  m.topics.push_back({0, "ab", false, {{0, 0, 0, 0, {0}, {0}}}});
  Bytes out;
  encode_metadata_response(m, 9, &out);
  // throttle(4) + brokers compact array(1) + broker(4+2+4+1+1)
  ASSERT_GT(out.size(), 17u);
  EXPECT_EQ(out[4], 2);  // one broker, compact
}

TEST(Metadata, NullTopicsV1MeansAll) {
  Bytes in{0xff, 0xff, 0xff, 0xff};
  ByteReader r(in.data(), in.size());
  MetadataRequest req;
  ASSERT_TRUE(decode_metadata_request(r, 1, &req).ok());
  EXPECT_FALSE(req.topics.has_value());
}

TEST(Wire, CompactStringRejectsOverlongLength) {
  Bytes in{50, 'a'};
  ByteReader br(in.data(), in.size());
  WireReader r(&br, true);
  (void)r.string();
  EXPECT_FALSE(r.ok());
}

TEST(Wire, TaggedFieldsSkippedAndBoundsChecked) {
  Bytes in{1, 7, 10, 1};
  ByteReader br(in.data(), in.size());
  WireReader r(&br, true);
  r.tagged_fields();
  EXPECT_FALSE(r.ok());
}

TEST(JoinGroup, V5DecodeAndResponseEncode) {
  Bytes b;
  ByteWriter w(&b);
  auto str = [&](std::string_view s) {
    w.i16(static_cast<int16_t>(s.size()));
    w.string(s);
  };
  str("g");
  w.i32(10000);
  w.i32(30000);
  str("");
  w.i16(-1);
  str("consumer");
  w.i32(1);
  str("range");
  w.i32(2);
  w.u8(1);
  w.u8(2);
  ByteReader r(b.data(), b.size());
  JoinGroupRequest req;
  ASSERT_TRUE(decode_join_group_request(r, 5, &req).ok());
  EXPECT_EQ(req.group_id, "g");
  EXPECT_EQ(req.rebalance_timeout_ms, 30000);
  ASSERT_EQ(req.protocols.size(), 1u);
  EXPECT_EQ(req.protocols[0].metadata, (Bytes{1, 2}));
}

TEST(AllApis, EmptyBodiesNeverCrash) {
  for (const auto& api : supported_apis()) {
    for (int16_t v = api.min_version; v <= api.max_version; v++) {
      Bytes empty;
      ByteReader r(empty.data(), 0);
      ProduceRequest p;
      FetchRequest f;
      switch (api.key) {
        case ApiKey::kProduce:
          EXPECT_FALSE(decode_produce_request(r, v, &p).ok());
          break;
        case ApiKey::kFetch:
          EXPECT_FALSE(decode_fetch_request(r, v, &f).ok());
          break;
        default:
          break;
      }
    }
  }
}

}  // namespace
}  // namespace strata::kafka

namespace strata::kafka {
namespace {

TEST(OffsetFetch, V7FlexibleDecodeAndEncode) {
  // group "g", topics compact [ {"t", [0,1], tags} ], require_stable, tags
  Bytes in{2, 'g', 2, 2, 't', 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0};
  ByteReader r(in.data(), in.size());
  OffsetFetchRequest req;
  ASSERT_TRUE(decode_offset_fetch_request(r, 7, &req).ok());
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(req.group_id, "g");
  ASSERT_TRUE(req.topics.has_value());
  EXPECT_EQ(req.topics->at(0).partition_indexes, (std::vector<int32_t>{0, 1}));
  OffsetFetchResponse m;
  m.topics.push_back({"t", {{0, 5, -1, std::nullopt, 0}}});
  Bytes out;
  encode_offset_fetch_response(m, 7, &out);
  Bytes expect{0, 0, 0, 0, 2, 2, 't', 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0,
               0, 0, 0};
  EXPECT_EQ(out, expect);
}

TEST(OffsetFetch, NullTopicsMeansAll) {
  Bytes in{2, 'g', 0, 0, 0};
  ByteReader r(in.data(), in.size());
  OffsetFetchRequest req;
  ASSERT_TRUE(decode_offset_fetch_request(r, 7, &req).ok());
  EXPECT_FALSE(req.topics.has_value());
}

TEST(Header, FlexibleResponseHeaderHasTagByte) {
  Bytes out;
  begin_response_frame(9, true, &out);
  finish_response_frame(&out);
  EXPECT_EQ(out, (Bytes{0, 0, 0, 5, 0, 0, 0, 9, 0}));
}

}  // namespace
}  // namespace strata::kafka
