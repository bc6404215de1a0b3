#include <gtest/gtest.h>

#include "exec/functions_test_util.h"

namespace strata::exec {
namespace {

using namespace testing;  // NOLINT

// Expected values are PostgreSQL 15's output for the same expressions.
TEST(PatternFunctions, Like) {
  EXPECT_EQ(eval("~~", {lit("abc"), lit("a%")}), "t");
  EXPECT_EQ(eval("~~", {lit("abc"), lit("_b_")}), "t");
  EXPECT_EQ(eval("~~", {lit("abc"), lit("A%")}), "f");
  EXPECT_EQ(eval("~~*", {lit("abc"), lit("A%")}), "t");
  EXPECT_EQ(eval("~~", {lit("a%c"), lit("a\\%c")}), "t");
  EXPECT_EQ(eval("~~", {lit("abc"), lit("a\\%c")}), "f");
  EXPECT_EQ(eval("like_escape", {lit("a_c"), lit("a#_c"), lit("#")}), "t");
  EXPECT_EQ(eval("like_escape", {lit("abc"), lit("a#_c"), lit("#")}), "f");
  EXPECT_EQ(eval("like_escape", {lit("a\\c"), lit("a\\c"), lit("")}), "t");
  EXPECT_EQ(eval("ilike_escape", {lit("A_C"), lit("a#_c"), lit("#")}), "t");
  EXPECT_EQ(eval("like_escape", {lit("abc"), lit("a%"), lit("##")}), "ERROR 22025: invalid escape string");
  EXPECT_EQ(eval("~~", {lit("héllo"), lit("h_llo")}), "t");
  EXPECT_EQ(eval("~~", {lit("abc"), lit("%b%")}), "t");
  EXPECT_EQ(eval("~~", {lit("abc"), lit("%c")}), "t");
  EXPECT_EQ(eval("~~", {lit("abc"), lit("abc")}), "t");
  EXPECT_EQ(eval("~~", {lit("ab"), lit("a%%b%")}), "t");
  EXPECT_EQ(eval("~~", {lit(""), lit("%")}), "t");
  EXPECT_EQ(eval("~~", {lit("abc"), lit("")}), "f");
  EXPECT_EQ(eval("~~", {lit("aXbXc"), lit("a%b%c")}), "t");
  EXPECT_EQ(eval("~~", {lit("abcabd"), lit("%ab_")}), "t");
  EXPECT_EQ(eval("!~~", {lit("abc"), lit("a%")}), "f");
  EXPECT_EQ(eval("!~~*", {lit("abc"), lit("X%")}), "t");
  EXPECT_EQ(eval("~~", {lit("abc"), lit("a\\")}), "ERROR 22025: LIKE pattern must not end with escape character");
}

TEST(PatternFunctions, LikeOverAVectorWithChangingPatterns) {
  Result<types::Vector> out = call_rows("~~", {{txt("apple"), txt("banana"), null_of(Type::text()), txt("cherry")},
                                               {txt("a%"), txt("a%"), txt("x\\"), txt("%rr%")}});
  ASSERT_TRUE(out.ok()) << out.status().to_string();  // the bad pattern is on a NULL row
  EXPECT_EQ(out->get_value(0).as_bool(), true);
  EXPECT_EQ(out->get_value(1).as_bool(), false);
  EXPECT_TRUE(out->is_null(2));
  EXPECT_EQ(out->get_value(3).as_bool(), true);
}

TEST(PatternFunctions, Regex) {
  EXPECT_EQ(eval("~", {lit("foobar"), lit("o+b")}), "t");
  EXPECT_EQ(eval("~*", {lit("FOO"), lit("foo")}), "t");
  EXPECT_EQ(eval("!~", {lit("abc"), lit("x")}), "t");
  EXPECT_EQ(eval("!~*", {lit("abc"), lit("B")}), "f");
  EXPECT_EQ(eval("~", {lit("a\nb"), lit("a.b")}), "t");
  EXPECT_EQ(eval("regexp_replace", {lit("Thomas"), lit(".[mN]a."), lit("M")}), "ThM");
  EXPECT_EQ(eval("regexp_replace", {lit("foobarbaz"), lit("b(..)"), lit("X\\1Y"), lit("g")}), "fooXarYXazY");
  EXPECT_EQ(eval("regexp_replace", {lit("abc"), lit("b"), lit("\\&\\&")}), "abbc");
  EXPECT_EQ(eval("regexp_replace", {lit("a.b"), lit("\\."), lit("$")}), "a$b");
  EXPECT_EQ(eval("regexp_replace", {lit("aaa"), lit("A"), lit("x"), lit("gi")}), "xxx");
  EXPECT_EQ(eval("regexp_like", {lit("Hello"), lit("hel"), lit("i")}), "t");
  EXPECT_EQ(eval("regexp_count", {lit("ABCABC"), lit("B")}), "2");
  EXPECT_EQ(eval("regexp_instr", {lit("hello"), lit("l+")}), "3");
  EXPECT_EQ(eval("regexp_substr", {lit("number 1234 here"), lit("\\d+")}), "1234");
  EXPECT_EQ(eval("substring", {lit("foobar"), lit("o.b")}), "oob");
  EXPECT_EQ(eval("substring", {lit("foobar"), lit("o(.)b")}), "o");
  EXPECT_EQ(eval("substring", {lit("foobar"), lit("x")}), "NULL");
  EXPECT_EQ(eval("~", {lit("abc"), lit("(")}).substr(0, 12), "ERROR 2201B:");
  EXPECT_EQ(eval("regexp_like", {lit("a"), lit("a"), lit("z")}),
            "ERROR 22023: invalid regular expression option: \"z\"");
}

}  // namespace
}  // namespace strata::exec
