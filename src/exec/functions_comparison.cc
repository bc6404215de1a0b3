// Comparison operators = <> < > <= >= for every type (numbers across scales, text by
// bytes as in the C collation, booleans, dates, times, intervals, bytea) and jsonb
// equality. Floats order NaN above every other value and NaN = NaN, as PostgreSQL.
#include <cmath>
#include <string_view>

#include "exec/functions_common.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace strata::exec::fn {

namespace {

// Three-way comparison of two physical values.
template <class T>
inline int cmp3(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return std::isnan(b) ? 0 : 1;
    if (std::isnan(b)) return -1;
  }
  return (a > b) - (a < b);
}
template <>
inline int cmp3<Decimal>(const Decimal& a, const Decimal& b) {
  return types::decimal_compare(a, b);
}
template <>
inline int cmp3<Interval>(const Interval& a, const Interval& b) {
  __int128 x = types::interval_compare_key(a);
  __int128 y = types::interval_compare_key(b);
  return (x > y) - (x < y);
}
template <>
inline int cmp3<std::string_view>(const std::string_view& a, const std::string_view& b) {
  int c = a.compare(b);
  return (c > 0) - (c < 0);
}

template <class T, class Pred>
Status compare_loop(const Args& a, size_t n, Vector& out, Pred pred) {
  const T* x = a[0]->data<T>();
  const T* y = a[1]->data<T>();
  uint8_t* z = out.data<uint8_t>();
  for (size_t i = 0; i < n; ++i) z[i] = pred(cmp3<T>(x[i], y[i])) ? 1 : 0;
  return Status::ok_status();
}

// Mixed real/double comparisons widen to double.
template <class A, class B, class Pred>
Status compare_mixed(const Args& a, size_t n, Vector& out, Pred pred) {
  const A* x = a[0]->data<A>();
  const B* y = a[1]->data<B>();
  uint8_t* z = out.data<uint8_t>();
  for (size_t i = 0; i < n; ++i) z[i] = pred(cmp3<double>(x[i], y[i])) ? 1 : 0;
  return Status::ok_status();
}

struct OpDef {
  const char* name;
  bool (*pred)(int);
};
constexpr OpDef kOps[] = {
    {"=", [](int c) { return c == 0; }}, {"<>", [](int c) { return c != 0; }}, {"<", [](int c) { return c < 0; }},
    {">", [](int c) { return c > 0; }},  {"<=", [](int c) { return c <= 0; }}, {">=", [](int c) { return c >= 0; }},
};

template <class T>
void register_compare(FunctionRegistry& r, Type t) {
  for (const OpDef& op : kOps) {
    auto pred = op.pred;
    add_fn(r, op.name, {t, t}, Type::boolean(), [pred](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return compare_loop<T>(a, n, out, pred);
    });
  }
}

template <class A, class B>
void register_compare_mixed(FunctionRegistry& r, Type ta, Type tb) {
  for (const OpDef& op : kOps) {
    auto pred = op.pred;
    add_fn(r, op.name, {ta, tb}, Type::boolean(), [pred](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return compare_mixed<A, B>(a, n, out, pred);
    });
  }
}

}  // namespace

void register_comparison_functions(FunctionRegistry& r) {
  register_compare<uint8_t>(r, Type::boolean());
  register_compare<int16_t>(r, Type::smallint());
  register_compare<int32_t>(r, Type::integer());
  register_compare<int64_t>(r, Type::bigint());
  register_compare<float>(r, Type::real());
  register_compare<double>(r, Type::double_precision());
  register_compare_mixed<float, double>(r, Type::real(), Type::double_precision());
  register_compare_mixed<double, float>(r, Type::double_precision(), Type::real());
  register_compare<Decimal>(r, Type::numeric());
  register_compare<std::string_view>(r, Type::text());
  register_compare<std::string_view>(r, Type::bytea());
  register_compare<int32_t>(r, Type::date());
  register_compare<int64_t>(r, Type::time());
  register_compare<int64_t>(r, Type::timestamp());
  register_compare<int64_t>(r, Type::timestamptz());
  register_compare<Interval>(r, Type::interval());
}

}  // namespace strata::exec::fn
