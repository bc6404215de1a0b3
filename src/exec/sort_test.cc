#include "exec/sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "exec/limit.h"
#include "exec/operator_test_util.h"

namespace strata::exec {
namespace {

using namespace strata::exec::testing;
using types::Type;
using types::Value;

const std::vector<Type> kTypes = {Type::integer(), Type::text(), Type::bigint()};

// Rows (a, b, seq): seq is the input position, so stability is visible.
Rows random_rows(size_t n, uint64_t seed, int64_t range = 50) {
  std::mt19937_64 rng(seed);
  Rows rows;
  for (size_t i = 0; i < n; ++i) {
    rows.push_back({random_int(rng, range), random_text(rng, range), Value::bigint(static_cast<int64_t>(i))});
  }
  return rows;
}

// The reference: std::stable_sort with PostgreSQL's NULL placement.
Rows reference_sort(Rows rows, const std::vector<SortKey>& keys) {
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& x, const Row& y) {
    for (const SortKey& k : keys) {
      const Value& a = x[k.column];
      const Value& b = y[k.column];
      if (a.is_null() || b.is_null()) {
        if (a.is_null() && b.is_null()) continue;
        return a.is_null() == k.nulls_first;
      }
      int c = types::compare_values(a, b);
      if (c != 0) return k.descending ? c > 0 : c < 0;
    }
    return false;
  });
  return rows;
}

TEST(SortTest, RandomInputsMatchStableSort) {
  std::vector<std::vector<SortKey>> key_sets = {
      {SortKey::asc(0)},
      {SortKey::desc(0)},
      {SortKey::asc(1), SortKey::desc(0)},
      {SortKey{0, false, true}, SortKey{1, true, false}},
  };
  for (size_t k = 0; k < key_sets.size(); ++k) {
    Rows input = random_rows(5000, 7 + k);
    TestContext tc;
    Sort sort(source(kTypes, input, 777), key_sets[k]);
    auto got = run(sort, tc.ctx());
    ASSERT_TRUE(got.ok()) << got.status().to_string();
    EXPECT_TRUE(same_rows(*got, reference_sort(input, key_sets[k]))) << "key set " << k;
    EXPECT_EQ(sort.stats().spilled_bytes, 0u);
  }
}

TEST(SortTest, SpillsRunsUnderTinyBudgetAndMergesStably) {
  Rows input = random_rows(60000, 99, 300);
  std::vector<SortKey> keys = {SortKey::asc(1), SortKey::desc(0)};
  TestContext tc(64 * 1024);
  Sort sort(source(kTypes, input, 500), keys);
  EXPECT_EQ(sort.detail(), "keys: #1 ASC, #0 DESC");
  auto got = run(sort, tc.ctx());
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_GT(sort.stats().spilled_bytes, 0u);
  EXPECT_TRUE(same_rows(*got, reference_sort(input, keys)));
  EXPECT_EQ(tc.budget().used_bytes(), 0u);
  EXPECT_EQ(tc.spill_files(), 0u);
}

TEST(SortTest, EmptyInputAndNoSpillDirectory) {
  TestContext tc;
  Sort empty(source(kTypes, {}), {SortKey::asc(0)});
  auto got = run(empty, tc.ctx());
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->empty());

  TestContext small(16 * 1024);
  small.ctx().spill_dir.clear();
  Sort sort(source(kTypes, random_rows(20000, 3)), {SortKey::asc(0)});
  auto failed = run(sort, small.ctx());
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().sqlstate(), "53200");
}

TEST(SortTest, CancelReturns57014) {
  TestContext tc;
  tc.cancel();
  Sort sort(source(kTypes, random_rows(100, 1)), {SortKey::asc(0)});
  auto got = run(sort, tc.ctx());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().sqlstate(), "57014");
}

TEST(TopNTest, MatchesSortThenLimit) {
  std::vector<SortKey> keys = {SortKey::asc(0), SortKey::desc(1)};
  for (auto [limit, offset] : std::vector<std::pair<int64_t, int64_t>>{{10, 0}, {5, 7}, {0, 3}, {3000, 10}, {9000, 0}}) {
    Rows input = random_rows(8000, 11, 40);
    TestContext tc;
    TopN top(source(kTypes, input, 300), keys, limit, offset);
    auto got = run(top, tc.ctx());
    ASSERT_TRUE(got.ok()) << got.status().to_string();
    Rows want = reference_sort(input, keys);
    Rows slice(want.begin() + std::min<size_t>(want.size(), offset),
               want.begin() + std::min<size_t>(want.size(), offset + limit));
    EXPECT_TRUE(same_rows(*got, slice)) << "limit " << limit << " offset " << offset;
  }
}

TEST(TopNTest, FallsBackToSpillingSortWhenBudgetRefuses) {
  Rows input = random_rows(40000, 5, 1000);
  std::vector<SortKey> keys = {SortKey::desc(1)};
  TestContext tc(96 * 1024);
  TopN top(source(kTypes, input, 1000), keys, 20000, 100);
  EXPECT_EQ(top.detail(), "keys: #1 DESC, limit: 20000, offset: 100");
  auto got = run(top, tc.ctx());
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_GT(top.stats().spilled_bytes, 0u);
  Rows want = reference_sort(input, keys);
  EXPECT_TRUE(same_rows(*got, Rows(want.begin() + 100, want.begin() + 20100)));
}

TEST(LimitTest, OffsetAndLimitAcrossBatches) {
  Rows input = random_rows(2500, 2);
  for (auto [limit, offset] : std::vector<std::pair<int64_t, int64_t>>{
           {10, 0}, {10, 995}, {Limit::kNoLimit, 2400}, {0, 0}, {5000, 0}, {1, 2499}, {3, 2500}}) {
    TestContext tc;
    Limit op(source(kTypes, input, 1000), limit, offset);
    auto got = run(op, tc.ctx());
    ASSERT_TRUE(got.ok());
    size_t from = std::min<size_t>(input.size(), offset);
    size_t to = limit == Limit::kNoLimit ? input.size() : std::min<size_t>(input.size(), offset + limit);
    EXPECT_TRUE(same_rows(*got, Rows(input.begin() + from, input.begin() + to)));
  }
  Limit op(source(kTypes, input), 5, 2);
  EXPECT_EQ(op.detail(), "limit: 5, offset: 2");
}

TEST(LimitTest, StopsPullingAtTheLimit) {
  TestContext tc;
  auto src = source(kTypes, random_rows(10000, 4), 1000);
  Operator* raw = src.get();
  Limit op(std::move(src), 1500, 0);
  auto got = run(op, tc.ctx());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->size(), 1500u);
  EXPECT_EQ(raw->stats().batches_out, 2u);
}

TEST(BatchSourceTest, SplitsLargeBatchesAndReopens) {
  Rows input = random_rows(5000, 8);
  TestContext tc;
  BatchSource src(kTypes, make_batches(kTypes, input, 5000));
  EXPECT_EQ(src.detail(), "5000 rows");
  auto first = run(src, tc.ctx());
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(same_rows(*first, input));
  EXPECT_EQ(src.stats().batches_out, 3u);
  auto second = run(src, tc.ctx());
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(same_rows(*second, input));
}

}  // namespace
}  // namespace strata::exec

namespace strata::exec {
namespace {

using namespace strata::exec::testing;

TEST(SorterTest, ManyRunsMergeInPasses) {
  std::vector<types::Type> t = {types::Type::bigint(), types::Type::bigint()};
  std::mt19937_64 rng(42);
  Rows input;
  for (int i = 0; i < 30000; ++i) input.push_back({types::Value::bigint(static_cast<int64_t>(rng() % 1000)), types::Value::bigint(i)});
  TestContext tc(8 * 1024);
  Sorter sorter(t, {SortKey::asc(0)});
  OperatorStats stats;
  for (const auto& b : make_batches(t, input, 200)) ASSERT_TRUE(sorter.add(tc.ctx(), b, stats).ok());
  ASSERT_TRUE(sorter.finish(tc.ctx(), stats).ok());
  EXPECT_LE(sorter.run_count(), Sorter::kMergeFanIn);
  Rows got;
  types::Batch b;
  while (*sorter.next(tc.ctx(), b)) {
    for (size_t r = 0; r < b.rows; ++r) got.push_back({b.columns[0].get_value(r), b.columns[1].get_value(r)});
  }
  std::stable_sort(input.begin(), input.end(), [](const Row& x, const Row& y) { return x[0].as_int() < y[0].as_int(); });
  EXPECT_TRUE(same_rows(got, input));
  EXPECT_GT(stats.spilled_bytes, 30000u * 16 * 2);  // written at least twice: runs, then a merge pass
  sorter.close();
  EXPECT_EQ(tc.spill_files(), 0u);
}

}  // namespace
}  // namespace strata::exec
