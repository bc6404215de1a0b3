// Guards the part format against accidental change: testdata/golden_v1.part
// was written by PartWriter (format version 1) and must keep reading back to
// exactly these values. Regenerate only for a deliberate format change (with a
// new version): STRATA_REGENERATE_GOLDEN=1 build/dev/strata_columnar_test --gtest_filter='Golden*'
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "columnar/part_reader.h"
#include "columnar/part_writer.h"
#include "io/file_system.h"

namespace strata::columnar {
namespace {

using types::Type;
using types::Value;

std::string golden_path() {
  return (std::filesystem::path(__FILE__).parent_path() / "testdata" / "golden_v1.part").string();
}

std::vector<ColumnSchema> golden_schema() {
  return {{"id", Type::bigint(), 1},        {"name", Type::varchar(16), 2}, {"price", Type::numeric(10, 2), 3},
          {"ok", Type::boolean(), 4},       {"day", Type::date(), 5},       {"ratio", Type::double_precision(), 6},
          {"span", Type::interval(), 7},    {"small", Type::smallint(), 8}};
}

// Row i of the golden data (NULLs on a pattern).
std::vector<Value> golden_row(int i) {
  types::Decimal price;
  price.unscaled = 1000 + i * 37;
  price.scale = 2;
  return {Value::bigint(1'000'000'000'000LL + i * 1000),
          i % 7 == 3 ? Value::null(Type::varchar(16)) : Value::text("name-" + std::to_string(i % 5), Type::varchar(16)),
          Value::numeric(price, Type::numeric(10, 2)),
          Value::boolean(i % 3 == 0),
          Value::date(19000 + i),
          i % 11 == 0 ? Value::null(Type::double_precision()) : Value::double_precision(i * 0.25),
          Value::interval({i % 12, i % 30, int64_t{i} * 1'000'000}),
          Value::smallint(static_cast<int16_t>(i % 4 - 2))};
}

constexpr int kGoldenRows = 300;

TEST(GoldenTest, PartFormatV1ReadsBack) {
  io::FileSystem* fs = io::posix_file_system();
  if (std::getenv("STRATA_REGENERATE_GOLDEN") != nullptr) {
    std::vector<Type> types;
    for (const auto& c : golden_schema()) types.push_back(c.type);
    types::Batch b(types);
    for (int i = 0; i < kGoldenRows; i++) b.append_row(golden_row(i));
    PartWriterOptions opt;
    opt.row_group_rows = 128;
    opt.compression = Compression::kZstd;
    auto w = PartWriter::create(fs, golden_path(), golden_schema(), opt);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->append(b).ok());
    ASSERT_TRUE((*w)->finish().ok());
  }
  auto r = PartReader::open(fs, golden_path());
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ((*r)->columns(), golden_schema());
  ASSERT_EQ((*r)->row_count(), static_cast<uint64_t>(kGoldenRows));
  ASSERT_EQ((*r)->row_group_count(), 3u);
  std::vector<uint32_t> all = {0, 1, 2, 3, 4, 5, 6, 7};
  int row = 0;
  bool some_encoding[5] = {};
  for (size_t g = 0; g < (*r)->row_group_count(); g++) {
    for (const auto& c : (*r)->row_group(g).chunks) some_encoding[static_cast<int>(c.encoding)] = true;
    types::Batch out;
    ASSERT_TRUE((*r)->read_row_group(g, all, &out).ok());
    for (size_t i = 0; i < out.rows; i++, row++) {
      auto want = golden_row(row);
      for (size_t c = 0; c < all.size(); c++) {
        Value got = out.columns[c].get_value(i);
        ASSERT_EQ(got.to_text(), want[c].to_text()) << "row " << row << " column " << c;
      }
    }
  }
  EXPECT_TRUE(some_encoding[static_cast<int>(Encoding::kDictionary)]);
  EXPECT_TRUE(some_encoding[static_cast<int>(Encoding::kDelta)] ||
              some_encoding[static_cast<int>(Encoding::kFrameOfReference)]);
  // Zone maps are part of the format too.
  EXPECT_FALSE((*r)->row_group_may_match(0, std::vector<ZonePredicate>{{0, CompareOp::kGt, Value::bigint(1'000'000'200'000LL)}}));
  EXPECT_TRUE((*r)->row_group_may_match(2, std::vector<ZonePredicate>{{0, CompareOp::kGt, Value::bigint(1'000'000'200'000LL)}}));
}

}  // namespace
}  // namespace strata::columnar
