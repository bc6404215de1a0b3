#include <gtest/gtest.h>

#include "exec/functions_test_util.h"
#include "types/jsonb.h"

namespace strata::exec {
namespace {

using namespace testing;  // NOLINT

Value jb(std::string s) { return Value::jsonb(std::move(s)); }

std::string norm(std::string_view s) {
  Result<std::string> r = types::normalize_jsonb(s);
  return r.ok() ? *r : error_text(r.status());
}

// Expected values are PostgreSQL 15's output for the same expressions.
TEST(Jsonb, NormalForm) {
  EXPECT_EQ(norm(R"({"b": 1, "a": [1, 2.50, 1e2], "b": {"x": null}})"), R"({"a": [1, 2.50, 100], "b": {"x": null}})");
  EXPECT_EQ(norm(R"({"aa":1,"b":2,"a":3})"), R"({"a": 3, "b": 2, "aa": 1})");
  EXPECT_EQ(norm(R"("a\u00e9\n")"), R"("aé\n")");
  EXPECT_EQ(norm(R"( [ true , false,null ] )"), "[true, false, null]");
  EXPECT_EQ(norm(R"("\ud83d\ude00")"), "\"\xF0\x9F\x98\x80\"");
  EXPECT_EQ(norm("{\"a\": 1,}"), "ERROR 22P02: invalid input syntax for type json: \"{\"a\": 1,}\"");
  EXPECT_EQ(norm("01"), "ERROR 22P02: invalid input syntax for type json: \"01\"");
  EXPECT_EQ(norm(R"("\u0000")"), "ERROR 22P05: unsupported Unicode escape sequence");
  EXPECT_EQ(norm(std::string(2000, '[')).substr(0, 11), "ERROR 54001");
}

TEST(Jsonb, Operators) {
  EXPECT_EQ(eval("->", {jb(R"({"a": {"b": 1}})"), lit("a")}), R"({"b": 1})");
  EXPECT_EQ(eval("->>", {jb(R"({"a": "x"})"), lit("a")}), "x");
  EXPECT_EQ(eval("->>", {jb(R"({"a": null})"), lit("a")}), "NULL");
  EXPECT_EQ(eval("->", {jb("[1,2,3]"), i4(-1)}), "3");
  EXPECT_EQ(eval("->>", {jb("[1,2,3]"), i4(5)}), "NULL");
  EXPECT_EQ(eval("->", {jb("[1,2,3]"), lit("a")}), "NULL");
  EXPECT_EQ(eval("@>", {jb(R"({"a":1, "b":2})"), jb(R"({"a":1})")}), "t");
  EXPECT_EQ(eval("@>", {jb("[1,2,[3]]"), jb("[[3]]")}), "t");
  EXPECT_EQ(eval("@>", {jb("[1,2]"), jb("1")}), "t");
  EXPECT_EQ(eval("@>", {jb(R"({"a":[1,2]})"), jb(R"({"a":[2]})")}), "t");
  EXPECT_EQ(eval("@>", {jb(R"({"a":1})"), jb(R"({"a":2})")}), "f");
  EXPECT_EQ(eval("<@", {jb(R"({"a":1})"), jb(R"({"a":1, "b":2})")}), "t");
  EXPECT_EQ(eval("?", {jb(R"({"a":1})"), lit("a")}), "t");
  EXPECT_EQ(eval("?", {jb(R"(["a"])"), lit("a")}), "t");
  EXPECT_EQ(eval("?", {jb(R"({"a":1})"), lit("b")}), "f");
  EXPECT_EQ(eval("=", {jb("1.0"), jb("1")}), "t");
  EXPECT_EQ(eval("=", {jb(R"({"a":1,"b":2})"), jb(R"({"b":2, "a":1})")}), "t");
  EXPECT_EQ(eval("||", {jb(R"({"a":1})"), jb(R"({"b":2, "a": 3})")}), R"({"a": 3, "b": 2})");
  EXPECT_EQ(eval("||", {jb("[1]"), jb("2")}), "[1, 2]");
}

TEST(Jsonb, Functions) {
  EXPECT_EQ(eval("jsonb_typeof", {jb("1.5")}), "number");
  EXPECT_EQ(eval("jsonb_typeof", {jb(R"({"a":1})")}), "object");
  EXPECT_EQ(eval("jsonb_array_length", {jb("[1,2]")}), "2");
  EXPECT_EQ(eval("jsonb_array_length", {jb("{}")}), "ERROR 22023: cannot get array length of a non-array");
  EXPECT_EQ(eval("jsonb_build_object", {lit("a"), i4(1), lit("b"), Value::boolean(true), lit("c"),
                                        null_of(Type::text()), lit("d"), lit("x"), lit("e"), num("1.50")}),
            R"({"a": 1, "b": true, "c": null, "d": "x", "e": 1.50})");
  EXPECT_EQ(eval("jsonb_build_object", {lit("a")}), "ERROR 22023: argument list must have even number of elements");
  EXPECT_EQ(eval("jsonb_build_object", {null_of(Type::text()), i4(1)}),
            "ERROR 22004: argument 1: key must not be null");
  EXPECT_EQ(eval("jsonb_build_object", {}), "{}");
  EXPECT_EQ(eval("jsonb_build_array", {i4(1), lit("a"), null_of(Type::text())}), R"([1, "a", null])");
  EXPECT_EQ(eval("to_jsonb", {typed("2024-01-01 10:00", Type::timestamp())}), R"("2024-01-01T10:00:00")");
  EXPECT_EQ(eval("to_jsonb", {typed("2024-01-01 10:00+00", Type::timestamptz())}), R"("2024-01-01T10:00:00+00:00")");
  EXPECT_EQ(eval("jsonb_extract_path_text", {jb(R"({"a": {"b": [10, 20]}})"), lit("a"), lit("b"), lit("1")}), "20");
  EXPECT_EQ(eval("jsonb_extract_path", {jb(R"({"a": {"b": [10, 20]}})"), lit("a")}), R"({"b": [10, 20]})");
}

TEST(SystemFunctions, CatalogHelpers) {
  EXPECT_EQ(eval("version", {}).substr(0, 29), "PostgreSQL 15.0 (Strata 0.1.0");
  sql::FunctionContext ctx;
  ctx.current_user = "alice";
  ctx.current_database = "db1";
  ctx.backend_pid = 42;
  EXPECT_EQ(eval("current_user", {}, ctx), "alice");
  EXPECT_EQ(eval("session_user", {}, ctx), "alice");
  EXPECT_EQ(eval("current_database", {}, ctx), "db1");
  EXPECT_EQ(eval("current_schema", {}), "public");
  EXPECT_EQ(eval("pg_backend_pid", {}, ctx), "42");
  EXPECT_EQ(eval("has_table_privilege", {lit("t"), lit("select")}), "t");
  EXPECT_EQ(eval("pg_get_userbyid", {i4(10)}), "strata");
  EXPECT_EQ(eval("format_type", {i4(1700), i4(655366)}), "numeric(10,2)");
  EXPECT_EQ(eval("format_type", {i4(1043), i4(24)}), "character varying(20)");
  EXPECT_EQ(eval("format_type", {i4(23), null_of(Type::integer())}), "integer");
  EXPECT_EQ(eval("format_type", {i4(1042), i4(-1)}), "bpchar");
  EXPECT_EQ(eval("format_type", {i4(1184), null_of(Type::integer())}), "timestamp with time zone");
  EXPECT_EQ(eval("pg_table_is_visible", {i4(16384)}), "t");
  EXPECT_EQ(eval("pg_encoding_to_char", {i4(6)}), "UTF8");
  EXPECT_EQ(eval("pg_get_expr", {lit("nextval('s')"), i4(1)}), "nextval('s')");
  EXPECT_EQ(eval("obj_description", {i4(1), lit("pg_class")}), "NULL");
  EXPECT_EQ(eval("pg_typeof", {num("1.5")}), "numeric");
  EXPECT_EQ(eval("num_nulls", {i4(1), null_of(Type::text()), null_of(Type::integer())}), "2");
  EXPECT_EQ(eval("num_nonnulls", {i4(1), null_of(Type::text())}), "1");
}

}  // namespace
}  // namespace strata::exec
