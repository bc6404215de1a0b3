#include <gtest/gtest.h>

#include "exec/functions_test_util.h"

namespace strata::exec {
namespace {

using namespace testing;  // NOLINT

// Expected values are PostgreSQL 15's output for the same calls.
TEST(MathFunctions, Rounding) {
  EXPECT_EQ(eval("round", {num("2.5")}), "3");
  EXPECT_EQ(eval("round", {f8(2.5)}), "2");
  EXPECT_EQ(eval("round", {num("-2.5")}), "-3");
  EXPECT_EQ(eval("round", {f8(3.5)}), "4");
  EXPECT_EQ(eval("round", {num("1234.5678"), i4(2)}), "1234.57");
  EXPECT_EQ(eval("round", {num("1234.5"), i4(-2)}), "1200");
  EXPECT_EQ(eval("round", {num("-1234.5678"), i4(-2)}), "-1200");
  EXPECT_EQ(eval("round", {num("0.5"), i4(0)}), "1");
  EXPECT_EQ(eval("round", {i4(7)}), "7");  // round(double precision), as PostgreSQL resolves it
  EXPECT_EQ(eval("trunc", {num("1234.5678"), i4(2)}), "1234.56");
  EXPECT_EQ(eval("trunc", {num("-1.9")}), "-1");
  EXPECT_EQ(eval("trunc", {num("1234.5678"), i4(-2)}), "1200");
  EXPECT_EQ(eval("ceil", {num("1.2")}), "2");
  EXPECT_EQ(eval("ceil", {num("-1.2")}), "-1");
  EXPECT_EQ(eval("floor", {num("-1.2")}), "-2");
  EXPECT_EQ(eval("floor", {f8(1.7)}), "1");
  EXPECT_EQ(eval("sign", {num("-2.5")}), "-1");
  EXPECT_EQ(eval("sign", {f8(3)}), "1");
  EXPECT_EQ(eval("abs", {i4(-3)}), "3");
  EXPECT_EQ(eval("abs", {num("-2.50")}), "2.50");
  EXPECT_EQ(eval("abs", {i4(INT32_MIN)}), "ERROR 22003: integer out of range");
}

TEST(MathFunctions, Transcendental) {
  EXPECT_EQ(eval("sqrt", {f8(16)}), "4");
  EXPECT_EQ(eval("exp", {f8(1)}), "2.718281828459045");
  EXPECT_EQ(eval("ln", {f8(10)}), "2.302585092994046");
  EXPECT_EQ(eval("log", {f8(100)}), "2");
  EXPECT_EQ(eval("log", {i4(2), i4(64)}), "6.0000000000000000");
  EXPECT_EQ(eval("log10", {num("1000")}), "3.0000000000000000");
  EXPECT_EQ(eval("power", {i4(2), i4(10)}), "1024");
  EXPECT_EQ(eval("power", {num("2"), i4(10)}), "1024.0000000000000000");
  EXPECT_EQ(eval("sqrt", {num("2.0")}), "1.414213562373095");
  EXPECT_EQ(eval("sqrt", {num("0.0001")}), "0.01000000000000000");
  EXPECT_EQ(eval("sqrt", {num("1000000")}), "1000.0000000000000");
  EXPECT_EQ(eval("exp", {num("0.5")}), "1.6487212707001281");
  EXPECT_EQ(eval("exp", {num("10")}), "22026.465794806717");
  EXPECT_EQ(eval("ln", {num("0.5")}), "-0.6931471805599453");
  EXPECT_EQ(eval("ln", {num("1.05")}), "0.048790164169432003");
  EXPECT_EQ(eval("^", {num("1.5"), num("2.5")}), "2.7556759606310754");
  EXPECT_EQ(eval("^", {num("100"), num("0.5")}), "10.000000000000000");
  EXPECT_EQ(eval("^", {num("0.5"), i4(3)}), "0.1250000000000000");
  EXPECT_EQ(eval("sqrt", {f8(-1)}), "ERROR 2201F: cannot take square root of a negative number");
  EXPECT_EQ(eval("ln", {f8(0)}), "ERROR 2201E: cannot take logarithm of zero");
  EXPECT_EQ(eval("ln", {num("-1")}), "ERROR 2201E: cannot take logarithm of a negative number");
  EXPECT_EQ(eval("asin", {f8(2)}), "ERROR 22003: input is out of range");
  EXPECT_EQ(eval("exp", {f8(1000)}), "ERROR 22003: value out of range: overflow");
}

TEST(MathFunctions, IntegerAndMisc) {
  EXPECT_EQ(eval("mod", {i4(-7), i4(3)}), "-1");
  EXPECT_EQ(eval("mod", {num("7.5"), i4(2)}), "1.5");
  EXPECT_EQ(eval("mod", {i4(1), i4(0)}), "ERROR 22012: division by zero");
  EXPECT_EQ(eval("div", {num("7.5"), i4(2)}), "3");
  EXPECT_EQ(eval("div", {i4(-7), i4(2)}), "-3");
  EXPECT_EQ(eval("gcd", {i4(12), i4(18)}), "6");
  EXPECT_EQ(eval("lcm", {i4(4), i4(6)}), "12");
  EXPECT_EQ(eval("gcd", {i4(INT32_MIN), i4(0)}), "ERROR 22003: integer out of range");
  EXPECT_EQ(eval("pi", {}), "3.141592653589793");
  EXPECT_EQ(eval("degrees", {f8(3.141592653589793)}), "180");
  EXPECT_EQ(eval("radians", {i4(180)}), "3.141592653589793");
  EXPECT_EQ(eval("width_bucket", {num("5.35"), num("0.024"), num("10.06"), i4(5)}), "3");
  EXPECT_EQ(eval("atan2", {f8(1), f8(1)}), "0.7853981633974483");
}

TEST(MathFunctions, RandomIsRepeatablePerSeed) {
  sql::FunctionContext ctx;
  ctx.random_seed = 42;
  Result<types::Vector> a = call_rows("random", {}, nullptr, ctx);
  ctx.random_seed = 43;
  Result<types::Vector> b = call_rows("random", {}, nullptr, ctx);
  ctx.random_seed = 42;
  Result<types::Vector> c = call_rows("random", {}, nullptr, ctx);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  double x = a->get_value(0).as_double();
  EXPECT_GE(x, 0.0);
  EXPECT_LT(x, 1.0);
  EXPECT_EQ(x, c->get_value(0).as_double());
  EXPECT_NE(x, b->get_value(0).as_double());
  EXPECT_TRUE(registry().resolve_scalar("random", {})->function->is_volatile);
}

}  // namespace
}  // namespace strata::exec
