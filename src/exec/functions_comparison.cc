// Comparison operators = <> < > <= >= for every type (numbers across scales, text by
// bytes as in the C collation, booleans, dates, times, intervals, bytea) and jsonb
// equality. Floats order NaN above every other value and NaN = NaN, as PostgreSQL.
#include <cmath>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

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

enum class CmpOp : uint8_t { kEq, kNe, kLt, kGt, kLe, kGe };

template <CmpOp op>
inline bool holds(int c) {
  if constexpr (op == CmpOp::kEq) return c == 0;
  if constexpr (op == CmpOp::kNe) return c != 0;
  if constexpr (op == CmpOp::kLt) return c < 0;
  if constexpr (op == CmpOp::kGt) return c > 0;
  if constexpr (op == CmpOp::kLe) return c <= 0;
  return c >= 0;
}

// Integers compare directly (the loop vectorizes); other types through cmp3.
template <CmpOp op, class T>
inline bool compare_values(const T& a, const T& b) {
  if constexpr (std::is_integral_v<T>) {
    if constexpr (op == CmpOp::kEq) return a == b;
    if constexpr (op == CmpOp::kNe) return a != b;
    if constexpr (op == CmpOp::kLt) return a < b;
    if constexpr (op == CmpOp::kGt) return a > b;
    if constexpr (op == CmpOp::kLe) return a <= b;
    return a >= b;
  } else {
    return holds<op>(cmp3<T>(a, b));
  }
}

template <class T, CmpOp op>
Status compare_loop(const Args& a, size_t n, Vector& out) {
  const T* x = a[0]->data<T>();
  const T* y = a[1]->data<T>();
  uint8_t* z = out.data<uint8_t>();
  for (size_t i = 0; i < n; ++i) z[i] = compare_values<op, T>(x[i], y[i]) ? 1 : 0;
  return Status::ok_status();
}

// Mixed real/double comparisons widen to double.
template <class A, class B, CmpOp op>
Status compare_mixed(const Args& a, size_t n, Vector& out) {
  const A* x = a[0]->data<A>();
  const B* y = a[1]->data<B>();
  uint8_t* z = out.data<uint8_t>();
  for (size_t i = 0; i < n; ++i) z[i] = holds<op>(cmp3<double>(x[i], y[i])) ? 1 : 0;
  return Status::ok_status();
}

constexpr std::pair<const char*, CmpOp> kOps[] = {
    {"=", CmpOp::kEq}, {"<>", CmpOp::kNe}, {"<", CmpOp::kLt}, {">", CmpOp::kGt}, {"<=", CmpOp::kLe}, {">=", CmpOp::kGe},
};

// Calls f.template operator()<op>() for the operator `op` names.
template <class F>
void with_op(CmpOp op, F&& f) {
  switch (op) {
    case CmpOp::kEq:
      f.template operator()<CmpOp::kEq>();
      break;
    case CmpOp::kNe:
      f.template operator()<CmpOp::kNe>();
      break;
    case CmpOp::kLt:
      f.template operator()<CmpOp::kLt>();
      break;
    case CmpOp::kGt:
      f.template operator()<CmpOp::kGt>();
      break;
    case CmpOp::kLe:
      f.template operator()<CmpOp::kLe>();
      break;
    case CmpOp::kGe:
      f.template operator()<CmpOp::kGe>();
      break;
  }
}

template <class T>
void register_compare(FunctionRegistry& r, Type t) {
  for (const auto& def : kOps) {
    const char* name = def.first;  // not a structured binding: lambdas capture it
    with_op(def.second, [&]<CmpOp o>() {
      add_fn(r, name, {t, t}, Type::boolean(), [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
        return compare_loop<T, o>(a, n, out);
      });
    });
  }
}

template <class A, class B>
void register_compare_mixed(FunctionRegistry& r, Type ta, Type tb) {
  for (const auto& def : kOps) {
    const char* name = def.first;  // not a structured binding: lambdas capture it
    with_op(def.second, [&]<CmpOp o>() {
      add_fn(r, name, {ta, tb}, Type::boolean(), [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
        return compare_mixed<A, B, o>(a, n, out);
      });
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
