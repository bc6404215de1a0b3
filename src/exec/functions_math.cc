// Mathematical functions (PostgreSQL's "Mathematical Functions and Operators"):
// abs, ceil, floor, round, trunc, sign, sqrt, cbrt, exp, ln, log, log10, power, mod,
// div, gcd, lcm, pi, random, trigonometry, degrees, radians, width_bucket.
//
// numeric results of transcendental functions are computed in long double (about 19
// significant digits) and given PostgreSQL's result scale (numeric.c's rscale rules:
// at least 16 significant digits), so the printed digits match PostgreSQL's wherever
// 19 digits suffice.
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>

#include "exec/functions_common.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace strata::exec::fn {

namespace {

constexpr int32_t kMinSigDigits = 16;  // NUMERIC_MIN_SIG_DIGITS

__int128 abs128(__int128 v) { return v < 0 ? -v : v; }

int digit_count(__int128 v) {
  v = abs128(v);
  int n = 0;
  while (v > 0) {
    v /= 10;
    ++n;
  }
  return n;
}

// Decimal exponent of the most significant digit (floor(log10(|d|))); 0 for zero.
int32_t decimal_dweight(const Decimal& d) {
  if (d.unscaled == 0) return 0;
  return digit_count(d.unscaled) - 1 - d.scale;
}

// PostgreSQL's base-10000 weight of a numeric.
int32_t base10000_weight(const Decimal& d) {
  if (d.unscaled == 0) return 0;
  return static_cast<int32_t>(types::floor_div(decimal_dweight(d), 4));
}

long double to_ld(const Decimal& d) {
  return static_cast<long double>(d.unscaled) / std::pow(10.0L, static_cast<long double>(d.scale));
}

// A long double as numeric with `scale` decimals, fewer when 38 digits do not hold it.
Result<Decimal> from_ld(long double v, int32_t scale) {
  if (!std::isfinite(static_cast<double>(v))) return Status::sql("22003", "value overflows numeric format");
  int32_t int_digits = v == 0 ? 1 : std::max(1, static_cast<int32_t>(std::floor(std::log10(std::fabs(v)))) + 1);
  scale = std::clamp(scale, 0, types::kDecimalMaxDigits - int_digits);
  if (int_digits > types::kDecimalMaxDigits) return Status::sql("22003", "value overflows numeric format");
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.*Lf", scale, v);
  return types::parse_decimal(buf);
}

// numeric.c's estimate_ln_dweight: the decimal weight of ln(d).
int32_t estimate_ln_dweight(const Decimal& d) {
  if (d.unscaled <= 0) return 0;
  long double x = to_ld(d);
  if (x >= 0.9L && x <= 1.1L) {
    long double y = x - 1;
    if (y == 0) return 0;
    return static_cast<int32_t>(std::floor(std::log10(std::fabs(y))));
  }
  return static_cast<int32_t>(std::log10(std::fabs(std::log(x))));  // truncates, as PostgreSQL
}

int32_t clamp_scale(int32_t s) { return std::clamp(s, 0, 1000); }

Status ln_error(long double x) {
  if (x == 0) return Status::sql("2201E", "cannot take logarithm of zero");
  return Status::sql("2201E", "cannot take logarithm of a negative number");
}

Result<Decimal> numeric_sqrt(const Decimal& d) {
  if (d.unscaled < 0) return Status::sql("2201F", "cannot take square root of a negative number");
  int32_t sweight = (base10000_weight(d) + 1) * 4 / 2 - 1;
  int32_t rscale = clamp_scale(std::max(kMinSigDigits - sweight, d.scale));
  return from_ld(std::sqrt(to_ld(d)), rscale);
}

Result<Decimal> numeric_exp(const Decimal& d) {
  double val = static_cast<double>(to_ld(d)) * 0.434294481903252;
  val = std::clamp(val, -1000.0, 1000.0);
  int32_t rscale = clamp_scale(std::max(kMinSigDigits - static_cast<int32_t>(val), d.scale));
  long double r = std::exp(to_ld(d));
  if (!std::isfinite(static_cast<double>(r))) return Status::sql("22003", "value overflows numeric format");
  return from_ld(r, rscale);
}

Result<Decimal> numeric_ln(const Decimal& d) {
  if (d.unscaled <= 0) return ln_error(to_ld(d));
  int32_t rscale = clamp_scale(std::max(kMinSigDigits - estimate_ln_dweight(d), d.scale));
  return from_ld(std::log(to_ld(d)), rscale);
}

Result<Decimal> numeric_log(const Decimal& base, const Decimal& x) {
  if (base.unscaled <= 0) return ln_error(to_ld(base));
  if (x.unscaled <= 0) return ln_error(to_ld(x));
  long double lb = std::log(to_ld(base));
  if (lb == 0) return Status::sql("22012", "division by zero");
  int32_t rdw = estimate_ln_dweight(x) - estimate_ln_dweight(base);
  int32_t rscale = clamp_scale(std::max({kMinSigDigits - rdw, base.scale, x.scale}));
  return from_ld(std::log(to_ld(x)) / lb, rscale);
}

// Rounds half away from zero to `scale` decimals; a negative scale rounds to tens,
// hundreds, ... and gives scale 0.
Result<Decimal> numeric_round(const Decimal& d, int64_t scale) {
  if (scale >= 0) return types::decimal_rescale(d, static_cast<int32_t>(std::min<int64_t>(scale, 38)));
  STRATA_ASSIGN_OR_RETURN(Decimal r, types::decimal_rescale(d, 0));
  if (scale < -38) return Decimal{0, 0};
  __int128 p = types::pow10_i128(static_cast<int32_t>(-scale));
  __int128 q = r.unscaled / p;
  __int128 rem = r.unscaled % p;
  if (abs128(rem) * 2 >= p) q += r.unscaled < 0 ? -1 : 1;
  if (digit_count(q) + static_cast<int>(-scale) > types::kDecimalMaxDigits) {
    return Status::sql("22003", "value overflows numeric format");
  }
  return Decimal{q * p, 0};
}

Result<Decimal> numeric_trunc(const Decimal& d, int64_t scale) {
  if (scale >= d.scale) return types::decimal_rescale(d, static_cast<int32_t>(std::min<int64_t>(scale, 38)));
  if (scale < -38) return Decimal{0, 0};
  if (scale >= 0) {
    return Decimal{d.unscaled / types::pow10_i128(d.scale - static_cast<int32_t>(scale)), static_cast<int32_t>(scale)};
  }
  __int128 whole = d.unscaled / types::pow10_i128(d.scale);
  __int128 p = types::pow10_i128(static_cast<int32_t>(-scale));
  return Decimal{whole / p * p, 0};
}

Decimal numeric_floor_ceil(const Decimal& d, bool ceil) {
  if (d.scale <= 0) return d;
  __int128 p = types::pow10_i128(d.scale);
  __int128 q = d.unscaled / p;
  __int128 r = d.unscaled % p;
  if (r != 0 && ceil && d.unscaled > 0) ++q;
  if (r != 0 && !ceil && d.unscaled < 0) --q;
  return Decimal{q, 0};
}

// Registers a double -> double function whose domain errors come from `check`.
template <class F, class C>
void add_double_fn(FunctionRegistry& r, const char* name, F f, C check) {
  const Type d = Type::double_precision();
  add_fn(r, name, {d}, d, [f, check](const FunctionContext&, const Args& a, size_t n, Vector& out) -> Status {
    const double* x = a[0]->data<double>();
    double* z = out.data<double>();
    for (size_t i = 0; i < n; ++i) {
      Status s = check(x[i]);
      if (!s.ok()) [[unlikely]] {
        if (!row_has_null(a, i)) return s;
        z[i] = 0;
        continue;
      }
      z[i] = f(x[i]);
      if (std::isinf(z[i]) && !std::isinf(x[i]) && !row_has_null(a, i)) return err_status(Err::kFloatOverflow);
    }
    return Status::ok_status();
  });
}

Status no_check(double) { return Status::ok_status(); }

Status check_ln(double x) {
  if (x == 0) return Status::sql("2201E", "cannot take logarithm of zero");
  if (x < 0) return Status::sql("2201E", "cannot take logarithm of a negative number");
  return Status::ok_status();
}

Status check_unit_range(double x) {
  if (x < -1 || x > 1) return Status::sql("22003", "input is out of range");
  return Status::ok_status();
}

void add_numeric_fn(FunctionRegistry& r, const char* name, Result<Decimal> (*f)(const Decimal&)) {
  const Type num = Type::numeric();
  add_fn(r, name, {num}, num, [f](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const Decimal* x = a[0]->data<Decimal>();
    return map_rows<Decimal>(a, n, out, [&](size_t i) { return f(x[i]); });
  });
}

void add_numeric_fn2(FunctionRegistry& r, const char* name, Result<Decimal> (*f)(const Decimal&, const Decimal&)) {
  const Type num = Type::numeric();
  add_fn(r, name, {num, num}, num, [f](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const Decimal* x = a[0]->data<Decimal>();
    const Decimal* y = a[1]->data<Decimal>();
    return map_rows<Decimal>(a, n, out, [&](size_t i) { return f(x[i], y[i]); });
  });
}

template <class T>
Err int_range_err() {
  if constexpr (sizeof(T) == 2) return Err::kSmallIntRange;
  if constexpr (sizeof(T) == 4) return Err::kIntRange;
  return Err::kBigIntRange;
}

template <class T>
void register_int_math(FunctionRegistry& r, Type t) {
  add_fn(r, "abs", {t}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map1<T, T>(a, n, out, [](T x, T& z) {
      if (x == std::numeric_limits<T>::min()) [[unlikely]]
        return int_range_err<T>();
      z = static_cast<T>(x < 0 ? -x : x);
      return Err::kNone;
    });
  });
  add_fn(r, "mod", {t, t}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map2<T, T, T>(a, n, out, [](T x, T y, T& z) {
      if (y == 0) [[unlikely]]
        return Err::kDivZero;
      z = y == -1 ? T{0} : static_cast<T>(x % y);
      return Err::kNone;
    });
  });
  if constexpr (sizeof(T) >= 4) {
    add_fn(r, "gcd", {t, t}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return map2<T, T, T>(a, n, out, [](T x, T y, T& z) {
        using U = std::make_unsigned_t<T>;
        U ux = x < 0 ? U(0) - U(x) : U(x);
        U uy = y < 0 ? U(0) - U(y) : U(y);
        while (uy != 0) {
          U t2 = ux % uy;
          ux = uy;
          uy = t2;
        }
        if (ux > U(std::numeric_limits<T>::max())) return int_range_err<T>();
        z = static_cast<T>(ux);
        return Err::kNone;
      });
    });
    add_fn(r, "lcm", {t, t}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return map2<T, T, T>(a, n, out, [](T x, T y, T& z) {
        if (x == 0 || y == 0) {
          z = 0;
          return Err::kNone;
        }
        using U = std::make_unsigned_t<T>;
        U ux = x < 0 ? U(0) - U(x) : U(x);
        U uy = y < 0 ? U(0) - U(y) : U(y);
        U g = ux, h = uy;
        while (h != 0) {
          U t2 = g % h;
          g = h;
          h = t2;
        }
        U q = ux / g;
        U res;
        if (__builtin_mul_overflow(q, uy, &res) || res > U(std::numeric_limits<T>::max())) return int_range_err<T>();
        z = static_cast<T>(res);
        return Err::kNone;
      });
    });
  }
}

template <class T>
void register_float_abs(FunctionRegistry& r, Type t) {
  add_fn(r, "abs", {t}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map1<T, T>(a, n, out, [](T x, T& z) {
      z = std::fabs(x);
      return Err::kNone;
    });
  });
}

// random(): a per-thread generator reseeded whenever the statement's seed changes,
// so one statement's rows draw one repeatable sequence across its batches.
double next_random(uint64_t seed) {
  thread_local uint64_t current_seed = 0;
  thread_local bool seeded = false;
  thread_local std::mt19937_64 gen;
  if (!seeded || current_seed != seed) {
    gen.seed(seed);
    current_seed = seed;
    seeded = true;
  }
  return static_cast<double>(gen() >> 11) * 0x1.0p-53;
}

}  // namespace

Result<Decimal> numeric_power(const Decimal& base, const Decimal& exp) {
  long double x = to_ld(base);
  long double y = to_ld(exp);
  if (x == 0 && y < 0) return Status::sql("2201F", "zero raised to a negative power is undefined");
  Result<Decimal> yi = types::decimal_rescale(exp, 0);
  bool integral = yi.ok() && types::decimal_compare(*yi, exp) == 0;
  if (x < 0 && !integral) {
    return Status::sql("2201F", "a negative number raised to a non-integer power yields a complex result");
  }
  if (integral) {
    int32_t rscale = clamp_scale(std::max(kMinSigDigits, base.scale));
    if (yi->unscaled >= 0 && yi->unscaled <= 64) {
      Decimal acc = types::decimal_from_int(1);
      bool fits = true;
      for (__int128 i = 0; i < yi->unscaled && fits; ++i) {
        Result<Decimal> m = types::decimal_mul(acc, base);
        fits = m.ok() && m->scale <= types::kDecimalMaxDigits;
        if (fits) acc = *m;
      }
      if (fits) {
        Result<Decimal> r = types::decimal_rescale(
            acc, std::min(rscale, types::kDecimalMaxDigits - std::max(1, decimal_dweight(acc) + 1)));
        if (r.ok()) return r;
      }
    }
    return from_ld(std::pow(x, y), rscale);
  }
  long double r = std::pow(x, y);
  if (!std::isfinite(static_cast<double>(r))) return Status::sql("22003", "value overflows numeric format");
  double val = r == 0 ? 0 : static_cast<double>(std::log10(std::fabs(r)));
  int32_t rscale = clamp_scale(std::max({kMinSigDigits - static_cast<int32_t>(val), base.scale, exp.scale}));
  return from_ld(r, rscale);
}

void register_math_functions(FunctionRegistry& r) {
  const Type d = Type::double_precision();
  const Type num = Type::numeric();
  const Type i4 = Type::integer();

  register_int_math<int16_t>(r, Type::smallint());
  register_int_math<int32_t>(r, Type::integer());
  register_int_math<int64_t>(r, Type::bigint());
  register_float_abs<float>(r, Type::real());
  register_float_abs<double>(r, d);
  add_fn(r, "abs", {num}, num, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map1<Decimal, Decimal>(a, n, out, [](const Decimal& x, Decimal& z) {
      z = x.unscaled < 0 ? types::decimal_negate(x) : x;
      return Err::kNone;
    });
  });

  for (const char* name : {"ceil", "ceiling", "floor"}) {
    bool ceil = name[0] == 'c';
    add_double_fn(
        r, name, ceil ? +[](double x) { return std::ceil(x); } : +[](double x) { return std::floor(x); }, no_check);
    add_fn(r, name, {num}, num, [ceil](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return map1<Decimal, Decimal>(a, n, out, [ceil](const Decimal& x, Decimal& z) {
        z = numeric_floor_ceil(x, ceil);
        return Err::kNone;
      });
    });
  }
  // round(double precision) rounds half to even (rint), round(numeric) half away from zero.
  add_double_fn(
      r, "round", [](double x) { return std::nearbyint(x); }, no_check);
  add_double_fn(
      r, "trunc", [](double x) { return std::trunc(x); }, no_check);
  add_double_fn(
      r, "sign", [](double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); }, no_check);
  add_numeric_fn(r, "round", [](const Decimal& x) { return numeric_round(x, 0); });
  add_numeric_fn(r, "trunc", [](const Decimal& x) { return numeric_trunc(x, 0); });
  add_numeric_fn(r, "sign", [](const Decimal& x) -> Result<Decimal> {
    return Decimal{x.unscaled > 0 ? 1 : (x.unscaled < 0 ? -1 : 0), 0};
  });
  for (const char* name : {"round", "trunc"}) {
    bool round = name[0] == 'r';
    add_fn(r, name, {num, i4}, num, [round](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const Decimal* x = a[0]->data<Decimal>();
      const int32_t* s = a[1]->data<int32_t>();
      return map_rows<Decimal>(a, n, out,
                               [&](size_t i) { return round ? numeric_round(x[i], s[i]) : numeric_trunc(x[i], s[i]); });
    });
  }

  add_double_fn(
      r, "sqrt", [](double x) { return std::sqrt(x); },
      [](double x) {
        if (x < 0) return Status::sql("2201F", "cannot take square root of a negative number");
        return Status::ok_status();
      });
  add_numeric_fn(r, "sqrt", numeric_sqrt);
  add_double_fn(
      r, "cbrt", [](double x) { return std::cbrt(x); }, no_check);
  add_double_fn(
      r, "exp", [](double x) { return std::exp(x); }, no_check);
  add_numeric_fn(r, "exp", numeric_exp);
  add_double_fn(
      r, "ln", [](double x) { return std::log(x); }, check_ln);
  add_numeric_fn(r, "ln", numeric_ln);
  for (const char* name : {"log", "log10"}) {
    add_double_fn(
        r, name, [](double x) { return std::log10(x); }, check_ln);
    add_numeric_fn(r, name, [](const Decimal& x) { return numeric_log(types::decimal_from_int(10), x); });
  }
  add_numeric_fn2(r, "log", numeric_log);
  for (const char* name : {"power", "pow"}) {
    add_fn(r, name, {d, d}, d, [](const FunctionContext&, const Args& a, size_t n, Vector& out) -> Status {
      const double* x = a[0]->data<double>();
      const double* y = a[1]->data<double>();
      double* z = out.data<double>();
      for (size_t i = 0; i < n; ++i) {
        if (row_has_null(a, i)) {
          z[i] = 0;
          continue;
        }
        if (x[i] == 0 && y[i] < 0) return Status::sql("2201F", "zero raised to a negative power is undefined");
        if (x[i] < 0 && std::floor(y[i]) != y[i]) {
          return Status::sql("2201F", "a negative number raised to a non-integer power yields a complex result");
        }
        z[i] = std::pow(x[i], y[i]);
        Err e = check_float(z[i], std::isinf(x[i]) || std::isinf(y[i]), x[i] == 0 || y[i] < 0);
        if (e != Err::kNone) return err_status(e);
      }
      return Status::ok_status();
    });
    add_numeric_fn2(r, name, numeric_power);
  }
  add_numeric_fn2(r, "mod", types::decimal_mod);
  add_numeric_fn2(r, "div", [](const Decimal& x, const Decimal& y) -> Result<Decimal> {
    if (y.unscaled == 0) return Status::sql("22012", "division by zero");
    STRATA_ASSIGN_OR_RETURN(Decimal q, types::decimal_div(x, y));
    return numeric_trunc(q, 0);
  });

  add_fn(r, "pi", {}, d, [](const FunctionContext&, const Args&, size_t n, Vector& out) {
    double* z = out.data<double>();
    for (size_t i = 0; i < n; ++i) z[i] = std::numbers::pi;
    return Status::ok_status();
  });
  {
    ScalarFunction f;
    f.name = "random";
    f.return_type = d;
    f.is_volatile = true;
    f.kernel = [](const FunctionContext& ctx, const Args&, size_t n, Vector& out) {
      double* z = out.data<double>();
      for (size_t i = 0; i < n; ++i) z[i] = next_random(ctx.random_seed);
      return Status::ok_status();
    };
    r.add_scalar(std::move(f));
  }

  add_double_fn(
      r, "sin", [](double x) { return std::sin(x); }, no_check);
  add_double_fn(
      r, "cos", [](double x) { return std::cos(x); }, no_check);
  add_double_fn(
      r, "tan", [](double x) { return std::tan(x); }, no_check);
  add_double_fn(
      r, "cot", [](double x) { return 1.0 / std::tan(x); }, no_check);
  add_double_fn(
      r, "asin", [](double x) { return std::asin(x); }, check_unit_range);
  add_double_fn(
      r, "acos", [](double x) { return std::acos(x); }, check_unit_range);
  add_double_fn(
      r, "atan", [](double x) { return std::atan(x); }, no_check);
  add_double_fn(
      r, "degrees", [](double x) { return x * (180.0 / std::numbers::pi); }, no_check);
  add_double_fn(
      r, "radians", [](double x) { return x * (std::numbers::pi / 180.0); }, no_check);
  add_fn(r, "atan2", {d, d}, d, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map2<double, double, double>(a, n, out, [](double y, double x, double& z) {
      z = std::atan2(y, x);
      return Err::kNone;
    });
  });
  add_fn(r, "width_bucket", {d, d, d, i4}, i4, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const double* op = a[0]->data<double>();
    const double* lo = a[1]->data<double>();
    const double* hi = a[2]->data<double>();
    const int32_t* cnt = a[3]->data<int32_t>();
    int32_t* z = out.data<int32_t>();
    for (size_t i = 0; i < n; ++i) {
      z[i] = 0;
      if (row_has_null(a, i)) continue;
      if (cnt[i] <= 0) return Status::sql("2201G", "count must be greater than zero");
      if (lo[i] == hi[i]) return Status::sql("2201G", "lower bound cannot equal upper bound");
      if (std::isnan(op[i]) || std::isnan(lo[i]) || std::isnan(hi[i])) {
        return Status::sql("2201G", "operand, lower bound, and upper bound cannot be NaN");
      }
      if (lo[i] < hi[i]) {
        if (op[i] < lo[i]) {
          z[i] = 0;
        } else if (op[i] >= hi[i]) {
          if (cnt[i] == INT32_MAX) return Status::sql("22003", "integer out of range");
          z[i] = cnt[i] + 1;
        } else {
          z[i] = static_cast<int32_t>(cnt[i] * ((op[i] - lo[i]) / (hi[i] - lo[i]))) + 1;
        }
      } else {
        if (op[i] > lo[i]) {
          z[i] = 0;
        } else if (op[i] <= hi[i]) {
          if (cnt[i] == INT32_MAX) return Status::sql("22003", "integer out of range");
          z[i] = cnt[i] + 1;
        } else {
          z[i] = static_cast<int32_t>(cnt[i] * ((lo[i] - op[i]) / (lo[i] - hi[i]))) + 1;
        }
      }
    }
    return Status::ok_status();
  });
}

}  // namespace strata::exec::fn
