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

TEST(ViewCheckpointTest, JoinInputsRoundTrip) {
  ViewCheckpoint c = sample();
  ViewCheckpoint::Join j;
  j.next_offsets = {{0, 12}, {3, 4}};
  j.left_types = {Type::bigint(), Type::text()};
  types::Batch l(j.left_types);
  l.append_row({Value::bigint(7), Value::text("seven")});
  j.left.push_back(std::make_shared<const types::Batch>(std::move(l)));
  j.right_types = {Type::bigint()};
  c.join = std::move(j);
  std::vector<uint8_t> bytes = encode_view_checkpoint(c);
  Result<ViewCheckpoint> back = decode_view_checkpoint(bytes);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  ASSERT_TRUE(back->join.has_value());
  EXPECT_EQ(back->join->next_offsets, (std::map<int32_t, int64_t>{{0, 12}, {3, 4}}));
  EXPECT_EQ(back->join->left_types, c.join->left_types);
  ASSERT_EQ(back->join->left.size(), 1u);
  EXPECT_EQ(back->join->left[0]->rows, 1u);
  EXPECT_EQ(back->join->right_types, c.join->right_types);
  EXPECT_TRUE(back->join->right.empty());
  // Without a join, none comes back.
  Result<ViewCheckpoint> plain = decode_view_checkpoint(encode_view_checkpoint(sample()));
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->join.has_value());
  for (size_t cut = 1; cut < 40; ++cut) {
    std::vector<uint8_t> part(bytes.begin(), bytes.end() - static_cast<std::ptrdiff_t>(cut));
    EXPECT_FALSE(decode_view_checkpoint(part).ok()) << cut;
  }
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

// Version-1 to -4 files (before event time, rows files, join inputs and final
// rows) still load: as a view that has seen no event time yet, with its state
// inline, without a join or final rows.
TEST(ViewCheckpointTest, OlderVersionsAreStillRead) {
  ViewCheckpoint c;
  c.view_oid = 9;
  c.sequence = 2;
  c.next_offsets = {{0, 5}};
  std::vector<uint8_t> v5 = encode_view_checkpoint(c);
  // Header 12, oid 4, three u64 24, then the offsets: uvarint 1, varint 0, varint 5
  // (zigzag 10) end at byte 43; v2's three event-time bytes (0 entries, no close,
  // 0) follow, then v3's two rows-file bytes (none, 0); v4's join flag (0) and
  // v5's final-rows flag (0) are last.
  for (size_t k = 43; k < 48; ++k) ASSERT_EQ(v5[k], 0) << k;
  ASSERT_EQ(v5[v5.size() - 1], 0);
  ASSERT_EQ(v5[v5.size() - 2], 0);
  auto older = [&](uint8_t version, size_t drop_from, size_t drop_to) {
    std::vector<uint8_t> v(v5.begin(), v5.begin() + static_cast<ptrdiff_t>(drop_from));
    v.insert(v.end(), v5.begin() + static_cast<ptrdiff_t>(drop_to), v5.end());
    if (version < 5) v.pop_back();  // no final-rows flag
    if (version < 4) v.pop_back();  // no join flag
    v[7] = version;  // format_version, big-endian u32 at byte 4
    uint32_t crc = crc32c(v.data() + 12, v.size() - 12);
    v[8] = static_cast<uint8_t>(crc >> 24);
    v[9] = static_cast<uint8_t>(crc >> 16);
    v[10] = static_cast<uint8_t>(crc >> 8);
    v[11] = static_cast<uint8_t>(crc);
    return v;
  };
  for (auto [version, from] : {std::pair<uint8_t, size_t>{1, 43}, {2, 46}, {3, 48}, {4, 48}}) {
    std::vector<uint8_t> v = older(version, from, 48);
    Result<ViewCheckpoint> back = decode_view_checkpoint(v);
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_EQ(back->sequence, 2u);
    EXPECT_EQ(back->next_offsets, c.next_offsets);
    EXPECT_TRUE(back->max_event_us.empty());
    EXPECT_FALSE(back->closed_us.has_value());
    EXPECT_FALSE(back->rows_file_bytes.has_value());
    EXPECT_FALSE(back->join.has_value());
    EXPECT_FALSE(back->final_rows.has_value());
  }
  std::vector<uint8_t> v6 = older(6, 48, 48);  // an unknown version is refused
  EXPECT_EQ(decode_view_checkpoint(v6).status().code(), StatusCode::kCorruption);
}

// v5: an aggregate view over windows names the prefix of its rows file that
// holds its closed windows' rows, with their column types; the rows file holds
// either those or an append-only view's state, never both.
TEST(ViewCheckpointTest, FinalRowsRoundTripAndExcludeARowsFileState) {
  ViewCheckpoint c;
  c.view_oid = 5;
  c.sequence = 3;
  c.state_types = {Type::timestamp(), Type::bigint()};
  c.final_rows = ViewCheckpoint::FinalRows{1234, {Type::timestamp(), Type::bigint(), Type::text()}};
  Result<ViewCheckpoint> back = decode_view_checkpoint(encode_view_checkpoint(c));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  ASSERT_TRUE(back->final_rows.has_value());
  EXPECT_EQ(back->final_rows->rows_file_bytes, 1234u);
  EXPECT_EQ(back->final_rows->types, c.final_rows->types);
  EXPECT_FALSE(back->rows_file_bytes.has_value());
  c.rows_file_bytes = 10;
  EXPECT_EQ(decode_view_checkpoint(encode_view_checkpoint(c)).status().code(), StatusCode::kCorruption);
}

// An append-only view's state lives in its rows file: chunks of batches, each
// framed and checksummed; the checkpoint names the file's valid length.
TEST(ViewCheckpointTest, RowsFileChunksRoundTripAndDamageIsCaught) {
  std::vector<types::Type> types = {Type::bigint(), Type::text()};
  auto batch = [&](int64_t first, size_t n) {
    auto b = std::make_shared<types::Batch>(types);
    for (size_t i = 0; i < n; ++i) {
      b->append_row({Value::bigint(first + static_cast<int64_t>(i)),
                     i % 3 == 0 ? Value::null(Type::text()) : Value::text("row " + std::to_string(i))});
    }
    return std::shared_ptr<const types::Batch>(b);
  };
  std::vector<std::shared_ptr<const types::Batch>> first = {batch(0, 5), batch(5, 2)}, second = {batch(7, 4)};
  std::vector<uint8_t> file = encode_rows_chunk(types, first);
  std::vector<uint8_t> more = encode_rows_chunk(types, second);
  file.insert(file.end(), more.begin(), more.end());
  std::vector<std::shared_ptr<const types::Batch>> back;
  ASSERT_TRUE(decode_rows_chunks(file, types, &back).ok());
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[2]->rows, 4u);
  EXPECT_EQ(back[2]->columns[0].data<int64_t>()[3], 10);
  EXPECT_TRUE(back[0]->columns[1].is_null(0));
  EXPECT_EQ(back[0]->columns[1].get_value(1).to_text(), "row 1");
  // Every cut inside a chunk and every flipped byte is refused.
  for (size_t cut = 1; cut < file.size(); ++cut) {
    back.clear();
    Status st = decode_rows_chunks(std::span(file).first(cut), types, &back);
    if (cut == file.size() - more.size()) {
      EXPECT_TRUE(st.ok()) << cut;  // exactly the first chunk
    } else {
      EXPECT_EQ(st.code(), StatusCode::kCorruption) << cut;
    }
  }
  for (size_t k = 0; k < file.size(); ++k) {
    std::vector<uint8_t> bad = file;
    bad[k] ^= 0x40;
    back.clear();
    EXPECT_EQ(decode_rows_chunks(bad, types, &back).code(), StatusCode::kCorruption) << k;
  }
  // The checkpoint's rows-file length round-trips; a state both inline and in a
  // rows file is refused.
  ViewCheckpoint c;
  c.view_oid = 3;
  c.state_types = types;
  c.rows_file_bytes = file.size();
  Result<ViewCheckpoint> ck = decode_view_checkpoint(encode_view_checkpoint(c));
  ASSERT_TRUE(ck.ok()) << ck.status().to_string();
  EXPECT_EQ(ck->rows_file_bytes, std::optional<uint64_t>(file.size()));
  c.state = first;
  EXPECT_EQ(decode_view_checkpoint(encode_view_checkpoint(c)).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace strata::exec
