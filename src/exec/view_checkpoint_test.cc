#include "exec/view_checkpoint.h"

#include <gtest/gtest.h>

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
}

}  // namespace
}  // namespace strata::exec
