// Parallel plans (Gather over morsel-driven copies) against the same queries on one
// thread, over durable columnar tables large enough to have several row groups,
// with tail chunks, deleted rows and a transaction's pending inserts.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "exec/engine.h"
#include "exec/engine_test_util.h"
#include "types/cast.h"

namespace strata::exec {
namespace {

using V = std::vector<std::string>;

class ParallelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("strata_parallel_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    EngineOptions o;
    o.data_dir = dir_;
    o.parallel_workers = 4;
    auto e = Engine::open(io::posix_file_system(), o);
    ASSERT_TRUE(e.ok()) << e.status().to_string();
    engine_ = std::move(e).value();
    session_ = engine_->new_session();
    // 200,000 rows written as one part (several row groups), then small inserts
    // that stay in the in-memory tail, then deletes.
    exec("CREATE TABLE digits (d int); INSERT INTO digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)");
    exec("CREATE TABLE big (x int, g int, s text)");
    exec(
        "INSERT INTO big SELECT a.d + 10*b.d + 100*c.d + 1000*e.d + 10000*f.d + 100000*h.d, "
        "(a.d + 10*b.d) % 7, 's' || c.d FROM digits a, digits b, digits c, digits e, digits f, "
        "(VALUES (0), (1)) AS h(d)");
    exec("INSERT INTO big VALUES (-1, 3, 'tail'), (-2, NULL, NULL), (-3, 5, 'tail')");
    exec("DELETE FROM big WHERE x % 1000 = 999");
    exec(
        "CREATE TABLE dim (g int PRIMARY KEY, label text); "
        "INSERT INTO dim VALUES (0,'zero'),(1,'one'),(2,'two'),(3,'three'),(4,'four'),(5,'five')");
    exec("SET min_parallel_table_scan_rows = 0");
  }
  void TearDown() override {
    session_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::vector<std::string> rows(std::string_view sql) { return result_lines(*session_, sql); }
  void exec(std::string_view sql) {
    auto r = session_->execute_all(sql);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.status().to_string();
  }
  std::string plan(std::string_view sql) {
    std::string text;
    for (const auto& line : rows("EXPLAIN " + std::string(sql))) text += line + "\n";
    return text;
  }
  // The query's rows (sorted unless `ordered`) with 4 workers and with 1.
  void expect_same(std::string_view sql, bool ordered = false) {
    exec("SET max_parallel_workers_per_gather = 4");
    EXPECT_NE(plan(sql).find("Gather"), std::string::npos) << sql << "\n" << plan(sql);
    V par = rows(sql);
    exec("SET max_parallel_workers_per_gather = 1");
    EXPECT_EQ(plan(sql).find("Gather"), std::string::npos) << sql;
    V ser = rows(sql);
    if (!ordered) {
      std::sort(par.begin(), par.end());
      std::sort(ser.begin(), ser.end());
    }
    EXPECT_FALSE(ser.empty()) << sql;
    EXPECT_EQ(par, ser) << sql;
  }

  std::string dir_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Session> session_;
};

TEST_F(ParallelTest, AggregatesMatchSerial) {
  expect_same("SELECT count(*), sum(x), min(x), max(x), count(g), count(s) FROM big");
  expect_same("SELECT g, count(*), sum(x), avg(x) FROM big GROUP BY g");
  expect_same("SELECT s, count(DISTINCT g) FROM big WHERE x > 1000 GROUP BY s");
  // 200,000 - 200 deleted + 3 tail rows.
  exec("SET max_parallel_workers_per_gather = 4");
  EXPECT_EQ(rows("SELECT count(*) FROM big"), V({"199803"}));
}

TEST_F(ParallelTest, TwoPhaseAggregation) {
  // count, sum, min, max and bool_and/or aggregate in each worker, then combine.
  std::string q =
      "SELECT g, count(*), count(s), sum(x), min(x), max(s), bool_and(x > 10), bool_or(x = 5) FROM big GROUP BY g";
  exec("SET max_parallel_workers_per_gather = 4");
  std::string p = plan(q);
  size_t gather = p.find("Gather");
  ASSERT_NE(gather, std::string::npos) << p;
  EXPECT_NE(p.find("HashAggregate"), std::string::npos) << p;
  EXPECT_NE(p.find("HashAggregate", gather), std::string::npos) << "partial aggregates under the Gather:\n" << p;
  expect_same(q);
  // No groups; empty input gives one row (count 0, sum NULL) either way.
  expect_same("SELECT count(*), sum(x), min(x) FROM big");
  expect_same("SELECT count(*), sum(x), min(x), max(x) FROM big WHERE x < -5");
  exec("SET max_parallel_workers_per_gather = 4");
  EXPECT_EQ(rows("SELECT count(*), sum(x) FROM big WHERE x < -5"), V({"0|NULL"}));
  // The result types stay the query's: count is bigint, sum(integer) bigint.
  // (so bigint arithmetic on it overflows: a numeric would not).
  auto r = session_->execute_all("SELECT count(*) + 9223372036854775807 FROM big");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().sqlstate(), "22003") << r.status().to_string();
  r = session_->execute_all("SELECT sum(x) + 9223372036854775807 FROM big");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().sqlstate(), "22003") << r.status().to_string();
  // Calls that do not combine this way (avg, DISTINCT) aggregate above the Gather.
  std::string serial = plan("SELECT g, avg(x) FROM big GROUP BY g");
  EXPECT_EQ(serial.find("HashAggregate", serial.find("Gather")), std::string::npos) << serial;
  expect_same("SELECT g, avg(x), count(DISTINCT s) FROM big GROUP BY g");
}

TEST_F(ParallelTest, FiltersProjectionsAndZonePredicates) {
  expect_same("SELECT x, x * 2 FROM big WHERE x < 50");
  expect_same("SELECT x FROM big WHERE x >= 150000 AND x < 150010");
  expect_same("SELECT count(*) FROM big WHERE g IS NULL");
  expect_same("SELECT x FROM big WHERE 10 > x");
  expect_same("SELECT x, s FROM big WHERE s = 'tail'");
  expect_same("SELECT x FROM big ORDER BY x DESC LIMIT 7", true);
}

TEST_F(ParallelTest, JoinsMatchSerial) {
  expect_same("SELECT d.label, count(*), sum(b.x) FROM big b, dim d WHERE b.g = d.g GROUP BY d.label");
  // The largest table is probed even when it is not first in FROM.
  expect_same("SELECT d.label, count(*) FROM dim d JOIN big b ON b.g = d.g WHERE b.x < 1000 GROUP BY d.label");
  expect_same("SELECT b.g, count(d.label) FROM big b LEFT JOIN dim d ON b.g = d.g GROUP BY b.g");
  expect_same("SELECT count(*) FROM big b WHERE b.g IN (SELECT g FROM dim WHERE label IN ('two', 'four'))");
  // A self-join: only the probe side's scan is split.
  expect_same("SELECT count(*) FROM big a JOIN big b ON a.x = b.x + 1 WHERE b.x < 100000");
}

TEST_F(ParallelTest, PendingInsertsCountOnce) {
  exec("SET max_parallel_workers_per_gather = 4");
  exec("BEGIN");
  exec("INSERT INTO big VALUES (1000000, 1, 'pending'), (1000001, 2, 'pending')");
  EXPECT_NE(plan("SELECT count(*) FROM big").find("Gather"), std::string::npos);
  EXPECT_EQ(rows("SELECT count(*), count(*) FILTER (WHERE s = 'pending') FROM big"), V({"199805|2"}));
  exec("ROLLBACK");
  EXPECT_EQ(rows("SELECT count(*) FROM big"), V({"199803"}));
}

TEST_F(ParallelTest, ErrorsAndEarlyStop) {
  exec("SET max_parallel_workers_per_gather = 4");
  auto r = session_->execute_all("SELECT sum(1 / (x - 123456)) FROM big");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().sqlstate(), "22012");
  // LIMIT stops the workers before they finish.
  EXPECT_EQ(rows("SELECT x FROM big LIMIT 5").size(), 5u);
  EXPECT_EQ(rows("SELECT count(*) FROM big"), V({"199803"}));
}

TEST_F(ParallelTest, SmallTablesStaySerial) {
  exec("SET max_parallel_workers_per_gather = 4");
  exec("SET min_parallel_table_scan_rows = 1000000");
  EXPECT_EQ(plan("SELECT count(*) FROM big").find("Gather"), std::string::npos);
  exec("SET min_parallel_table_scan_rows = 0");
  // A filter with a subquery runs above the Gather, on the query's thread.
  std::string p = plan("SELECT x FROM big WHERE x = (SELECT max(g) FROM dim)");
  ASSERT_NE(p.find("Gather"), std::string::npos) << p;
  EXPECT_LT(p.find("Filter"), p.find("Gather")) << p;
  expect_same("SELECT x FROM big WHERE x = (SELECT max(g) FROM dim)");
}

}  // namespace
}  // namespace strata::exec
