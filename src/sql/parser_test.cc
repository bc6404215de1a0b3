#include "sql/parser.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace strata::sql {
namespace {

// The debug form of the only statement in `sql`.
std::string stmt(std::string_view sql) {
  auto r = parse_sql(sql);
  if (!r.ok()) return "ERROR: " + r.status().message();
  if (r->size() != 1) return "ERROR: " + std::to_string(r->size()) + " statements";
  return to_debug_string(*r->front());
}

// The debug form of the expression `sql`.
std::string expr(std::string_view sql) {
  auto r = parse_expression(sql);
  if (!r.ok()) return "ERROR: " + r.status().message();
  return to_debug_string(**r);
}

Status parse_error(std::string_view sql) {
  auto r = parse_sql(sql);
  EXPECT_FALSE(r.ok()) << sql;
  return r.ok() ? Status::ok_status() : r.status();
}

std::string type(std::string_view sql) {
  auto r = parse_type_name(sql);
  if (!r.ok()) return "ERROR: " + r.status().message();
  return r->to_string();
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---------------------------------------------------------------------------
// Expressions and precedence.

TEST(ParserExprTest, Literals) {
  EXPECT_EQ(expr("1"), "1");
  EXPECT_EQ(expr("1.50"), "1.50");
  EXPECT_EQ(expr("'it''s'"), "'it''s'");
  EXPECT_EQ(expr("TRUE"), "TRUE");
  EXPECT_EQ(expr("null"), "NULL");
  EXPECT_EQ(expr("$3"), "$3");
  auto r = parse_expression("9223372036854775807");
  ASSERT_TRUE(r.ok());
  const auto& c = (*r)->as<Constant>();
  EXPECT_EQ(c.constant_kind, ConstantKind::kInteger);
  ASSERT_TRUE(c.int_value.has_value());
  EXPECT_EQ(*c.int_value, INT64_MAX);
  // Too big for int64: still an integer literal, without int_value.
  r = parse_expression("9223372036854775808");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)->as<Constant>().int_value.has_value());
  // The minus is folded, so INT64_MIN fits.
  r = parse_expression("-9223372036854775808");
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->is<Constant>());
  EXPECT_EQ(*(*r)->as<Constant>().int_value, INT64_MIN);
  EXPECT_EQ((*r)->location, 0);
}

TEST(ParserExprTest, ArithmeticPrecedence) {
  EXPECT_EQ(expr("1 + 2 * 3"), "(+ 1 (* 2 3))");
  EXPECT_EQ(expr("1 - 2 - 3"), "(- (- 1 2) 3)");
  EXPECT_EQ(expr("(1 + 2) * 3"), "(* (+ 1 2) 3)");
  EXPECT_EQ(expr("2 ^ 3 ^ 2"), "(^ (^ 2 3) 2)");
  EXPECT_EQ(expr("a * b ^ c"), "(* a (^ b c))");
  EXPECT_EQ(expr("a % b / c"), "(/ (% a b) c)");
  // Unary minus binds tighter than ^, as in PostgreSQL: -2^2 = 4.
  EXPECT_EQ(expr("-2 ^ 2"), "(^ -2 2)");
  EXPECT_EQ(expr("- a ^ 2"), "(^ (- a) 2)");
  EXPECT_EQ(expr("-a::int"), "(- (:: a int))");
  EXPECT_EQ(expr("- -1"), "(- -1)");
  EXPECT_EQ(expr("+1"), "(+ 1)");
}

TEST(ParserExprTest, OtherOperatorsSitBetweenAdditionAndComparison) {
  EXPECT_EQ(expr("a || b + c"), "(|| a (+ b c))");
  EXPECT_EQ(expr("a || b = c"), "(= (|| a b) c)");
  EXPECT_EQ(expr("a || b || c"), "(|| (|| a b) c)");
  EXPECT_EQ(expr("j -> 'a' ->> 'b'"), "(->> (-> j 'a') 'b')");
  EXPECT_EQ(expr("j @> '{}' AND k <@ l"), "(and (@> j '{}') (<@ k l))");
  EXPECT_EQ(expr("j ? 'k' OR j #> '{a}' IS NULL"), "(or (? j 'k') (is-null (#> j '{a}')))");
  EXPECT_EQ(expr("a ~ 'x' AND b !~* 'y' AND c ~* d AND e !~ f"), "(and (~ a 'x') (!~* b 'y') (~* c d) (!~ e f))");
  EXPECT_EQ(expr("a & b | c # d << 1 >> 2"), "(>> (<< (# (| (& a b) c) d) 1) 2)");
  EXPECT_EQ(expr("~a"), "(~ a)");
  EXPECT_EQ(expr("a != b"), "(<> a b)");
  EXPECT_EQ(expr("a OPERATOR(pg_catalog.~) b"), "(pg_catalog.~ a b)");
  EXPECT_EQ(expr("a OPERATOR(pg_catalog.+) b * c"), "(pg_catalog.+ a (* b c))");
}

TEST(ParserExprTest, BooleanPrecedence) {
  EXPECT_EQ(expr("a OR b AND c"), "(or a (and b c))");
  EXPECT_EQ(expr("a AND b AND c AND d"), "(and a b c d)");
  EXPECT_EQ(expr("a OR b OR c"), "(or a b c)");
  EXPECT_EQ(expr("NOT a AND b"), "(and (not a) b)");
  EXPECT_EQ(expr("NOT a = b"), "(not (= a b))");
  EXPECT_EQ(expr("NOT NOT a"), "(not (not a))");
  EXPECT_EQ(expr("NOT a IS NULL"), "(not (is-null a))");
  EXPECT_EQ(expr("a = b IS NULL"), "(is-null (= a b))");
  EXPECT_EQ(expr("a < b = c"), "(= (< a b) c)");
  EXPECT_EQ(expr("a = 1 OR b <> 2 AND NOT c >= 3"), "(or (= a 1) (and (<> b 2) (not (>= c 3))))");
}

TEST(ParserExprTest, IsForms) {
  EXPECT_EQ(expr("a IS NULL"), "(is-null a)");
  EXPECT_EQ(expr("a IS NOT NULL"), "(is-not-null a)");
  EXPECT_EQ(expr("a ISNULL"), "(is-null a)");
  EXPECT_EQ(expr("a NOTNULL"), "(is-not-null a)");
  EXPECT_EQ(expr("a NOT NULL"), "(is-not-null a)");  // SQLite
  EXPECT_EQ(expr("a IS TRUE"), "(is-true a)");
  EXPECT_EQ(expr("a IS NOT FALSE"), "(is-not-false a)");
  EXPECT_EQ(expr("a IS UNKNOWN"), "(is-unknown a)");
  EXPECT_EQ(expr("a IS DISTINCT FROM b + 1"), "(is-distinct-from a (+ b 1))");
  EXPECT_EQ(expr("a IS NOT DISTINCT FROM b"), "(is-not-distinct-from a b)");
  EXPECT_EQ(expr("a IS NULL IS NOT NULL"), "(is-not-null (is-null a))");
}

TEST(ParserExprTest, BetweenInLike) {
  EXPECT_EQ(expr("a BETWEEN 1 AND 2"), "(between a 1 2)");
  EXPECT_EQ(expr("a BETWEEN 1 AND 2 AND b"), "(and (between a 1 2) b)");
  EXPECT_EQ(expr("a NOT BETWEEN SYMMETRIC b + 1 AND c"), "(not-between-symmetric a (+ b 1) c)");
  EXPECT_EQ(expr("a BETWEEN ASYMMETRIC 1 AND 2"), "(between a 1 2)");
  EXPECT_EQ(expr("a IN (1, 2, 3)"), "(in a 1 2 3)");
  EXPECT_EQ(expr("a NOT IN ('x')"), "(not-in a 'x')");
  EXPECT_EQ(expr("a IN ()"), "(in a)");  // SQLite
  EXPECT_EQ(expr("a IN (SELECT b FROM t)"), "(in-subquery a (select (targets b) (from (table t))))");
  EXPECT_EQ(expr("a NOT IN (SELECT 1 UNION SELECT 2)"),
            "(not-in-subquery a (union (select (targets 1)) (select (targets 2))))");
  EXPECT_EQ(expr("a IN ((SELECT 1), 2)"), "(in a (scalar (select (targets 1))) 2)");
  EXPECT_EQ(expr("(a, b) IN ((1, 2), (3, 4))"), "(in (row a b) (row 1 2) (row 3 4))");
  EXPECT_EQ(expr("a LIKE 'x%'"), "(like a 'x%')");
  EXPECT_EQ(expr("a NOT LIKE 'x' ESCAPE '!'"), "(not-like a 'x' '!')");
  EXPECT_EQ(expr("a ILIKE b || '%'"), "(ilike a (|| b '%'))");
  EXPECT_EQ(expr("a NOT ILIKE 'x'"), "(not-ilike a 'x')");
  EXPECT_EQ(expr("a SIMILAR TO 'x'"), "(similar-to a 'x')");
  EXPECT_EQ(expr("a NOT SIMILAR TO 'x'"), "(not-similar-to a 'x')");
  EXPECT_EQ(expr("a LIKE ANY (ARRAY['x', 'y'])"), "(any-array ~~ a (array 'x' 'y'))");
  EXPECT_EQ(expr("a = 1 AND b LIKE 'x' = c"), "(and (= a 1) (= (like b 'x') c))");
}

TEST(ParserExprTest, Subqueries) {
  EXPECT_EQ(expr("EXISTS (SELECT 1)"), "(exists (select (targets 1)))");
  EXPECT_EQ(expr("NOT EXISTS (SELECT 1)"), "(not (exists (select (targets 1))))");
  EXPECT_EQ(expr("(SELECT max(a) FROM t)"), "(scalar (select (targets (call max a)) (from (table t))))");
  EXPECT_EQ(expr("((SELECT 1))"), "(scalar (select (targets 1)))");
  EXPECT_EQ(expr("((SELECT 1) + 1)"), "(+ (scalar (select (targets 1))) 1)");
  EXPECT_EQ(expr("((SELECT 1) UNION (SELECT 2))"), "(scalar (union (select (targets 1)) (select (targets 2))))");
  EXPECT_EQ(expr("a = ANY (SELECT b FROM t)"), "(any = a (select (targets b) (from (table t))))");
  EXPECT_EQ(expr("a < ALL (SELECT b FROM t)"), "(all < a (select (targets b) (from (table t))))");
  EXPECT_EQ(expr("a = SOME (SELECT 1)"), "(any = a (select (targets 1)))");
  EXPECT_EQ(expr("a = ANY (ARRAY[1, 2])"), "(any-array = a (array 1 2))");
  EXPECT_EQ(expr("a <> ALL ('{1,2}'::int[])"), "(all-array <> a (:: '{1,2}' int[]))");
  EXPECT_EQ(expr("ARRAY(SELECT 1)"), "(array-subquery (select (targets 1)))");
}

TEST(ParserExprTest, CaseAndCasts) {
  EXPECT_EQ(expr("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END"), "(case (when a 1) (when b 2) (else 3))");
  EXPECT_EQ(expr("CASE x WHEN 1 THEN 'a' END"), "(case x (when 1 'a'))");
  EXPECT_EQ(expr("CAST(a AS numeric(10,2))"), "(cast a numeric(10,2))");
  EXPECT_EQ(expr("a::int::text"), "(:: (:: a int) text)");
  EXPECT_EQ(expr("'1'::pg_catalog.regclass"), "(:: '1' pg_catalog.regclass)");
  EXPECT_EQ(expr("a::varchar(3)[]"), "(:: a varchar(3)[])");
  EXPECT_EQ(expr("DATE '2024-01-02'"), "(literal '2024-01-02' date)");
  EXPECT_EQ(expr("TIMESTAMP '2024-01-02 03:04'"), "(literal '2024-01-02 03:04' timestamp)");
  EXPECT_EQ(expr("TIMESTAMP WITH TIME ZONE 'x'"), "(literal 'x' timestamp with time zone)");
  EXPECT_EQ(expr("TIME '12:00'"), "(literal '12:00' time)");
  EXPECT_EQ(expr("INTERVAL '1 day'"), "(literal '1 day' interval)");
  EXPECT_EQ(expr("INTERVAL '1' DAY"), "(literal '1' interval day)");
  EXPECT_EQ(expr("INTERVAL '1:2' HOUR TO MINUTE"), "(literal '1:2' interval hour to minute)");
  EXPECT_EQ(expr("int4 '1'"), "(literal '1' int4)");
  EXPECT_EQ(expr("BOOLEAN 'true'"), "(literal 'true' boolean)");
  EXPECT_EQ(expr("double precision '1.5'"), "(literal '1.5' double precision)");
  // Type keywords are still column names when no literal follows.
  EXPECT_EQ(expr("timestamp + interval"), "(+ timestamp interval)");
  EXPECT_EQ(expr("a COLLATE \"C\""), "(collate a C)");
  EXPECT_EQ(expr("a AT TIME ZONE 'UTC'"), "(at-time-zone a 'UTC')");
}

TEST(ParserExprTest, ColumnRefsAndStars) {
  auto r = parse_expression("S.\"T\".c");
  ASSERT_TRUE(r.ok());
  const auto& col = (*r)->as<ColumnRef>();
  EXPECT_EQ(col.names, (std::vector<std::string>{"s", "T", "c"}));
  EXPECT_EQ(expr("db.s.t.c"), "db.s.t.c");
  EXPECT_EQ(expr("t.*"), "t.*");
  EXPECT_EQ(expr("s.t.*"), "s.t.*");
  EXPECT_EQ(expr("arr[1]"), "(subscript arr 1)");
  EXPECT_EQ(expr("arr[1:2]"), "(slice arr 1 2)");
  EXPECT_EQ(expr("arr[:2]"), "(slice arr _ 2)");
  EXPECT_EQ(expr("arr[1][2]"), "(subscript (subscript arr 1) 2)");
  EXPECT_EQ(expr("(x).f"), "(field x f)");
  EXPECT_EQ(expr("(x).*"), "(field x *)");
  EXPECT_EQ(expr("ARRAY[1, 2]"), "(array 1 2)");
  EXPECT_EQ(expr("ARRAY[[1, 2], [3]]"), "(array (array 1 2) (array 3))");
  EXPECT_EQ(expr("ARRAY[]::int[]"), "(:: (array) int[])");
  EXPECT_EQ(expr("ROW(1, 'a')"), "(row 1 'a')");
  EXPECT_EQ(expr("ROW()"), "(row)");
  EXPECT_EQ(expr("(1, 2)"), "(row 1 2)");
}

TEST(ParserExprTest, FunctionCalls) {
  EXPECT_EQ(expr("count(*)"), "(call count *)");
  EXPECT_EQ(expr("count(DISTINCT a)"), "(call count distinct a)");
  EXPECT_EQ(expr("count(ALL a)"), "(call count a)");
  EXPECT_EQ(expr("pg_catalog.format_type(a, b)"), "(call pg_catalog.format_type a b)");
  EXPECT_EQ(expr("now()"), "(call now)");
  EXPECT_EQ(expr("left('abc', 2)"), "(call left 'abc' 2)");
  EXPECT_EQ(expr("string_agg(x, ',' ORDER BY y DESC)"), "(call string_agg x ',' (order-by (desc y)))");
  EXPECT_EQ(expr("sum(x) FILTER (WHERE x > 0)"), "(call sum x (filter (> x 0)))");
  EXPECT_EQ(expr("percentile_cont(0.5) WITHIN GROUP (ORDER BY x)"), "(call percentile_cont 0.5 (within-group x))");
  EXPECT_EQ(expr("concat_ws(',', VARIADIC arr)"), "(call concat_ws variadic ',' arr)");
  EXPECT_EQ(expr("coalesce(a, b, 0)"), "(call coalesce a b 0)");
  EXPECT_EQ(expr("nullif(a, 0)"), "(call nullif a 0)");
  EXPECT_EQ(expr("greatest(a, b) + least(c, d)"), "(+ (call greatest a b) (call least c d))");
  EXPECT_EQ(expr("GROUPING(a, b)"), "(call grouping a b)");
}

TEST(ParserExprTest, WindowCalls) {
  EXPECT_EQ(expr("row_number() OVER ()"), "(call row_number (over))");
  EXPECT_EQ(expr("rank() OVER w"), "(call rank (over w))");
  EXPECT_EQ(expr("sum(x) OVER (PARTITION BY a, b ORDER BY c NULLS FIRST)"),
            "(call sum x (over (partition-by a b) (order-by (sort c nulls-first))))");
  EXPECT_EQ(expr("sum(x) OVER (ORDER BY c ROWS BETWEEN 2 PRECEDING AND UNBOUNDED FOLLOWING)"),
            "(call sum x (over (order-by c) (rows (preceding 2) unbounded-following)))");
  EXPECT_EQ(expr("sum(x) OVER (RANGE UNBOUNDED PRECEDING)"),
            "(call sum x (over (range unbounded-preceding current-row)))");
  EXPECT_EQ(expr("sum(x) OVER (w GROUPS BETWEEN CURRENT ROW AND 1 FOLLOWING EXCLUDE TIES)"),
            "(call sum x (over w (groups current-row (following 1) exclude-ties)))");
  EXPECT_EQ(expr("count(*) FILTER (WHERE a) OVER (ORDER BY b)"), "(call count * (filter a) (over (order-by b)))");
}

TEST(ParserExprTest, SpecialForms) {
  EXPECT_EQ(expr("EXTRACT(YEAR FROM d)"), "(call extract 'year' d)");
  EXPECT_EQ(expr("extract('epoch' FROM d)"), "(call extract 'epoch' d)");
  EXPECT_EQ(expr("POSITION('b' IN s)"), "(call position s 'b')");
  EXPECT_EQ(expr("SUBSTRING(s FROM 2 FOR 3)"), "(call substring s 2 3)");
  EXPECT_EQ(expr("SUBSTRING(s FOR 3)"), "(call substring s 1 3)");
  EXPECT_EQ(expr("SUBSTRING(s FROM 2)"), "(call substring s 2)");
  EXPECT_EQ(expr("substring(s, 2, 3)"), "(call substring s 2 3)");
  EXPECT_EQ(expr("TRIM(s)"), "(call btrim s)");
  EXPECT_EQ(expr("TRIM(BOTH 'x' FROM s)"), "(call btrim s 'x')");
  EXPECT_EQ(expr("TRIM(LEADING FROM s)"), "(call ltrim s)");
  EXPECT_EQ(expr("TRIM(TRAILING 'x' FROM s)"), "(call rtrim s 'x')");
  EXPECT_EQ(expr("OVERLAY(s PLACING 'x' FROM 2 FOR 1)"), "(call overlay s 'x' 2 1)");
  EXPECT_EQ(expr("CURRENT_DATE"), "current_date");
  EXPECT_EQ(expr("CURRENT_TIMESTAMP"), "current_timestamp");
  EXPECT_EQ(expr("CURRENT_TIMESTAMP(3)"), "(current_timestamp 3)");
  EXPECT_EQ(expr("LOCALTIMESTAMP"), "localtimestamp");
  EXPECT_EQ(expr("CURRENT_TIME"), "current_time");
  EXPECT_EQ(expr("CURRENT_USER"), "current_user");
  EXPECT_EQ(expr("SESSION_USER"), "session_user");
  EXPECT_EQ(expr("current_schema"), "current_schema");
  EXPECT_EQ(expr("current_schema()"), "(call current_schema)");
  EXPECT_EQ(expr("pg_catalog.current_schema()"), "(call pg_catalog.current_schema)");
}

TEST(ParserExprTest, Locations) {
  auto r = parse_expression("a + f(b)");
  ASSERT_TRUE(r.ok());
  const auto& op = (*r)->as<BinaryOp>();
  EXPECT_EQ(op.location, 2);  // the operator
  EXPECT_EQ(op.left->location, 0);
  EXPECT_EQ(op.right->location, 4);
  EXPECT_EQ(op.right->as<FuncCall>().args[0]->location, 6);
}

// ---------------------------------------------------------------------------
// Type names.

TEST(ParserTypeTest, Names) {
  EXPECT_EQ(type("int"), "int");
  EXPECT_EQ(type("INTEGER"), "integer");
  EXPECT_EQ(type("double precision"), "double precision");
  EXPECT_EQ(type("character varying(20)"), "character varying(20)");
  EXPECT_EQ(type("char varying(5)"), "character varying(5)");
  EXPECT_EQ(type("char(3)"), "character(3)");
  EXPECT_EQ(type("\"char\""), "char");
  EXPECT_EQ(type("varchar(20)"), "varchar(20)");
  EXPECT_EQ(type("numeric(10, 2)"), "numeric(10,2)");
  EXPECT_EQ(type("numeric(10, -2)"), "numeric(10,-2)");
  EXPECT_EQ(type("timestamp with time zone"), "timestamp with time zone");
  EXPECT_EQ(type("timestamp(3) without time zone"), "timestamp without time zone(3)");
  EXPECT_EQ(type("time without time zone"), "time without time zone");
  EXPECT_EQ(type("interval day to second"), "interval day to second");
  EXPECT_EQ(type("bit varying(8)"), "bit varying(8)");
  EXPECT_EQ(type("pg_catalog.text"), "pg_catalog.text");
  EXPECT_EQ(type("int[]"), "int[]");
  EXPECT_EQ(type("text[][]"), "text[][]");
  EXPECT_EQ(type("int[3]"), "int[]");
  EXPECT_EQ(type("int ARRAY"), "int[]");
  EXPECT_EQ(type("jsonb"), "jsonb");
  EXPECT_EQ(type("national character varying(4)"), "character varying(4)");
  EXPECT_EQ(type("float(24)"), "float(24)");
}

TEST(ParserTypeTest, Errors) {
  EXPECT_EQ(type("select"), "ERROR: syntax error at or near \"select\"");
  EXPECT_EQ(type("int extra"), "ERROR: syntax error at or near \"extra\"");
  EXPECT_EQ(type("varchar('x')"), "ERROR: syntax error at or near \"'x'\"");
  EXPECT_EQ(type(""), "ERROR: syntax error at end of input");
}

// ---------------------------------------------------------------------------
// SELECT.

TEST(ParserSelectTest, Basic) {
  EXPECT_EQ(stmt("SELECT 1"), "(select (targets 1))");
  EXPECT_EQ(stmt("SELECT"), "(select)");
  EXPECT_EQ(stmt("SELECT * FROM t"), "(select (targets *) (from (table t)))");
  EXPECT_EQ(stmt("select a, b AS \"B\", c d, e AS select FROM t"),
            "(select (targets a (as b B) (as c d) (as e select)) (from (table t)))");
  EXPECT_EQ(stmt("SELECT DISTINCT a FROM t"), "(select distinct (targets a) (from (table t)))");
  EXPECT_EQ(stmt("SELECT ALL a FROM t"), "(select (targets a) (from (table t)))");
  EXPECT_EQ(stmt("SELECT DISTINCT ON (a, b) c FROM t"), "(select (distinct-on a b) (targets c) (from (table t)))");
  EXPECT_EQ(stmt("SELECT a FROM t WHERE a > 1 GROUP BY a, 2 HAVING count(*) > 1"),
            "(select (targets a) (from (table t)) (where (> a 1)) (group-by a 2) (having (> (call count *) 1)))");
  EXPECT_EQ(stmt("TABLE t"), "(select (targets *) (from (table t)))");
}

TEST(ParserSelectTest, FromItems) {
  EXPECT_EQ(stmt("SELECT * FROM s.t AS x (a, b), u v"),
            "(select (targets *) (from (table s.t (as x a b)) (table u (as v))))");
  EXPECT_EQ(stmt("SELECT * FROM (SELECT 1) AS s(a)"),
            "(select (targets *) (from (subquery (select (targets 1)) (as s a))))");
  EXPECT_EQ(stmt("SELECT * FROM t, LATERAL (SELECT t.a) s"),
            "(select (targets *) (from (table t) (subquery-lateral (select (targets t.a)) (as s))))");
  EXPECT_EQ(stmt("SELECT * FROM generate_series(1, 10) AS g(x)"),
            "(select (targets *) (from (function (call generate_series 1 10) (as g x))))");
  EXPECT_EQ(stmt("SELECT * FROM pg_catalog.unnest(a) WITH ORDINALITY u"),
            "(select (targets *) (from (function (call pg_catalog.unnest a) ordinality (as u))))");
  EXPECT_EQ(stmt("SELECT * FROM ONLY t"), "(select (targets *) (from (table-only t)))");
  EXPECT_EQ(stmt("SELECT * FROM t1 NOT INDEXED"), "(select (targets *) (from (table t1)))");
}

TEST(ParserSelectTest, Joins) {
  EXPECT_EQ(stmt("SELECT * FROM a JOIN b ON a.x = b.x"),
            "(select (targets *) (from (join inner (table a) (table b) (on (= a.x b.x)))))");
  EXPECT_EQ(stmt("SELECT * FROM a LEFT JOIN b USING (x, y) RIGHT OUTER JOIN c ON TRUE"),
            "(select (targets *) (from (join right (join left (table a) (table b) (using x y)) (table c) (on TRUE))))");
  EXPECT_EQ(stmt("SELECT * FROM a FULL JOIN b ON p CROSS JOIN c NATURAL JOIN d NATURAL LEFT JOIN e"),
            "(select (targets *) (from (join left natural (join inner natural (join cross (join full (table a) "
            "(table b) (on p)) (table c)) (table d)) (table e))))");
  EXPECT_EQ(stmt("SELECT * FROM a INNER JOIN b ON p"),
            "(select (targets *) (from (join inner (table a) (table b) (on p))))");
  EXPECT_EQ(stmt("SELECT * FROM (a JOIN b ON p) AS j"),
            "(select (targets *) (from (join inner (table a) (table b) (on p) (as j))))");
  EXPECT_EQ(stmt("SELECT * FROM a x JOIN b y ON x.i = y.i"),
            "(select (targets *) (from (join inner (table a (as x)) (table b (as y)) (on (= x.i y.i)))))");
  EXPECT_EQ(parse_error("SELECT * FROM a JOIN b").message(), "syntax error at end of input");
  EXPECT_EQ(parse_error("SELECT * FROM a LEFT b").message(), "syntax error at or near \"b\"");
}

TEST(ParserSelectTest, SetOperationPrecedence) {
  EXPECT_EQ(stmt("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3"),
            "(union (select (targets 1)) (intersect (select (targets 2)) (select (targets 3))))");
  EXPECT_EQ(stmt("SELECT 1 INTERSECT SELECT 2 UNION ALL SELECT 3"),
            "(union-all (intersect (select (targets 1)) (select (targets 2))) (select (targets 3)))");
  EXPECT_EQ(stmt("SELECT 1 EXCEPT SELECT 2 EXCEPT ALL SELECT 3"),
            "(except-all (except (select (targets 1)) (select (targets 2))) (select (targets 3)))");
  EXPECT_EQ(stmt("SELECT 1 UNION DISTINCT SELECT 2"), "(union (select (targets 1)) (select (targets 2)))");
  EXPECT_EQ(stmt("(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3"),
            "(intersect (union (select (targets 1)) (select (targets 2))) (select (targets 3)))");
  // ORDER BY / LIMIT apply to the whole set operation...
  EXPECT_EQ(stmt("SELECT a FROM t UNION SELECT b FROM u ORDER BY 1 LIMIT 2"),
            "(query (union (select (targets a) (from (table t))) (select (targets b) (from (table u)))) "
            "(order-by 1) (limit 2))");
  // ...unless the operand is parenthesised with its own.
  EXPECT_EQ(stmt("(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT b FROM u)"),
            "(union-all (query (select (targets a) (from (table t))) (order-by a) (limit 1)) "
            "(select (targets b) (from (table u))))");
  EXPECT_EQ(stmt("((SELECT 1))"), "(select (targets 1))");
  EXPECT_EQ(stmt("VALUES (1, 'a'), (2, DEFAULT) UNION SELECT 3, 'c'"),
            "(union (values (1 'a') (2 DEFAULT)) (select (targets 3 'c')))");
}

TEST(ParserSelectTest, Tails) {
  EXPECT_EQ(
      stmt("SELECT a FROM t ORDER BY a DESC NULLS LAST, b ASC, c NULLS FIRST"),
      "(query (select (targets a) (from (table t))) (order-by (desc a nulls-last) (asc b) (sort c nulls-first)))");
  EXPECT_EQ(stmt("SELECT a FROM t LIMIT ALL OFFSET 3"), "(query (select (targets a) (from (table t))) (offset 3))");
  EXPECT_EQ(stmt("SELECT a FROM t OFFSET 3 ROWS LIMIT 2"),
            "(query (select (targets a) (from (table t))) (limit 2) (offset 3))");
  EXPECT_EQ(stmt("SELECT a FROM t OFFSET 1 ROW FETCH FIRST 5 ROWS ONLY"),
            "(query (select (targets a) (from (table t))) (limit 5) (offset 1))");
  EXPECT_EQ(stmt("SELECT a FROM t FETCH NEXT ROW ONLY"), "(query (select (targets a) (from (table t))) (limit 1))");
  EXPECT_EQ(stmt("SELECT a FROM t ORDER BY a FETCH FIRST 2 ROWS WITH TIES"),
            "(query (select (targets a) (from (table t))) (order-by a) (limit-with-ties 2))");
  EXPECT_EQ(stmt("SELECT a FROM t FOR UPDATE"), "(query (select (targets a) (from (table t))) for-update)");
  EXPECT_EQ(stmt("SELECT a FROM t LIMIT 1 FOR NO KEY UPDATE OF t SKIP LOCKED"),
            "(query (select (targets a) (from (table t))) (limit 1) for-update)");
  EXPECT_EQ(parse_error("SELECT a FROM t LIMIT 1 LIMIT 2").message(), "syntax error at or near \"LIMIT\"");
}

TEST(ParserSelectTest, WithClause) {
  EXPECT_EQ(stmt("WITH x AS (SELECT 1), y (a) AS MATERIALIZED (SELECT 2) SELECT * FROM x, y"),
            "(query (with (cte x (select (targets 1))) (cte y (columns a) materialized (select (targets 2)))) "
            "(select (targets *) (from (table x) (table y))))");
  EXPECT_EQ(stmt("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r"),
            "(query (with-recursive (cte r (columns n) (union-all (select (targets 1)) (select (targets (+ n 1)) "
            "(from (table r)) (where (< n 3)))))) (select (targets n) (from (table r))))");
}

TEST(ParserSelectTest, GroupingSetsAndWindows) {
  EXPECT_EQ(stmt("SELECT a FROM t GROUP BY ROLLUP (a, b), CUBE (c), GROUPING SETS ((a, b), (), c)"),
            "(select (targets a) (from (table t)) (group-by (rollup a b) (cube c) (grouping-sets (row a b) "
            "(empty-set) c)))");
  EXPECT_EQ(stmt("SELECT a FROM t GROUP BY DISTINCT a"), "(select (targets a) (from (table t)) (group-by-distinct a))");
  EXPECT_EQ(stmt("SELECT rank() OVER w FROM t WINDOW w AS (PARTITION BY a), v AS (w ORDER BY b)"),
            "(select (targets (call rank (over w))) (from (table t)) (window w (partition-by a)) "
            "(window v w (order-by b)))");
}

TEST(ParserSelectTest, StreamingEmitClause) {
  EXPECT_EQ(stmt("SELECT count(*) FROM t GROUP BY a EMIT ON WINDOW CLOSE"),
            "(query (select (targets (call count *)) (from (table t)) (group-by a)) emit-on-window-close)");
  EXPECT_EQ(stmt("SELECT * FROM t EMIT ON WINDOW CLOSE"),
            "(query (select (targets *) (from (table t))) emit-on-window-close)");
}

// ---------------------------------------------------------------------------
// DML.

TEST(ParserDmlTest, Insert) {
  EXPECT_EQ(stmt("INSERT INTO t VALUES (1, 'a'), (2, DEFAULT)"), "(insert t (values (1 'a') (2 DEFAULT)))");
  EXPECT_EQ(stmt("INSERT INTO s.t (a, b) SELECT x, y FROM u"),
            "(insert s.t (columns a b) (select (targets x y) (from (table u))))");
  EXPECT_EQ(stmt("INSERT INTO t (SELECT 1)"), "(insert t (select (targets 1)))");
  EXPECT_EQ(stmt("INSERT INTO t DEFAULT VALUES"), "(insert t default-values)");
  EXPECT_EQ(stmt("INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING"), "(insert t (values (1)) (on-conflict-nothing))");
  EXPECT_EQ(stmt("INSERT INTO t AS x VALUES (1, 2) ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b + x.b WHERE x.b < 9 "
                 "RETURNING *, a AS k"),
            "(insert t as x (values (1 2)) (on-conflict-update (target a) (set (= b (+ excluded.b x.b))) "
            "(where (< x.b 9))) (returning * (as a k)))");
  EXPECT_EQ(stmt("INSERT INTO t VALUES (1) ON CONFLICT ON CONSTRAINT t_pkey DO NOTHING"),
            "(insert t (values (1)) (on-conflict-nothing constraint t_pkey))");
  EXPECT_EQ(stmt("INSERT OR REPLACE INTO t VALUES (1)"), "(insert-or-replace t (values (1)))");
  EXPECT_EQ(stmt("REPLACE INTO t(a) VALUES (1)"), "(insert-or-replace t (columns a) (values (1)))");
  EXPECT_EQ(stmt("INSERT OR IGNORE INTO t VALUES (1)"), "(insert-or-ignore t (values (1)))");
  EXPECT_EQ(stmt("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x"),
            "(insert t (with (cte x (select (targets 1)))) (select (targets *) (from (table x))))");
}

TEST(ParserDmlTest, UpdateDelete) {
  EXPECT_EQ(stmt("UPDATE t SET a = 1, b = DEFAULT WHERE c"), "(update t (set (= a 1) (= b DEFAULT)) (where c))");
  EXPECT_EQ(stmt("UPDATE t AS x SET (a, b) = (1, 2) FROM u WHERE x.i = u.i RETURNING x.a"),
            "(update t as x (set (= (a b) (row 1 2))) (from (table u)) (where (= x.i u.i)) (returning x.a))");
  EXPECT_EQ(stmt("UPDATE t x SET a = (SELECT 1)"), "(update t as x (set (= a (scalar (select (targets 1))))))");
  EXPECT_EQ(stmt("UPDATE t SET a = a + 1"), "(update t (set (= a (+ a 1))))");
  EXPECT_EQ(stmt("DELETE FROM t"), "(delete t)");
  EXPECT_EQ(stmt("DELETE FROM t AS x USING u WHERE x.a = u.a RETURNING *"),
            "(delete t as x (using (table u)) (where (= x.a u.a)) (returning *))");
  EXPECT_EQ(stmt("TRUNCATE t"), "(truncate t)");
  EXPECT_EQ(stmt("TRUNCATE TABLE a, s.b RESTART IDENTITY CASCADE"), "(truncate a s.b restart-identity cascade)");
}

TEST(ParserDmlTest, Copy) {
  EXPECT_EQ(stmt("COPY t FROM STDIN"), "(copy-from t stdin)");
  EXPECT_EQ(stmt("COPY t (a, b) TO STDOUT WITH (FORMAT csv, HEADER, DELIMITER ';', NULL '', FORCE_QUOTE (a, b))"),
            "(copy-to t (columns a b) stdout (options (format csv) header (delimiter ';') (null '') "
            "(force_quote a b)))");
  EXPECT_EQ(stmt("COPY t FROM '/tmp/x.csv' WITH CSV HEADER DELIMITER ',' QUOTE '\"' ESCAPE '\\' NULL AS 'N'"),
            "(copy-from t '/tmp/x.csv' (options (format csv) header (delimiter ',') (quote '\"') (escape '\\') "
            "(null 'N')))");
  EXPECT_EQ(stmt("COPY t TO STDOUT CSV FORCE QUOTE *"), "(copy-to t stdout (options (format csv) (force_quote *)))");
  EXPECT_EQ(stmt("COPY t FROM STDIN (HEADER false)"), "(copy-from t stdin (options (header false)))");
  EXPECT_EQ(stmt("COPY (SELECT a FROM t) TO STDOUT"), "(copy-to (select (targets a) (from (table t))) stdout)");
  EXPECT_EQ(parse_error("COPY (SELECT 1) FROM STDIN").position(), 17);
}

// ---------------------------------------------------------------------------
// DDL.

TEST(ParserDdlTest, CreateTable) {
  EXPECT_EQ(stmt("CREATE TABLE t (id int PRIMARY KEY, name varchar(20) NOT NULL DEFAULT 'x', "
                 "v numeric(10,2) CHECK (v > 0) NULL UNIQUE, r int REFERENCES u(id) ON DELETE CASCADE, "
                 "CONSTRAINT pk PRIMARY KEY (id, name), UNIQUE (v), CHECK (v < 100), "
                 "FOREIGN KEY (r) REFERENCES u (id))"),
            "(create-table t (column id int (primary-key)) (column name varchar(20) (not-null) (default 'x')) "
            "(column v numeric(10,2) (check (> v 0)) (null) (unique)) (column r int (foreign-key (references u id))) "
            "(primary-key (name pk) (columns id name)) (unique (columns v)) (check (< v 100)) "
            "(foreign-key (columns r) (references u id)))");
  EXPECT_EQ(stmt("CREATE TEMP TABLE IF NOT EXISTS s.t (a int CONSTRAINT nn NOT NULL)"),
            "(create-table temp if-not-exists s.t (column a int (not-null (name nn))))");
  EXPECT_EQ(stmt("CREATE TABLE t AS SELECT 1 AS a"), "(create-table t (as (select (targets (as 1 a)))))");
  EXPECT_EQ(stmt("CREATE TABLE t (x, y) AS SELECT 1, 2 WITH NO DATA"),
            "(create-table t (columns x y) (as (select (targets 1 2))) no-data)");
  EXPECT_EQ(stmt("CREATE TABLE t1(a INTEGER, b VARCHAR(30), c TEXT COLLATE \"C\")"),
            "(create-table t1 (column a integer) (column b varchar(30)) (column c text (collate C)))");
  EXPECT_EQ(stmt("CREATE TABLE t (ts timestamp with time zone, d double precision, i int GENERATED ALWAYS AS "
                 "IDENTITY, g int GENERATED ALWAYS AS (i * 2) STORED)"),
            "(create-table t (column ts timestamp with time zone) (column d double precision) "
            "(column i int (generated identity)) (column g int (generated (* i 2))))");
  EXPECT_EQ(stmt("CREATE TABLE t ()"), "(create-table t)");
  // DEFAULT's expression stops before NOT NULL and keeps its source text.
  auto r = parse_sql("CREATE TABLE t (a int DEFAULT 1 + 2 NOT NULL, b text DEFAULT now()::text)");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  const auto& ct = r->front()->as<CreateTableStmt>();
  ASSERT_EQ(ct.columns.size(), 2u);
  ASSERT_EQ(ct.columns[0].constraints.size(), 2u);
  EXPECT_EQ(ct.columns[0].constraints[0].expr_text, "1 + 2");
  EXPECT_EQ(ct.columns[0].constraints[1].constraint_kind, ConstraintKind::kNotNull);
  EXPECT_EQ(ct.columns[1].constraints[0].expr_text, "now()::text");
  EXPECT_EQ(parse_error("CREATE TABLE t (a int,)").message(), "syntax error at or near \")\"");
}

TEST(ParserDdlTest, StreamingTableOptions) {
  EXPECT_EQ(stmt("CREATE TABLE e (ts timestamp, v int, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) "
                 "WITH (topic = 'events', 'kafka.partitions' = 3)"),
            "(create-table e (column ts timestamp) (column v int) (watermark ts (- ts (literal '5' interval "
            "second))) (with (topic 'events') (kafka.partitions 3)))");
}

TEST(ParserDdlTest, CreateStream) {
  EXPECT_EQ(stmt("CREATE STREAM orders (order_id bigint NOT NULL, country text, amount numeric(10,2), ts timestamp, "
                 "WATERMARK FOR ts AS ts - INTERVAL '5 seconds') WITH (topic = 'checkout.orders', format = 'json', "
                 "partitions = 3, allowed_lateness = '10 seconds')"),
            "(create-stream orders (column order_id bigint (not-null)) (column country text) (column amount numeric(10,2)) "
            "(column ts timestamp) (watermark ts (- ts (literal '5 seconds' interval))) (with (topic "
            "'checkout.orders') (format 'json') (partitions 3) (allowed_lateness '10 seconds')))");
  EXPECT_EQ(stmt("CREATE STREAM IF NOT EXISTS s.e (v text)"), "(create-stream if-not-exists s.e (column v text))");
  auto r = parse_sql("CREATE STREAM e (ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)");
  ASSERT_TRUE(r.ok());
  const auto& cs = r->front()->as<CreateStreamStmt>();
  ASSERT_TRUE(cs.watermark.has_value());
  EXPECT_EQ(cs.watermark->column, "ts");
  EXPECT_EQ(cs.watermark->expr_text, "ts - INTERVAL '1' SECOND");
  EXPECT_EQ(stmt("DROP STREAM IF EXISTS orders"), "(drop stream if-exists orders)");
  EXPECT_EQ(stmt("SHOW STREAMS"), "(show streams)");
  EXPECT_EQ(parse_error("CREATE OR REPLACE STREAM e (v text)").sqlstate(), "42601");
  EXPECT_EQ(parse_error("CREATE STREAM e").sqlstate(), "42601");
}

TEST(ParserDdlTest, ViewsIndexesSchemas) {
  auto r = parse_sql("CREATE OR REPLACE VIEW v (a) AS SELECT x FROM t  ;");
  ASSERT_TRUE(r.ok());
  const auto& v = r->front()->as<CreateViewStmt>();
  EXPECT_TRUE(v.or_replace);
  EXPECT_EQ(v.query_text, "SELECT x FROM t");
  EXPECT_EQ(to_debug_string(v), "(create-view or-replace v (columns a) (select (targets x) (from (table t))))");
  EXPECT_EQ(stmt("CREATE TEMP VIEW IF NOT EXISTS v AS SELECT 1"),
            "(create-view temp if-not-exists v (select (targets 1)))");
  EXPECT_EQ(stmt("CREATE UNIQUE INDEX IF NOT EXISTS i ON s.t USING btree (a, (b + 1) DESC, lower(c) NULLS FIRST)"),
            "(create-unique-index if-not-exists i on s.t using btree a (desc (+ b 1)) (asc (call lower c) "
            "nulls-first))");
  EXPECT_EQ(stmt("CREATE INDEX ON t (a text_pattern_ops) WHERE a > 0"), "(create-index on t a (where (> a 0)))");
  EXPECT_EQ(stmt("CREATE INDEX t1i1 ON t1(x)"), "(create-index t1i1 on t1 x)");
  EXPECT_EQ(stmt("CREATE SCHEMA IF NOT EXISTS s"), "(create-schema if-not-exists s)");
}

TEST(ParserDdlTest, DropAlterComment) {
  EXPECT_EQ(stmt("DROP TABLE IF EXISTS a, s.b CASCADE"), "(drop table if-exists a s.b cascade)");
  EXPECT_EQ(stmt("DROP VIEW v RESTRICT"), "(drop view v)");
  EXPECT_EQ(stmt("DROP INDEX i"), "(drop index i)");
  EXPECT_EQ(stmt("DROP SCHEMA s"), "(drop schema s)");
  EXPECT_EQ(stmt("DROP MATERIALIZED VIEW m"), "(drop materialized-view m)");
  EXPECT_EQ(stmt("DROP STREAM st"), "(drop stream st)");
  EXPECT_EQ(stmt("DROP SINK k"), "(drop sink k)");
  EXPECT_EQ(stmt("CREATE SINK k FROM v INTO TOPIC 'out.t'"), "(create-sink k from v topic 'out.t')");
  EXPECT_EQ(stmt("CREATE SINK IF NOT EXISTS s.k FROM s.v INTO TOPIC 't' WITH (mode = 'upsert', partitions = 2)"),
            stmt("create sink if not exists s.k from s.v into topic 't' with (mode = 'upsert', partitions = 2)"));
  EXPECT_EQ(parse_error("CREATE SINK k FROM v INTO TOPIC t").sqlstate(), "42601");
  EXPECT_EQ(parse_error("CREATE SINK k FROM v").sqlstate(), "42601");
  EXPECT_EQ(parse_error("CREATE OR REPLACE SINK k FROM v INTO TOPIC 't'").sqlstate(), "42601");
  EXPECT_EQ(stmt("SHOW SINKS"), "(show sinks)");
  EXPECT_EQ(stmt("ALTER TABLE IF EXISTS t ADD COLUMN IF NOT EXISTS c int DEFAULT 0, DROP COLUMN IF EXISTS d CASCADE"),
            "(alter-table if-exists t (add-column-if-not-exists (column c int (default 0))) "
            "(drop-column-if-exists d cascade))");
  EXPECT_EQ(stmt("ALTER TABLE t ADD c text"), "(alter-table t (add-column (column c text)))");
  EXPECT_EQ(stmt("ALTER TABLE t RENAME COLUMN a TO b"), "(alter-table t (rename-column a b))");
  EXPECT_EQ(stmt("ALTER TABLE t RENAME a TO b"), "(alter-table t (rename-column a b))");
  EXPECT_EQ(stmt("ALTER TABLE t RENAME TO u"), "(alter-table t (rename-to u))");
  EXPECT_EQ(stmt("ALTER TABLE t ALTER COLUMN a SET DEFAULT 1, ALTER a DROP DEFAULT, ALTER a SET NOT NULL, "
                 "ALTER a DROP NOT NULL, ALTER a TYPE bigint USING a::bigint"),
            "(alter-table t (set-default a 1) (drop-default a) (set-not-null a) (drop-not-null a) "
            "(alter-type a bigint (:: a bigint)))");
  EXPECT_EQ(stmt("ALTER TABLE t ADD CONSTRAINT u UNIQUE (a), DROP CONSTRAINT v"),
            "(alter-table t (add-constraint (unique (name u) (columns a))) (drop-constraint v))");
  EXPECT_EQ(stmt("COMMENT ON TABLE s.t IS 'hello'"), "(comment-on table s.t 'hello')");
  EXPECT_EQ(stmt("COMMENT ON COLUMN t.c IS NULL"), "(comment-on column t.c NULL)");
  EXPECT_EQ(stmt("COMMENT ON VIEW v IS ''"), "(comment-on view v '')");
  EXPECT_EQ(parse_error("COMMENT ON COLUMN c IS 'x'").message(), "syntax error at or near \"IS\"");
}

TEST(ParserDdlTest, UnsupportedStatementsAreNamed) {
  EXPECT_EQ(stmt("CREATE TRIGGER t1r1 UPDATE ON t1 BEGIN SELECT 1; END"), "(unsupported 'CREATE TRIGGER')");
  EXPECT_EQ(stmt("CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE u SET a = CASE WHEN 1 THEN 2 END; "
                 "DELETE FROM v; END;"),
            "(unsupported 'CREATE TRIGGER')");
  EXPECT_EQ(stmt("DROP TRIGGER t1r1"), "(unsupported 'DROP TRIGGER')");
  EXPECT_EQ(stmt("REINDEX t1i1"), "(unsupported 'REINDEX')");
  EXPECT_EQ(stmt("VACUUM"), "(unsupported 'VACUUM')");
  EXPECT_EQ(stmt("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql"), "(unsupported 'CREATE FUNCTION')");
  EXPECT_EQ(stmt("CREATE MATERIALIZED VIEW m AS SELECT 1"), "(create-materialized-view m (select (targets 1)))");
  EXPECT_EQ(stmt("CREATE MATERIALIZED VIEW IF NOT EXISTS m (a) AS SELECT x FROM s"),
            "(create-materialized-view if-not-exists m (columns a) (select (targets x) (from (table s))))");
  EXPECT_EQ(stmt("SHOW MATERIALIZED VIEWS"), "(show materialized_views)");
  EXPECT_EQ(stmt("GRANT SELECT ON t TO u"), "(unsupported 'GRANT')");
  // The statement after an unsupported one still parses.
  auto r = parse_sql("CREATE TRIGGER x INSERT ON t BEGIN SELECT 1; END; SELECT 2");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(to_debug_string(*(*r)[1]), "(select (targets 2))");
  EXPECT_EQ(parse_error("CREATE BANANA x").message(), "syntax error at or near \"BANANA\"");
}

// ---------------------------------------------------------------------------
// Other statements.

TEST(ParserUtilityTest, Explain) {
  EXPECT_EQ(stmt("EXPLAIN SELECT 1"), "(explain (select (targets 1)))");
  EXPECT_EQ(stmt("EXPLAIN ANALYZE VERBOSE SELECT 1"),
            "(explain analyze verbose (options analyze verbose) "
            "(select (targets 1)))");
  EXPECT_EQ(stmt("EXPLAIN (ANALYZE, FORMAT text, COSTS off) DELETE FROM t"),
            "(explain analyze (options analyze (format text) (costs off)) (delete t))");
  EXPECT_EQ(stmt("EXPLAIN (ANALYZE false) SELECT 1"), "(explain (options (analyze false)) (select (targets 1)))");
}

TEST(ParserUtilityTest, Transactions) {
  EXPECT_EQ(stmt("BEGIN"), "(begin)");
  EXPECT_EQ(stmt("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"),
            "(begin isolation=repeatable read read-only)");
  EXPECT_EQ(stmt("START TRANSACTION READ WRITE NOT DEFERRABLE"), "(begin read-write not-deferrable)");
  EXPECT_EQ(stmt("BEGIN WORK ISOLATION LEVEL SERIALIZABLE"), "(begin isolation=serializable)");
  EXPECT_EQ(stmt("COMMIT"), "(commit)");
  EXPECT_EQ(stmt("END TRANSACTION"), "(commit)");
  EXPECT_EQ(stmt("COMMIT AND CHAIN"), "(commit and-chain)");
  EXPECT_EQ(stmt("ROLLBACK WORK"), "(rollback)");
  EXPECT_EQ(stmt("ABORT"), "(rollback)");
  EXPECT_EQ(stmt("SAVEPOINT s1"), "(savepoint s1)");
  EXPECT_EQ(stmt("RELEASE SAVEPOINT s1"), "(release s1)");
  EXPECT_EQ(stmt("RELEASE s1"), "(release s1)");
  EXPECT_EQ(stmt("ROLLBACK TO SAVEPOINT s1"), "(rollback-to s1)");
  EXPECT_EQ(stmt("ROLLBACK TRANSACTION TO s1"), "(rollback-to s1)");
  EXPECT_EQ(stmt("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"), "(set-transaction isolation=read committed)");
  EXPECT_EQ(stmt("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"), "(set-transaction read-only)");
}

TEST(ParserUtilityTest, SetShowReset) {
  EXPECT_EQ(stmt("SET search_path TO s, \"P\", public"), "(set search_path s P public)");
  EXPECT_EQ(stmt("SET extra_float_digits = 3"), "(set extra_float_digits 3)");
  EXPECT_EQ(stmt("SET SESSION statement_timeout = '5s'"), "(set statement_timeout '5s')");
  EXPECT_EQ(stmt("SET LOCAL x.y = -1.5"), "(set-local x.y -1.5)");
  EXPECT_EQ(stmt("SET datestyle TO DEFAULT"), "(set datestyle DEFAULT)");
  EXPECT_EQ(stmt("SET client_min_messages = warning"), "(set client_min_messages warning)");
  EXPECT_EQ(stmt("SET standard_conforming_strings = on"), "(set standard_conforming_strings on)");
  EXPECT_EQ(stmt("SET TIME ZONE 'UTC'"), "(set timezone 'UTC')");
  EXPECT_EQ(stmt("SET TIME ZONE LOCAL"), "(set timezone DEFAULT)");
  EXPECT_EQ(stmt("SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE"), "(set timezone '+00:00')");
  EXPECT_EQ(stmt("SET NAMES 'UTF8'"), "(set client_encoding 'UTF8')");
  EXPECT_EQ(stmt("SET SCHEMA 'public'"), "(set search_path 'public')");
  EXPECT_EQ(stmt("SHOW server_version"), "(show server_version)");
  EXPECT_EQ(stmt("SHOW ALL"), "(show all)");
  EXPECT_EQ(stmt("SHOW TIME ZONE"), "(show timezone)");
  EXPECT_EQ(stmt("SHOW TRANSACTION ISOLATION LEVEL"), "(show transaction_isolation)");
  EXPECT_EQ(stmt("RESET ALL"), "(reset all)");
  EXPECT_EQ(stmt("RESET search_path"), "(reset search_path)");
  EXPECT_EQ(stmt("DISCARD ALL"), "(discard all)");
  EXPECT_EQ(stmt("DISCARD TEMPORARY"), "(discard temp)");
  EXPECT_EQ(parse_error("SET x").message(), "syntax error at end of input");
}

TEST(ParserUtilityTest, PreparedStatements) {
  EXPECT_EQ(stmt("PREPARE p (int, text) AS SELECT $1, $2"), "(prepare p int text (select (targets $1 $2)))");
  EXPECT_EQ(stmt("EXECUTE p (1, 'a')"), "(execute p 1 'a')");
  EXPECT_EQ(stmt("EXECUTE p"), "(execute p)");
  EXPECT_EQ(stmt("DEALLOCATE PREPARE p"), "(deallocate p)");
  EXPECT_EQ(stmt("DEALLOCATE ALL"), "(deallocate all)");
}

TEST(ParserUtilityTest, Cursors) {
  EXPECT_EQ(stmt("DECLARE c CURSOR FOR SELECT 1"), "(declare c (select (targets 1)))");
  EXPECT_EQ(stmt("DECLARE \"C\" BINARY INSENSITIVE NO SCROLL CURSOR WITHOUT HOLD FOR SELECT 1"),
            "(declare C binary (select (targets 1)))");
  EXPECT_EQ(stmt("DECLARE c SCROLL CURSOR WITH HOLD FOR VALUES (1)"), "(declare c scroll hold (values (1)))");
  EXPECT_EQ(stmt("FETCH c"), "(fetch c count 1)");
  EXPECT_EQ(stmt("FETCH NEXT FROM c"), "(fetch c count 1)");
  EXPECT_EQ(stmt("FETCH PRIOR IN c"), "(fetch c count -1)");
  EXPECT_EQ(stmt("FETCH 20 FROM c"), "(fetch c count 20)");
  EXPECT_EQ(stmt("FETCH -2 FROM c"), "(fetch c count -2)");
  EXPECT_EQ(stmt("FETCH FORWARD 5 FROM \"c\""), "(fetch c count 5)");
  EXPECT_EQ(stmt("FETCH FORWARD FROM c"), "(fetch c count 1)");
  EXPECT_EQ(stmt("FETCH BACKWARD 3 FROM c"), "(fetch c count -3)");
  EXPECT_EQ(stmt("FETCH ALL FROM c"), "(fetch c count all)");
  EXPECT_EQ(stmt("FETCH FORWARD ALL FROM c"), "(fetch c count all)");
  EXPECT_EQ(stmt("FETCH BACKWARD ALL FROM c"), "(fetch c count -all)");
  EXPECT_EQ(stmt("FETCH FIRST FROM c"), "(fetch c first 1)");
  EXPECT_EQ(stmt("FETCH LAST FROM c"), "(fetch c last 1)");
  EXPECT_EQ(stmt("FETCH ABSOLUTE -1 FROM c"), "(fetch c absolute -1)");
  EXPECT_EQ(stmt("FETCH RELATIVE 3 FROM c"), "(fetch c relative 3)");
  EXPECT_EQ(stmt("MOVE 10 FROM c"), "(move c count 10)");
  EXPECT_EQ(stmt("CLOSE c"), "(close c)");
  EXPECT_EQ(stmt("CLOSE ALL"), "(close all)");
  EXPECT_EQ(parse_error("DECLARE c FOR SELECT 1").message(), "syntax error at or near \"FOR\"");
  EXPECT_EQ(parse_error("FETCH ABSOLUTE FROM c").message(), "syntax error at or near \"FROM\"");
}

// ---------------------------------------------------------------------------
// Statement lists, spans, errors, limits.

TEST(ParserStatementsTest, SplitsAndRecordsSpans) {
  std::string text = " ;; SELECT 1 ; \n INSERT INTO t VALUES (';')  ;SELECT 'a;b'";
  auto r = parse_sql(text);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0]->source_text(text), "SELECT 1");
  EXPECT_EQ((*r)[1]->source_text(text), "INSERT INTO t VALUES (';')");
  EXPECT_EQ((*r)[2]->source_text(text), "SELECT 'a;b'");
  EXPECT_EQ((*r)[1]->location, 17);
  auto empty = parse_sql("  ; -- nothing\n ;");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(ParserStatementsTest, SyntaxErrorsCarryPositions) {
  Status s = parse_error("SELECT * FORM t");
  EXPECT_EQ(s.sqlstate(), "42601");
  EXPECT_EQ(s.message(), "syntax error at or near \"FORM\"");
  EXPECT_EQ(s.position(), 10);
  s = parse_error("SELECT a FORM t");  // FORM is taken as a's alias
  EXPECT_EQ(s.message(), "syntax error at or near \"t\"");
  EXPECT_EQ(s.position(), 15);
  s = parse_error("SELECT (1");
  EXPECT_EQ(s.message(), "syntax error at end of input");
  EXPECT_EQ(s.position(), 10);
  s = parse_error("SELEC 1");
  EXPECT_EQ(s.message(), "syntax error at or near \"SELEC\"");
  EXPECT_EQ(s.position(), 1);
  s = parse_error("SELECT 1; SELECT FROM WHERE");
  EXPECT_EQ(s.message(), "syntax error at or near \"WHERE\"");
  EXPECT_EQ(s.position(), 23);
  // Positions count characters: 'é' is one.
  s = parse_error("SELECT 'é' 'x'");
  EXPECT_EQ(s.position(), 12);
  s = parse_error("SELECT 1 2");
  EXPECT_EQ(s.message(), "syntax error at or near \"2\"");
  EXPECT_EQ(parse_error("SELECT $0").sqlstate(), "42P02");
  EXPECT_EQ(parse_error("SELECT left FROM t").message(), "syntax error at or near \"left\"");
  EXPECT_EQ(parse_error("SELECT a FROM t WHERE").message(), "syntax error at end of input");
  EXPECT_EQ(parse_error("SELECT CASE END").message(), "syntax error at or near \"END\"");
}

TEST(ParserLimitsTest, DeepNestingIsRefusedNotCrashed) {
  for (const char* open_close : {"(", "- ", "NOT ", "ARRAY[", "~ "}) {
    std::string open(open_close);
    std::string text = "SELECT ";
    for (int i = 0; i < 100000; ++i) text += open;
    text += "1";
    Status s = parse_error(text);
    EXPECT_EQ(s.sqlstate(), "54001") << open;
    EXPECT_EQ(s.message(), "stack depth limit exceeded");
  }
  std::string subqueries = "SELECT ";
  for (int i = 0; i < 5000; ++i) subqueries += "(SELECT ";
  EXPECT_EQ(parse_error(subqueries).sqlstate(), "54001");
  // Long left-associative chains count too (their trees are as deep).
  std::string chain = "SELECT 1";
  for (int i = 0; i < 5000; ++i) chain += " + 1";
  EXPECT_EQ(parse_error(chain).sqlstate(), "54001");
  std::string unions = "SELECT 1";
  for (int i = 0; i < 5000; ++i) unions += " UNION SELECT 1";
  EXPECT_EQ(parse_error(unions).sqlstate(), "54001");
}

TEST(ParserLimitsTest, ModerateNestingParses) {
  std::string text = "SELECT ";
  for (int i = 0; i < 100; ++i) text += "(";
  text += "1";
  for (int i = 0; i < 100; ++i) text += ")";
  EXPECT_TRUE(parse_sql(text).ok());
  // AND/OR lists are flat, so long ones are fine.
  std::string conj = "SELECT 1 WHERE a = 1";
  for (int i = 0; i < 20000; ++i) conj += " AND a = 1";
  auto r = parse_sql(conj);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  // Long IN lists and VALUES lists are flat too.
  std::string values = "INSERT INTO t VALUES (1)";
  for (int i = 0; i < 20000; ++i) values += ", (1)";
  EXPECT_TRUE(parse_sql(values).ok());
}

TEST(ParserLimitsTest, AmbiguousParenthesesStayFast) {
  // Each level of '((SELECT ...) + 1)' backtracks once; the work is bounded.
  std::string text = "SELECT ";
  for (int i = 0; i < 300; ++i) text += "((SELECT ";
  text += "1";
  for (int i = 0; i < 300; ++i) text += ") + 1)";
  auto r = parse_sql(text);
  if (!r.ok()) {
    EXPECT_EQ(r.status().sqlstate(), "54001");
  }
}

// ---------------------------------------------------------------------------
// Corpora: psql's describe queries and the SQL logic tests.

TEST(ParserCorpusTest, PsqlDescribeQueries) {
  auto path = std::filesystem::path(__FILE__).parent_path() / "testdata" / "psql_describe_queries.sql";
  std::string text = read_file(path);
  ASSERT_FALSE(text.empty()) << path;
  // Split on the `-- psql:` marker lines so a failure names its query.
  std::vector<std::string> queries;
  size_t at = text.find("\n-- psql:");
  while (at != std::string::npos) {
    size_t next = text.find("\n-- psql:", at + 1);
    queries.push_back(text.substr(at, next == std::string::npos ? std::string::npos : next - at));
    at = next;
  }
  EXPECT_GE(queries.size(), 30u);
  for (const std::string& q : queries) {
    auto r = parse_sql(q);
    ASSERT_TRUE(r.ok()) << r.status().to_string() << "\n" << q;
    ASSERT_EQ(r->size(), 1u) << q;
    EXPECT_TRUE((*r)[0]->is<SelectStmt>()) << q;
  }
}

struct SltRecord {
  std::string file;
  int line = 0;
  bool expect_error = false;
  std::string sql;
};

// The SQL of each record that applies to PostgreSQL (skipif/onlyif honoured).
std::vector<SltRecord> read_slt(const std::filesystem::path& file) {
  std::vector<SltRecord> out;
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  bool runs = true;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.rfind("skipif ", 0) == 0) {
      if (l.find("postgresql") != std::string::npos) runs = false;
      continue;
    }
    if (l.rfind("onlyif ", 0) == 0) {
      if (l.find("postgresql") == std::string::npos) runs = false;
      continue;
    }
    if (l.rfind("statement ", 0) != 0 && l.rfind("query ", 0) != 0) continue;
    SltRecord rec{file.filename().string(), static_cast<int>(i + 1), l.rfind("statement error", 0) == 0, ""};
    size_t j = i + 1;
    auto blank = [](const std::string& s) { return s.find_first_not_of(" \t\r") == std::string::npos; };
    auto separator = [](const std::string& s) { return s.rfind("----", 0) == 0; };
    for (; j < lines.size() && !blank(lines[j]) && !separator(lines[j]); ++j) rec.sql += lines[j] + "\n";
    if (runs) out.push_back(std::move(rec));
    runs = true;
    i = j;
  }
  return out;
}

TEST(ParserCorpusTest, SqlLogicTests) {
  std::filesystem::path dir;
  if (const char* env = std::getenv("STRATA_SQLLOGICTEST_DIR")) {
    dir = env;
  } else {
    // <root>/src/sql/parser_test.cc → <root>/../shared/sqllogictest
    dir = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path() / "shared" /
          "sqllogictest";
  }
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no sqllogictest corpus at " << dir;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i <= 5; ++i) files.push_back(dir / ("select" + std::to_string(i) + ".test"));
  if (std::filesystem::is_directory(dir / "evidence")) {
    for (const auto& e : std::filesystem::directory_iterator(dir / "evidence")) {
      if (e.path().extension() == ".test") files.push_back(e.path());
    }
  }
  int parsed = 0;
  int unsupported = 0;
  int failures = 0;
  for (const auto& f : files) {
    if (!std::filesystem::exists(f)) continue;
    for (const SltRecord& rec : read_slt(f)) {
      auto r = parse_sql(rec.sql);
      if (rec.expect_error) continue;  // may fail anywhere, the parser included
      if (!r.ok()) {
        ++failures;
        ADD_FAILURE() << rec.file << ":" << rec.line << ": " << r.status().to_string() << "\n" << rec.sql;
        continue;
      }
      ++parsed;
      for (const StatementPtr& s : *r) {
        if (s->is<UnsupportedStmt>()) ++unsupported;
      }
    }
  }
  EXPECT_EQ(failures, 0);
  EXPECT_GT(parsed, 1000);
  // Only triggers and REINDEX are unsupported in this corpus.
  EXPECT_LT(unsupported, 40);
  std::printf("sqllogictest: %d statements parsed, %d unsupported\n", parsed, unsupported);
}

}  // namespace
}  // namespace strata::sql
