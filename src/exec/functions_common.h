// Helpers shared by the built-in function families (functions_*.cc): registration
// shorthands and the vectorized loops the kernels are written with.
//
// Error contract of the loops: the per-row operation returns an error code instead of
// a Status; the loop turns a code into a Status only when no argument of that row is
// NULL (ScalarKernel's contract: garbage in NULL rows never raises an error).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sql/function_registry.h"
#include "types/type.h"
#include "types/vector.h"

namespace strata::exec::fn {

using sql::FunctionContext;
using sql::FunctionRegistry;
using sql::ScalarFunction;
using sql::ScalarKernel;
using types::Decimal;
using types::Interval;
using types::Type;
using types::TypeId;
using types::Vector;
using Args = std::vector<const Vector*>;

// Per-row error codes of the loops below.
enum class Err : uint8_t {
  kNone = 0,
  kSmallIntRange,   // 22003 smallint out of range
  kIntRange,        // 22003 integer out of range
  kBigIntRange,     // 22003 bigint out of range
  kDivZero,         // 22012 division by zero
  kFloatOverflow,   // 22003 value out of range: overflow
  kFloatUnderflow,  // 22003 value out of range: underflow
  kNumericRange,    // 22003 numeric value out of range
  kInvalidArg,      // 2201F/22023 style: the detail is kept by the kernel
};
Status err_status(Err e);

// True when any argument is NULL at `row`.
inline bool row_has_null(const Args& args, size_t row) {
  for (const Vector* a : args) {
    if (a->nulls()[row] != 0) return true;
  }
  return false;
}

// Registration shorthand for a strict, stable function with a fixed return type.
void add_fn(FunctionRegistry& r, std::string name, std::vector<Type> args, Type ret, ScalarKernel k);
void add_fn_bind(FunctionRegistry& r, std::string name, std::vector<Type> args, sql::ReturnTypeFn bind, ScalarKernel k);

// out[i] = f(a[i]) for every row; f returns Err.
template <class A, class R, class F>
Status map1(const Args& args, size_t rows, Vector& out, F&& f) {
  const A* a = args[0]->data<A>();
  R* r = out.data<R>();
  for (size_t i = 0; i < rows; ++i) {
    Err e = f(a[i], r[i]);
    if (e != Err::kNone) [[unlikely]] {
      if (!row_has_null(args, i)) return err_status(e);
      r[i] = R{};
    }
  }
  return Status::ok_status();
}

template <class A, class B, class R, class F>
Status map2(const Args& args, size_t rows, Vector& out, F&& f) {
  const A* a = args[0]->data<A>();
  const B* b = args[1]->data<B>();
  R* r = out.data<R>();
  for (size_t i = 0; i < rows; ++i) {
    Err e = f(a[i], b[i], r[i]);
    if (e != Err::kNone) [[unlikely]] {
      if (!row_has_null(args, i)) return err_status(e);
      r[i] = R{};
    }
  }
  return Status::ok_status();
}

// Row-at-a-time loop for operations that return Result<R> (numeric, calendar math);
// NULL rows are skipped.
template <class R, class F>
Status map_rows(const Args& args, size_t rows, Vector& out, F&& f) {
  R* r = out.data<R>();
  for (size_t i = 0; i < rows; ++i) {
    if (row_has_null(args, i)) {
      r[i] = R{};
      continue;
    }
    Result<R> v = f(i);
    if (!v.ok()) return v.status();
    r[i] = std::move(v).value();
  }
  return Status::ok_status();
}

// Row-at-a-time loop producing strings: f(i, std::string& buf) -> Status fills buf.
template <class F>
Status map_strings(const Args& args, size_t rows, Vector& out, F&& f) {
  std::string buf;
  auto* r = out.data<std::string_view>();
  for (size_t i = 0; i < rows; ++i) {
    if (row_has_null(args, i)) {
      r[i] = std::string_view();
      continue;
    }
    buf.clear();
    STRATA_RETURN_IF_ERROR(f(i, buf));
    r[i] = out.add_string(buf);
  }
  return Status::ok_status();
}

// Reads row i of a numeric-family vector as double (integer, float or numeric).
double numeric_as_double(const Vector& v, size_t i);

// Float results: PostgreSQL raises on overflow to infinity from finite inputs and on
// underflow to zero from non-zero inputs.
inline Err check_float(double r, bool inputs_inf, bool zero_ok) {
  if (std::isinf(r) && !inputs_inf) [[unlikely]]
    return Err::kFloatOverflow;
  if (r == 0.0 && !zero_ok) [[unlikely]]
    return Err::kFloatUnderflow;
  return Err::kNone;
}

// numeric ^ numeric with PostgreSQL's result scale (functions_math.cc).
Result<Decimal> numeric_power(const Decimal& base, const Decimal& exp);

// The family registrations, called by register_builtin_functions.
void register_arithmetic_functions(FunctionRegistry& r);
void register_comparison_functions(FunctionRegistry& r);
void register_string_functions(FunctionRegistry& r);
void register_pattern_functions(FunctionRegistry& r);
void register_math_functions(FunctionRegistry& r);
void register_datetime_functions(FunctionRegistry& r);
void register_jsonb_functions(FunctionRegistry& r);
void register_system_functions(FunctionRegistry& r);
void register_array_functions(FunctionRegistry& r);
void register_aggregate_functions(FunctionRegistry& r);
void register_numeric_format_functions(FunctionRegistry& r);
void register_cast_functions(FunctionRegistry& r);

}  // namespace strata::exec::fn
