#include "exec/nested_loop_join.h"

#include <gtest/gtest.h>

#include <random>

#include "exec/operator_test_util.h"

namespace strata::exec {
namespace {

using namespace strata::exec::testing;
using types::Type;
using types::Value;

const std::vector<Type> kTypes = {Type::integer(), Type::text()};

Rows random_side(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Rows rows;
  for (size_t i = 0; i < n; ++i) rows.push_back({random_int(rng, 50, 15), random_text(rng, 4)});
  return rows;
}

TEST(NestedLoopJoinTest, EveryKindOnANonEquiCondition) {
  Rows left = random_side(40, 1), right = random_side(2200, 2);  // two right chunks
  for (JoinKind kind : {JoinKind::kInner, JoinKind::kLeft, JoinKind::kRight, JoinKind::kFull, JoinKind::kSemi,
                        JoinKind::kAnti, JoinKind::kMark}) {
    TestContext tc;
    NestedLoopJoin join(source(kTypes, left, 128), source(kTypes, right), kind, std::make_unique<LessThan>(0, 2));
    auto got = run(join, tc.ctx());
    ASSERT_TRUE(got.ok()) << got.status().to_string();
    Rows want = reference_join(left, right, 2, 2, kind, false,
                               [](const Row& l, const Row& r) { return less_than(l[0], r[0]); });
    EXPECT_TRUE(same_multiset(*got, want)) << join.detail();
  }
}

TEST(NestedLoopJoinTest, CrossJoinAndEmptySides) {
  Rows left = random_side(40, 3), right = random_side(70, 4);
  TestContext tc;
  NestedLoopJoin cross(source(kTypes, left), source(kTypes, right), JoinKind::kInner, nullptr);
  EXPECT_EQ(cross.detail(), "Inner, cross");
  auto got = run(cross, tc.ctx());
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(same_multiset(*got, reference_join(left, right, 2, 2, JoinKind::kInner, false,
                                                 [](const Row&, const Row&) { return 1; })));
  for (JoinKind kind : {JoinKind::kLeft, JoinKind::kMark, JoinKind::kAnti}) {
    NestedLoopJoin j(source(kTypes, left), source(kTypes, {}), kind, std::make_unique<LessThan>(0, 2));
    got = run(j, tc.ctx());
    ASSERT_TRUE(got.ok());
    EXPECT_TRUE(same_multiset(*got, reference_join(left, {}, 2, 2, kind, false, [](const Row&, const Row&) { return 1; })));
  }
}

TEST(NestedLoopJoinTest, RightSideOverBudgetAndCancel) {
  TestContext small(16 * 1024);
  NestedLoopJoin j(source(kTypes, random_side(10, 5)), source(kTypes, random_side(5000, 6)), JoinKind::kInner, nullptr);
  auto got = run(j, small.ctx());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().sqlstate(), "53200");
  TestContext tc;
  tc.cancel();
  NestedLoopJoin c(source(kTypes, random_side(10, 5)), source(kTypes, random_side(10, 6)), JoinKind::kInner, nullptr);
  got = run(c, tc.ctx());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().sqlstate(), "57014");
}

}  // namespace
}  // namespace strata::exec
