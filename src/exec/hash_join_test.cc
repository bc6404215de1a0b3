#include "exec/hash_join.h"

#include <gtest/gtest.h>

#include <climits>
#include <random>

#include "exec/operator_test_util.h"

namespace strata::exec {
namespace {

using namespace strata::exec::testing;
using types::Type;
using types::Value;

// Probe: k integer, k2 text, v bigint. Build: k bigint (a wider integer), k2 text, v bigint.
const std::vector<Type> kProbe = {Type::integer(), Type::text(), Type::bigint()};
const std::vector<Type> kBuild = {Type::bigint(), Type::text(), Type::bigint()};

Rows random_side(size_t n, uint64_t seed, int64_t range, bool wide, int null_percent = 10) {
  std::mt19937_64 rng(seed);
  Rows rows;
  for (size_t i = 0; i < n; ++i) {
    Value k = random_int(rng, range, null_percent);
    if (wide) k = k.is_null() ? Value::null(Type::bigint()) : Value::bigint(k.as_int());
    rows.push_back({k, random_text(rng, 2, null_percent), Value::bigint(static_cast<int64_t>(rng() % 100))});
  }
  return rows;
}

const JoinKind kKinds[] = {JoinKind::kInner, JoinKind::kLeft, JoinKind::kRight, JoinKind::kFull,
                           JoinKind::kSemi,  JoinKind::kAnti, JoinKind::kMark};

// Key equality in three-valued logic, under the residual as a filter of build rows.
std::function<int(const Row&, const Row&)> hash_cond(const std::vector<int>& keys, bool residual) {
  return [keys, residual](const Row& l, const Row& r) {
    if (residual && less_than(l[2], r[2]) != 1) return 0;
    int result = 1;
    for (int k : keys) {
      if (l[k].is_null() || r[k].is_null()) {
        result = -1;
      } else if (types::compare_values(l[k], r[k]) != 0) {
        return 0;
      }
    }
    return result;
  };
}

struct Case {
  JoinKind kind;
  std::vector<int> keys;
  bool residual;
  bool null_aware;
};

void check(const Case& c, const Rows& probe, const Rows& build, size_t memory, bool expect_spill) {
  TestContext tc(memory);
  BatchExpressionPtr res;
  if (c.residual) res = std::make_unique<LessThan>(2, 5);
  HashJoin join(source(kProbe, probe, 700), source(kBuild, build, 900), c.keys, c.keys, c.kind, std::move(res),
                c.null_aware);
  auto got = run(join, tc.ctx());
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  Rows want = reference_join(probe, build, 3, 3, c.kind, c.null_aware, hash_cond(c.keys, c.residual));
  EXPECT_TRUE(same_multiset(*got, want)) << join.detail();
  if (expect_spill) {
    EXPECT_GT(join.stats().spilled_bytes, 0u) << join.detail();
  } else {
    EXPECT_EQ(join.stats().spilled_bytes, 0u) << join.detail();
  }
  EXPECT_EQ(tc.budget().used_bytes(), 0u);
  EXPECT_EQ(tc.spill_files(), 0u);
}

TEST(HashJoinTest, EveryKindWithNullsAndResidualsMatchesNestedLoops) {
  Rows probe = random_side(600, 1, 40, false), build = random_side(500, 2, 40, true);
  for (JoinKind kind : kKinds) {
    for (std::vector<int> keys : {std::vector<int>{0}, std::vector<int>{0, 1}}) {
      for (bool residual : {false, true}) {
        check(Case{kind, keys, residual, false}, probe, build, size_t{1} << 32, false);
      }
    }
  }
  for (std::vector<int> keys : {std::vector<int>{0}, std::vector<int>{1, 0}}) {
    for (bool residual : {false, true}) {
      check(Case{JoinKind::kAnti, keys, residual, true}, probe, build, size_t{1} << 32, false);
    }
  }
}

TEST(HashJoinTest, MarkAndNotInRules) {
  auto ints = [](std::vector<std::optional<int64_t>> v, bool wide) {
    Rows rows;
    for (auto x : v) {
      Type t = wide ? Type::bigint() : Type::integer();
      rows.push_back({x ? Value::of_int(t, *x) : Value::null(t), Value::text("a"), Value::bigint(0)});
    }
    return rows;
  };
  Rows probe = ints({1, 2, std::nullopt}, false);
  // Build without NULLs: 1 IN (1, 3) TRUE, 2 FALSE, NULL IN (...) NULL; NOT IN keeps 2.
  check(Case{JoinKind::kMark, {0}, false, false}, probe, ints({1, 3}, true), size_t{1} << 32, false);
  check(Case{JoinKind::kAnti, {0}, false, true}, probe, ints({1, 3}, true), size_t{1} << 32, false);
  // Build with a NULL: 2 IN (1, NULL) is NULL; NOT IN keeps nothing.
  check(Case{JoinKind::kMark, {0}, false, false}, probe, ints({1, std::nullopt}, true), size_t{1} << 32, false);
  check(Case{JoinKind::kAnti, {0}, false, true}, probe, ints({1, std::nullopt}, true), size_t{1} << 32, false);
  // Empty build: every mark FALSE (also for the NULL probe); NOT IN keeps every row.
  check(Case{JoinKind::kMark, {0}, false, false}, probe, {}, size_t{1} << 32, false);
  check(Case{JoinKind::kAnti, {0}, false, true}, probe, {}, size_t{1} << 32, false);

  TestContext tc;
  HashJoin j(source(kProbe, probe), source(kBuild, ints({1}, true)), {0}, {0}, JoinKind::kMark, nullptr, false);
  auto got = run(j, tc.ctx());
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 3u);
  EXPECT_TRUE((*got)[0][3].as_bool());
  EXPECT_FALSE((*got)[1][3].as_bool());
  EXPECT_TRUE((*got)[2][3].is_null());
}

// One integer key is joined through a direct array when its values are dense
// (span below the hash table's size) and through the hash table otherwise; both
// must agree with nested loops, at the edges of the range and of int64 too.
TEST(HashJoinTest, DenseAndSparseIntegerKeysMatchNestedLoops) {
  auto side = [](std::vector<int64_t> keys, uint64_t seed, bool wide) {
    std::mt19937_64 rng(seed);
    Rows rows;
    Type t = wide ? Type::bigint() : Type::integer();
    for (size_t i = 0; i < 700; ++i) {
      int64_t k = keys[rng() % keys.size()];
      Value v = rng() % 10 == 0 ? Value::null(t) : Value::of_int(t, k);
      rows.push_back({v, random_text(rng, 2, 10), Value::bigint(static_cast<int64_t>(rng() % 100))});
    }
    return rows;
  };
  std::vector<int64_t> dense_negative, sparse, with_extremes;
  for (int64_t k = -60; k <= 60; ++k) dense_negative.push_back(k);
  for (int64_t k = 0; k < 50; ++k) sparse.push_back(k * 1'000'003 - 7);
  with_extremes = {INT32_MIN, INT32_MAX, -1, 0, 1};
  std::vector<int64_t> extremes_wide = {INT64_MIN, INT64_MAX, -1, 0, 1};
  for (const auto& keys : {dense_negative, sparse, with_extremes}) {
    // Probe keys include values outside the build's range (below and above).
    std::vector<int64_t> probe_keys = keys;
    if (keys.front() > INT32_MIN) probe_keys.push_back(keys.front() - 1);
    if (keys.back() < INT32_MAX) probe_keys.push_back(keys.back() + 1);
    Rows probe = side(probe_keys, 11, false);
    for (JoinKind kind : kKinds) {
      check(Case{kind, {0}, false, false}, probe, side(keys, 12, true), size_t{1} << 32, false);
      check(Case{kind, {0}, true, false}, probe, side(keys, 13, true), size_t{1} << 32, false);
    }
  }
  // Unique dense build keys (a dimension table): one match at most per probe row,
  // with NULL keys on both sides and probe keys outside the range.
  Rows unique_build;
  for (int64_t k = -300; k <= 300; k += 2) {
    unique_build.push_back({Value::bigint(k), Value::text("u"), Value::bigint(k % 100)});
  }
  unique_build.push_back({Value::null(Type::bigint()), Value::text("n"), Value::bigint(1)});
  std::vector<int64_t> around;
  for (int64_t k = -320; k <= 320; ++k) around.push_back(k);
  for (JoinKind kind : kKinds) {
    check(Case{kind, {0}, false, false}, side(around, 16, false), unique_build, size_t{1} << 32, false);
    check(Case{kind, {0}, true, false}, side(around, 17, false), unique_build, size_t{1} << 32, false);
  }
  check(Case{JoinKind::kAnti, {0}, false, true}, side(around, 18, false), unique_build, size_t{1} << 32, false);
  // A build span that overflows int64 (INT64_MIN .. INT64_MAX) is not dense.
  for (JoinKind kind : kKinds) {
    check(Case{kind, {0}, false, false}, side({-1, 0, 1, 5}, 14, false), side(extremes_wide, 15, true),
          size_t{1} << 32, false);
  }
}

TEST(HashJoinTest, GraceSpillUnderTinyBudget) {
  Rows probe = random_side(800, 3, 1500, false), build = random_side(9000, 4, 1500, true);
  for (JoinKind kind : kKinds) {
    check(Case{kind, {0}, false, false}, probe, build, 64 * 1024, true);
  }
  check(Case{JoinKind::kFull, {0, 1}, true, false}, probe, build, 64 * 1024, true);
  check(Case{JoinKind::kAnti, {0}, false, true}, probe, build, 64 * 1024, true);
  // Mark with two keys keeps the whole build side in memory (its NULL rule needs it).
  check(Case{JoinKind::kMark, {0, 1}, false, false}, Rows(probe.begin(), probe.begin() + 300), build, 64 * 1024,
        false);
}

TEST(HashJoinTest, DuplicateKeysProduceLargeOutputsInBoundedBatches) {
  Rows probe, build;
  for (int i = 0; i < 150; ++i) probe.push_back({Value::integer(7), Value::text("p"), Value::bigint(i)});
  for (int i = 0; i < 150; ++i) build.push_back({Value::bigint(7), Value::text("b"), Value::bigint(i)});
  check(Case{JoinKind::kInner, {0}, false, false}, probe, build, size_t{1} << 32, false);
  check(Case{JoinKind::kFull, {0}, true, false}, probe, build, size_t{1} << 32, false);
}

TEST(HashJoinTest, DetailAndCancel) {
  TestContext tc;
  HashJoin j(source(kProbe, random_side(10, 1, 5, false)), source(kBuild, random_side(10, 2, 5, true)), {0, 1},
             {0, 1}, JoinKind::kAnti, std::make_unique<LessThan>(2, 5), true);
  EXPECT_EQ(j.detail(), "Anti (null-aware), keys: #0 = #0, #1 = #1, residual: #2 < #5");
  tc.cancel();
  auto got = run(j, tc.ctx());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().sqlstate(), "57014");
}

}  // namespace
}  // namespace strata::exec
