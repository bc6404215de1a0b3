// Arithmetic operators on the numeric types: + - * / % ^ and unary -, with
// PostgreSQL's semantics (integer overflow and division by zero are errors, integer
// division truncates toward zero, float overflow is an error, numeric is exact).
#include <cmath>
#include <limits>

#include "exec/functions_common.h"
#include "types/decimal.h"

namespace strata::exec::fn {

namespace {

template <class T>
constexpr Err int_range_err() {
  if constexpr (sizeof(T) == 2) return Err::kSmallIntRange;
  if constexpr (sizeof(T) == 4) return Err::kIntRange;
  return Err::kBigIntRange;
}

template <class T>
Type int_type() {
  if constexpr (sizeof(T) == 2) return Type::smallint();
  if constexpr (sizeof(T) == 4) return Type::integer();
  return Type::bigint();
}

template <class T>
void register_int_ops(FunctionRegistry& r) {
  const Type t = int_type<T>();
  add_fn(r, "+", {t, t}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map2<T, T, T>(
        a, n, out, [](T x, T y, T& z) { return __builtin_add_overflow(x, y, &z) ? int_range_err<T>() : Err::kNone; });
  });
  add_fn(r, "-", {t, t}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map2<T, T, T>(
        a, n, out, [](T x, T y, T& z) { return __builtin_sub_overflow(x, y, &z) ? int_range_err<T>() : Err::kNone; });
  });
  add_fn(r, "*", {t, t}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map2<T, T, T>(
        a, n, out, [](T x, T y, T& z) { return __builtin_mul_overflow(x, y, &z) ? int_range_err<T>() : Err::kNone; });
  });
  add_fn(r, "/", {t, t}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map2<T, T, T>(a, n, out, [](T x, T y, T& z) {
      if (y == 0) [[unlikely]]
        return Err::kDivZero;
      if (y == -1) {
        if (x == std::numeric_limits<T>::min()) [[unlikely]]
          return int_range_err<T>();
        z = static_cast<T>(-x);
        return Err::kNone;
      }
      z = static_cast<T>(x / y);
      return Err::kNone;
    });
  });
  add_fn(r, "%", {t, t}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map2<T, T, T>(a, n, out, [](T x, T y, T& z) {
      if (y == 0) [[unlikely]]
        return Err::kDivZero;
      z = y == -1 ? T{0} : static_cast<T>(x % y);
      return Err::kNone;
    });
  });
  add_fn(r, "-", {t}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map1<T, T>(a, n, out, [](T x, T& z) {
      if (x == std::numeric_limits<T>::min()) [[unlikely]]
        return int_range_err<T>();
      z = static_cast<T>(-x);
      return Err::kNone;
    });
  });
  // Bitwise operators: & | # (xor) ~ (not), shifts by an integer count.
  struct BitOp {
    const char* name;
    T (*f)(T, T);
  };
  for (BitOp op : {BitOp{"&", [](T x, T y) { return static_cast<T>(x & y); }},
                   BitOp{"|", [](T x, T y) { return static_cast<T>(x | y); }},
                   BitOp{"#", [](T x, T y) { return static_cast<T>(x ^ y); }}}) {
    auto f = op.f;
    add_fn(r, op.name, {t, t}, t, [f](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return map2<T, T, T>(a, n, out, [f](T x, T y, T& z) {
        z = f(x, y);
        return Err::kNone;
      });
    });
  }
  add_fn(r, "~", {t}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map1<T, T>(a, n, out, [](T x, T& z) {
      z = static_cast<T>(~x);
      return Err::kNone;
    });
  });
  for (int left = 0; left < 2; ++left) {
    add_fn(r, left ? "<<" : ">>", {t, Type::integer()}, t,
           [left](const FunctionContext&, const Args& a, size_t n, Vector& out) {
             return map2<T, int32_t, T>(a, n, out, [left](T x, int32_t y, T& z) {
               // Counts wrap modulo the width, as the C shift PostgreSQL uses does on x86.
               using U = std::make_unsigned_t<T>;
               int bits = static_cast<int>(sizeof(T) * 8);
               int s = static_cast<int>(static_cast<uint32_t>(y) % static_cast<uint32_t>(sizeof(T) <= 4 ? 32 : 64));
               if (s >= bits) {
                 z = left ? T{0} : static_cast<T>(x < 0 ? -1 : 0);
               } else {
                 z = left ? static_cast<T>(static_cast<U>(x) << s) : static_cast<T>(x >> s);
               }
               return Err::kNone;
             });
           });
  }
}

// Float arithmetic on (A, B) computed in R (real ops stay in float, mixed ones widen).
template <class A, class B, class R>
void register_float_ops(FunctionRegistry& r, Type ta, Type tb, Type tr) {
  add_fn(r, "+", {ta, tb}, tr, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map2<A, B, R>(a, n, out, [](A x, B y, R& z) {
      z = static_cast<R>(x) + static_cast<R>(y);
      return check_float(z, std::isinf(x) || std::isinf(y), true);
    });
  });
  add_fn(r, "-", {ta, tb}, tr, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map2<A, B, R>(a, n, out, [](A x, B y, R& z) {
      z = static_cast<R>(x) - static_cast<R>(y);
      return check_float(z, std::isinf(x) || std::isinf(y), true);
    });
  });
  add_fn(r, "*", {ta, tb}, tr, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map2<A, B, R>(a, n, out, [](A x, B y, R& z) {
      z = static_cast<R>(x) * static_cast<R>(y);
      return check_float(z, std::isinf(x) || std::isinf(y), x == 0 || y == 0);
    });
  });
  add_fn(r, "/", {ta, tb}, tr, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map2<A, B, R>(a, n, out, [](A x, B y, R& z) {
      if (y == 0 && !std::isnan(y)) [[unlikely]] {
        z = 0;
        return Err::kDivZero;
      }
      z = static_cast<R>(x) / static_cast<R>(y);
      return check_float(z, std::isinf(x), x == 0 || std::isinf(y));
    });
  });
}

template <class T>
void register_float_neg(FunctionRegistry& r, Type t) {
  add_fn(r, "-", {t}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map1<T, T>(a, n, out, [](T x, T& z) {
      z = -x;
      return Err::kNone;
    });
  });
}

Status pow_error(double x, double y) {
  if (x == 0 && y < 0) return Status::sql("2201F", "zero raised to a negative power is undefined");
  if (x < 0 && std::floor(y) != y) {
    return Status::sql("2201F", "a negative number raised to a non-integer power yields a complex result");
  }
  return Status::ok_status();
}

}  // namespace

void register_arithmetic_functions(FunctionRegistry& r) {
  register_int_ops<int16_t>(r);
  register_int_ops<int32_t>(r);
  register_int_ops<int64_t>(r);

  register_float_ops<float, float, float>(r, Type::real(), Type::real(), Type::real());
  register_float_ops<double, double, double>(r, Type::double_precision(), Type::double_precision(),
                                             Type::double_precision());
  register_float_ops<float, double, double>(r, Type::real(), Type::double_precision(), Type::double_precision());
  register_float_ops<double, float, double>(r, Type::double_precision(), Type::real(), Type::double_precision());
  register_float_neg<float>(r, Type::real());
  register_float_neg<double>(r, Type::double_precision());

  const Type d = Type::double_precision();
  add_fn(r, "^", {d, d}, d, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const double* x = a[0]->data<double>();
    const double* y = a[1]->data<double>();
    double* z = out.data<double>();
    for (size_t i = 0; i < n; ++i) {
      if ((x[i] == 0 && y[i] < 0) || (x[i] < 0 && std::floor(y[i]) != y[i])) [[unlikely]] {
        if (!row_has_null(a, i)) return pow_error(x[i], y[i]);
        z[i] = 0;
        continue;
      }
      z[i] = std::pow(x[i], y[i]);
      Err e = check_float(z[i], std::isinf(x[i]) || std::isinf(y[i]), x[i] == 0 || y[i] < 0);
      if (e != Err::kNone && !row_has_null(a, i)) return err_status(e);
    }
    return Status::ok_status();
  });

  const Type num = Type::numeric();
  auto num_op = [&](const char* name, Result<Decimal> (*op)(const Decimal&, const Decimal&)) {
    add_fn(r, name, {num, num}, num, [op](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const Decimal* x = a[0]->data<Decimal>();
      const Decimal* y = a[1]->data<Decimal>();
      return map_rows<Decimal>(a, n, out, [&](size_t i) { return op(x[i], y[i]); });
    });
  };
  num_op("+", types::decimal_add);
  num_op("-", types::decimal_sub);
  num_op("*", types::decimal_mul);
  num_op("/", types::decimal_div);
  num_op("%", types::decimal_mod);
  num_op("^", numeric_power);
  add_fn(r, "-", {num}, num, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map1<Decimal, Decimal>(a, n, out, [](const Decimal& x, Decimal& z) {
      z = types::decimal_negate(x);
      return Err::kNone;
    });
  });
}

}  // namespace strata::exec::fn
