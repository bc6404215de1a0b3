#include "exec/view_checkpoint.h"

#include <gtest/gtest.h>

#include "base/crc32c.h"
#include "types/value.h"

namespace strata::exec {
namespace {

using types::Type;
using types::Value;

ViewCheckpoint sample() {
  ViewCheckpoint c;
  c.view_oid = 16390;
  c.sequence = 7;
  c.input_records = 1234;
  c.dead_letters = 3;
  c.next_offsets = {{0, 500}, {1, 734}, {2, 0}};
  c.max_event_us = {{0, 1'700'000'000'000'000}, {1, -5}};
  c.closed_us = 1'699'999'990'000'000;
  c.state_types = {Type::text(), Type::bigint(), Type::numeric(38, 2), Type::double_precision()};
  types::Batch b(c.state_types);
  b.append_row({Value::text("BR"), Value::bigint(66), Value::null(Type::numeric(38, 2)), Value::double_precision(0.1)});
  b.append_row({Value::null(Type::text()), Value::bigint(-1), Value::null(Type::numeric(38, 2)),
                Value::double_precision(1e300)});
  c.state.push_back(std::make_shared<const types::Batch>(std::move(b)));
  return c;
}

TEST(ViewCheckpointTest, RoundTrip) {
  ViewCheckpoint c = sample();
  std::vector<uint8_t> bytes = encode_view_checkpoint(c);
  Result<ViewCheckpoint> back = decode_view_checkpoint(bytes);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->view_oid, 16390u);
  EXPECT_EQ(back->sequence, 7u);
  EXPECT_EQ(back->input_records, 1234u);
  EXPECT_EQ(back->dead_letters, 3u);
  EXPECT_EQ(back->next_offsets, c.next_offsets);
  EXPECT_EQ(back->max_event_us, c.max_event_us);
  EXPECT_EQ(back->closed_us, c.closed_us);
  EXPECT_EQ(back->state_types, c.state_types);
  ASSERT_EQ(back->state.size(), 1u);
  const types::Batch& b = *back->state[0];
  ASSERT_EQ(b.rows, 2u);
  EXPECT_EQ(b.columns[0].get_value(0).to_text(), "BR");
  EXPECT_TRUE(b.columns[0].is_null(1));
  EXPECT_EQ(b.columns[1].data<int64_t>()[0], 66);
  EXPECT_EQ(b.columns[1].data<int64_t>()[1], -1);
  EXPECT_TRUE(b.columns[2].is_null(0));
  EXPECT_EQ(b.columns[3].data<double>()[0], 0.1);  // exact: bits, not text
  EXPECT_EQ(b.columns[3].data<double>()[1], 1e300);
}

TEST(ViewCheckpointTest, EveryTruncationIsRejected) {
  std::vector<uint8_t> bytes = encode_view_checkpoint(sample());
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n));
    Result<ViewCheckpoint> r = decode_view_checkpoint(cut);
    ASSERT_FALSE(r.ok()) << "accepted a file cut to " << n << " bytes";
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  }
}

TEST(ViewCheckpointTest, EveryFlippedByteIsRejected) {
  std::vector<uint8_t> bytes = encode_view_checkpoint(sample());
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::vector<uint8_t> bad = bytes;
    bad[i] ^= 0x5a;
    Result<ViewCheckpoint> r = decode_view_checkpoint(bad);
    ASSERT_FALSE(r.ok()) << "accepted a flipped byte at " << i;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  }
  std::vector<uint8_t> trailing = bytes;
  trailing.push_back(0);
  EXPECT_FALSE(decode_view_checkpoint(trailing).ok());
}

TEST(ViewCheckpointTest, EmptyStateRoundTrips) {
  ViewCheckpoint c;
  c.view_oid = 1;
  Result<ViewCheckpoint> back = decode_view_checkpoint(encode_view_checkpoint(c));
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->next_offsets.empty());
  EXPECT_TRUE(back->state.empty());
  EXPECT_TRUE(back->max_event_us.empty());
  EXPECT_FALSE(back->closed_us.has_value());
}

// A version-1 file (written before event time was kept) still loads, as a view
// that has seen no event time yet.
TEST(ViewCheckpointTest, VersionOneIsStillRead) {
  ViewCheckpoint c;
  c.view_oid = 9;
  c.sequence = 2;
  c.next_offsets = {{0, 5}};
  std::vector<uint8_t> v2 = encode_view_checkpoint(c);
  // Header 12, oid 4, three u64 24, then the offsets: uvarint 1, varint 0, varint 5
  // (zigzag 10) end at byte 43; v2's three event-time bytes (0 entries, no close,
  // 0) follow.
  ASSERT_EQ(v2[43], 0);
  ASSERT_EQ(v2[44], 0);
  std::vector<uint8_t> v1(v2.begin(), v2.begin() + 43);
  v1.insert(v1.end(), v2.begin() + 46, v2.end());
  v1[7] = 1;  // format_version, big-endian u32 at byte 4
  uint32_t crc = crc32c(v1.data() + 12, v1.size() - 12);
  v1[8] = static_cast<uint8_t>(crc >> 24);
  v1[9] = static_cast<uint8_t>(crc >> 16);
  v1[10] = static_cast<uint8_t>(crc >> 8);
  v1[11] = static_cast<uint8_t>(crc);
  Result<ViewCheckpoint> back = decode_view_checkpoint(v1);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->sequence, 2u);
  EXPECT_EQ(back->next_offsets, c.next_offsets);
  EXPECT_TRUE(back->max_event_us.empty());
  EXPECT_FALSE(back->closed_us.has_value());
  v1[7] = 3;  // an unknown version is refused
  EXPECT_EQ(decode_view_checkpoint(v1).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace strata::exec
