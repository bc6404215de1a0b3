#include <gtest/gtest.h>

#include "exec/functions_test_util.h"

namespace strata::exec {
namespace {

using namespace testing;  // NOLINT

// Expected values are PostgreSQL 15's output for the same calls.
TEST(StringFunctions, Substring) {
  EXPECT_EQ(eval("substring", {lit("hello"), i4(2), i4(3)}), "ell");
  EXPECT_EQ(eval("substring", {lit("hello"), i4(0), i4(3)}), "he");
  EXPECT_EQ(eval("substring", {lit("hello"), i4(-1)}), "hello");
  EXPECT_EQ(eval("substr", {lit("hello"), i4(3)}), "llo");
  EXPECT_EQ(eval("substring", {lit("hello"), i4(10)}), "");
  EXPECT_EQ(eval("substring", {lit("héllo"), i4(2), i4(2)}), "él");
  EXPECT_EQ(eval("substring", {lit("hello"), i4(1), i4(-1)}), "ERROR 22011: negative substring length not allowed");
  EXPECT_EQ(eval("position", {lit("hello"), lit("lo")}), "4");
  EXPECT_EQ(eval("strpos", {lit("héllo"), lit("l")}), "3");
  EXPECT_EQ(eval("left", {lit("abcde"), i4(2)}), "ab");
  EXPECT_EQ(eval("left", {lit("abcde"), i4(-2)}), "abc");
  EXPECT_EQ(eval("right", {lit("abcde"), i4(2)}), "de");
  EXPECT_EQ(eval("right", {lit("abcde"), i4(-2)}), "cde");
  EXPECT_EQ(eval("overlay", {lit("Txxxxas"), lit("hom"), i4(2), i4(4)}), "Thomas");
}

TEST(StringFunctions, PadTrimReplace) {
  EXPECT_EQ(eval("lpad", {lit("hi"), i4(5), lit("xy")}), "xyxhi");
  EXPECT_EQ(eval("rpad", {lit("hi"), i4(5)}), "hi   ");
  EXPECT_EQ(eval("lpad", {lit("hello"), i4(3)}), "hel");
  EXPECT_EQ(eval("ltrim", {lit("  x  ")}), "x  ");
  EXPECT_EQ(eval("rtrim", {lit("xxaxx"), lit("x")}), "xxa");
  EXPECT_EQ(eval("btrim", {lit("xyaxy"), lit("xy")}), "a");
  EXPECT_EQ(eval("replace", {lit("abcabc"), lit("b"), lit("XX")}), "aXXcaXXc");
  EXPECT_EQ(eval("translate", {lit("12345"), lit("143"), lit("ax")}), "a2x5");
  EXPECT_EQ(eval("split_part", {lit("a,b,c"), lit(","), i4(2)}), "b");
  EXPECT_EQ(eval("split_part", {lit("a,b,c"), lit(","), i4(-1)}), "c");
  EXPECT_EQ(eval("split_part", {lit("a,b,c"), lit(","), i4(5)}), "");
  EXPECT_EQ(eval("split_part", {lit("a,b,c"), lit(","), i4(0)}), "ERROR 22023: field position must not be zero");
  EXPECT_EQ(eval("repeat", {lit("ab"), i4(3)}), "ababab");
  EXPECT_EQ(eval("repeat", {lit("ab"), i4(-1)}), "");
  EXPECT_EQ(eval("reverse", {lit("héllo")}), "olléh");
}

TEST(StringFunctions, ConcatAndFormat) {
  EXPECT_EQ(eval("concat", {lit("a"), i4(1), null_of(Type::text()), num("2.5"), Value::boolean(true)}), "a12.5t");
  EXPECT_EQ(eval("concat_ws", {lit(","), lit("a"), null_of(Type::text()), lit("b"), i4(3)}), "a,b,3");
  EXPECT_EQ(eval("concat_ws", {null_of(Type::text()), lit("a")}), "NULL");
  EXPECT_EQ(eval("||", {lit("abc"), i4(1)}), "abc1");
  EXPECT_EQ(eval("||", {i4(1), lit("abc")}), "1abc");
  EXPECT_EQ(eval("||", {lit("a"), lit("b")}), "ab");
  EXPECT_EQ(eval("||", {txt("a"), null_of(Type::text())}), "NULL");
  EXPECT_EQ(eval("format", {lit("Hello %s, %I, %L"), lit("World"), lit("Some Id"), lit("O'Reilly")}),
            "Hello World, \"Some Id\", 'O''Reilly'");
  EXPECT_EQ(eval("format", {lit("%L"), null_of(Type::text())}), "NULL");
  EXPECT_EQ(eval("format", {lit("%2$s %1$s"), lit("a"), lit("b")}), "b a");
  EXPECT_EQ(eval("format", {lit("|%-5s|%5s|"), lit("ab"), lit("cd")}), "|ab   |   cd|");
  EXPECT_EQ(eval("format", {lit("%s %s"), lit("a")}), "ERROR 22023: too few arguments for format()");
  EXPECT_EQ(eval("quote_ident", {lit("foo bar")}), "\"foo bar\"");
  EXPECT_EQ(eval("quote_ident", {lit("select")}), "\"select\"");
  EXPECT_EQ(eval("quote_ident", {lit("abc")}), "abc");
  EXPECT_EQ(eval("quote_literal", {lit("it's")}), "'it''s'");
  EXPECT_EQ(eval("quote_literal", {lit("a\\b")}), "E'a\\\\b'");
  EXPECT_EQ(eval("quote_literal", {i4(42)}), "'42'");
  EXPECT_EQ(eval("quote_nullable", {null_of(Type::text())}), "NULL");
}

TEST(StringFunctions, Misc) {
  EXPECT_EQ(eval("initcap", {lit("hello wORLD foo_bar")}), "Hello World Foo_Bar");
  EXPECT_EQ(eval("length", {lit("héllo")}), "5");
  EXPECT_EQ(eval("char_length", {Value::text("abc", Type::varchar(5))}), "3");
  EXPECT_EQ(eval("octet_length", {lit("héllo")}), "6");
  EXPECT_EQ(eval("upper", {lit("abc")}), "ABC");
  EXPECT_EQ(eval("lower", {lit("ÀBC")}), "Àbc");
  EXPECT_EQ(eval("starts_with", {lit("alphabet"), lit("alph")}), "t");
  EXPECT_EQ(eval("md5", {lit("abc")}), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(eval("md5", {lit("")}), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(eval("chr", {i4(65)}), "A");
  EXPECT_EQ(eval("chr", {i4(233)}), "é");
  EXPECT_EQ(eval("chr", {i4(0)}), "ERROR 54000: null character not permitted");
  EXPECT_EQ(eval("ascii", {lit("é")}), "233");
  EXPECT_EQ(eval("to_hex", {i4(255)}), "ff");
  EXPECT_EQ(eval("to_hex", {i4(-1)}), "ffffffff");
  EXPECT_EQ(eval("to_hex", {i8(-1)}), "ffffffffffffffff");
}

TEST(StringFunctions, VectorWithNulls) {
  Result<types::Vector> out =
      call_rows("substring",
                {{txt("hello"), null_of(Type::text()), txt("world")}, {i4(2), i4(1), i4(-3)}, {i4(2), i4(1), i4(5)}});
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  EXPECT_EQ(out->get_value(0).as_string(), "el");
  EXPECT_TRUE(out->is_null(1));
  EXPECT_EQ(out->get_value(2).as_string(), "w");
  // A negative length on a NULL row is not an error.
  out = call_rows("substring", {{null_of(Type::text())}, {i4(1)}, {i4(-1)}});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->is_null(0));
}

}  // namespace
}  // namespace strata::exec
