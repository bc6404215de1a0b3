#include "sql/parser.h"

#include <gtest/gtest.h>

namespace strata::sql {
namespace {

TEST(ParserTest, Smoke) {
  auto r = parse_sql("SELECT 1");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
}

}  // namespace
}  // namespace strata::sql
