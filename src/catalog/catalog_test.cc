#include "catalog/catalog.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace strata::catalog {
namespace {

std::string temp_dir() {
  std::string d = std::filesystem::temp_directory_path() / ("strata_catalog_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  return d;
}

Status add_table(CatalogSnapshot& s, std::string name) {
  auto t = std::make_shared<TableDef>();
  t->oid = s.allocate_oid();
  t->name = name;
  t->columns.push_back({"a", types::Type::integer(), true, "", ""});
  t->columns.push_back({"b", types::Type::numeric(10, 2), false, "1.5", "price"});
  t->primary_key = {0};
  t->checks.push_back({"b_positive", "b > 0"});
  s.tables[CatalogSnapshot::key("public", name)] = std::move(t);
  return Status::ok_status();
}

TEST(CatalogTest, PersistsAcrossReopen) {
  std::string dir = temp_dir();
  {
    auto c = Catalog::open(io::posix_file_system(), dir);
    ASSERT_TRUE(c.ok()) << c.status().to_string();
    ASSERT_TRUE((*c)->update([](CatalogSnapshot& s) { return add_table(s, "t1"); }).ok());
    ASSERT_TRUE((*c)->update([](CatalogSnapshot& s) {
                      auto v = std::make_shared<ViewDef>();
                      v->oid = s.allocate_oid();
                      v->name = "v1";
                      v->column_names = {"x"};
                      v->column_types = {types::Type::text()};
                      v->query_sql = "SELECT 'a'";
                      s.views[CatalogSnapshot::key("public", "v1")] = std::move(v);
                      return Status::ok_status();
                    }).ok());
  }
  auto c = Catalog::open(io::posix_file_system(), dir);
  ASSERT_TRUE(c.ok());
  auto s = (*c)->snapshot();
  EXPECT_EQ(s->version, 2u);
  const TableDef* t = s->find_table("public", "t1");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->oid, kFirstUserOid);
  EXPECT_EQ(t->columns[1].type, types::Type::numeric(10, 2));
  EXPECT_EQ(t->columns[1].default_sql, "1.5");
  EXPECT_EQ(t->checks[0].expr_sql, "b > 0");
  EXPECT_EQ(t->column_index("b"), 1);
  ASSERT_NE(s->find_view("public", "v1"), nullptr);
  EXPECT_EQ(s->find_view("public", "v1")->query_sql, "SELECT 'a'");
  EXPECT_EQ(s->next_oid, kFirstUserOid + 2);
  std::filesystem::remove_all(dir);
}

TEST(CatalogTest, FailedEditChangesNothing) {
  auto c = Catalog::in_memory();
  auto before = c->snapshot();
  Status st = c->update([](CatalogSnapshot& s) {
    (void)add_table(s, "t");
    return Status::sql("42P07", "relation \"t\" already exists");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(c->snapshot(), before);
  EXPECT_EQ(c->snapshot()->find_table("public", "t"), nullptr);
}

TEST(CatalogTest, CorruptionIsReportedNotReset) {
  CatalogSnapshot s;
  ASSERT_TRUE(add_table(s, "t").ok());
  std::vector<uint8_t> bytes = encode_catalog(s);
  ASSERT_TRUE(decode_catalog(bytes).ok());
  for (size_t i = 0; i < bytes.size(); i += 7) {
    std::vector<uint8_t> bad = bytes;
    bad[i] ^= 0x40;
    EXPECT_FALSE(decode_catalog(bad).ok()) << "flip at " << i;
  }
  std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + bytes.size() / 2);
  EXPECT_FALSE(decode_catalog(cut).ok());
}

StreamDef sample_stream(Oid oid) {
  StreamDef st;
  st.oid = oid;
  st.name = "orders";
  st.columns.push_back({"order_id", types::Type::bigint(), true, "", ""});
  st.columns.push_back({"amount", types::Type::numeric(10, 2), false, "", "in EUR"});
  st.columns.push_back({"ts", types::Type::timestamp(), false, "", ""});
  st.topic = "checkout.orders";
  st.format = "csv";
  st.partitions = 3;
  st.watermark_column = "ts";
  st.watermark_sql = "ts - INTERVAL '5 seconds'";
  st.watermark_delay_us = 5'000'000;
  st.allowed_lateness_us = 10'000'000;
  st.dead_letter_topic = "checkout.orders.dlq";
  st.comment = "orders from checkout";
  return st;
}

TEST(CatalogTest, StreamsRoundTrip) {
  CatalogSnapshot s;
  ASSERT_TRUE(add_table(s, "t").ok());
  Oid oid = s.allocate_oid();
  s.streams[CatalogSnapshot::key("public", "orders")] = std::make_shared<StreamDef>(sample_stream(oid));
  EXPECT_TRUE(s.relation_exists("public", "orders"));
  Result<CatalogSnapshot> back = decode_catalog(encode_catalog(s));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  const StreamDef* st = back->find_stream("public", "orders");
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(back->find_stream_by_oid(oid), st);
  StreamDef want = sample_stream(oid);
  EXPECT_EQ(st->topic, want.topic);
  EXPECT_EQ(st->format, want.format);
  EXPECT_EQ(st->partitions, 3);
  EXPECT_EQ(st->watermark_column, "ts");
  EXPECT_EQ(st->watermark_sql, want.watermark_sql);
  EXPECT_EQ(st->watermark_delay_us, 5'000'000);
  EXPECT_EQ(st->allowed_lateness_us, 10'000'000);
  EXPECT_EQ(st->dead_letter_topic, want.dead_letter_topic);
  EXPECT_EQ(st->comment, want.comment);
  ASSERT_EQ(st->columns.size(), 3u);
  EXPECT_EQ(st->columns[1].type, types::Type::numeric(10, 2));
  EXPECT_TRUE(st->columns[0].not_null);
  EXPECT_EQ(st->columns[1].comment, "in EUR");
  auto as_table = st->as_table();
  EXPECT_EQ(as_table->oid, oid);
  EXPECT_EQ(as_table->column_index("ts"), 2);
  ASSERT_NE(back->find_table("public", "t"), nullptr);
}

// testdata/catalog_v1.bin was written by the version 1 encoder (before streams):
// one table "orders_v1" (a integer NOT NULL, b numeric(10,2) DEFAULT 1.5), version 7.
TEST(CatalogTest, ReadsVersion1Files) {
  std::ifstream in(std::filesystem::path(__FILE__).parent_path() / "testdata" / "catalog_v1.bin", std::ios::binary);
  ASSERT_TRUE(in.good());
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Result<CatalogSnapshot> s = decode_catalog(bytes);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ(s->version, 7u);
  EXPECT_TRUE(s->streams.empty());
  const TableDef* t = s->find_table("public", "orders_v1");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->columns[1].default_sql, "1.5");
  // Written back, it is a current-version file with the same content.
  std::vector<uint8_t> again = encode_catalog(*s);
  EXPECT_EQ(again[7], kCatalogFormatVersion);
  ASSERT_TRUE(decode_catalog(again).ok());
}

// testdata/catalog_v2.bin was written by the version 2 encoder (before
// materialized views): table "orders_v2" (a integer NOT NULL) and stream "clicks"
// over topic "web.clicks" (2 partitions, watermark on ts - 5 s), version 9.
TEST(CatalogTest, ReadsVersion2Files) {
  std::ifstream in(std::filesystem::path(__FILE__).parent_path() / "testdata" / "catalog_v2.bin", std::ios::binary);
  ASSERT_TRUE(in.good());
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(bytes[7], 2);
  Result<CatalogSnapshot> s = decode_catalog(bytes);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ(s->version, 9u);
  EXPECT_TRUE(s->materialized_views.empty());
  ASSERT_NE(s->find_table("public", "orders_v2"), nullptr);
  const StreamDef* st = s->find_stream("public", "clicks");
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->topic, "web.clicks");
  EXPECT_EQ(st->partitions, 2);
  EXPECT_EQ(st->watermark_delay_us, 5'000'000);
  EXPECT_EQ(st->dead_letter_topic, "web.clicks.dlq");
  std::vector<uint8_t> again = encode_catalog(*s);
  EXPECT_EQ(again[7], kCatalogFormatVersion);
  ASSERT_TRUE(decode_catalog(again).ok());
}

// testdata/catalog_v3.bin was written by the version 3 encoder (before sinks):
// stream "orders" over "shop.orders" (3 partitions) and materialized view
// "revenue" over it, version 11.
TEST(CatalogTest, ReadsVersion3Files) {
  std::ifstream in(std::filesystem::path(__FILE__).parent_path() / "testdata" / "catalog_v3.bin", std::ios::binary);
  ASSERT_TRUE(in.good());
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(bytes[7], 3);
  Result<CatalogSnapshot> s = decode_catalog(bytes);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ(s->version, 11u);
  EXPECT_TRUE(s->sinks.empty());
  const MaterializedViewDef* v = s->find_materialized_view("public", "revenue");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->column_names, (std::vector<std::string>{"country", "total"}));
  EXPECT_EQ(v->stream_oid, s->find_stream("public", "orders")->oid);
  std::vector<uint8_t> again = encode_catalog(*s);
  EXPECT_EQ(again[7], kCatalogFormatVersion);
  ASSERT_TRUE(decode_catalog(again).ok());
}

TEST(CatalogTest, SinksRoundTrip) {
  CatalogSnapshot s;
  auto k = std::make_shared<SinkDef>();
  k->oid = s.allocate_oid();
  k->name = "revenue_out";
  k->view_oid = 16390;
  k->topic = "shop.revenue";
  k->mode = "upsert";
  k->partitions = 4;
  k->comment = "to the dashboard";
  s.sinks[CatalogSnapshot::key("public", "revenue_out")] = k;
  EXPECT_FALSE(s.relation_exists("public", "revenue_out"));  // sinks are not relations
  std::vector<uint8_t> bytes = encode_catalog(s);
  Result<CatalogSnapshot> back = decode_catalog(bytes);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  const SinkDef* got = back->find_sink("public", "revenue_out");
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->oid, k->oid);
  EXPECT_EQ(got->view_oid, 16390u);
  EXPECT_EQ(got->topic, "shop.revenue");
  EXPECT_EQ(got->format, "json");
  EXPECT_EQ(got->mode, "upsert");
  EXPECT_EQ(got->partitions, 4);
  EXPECT_EQ(got->comment, "to the dashboard");
  bytes.resize(bytes.size() - 2);
  EXPECT_FALSE(decode_catalog(bytes).ok());
}

TEST(CatalogTest, MaterializedViewsRoundTrip) {
  CatalogSnapshot s;
  auto v = std::make_shared<MaterializedViewDef>();
  v->oid = s.allocate_oid();
  v->name = "revenue";
  v->query_sql = "SELECT country, sum(amount) FROM orders GROUP BY country";
  v->stream_oid = 16400;
  v->column_names = {"country", "sum"};
  v->column_types = {types::Type::text(), types::Type::numeric(38, 2)};
  v->comment = "per country";
  s.materialized_views[CatalogSnapshot::key("public", "revenue")] = v;
  EXPECT_TRUE(s.relation_exists("public", "revenue"));
  std::vector<uint8_t> bytes = encode_catalog(s);
  Result<CatalogSnapshot> back = decode_catalog(bytes);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  const MaterializedViewDef* got = back->find_materialized_view("public", "revenue");
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->oid, v->oid);
  EXPECT_EQ(got->query_sql, v->query_sql);
  EXPECT_EQ(got->column_names, v->column_names);
  EXPECT_EQ(got->column_types, v->column_types);
  EXPECT_EQ(got->comment, "per country");
  EXPECT_EQ(got->stream_oid, 16400u);
  EXPECT_EQ(back->find_materialized_view_by_oid(v->oid), got);
  EXPECT_EQ(got->as_table()->column_index("sum"), 1);
  // A truncated file is corruption, not a crash.
  bytes.resize(bytes.size() - 3);
  EXPECT_FALSE(decode_catalog(bytes).ok());
}

}  // namespace
}  // namespace strata::catalog
