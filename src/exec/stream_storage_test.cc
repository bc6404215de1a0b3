// Streams through a Session over an in-memory TopicAccess: DDL and its errors,
// SELECT over retained records (with joins and aggregates), skipped records,
// INSERT appending encoded records.
#include "exec/stream_storage.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "exec/engine_test_util.h"
#include "exec/topic_access.h"

namespace strata::exec {
namespace {

// Topics in memory. read() returns at most two records per call, so scans
// exercise their refill loop.
class FakeTopicAccess : public TopicAccess {
 public:
  Result<int32_t> ensure_topic(const std::string& topic, int32_t partitions) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = topics_.find(topic);
    if (it != topics_.end()) return static_cast<int32_t>(it->second.size());
    topics_[topic].resize(static_cast<size_t>(partitions));
    return partitions;
  }
  Result<std::vector<PartitionOffsets>> partitions(const std::string& topic) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = topics_.find(topic);
    if (it == topics_.end()) return Status::sql("42P01", "no topic " + topic);
    std::vector<PartitionOffsets> out;
    for (size_t p = 0; p < it->second.size(); ++p) {
      out.push_back({static_cast<int32_t>(p), start_offset_, static_cast<int64_t>(it->second[p].size())});
    }
    return out;
  }
  Result<int64_t> append(const std::string& topic, int32_t partition, std::vector<ProducedRecord> records) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto& log = topics_.at(topic).at(static_cast<size_t>(partition));
    int64_t first = static_cast<int64_t>(log.size());
    for (auto& r : records) {
      FetchedRecord f;
      f.offset = static_cast<int64_t>(log.size());
      f.timestamp_ms = r.timestamp_ms;
      f.key = r.key;
      f.value = r.value;
      log.push_back(std::move(f));
    }
    ++appends_;
    return first;
  }
  Result<std::vector<FetchedRecord>> read(const std::string& topic, int32_t partition, int64_t from_offset,
                                          int64_t before_offset, int32_t max_bytes) override {
    std::lock_guard<std::mutex> lock(mu_);
    const auto& log = topics_.at(topic).at(static_cast<size_t>(partition));
    std::vector<FetchedRecord> out;
    for (int64_t o = std::max(from_offset, start_offset_); o < before_offset && out.size() < 2; ++o) {
      out.push_back(log.at(static_cast<size_t>(o)));
    }
    return out;
  }

  void produce(const std::string& topic, int32_t partition, std::optional<std::string> value) {
    std::vector<ProducedRecord> one(1);
    one[0].value = std::move(value);
    ASSERT_TRUE(append(topic, partition, std::move(one)).ok());
  }
  std::vector<std::string> values(const std::string& topic) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& p : topics_.at(topic)) {
      for (const auto& r : p) out.push_back(r.value.value_or("<null>"));
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  bool has_topic(const std::string& topic) {
    std::lock_guard<std::mutex> lock(mu_);
    return topics_.count(topic) != 0;
  }
  int appends() const { return appends_; }
  void set_start_offset(int64_t o) { start_offset_ = o; }

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<std::vector<FetchedRecord>>> topics_;
  int appends_ = 0;
  int64_t start_offset_ = 0;
};

class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions o;
    o.topic_access = &topics_;
    auto e = Engine::open(io::posix_file_system(), o);
    ASSERT_TRUE(e.ok()) << e.status().to_string();
    engine_ = std::move(e).value();
    session_ = engine_->new_session();
  }
  std::vector<std::string> rows(std::string_view sql) { return result_lines(*session_, sql); }
  std::string error(std::string_view sql) {
    auto r = session_->execute_all(sql);
    if (r.ok()) return "ok";
    return std::string(r.status().sqlstate());
  }
  std::vector<std::string> notices(std::string_view sql) {
    auto r = session_->execute_all(sql);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? r->back().notices : std::vector<std::string>{};
  }

  FakeTopicAccess topics_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Session> session_;
};

constexpr std::string_view kCreateOrders =
    "CREATE STREAM orders (order_id bigint NOT NULL, country text, amount numeric(10,2), ts timestamp, "
    "WATERMARK FOR ts AS ts - INTERVAL '5 seconds') "
    "WITH (topic = 'checkout.orders', format = 'json', partitions = 2, allowed_lateness = '10 seconds')";

TEST_F(StreamTest, CreateShowDrop) {
  ASSERT_EQ(error(kCreateOrders), "ok");
  EXPECT_TRUE(topics_.has_topic("checkout.orders"));
  EXPECT_EQ(rows("SHOW STREAMS"),
            (std::vector<std::string>{"public|orders|checkout.orders|json|2|ts AS ts - INTERVAL '5 seconds'|00:00:10|"
                                      "checkout.orders.dlq"}));
  const catalog::StreamDef* def = engine_->catalog().snapshot()->find_stream("public", "orders");
  ASSERT_NE(def, nullptr);
  EXPECT_EQ(def->watermark_delay_us, 5'000'000);
  EXPECT_EQ(def->allowed_lateness_us, 10'000'000);
  EXPECT_EQ(notices("CREATE STREAM IF NOT EXISTS" + std::string(kCreateOrders.substr(13))),
            (std::vector<std::string>{"stream \"orders\" already exists, skipping"}));
  EXPECT_EQ(error(kCreateOrders), "42P07");
  // Defaults: topic = the stream's name, json, one partition.
  ASSERT_EQ(error("CREATE STREAM clicks (url text)"), "ok");
  EXPECT_TRUE(topics_.has_topic("clicks"));
  EXPECT_EQ(rows("SHOW STREAMS").size(), 2u);
  EXPECT_EQ(error("DROP STREAM clicks"), "ok");
  EXPECT_TRUE(topics_.has_topic("clicks"));  // the topic stays
  EXPECT_EQ(notices("DROP STREAM IF EXISTS clicks"),
            (std::vector<std::string>{"stream \"clicks\" does not exist, skipping"}));
  EXPECT_EQ(error("DROP STREAM clicks"), "42P01");
}

TEST_F(StreamTest, BadDefinitionsAreClearErrors) {
  ASSERT_EQ(error("CREATE TABLE t (a int)"), "ok");
  EXPECT_EQ(error("CREATE STREAM t (a int)"), "42P07");
  EXPECT_EQ(error("CREATE STREAM s (a int) WITH (format = 'avro')"), "22023");
  EXPECT_EQ(error("CREATE STREAM s (a int) WITH (topic = 'bad topic!')"), "22023");
  EXPECT_EQ(error("CREATE STREAM s (a int) WITH (topic = '__consumer_offsets')"), "22023");
  EXPECT_EQ(error("CREATE STREAM s (a int) WITH (partitions = 0)"), "22023");
  EXPECT_EQ(error("CREATE STREAM s (a int) WITH (colour = 'red')"), "22023");
  EXPECT_EQ(error("CREATE STREAM s (a int) WITH (allowed_lateness = '1 month')"), "22023");
  EXPECT_EQ(error("CREATE STREAM s (a int, WATERMARK FOR a AS a - INTERVAL '1 second')"), "42804");
  EXPECT_EQ(error("CREATE STREAM s (ts timestamp, WATERMARK FOR b AS b)"), "42703");
  EXPECT_EQ(error("CREATE STREAM s (ts timestamp, WATERMARK FOR ts AS now())"), "0A000");
  EXPECT_EQ(error("CREATE STREAM s (a int, b int) WITH (format = raw)"), "42804");
  EXPECT_EQ(error("CREATE STREAM s (a int PRIMARY KEY)"), "0A000");
  EXPECT_EQ(error("DROP STREAM t"), "42809");
  ASSERT_EQ(error("CREATE STREAM s2 (a int)"), "ok");
  EXPECT_EQ(error("DROP TABLE s2"), "42809");
  ASSERT_EQ(error("DROP STREAM s2"), "ok");
  EXPECT_TRUE(engine_->catalog().snapshot()->streams.empty());
  EXPECT_FALSE(topics_.has_topic("s"));
}

TEST_F(StreamTest, SelectReadsRetainedRecordsAndSkipsBadOnes) {
  ASSERT_EQ(error(kCreateOrders), "ok");
  topics_.produce("checkout.orders", 0, R"({"order_id": 1, "country": "BR", "amount": 48.90, "ts": "2024-05-01 12:00:00"})");
  topics_.produce("checkout.orders", 0, R"({"order_id": 2, "country": "DE", "amount": 10})");
  topics_.produce("checkout.orders", 1, R"({"order_id": 3, "country": "BR", "amount": 1.10})");
  topics_.produce("checkout.orders", 1, R"({"order_id": "three"})");
  topics_.produce("checkout.orders", 1, "not json");
  topics_.produce("checkout.orders", 1, R"({"order_id": 4, "country": "FR", "amount": 5})");
  EXPECT_EQ(rows("SELECT order_id, country, amount FROM orders ORDER BY order_id"),
            (std::vector<std::string>{"1|BR|48.90", "2|DE|10.00", "3|BR|1.10", "4|FR|5.00"}));
  std::vector<std::string> n = notices("SELECT count(*) FROM orders");
  ASSERT_EQ(n.size(), 1u);
  EXPECT_NE(n[0].find("skipped 2 records of stream \"orders\""), std::string::npos) << n[0];
  EXPECT_NE(n[0].find("partition 1 offset 1: field \"order_id\""), std::string::npos) << n[0];
  EXPECT_EQ(rows("SELECT country, sum(amount), count(*) FROM orders GROUP BY country ORDER BY country"),
            (std::vector<std::string>{"BR|50.00|2", "DE|10.00|1", "FR|5.00|1"}));
  ASSERT_EQ(error("CREATE TABLE countries (code text, name text); "
                  "INSERT INTO countries VALUES ('BR', 'Brazil'), ('DE', 'Germany')"),
            "ok");
  EXPECT_EQ(rows("SELECT c.name, sum(o.amount) FROM orders o JOIN countries c ON c.code = o.country "
                 "GROUP BY c.name ORDER BY c.name"),
            (std::vector<std::string>{"Brazil|50.00", "Germany|10.00"}));
  // Records below the log start (retention) are not read.
  topics_.set_start_offset(1);
  EXPECT_EQ(rows("SELECT order_id FROM orders ORDER BY order_id"), (std::vector<std::string>{"2", "4"}));
}

TEST_F(StreamTest, InsertAppendsEncodedRecords) {
  ASSERT_EQ(error(kCreateOrders), "ok");
  ASSERT_EQ(error("INSERT INTO orders VALUES (10, 'BR', 48.9, '2024-05-01 12:00:00'), (11, NULL, 2, NULL)"), "ok");
  EXPECT_EQ(topics_.values("checkout.orders"),
            (std::vector<std::string>{
                R"({"order_id": 10, "country": "BR", "amount": 48.90, "ts": "2024-05-01 12:00:00"})",
                R"({"order_id": 11, "country": null, "amount": 2.00, "ts": null})"}));
  ASSERT_EQ(error("CREATE TABLE src (id bigint); INSERT INTO src VALUES (20), (21), (22)"), "ok");
  ASSERT_EQ(error("INSERT INTO orders (order_id, amount) SELECT id, id * 2 FROM src"), "ok");
  EXPECT_EQ(rows("SELECT order_id, amount FROM orders WHERE order_id >= 20 ORDER BY 1"),
            (std::vector<std::string>{"20|40.00", "21|42.00", "22|44.00"}));
  EXPECT_EQ(error("INSERT INTO orders (country) VALUES ('BR')"), "23502");
  EXPECT_EQ(error("UPDATE orders SET amount = 0"), "42809");
  EXPECT_EQ(error("DELETE FROM orders"), "42809");
  ASSERT_EQ(error("CREATE STREAM lines (line text) WITH (format = 'csv')"), "ok");
  ASSERT_EQ(error("INSERT INTO lines VALUES ('a,b'), ('plain')"), "ok");
  EXPECT_EQ(topics_.values("lines"), (std::vector<std::string>{"\"a,b\"", "plain"}));
  EXPECT_EQ(rows("SELECT line FROM lines ORDER BY 1"), (std::vector<std::string>{"a,b", "plain"}));
}

TEST(StreamWithoutLogTest, StreamStatementsFailClearly) {
  auto e = Engine::open(io::posix_file_system(), EngineOptions{});
  ASSERT_TRUE(e.ok());
  auto s = (*e)->new_session();
  auto r = s->execute_all("CREATE STREAM s (a int)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().sqlstate(), "0A000");
}


// Materialized views (view_maintainer.h, stream_runtime.h) over the fake log: the
// runtime thread maintains them; the test polls until the view equals the batch
// SELECT of the same query over the stream.
namespace mv {

bool eventually_equal(const std::function<std::vector<std::string>()>& a,
                      const std::function<std::vector<std::string>()>& b) {
  for (int i = 0; i < 500; ++i) {
    if (a() == b()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace mv

TEST_F(StreamTest, MaterializedViewEqualsBatch) {
  ASSERT_EQ(error(kCreateOrders), "ok");
  const char* q =
      "SELECT country, count(*) AS n, count(amount) AS na, sum(amount) AS s, avg(amount) AS a, min(order_id) AS lo, "
      "max(order_id) AS hi FROM orders WHERE order_id > 1 GROUP BY country HAVING count(*) > 0";
  ASSERT_EQ(error(std::string("CREATE MATERIALIZED VIEW v AS ") + q), "ok");
  ASSERT_EQ(error("CREATE MATERIALIZED VIEW g AS SELECT count(*) AS n, sum(amount) AS s FROM orders"), "ok");
  ASSERT_EQ(error("CREATE MATERIALIZED VIEW f AS SELECT order_id * 10 AS x, lower(country) AS c FROM orders "
                  "WHERE amount > 1"),
            "ok");
  EXPECT_EQ(rows("SELECT * FROM g"), (std::vector<std::string>{"0|NULL"}));
  for (int i = 0; i < 50; ++i) {
    topics_.produce("checkout.orders", i % 2,
                    fmt::format(R"({{"order_id": {}, "country": "{}", "amount": {}}})", i, i % 3 ? "BR" : "DE",
                                i % 7 == 0 ? "null" : fmt::format("{}.25", i)));
  }
  auto sorted = [&](std::string_view sql) { return rows(sql); };
  EXPECT_TRUE(mv::eventually_equal([&] { return sorted("SELECT * FROM v ORDER BY country"); },
                                   [&] { return sorted(std::string(q) + " ORDER BY country"); }));
  EXPECT_TRUE(mv::eventually_equal([&] { return sorted("SELECT * FROM g"); },
                                   [&] { return sorted("SELECT count(*), sum(amount) FROM orders"); }));
  EXPECT_TRUE(mv::eventually_equal(
      [&] { return sorted("SELECT * FROM f ORDER BY x"); },
      [&] { return sorted("SELECT order_id * 10, lower(country) FROM orders WHERE amount > 1 ORDER BY 1"); }));
  // A view joins like a table.
  EXPECT_EQ(rows("SELECT v.country, g.n FROM v, g WHERE v.country = 'DE'"), (std::vector<std::string>{"DE|50"}));
  EXPECT_EQ(error("INSERT INTO v VALUES ('x', 1, 1, 1, 1, 1, 1)"), "42809");
  EXPECT_EQ(error("DROP STREAM orders"), "2BP01");
  EXPECT_EQ(error("DROP MATERIALIZED VIEW v, g, f"), "ok");
  EXPECT_EQ(error("DROP MATERIALIZED VIEW v"), "42P01");
  EXPECT_EQ(error("DROP MATERIALIZED VIEW IF EXISTS v"), "ok");
  EXPECT_EQ(error("DROP STREAM orders"), "ok");
}

TEST_F(StreamTest, MaterializedViewRefusesWhatItCannotMaintain) {
  ASSERT_EQ(error(kCreateOrders), "ok");
  ASSERT_EQ(error("CREATE TABLE t (a int)"), "ok");
  // What no incremental rule covers but a chain over one stream: recomputed from
  // every input row at each step.
  int n = 0;
  for (const char* q : {"SELECT * FROM orders OFFSET 2", "SELECT * FROM orders ORDER BY order_id",
                        "SELECT * FROM orders LIMIT 3", "SELECT row_number() OVER () FROM orders",
                        // Whole-plan recomputation: any query over the stream.
                        "SELECT bool_and(amount > 1) FROM orders",
                        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) FROM orders",
                        "SELECT string_agg(country, ',') FROM orders",
                        "SELECT a.order_id, b.amount FROM orders a JOIN orders b ON a.order_id = b.order_id",
                        "SELECT o.*, t.a FROM orders o FULL JOIN t ON o.order_id = t.a"}) {
    const std::string name = "recomputed" + std::to_string(++n);
    EXPECT_EQ(error("CREATE MATERIALIZED VIEW " + name + " AS " + q), "ok") << q;
    EXPECT_EQ(error("DROP MATERIALIZED VIEW " + name), "ok");
  }
  for (const char* q : {"SELECT * FROM t", "SELECT random() FROM orders", "SELECT 1",
                        "SELECT * FROM orders WHERE ts > now() - INTERVAL '1 hour'",
                        "SELECT current_date, count(*) FROM orders",
                        "SELECT * FROM orders WHERE order_id IN (SELECT a FROM t)"}) {
    EXPECT_EQ(error(std::string("CREATE MATERIALIZED VIEW bad AS ") + q), "0A000") << q;
  }
  EXPECT_EQ(error("CREATE MATERIALIZED VIEW v AS SELECT count(*) AS n, count(*) AS n FROM orders"), "42701");
  EXPECT_EQ(error("CREATE MATERIALIZED VIEW v AS SELECT nope FROM orders"), "42703");
  ASSERT_EQ(error("CREATE MATERIALIZED VIEW v AS SELECT count(*) FROM orders"), "ok");
  EXPECT_EQ(error("CREATE MATERIALIZED VIEW v AS SELECT count(*) FROM orders"), "42P07");
  EXPECT_EQ(error("CREATE MATERIALIZED VIEW IF NOT EXISTS v AS SELECT count(*) FROM orders"), "ok");
  EXPECT_EQ(rows("SELECT relkind FROM pg_class WHERE relname = 'v'"), (std::vector<std::string>{"m"}));
  // A lookup join with a table is maintained; the table cannot go while it is read.
  EXPECT_EQ(error("CREATE MATERIALIZED VIEW lj AS SELECT o.order_id, t.a FROM orders o JOIN t ON o.order_id = t.a"),
            "ok");
  EXPECT_EQ(error("DROP TABLE t"), "2BP01");
  EXPECT_EQ(error("ALTER TABLE t ADD COLUMN b int"), "2BP01");
  EXPECT_EQ(error("DROP MATERIALIZED VIEW lj"), "ok");
  EXPECT_EQ(error("DROP TABLE t"), "ok");
}

TEST_F(StreamTest, MaterializedViewRecomputesWhatNoIncrementalRuleCovers) {
  ASSERT_EQ(error(kCreateOrders), "ok");
  // An ordered string_agg, a self-join, and an aggregate joined back to its own
  // stream (the shape of Nexmark q7): each equals its query as a batch.
  const std::vector<std::pair<std::string, std::string>> views = {
      {"names", "SELECT country, string_agg(CAST(order_id AS text), ',' ORDER BY order_id) AS ids FROM orders "
                "GROUP BY country"},
      {"pairs", "SELECT a.country, count(*) AS n FROM orders a JOIN orders b ON a.country = b.country "
                "AND a.order_id < b.order_id GROUP BY a.country"},
      {"top", "SELECT o.country, o.order_id, o.amount FROM orders o JOIN (SELECT country, max(amount) AS m "
              "FROM orders GROUP BY country) x ON o.country = x.country AND o.amount = x.m"},
  };
  for (const auto& [name, q] : views) {
    // CREATE says that the view is recomputed, and why.
    std::vector<std::string> said = notices("CREATE MATERIALIZED VIEW " + name + " AS " + q);
    ASSERT_EQ(said.size(), 1u) << q;
    EXPECT_NE(said[0].find("is recomputed from every input row at each step"), std::string::npos) << said[0];
  }
  std::string text;
  for (const std::string& line : rows("EXPLAIN CREATE MATERIALIZED VIEW x AS " + views[1].second)) text += line + "\n";
  EXPECT_NE(text.find("no incremental rule covers a join of stream \"orders\" with itself"), std::string::npos)
      << text;
  for (int round = 0; round < 2; ++round) {
    for (int i = round * 30; i < round * 30 + 30; ++i) {
      topics_.produce("checkout.orders", i % 2,
                      fmt::format(R"({{"order_id": {}, "country": "{}", "amount": {}}})", i, i % 3 ? "BR" : "DE",
                                  (i * 37) % 11));
    }
    for (const auto& [name, q] : views) {
      EXPECT_TRUE(mv::eventually_equal([&] { return rows("SELECT * FROM " + name + " ORDER BY 1, 2"); },
                                       [&] { return rows("SELECT * FROM (" + q + ") z ORDER BY 1, 2"); }))
          << name;
    }
  }
  EXPECT_EQ(rows("SELECT n FROM pairs WHERE country = 'DE'"), (std::vector<std::string>{"190"}));  // C(20, 2)
}

TEST_F(StreamTest, MaterializedViewDeadLettersWhatItCannotApply) {
  ASSERT_EQ(error(kCreateOrders), "ok");
  ASSERT_EQ(error("CREATE MATERIALIZED VIEW v AS SELECT order_id, 100 / order_id AS inv FROM orders"), "ok");
  EXPECT_TRUE(topics_.has_topic("checkout.orders.dlq"));
  topics_.produce("checkout.orders", 0, R"({"order_id": 4})");
  topics_.produce("checkout.orders", 0, R"({"order_id": )");
  topics_.produce("checkout.orders", 1, R"({"order_id": 0})");
  topics_.produce("checkout.orders", 1, R"({"order_id": 5})");
  EXPECT_TRUE(mv::eventually_equal([&] { return rows("SELECT * FROM v ORDER BY order_id"); },
                                   [] { return std::vector<std::string>{"4|25", "5|20"}; }));
  EXPECT_TRUE(mv::eventually_equal([&] { return std::vector<std::string>{std::to_string(topics_.values("checkout.orders.dlq").size())}; },
                                   [] { return std::vector<std::string>{"2"}; }));
  std::vector<std::string> dead = topics_.values("checkout.orders.dlq");
  ASSERT_EQ(dead.size(), 2u);
  std::string all = dead[0] + dead[1];
  EXPECT_NE(all.find("\"reason\":\"division by zero\""), std::string::npos) << all;
  EXPECT_NE(all.find("\"partition\":0,\"offset\":1"), std::string::npos) << all;
  EXPECT_NE(all.find("\"partition\":1,\"offset\":0"), std::string::npos) << all;
  EXPECT_NE(all.find("\"value\":\"{\\\"order_id\\\": \""), std::string::npos) << all;
}

}  // namespace
}  // namespace strata::exec
