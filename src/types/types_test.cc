#include <gtest/gtest.h>

#include <cmath>

#include "types/array.h"
#include "types/batch.h"
#include "types/cast.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace strata::types {
namespace {

std::string text_of(std::string_view in, Type t) {
  Result<Value> v = parse_value(in, t);
  EXPECT_TRUE(v.ok()) << v.status().to_string();
  return v.ok() ? format_value(*v) : "";
}

std::string sqlstate_of(std::string_view in, Type t) {
  Result<Value> v = parse_value(in, t);
  return v.ok() ? "ok" : std::string(v.status().sqlstate());
}

TEST(TypeTest, NamesOidsAndAliases) {
  EXPECT_EQ(Type::numeric(10, 2).name(), "numeric(10,2)");
  EXPECT_EQ(Type::varchar(20).name(), "character varying(20)");
  EXPECT_EQ(Type::timestamptz().pg_oid(), 1184u);
  EXPECT_EQ(Type::varchar(20).pg_typmod(), 24);
  int32_t mods[2] = {10, 2};
  EXPECT_EQ(*type_from_name("decimal", mods, 2), Type::numeric(10, 2));
  EXPECT_EQ(*type_from_name("int8", nullptr, 0), Type::bigint());
  EXPECT_EQ(*type_from_name("character", nullptr, 0), Type::character(1));
  EXPECT_EQ(type_from_name("nosuch", nullptr, 0).status().sqlstate(), "42704");
  int32_t bad[2] = {40, 2};
  EXPECT_FALSE(type_from_name("numeric", bad, 2).ok());
}

TEST(ArrayTest, TextFormOidsAndCasts) {
  const Type ints = Type::array(TypeId::kInteger), texts = Type::array(TypeId::kText);
  EXPECT_EQ(ints.name(), "integer[]");
  EXPECT_EQ(ints.pg_oid(), 1007u);
  EXPECT_EQ(type_from_pg_oid(1009), texts);
  EXPECT_EQ(text_of(" { 1 , 02,NULL } ", ints), "{1,2,NULL}");
  EXPECT_EQ(text_of("{}", ints), "{}");
  EXPECT_EQ(text_of("{a,\"b c\",\"\",\"NULL\",\"x\\\"y\"}", texts), "{a,\"b c\",\"\",\"NULL\",\"x\\\"y\"}");
  EXPECT_EQ(sqlstate_of("{1,x}", ints), "22P02");
  EXPECT_EQ(sqlstate_of("1,2", ints), "22P02");
  EXPECT_EQ(sqlstate_of("{1,2", ints), "22P02");
  EXPECT_EQ(sqlstate_of("{{1},{2}}", ints), "0A000");
  Result<ArrayElements> e = parse_array_text("{a,NULL,\"NULL\"}");
  ASSERT_TRUE(e.ok());
  ASSERT_EQ(e->size(), 3u);
  EXPECT_FALSE((*e)[1].has_value());
  EXPECT_EQ(*(*e)[2], "NULL");
  Result<Value> v = cast_value(*parse_value("{1,2}", ints), Type::array(TypeId::kNumeric));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(format_value(*v), "{1,2}");
  EXPECT_EQ(cast_value(*parse_value("{300}", ints), Type::array(TypeId::kSmallInt)).ok(), true);
  EXPECT_EQ(cast_value(*parse_value("{70000}", ints), Type::array(TypeId::kSmallInt)).status().sqlstate(), "22003");
}

TEST(FloatFormatTest, MatchesPostgres) {
  EXPECT_EQ(format_double(0.1), "0.1");
  EXPECT_EQ(format_double(1e20), "1e+20");
  EXPECT_EQ(format_double(123456.0), "123456");
  EXPECT_EQ(format_double(1.5e-5), "1.5e-05");
  EXPECT_EQ(format_double(0.0001), "0.0001");
  EXPECT_EQ(format_double(-2.5), "-2.5");
  EXPECT_EQ(format_double(1e15), "1e+15");
  EXPECT_EQ(format_double(123456789012345.0), "123456789012345");
  EXPECT_EQ(format_double(NAN), "NaN");
  EXPECT_EQ(format_double(-INFINITY), "-Infinity");
  EXPECT_EQ(format_real(1234567.0f), "1.234567e+06");
  EXPECT_EQ(format_real(0.1f), "0.1");
}

TEST(IntegerTest, ParseAndRange) {
  EXPECT_EQ(text_of(" -42 ", Type::integer()), "-42");
  EXPECT_EQ(sqlstate_of("abc", Type::integer()), "22P02");
  EXPECT_EQ(sqlstate_of("99999999999", Type::integer()), "22003");
  EXPECT_EQ(sqlstate_of("40000", Type::smallint()), "22003");
  EXPECT_EQ(text_of("-9223372036854775808", Type::bigint()), "-9223372036854775808");
  EXPECT_EQ(sqlstate_of("9223372036854775808", Type::bigint()), "22003");
}

TEST(DecimalTest, ParseFormatArithmetic) {
  EXPECT_EQ(text_of("1.50", Type::numeric()), "1.50");
  EXPECT_EQ(text_of("-0.001", Type::numeric()), "-0.001");
  EXPECT_EQ(text_of("1.5e3", Type::numeric()), "1500");
  EXPECT_EQ(text_of("12.345", Type::numeric(10, 2)), "12.35");
  EXPECT_EQ(text_of("-12.345", Type::numeric(10, 2)), "-12.35");
  EXPECT_EQ(sqlstate_of("1234.5", Type::numeric(4, 2)), "22003");
  Decimal one = *parse_decimal("1"), three = *parse_decimal("3"), ten = *parse_decimal("10");
  EXPECT_EQ(format_decimal(*decimal_div(one, three)), "0.33333333333333333333");
  EXPECT_EQ(format_decimal(*decimal_div(ten, three)), "3.3333333333333333");
  EXPECT_EQ(format_decimal(*decimal_add(*parse_decimal("1.5"), *parse_decimal("2.25"))), "3.75");
  EXPECT_EQ(format_decimal(*decimal_mul(*parse_decimal("1.5"), *parse_decimal("2.25"))), "3.375");
  EXPECT_EQ(decimal_div(one, *parse_decimal("0")).status().sqlstate(), "22012");
  EXPECT_EQ(decimal_compare(*parse_decimal("1.0"), *parse_decimal("1.00")), 0);
  EXPECT_EQ(decimal_hash(*parse_decimal("1.0")), decimal_hash(*parse_decimal("1.00")));
  EXPECT_LT(decimal_compare(*parse_decimal("-2"), *parse_decimal("1.5")), 0);
}

TEST(DateTimeTest, CivilRoundTrip) {
  for (int32_t d = -800000; d < 800000; d += 97) {
    CivilDate c = civil_from_days(d);
    ASSERT_EQ(days_from_civil(c.year, c.month, c.day), d);
  }
  EXPECT_EQ(days_from_civil(2000, 1, 1), kPgEpochDays);
}

TEST(DateTimeTest, TextForms) {
  EXPECT_EQ(text_of("2024-02-29", Type::date()), "2024-02-29");
  EXPECT_EQ(sqlstate_of("2023-02-29", Type::date()), "22008");
  EXPECT_EQ(sqlstate_of("yesterday-ish", Type::date()), "22007");
  EXPECT_EQ(text_of("0044-03-15 BC", Type::date()), "0044-03-15 BC");
  EXPECT_EQ(text_of("2024-01-02 03:04:05.123", Type::timestamp()), "2024-01-02 03:04:05.123");
  EXPECT_EQ(text_of("2024-01-02T03:04:05+02:00", Type::timestamptz()), "2024-01-02 01:04:05+00");
  EXPECT_EQ(text_of("1969-12-31 23:59:59.5", Type::timestamp()), "1969-12-31 23:59:59.5");
  EXPECT_EQ(text_of("13:45", Type::time()), "13:45:00");
}

TEST(IntervalTest, PostgresStyle) {
  EXPECT_EQ(text_of("1 day", Type::interval()), "1 day");
  EXPECT_EQ(text_of("1 year 2 months 3 days 04:05:06", Type::interval()), "1 year 2 mons 3 days 04:05:06");
  EXPECT_EQ(text_of("-1 year", Type::interval()), "-1 years");
  EXPECT_EQ(text_of("1.5 days", Type::interval()), "1 day 12:00:00");
  EXPECT_EQ(text_of("5", Type::interval()), "00:00:05");
  EXPECT_EQ(text_of("2 hours ago", Type::interval()), "-02:00:00");
  EXPECT_EQ(text_of("P1Y2M3DT4H5M6S", Type::interval()), "1 year 2 mons 3 days 04:05:06");
  EXPECT_EQ(text_of("-1 days 2 hours", Type::interval()), "-1 days +02:00:00");
  EXPECT_EQ(text_of("0 seconds", Type::interval()), "00:00:00");
  EXPECT_EQ(sqlstate_of("fortnight", Type::interval()), "22007");
  int64_t jan31 = *parse_timestamp("2024-01-31 10:00:00");
  EXPECT_EQ(format_timestamp(*timestamp_add_interval(jan31, Interval{1, 0, 0})), "2024-02-29 10:00:00");
}

TEST(BoolAndBytesTest, TextForms) {
  EXPECT_EQ(text_of("yes", Type::boolean()), "t");
  EXPECT_EQ(text_of("F", Type::boolean()), "f");
  EXPECT_EQ(sqlstate_of("maybe", Type::boolean()), "22P02");
  EXPECT_EQ(text_of("\\x4142", Type::bytea()), "\\x4142");
  EXPECT_EQ(text_of("AB", Type::bytea()), "\\x4142");
}

TEST(CastTest, Conversions) {
  EXPECT_EQ(format_value(*cast_value(Value::double_precision(2.5), Type::integer())), "2");  // half to even
  EXPECT_EQ(format_value(*cast_value(Value::double_precision(3.5), Type::integer())), "4");
  EXPECT_EQ(format_value(*cast_value(Value::numeric(*parse_decimal("2.5")), Type::integer())), "3");
  EXPECT_EQ(cast_value(Value::bigint(1LL << 40), Type::integer()).status().sqlstate(), "22003");
  EXPECT_EQ(format_value(*cast_value(Value::text("hello"), Type::varchar(3))), "hel");
  EXPECT_EQ(cast_value(Value::text("hello"), Type::varchar(3), CastMode::kAssignment).status().sqlstate(), "22001");
  EXPECT_EQ(format_value(*cast_value(Value::text("ab"), Type::character(4))), "ab  ");
  EXPECT_EQ(format_value(*cast_value(Value::double_precision(0.1), Type::numeric())), "0.1");
  EXPECT_EQ(format_value(*cast_value(Value::date(0), Type::timestamptz())), "1970-01-01 00:00:00+00");
  EXPECT_FALSE(cast_exists(Type::date(), Type::integer()));
  EXPECT_TRUE(cast_value(Value::null(Type::integer()), Type::text())->is_null());
}

TEST(VectorTest, StringsSurviveTheSourceVector) {
  Vector out(Type::text());
  {
    Vector in(Type::text());
    in.append_value(Value::text("first"));
    in.append_value(Value::null(Type::text()));
    in.append_value(Value::text(std::string(100000, 'x')));
    out.append_rows(in, 0, 3);
  }
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out.get_value(0).as_string(), "first");
  EXPECT_TRUE(out.is_null(1));
  EXPECT_EQ(out.get_value(2).as_string().size(), 100000u);
}

TEST(VectorTest, CastVectorAndBatch) {
  Batch b({Type::integer(), Type::numeric(5, 1)});
  b.append_row({Value::integer(7), Value::numeric(*parse_decimal("1.5"), Type::numeric(5, 1))});
  b.append_row({Value::null(Type::integer()), Value::null(Type::numeric(5, 1))});
  Vector d;
  ASSERT_TRUE(cast_vector(b.columns[0], Type::double_precision(), d).ok());
  EXPECT_EQ(d.data<double>()[0], 7.0);
  EXPECT_TRUE(d.is_null(1));
  Vector t;
  ASSERT_TRUE(cast_vector(b.columns[1], Type::text(), t).ok());
  EXPECT_EQ(t.get_value(0).as_string(), "1.5");
  uint32_t rows[1] = {1};
  Batch c({Type::integer(), Type::numeric(5, 1)});
  c.append_selected(b, rows, 1);
  EXPECT_EQ(c.rows, 1u);
  EXPECT_TRUE(c.columns[0].is_null(0));
}

TEST(StatusTest, SqlStateAndPosition) {
  Status s = Status::sql("42P01", "relation \"t\" does not exist");
  s.with_position(15);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.sqlstate(), "42P01");
  EXPECT_EQ(s.position(), 15);
  EXPECT_EQ(Status::io_error("x").sqlstate(), "");
}

}  // namespace
}  // namespace strata::types
