#include "exec/window.h"

#include <gtest/gtest.h>

#include <random>

#include "exec/operator_test_util.h"

namespace strata::exec {
namespace {

using namespace strata::exec::testing;
using sql::BoundWindowFrame;
using sql::WindowFunctionKind;
using types::Type;
using types::Value;
using Bound = BoundWindowFrame::Bound;
using Units = BoundWindowFrame::Units;

// Input: p integer, o integer (ties), v bigint, k3 bigint = 3, k2 bigint = 2.
const std::vector<Type> kTypes = {Type::integer(), Type::integer(), Type::bigint(), Type::bigint(), Type::bigint()};

Rows random_input(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Rows rows;
  for (size_t i = 0; i < n; ++i) {
    Value v = rng() % 8 == 0 ? Value::null(Type::bigint()) : Value::bigint(static_cast<int64_t>(rng() % 100));
    rows.push_back({random_int(rng, 6, 10), random_int(rng, 8, 10), v, Value::bigint(3), Value::bigint(2)});
  }
  return rows;
}

BoundWindowFrame frame(Units u, Bound s, int64_t so, Bound e, int64_t eo) {
  BoundWindowFrame f;
  f.units = u;
  f.start = s;
  f.start_offset = so;
  f.end = e;
  f.end_offset = eo;
  return f;
}

WindowCall call(WindowFunctionKind k, std::vector<int> args, Type t, BoundWindowFrame f = BoundWindowFrame()) {
  WindowCall c;
  c.kind = k;
  c.arg_cols = std::move(args);
  c.result_type = t;
  c.frame = f;
  if (k == WindowFunctionKind::kAggregate) c.aggregate = &test_sum();
  return c;
}

std::vector<WindowCall> calls() {
  std::vector<WindowCall> c;
  c.push_back(call(WindowFunctionKind::kRowNumber, {}, Type::bigint()));
  c.push_back(call(WindowFunctionKind::kRank, {}, Type::bigint()));
  c.push_back(call(WindowFunctionKind::kDenseRank, {}, Type::bigint()));
  c.push_back(call(WindowFunctionKind::kPercentRank, {}, Type::double_precision()));
  c.push_back(call(WindowFunctionKind::kCumeDist, {}, Type::double_precision()));
  c.push_back(call(WindowFunctionKind::kNtile, {3}, Type::bigint()));
  c.push_back(call(WindowFunctionKind::kLag, {2}, Type::bigint()));
  c.push_back(call(WindowFunctionKind::kLead, {2, 4, 3}, Type::bigint()));
  c.push_back(call(WindowFunctionKind::kFirstValue, {2}, Type::bigint()));
  c.push_back(call(WindowFunctionKind::kLastValue, {2}, Type::bigint()));
  c.push_back(call(WindowFunctionKind::kNthValue, {2, 4}, Type::bigint(),
                   frame(Units::kRows, Bound::kPreceding, 1, Bound::kFollowing, 1)));
  c.push_back(call(WindowFunctionKind::kAggregate, {2}, Type::bigint()));
  c.push_back(call(WindowFunctionKind::kAggregate, {2}, Type::bigint(),
                   frame(Units::kRows, Bound::kPreceding, 2, Bound::kCurrentRow, 0)));
  c.push_back(call(WindowFunctionKind::kAggregate, {2}, Type::bigint(),
                   frame(Units::kGroups, Bound::kPreceding, 1, Bound::kFollowing, 1)));
  c.push_back(call(WindowFunctionKind::kAggregate, {2}, Type::bigint(),
                   frame(Units::kRows, Bound::kCurrentRow, 0, Bound::kUnboundedFollowing, 0)));
  c.push_back(call(WindowFunctionKind::kAggregate, {2}, Type::bigint(),
                   frame(Units::kRange, Bound::kUnboundedPreceding, 0, Bound::kUnboundedFollowing, 0)));
  c.push_back(call(WindowFunctionKind::kAggregate, {2}, Type::bigint(),
                   frame(Units::kRows, Bound::kFollowing, 1, Bound::kFollowing, 3)));
  return c;
}

// The reference, written row by row from the definitions.
Rows reference(Rows input) {
  auto key_less = [](const Value& a, const Value& b) {
    if (a.is_null() || b.is_null()) return !a.is_null() && b.is_null();  // NULLS LAST
    return a.as_int() < b.as_int();
  };
  auto key_eq = [](const Value& a, const Value& b) {
    return a.is_null() ? b.is_null() : (!b.is_null() && a.as_int() == b.as_int());
  };
  std::stable_sort(input.begin(), input.end(), [&](const Row& x, const Row& y) {
    if (!key_eq(x[0], y[0])) return key_less(x[0], y[0]);
    return key_less(x[1], y[1]);
  });
  std::vector<WindowCall> cs = calls();
  Rows out;
  for (size_t begin = 0; begin < input.size();) {
    size_t end = begin;
    while (end < input.size() && key_eq(input[end][0], input[begin][0])) ++end;
    int64_t n = static_cast<int64_t>(end - begin);
    auto at = [&](int64_t i) -> const Row& { return input[begin + static_cast<size_t>(i)]; };
    auto peer = [&](int64_t a, int64_t b) { return key_eq(at(a)[1], at(b)[1]); };
    std::vector<int64_t> groups(static_cast<size_t>(n), 0);
    for (int64_t j = 1; j < n; ++j) groups[static_cast<size_t>(j)] = groups[static_cast<size_t>(j - 1)] + (peer(j - 1, j) ? 0 : 1);
    auto group_of = [&](int64_t i) { return groups[static_cast<size_t>(i)]; };
    auto frame_rows = [&](const BoundWindowFrame& f, int64_t i) {
      std::vector<int64_t> rows;
      for (int64_t j = 0; j < n; ++j) {
        bool in_start, in_end;
        int64_t d = f.units == Units::kGroups ? group_of(j) - group_of(i) : j - i;
        bool is_peer = peer(i, j);
        switch (f.start) {
          case Bound::kUnboundedPreceding: in_start = true; break;
          case Bound::kCurrentRow: in_start = f.units == Units::kRows ? d >= 0 : (d >= 0 || is_peer); break;
          case Bound::kPreceding: in_start = d >= -f.start_offset; break;
          case Bound::kFollowing: in_start = d >= f.start_offset; break;
          default: in_start = false;
        }
        switch (f.end) {
          case Bound::kUnboundedFollowing: in_end = true; break;
          case Bound::kCurrentRow: in_end = f.units == Units::kRows ? d <= 0 : (d <= 0 || is_peer); break;
          case Bound::kPreceding: in_end = d <= -f.end_offset; break;
          case Bound::kFollowing: in_end = d <= f.end_offset; break;
          default: in_end = false;
        }
        if (f.units == Units::kRange && f.start == Bound::kCurrentRow) in_start = is_peer || j > i;
        if (f.units == Units::kRange && f.end == Bound::kCurrentRow) in_end = is_peer || j < i;
        if (in_start && in_end) rows.push_back(j);
      }
      return rows;
    };
    for (int64_t i = 0; i < n; ++i) {
      Row o = at(i);
      int64_t rank = 1, dense = group_of(i) + 1, peers_through = 0;
      for (int64_t j = 0; j < n; ++j) {
        if (j < i && !peer(i, j)) ++rank;
        if (j <= i || peer(i, j)) ++peers_through;
      }
      o.push_back(Value::bigint(i + 1));
      o.push_back(Value::bigint(rank));
      o.push_back(Value::bigint(dense));
      o.push_back(Value::double_precision(n > 1 ? static_cast<double>(rank - 1) / static_cast<double>(n - 1) : 0));
      o.push_back(Value::double_precision(static_cast<double>(peers_through) / static_cast<double>(n)));
      // ntile(3): sizes differ by at most one, larger buckets first.
      int64_t bucket = 0, filled = 0;
      for (int64_t b = 0; b < 3; ++b) {
        int64_t size = n / 3 + (b < n % 3 ? 1 : 0);
        if (i < filled + size) {
          bucket = b + 1;
          break;
        }
        filled += size;
      }
      o.push_back(Value::bigint(bucket));
      o.push_back(i >= 1 ? at(i - 1)[2] : Value::null(Type::bigint()));
      o.push_back(i + 2 < n ? at(i + 2)[2] : at(i)[3]);
      std::vector<int64_t> def = frame_rows(BoundWindowFrame(), i);
      o.push_back(def.empty() ? Value::null(Type::bigint()) : at(def.front())[2]);
      o.push_back(def.empty() ? Value::null(Type::bigint()) : at(def.back())[2]);
      std::vector<int64_t> nth = frame_rows(cs[10].frame, i);
      o.push_back(nth.size() >= 2 ? at(nth[1])[2] : Value::null(Type::bigint()));
      for (size_t k = 11; k < cs.size(); ++k) {
        int64_t sum = 0;
        bool any = false;
        for (int64_t j : frame_rows(cs[k].frame, i)) {
          if (at(j)[2].is_null()) continue;
          sum += at(j)[2].as_int();
          any = true;
        }
        o.push_back(any ? Value::bigint(sum) : Value::null(Type::bigint()));
      }
      out.push_back(std::move(o));
    }
    begin = end;
  }
  return out;
}

TEST(WindowTest, FunctionsAndFramesOnTiesMatchReference) {
  Rows input = random_input(1500, 3);
  TestContext tc;
  Window w(source(kTypes, input, 400), {0}, {SortKey::asc(1)}, calls());
  auto got = run(w, tc.ctx());
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_TRUE(same_rows(*got, reference(input)));
}

TEST(WindowTest, SpillingSortAndOnePartition) {
  Rows input = random_input(1200, 4);
  for (Row& r : input) r[0] = Value::integer(1);
  TestContext tc(16 * 1024);
  Window w(source(kTypes, input, 100), {0}, {SortKey::asc(1)}, calls());
  auto got = run(w, tc.ctx());
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_GT(w.stats().spilled_bytes, 0u);
  EXPECT_TRUE(same_rows(*got, reference(input)));
}

TEST(WindowTest, ErrorsAndDetail) {
  TestContext tc;
  std::vector<WindowCall> bad = {call(WindowFunctionKind::kAggregate, {2}, Type::bigint(),
                                      frame(Units::kRange, Bound::kPreceding, 1, Bound::kCurrentRow, 0))};
  Window range(source(kTypes, random_input(10, 1)), {}, {SortKey::asc(1)}, std::move(bad));
  auto got = run(range, tc.ctx());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().sqlstate(), "0A000");

  Rows zero = random_input(5, 2);
  for (Row& r : zero) r[3] = Value::bigint(0);
  Window ntile(source(kTypes, zero), {0}, {}, {call(WindowFunctionKind::kNtile, {3}, Type::bigint())});
  EXPECT_EQ(ntile.detail(), "partition: #0; ntile(#3)");
  got = run(ntile, tc.ctx());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().sqlstate(), "22014");

  tc.cancel();
  Window w(source(kTypes, random_input(10, 1)), {0}, {SortKey::asc(1)}, calls());
  got = run(w, tc.ctx());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().sqlstate(), "57014");
}

}  // namespace
}  // namespace strata::exec
