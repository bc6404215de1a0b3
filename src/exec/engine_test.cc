// End-to-end SQL through Session: parse, bind, plan, execute, against an engine
// with in-memory tables (and one test over the durable columnar storage).
#include "exec/engine.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "exec/engine_test_util.h"
#include "sql/ast.h"
#include "types/cast.h"

namespace strata::exec {
namespace {

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions o;
    auto e = Engine::open(io::posix_file_system(), o);
    ASSERT_TRUE(e.ok()) << e.status().to_string();
    engine_ = std::move(e).value();
    session_ = engine_->new_session();
  }

  // Runs every statement; returns the last result's rows as "a|b" lines.
  std::vector<std::string> rows(std::string_view sql) { return result_lines(*session_, sql); }

  std::string error(std::string_view sql) {
    auto r = session_->execute_all(sql);
    if (r.ok()) return "ok";
    return std::string(r.status().sqlstate());
  }

  void exec(std::string_view sql) {
    auto r = session_->execute_all(sql);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.status().to_string();
  }

  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Session> session_;
};

using V = std::vector<std::string>;

TEST_F(EngineTest, SelectWithoutFrom) {
  EXPECT_EQ(rows("SELECT 1, 'a', 2 + 3 * 4, NULL IS NULL"), V({"1|a|14|t"}));
  EXPECT_EQ(rows("SELECT CASE WHEN 1 = 2 THEN 'x' ELSE 'y' END"), V({"y"}));
  EXPECT_EQ(rows("SELECT 7 / 2, -7 / 2, 7 % 3, 1.5 + 1"), V({"3|-3|1|2.5"}));
}

TEST_F(EngineTest, CreateInsertSelect) {
  exec("CREATE TABLE t (a integer, b text, c numeric(10,2))");
  exec("INSERT INTO t VALUES (1, 'one', 1.5), (2, 'two', 2.25), (3, NULL, NULL)");
  EXPECT_EQ(rows("SELECT a, b, c FROM t ORDER BY a"), V({"1|one|1.50", "2|two|2.25", "3|NULL|NULL"}));
  EXPECT_EQ(rows("SELECT a FROM t WHERE b IS NOT NULL AND a > 1"), V({"2"}));
  EXPECT_EQ(rows("SELECT count(*), sum(a), max(b) FROM t"), V({"3|6|two"}));
  EXPECT_EQ(rows("SELECT b, count(*) FROM t GROUP BY b ORDER BY b NULLS FIRST"), V({"NULL|1", "one|1", "two|1"}));
  EXPECT_EQ(rows("SELECT a FROM t ORDER BY a DESC LIMIT 2"), V({"3", "2"}));
}

TEST_F(EngineTest, JoinsAndSubqueries) {
  exec("CREATE TABLE a (id int, x int); CREATE TABLE b (id int, y int)");
  exec("INSERT INTO a VALUES (1, 10), (2, 20), (3, 30); INSERT INTO b VALUES (1, 100), (3, 300), (4, 400)");
  EXPECT_EQ(rows("SELECT a.id, x, y FROM a, b WHERE a.id = b.id ORDER BY 1"), V({"1|10|100", "3|30|300"}));
  EXPECT_EQ(rows("SELECT a.id, y FROM a LEFT JOIN b ON a.id = b.id ORDER BY 1"), V({"1|100", "2|NULL", "3|300"}));
  EXPECT_EQ(rows("SELECT id FROM a WHERE id IN (SELECT id FROM b) ORDER BY id"), V({"1", "3"}));
  EXPECT_EQ(rows("SELECT id, (SELECT count(*) FROM b WHERE b.id < a.id) FROM a ORDER BY id"), V({"1|0", "2|1", "3|1"}));
  EXPECT_EQ(rows("SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.id = a.id) ORDER BY id"), V({"1", "3"}));
  EXPECT_EQ(rows("SELECT id FROM a UNION SELECT id FROM b ORDER BY 1"), V({"1", "2", "3", "4"}));
}

TEST_F(EngineTest, UpdateDeleteAndConstraints) {
  exec("CREATE TABLE k (id int PRIMARY KEY, v text NOT NULL DEFAULT 'd', CHECK (id > 0))");
  exec("INSERT INTO k (id) VALUES (1), (2)");
  EXPECT_EQ(error("INSERT INTO k VALUES (1, 'x')"), "23505");
  EXPECT_EQ(error("INSERT INTO k VALUES (3, NULL)"), "23502");
  EXPECT_EQ(error("INSERT INTO k VALUES (-1, 'x')"), "23514");
  exec("INSERT INTO k VALUES (1, 'new') ON CONFLICT (id) DO UPDATE SET v = excluded.v");
  exec("UPDATE k SET v = v || '!' WHERE id = 2");
  EXPECT_EQ(rows("SELECT id, v FROM k ORDER BY id"), V({"1|new", "2|d!"}));
  exec("DELETE FROM k WHERE id = 1");
  EXPECT_EQ(rows("SELECT id, v FROM k"), V({"2|d!"}));
  EXPECT_EQ(rows("INSERT INTO k VALUES (5, 'r') RETURNING id * 10, v"), V({"50|r"}));
}

TEST_F(EngineTest, TransactionsRollBack) {
  exec("CREATE TABLE t (a int)");
  exec("BEGIN; INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)");
  EXPECT_EQ(rows("SELECT count(*) FROM t"), V({"2"}));
  exec("ROLLBACK");
  EXPECT_EQ(rows("SELECT count(*) FROM t"), V({"0"}));
  exec("BEGIN; INSERT INTO t VALUES (3); COMMIT");
  EXPECT_EQ(rows("SELECT a FROM t"), V({"3"}));
  exec("BEGIN");
  EXPECT_EQ(error("SELECT * FROM nosuch"), "42P01");
  EXPECT_EQ(error("SELECT 1"), "25P02");
  exec("ROLLBACK");
  EXPECT_EQ(rows("SELECT 1"), V({"1"}));
}

TEST_F(EngineTest, ErrorsCarrySqlstateAndPosition) {
  auto r = session_->execute_all("SELECT nosuch FROM (SELECT 1 AS a) s");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().sqlstate(), "42703");
  EXPECT_EQ(r.status().position(), 8);
  EXPECT_EQ(error("SELECT 1/0"), "22012");
  EXPECT_EQ(error("SELEC 1"), "42601");
  EXPECT_EQ(error("SELECT 'a' + 1"), "22P02");
}

TEST_F(EngineTest, Views) {
  exec("CREATE TABLE s (g text, v int)");
  exec("INSERT INTO s VALUES ('a', 1), ('a', 2), ('b', 5)");
  exec("CREATE VIEW sv AS SELECT g, sum(v) AS total FROM s GROUP BY g");
  EXPECT_EQ(rows("SELECT * FROM sv ORDER BY g"), V({"a|3", "b|5"}));
  exec("DROP TABLE s");
  EXPECT_EQ(error("SELECT * FROM sv"), "42P01");
}

TEST_F(EngineTest, WindowFunctions) {
  exec("CREATE TABLE s (g text, v int)");
  exec("INSERT INTO s VALUES ('a', 1), ('a', 2), ('b', 5), ('a', 2)");
  EXPECT_EQ(rows("SELECT g, v, row_number() OVER (PARTITION BY g ORDER BY v DESC), rank() OVER (PARTITION BY g "
                 "ORDER BY v), sum(v) OVER (PARTITION BY g) FROM s ORDER BY g, v, 3"),
            V({"a|1|3|1|5", "a|2|1|2|5", "a|2|2|2|5", "b|5|1|1|5"}));
  EXPECT_EQ(rows("SELECT v, lag(v) OVER (ORDER BY v), sum(v) OVER (ORDER BY v ROWS BETWEEN 1 PRECEDING AND CURRENT "
                 "ROW) FROM s ORDER BY v"),
            V({"1|NULL|1", "2|1|3", "2|2|4", "5|2|7"}));
}

TEST_F(EngineTest, CopyFromAndTo) {
  exec("CREATE TABLE c (id int PRIMARY KEY, name text DEFAULT 'none', price numeric(6,2))");
  auto parsed = session_->parse("COPY c (id, price) FROM STDIN WITH (FORMAT csv, HEADER)");
  ASSERT_TRUE(parsed.ok());
  auto in = session_->begin_copy_in((*parsed)[0]->as<sql::CopyStmt>());
  ASSERT_TRUE(in.ok()) << in.status().to_string();
  ASSERT_TRUE((*in)->write("id,price\n1,1.5\n2,").ok());
  ASSERT_TRUE((*in)->write("\n3,\"2.25\"\n").ok());
  auto n = (*in)->finish();
  ASSERT_TRUE(n.ok()) << n.status().to_string();
  EXPECT_EQ(*n, 3u);
  ASSERT_TRUE(session_->end_statement(true).ok());
  EXPECT_EQ(rows("SELECT id, name, price FROM c ORDER BY id"), V({"1|none|1.50", "2|none|NULL", "3|none|2.25"}));
  auto out_stmt = session_->parse("COPY (SELECT id, price FROM c ORDER BY id) TO STDOUT");
  ASSERT_TRUE(out_stmt.ok());
  auto out = session_->copy_out((*out_stmt)[0]->as<sql::CopyStmt>());
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  EXPECT_EQ(out->first, "1\t1.50\n2\t\\N\n3\t2.25\n");
  // A duplicate key rejects the whole COPY.
  auto again = session_->begin_copy_in((*parsed)[0]->as<sql::CopyStmt>());
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE((*again)->write("id,price\n4,1\n1,1\n").ok());
  auto failed = (*again)->finish();
  ASSERT_TRUE(session_->end_statement(failed.ok()).ok());
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().sqlstate(), "23505");
  EXPECT_EQ(rows("SELECT count(*) FROM c"), V({"3"}));
}

TEST_F(EngineTest, SubqueriesBecomeSemiAndAntiJoins) {
  exec(
      "CREATE TABLE t (a int, k int); INSERT INTO t VALUES (1, 10), (2, 20), (NULL, 30), (3, 40);"
      "CREATE TABLE u (b int, k int); INSERT INTO u VALUES (2, 20), (NULL, 30), (4, 40)");
  auto plan_of = [&](const std::string& q) {
    std::string text;
    for (const auto& l : rows("EXPLAIN " + q)) text += l + "\n";
    return text;
  };
  std::string in = "SELECT a FROM t WHERE a IN (SELECT b FROM u) ORDER BY a";
  EXPECT_NE(plan_of(in).find("HashJoin (Semi"), std::string::npos) << plan_of(in);
  EXPECT_EQ(rows(in), V({"2"}));
  // NOT IN: a NULL in the subquery rejects every row; an empty subquery keeps all.
  std::string not_in = "SELECT a FROM t WHERE a NOT IN (SELECT b FROM u)";
  EXPECT_NE(plan_of(not_in).find("Anti (null-aware)"), std::string::npos) << plan_of(not_in);
  EXPECT_EQ(rows(not_in), V({}));
  EXPECT_EQ(rows("SELECT a FROM t WHERE a NOT IN (SELECT b FROM u WHERE b IS NOT NULL) ORDER BY a"), V({"1", "3"}));
  EXPECT_EQ(rows("SELECT a FROM t WHERE a NOT IN (SELECT b FROM u WHERE b > 100) ORDER BY a"),
            V({"1", "2", "3", "NULL"}));
  // Correlated EXISTS / NOT EXISTS with an extra inner condition.
  std::string ex = "SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.b = t.a AND u.k > 0) ORDER BY a";
  EXPECT_NE(plan_of(ex).find("HashJoin (Semi"), std::string::npos) << plan_of(ex);
  EXPECT_EQ(rows(ex), V({"2"}));
  EXPECT_EQ(rows("SELECT a FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.b = t.a) ORDER BY a"),
            V({"1", "3", "NULL"}));
  // Correlated IN with two keys; and the join condition of a FROM list kept.
  EXPECT_EQ(rows("SELECT a FROM t WHERE a IN (SELECT b FROM u WHERE u.k = t.k) ORDER BY a"), V({"2"}));
  EXPECT_EQ(rows("SELECT t.a, x.b FROM t, u x WHERE t.k = x.k AND EXISTS (SELECT 1 FROM u WHERE u.k = t.k "
                 "AND u.b > 1) ORDER BY t.k"),
            V({"2|2", "3|4"}));
  // Not rewritten (under OR; comparison with an outer column that is not an
  // equality): same answers through the per-row path.
  EXPECT_EQ(rows("SELECT a FROM t WHERE a = 1 OR EXISTS (SELECT 1 FROM u WHERE u.b = t.a) ORDER BY a"), V({"1", "2"}));
  EXPECT_EQ(rows("SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.b > t.a) ORDER BY a"), V({"1", "2", "3"}));
  // In DML too.
  exec("DELETE FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.k = t.k AND u.b IS NULL)");
  EXPECT_EQ(rows("SELECT count(*) FROM t"), V({"3"}));
}

TEST_F(EngineTest, ScansReadOnlyTheColumnsTheQueryUses) {
  exec(
      "CREATE TABLE w (a int, b text, c int, d float8, e text);"
      "INSERT INTO w VALUES (1, 'x', 10, 0.5, 'p'), (2, 'y', 20, 1.5, 'q'), (3, 'x', 30, 2.5, 'r');"
      "CREATE TABLE v (c int, f text); INSERT INTO v VALUES (10, 'ten'), (30, 'thirty')");
  auto plan_of = [&](const std::string& q) {
    std::string text;
    for (const auto& l : rows("EXPLAIN " + q)) text += l + "\n";
    return text;
  };
  // Projection, filter, sort and aggregate read their columns only.
  std::string q = "SELECT b, sum(c) FROM w WHERE a > 1 GROUP BY b ORDER BY b";
  EXPECT_NE(plan_of(q).find("w, columns: a b c"), std::string::npos) << plan_of(q);
  EXPECT_EQ(rows(q), V({"x|30", "y|20"}));
  // count(*) still counts rows through one column.
  EXPECT_NE(plan_of("SELECT count(*) FROM w").find("w, columns: a"), std::string::npos);
  EXPECT_EQ(rows("SELECT count(*) FROM w"), V({"3"}));
  // A join keeps the key columns of both sides and what the select list reads.
  std::string j = "SELECT v.f, w.e FROM w JOIN v ON w.c = v.c ORDER BY 1";
  EXPECT_NE(plan_of(j).find("w, columns: c e"), std::string::npos) << plan_of(j);
  EXPECT_EQ(rows(j), V({"ten|p", "thirty|r"}));
  // Through a derived table, a window and a semi join.
  EXPECT_EQ(rows("SELECT s.k FROM (SELECT a AS k, b, d * 2 AS dd FROM w) s WHERE s.b = 'x' ORDER BY 1"), V({"1", "3"}));
  EXPECT_EQ(rows("SELECT a, rank() OVER (ORDER BY d DESC) FROM w ORDER BY a"), V({"1|3", "2|2", "3|1"}));
  EXPECT_EQ(rows("SELECT e FROM w WHERE c IN (SELECT c FROM v) ORDER BY e"), V({"p", "r"}));
  // A correlated subquery reads the outer row by position: still right.
  EXPECT_EQ(rows("SELECT a, (SELECT f FROM v WHERE v.c = w.c) FROM w ORDER BY a"), V({"1|ten", "2|NULL", "3|thirty"}));
  // A CTE read twice, with different columns used by each reader.
  EXPECT_EQ(rows("WITH x AS (SELECT a, b, c FROM w) SELECT x1.a, x2.c FROM x x1 JOIN x x2 ON x1.a = x2.a "
                 "WHERE x1.b = 'y'"),
            V({"2|20"}));
  // DML reads whole rows.
  exec("UPDATE w SET c = c + 1 WHERE b = 'x'");
  EXPECT_EQ(rows("SELECT a, b, c, d, e FROM w ORDER BY a"), V({"1|x|11|0.5|p", "2|y|20|1.5|q", "3|x|31|2.5|r"}));
}

TEST_F(EngineTest, JoinInputsCarryOnlyTheColumnsNeededAboveTheirConditions) {
  exec(
      "CREATE TABLE f (k int, d int, amount int);"
      "INSERT INTO f VALUES (1, 1, 10), (2, 1, 20), (3, 2, 30), (1, 2, 40);"
      "CREATE TABLE dk (k int, region text, name text);"
      "INSERT INTO dk VALUES (1, 'ASIA', 'one'), (2, 'EUROPE', 'two'), (3, 'ASIA', 'three');"
      "CREATE TABLE dd (d int, year int); INSERT INTO dd VALUES (1, 1997), (2, 1998)");
  auto plan_of = [&](const std::string& q) {
    std::string text;
    for (const auto& l : rows("EXPLAIN " + q)) text += l + "\n";
    return text;
  };
  // region is read by the WHERE only: the dk input is filtered, then narrowed to
  // the join key and name before the join.
  std::string q =
      "SELECT dd.year, dk.name, sum(f.amount) FROM f, dk, dd WHERE f.k = dk.k AND f.d = dd.d "
      "AND dk.region = 'ASIA' AND dd.year >= 1997 GROUP BY dd.year, dk.name ORDER BY 1, 2";
  EXPECT_EQ(rows(q), V({"1997|one|10", "1998|one|40", "1998|three|30"}));
  std::string plan = plan_of(q);
  size_t project = plan.find("Project (k, name)\n");
  ASSERT_NE(project, std::string::npos) << plan;
  size_t next_line = plan.find('\n', project) + 1;
  EXPECT_NE(plan.substr(next_line, plan.find('\n', next_line) - next_line).find("Filter ((region = 'ASIA'))"),
            std::string::npos)
      << plan;
  EXPECT_NE(plan.rfind("HashJoin", project), std::string::npos) << plan;
  // A WHERE whose every condition moves leaves no Filter above the joins; an OR
  // over two inputs, a subquery and a volatile call stay above them.
  EXPECT_EQ(rows("SELECT count(*) FROM f, dk WHERE dk.region = 'ASIA' AND f.amount > 15"), V({"6"}));
  EXPECT_EQ(rows("SELECT count(*) FROM f, dk WHERE f.k = dk.k AND (dk.region = 'EUROPE' OR f.amount = 10)"), V({"2"}));
  EXPECT_EQ(rows("SELECT count(*) FROM f, dk WHERE f.k = dk.k AND dk.k IN (SELECT k FROM f WHERE amount > 25)"),
            V({"3"}));
  EXPECT_EQ(rows("SELECT count(*) FROM f, dk WHERE f.k = dk.k AND random() >= 0"), V({"4"}));
  // A CTE read twice: one reader's condition does not reach the other reader.
  EXPECT_EQ(rows("WITH j AS (SELECT f.k, f.amount, dk.region FROM f, dk WHERE f.k = dk.k) "
                 "SELECT a.amount, b.amount FROM j a, j b WHERE a.k = b.k AND a.region = 'EUROPE' ORDER BY 1, 2"),
            V({"20|20"}));
  EXPECT_EQ(rows("WITH x AS (SELECT * FROM dk WHERE region = 'ASIA') "
                 "SELECT x1.name, x2.name FROM x x1, x x2 WHERE x1.k = 1 AND x2.k <> x1.k ORDER BY 1, 2"),
            V({"one|three"}));
  // Outer joins keep their conditions' meaning (a WHERE on the nullable side is
  // not an ON condition).
  EXPECT_EQ(rows("SELECT count(*) FROM dd LEFT JOIN f ON f.d = dd.d AND f.amount > 100 WHERE dd.year = 1997"), V({"1"}));
  EXPECT_EQ(rows("SELECT count(*) FROM dd LEFT JOIN f ON f.d = dd.d WHERE f.amount IS NULL"), V({"0"}));
  // In DML.
  exec("DELETE FROM f WHERE k IN (SELECT f2.k FROM f f2, dk WHERE f2.k = dk.k AND dk.region = 'EUROPE')");
  EXPECT_EQ(rows("SELECT count(*) FROM f"), V({"3"}));
}

// Filter compares `column op constant` terms natively: each type, each operator,
// both orders, NULLs, mixed integer widths, and terms left to the evaluator.
TEST_F(EngineTest, FilterComparisonsAgreeWithTheEvaluator) {
  exec(
      "CREATE TABLE c (s smallint, i int, b bigint, d date, ts timestamp, t text);"
      "INSERT INTO c VALUES (1, -5, 3000000000, '2024-01-01', '2024-01-01 10:00', 'x'),"
      " (2, 0, -1, '2024-02-29', '2024-03-01 00:00', 'y'), (NULL, NULL, NULL, NULL, NULL, NULL),"
      " (-3, 7, 9223372036854775807, '1999-12-31', '1970-01-01 00:00', 'x')");
  // The same condition written so the native path cannot take it (an expression
  // over the column) must select the same rows.
  const char* cases[][2] = {
      {"s = 1", "s + 0 = 1"},
      {"s <> 1", "s + 0 <> 1"},
      {"i < 0", "i + 0 < 0"},
      {"i <= 0", "i + 0 <= 0"},
      {"0 > i", "0 > i + 0"},
      {"7 <= i", "7 <= i + 0"},
      {"b > 2999999999", "b + 0 > 2999999999"},
      {"b >= 9223372036854775807", "b - 1 >= 9223372036854775806"},
      {"s < 100000", "s + 0 < 100000"},
      {"d >= '2024-01-01'", "d + 0 >= '2024-01-01'"},
      {"d < date '2000-01-01'", "d + 0 < date '2000-01-01'"},
      {"ts > '2024-01-01 09:59:59'", "ts + interval '0 s' > '2024-01-01 09:59:59'"},
      {"i > -10 AND i < 5 AND t = 'x'", "i + 0 > -10 AND i + 0 < 5 AND t = 'x'"},
      {"s = 1 AND t = 'y'", "s + 0 = 1 AND t = 'y'"},
      {"i > 100", "i + 0 > 100"},
  };
  for (const auto& c : cases) {
    std::string native = std::string("SELECT s, i FROM c WHERE ") + c[0] + " ORDER BY s, i";
    std::string generic = std::string("SELECT s, i FROM c WHERE ") + c[1] + " ORDER BY s, i";
    EXPECT_EQ(rows(native), rows(generic)) << c[0];
  }
  EXPECT_EQ(rows("SELECT count(*) FROM c WHERE i <= 0"), V({"2"}));
  EXPECT_EQ(rows("SELECT count(*) FROM c WHERE i = NULL"), V({"0"}));
  EXPECT_EQ(rows("SELECT count(*) FROM c WHERE NOT (i > 0)"), V({"2"}));
}

TEST(EngineDurableTest, TablesSurviveReopen) {
  std::string dir = std::filesystem::temp_directory_path() / ("strata_engine_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  EngineOptions o;
  o.data_dir = dir;
  {
    auto e = Engine::open(io::posix_file_system(), o);
    ASSERT_TRUE(e.ok()) << e.status().to_string();
    auto s = (*e)->new_session();
    ASSERT_TRUE(s->execute_all("CREATE TABLE d (a int, b text); INSERT INTO d VALUES (1, 'x'), (2, 'y');"
                               "DELETE FROM d WHERE a = 1")
                    .ok());
  }
  auto e = Engine::open(io::posix_file_system(), o);
  ASSERT_TRUE(e.ok()) << e.status().to_string();
  auto s = (*e)->new_session();
  auto r = s->execute_all("SELECT a, b FROM d");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_EQ(r->back().batches.size(), 1u);
  EXPECT_EQ(r->back().batches[0].rows, 1u);
  EXPECT_EQ(types::format_value(r->back().batches[0].columns[1].get_value(0)), "y");
  std::filesystem::remove_all(dir);
}

TEST(EngineDurableTest, QueriesOverTheMemoryBudgetSpill) {
  std::string dir = std::filesystem::temp_directory_path() / ("strata_engine_spill_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  EngineOptions o;
  o.data_dir = dir;
  o.query_memory_bytes = 256 << 10;
  auto e = Engine::open(io::posix_file_system(), o);
  ASSERT_TRUE(e.ok()) << e.status().to_string();
  auto s = (*e)->new_session();
  ASSERT_TRUE(s->execute_all("CREATE TABLE d (x int); INSERT INTO d VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9);"
                             "CREATE TABLE n (x int, t text);"
                             "INSERT INTO n SELECT a.x + 10*b.x + 100*c.x + 1000*f.x, 'row' || a.x "
                             "FROM d a, d b, d c, d f")
                  .ok());
  auto r = s->execute_all("SELECT x, t FROM n ORDER BY t DESC, x DESC OFFSET 9990");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  size_t rows = 0;
  for (const auto& b : r->back().batches) rows += b.rows;
  EXPECT_EQ(rows, 10u);
  r = s->execute_all("EXPLAIN ANALYZE SELECT x, t FROM n ORDER BY t DESC, x DESC OFFSET 9990");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  std::string plan;
  for (const auto& b : r->back().batches) {
    for (size_t i = 0; i < b.rows; ++i) plan += types::format_value(b.columns[0].get_value(i)) + "\n";
  }
  EXPECT_NE(plan.find("spilled="), std::string::npos) << plan;
  r = s->execute_all("SELECT count(*) FROM (SELECT x, count(*) FROM n GROUP BY x) g");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(types::format_value(r->back().batches[0].columns[0].get_value(0)), "10000");
  // Spill files are gone once the queries end.
  EXPECT_TRUE(std::filesystem::is_empty(dir + "/spill"));
  std::filesystem::remove_all(dir);
}

// ---------------------------------------------------------------------------
// pg_catalog as psql's \d family reads it, arrays, table functions, cursors.

class CatalogQueryTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    exec(
        "CREATE TABLE t (id bigint PRIMARY KEY, name varchar(20) NOT NULL UNIQUE, price numeric(8,2) DEFAULT 1.5, "
        "CHECK (price > 0))");
    exec("CREATE INDEX t_name_idx ON t (name)");
    exec("CREATE VIEW v AS SELECT id, name FROM t");
    exec("COMMENT ON TABLE t IS 'the table'");
    exec("COMMENT ON COLUMN t.price IS 'in euros'");
  }
  std::string oid_of(const std::string& name) { return rows("SELECT '" + name + "'::regclass")[0]; }
};

TEST_F(CatalogQueryTest, EveryPsqlDescribeQueryRuns) {
  auto path =
      std::filesystem::path(__FILE__).parent_path().parent_path() / "sql" / "testdata" / "psql_describe_queries.sql";
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  ASSERT_FALSE(text.empty()) << path;
  size_t at = text.find("\n-- psql:");
  int n = 0;
  while (at != std::string::npos) {
    size_t next = text.find("\n-- psql:", at + 1);
    std::string q = text.substr(at, next == std::string::npos ? std::string::npos : next - at);
    // \df, \du and \dx read catalogs beyond the \d family (pg_proc, ...): they
    // must run too.
    auto r = session_->execute_all(q);
    EXPECT_TRUE(r.ok()) << r.status().to_string() << "\n" << q;
    ++n;
    at = next;
  }
  EXPECT_GE(n, 30);
}

TEST_F(CatalogQueryTest, DescribeTableParts) {
  std::string t = oid_of("t");
  EXPECT_EQ(rows("SELECT c.relname, c.relkind, c.relhasindex, c.relchecks FROM pg_catalog.pg_class c "
                 "WHERE c.relname OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default"),
            V({"t|r|t|1"}));
  EXPECT_EQ(
      rows("SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
           "pg_catalog.col_description(a.attrelid, a.attnum), "
           "(SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true) FROM pg_catalog.pg_attrdef d "
           "WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef) "
           "FROM pg_catalog.pg_attribute a WHERE a.attrelid = '" +
           t + "' AND a.attnum > 0 ORDER BY a.attnum"),
      V({"id|bigint|t|NULL|NULL", "name|character varying(20)|t|NULL|NULL", "price|numeric(8,2)|f|in euros|1.5"}));
  EXPECT_EQ(rows("SELECT c2.relname, i.indisprimary, i.indisunique, pg_catalog.pg_get_indexdef(i.indexrelid, 0, true), "
                 "pg_catalog.pg_get_constraintdef(con.oid, true), contype "
                 "FROM pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_index i "
                 "LEFT JOIN pg_catalog.pg_constraint con ON (conrelid = i.indrelid AND conindid = i.indexrelid "
                 "AND contype IN ('p','u','x')) "
                 "WHERE c.oid = '" +
                 t +
                 "' AND c.oid = i.indrelid AND i.indexrelid = c2.oid "
                 "ORDER BY i.indisprimary DESC, c2.relname"),
            V({"t_pkey|t|t|CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)|PRIMARY KEY (id)|p",
               "t_name_idx|f|f|CREATE INDEX t_name_idx ON public.t USING btree (name)|NULL|NULL",
               "t_name_key|f|t|CREATE UNIQUE INDEX t_name_key ON public.t USING btree (name)|UNIQUE (name)|u"}));
  EXPECT_EQ(rows("SELECT pg_catalog.pg_get_constraintdef(r.oid, true) FROM pg_catalog.pg_constraint r "
                 "WHERE r.conrelid = '" +
                 t + "' AND r.contype = 'c'")
                .size(),
            1u);
  EXPECT_EQ(rows("SELECT pg_catalog.obj_description(" + t + ", 'pg_class'), " + t +
                 "::pg_catalog.regclass, "
                 "'v'::regclass::oid > 0, (SELECT relkind FROM pg_class WHERE oid = 'v'::regclass)"),
            V({"the table|t|t|v"}));
  EXPECT_EQ(rows("SELECT pg_catalog.pg_get_viewdef('" + oid_of("v") + "'::pg_catalog.oid, true) LIKE '%FROM t%'"),
            V({"t"}));
  EXPECT_EQ(error("SELECT 'nope'::regclass"), "42P01");
}

TEST_F(EngineTest, Arrays) {
  EXPECT_EQ(rows("SELECT ARRAY[1, 2, NULL], ARRAY['a b', 'c'], '{3,4}'::int[], ARRAY[1,2] || ARRAY[3]"),
            V({"{1,2,NULL}|{\"a b\",c}|{3,4}|{1,2,3}"}));
  EXPECT_EQ(rows("SELECT 2 = ANY(ARRAY[1,2]), 5 = ANY('{1,2}'), 1 < ALL(ARRAY[2,3]), NULL::int = ANY(ARRAY[1])"),
            V({"t|f|t|NULL"}));
  EXPECT_EQ(rows("SELECT array_to_string(ARRAY['x', NULL, 'z'], ','), array_to_string(ARRAY['x', NULL], ',', '*'), "
                 "array_upper(ARRAY[7,8,9], 1), cardinality('{}'::text[]), (ARRAY[7,8,9])[2], (ARRAY[7])[5]"),
            V({"x,z|x,*|3|0|8|NULL"}));
  EXPECT_EQ(rows("SELECT ARRAY(SELECT x * 10 FROM generate_series(1, 3) g(x) ORDER BY x DESC), "
                 "'{0}'::bigint[] = '{0}', '{1}'::int[] <> '{2}'"),
            V({"{30,20,10}|t|t"}));
  EXPECT_EQ(rows("SELECT x FROM unnest(ARRAY['a', NULL, 'c']) x"), V({"a", "NULL", "c"}));
  EXPECT_EQ(rows("SELECT count(*), sum(s) FROM generate_series(1, 10000) s"), V({"10000|50005000"}));
  EXPECT_EQ(rows("SELECT g FROM generate_series(10, 1, -4) g"), V({"10", "6", "2"}));
  // Correlated: the table function's argument reads the outer row.
  EXPECT_EQ(rows("SELECT n, (SELECT string_agg(x, '+') FROM unnest(a) x) FROM "
                 "(VALUES (1, ARRAY['p','q']), (2, NULL)) v(n, a) ORDER BY n"),
            V({"1|p+q", "2|NULL"}));
  EXPECT_EQ(error("SELECT '{1,x}'::int[]"), "22P02");
  EXPECT_EQ(error("CREATE TABLE arr (a int[])"), "0A000");
}

TEST_F(EngineTest, Cursors) {
  exec("CREATE TABLE c (i int)");
  exec("INSERT INTO c SELECT g FROM generate_series(1, 5000) g");
  EXPECT_EQ(error("DECLARE x CURSOR FOR SELECT 1"), "25P01");
  EXPECT_EQ(error("FETCH 1 FROM x"), "34000");
  exec("BEGIN");
  exec("DECLARE x CURSOR FOR SELECT i FROM c ORDER BY i");
  EXPECT_EQ(error("DECLARE x CURSOR FOR SELECT 1"), "42P03");
  exec("ROLLBACK");
  exec("BEGIN");
  exec("DECLARE x NO SCROLL CURSOR FOR SELECT i FROM c WHERE i > 2 ORDER BY i");
  EXPECT_EQ(rows("FETCH 2 FROM x"), V({"3", "4"}));
  EXPECT_EQ(rows("FETCH NEXT FROM x"), V({"5"}));
  auto moved = session_->execute_all("MOVE FORWARD 4990 FROM x");
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->back().command_tag, "MOVE 4990");
  EXPECT_EQ(rows("FETCH ALL FROM x"), V({"4996", "4997", "4998", "4999", "5000"}));
  EXPECT_EQ(rows("FETCH 1 FROM x"), V({}));
  EXPECT_EQ(error("FETCH BACKWARD 1 FROM x"), "55000");
  exec("ROLLBACK");
  exec("BEGIN");
  exec("DECLARE s SCROLL CURSOR FOR SELECT i FROM c WHERE i <= 3 ORDER BY i");
  EXPECT_EQ(rows("FETCH LAST FROM s"), V({"3"}));
  EXPECT_EQ(rows("FETCH PRIOR FROM s"), V({"2"}));
  EXPECT_EQ(rows("FETCH ABSOLUTE -3 FROM s"), V({"1"}));
  EXPECT_EQ(rows("FETCH RELATIVE 2 FROM s"), V({"3"}));
  EXPECT_EQ(rows("FETCH FORWARD ALL FROM s"), V({}));
  EXPECT_EQ(rows("FETCH BACKWARD ALL FROM s"), V({"3", "2", "1"}));
  exec("DECLARE h CURSOR WITH HOLD FOR SELECT i FROM c WHERE i <= 2 ORDER BY i");
  exec("COMMIT");
  EXPECT_EQ(error("FETCH 1 FROM s"), "34000");
  EXPECT_EQ(rows("FETCH 5 FROM h"), V({"1", "2"}));
  exec("CLOSE h");
  EXPECT_EQ(error("CLOSE h"), "34000");
  exec("DECLARE h2 CURSOR WITH HOLD FOR SELECT 1");
  exec("CLOSE ALL");
  EXPECT_EQ(error("FETCH 1 FROM h2"), "34000");
}

}  // namespace
}  // namespace strata::exec
