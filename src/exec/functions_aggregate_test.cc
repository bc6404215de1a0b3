#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "exec/functions_test_util.h"

namespace strata::exec {
namespace {

using namespace testing;  // NOLINT

// Runs an aggregate over the rows of `columns` (one state), optionally splitting the
// rows into two partial states merged by combine. Returns the result's text form.
std::string agg(std::string_view name, const std::vector<std::vector<Value>>& columns, bool split = false,
                std::string* type_name = nullptr) {
  std::vector<Type> types;
  for (const auto& c : columns) types.push_back(c[0].type());
  Result<sql::AggregateMatch> m = registry().resolve_aggregate(name, types);
  if (!m.ok()) return error_text(m.status());
  if (type_name) *type_name = m->return_type.name();
  const sql::AggregateFunction& f = *m->function;
  size_t rows = columns.empty() ? 3 : columns[0].size();
  std::vector<types::Vector> vecs;
  for (size_t a = 0; a < columns.size(); ++a) {
    types::Vector v(m->arg_types[a]);
    for (const Value& x : columns[a]) v.append_value(types::cast_value(x, m->arg_types[a]).value());
    vecs.push_back(std::move(v));
  }
  std::vector<const types::Vector*> args;
  for (const auto& v : vecs) args.push_back(&v);
  auto s1 = std::unique_ptr<uint8_t[]>(new (std::align_val_t(16)) uint8_t[f.state_size]);
  auto s2 = std::unique_ptr<uint8_t[]>(new (std::align_val_t(16)) uint8_t[f.state_size]);
  f.init(s1.get());
  f.init(s2.get());
  std::vector<uint8_t*> states(rows, s1.get());
  if (split) {
    for (size_t i = rows / 2; i < rows; ++i) states[i] = s2.get();
  }
  std::string result;
  Status st = f.update(states.data(), args, rows);
  if (st.ok()) st = f.combine(s1.get(), s2.get());
  types::Vector out(m->return_type, 1);
  if (st.ok()) st = f.finalize(s1.get(), out, 0);
  if (f.destroy) {
    f.destroy(s1.get());
    f.destroy(s2.get());
  }
  // unique_ptr<uint8_t[]> frees with delete[]; the states were built with aligned new.
  ::operator delete[](s1.release(), std::align_val_t(16));
  ::operator delete[](s2.release(), std::align_val_t(16));
  if (!st.ok()) return error_text(st);
  Value v = out.get_value(0);
  return v.is_null() ? "NULL" : types::format_value(v);
}

std::vector<Value> ints(std::initializer_list<int32_t> xs) {
  std::vector<Value> v;
  for (int32_t x : xs) v.push_back(i4(x));
  return v;
}

// Expected values are PostgreSQL 15's output for the same aggregates.
TEST(AggregateFunctions, CountSumAvg) {
  std::vector<Value> col = {i4(1), i4(2), null_of(Type::integer()), i4(4)};
  EXPECT_EQ(agg("count", {col}), "3");
  EXPECT_EQ(agg("count", {}), "3");
  EXPECT_EQ(agg("sum", {col}), "7");
  EXPECT_EQ(agg("avg", {col}), "2.3333333333333333");
  EXPECT_EQ(agg("avg", {col}, true), "2.3333333333333333");
  std::string t;
  agg("sum", {{Value::smallint(1)}}, false, &t);
  EXPECT_EQ(t, "bigint");
  agg("sum", {{i8(1)}}, false, &t);
  EXPECT_EQ(t, "numeric");
  agg("avg", {{i8(1)}}, false, &t);
  EXPECT_EQ(t, "numeric");
  agg("avg", {{Value::real(1)}}, false, &t);
  EXPECT_EQ(t, "double precision");
  agg("sum", {{Value::real(1)}}, false, &t);
  EXPECT_EQ(t, "real");
  EXPECT_EQ(agg("sum", {{null_of(Type::integer())}}), "NULL");
  EXPECT_EQ(agg("count", {{null_of(Type::integer())}}), "0");
  EXPECT_EQ(agg("sum", {{i8(INT64_MAX), i8(INT64_MAX)}}), "18446744073709551614");
  EXPECT_EQ(agg("sum", {{num("1.5"), num("2.25"), num("4.125")}}), "7.875");
  EXPECT_EQ(agg("avg", {{num("1.5"), num("2.25"), num("4.125")}}), "2.6250000000000000");
  EXPECT_EQ(agg("avg", {{f8(1), f8(2)}}), "1.5");
  EXPECT_EQ(agg("avg", {{typed("1 day", Type::interval()), typed("2 hours", Type::interval())}}), "13:00:00");
  EXPECT_EQ(agg("sum", {{typed("1 day", Type::interval()), typed("2 hours", Type::interval())}}), "1 day 02:00:00");
}

TEST(AggregateFunctions, MinMaxStringAggBool) {
  std::vector<Value> col = {txt("b"), txt("a"), null_of(Type::text()), txt("c")};
  EXPECT_EQ(agg("min", {col}), "a");
  EXPECT_EQ(agg("max", {col}, true), "c");
  EXPECT_EQ(agg("string_agg", {col, {txt(","), txt(","), txt(","), txt(",")}}), "b,a,c");
  EXPECT_EQ(agg("string_agg", {col, {txt(","), txt(","), txt(","), txt(",")}}, true), "b,a,c");
  EXPECT_EQ(agg("min", {{num("1.50"), num("1.2"), num("3")}}), "1.2");
  EXPECT_EQ(agg("max", {{typed("2024-01-01", Type::date()), typed("2023-01-01", Type::date())}}), "2024-01-01");
  EXPECT_EQ(agg("max", {{f8(1), typed("NaN", Type::double_precision())}}), "NaN");
  EXPECT_EQ(agg("min", {{null_of(Type::integer())}}), "NULL");
  std::vector<Value> bools = {Value::boolean(true), Value::boolean(false), null_of(Type::boolean())};
  EXPECT_EQ(agg("bool_and", {bools}), "f");
  EXPECT_EQ(agg("every", {bools}), "f");
  EXPECT_EQ(agg("bool_or", {bools}), "t");
  EXPECT_EQ(agg("bool_and", {{Value::boolean(true), null_of(Type::boolean())}}), "t");
}

TEST(AggregateFunctions, Variance) {
  std::vector<Value> col = ints({1, 2, 4});
  EXPECT_EQ(agg("var_samp", {col}), "2.3333333333333333");
  EXPECT_EQ(agg("variance", {col}, true), "2.3333333333333333");
  EXPECT_EQ(agg("stddev", {col}), "1.5275252316519467");
  EXPECT_EQ(agg("var_pop", {col}), "1.5555555555555556");
  EXPECT_EQ(agg("stddev_pop", {col}), "1.2472191289246471");
  std::vector<Value> fl = {f8(1), f8(2), f8(4)};
  EXPECT_EQ(agg("variance", {fl}), "2.3333333333333335");
  EXPECT_EQ(agg("stddev", {fl}), "1.5275252316519468");
  EXPECT_NEAR(std::stod(agg("stddev", {fl}, true)), 1.5275252316519468, 1e-12);  // combine rounds differently
  EXPECT_EQ(agg("var_samp", {{num("1.5"), num("2.25"), num("4.125")}}), "1.8281250000000000");
  EXPECT_EQ(agg("stddev", {{num("1.5"), num("2.25"), num("4.125")}}), "1.3520817282989960");
  EXPECT_EQ(agg("var_samp", {ints({1, 1})}), "0");
  EXPECT_EQ(agg("var_samp", {ints({5})}), "NULL");
  EXPECT_EQ(agg("var_pop", {ints({5})}), "0");
}

TEST(AggregateFunctions, Percentiles) {
  std::vector<Value> frac(4, f8(0.5));
  std::vector<Value> col = {f8(1), f8(2), f8(4), f8(10)};
  EXPECT_EQ(agg("percentile_cont", {frac, col}), "3");
  EXPECT_EQ(agg("percentile_cont", {std::vector<Value>(4, f8(0.25)), col}), "1.75");
  EXPECT_EQ(agg("percentile_disc", {frac, ints({1, 2, 4, 10})}), "2");
  EXPECT_EQ(agg("percentile_disc", {frac, ints({10, 4, 2, 1})}, true), "2");
  EXPECT_EQ(agg("percentile_cont", {std::vector<Value>(4, f8(1.5)), col}),
            "ERROR 22003: percentile value 1.5 is not between 0 and 1");
  EXPECT_TRUE(registry()
                  .resolve_aggregate("percentile_cont", {Type::double_precision(), Type::integer()})
                  ->function->order_sensitive);
  EXPECT_EQ(registry().resolve_aggregate("percentile_disc", {Type::double_precision(), Type::integer()})->return_type,
            Type::integer());
}

TEST(AggregateFunctions, Mode) {
  EXPECT_EQ(agg("mode", {ints({3, 1, 3, 2, 1})}), "1");
  EXPECT_EQ(agg("mode", {{txt("b"), txt("a"), txt("b"), null_of(Type::text()), null_of(Type::text())}}, true), "b");
  EXPECT_EQ(agg("mode", {{null_of(Type::integer())}}), "NULL");
}

TEST(AggregateFunctions, Approximate) {
  std::vector<Value> xs;
  std::vector<Value> fr;
  for (int i = 0; i < 100000; ++i) {
    xs.push_back(i8(i % 50000));
    fr.push_back(f8(0.9));
  }
  std::string n = agg("approx_count_distinct", {xs});
  double est = std::stod(n);
  EXPECT_NEAR(est, 50000, 50000 * 0.03) << n;
  EXPECT_EQ(agg("approx_count_distinct", {ints({1, 2, 2, 3})}), "3");
  std::vector<Value> ds;
  for (int i = 0; i < 100000; ++i) ds.push_back(f8((i * 7919) % 100000));
  double p90 = std::stod(agg("approx_percentile", {ds, fr}, true));
  EXPECT_NEAR(p90, 90000, 1000);
  EXPECT_EQ(agg("approx_percentile", {{f8(1), f8(2), f8(4), f8(10)}, {f8(0.5), f8(0.5), f8(0.5), f8(0.5)}}), "3");
}

}  // namespace
}  // namespace strata::exec
