#include <gtest/gtest.h>

#include "exec/functions_test_util.h"

namespace strata::exec {
namespace {

using namespace testing;  // NOLINT

TEST(ArithmeticFunctions, IntegerSemantics) {
  EXPECT_EQ(eval("/", {i4(7), i4(2)}), "3");
  EXPECT_EQ(eval("/", {i4(-7), i4(2)}), "-3");
  EXPECT_EQ(eval("%", {i4(-7), i4(3)}), "-1");
  EXPECT_EQ(eval("%", {i4(7), i4(-3)}), "1");
  EXPECT_EQ(eval("+", {i4(2147483647), i4(1)}), "ERROR 22003: integer out of range");
  EXPECT_EQ(eval("*", {i8(INT64_MAX), i4(2)}), "ERROR 22003: bigint out of range");
  EXPECT_EQ(eval("+", {Value::smallint(32767), Value::smallint(1)}), "ERROR 22003: smallint out of range");
  EXPECT_EQ(eval("-", {i4(INT32_MIN)}), "ERROR 22003: integer out of range");
  EXPECT_EQ(eval("/", {i4(INT32_MIN), i4(-1)}), "ERROR 22003: integer out of range");
  EXPECT_EQ(eval("%", {i4(INT32_MIN), i4(-1)}), "0");
  EXPECT_EQ(eval("/", {i4(1), i4(0)}), "ERROR 22012: division by zero");
  EXPECT_EQ(eval("%", {i8(1), i8(0)}), "ERROR 22012: division by zero");
  EXPECT_EQ(eval("+", {Value::smallint(1), i4(2)}), "3");
  EXPECT_EQ(eval("+", {i4(1), lit("2")}), "3");
  EXPECT_EQ(result_type("+", {Type::smallint(), Type::smallint()}), "smallint");
  EXPECT_EQ(result_type("+", {Type::integer(), Type::bigint()}), "bigint");
}

TEST(ArithmeticFunctions, DivisionByZeroOnlyOnNonNullRows) {
  // Row 1 divides by a NULL (zeroed) slot: no error, NULL result.
  Result<types::Vector> out = call_rows("/", {{i4(6), i4(1)}, {i4(3), null_of(Type::integer())}});
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  EXPECT_EQ(out->get_value(0).as_int(), 2);
  EXPECT_TRUE(out->is_null(1));
  out = call_rows("+", {{i4(2147483647), null_of(Type::integer())}, {null_of(Type::integer()), i4(5)}});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->is_null(0));
  EXPECT_TRUE(out->is_null(1));
}

TEST(ArithmeticFunctions, Numeric) {
  EXPECT_EQ(eval("+", {num("1.5"), num("2.25")}), "3.75");
  EXPECT_EQ(eval("*", {num("1.5"), num("2.25")}), "3.375");
  EXPECT_EQ(eval("/", {num("1"), num("3")}), "0.33333333333333333333");
  EXPECT_EQ(eval("/", {i4(7), num("2")}), "3.5000000000000000");
  EXPECT_EQ(eval("/", {num("1"), num("0")}), "ERROR 22012: division by zero");
  EXPECT_EQ(eval("%", {num("7.5"), num("2")}), "1.5");
  EXPECT_EQ(eval("-", {num("1.50")}), "-1.50");
  EXPECT_EQ(eval("+", {i4(1), num("0.5")}), "1.5");
  EXPECT_EQ(result_type("+", {Type::integer(), Type::numeric(10, 2)}), "numeric");
  EXPECT_EQ(eval("^", {num("2"), num("3")}), "8.0000000000000000");
  EXPECT_EQ(eval("^", {num("2"), num("10")}), "1024.0000000000000000");
}

TEST(ArithmeticFunctions, Float) {
  EXPECT_EQ(eval("+", {f8(0.1), f8(0.2)}), "0.30000000000000004");
  EXPECT_EQ(eval("/", {f8(1), f8(0)}), "ERROR 22012: division by zero");
  EXPECT_EQ(eval("*", {f8(1e300), f8(1e300)}), "ERROR 22003: value out of range: overflow");
  EXPECT_EQ(eval("*", {f8(1e-300), f8(1e-300)}), "ERROR 22003: value out of range: underflow");
  EXPECT_EQ(eval("+", {typed("Infinity", Type::double_precision()), f8(1)}), "Infinity");
  EXPECT_EQ(eval("^", {i4(2), i4(3)}), "8");
  EXPECT_EQ(result_type("^", {Type::integer(), Type::integer()}), "double precision");
  EXPECT_EQ(eval("^", {f8(0), f8(-1)}), "ERROR 2201F: zero raised to a negative power is undefined");
  EXPECT_EQ(eval("^", {f8(-8), f8(0.5)}),
            "ERROR 2201F: a negative number raised to a non-integer power yields a complex result");
  EXPECT_EQ(eval("+", {i4(1), f8(0.5)}), "1.5");
  EXPECT_EQ(result_type("+", {Type::real(), Type::real()}), "real");
  EXPECT_EQ(result_type("*", {Type::real(), Type::integer()}), "double precision");
  EXPECT_EQ(eval("-", {f8(2.5)}), "-2.5");
}

}  // namespace
}  // namespace strata::exec

namespace strata::exec {
namespace {

using namespace testing;  // NOLINT

TEST(ArithmeticFunctions, BitwiseAndCastFunctions) {
  EXPECT_EQ(eval("&", {i4(12), i4(10)}), "8");
  EXPECT_EQ(eval("|", {i4(12), i4(3)}), "15");
  EXPECT_EQ(eval("#", {i4(12), i4(10)}), "6");
  EXPECT_EQ(eval("~", {i4(5)}), "-6");
  EXPECT_EQ(eval("<<", {i4(1), i4(4)}), "16");
  EXPECT_EQ(eval(">>", {i4(-16), i4(2)}), "-4");
  EXPECT_EQ(eval("<<", {i4(1), i4(33)}), "2");
  EXPECT_EQ(eval("int4", {lit("42")}), "42");
  EXPECT_EQ(eval("float8", {i4(1)}), "1");
  EXPECT_EQ(eval("text", {i4(12)}), "12");
  EXPECT_EQ(eval("date", {lit("2024-01-01")}), "2024-01-01");
  EXPECT_EQ(eval("int4", {lit("x")}), "ERROR 22P02: invalid input syntax for type integer: \"x\"");
  EXPECT_EQ(eval("date", {i4(1)}), "ERROR 42846: cannot cast type integer to date");
}

TEST(ArithmeticFunctions, ToCharNumeric) {
  EXPECT_EQ(eval("to_char", {i4(123), lit("999")}), " 123");
  EXPECT_EQ(eval("to_char", {i4(-123), lit("999")}), "-123");
  EXPECT_EQ(eval("to_char", {i4(12), lit("999")}), "  12");
  EXPECT_EQ(eval("to_char", {num("0.5"), lit("9.99")}), "  .50");
  EXPECT_EQ(eval("to_char", {num("0.5"), lit("0.99")}), " 0.50");
  EXPECT_EQ(eval("to_char", {num("1234.567"), lit("9,999.99")}), " 1,234.57");
  EXPECT_EQ(eval("to_char", {i4(12345), lit("999")}), " ###");
  EXPECT_EQ(eval("to_char", {num("1.5"), lit("FM9.99")}), "1.5");
  EXPECT_EQ(eval("to_char", {i4(1), lit("FM9.99")}), "1.");
  EXPECT_EQ(eval("to_char", {i4(5), lit("0999")}), " 0005");
  EXPECT_EQ(eval("to_char", {i4(5), lit("9099")}), "  005");
  EXPECT_EQ(eval("to_char", {i4(-12), lit("9999")}), "  -12");
  EXPECT_EQ(eval("to_char", {i4(12), lit("S999")}), " +12");
  EXPECT_EQ(eval("to_char", {i4(-12), lit("999MI")}), " 12-");
  EXPECT_EQ(eval("to_char", {f8(12.345), lit("99D99")}), " 12.35");
  EXPECT_EQ(eval("to_char", {num("-0.1"), lit("FM990.00")}), "-0.10");
  EXPECT_EQ(eval("to_char", {i4(1234567), lit("FM9G999G999")}), "1,234,567");
  EXPECT_EQ(eval("to_char", {i4(12), lit("999S")}), " 12+");
  EXPECT_EQ(eval("to_char", {i4(-5), lit("FM999")}), "-5");
  EXPECT_EQ(eval("to_char", {i4(0), lit("999")}), "   0");
  EXPECT_EQ(eval("to_char", {i4(0), lit("FM999")}), "0");
  EXPECT_EQ(eval("to_char", {num("2.5"), lit("9")}), " 3");
  EXPECT_EQ(eval("to_char", {i4(12), lit("FM0000")}), "0012");
}

}  // namespace
}  // namespace strata::exec
