#include "exec/row_compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "exec/row_hash.h"
#include "types/decimal.h"

namespace strata::exec {
namespace {

using types::Batch;
using types::Decimal;
using types::Type;
using types::Value;
using types::Vector;

Vector column(Type t, const std::vector<Value>& values) {
  Vector v(t);
  for (const Value& x : values) v.append_value(x);
  return v;
}

Decimal dec(const char* text) { return types::parse_decimal(text).value(); }

TEST(RowCompareTest, NumbersAcrossWidthsAndScales) {
  Vector a = column(Type::smallint(), {Value::smallint(5)});
  Vector b = column(Type::bigint(), {Value::bigint(5)});
  Vector c = column(Type::bigint(), {Value::bigint(6)});
  EXPECT_EQ(compare_cells(a, 0, b, 0), 0);
  EXPECT_LT(compare_cells(a, 0, c, 0), 0);
  EXPECT_EQ(hash_cell(a, 0), hash_cell(b, 0));

  Vector d1 = column(Type::numeric(), {Value::numeric(dec("1.0"))});
  Vector d2 = column(Type::numeric(), {Value::numeric(dec("1.00"))});
  Vector d3 = column(Type::numeric(), {Value::numeric(dec("1.01"))});
  EXPECT_EQ(compare_cells(d1, 0, d2, 0), 0);
  EXPECT_EQ(hash_cell(d1, 0), hash_cell(d2, 0));
  EXPECT_LT(compare_cells(d2, 0, d3, 0), 0);
  Vector i1 = column(Type::integer(), {Value::integer(1)});
  EXPECT_EQ(compare_cells(i1, 0, d1, 0), 0);
  EXPECT_LT(compare_cells(i1, 0, d3, 0), 0);
}

TEST(RowCompareTest, FloatsNaNAndNegativeZero) {
  double nan = std::numeric_limits<double>::quiet_NaN();
  double inf = std::numeric_limits<double>::infinity();
  Vector v = column(Type::double_precision(), {Value::double_precision(nan), Value::double_precision(inf),
                                               Value::double_precision(-0.0), Value::double_precision(0.0),
                                               Value::double_precision(-nan)});
  EXPECT_GT(compare_cells(v, 0, v, 1), 0);  // NaN above infinity
  EXPECT_EQ(compare_cells(v, 0, v, 4), 0);  // NaN = NaN
  EXPECT_EQ(compare_cells(v, 2, v, 3), 0);  // -0 = 0
  EXPECT_EQ(hash_cell(v, 2), hash_cell(v, 3));
  EXPECT_EQ(hash_cell(v, 0), hash_cell(v, 4));
  Vector r = column(Type::real(), {Value::real(1.5f)});
  Vector d = column(Type::double_precision(), {Value::double_precision(1.5)});
  EXPECT_EQ(compare_cells(r, 0, d, 0), 0);
}

TEST(RowCompareTest, CharPaddingAndBytes) {
  Vector c = column(Type::character(5), {Value::text("ab   ", Type::character(5))});
  Vector t = column(Type::text(), {Value::text("ab"), Value::text("ab "), Value::text("abc"), Value::text("a")});
  EXPECT_EQ(compare_cells(c, 0, t, 0), 0);
  EXPECT_LT(compare_cells(c, 0, t, 1), 0);  // text keeps its blank
  EXPECT_LT(compare_cells(c, 0, t, 2), 0);
  EXPECT_GT(compare_cells(c, 0, t, 3), 0);
  Vector c2 = column(Type::character(3), {Value::text("ab ", Type::character(3))});
  EXPECT_EQ(compare_cells(c, 0, c2, 0), 0);
  EXPECT_EQ(hash_cell(c, 0), hash_cell(c2, 0));
  // Bytes compare unsigned.
  Vector u = column(Type::text(), {Value::text("\xC3\xA9"), Value::text("z")});
  EXPECT_GT(compare_cells(u, 0, u, 1), 0);
}

TEST(RowCompareTest, IntervalsBy30DayMonths) {
  Vector v = column(Type::interval(), {Value::interval({1, 0, 0}), Value::interval({0, 30, 0}),
                                       Value::interval({0, 29, 86400000000LL})});
  EXPECT_EQ(compare_cells(v, 0, v, 1), 0);
  EXPECT_EQ(compare_cells(v, 1, v, 2), 0);
  EXPECT_EQ(hash_cell(v, 0), hash_cell(v, 2));
}

TEST(RowCompareTest, NullPlacement) {
  std::vector<Type> types = {Type::integer()};
  Batch b(types);
  b.append_row({Value::integer(1)});
  b.append_row({Value::null(Type::integer())});
  RowComparator asc({SortKey::asc(0)}, types);
  RowComparator desc({SortKey::desc(0)}, types);
  RowComparator asc_first({SortKey{0, false, true}}, types);
  RowComparator desc_last({SortKey{0, true, false}}, types);
  EXPECT_LT(asc.compare(b, 0, b, 1), 0);        // NULLS LAST
  EXPECT_GT(desc.compare(b, 0, b, 1), 0);       // NULLS FIRST
  EXPECT_GT(asc_first.compare(b, 0, b, 1), 0);
  EXPECT_LT(desc_last.compare(b, 0, b, 1), 0);
  EXPECT_EQ(asc.compare(b, 1, b, 1), 0);
  EXPECT_EQ(sort_keys_to_string({SortKey::asc(0), SortKey::desc(2), SortKey{1, false, true}}),
            "#0 ASC, #2 DESC, #1 ASC NULLS FIRST");
}

TEST(RowCompareTest, EqualityWithAndWithoutNullMatching) {
  std::vector<Type> ta = {Type::integer(), Type::text()};
  std::vector<Type> tb = {Type::text(), Type::bigint()};
  Batch a(ta), b(tb);
  a.append_row({Value::integer(1), Value::text("x")});
  a.append_row({Value::null(Type::integer()), Value::text("x")});
  b.append_row({Value::text("x"), Value::bigint(1)});
  b.append_row({Value::text("x"), Value::null(Type::bigint())});
  RowEquality join({0, 1}, ta, {1, 0}, tb, false);
  RowEquality group({0, 1}, ta, {1, 0}, tb, true);
  EXPECT_TRUE(join.equal(a, 0, b, 0));
  EXPECT_FALSE(join.equal(a, 1, b, 1));
  EXPECT_TRUE(group.equal(a, 1, b, 1));
  EXPECT_FALSE(group.equal(a, 0, b, 1));
  EXPECT_TRUE(join.maybe_equal(a, 0, b, 1));
  EXPECT_TRUE(join.maybe_equal(a, 1, b, 0));

  uint64_t ha[2], hb[2];
  hash_rows(a, {0, 1}, ha);
  hash_rows(b, {1, 0}, hb);
  EXPECT_EQ(ha[0], hb[0]);  // integer 1 and bigint 1 meet
  EXPECT_EQ(ha[1], hb[1]);  // NULLs hash alike
  EXPECT_NE(ha[0], ha[1]);
}

TEST(RowHashTest, PartitionsUseHighBits) {
  EXPECT_EQ(partition_of(0xF000000000000000ull, 0, 4), 15u);
  EXPECT_EQ(partition_of(0x0A00000000000000ull, 1, 4), 10u);
  EXPECT_EQ(partition_of(0x0A00000000000000ull, 0, 4), 0u);
}

}  // namespace
}  // namespace strata::exec
