#include "exec/set_operation.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "exec/distinct.h"
#include "exec/operator_test_util.h"
#include "exec/union_all.h"

namespace strata::exec {
namespace {

using namespace strata::exec::testing;
using types::Type;
using types::Value;

const std::vector<Type> kTypes = {Type::integer(), Type::text()};

Rows random_rows(size_t n, uint64_t seed, int64_t range) {
  std::mt19937_64 rng(seed);
  Rows rows;
  for (size_t i = 0; i < n; ++i) rows.push_back({random_int(rng, range, 15), random_text(rng, 3, 15)});
  return rows;
}

using Counts = std::map<Row, int64_t, bool (*)(const Row&, const Row&)>;

Counts count(const Rows& rows) {
  Counts c(row_less);
  for (const Row& r : rows) ++c[r];
  return c;
}

Rows reference(const Rows& left, const Rows& right, SetOpKind kind, bool all) {
  Counts cl = count(left), cr = count(right);
  Counts keys(row_less);
  for (auto& [k, n] : cl) keys[k] = 0;
  for (auto& [k, n] : cr) keys[k] = 0;
  Rows out;
  for (auto& [k, unused] : keys) {
    int64_t l = cl.count(k) ? cl[k] : 0, r = cr.count(k) ? cr[k] : 0, n = 0;
    switch (kind) {
      case SetOpKind::kUnion: n = all ? l + r : 1; break;
      case SetOpKind::kIntersect: n = all ? std::min(l, r) : (l > 0 && r > 0); break;
      case SetOpKind::kExcept: n = all ? std::max<int64_t>(l - r, 0) : (l > 0 && r == 0); break;
    }
    for (int64_t i = 0; i < n; ++i) out.push_back(k);
  }
  return out;
}

TEST(SetOperationTest, MultisetSemanticsWithNulls) {
  for (SetOpKind kind : {SetOpKind::kUnion, SetOpKind::kIntersect, SetOpKind::kExcept}) {
    for (bool all : {false, true}) {
      Rows left = random_rows(3000, 1, 30), right = random_rows(2000, 2, 40);
      TestContext tc;
      SetOperation op(source(kTypes, left, 512), source(kTypes, right, 333), kind, all);
      auto got = run(op, tc.ctx());
      ASSERT_TRUE(got.ok()) << got.status().to_string();
      EXPECT_TRUE(same_multiset(*got, reference(left, right, kind, all)))
          << op.name() << " all=" << all;
    }
  }
  SetOperation op(source(kTypes, {}), source(kTypes, {}), SetOpKind::kExcept, true);
  EXPECT_EQ(op.name(), "Except All");
}

TEST(SetOperationTest, SpillsUnderTinyBudget) {
  Rows left = random_rows(20000, 3, 5000), right = random_rows(20000, 4, 5000);
  TestContext tc(128 * 1024);
  SetOperation op(source(kTypes, left), source(kTypes, right), SetOpKind::kIntersect, true);
  auto got = run(op, tc.ctx());
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_GT(op.stats().spilled_bytes, 0u);
  EXPECT_TRUE(same_multiset(*got, reference(left, right, SetOpKind::kIntersect, true)));
}

TEST(HashDistinctTest, DistinctRowsWithNulls) {
  Rows input = random_rows(5000, 5, 50);
  TestContext tc;
  HashDistinct op(source(kTypes, input, 100));
  auto got = run(op, tc.ctx());
  ASSERT_TRUE(got.ok());
  Rows want;
  for (auto& [k, n] : count(input)) want.push_back(k);
  EXPECT_TRUE(same_multiset(*got, want));

  TestContext small(96 * 1024);
  HashDistinct spilled(source(kTypes, random_rows(20000, 6, 20000)));
  got = run(spilled, small.ctx());
  ASSERT_TRUE(got.ok());
  EXPECT_GT(spilled.stats().spilled_bytes, 0u);
  want.clear();
  for (auto& [k, n] : count(random_rows(20000, 6, 20000))) want.push_back(k);
  EXPECT_TRUE(same_multiset(*got, want));
}

TEST(UnionAllTest, ConcatenatesInOrderAndRelabels) {
  Rows a = random_rows(2500, 7, 10), b = random_rows(10, 8, 10);
  std::vector<OperatorPtr> kids;
  kids.push_back(source(kTypes, a));
  kids.push_back(source(kTypes, {}));
  kids.push_back(source({Type::integer(), Type::varchar(5)}, b));
  TestContext tc;
  UnionAll op(std::move(kids));
  auto got = run(op, tc.ctx());
  ASSERT_TRUE(got.ok());
  Rows want = a;
  want.insert(want.end(), b.begin(), b.end());
  EXPECT_TRUE(same_rows(*got, want));
  for (const Row& r : *got) EXPECT_TRUE(r[1].is_null() || r[1].type() == Type::text());
}

}  // namespace
}  // namespace strata::exec
