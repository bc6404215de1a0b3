#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "columnar/chunk_codec.h"
#include "columnar/part_reader.h"
#include "columnar/part_writer.h"
#include "columnar/test_util.h"
#include "io/file_system.h"

namespace strata::columnar {
namespace {

using testing::Shape;
using testing::TempDir;
using types::Type;
using types::Value;

TEST(ChunkCodecTest, EveryEncodingRoundTripsEveryTypeWithNulls) {
  std::mt19937_64 rng(20240601);
  int cases = 0;
  for (const Type& t : testing::all_types()) {
    for (Shape shape : {Shape::kRandom, Shape::kSorted, Shape::kFewDistinct, Shape::kConstant, Shape::kRuns}) {
      for (double nulls : {0.0, 0.2, 1.0}) {
        for (size_t rows : {size_t{0}, size_t{1}, size_t{7}, size_t{1000}}) {
          types::Vector v = testing::random_vector(t, rows + 3, shape, nulls, rng);
          for (Encoding e : encodings_for(t)) {
            std::vector<uint8_t> bytes;
            ASSERT_EQ(encode_chunk(v, 3, rows, &bytes, e), e);
            types::Vector back;
            Status s = decode_chunk(bytes, e, t, rows, &back);
            ASSERT_TRUE(s.ok()) << t.name() << " " << encoding_name(e) << ": " << s.to_string();
            ASSERT_EQ(back.size(), rows);
            testing::expect_vectors_equal(v, 3, back, 0, rows, t.name() + " " + std::string(encoding_name(e)));
            cases++;
          }
          // The automatic choice decodes too.
          std::vector<uint8_t> bytes;
          Encoding chosen = encode_chunk(v, 3, rows, &bytes);
          types::Vector back;
          ASSERT_TRUE(decode_chunk(bytes, chosen, t, rows, &back).ok());
          testing::expect_vectors_equal(v, 3, back, 0, rows, t.name() + " auto");
        }
      }
    }
  }
  EXPECT_GT(cases, 1000);
}

// Bit-packed streams of every width, with lengths that end inside and outside the
// 8-byte fast-path window of the unpacker.
TEST(ChunkCodecTest, EveryBitWidthRoundTrips) {
  std::mt19937_64 rng(99);
  for (int w = 1; w <= 63; ++w) {
    for (size_t rows : {size_t{1}, size_t{9}, size_t{63}, size_t{1001}}) {
      types::Vector v(Type::bigint(), rows);
      const uint64_t mask = (uint64_t{1} << w) - 1;
      for (size_t i = 0; i < rows; ++i) v.data<int64_t>()[i] = static_cast<int64_t>(rng() & mask);
      for (Encoding e : encodings_for(Type::bigint())) {
        std::vector<uint8_t> bytes;
        ASSERT_EQ(encode_chunk(v, 0, rows, &bytes, e), e);
        types::Vector back;
        ASSERT_TRUE(decode_chunk(bytes, e, Type::bigint(), rows, &back).ok());
        testing::expect_vectors_equal(v, 0, back, 0, rows,
                                      "width " + std::to_string(w) + " " + std::string(encoding_name(e)));
      }
    }
  }
}

TEST(ChunkCodecTest, BestEncodingIsChosenForTypicalShapes) {
  std::mt19937_64 rng(7);
  std::vector<uint8_t> bytes;
  auto sorted = testing::random_vector(Type::timestamp(), 4096, Shape::kSorted, 0, rng);
  EXPECT_EQ(encode_chunk(sorted, 0, 4096, &bytes), Encoding::kDelta);
  auto constant = testing::random_vector(Type::bigint(), 4096, Shape::kConstant, 0, rng);
  encode_chunk(constant, 0, 4096, &bytes);
  EXPECT_LT(bytes.size(), 16u);
  auto few = testing::random_vector(Type::text(), 4096, Shape::kFewDistinct, 0, rng);
  EXPECT_EQ(encode_chunk(few, 0, 4096, &bytes), Encoding::kDictionary);
  auto runs = testing::random_vector(Type::integer(), 4096, Shape::kRuns, 0, rng);
  Encoding e = encode_chunk(runs, 0, 4096, &bytes);
  EXPECT_TRUE(e == Encoding::kRunLength || e == Encoding::kDelta) << encoding_name(e);
}

TEST(ChunkCodecTest, GarbageNeverDecodesOutOfBounds) {
  std::mt19937_64 rng(99);
  for (int i = 0; i < 3000; i++) {
    std::vector<uint8_t> bytes(rng() % 64);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    if (!bytes.empty()) bytes[0] &= 1;
    const auto types = testing::all_types();
    const Type& t = types[rng() % types.size()];
    types::Vector out;
    (void)decode_chunk(bytes, static_cast<Encoding>(rng() % 5), t, rng() % 40, &out);
  }
}

types::Batch make_batch(const std::vector<Type>& types, size_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  types::Batch b;
  Shape shapes[] = {Shape::kRandom, Shape::kSorted, Shape::kFewDistinct, Shape::kRuns};
  for (size_t i = 0; i < types.size(); i++) {
    b.columns.push_back(testing::random_vector(types[i], rows, shapes[i % 4], 0.1, rng));
  }
  b.rows = rows;
  return b;
}

std::vector<ColumnSchema> schema_of(const std::vector<Type>& types) {
  std::vector<ColumnSchema> s;
  for (size_t i = 0; i < types.size(); i++)
    s.push_back({"c" + std::to_string(i), types[i], static_cast<uint32_t>(i + 1)});
  return s;
}

TEST(PartTest, WriteAndReadEveryTypeWithEachCompression) {
  TempDir dir;
  io::FileSystem* fs = io::posix_file_system();
  auto types = testing::all_types();
  types::Batch batch = make_batch(types, 1000, 5);
  for (Compression c : {Compression::kNone, Compression::kLz4, Compression::kZstd}) {
    std::string path = dir.path() + "/p" + std::to_string(static_cast<int>(c));
    PartWriterOptions opt;
    opt.row_group_rows = 300;
    opt.compression = c;
    auto w = PartWriter::create(fs, path, schema_of(types), opt);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->append_rows(batch, 0, 10).ok());
    ASSERT_TRUE((*w)->append_rows(batch, 10, 990).ok());
    auto info = (*w)->finish();
    ASSERT_TRUE(info.ok()) << info.status().to_string();
    EXPECT_EQ(info->row_count, 1000u);
    EXPECT_EQ(info->row_group_count, 4u);

    auto r = PartReader::open(fs, path);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_EQ((*r)->row_count(), 1000u);
    EXPECT_EQ((*r)->columns(), schema_of(types));
    ASSERT_TRUE((*r)->verify().ok());
    bool compressed = false;
    for (size_t g = 0; g < (*r)->row_group_count(); g++) {
      const auto& rg = (*r)->row_group(g);
      for (const auto& ch : rg.chunks) compressed |= ch.compression != Compression::kNone;
      // Projection: columns in a different order, one repeated.
      std::vector<uint32_t> cols = {8, 2, 2, 17};
      types::Batch out;
      ASSERT_TRUE((*r)->read_row_group(g, cols, &out).ok());
      ASSERT_EQ(out.rows, rg.row_count);
      for (size_t i = 0; i < cols.size(); i++) {
        testing::expect_vectors_equal(batch.columns[cols[i]], rg.first_row, out.columns[i], 0, rg.row_count, "col");
      }
    }
    EXPECT_EQ(compressed, c != Compression::kNone);
  }
}

TEST(PartTest, ZoneMapsSkipTheRightRowGroups) {
  TempDir dir;
  io::FileSystem* fs = io::posix_file_system();
  types::Batch b(std::vector<Type>{Type::integer(), Type::text(), Type::double_precision()});
  for (int i = 0; i < 1000; i++) {
    b.append_row({i % 250 == 7 ? Value::null(Type::integer()) : Value::integer(i),
                  Value::text("k" + std::to_string(1000 + i)), Value::double_precision(i < 900 ? i : std::nan(""))});
  }
  PartWriterOptions opt;
  opt.row_group_rows = 100;
  auto w = PartWriter::create(fs, dir.path() + "/z",
                              schema_of({Type::integer(), Type::text(), Type::double_precision()}), opt);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->append(b).ok());
  ASSERT_TRUE((*w)->finish().ok());
  auto r = PartReader::open(fs, dir.path() + "/z");
  ASSERT_TRUE(r.ok());
  auto groups = [&](std::vector<ZonePredicate> preds) {
    std::vector<size_t> out;
    for (size_t g = 0; g < (*r)->row_group_count(); g++) {
      if ((*r)->row_group_may_match(g, preds)) out.push_back(g);
    }
    return out;
  };
  using V = std::vector<size_t>;
  EXPECT_EQ(groups({{0, CompareOp::kGe, Value::integer(950)}}), V({9}));
  EXPECT_EQ(groups({{0, CompareOp::kEq, Value::integer(123)}}), V({1}));
  EXPECT_EQ(groups({{0, CompareOp::kEq, Value::bigint(123)}}), V({1}));
  EXPECT_EQ(groups({{0, CompareOp::kGe, Value::integer(250)}, {0, CompareOp::kLe, Value::integer(420)}}), V({2, 3, 4}));
  EXPECT_EQ(groups({{0, CompareOp::kLt, Value::integer(100)}}), V({0}));
  EXPECT_EQ(groups({{0, CompareOp::kGt, Value::integer(2000)}}), V());
  EXPECT_EQ(groups({{0, CompareOp::kIsNull, Value()}}), V({0, 2, 5, 7}));
  EXPECT_EQ(groups({{0, CompareOp::kEq, Value::null(Type::integer())}}), V());
  EXPECT_EQ(groups({{1, CompareOp::kEq, Value::text("k1555")}}), V({5}));
  EXPECT_EQ(groups({{1, CompareOp::kGe, Value::text("k1950", Type::varchar())}}), V({9}));
  // A value of an incomparable type never skips.
  EXPECT_EQ(groups({{1, CompareOp::kEq, Value::integer(5)}}).size(), 10u);
  // NaN sorts above every number (PostgreSQL): only the last group holds values > 1e9.
  EXPECT_EQ(groups({{2, CompareOp::kGt, Value::double_precision(1e9)}}), V({9}));
  EXPECT_EQ(groups({{2, CompareOp::kEq, Value::integer(450)}}), V({4}));
}

TEST(PartTest, ChecksumsDetectEveryFlippedByte) {
  TempDir dir;
  io::FileSystem* fs = io::posix_file_system();
  std::vector<Type> types = {Type::integer(), Type::text()};
  types::Batch b = make_batch(types, 300, 3);
  PartWriterOptions opt;
  opt.row_group_rows = 128;
  auto w = PartWriter::create(fs, dir.path() + "/c", schema_of(types), opt);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->append(b).ok());
  ASSERT_TRUE((*w)->finish().ok());
  auto bytes = fs->read_file(dir.path() + "/c", 1 << 20);
  ASSERT_TRUE(bytes.ok());
  for (size_t i = 0; i < bytes->size(); i++) {
    for (uint8_t flip : {0x01, 0x80}) {
      std::vector<uint8_t> copy = *bytes;
      copy[i] ^= flip;
      auto r = PartReader::open(std::make_unique<MemoryFile>("flipped", copy));
      if (!r.ok()) {
        EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << r.status().to_string();
        continue;
      }
      Status s = (*r)->verify();
      ASSERT_FALSE(s.ok()) << "flip of byte " << i << " went unnoticed";
      EXPECT_EQ(s.code(), StatusCode::kCorruption);
      EXPECT_NE(s.message().find("row group"), std::string::npos) << s.message();
    }
  }
  // Truncations are refused.
  for (size_t n = 0; n < bytes->size(); n += 7) {
    std::vector<uint8_t> cut(bytes->begin(), bytes->begin() + static_cast<ptrdiff_t>(n));
    EXPECT_FALSE(PartReader::open(std::make_unique<MemoryFile>("cut", cut)).ok());
  }
}

TEST(PartTest, EmptyPartAndNoColumns) {
  TempDir dir;
  io::FileSystem* fs = io::posix_file_system();
  auto w = PartWriter::create(fs, dir.path() + "/e", schema_of({Type::integer()}));
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->finish().ok());
  auto r = PartReader::open(fs, dir.path() + "/e");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->row_count(), 0u);
  EXPECT_EQ((*r)->row_group_count(), 0u);

  auto w2 = PartWriter::create(fs, dir.path() + "/n", {});
  ASSERT_TRUE(w2.ok());
  types::Batch b;
  b.rows = 5;
  ASSERT_TRUE((*w2)->append(b).ok());
  ASSERT_TRUE((*w2)->finish().ok());
  auto r2 = PartReader::open(fs, dir.path() + "/n");
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ((*r2)->row_count(), 5u);
  types::Batch out;
  ASSERT_TRUE((*r2)->read_row_group(0, {}, &out).ok());
  EXPECT_EQ(out.rows, 5u);
}

TEST(PartTest, WrongBatchLayoutIsRefused) {
  TempDir dir;
  auto w = PartWriter::create(io::posix_file_system(), dir.path() + "/x", schema_of({Type::integer()}));
  ASSERT_TRUE(w.ok());
  types::Batch b(std::vector<Type>{Type::text()});
  EXPECT_EQ((*w)->append(b).code(), StatusCode::kInvalidArgument);
  (*w)->abandon();
  EXPECT_FALSE(io::posix_file_system()->exists(dir.path() + "/x"));
}

TEST(PartTest, PartBytesMaxIsEnforced) {
  TempDir dir;
  PartWriterOptions opt;
  opt.row_group_rows = 100;
  opt.part_bytes_max = 2000;
  opt.compression = Compression::kNone;
  auto w = PartWriter::create(io::posix_file_system(), dir.path() + "/m", schema_of({Type::bigint()}), opt);
  ASSERT_TRUE(w.ok());
  std::mt19937_64 rng(1);
  types::Batch b;
  b.columns.push_back(testing::random_vector(Type::bigint(), 1000, Shape::kRandom, 0, rng));
  b.rows = 1000;
  EXPECT_EQ((*w)->append(b).code(), StatusCode::kResourceExhausted);
  (*w)->abandon();
}

}  // namespace
}  // namespace strata::columnar
