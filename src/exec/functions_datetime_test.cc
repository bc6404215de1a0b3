#include <gtest/gtest.h>

#include "exec/functions_test_util.h"

namespace strata::exec {
namespace {

using namespace testing;  // NOLINT

Value ts(std::string_view s) { return typed(s, Type::timestamp()); }
Value tstz(std::string_view s) { return typed(s, Type::timestamptz()); }
Value date(std::string_view s) { return typed(s, Type::date()); }
Value iv(std::string_view s) { return typed(s, Type::interval()); }
Value tm(std::string_view s) { return typed(s, Type::time()); }

// Expected values are PostgreSQL 15's output for the same expressions.
TEST(DatetimeFunctions, Operators) {
  EXPECT_EQ(eval("+", {date("2024-02-28"), i4(2)}), "2024-03-01");
  EXPECT_EQ(eval("-", {date("2024-03-01"), date("2024-02-01")}), "29");
  EXPECT_EQ(eval("+", {date("2024-01-31"), iv("1 month")}), "2024-02-29 00:00:00");
  EXPECT_EQ(result_type("+", {Type::date(), Type::interval()}), "timestamp without time zone");
  EXPECT_EQ(eval("+", {ts("2024-01-31 10:00"), iv("1 month 1 day 1 hour")}), "2024-03-01 11:00:00");
  EXPECT_EQ(eval("-", {ts("2024-03-01"), ts("2024-01-01 12:00")}), "59 days 12:00:00");
  EXPECT_EQ(eval("*", {iv("1 day"), num("1.5")}), "1 day 12:00:00");
  EXPECT_EQ(eval("/", {iv("1 month"), i4(2)}), "15 days");
  EXPECT_EQ(eval("*", {iv("1 hour"), num("2.5")}), "02:30:00");
  EXPECT_EQ(eval("/", {iv("1 hour"), i4(0)}), "ERROR 22012: division by zero");
  EXPECT_EQ(eval("+", {tm("23:00"), iv("2 hours")}), "01:00:00");
  EXPECT_EQ(eval("-", {iv("1 day")}), "-1 days");
  EXPECT_EQ(eval("+", {date("2024-03-05"), tm("10:30")}), "2024-03-05 10:30:00");
  EXPECT_EQ(eval("<", {date("2024-03-05"), ts("2024-03-05 00:00:01")}), "t");
  EXPECT_EQ(eval("=", {iv("1 day"), iv("24 hours")}), "t");
  EXPECT_EQ(eval("+", {ts("2024-03-05"), lit("1 day")}), "2024-03-06 00:00:00");
  EXPECT_EQ(eval("+", {date("2024-03-05"), lit("1 day")}), "ERROR 42725: operator is not unique: date + unknown");
}

TEST(DatetimeFunctions, DateTrunc) {
  EXPECT_EQ(eval("date_trunc", {lit("hour"), ts("2024-03-05 14:07:09")}), "2024-03-05 14:00:00");
  EXPECT_EQ(eval("date_trunc", {lit("week"), ts("2024-03-05 14:07:09")}), "2024-03-04 00:00:00");
  EXPECT_EQ(eval("date_trunc", {lit("quarter"), ts("2024-05-05")}), "2024-04-01 00:00:00");
  EXPECT_EQ(eval("date_trunc", {lit("month"), tstz("2024-03-05 14:07:09+00")}), "2024-03-01 00:00:00+00");
  EXPECT_EQ(eval("date_trunc", {lit("hour"), iv("1 day 02:03:04")}), "1 day 02:00:00");
  EXPECT_EQ(eval("date_trunc", {lit("century"), ts("2024-03-05")}), "2001-01-01 00:00:00");
  EXPECT_EQ(eval("date_trunc", {lit("decade"), ts("2024-03-05")}), "2020-01-01 00:00:00");
  EXPECT_EQ(eval("date_trunc", {lit("millennium"), ts("2024-03-05")}), "2001-01-01 00:00:00");
  EXPECT_EQ(eval("date_trunc", {lit("DAY"), ts("2024-03-05 14:07:09")}), "2024-03-05 00:00:00");
  EXPECT_EQ(eval("date_trunc", {lit("fortnight"), ts("2024-03-05")}),
            "ERROR 22023: unit \"fortnight\" not recognized for type timestamp without time zone");
  EXPECT_EQ(eval("date_trunc", {lit("day"), date("2024-03-05")}), "2024-03-05 00:00:00+00");
}

TEST(DatetimeFunctions, Extract) {
  EXPECT_EQ(eval("extract", {lit("second"), ts("2024-01-01 00:00:05.5")}), "5.500000");
  EXPECT_EQ(eval("extract", {lit("epoch"), ts("2024-01-01 00:00:05")}), "1704067205.000000");
  EXPECT_EQ(eval("extract", {lit("epoch"), date("2024-01-01")}), "1704067200");
  EXPECT_EQ(eval("extract", {lit("milliseconds"), ts("2024-01-01 00:00:05")}), "5000.000");
  EXPECT_EQ(eval("extract", {lit("microseconds"), ts("2024-01-01 00:00:05")}), "5000000");
  EXPECT_EQ(eval("extract", {lit("dow"), date("2024-03-10")}), "0");
  EXPECT_EQ(eval("extract", {lit("julian"), ts("2024-01-01 12:00")}), "2460311.50000000000000000000");
  EXPECT_EQ(eval("extract", {lit("epoch"), iv("1 year 2 days 3 hours")}), "31741200.000000");
  EXPECT_EQ(eval("extract", {lit("second"), iv("1 min 2.5 sec")}), "2.500000");
  EXPECT_EQ(eval("extract", {lit("day"), date("2024-03-10")}), "10");
  EXPECT_EQ(eval("extract", {lit("hour"), tm("13:14:15")}), "13");
  EXPECT_EQ(eval("extract", {lit("second"), tm("13:14:15.5")}), "15.500000");
  EXPECT_EQ(eval("extract", {lit("timezone"), tstz("2024-01-01")}), "0");
  EXPECT_EQ(eval("date_part", {lit("second"), ts("2024-01-01 00:00:05.5")}), "5.5");
  EXPECT_EQ(eval("date_part", {lit("epoch"), iv("1 month")}), "2592000");
  EXPECT_EQ(result_type("date_part", {Type::text(), Type::timestamp()}), "double precision");
  EXPECT_EQ(result_type("extract", {Type::text(), Type::timestamp()}), "numeric");
  EXPECT_EQ(eval("extract", {lit("century"), date("2000-01-01")}), "20");
  EXPECT_EQ(eval("extract", {lit("millennium"), date("2001-01-01")}), "3");
  EXPECT_EQ(eval("extract", {lit("week"), date("2024-01-01")}), "1");
  EXPECT_EQ(eval("extract", {lit("isoyear"), date("2021-01-01")}), "2020");
  EXPECT_EQ(eval("extract", {lit("decade"), date("2024-01-01")}), "202");
  EXPECT_EQ(eval("extract", {lit("quarter"), date("2024-05-01")}), "2");
  EXPECT_EQ(eval("extract", {lit("doy"), date("2024-12-31")}), "366");
  EXPECT_EQ(eval("extract", {lit("year"), iv("26 months")}), "2");
  EXPECT_EQ(eval("extract", {lit("month"), iv("-26 months")}), "-2");
  EXPECT_EQ(eval("extract", {lit("hour"), date("2024-01-01")}),
            "ERROR 0A000: unit \"hour\" not supported for type date");
}

TEST(DatetimeFunctions, ConstructorsAndMisc) {
  EXPECT_EQ(eval("age", {ts("2024-03-05"), ts("2023-01-31 10:00")}), "1 year 1 mon 4 days 14:00:00");
  EXPECT_EQ(eval("age", {ts("2023-01-31"), ts("2024-03-05")}), "-1 years -1 mons -5 days");
  EXPECT_EQ(eval("make_date", {i4(2024), i4(2), i4(29)}), "2024-02-29");
  EXPECT_EQ(eval("make_date", {i4(2023), i4(2), i4(29)}), "ERROR 22008: date field value out of range: 2023-02-29");
  EXPECT_EQ(eval("make_timestamp", {i4(2024), i4(2), i4(29), i4(12), i4(30), num("15.5")}), "2024-02-29 12:30:15.5");
  EXPECT_EQ(eval("make_interval", {i4(1), i4(2), i4(0), i4(3), i4(4), i4(5), num("6.5")}),
            "1 year 2 mons 3 days 04:05:06.5");
  EXPECT_EQ(eval("make_interval", {}), "00:00:00");
  EXPECT_EQ(eval("date_bin", {iv("15 minutes"), ts("2024-03-05 14:07:09"), ts("2000-01-01")}), "2024-03-05 14:00:00");
  EXPECT_EQ(eval("date_bin", {iv("15 minutes"), ts("1999-12-31 23:59"), ts("2000-01-01")}), "1999-12-31 23:45:00");
  EXPECT_EQ(eval("date_bin", {iv("1 month"), ts("2024-01-01"), ts("2000-01-01")}),
            "ERROR 22008: timestamps cannot be binned into intervals containing months or years");
  EXPECT_EQ(eval("justify_days", {iv("35 days")}), "1 mon 5 days");
  EXPECT_EQ(eval("justify_hours", {iv("27 hours")}), "1 day 03:00:00");
  EXPECT_EQ(eval("justify_interval", {iv("1 mon -1 hour")}), "29 days 23:00:00");
  EXPECT_EQ(eval("timezone", {lit("UTC"), tstz("2024-01-01 00:00:00+00")}), "2024-01-01 00:00:00");
  EXPECT_EQ(eval("timezone", {lit("+05"), ts("2024-01-01 00:00:00")}), "2024-01-01 05:00:00+00");
  EXPECT_EQ(eval("timezone", {lit("Mars/Olympus"), ts("2024-01-01")}),
            "ERROR 22023: time zone \"Mars/Olympus\" not recognized");
  EXPECT_EQ(eval("to_timestamp", {num("1700000000.5")}), "2023-11-14 22:13:20.5+00");
  sql::FunctionContext ctx;
  ctx.statement_timestamp_micros = 1'700'000'000'000'000;
  EXPECT_EQ(eval("now", {}, ctx), "2023-11-14 22:13:20+00");
  EXPECT_EQ(eval("age", {ts("2023-11-01")}, ctx), "13 days");
}

TEST(DatetimeFunctions, Formatting) {
  EXPECT_EQ(eval("to_char", {ts("2024-03-05 14:07:09.123456"), lit("YYYY-MM-DD HH24:MI:SS.MS US")}),
            "2024-03-05 14:07:09.123 123456");
  EXPECT_EQ(eval("to_char", {ts("2024-03-05 14:07:09"), lit("Mon Month Day Dy FMMonth FMDay")}),
            "Mar March     Tuesday   Tue March Tuesday");
  EXPECT_EQ(eval("to_char", {ts("2024-03-05 04:07:09"), lit("HH12:MI AM am P.M. hh")}), "04:07 AM am A.M. 04");
  EXPECT_EQ(eval("to_char", {ts("2024-03-05"), lit("DDD D Q WW IW IYYY J CC YY Y")}),
            "065 3 1 10 10 2024 2460375 21 24 4");
  EXPECT_EQ(eval("to_char", {tstz("2024-03-05 14:07:09+00"), lit("YYYY-MM-DD HH24:MI:SS TZ OF")}),
            "2024-03-05 14:07:09 UTC +00");
  EXPECT_EQ(eval("to_char", {ts("2024-03-05"), lit("\"Year\" YYYY \"day\" FMDD")}), "Year 2024 day 5");
  EXPECT_EQ(eval("to_char", {ts("2024-03-05"), lit("MONTH DAY MON DY month day mon dy")}),
            "MARCH     TUESDAY   MAR TUE march     tuesday   mar tue");
  EXPECT_EQ(eval("to_char", {iv("1 day 02:03:04"), lit("HH24:MI:SS")}), "02:03:04");
  EXPECT_EQ(eval("to_char", {date("2024-03-05"), lit("DD/MM/YYYY")}), "05/03/2024");
  EXPECT_EQ(eval("to_char", {ts("2024-03-05 00:07:09"), lit("HH12 FMHH12 SSSS")}), "12 12 429");
  EXPECT_EQ(eval("to_char", {ts("2024-03-05"), lit("FMDD FMMM DDth")}), "5 3 05th");
  EXPECT_EQ(eval("to_timestamp", {lit("2024-03-05 14:07:09"), lit("YYYY-MM-DD HH24:MI:SS")}), "2024-03-05 14:07:09+00");
  EXPECT_EQ(eval("to_date", {lit("05 Mar 2024"), lit("DD Mon YYYY")}), "2024-03-05");
  EXPECT_EQ(eval("to_timestamp", {lit("20240305"), lit("YYYYMMDD")}), "2024-03-05 00:00:00+00");
  EXPECT_EQ(eval("to_timestamp", {lit("2024-3-5 2:07 PM"), lit("YYYY-MM-DD HH:MI AM")}), "2024-03-05 14:07:00+00");
  EXPECT_EQ(eval("to_date", {lit("2024-13-01"), lit("YYYY-MM-DD")}),
            "ERROR 22008: date/time field value out of range: \"2024-13-01\"");
}

}  // namespace
}  // namespace strata::exec
