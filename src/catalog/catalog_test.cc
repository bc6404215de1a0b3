#include "catalog/catalog.h"

#include <gtest/gtest.h>

#include <filesystem>

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

}  // namespace
}  // namespace strata::catalog
