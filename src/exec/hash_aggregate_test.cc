#include "exec/hash_aggregate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "exec/operator_test_util.h"

namespace strata::exec {
namespace {

using namespace strata::exec::testing;
using types::Type;
using types::Value;

// Input: g1 integer, g2 text, v bigint, f boolean, t text.
const std::vector<Type> kTypes = {Type::integer(), Type::text(), Type::bigint(), Type::boolean(), Type::text()};

Rows random_input(size_t n, uint64_t seed, int64_t groups) {
  std::mt19937_64 rng(seed);
  Rows rows;
  for (size_t i = 0; i < n; ++i) {
    Value v = rng() % 10 == 0 ? Value::null(Type::bigint()) : Value::bigint(static_cast<int64_t>(rng() % 20));
    Value f = rng() % 10 == 0 ? Value::null(Type::boolean()) : Value::boolean(rng() % 2 == 0);
    rows.push_back({random_int(rng, groups), random_text(rng, 3), v, f, random_text(rng, 5)});
  }
  return rows;
}

std::vector<AggregateSpec> all_specs() {
  std::vector<AggregateSpec> specs;
  auto spec = [](const sql::AggregateFunction& f, std::vector<int> args, Type t) {
    AggregateSpec s;
    s.function = &f;
    s.arg_cols = std::move(args);
    s.result_type = t;
    return s;
  };
  specs.push_back(spec(test_sum(), {2}, Type::bigint()));
  specs.push_back(spec(test_count(true), {}, Type::bigint()));
  specs.push_back(spec(test_count(false), {2}, Type::bigint()));
  AggregateSpec d = spec(test_sum(), {2}, Type::bigint());
  d.distinct = true;
  specs.push_back(std::move(d));
  AggregateSpec f = spec(test_count(false), {2}, Type::bigint());
  f.filter_col = 3;
  specs.push_back(std::move(f));
  AggregateSpec o = spec(test_concat(), {4}, Type::text());
  o.order_by = {SortKey::desc(2)};
  specs.push_back(std::move(o));
  AggregateSpec p = spec(test_percentile_disc(), {2}, Type::bigint());
  p.direct_args = {Value::double_precision(0.5)};
  p.order_by = {SortKey::asc(2)};
  specs.push_back(std::move(p));
  AggregateSpec dc = spec(test_concat(), {4}, Type::text());
  dc.distinct = true;
  dc.order_by = {SortKey::asc(4)};
  specs.push_back(std::move(dc));
  return specs;
}

// The reference: std::map from group key to the group's rows in input order.
Rows reference(const Rows& input, const std::vector<int>& group_cols) {
  auto less = [](const Row& a, const Row& b) { return row_less(a, b); };
  std::map<Row, Rows, decltype(less)> groups(less);
  if (group_cols.empty()) groups[Row{}];
  for (const Row& r : input) {
    Row key;
    for (int c : group_cols) key.push_back(r[c]);
    groups[key].push_back(r);
  }
  Rows out;
  for (const auto& [key, rows] : groups) {
    Row o = key;
    int64_t sum = 0, count_v = 0, count_f = 0;
    std::vector<int64_t> distinct, values;
    for (const Row& r : rows) {
      if (r[2].is_null()) continue;
      sum += r[2].as_int();
      ++count_v;
      values.push_back(r[2].as_int());
      if (std::find(distinct.begin(), distinct.end(), r[2].as_int()) == distinct.end()) distinct.push_back(r[2].as_int());
      if (!r[3].is_null() && r[3].as_bool()) ++count_f;
    }
    o.push_back(count_v ? Value::bigint(sum) : Value::null(Type::bigint()));
    o.push_back(Value::bigint(static_cast<int64_t>(rows.size())));
    o.push_back(Value::bigint(count_v));
    int64_t dsum = 0;
    for (int64_t d : distinct) dsum += d;
    o.push_back(distinct.empty() ? Value::null(Type::bigint()) : Value::bigint(dsum));
    o.push_back(Value::bigint(count_f));
    // string_agg(t ORDER BY v DESC): NULLS FIRST, ties in input order.
    Rows by_v = rows;
    std::stable_sort(by_v.begin(), by_v.end(), [](const Row& a, const Row& b) {
      if (a[2].is_null() || b[2].is_null()) return a[2].is_null() && !b[2].is_null();
      return a[2].as_int() > b[2].as_int();
    });
    std::string concat;
    for (const Row& r : by_v) {
      if (r[4].is_null()) continue;
      concat += (concat.empty() ? "" : ",") + r[4].as_string();
    }
    o.push_back(concat.empty() ? Value::null(Type::text()) : Value::text(concat));
    std::sort(values.begin(), values.end());
    o.push_back(values.empty() ? Value::null(Type::bigint())
                               : Value::bigint(values[static_cast<size_t>(0.5 * static_cast<double>(values.size() - 1))]));
    std::vector<std::string> texts;
    for (const Row& r : rows) {
      if (!r[4].is_null()) texts.push_back(r[4].as_string());
    }
    std::sort(texts.begin(), texts.end());
    texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
    std::string dconcat;
    for (const auto& t : texts) dconcat += (dconcat.empty() ? "" : ",") + t;
    o.push_back(dconcat.empty() ? Value::null(Type::text()) : Value::text(dconcat));
    out.push_back(std::move(o));
  }
  return out;
}

TEST(HashAggregateTest, RandomGroupsMatchReference) {
  for (auto group_cols : std::vector<std::vector<int>>{{0}, {0, 1}, {1}, {}}) {
    Rows input = random_input(6000, 17 + group_cols.size(), 200);
    TestContext tc;
    HashAggregate agg(source(kTypes, input, 700), group_cols, all_specs());
    auto got = run(agg, tc.ctx());
    ASSERT_TRUE(got.ok()) << got.status().to_string();
    EXPECT_TRUE(same_multiset(*got, reference(input, group_cols))) << "groups " << group_cols.size();
    EXPECT_EQ(agg.stats().spilled_bytes, 0u);
    EXPECT_EQ(tc.budget().used_bytes(), 0u);
  }
}

TEST(HashAggregateTest, EmptyInput) {
  TestContext tc;
  HashAggregate scalar(source(kTypes, {}), {}, all_specs());
  auto got = run(scalar, tc.ctx());
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(same_rows(*got, reference({}, {})));
  ASSERT_EQ(got->size(), 1u);
  EXPECT_TRUE((*got)[0][0].is_null());         // sum
  EXPECT_EQ((*got)[0][1].as_int(), 0);          // count(*)
  HashAggregate grouped(source(kTypes, {}), {0}, all_specs());
  got = run(grouped, tc.ctx());
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->empty());
}

TEST(HashAggregateTest, NullKeysFormOneGroupAndNumericScalesMeet) {
  std::vector<Type> t = {Type::numeric(), Type::bigint()};
  auto dec = [](int64_t unscaled, int32_t scale) { return Value::numeric(types::Decimal{unscaled, scale}); };
  Rows input = {{dec(10, 1), Value::bigint(1)}, {dec(100, 2), Value::bigint(2)}, {Value::null(Type::numeric()), Value::bigint(3)},
                {Value::null(Type::numeric()), Value::bigint(4)}, {dec(2, 0), Value::bigint(5)}};
  AggregateSpec s;
  s.function = &test_sum();
  s.arg_cols = {1};
  s.result_type = Type::bigint();
  TestContext tc;
  HashAggregate agg(source(t, input), {0}, {s});
  auto got = run(agg, tc.ctx());
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(same_multiset(*got, {{dec(1, 0), Value::bigint(3)}, {Value::null(Type::numeric()), Value::bigint(7)},
                                   {dec(2, 0), Value::bigint(5)}}));
}

TEST(HashAggregateTest, SpillsPartitionsUnderTinyBudget) {
  Rows input = random_input(30000, 5, 10000);
  TestContext tc(256 * 1024);
  HashAggregate agg(source(kTypes, input, 1000), {0, 1}, all_specs());
  auto got = run(agg, tc.ctx());
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_GT(agg.stats().spilled_bytes, 0u);
  EXPECT_TRUE(same_multiset(*got, reference(input, {0, 1})));
  EXPECT_EQ(tc.budget().used_bytes(), 0u);
  EXPECT_EQ(tc.spill_files(), 0u);
}

TEST(HashAggregateTest, DetailAndCancel) {
  TestContext tc;
  HashAggregate agg(source(kTypes, random_input(10, 1, 3)), {0}, all_specs());
  EXPECT_EQ(agg.detail(),
            "group: #0; test_sum(#2), test_count_star(*), test_count(#2), test_sum(DISTINCT #2), test_count(#2) "
            "FILTER #3, test_concat(#4 ORDER BY #2 DESC), test_percentile_disc(0.5, #2 ORDER BY #2 ASC), "
            "test_concat(DISTINCT #4 ORDER BY #4 ASC)");
  tc.cancel();
  auto got = run(agg, tc.ctx());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().sqlstate(), "57014");
}

}  // namespace
}  // namespace strata::exec
