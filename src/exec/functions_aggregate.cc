// Aggregates (PostgreSQL's "Aggregate Functions"): count, sum, avg, min, max,
// string_agg, bool_and/bool_or/every, the variance family, percentile_cont/disc and
// mode (WITHIN GROUP), and two approximate ones: approx_count_distinct (HyperLogLog,
// 2^14 registers: standard error about 0.8%) and approx_percentile(value, fraction)
// (exact up to 32767 rows, then a weighted sample halved by sorting and keeping every
// other value whenever it fills: rank error of a few tenths of a percent, within 1%
// in the tests).
//
// Result types follow PostgreSQL: sum(smallint|integer) -> bigint, sum(bigint) ->
// numeric, avg of exact types -> numeric (scale from numeric division), avg/sum of
// floats -> double/real; the variance family returns numeric for exact inputs
// (computed exactly from 128-bit sums, as numeric_stddev_internal does) and double
// for floats (Youngs-Cramer).
//
// Every update skips rows where an argument is NULL (all these aggregates are
// strict except count(*)); an empty or all-NULL group gives NULL (count gives 0).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <new>
#include <optional>

#include "exec/functions_common.h"
#include "types/cast.h"
#include "types/datetime.h"
#include "types/decimal.h"
#include "types/value.h"

namespace strata::exec::fn {

namespace {

using sql::AggregateFunction;
using SV = std::string_view;
using UpdateFn = std::function<Status(uint8_t**, const Args&, size_t)>;

template <class S>
S& st(uint8_t* p) {
  return *std::launder(reinterpret_cast<S*>(p));
}
template <class S>
const S& st(const uint8_t* p) {
  return *std::launder(reinterpret_cast<const S*>(p));
}

// An aggregate over state type S (default-constructible; combine(const S&) ->
// Status; finalize(Vector&, row) -> Status).
template <class S>
AggregateFunction make_agg(std::string name, std::vector<Type> args, Type ret, UpdateFn update) {
  static_assert(alignof(S) <= 16, "aggregate states are 16-byte aligned");
  AggregateFunction f;
  f.name = std::move(name);
  f.args = std::move(args);
  f.return_type = ret;
  f.state_size = sizeof(S);
  f.init = [](uint8_t* p) { new (p) S(); };
  if constexpr (!std::is_trivially_destructible_v<S>) {
    f.destroy = [](uint8_t* p) { st<S>(p).~S(); };
  }
  f.update = std::move(update);
  f.combine = [](uint8_t* t, const uint8_t* s) { return st<S>(t).combine(st<S>(s)); };
  f.finalize = [](const uint8_t* p, Vector& out, size_t row) { return st<S>(p).finalize(out, row); };
  return f;
}

// Calls f(state, i) for rows without NULL arguments.
template <class S, class F>
UpdateFn rows_update(F f) {
  return [f](uint8_t** states, const Args& a, size_t n) -> Status {
    for (size_t i = 0; i < n; ++i) {
      if (row_has_null(a, i)) continue;
      STRATA_RETURN_IF_ERROR(f(st<S>(states[i]), a, i));
    }
    return Status::ok_status();
  };
}

template <class T>
void put(Vector& out, size_t row, const T& v) {
  out.data<T>()[row] = v;
  out.nulls()[row] = 0;
}

// ---- count ------------------------------------------------------------------------

struct CountState {
  int64_t n = 0;
  Status combine(const CountState& o) {
    n += o.n;
    return Status::ok_status();
  }
  Status finalize(Vector& out, size_t row) const {
    put<int64_t>(out, row, n);
    return Status::ok_status();
  }
};

// ---- sum / avg ----------------------------------------------------------------------

Status bigint_range() { return Status::sql("22003", "bigint out of range"); }

// Integer sums: int64 for smallint/integer (sum -> bigint), int128 for bigint (sum ->
// numeric) and for avg of any integer.
template <class Acc>
struct IntSumState {
  Acc sum = 0;
  int64_t count = 0;
  Status add(Acc v) {
    if (__builtin_add_overflow(sum, v, &sum))
      return sizeof(Acc) == 8 ? bigint_range() : Status::sql("22003", "value overflows numeric format");
    ++count;
    return Status::ok_status();
  }
  Status combine(const IntSumState& o) {
    if (__builtin_add_overflow(sum, o.sum, &sum)) return bigint_range();
    count += o.count;
    return Status::ok_status();
  }
};

template <class Acc>
struct IntSumFinal : IntSumState<Acc> {
  Status combine(const IntSumFinal& o) { return IntSumState<Acc>::combine(o); }
  Status finalize(Vector& out, size_t row) const {
    if (this->count == 0) {
      out.set_null(row);
      return Status::ok_status();
    }
    if constexpr (sizeof(Acc) == 8) {
      put<int64_t>(out, row, this->sum);
    } else {
      put<Decimal>(out, row, Decimal{this->sum, 0});
    }
    return Status::ok_status();
  }
};

struct IntAvgState : IntSumState<__int128> {
  Status combine(const IntAvgState& o) { return IntSumState<__int128>::combine(o); }
  Status finalize(Vector& out, size_t row) const {
    if (count == 0) {
      out.set_null(row);
      return Status::ok_status();
    }
    STRATA_ASSIGN_OR_RETURN(Decimal d, types::decimal_div(Decimal{sum, 0}, types::decimal_from_int(count)));
    put<Decimal>(out, row, d);
    return Status::ok_status();
  }
};

struct NumericSumState {
  Decimal sum{0, 0};
  int64_t count = 0;
  bool avg = false;
  Status add(const Decimal& v) {
    STRATA_ASSIGN_OR_RETURN(sum, types::decimal_add(sum, v));
    ++count;
    return Status::ok_status();
  }
  Status combine(const NumericSumState& o) {
    if (o.count == 0) return Status::ok_status();
    STRATA_ASSIGN_OR_RETURN(sum, types::decimal_add(sum, o.sum));
    count += o.count;
    return Status::ok_status();
  }
  Status finalize(Vector& out, size_t row) const {
    if (count == 0) {
      out.set_null(row);
      return Status::ok_status();
    }
    if (!avg) {
      put<Decimal>(out, row, sum);
      return Status::ok_status();
    }
    STRATA_ASSIGN_OR_RETURN(Decimal d, types::decimal_div(sum, types::decimal_from_int(count)));
    put<Decimal>(out, row, d);
    return Status::ok_status();
  }
};
struct NumericAvgState : NumericSumState {
  NumericAvgState() { avg = true; }
  Status combine(const NumericAvgState& o) { return NumericSumState::combine(o); }
};

template <class T>
struct FloatSumState {
  double sum = 0;
  int64_t count = 0;
  bool avg = false;
  Status combine(const FloatSumState& o) {
    sum += o.sum;
    count += o.count;
    return Status::ok_status();
  }
  Status finalize(Vector& out, size_t row) const {
    if (count == 0) {
      out.set_null(row);
      return Status::ok_status();
    }
    double v = avg ? sum / static_cast<double>(count) : sum;
    if (std::isinf(v)) return err_status(Err::kFloatOverflow);  // PostgreSQL checks finite inputs only; close enough
    if (avg) {
      put<double>(out, row, v);
    } else {
      put<T>(out, row, static_cast<T>(v));
    }
    return Status::ok_status();
  }
};

struct IntervalSumState {
  __int128 months = 0, days = 0, micros = 0;
  int64_t count = 0;
  bool avg = false;
  Status combine(const IntervalSumState& o) {
    months += o.months;
    days += o.days;
    micros += o.micros;
    count += o.count;
    return Status::ok_status();
  }
  Status finalize(Vector& out, size_t row) const {
    if (count == 0) {
      out.set_null(row);
      return Status::ok_status();
    }
    if (!avg) {
      if (months > INT32_MAX || months < INT32_MIN || days > INT32_MAX || days < INT32_MIN || micros > INT64_MAX ||
          micros < INT64_MIN) {
        return Status::sql("22008", "interval out of range");
      }
      put<Interval>(out, row,
                    Interval{static_cast<int32_t>(months), static_cast<int32_t>(days), static_cast<int64_t>(micros)});
      return Status::ok_status();
    }
    // interval_div: fractional months cascade into days (30 per month), fractional
    // days into microseconds.
    double n = static_cast<double>(count);
    double m = static_cast<double>(months) / n;
    double d = static_cast<double>(days) / n;
    Interval r;
    r.months = static_cast<int32_t>(m);
    r.days = static_cast<int32_t>(d);
    double month_remainder_days = std::rint((m - r.months) * 30.0 * 1e6) / 1e6;
    double sec_remainder =
        std::rint((d - r.days + month_remainder_days - static_cast<int32_t>(month_remainder_days)) * 86400.0 * 1e6) /
        1e6;
    if (std::fabs(sec_remainder) >= 86400.0) {
      r.days += static_cast<int32_t>(sec_remainder / 86400.0);
      sec_remainder -= static_cast<int32_t>(sec_remainder / 86400.0) * 86400.0;
    }
    r.days += static_cast<int32_t>(month_remainder_days);
    r.micros = static_cast<int64_t>(std::rint(static_cast<double>(micros) / n + sec_remainder * 1e6));
    put<Interval>(out, row, r);
    return Status::ok_status();
  }
};
struct IntervalAvgState : IntervalSumState {
  IntervalAvgState() { avg = true; }
  Status combine(const IntervalAvgState& o) { return IntervalSumState::combine(o); }
};

// ---- min / max ------------------------------------------------------------------------

template <class T>
int cmp(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return std::isnan(b) ? 0 : 1;
    if (std::isnan(b)) return -1;
  }
  if constexpr (std::is_same_v<T, Decimal>) {
    return types::decimal_compare(a, b);
  } else if constexpr (std::is_same_v<T, Interval>) {
    __int128 x = types::interval_compare_key(a), y = types::interval_compare_key(b);
    return (x > y) - (x < y);
  } else {
    return (a > b) - (a < b);
  }
}

template <class T, bool kMax>
struct MinMaxState {
  T value{};
  bool has = false;
  void offer(const T& v) {
    if (!has || (kMax ? cmp(v, value) > 0 : cmp(v, value) < 0)) {
      value = v;
      has = true;
    }
  }
  Status combine(const MinMaxState& o) {
    if (o.has) offer(o.value);
    return Status::ok_status();
  }
  Status finalize(Vector& out, size_t row) const {
    if (!has) {
      out.set_null(row);
    } else {
      put<T>(out, row, value);
    }
    return Status::ok_status();
  }
};

template <bool kMax>
struct MinMaxStringState {
  std::string value;
  bool has = false;
  void offer(SV v) {
    if (!has || (kMax ? v.compare(value) > 0 : v.compare(value) < 0)) {
      value.assign(v);
      has = true;
    }
  }
  Status combine(const MinMaxStringState& o) {
    if (o.has) offer(o.value);
    return Status::ok_status();
  }
  Status finalize(Vector& out, size_t row) const {
    if (!has) {
      out.set_null(row);
    } else {
      put<SV>(out, row, out.add_string(value));
    }
    return Status::ok_status();
  }
};

template <class T, bool kMax>
void add_minmax(FunctionRegistry& r, Type t) {
  using S = MinMaxState<T, kMax>;
  r.add_aggregate(make_agg<S>(kMax ? "max" : "min", {t}, t, [](uint8_t** states, const Args& a, size_t n) {
    const T* v = a[0]->data<T>();
    const uint8_t* nulls = a[0]->nulls();
    for (size_t i = 0; i < n; ++i) {
      if (!nulls[i]) st<S>(states[i]).offer(v[i]);
    }
    return Status::ok_status();
  }));
}

template <class T>
void add_minmax_both(FunctionRegistry& r, Type t) {
  add_minmax<T, false>(r, t);
  add_minmax<T, true>(r, t);
}

// ---- string_agg -----------------------------------------------------------------------

struct StringAggState {
  std::string value;
  bool has = false;
  Status combine(const StringAggState& o) {
    // Partial results carry their leading delimiter stripped; joining them needs
    // the delimiter, which PostgreSQL also loses here: we keep the first one seen.
    if (!o.has) return Status::ok_status();
    if (!has) {
      value = o.value;
      has = true;
      return Status::ok_status();
    }
    value += first_delimiter.empty() ? o.first_delimiter : first_delimiter;
    value += o.value;
    return Status::ok_status();
  }
  Status finalize(Vector& out, size_t row) const {
    if (!has) {
      out.set_null(row);
    } else {
      put<SV>(out, row, out.add_string(value));
    }
    return Status::ok_status();
  }
  std::string first_delimiter;  // the delimiter of the first row (for combine)
};

// ---- bool_and / bool_or ---------------------------------------------------------------

template <bool kAnd>
struct BoolState {
  bool value = kAnd;
  bool has = false;
  Status combine(const BoolState& o) {
    if (o.has) {
      value = kAnd ? (value && o.value) : (value || o.value);
      has = true;
    }
    return Status::ok_status();
  }
  Status finalize(Vector& out, size_t row) const {
    if (!has) {
      out.set_null(row);
    } else {
      put<uint8_t>(out, row, value ? 1 : 0);
    }
    return Status::ok_status();
  }
};

// ---- variance family ------------------------------------------------------------------

enum class VarKind : uint8_t { kVarSamp, kVarPop, kStddevSamp, kStddevPop };

__int128 isqrt128(__int128 v) {
  if (v <= 0) return 0;
  __int128 x = static_cast<__int128>(std::sqrt(static_cast<long double>(v)));
  while (x > 0 && x * x > v) --x;
  while ((x + 1) * (x + 1) <= v) ++x;
  return x;
}

// sqrt of a non-negative decimal rounded to `scale` digits (PostgreSQL's sqrt_var).
Result<Decimal> decimal_sqrt(const Decimal& v, int32_t scale) {
  // Exact when v * 10^(2 * (scale + 1) - v.scale) fits in 126 bits.
  int32_t shift = 2 * (scale + 1) - v.scale;
  if (shift >= 0 && shift <= 38) {
    __int128 p = types::pow10_i128(shift);
    __int128 t;
    if (!__builtin_mul_overflow(v.unscaled, p, &t) && t < (static_cast<__int128>(1) << 125)) {
      __int128 r = isqrt128(t);
      return Decimal{(r + 5) / 10, scale};
    }
  }
  long double x = static_cast<long double>(v.unscaled) / std::pow(10.0L, v.scale);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.*Lf", std::min(scale, 30), std::sqrt(x));
  return types::parse_decimal(buf);
}

// Exact sums for integer and numeric inputs.
struct ExactVarState {
  int64_t n = 0;
  Decimal sum{0, 0};
  Decimal sum_sq{0, 0};
  Status add(const Decimal& v) {
    STRATA_ASSIGN_OR_RETURN(sum, types::decimal_add(sum, v));
    STRATA_ASSIGN_OR_RETURN(Decimal sq, types::decimal_mul(v, v));
    STRATA_ASSIGN_OR_RETURN(sum_sq, types::decimal_add(sum_sq, sq));
    ++n;
    return Status::ok_status();
  }
  Status combine(const ExactVarState& o) {
    if (o.n == 0) return Status::ok_status();
    STRATA_ASSIGN_OR_RETURN(sum, types::decimal_add(sum, o.sum));
    STRATA_ASSIGN_OR_RETURN(sum_sq, types::decimal_add(sum_sq, o.sum_sq));
    n += o.n;
    return Status::ok_status();
  }
  Result<std::optional<Decimal>> compute(VarKind kind) const {
    bool sample = kind == VarKind::kVarSamp || kind == VarKind::kStddevSamp;
    if (n == 0 || (sample && n == 1)) return std::optional<Decimal>();
    Decimal dn = types::decimal_from_int(n);
    STRATA_ASSIGN_OR_RETURN(Decimal sx2, types::decimal_mul(sum, sum));
    STRATA_ASSIGN_OR_RETURN(Decimal nsq, types::decimal_mul(dn, sum_sq));
    STRATA_ASSIGN_OR_RETURN(Decimal num, types::decimal_sub(nsq, sx2));
    if (num.unscaled <= 0) return std::optional<Decimal>(Decimal{0, 0});
    Decimal den = types::decimal_from_int(sample ? n * (n - 1) : n * n);
    STRATA_ASSIGN_OR_RETURN(Decimal var, types::decimal_div(num, den));
    if (kind == VarKind::kVarSamp || kind == VarKind::kVarPop) return std::optional<Decimal>(var);
    STRATA_ASSIGN_OR_RETURN(Decimal sd, decimal_sqrt(var, var.scale));
    return std::optional<Decimal>(sd);
  }
};

template <VarKind kKind>
struct ExactVarFinal : ExactVarState {
  Status combine(const ExactVarFinal& o) { return ExactVarState::combine(o); }
  Status finalize(Vector& out, size_t row) const {
    STRATA_ASSIGN_OR_RETURN(std::optional<Decimal> v, compute(kKind));
    if (!v) {
      out.set_null(row);
    } else {
      put<Decimal>(out, row, *v);
    }
    return Status::ok_status();
  }
};

// Youngs-Cramer for floats (PostgreSQL's float8_accum).
template <VarKind kKind>
struct FloatVarState {
  double n = 0, sx = 0, sxx = 0;
  void add(double x) {
    n += 1;
    sx += x;
    if (n > 1) {
      double tmp = x * n - sx;
      sxx += tmp * tmp / (n * (n - 1));
    } else {
      sxx = std::isfinite(x) ? 0 : NAN;
    }
  }
  Status combine(const FloatVarState& o) {
    if (o.n == 0) return Status::ok_status();
    if (n == 0) {
      *this = o;
      return Status::ok_status();
    }
    double N = n + o.n;
    double tmp = sx / n - o.sx / o.n;
    sxx = sxx + o.sxx + n * o.n * tmp * tmp / N;
    sx += o.sx;
    n = N;
    return Status::ok_status();
  }
  Status finalize(Vector& out, size_t row) const {
    bool sample = kKind == VarKind::kVarSamp || kKind == VarKind::kStddevSamp;
    if (n == 0 || (sample && n == 1)) {
      out.set_null(row);
      return Status::ok_status();
    }
    double var = sxx / (sample ? n - 1 : n);
    double v = (kKind == VarKind::kStddevSamp || kKind == VarKind::kStddevPop) ? std::sqrt(var) : var;
    put<double>(out, row, v);
    return Status::ok_status();
  }
};

// ---- percentiles ------------------------------------------------------------------------

Status percentile_range(double f) {
  return Status::sql("22003", fmt::format("percentile value {} is not between 0 and 1", types::format_double(f)));
}

struct PercentileContState {
  std::vector<double> values;
  double fraction = 0;
  bool fraction_null = false;
  Status combine(const PercentileContState& o) {
    values.insert(values.end(), o.values.begin(), o.values.end());
    if (values.size() == o.values.size()) {
      fraction = o.fraction;
      fraction_null = o.fraction_null;
    }
    return Status::ok_status();
  }
  Status finalize(Vector& out, size_t row) const {
    if (values.empty() || fraction_null) {
      out.set_null(row);
      return Status::ok_status();
    }
    if (!(fraction >= 0 && fraction <= 1)) return percentile_range(fraction);
    std::vector<double> v = values;
    std::sort(v.begin(), v.end(), [](double a, double b) { return cmp(a, b) < 0; });
    double pos = fraction * static_cast<double>(v.size() - 1);
    size_t lo = static_cast<size_t>(std::floor(pos));
    size_t hi = static_cast<size_t>(std::ceil(pos));
    double r = v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
    put<double>(out, row, lo == hi ? v[lo] : r);
    return Status::ok_status();
  }
};

struct PercentileDiscState {
  std::vector<types::Value> values;
  double fraction = 0;
  bool fraction_null = false;
  Status combine(const PercentileDiscState& o) {
    if (values.empty()) {
      fraction = o.fraction;
      fraction_null = o.fraction_null;
    }
    values.insert(values.end(), o.values.begin(), o.values.end());
    return Status::ok_status();
  }
  Status finalize(Vector& out, size_t row) const {
    if (values.empty() || fraction_null) {
      out.set_null(row);
      return Status::ok_status();
    }
    if (!(fraction >= 0 && fraction <= 1)) return percentile_range(fraction);
    std::vector<types::Value> v = values;
    std::stable_sort(v.begin(), v.end(),
                     [](const types::Value& a, const types::Value& b) { return types::compare_values(a, b) < 0; });
    // The first value whose position in the ordering is >= fraction.
    double pos = fraction * static_cast<double>(v.size());
    size_t k = static_cast<size_t>(std::ceil(pos));
    k = k == 0 ? 0 : k - 1;
    if (k >= v.size()) k = v.size() - 1;
    out.set_value(row, v[k].with_type(out.type()));
    return Status::ok_status();
  }
};

// Reads the fraction (direct argument 0) of row i.
template <class S>
void take_fraction(S& s, const Args& a, size_t i) {
  if (a[0]->is_null(i)) {
    s.fraction_null = true;
  } else {
    s.fraction = a[0]->data<double>()[i];
  }
}

// ---- approximate aggregates ---------------------------------------------------------------

inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

inline uint64_t hash_bytes(SV s) {
  uint64_t h = 0xcbf29ce484222325ULL ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = mix64(h ^ w);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
  return mix64(h ^ tail ^ 0x9e3779b97f4a7c15ULL);
}

// Hash of row i of any vector; equal values of one type hash alike.
uint64_t row_hash(const Vector& v, size_t i) {
  switch (v.type().id()) {
    case TypeId::kBoolean:
    case TypeId::kUnknown:
      return mix64(v.data<uint8_t>()[i]);
    case TypeId::kSmallInt:
      return mix64(static_cast<uint64_t>(v.data<int16_t>()[i]));
    case TypeId::kInteger:
    case TypeId::kDate:
      return mix64(static_cast<uint64_t>(v.data<int32_t>()[i]));
    case TypeId::kBigInt:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return mix64(static_cast<uint64_t>(v.data<int64_t>()[i]));
    case TypeId::kReal:
    case TypeId::kDouble: {
      double d = numeric_as_double(v, i);
      if (d == 0) d = 0;  // -0.0 equals 0.0
      uint64_t bits;
      std::memcpy(&bits, &d, 8);
      return mix64(bits);
    }
    case TypeId::kNumeric:
      return mix64(types::decimal_hash(v.data<Decimal>()[i]));
    case TypeId::kInterval: {
      __int128 k = types::interval_compare_key(v.data<Interval>()[i]);
      return mix64(static_cast<uint64_t>(k) ^ mix64(static_cast<uint64_t>(k >> 64)));
    }
    default:
      return hash_bytes(v.data<SV>()[i]);
  }
}

constexpr int kHllBits = 14;
constexpr size_t kHllRegisters = size_t{1} << kHllBits;

struct HllState {
  uint8_t reg[kHllRegisters] = {};
  void add(uint64_t h) {
    size_t idx = h >> (64 - kHllBits);
    uint64_t rest = (h << kHllBits) | (uint64_t{1} << (kHllBits - 1));
    auto rank = static_cast<uint8_t>(__builtin_clzll(rest) + 1);
    if (rank > reg[idx]) reg[idx] = rank;
  }
  Status combine(const HllState& o) {
    for (size_t i = 0; i < kHllRegisters; ++i) reg[i] = std::max(reg[i], o.reg[i]);
    return Status::ok_status();
  }
  Status finalize(Vector& out, size_t row) const {
    double m = static_cast<double>(kHllRegisters);
    double sum = 0;
    size_t zeros = 0;
    for (uint8_t r : reg) {
      sum += std::ldexp(1.0, -r);
      zeros += r == 0;
    }
    double alpha = 0.7213 / (1 + 1.079 / m);
    double e = alpha * m * m / sum;
    if (e <= 2.5 * m && zeros > 0) e = m * std::log(m / static_cast<double>(zeros));  // linear counting
    put<int64_t>(out, row, static_cast<int64_t>(std::llround(e)));
    return Status::ok_status();
  }
};

// A weighted sample: exact until kCapacity values, then sorted and halved (every
// other value kept, weights doubled) whenever it fills up.
struct ApproxPercentileState {
  static constexpr size_t kCapacity = 16384;
  std::vector<std::pair<double, uint64_t>> items;  // value, weight
  double fraction = 0;
  bool fraction_null = false;
  uint64_t compactions = 0;
  void add(double v, uint64_t w) {
    items.emplace_back(v, w);
    if (items.size() >= 2 * kCapacity) compact();
  }
  void compact() {
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return cmp(a.first, b.first) < 0; });
    std::vector<std::pair<double, uint64_t>> kept;
    kept.reserve(items.size() / 2 + 1);
    // Alternate the kept offset between compactions to avoid a systematic bias.
    size_t offset = compactions++ % 2;
    for (size_t i = 0; i + 1 < items.size(); i += 2) {
      const auto& a = items[i + offset];
      kept.emplace_back(a.first, items[i].second + items[i + 1].second);
    }
    if (items.size() % 2 == 1) kept.push_back(items.back());
    items = std::move(kept);
  }
  Status combine(const ApproxPercentileState& o) {
    if (items.empty()) {
      fraction = o.fraction;
      fraction_null = o.fraction_null;
    }
    for (const auto& it : o.items) add(it.first, it.second);
    return Status::ok_status();
  }
  Status finalize(Vector& out, size_t row) const {
    if (items.empty() || fraction_null) {
      out.set_null(row);
      return Status::ok_status();
    }
    if (!(fraction >= 0 && fraction <= 1)) return percentile_range(fraction);
    auto v = items;
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return cmp(a.first, b.first) < 0; });
    uint64_t total = 0;
    for (const auto& it : v) total += it.second;
    // Interpolate between weighted ranks as percentile_cont does between rows
    // (exact while every weight is 1).
    double target = fraction * static_cast<double>(total - 1);
    auto value_at = [&](uint64_t rank) {
      uint64_t seen = 0;
      for (const auto& it : v) {
        seen += it.second;
        if (rank < seen) return it.first;
      }
      return v.back().first;
    };
    auto lo = static_cast<uint64_t>(std::floor(target));
    auto hi = static_cast<uint64_t>(std::ceil(target));
    double a = value_at(lo);
    double b = value_at(hi);
    put<double>(out, row, lo == hi ? a : a + (target - static_cast<double>(lo)) * (b - a));
    return Status::ok_status();
  }
};

// mode() WITHIN GROUP (ORDER BY x): the most frequent value, the first in the
// ordering among equally frequent ones.
struct ModeState {
  std::vector<types::Value> values;
  Status combine(const ModeState& o) {
    values.insert(values.end(), o.values.begin(), o.values.end());
    return Status::ok_status();
  }
  Status finalize(Vector& out, size_t row) const {
    if (values.empty()) {
      out.set_null(row);
      return Status::ok_status();
    }
    std::vector<types::Value> v = values;
    std::stable_sort(v.begin(), v.end(),
                     [](const types::Value& a, const types::Value& b) { return types::compare_values(a, b) < 0; });
    size_t best = 0, best_count = 0;
    for (size_t i = 0; i < v.size();) {
      size_t j = i + 1;
      while (j < v.size() && types::compare_values(v[i], v[j]) == 0) ++j;
      if (j - i > best_count) {
        best = i;
        best_count = j - i;
      }
      i = j;
    }
    out.set_value(row, v[best].with_type(out.type()));
    return Status::ok_status();
  }
};

}  // namespace

void register_aggregate_functions(FunctionRegistry& r) {
  const Type i2 = Type::smallint(), i4 = Type::integer(), i8 = Type::bigint();
  const Type f4 = Type::real(), f8 = Type::double_precision(), num = Type::numeric();
  const Type any = Type::unknown(), text = Type::text(), iv = Type::interval(), b = Type::boolean();

  // count(*) and count(x).
  {
    AggregateFunction f = make_agg<CountState>("count", {}, i8, [](uint8_t** states, const Args&, size_t n) {
      for (size_t i = 0; i < n; ++i) ++st<CountState>(states[i]).n;
      return Status::ok_status();
    });
    f.strict = false;
    r.add_aggregate(std::move(f));
    r.add_aggregate(make_agg<CountState>("count", {any}, i8, [](uint8_t** states, const Args& a, size_t n) {
      const uint8_t* nulls = a[0]->nulls();
      for (size_t i = 0; i < n; ++i) st<CountState>(states[i]).n += nulls[i] == 0;
      return Status::ok_status();
    }));
  }

  // sum.
  auto int_sum = [&]<class T, class Acc>(Type t, Type ret, const char* name) {
    using S = std::conditional_t<std::is_same_v<Acc, void>, IntAvgState, IntSumFinal<Acc>>;
    r.add_aggregate(make_agg<S>(name, {t}, ret, [](uint8_t** states, const Args& a, size_t n) -> Status {
      const T* v = a[0]->data<T>();
      const uint8_t* nulls = a[0]->nulls();
      for (size_t i = 0; i < n; ++i) {
        if (!nulls[i]) STRATA_RETURN_IF_ERROR(st<S>(states[i]).add(v[i]));
      }
      return Status::ok_status();
    }));
  };
  int_sum.operator()<int16_t, int64_t>(i2, i8, "sum");
  int_sum.operator()<int32_t, int64_t>(i4, i8, "sum");
  int_sum.operator()<int64_t, __int128>(i8, num, "sum");
  int_sum.operator()<int16_t, void>(i2, num, "avg");
  int_sum.operator()<int32_t, void>(i4, num, "avg");
  int_sum.operator()<int64_t, void>(i8, num, "avg");
  auto numeric_sum = [&]<class S>(const char* name) {
    r.add_aggregate(make_agg<S>(name, {num}, num, rows_update<S>([](S& s, const Args& a, size_t i) {
                                  return s.add(a[0]->data<Decimal>()[i]);
                                })));
  };
  numeric_sum.operator()<NumericSumState>("sum");
  numeric_sum.operator()<NumericAvgState>("avg");
  auto float_sum = [&]<class T>(Type t, bool avg) {
    using S = FloatSumState<T>;
    AggregateFunction f =
        make_agg<S>(avg ? "avg" : "sum", {t}, avg ? f8 : t, [](uint8_t** states, const Args& a, size_t n) {
          const T* v = a[0]->data<T>();
          const uint8_t* nulls = a[0]->nulls();
          for (size_t i = 0; i < n; ++i) {
            if (nulls[i]) continue;
            S& s = st<S>(states[i]);
            s.sum += v[i];
            ++s.count;
          }
          return Status::ok_status();
        });
    if (avg)
      f.init = [](uint8_t* p) {
        new (p) S();
        st<S>(p).avg = true;
      };
    r.add_aggregate(std::move(f));
  };
  float_sum.operator()<float>(f4, false);
  float_sum.operator()<double>(f8, false);
  float_sum.operator()<float>(f4, true);
  float_sum.operator()<double>(f8, true);
  auto interval_sum = [&]<class S>(const char* name) {
    r.add_aggregate(make_agg<S>(name, {iv}, iv, rows_update<S>([](S& s, const Args& a, size_t i) {
                                  const Interval& x = a[0]->data<Interval>()[i];
                                  s.months += x.months;
                                  s.days += x.days;
                                  s.micros += x.micros;
                                  ++s.count;
                                  return Status::ok_status();
                                })));
  };
  interval_sum.operator()<IntervalSumState>("sum");
  interval_sum.operator()<IntervalAvgState>("avg");

  // min / max.
  add_minmax_both<int16_t>(r, i2);
  add_minmax_both<int32_t>(r, i4);
  add_minmax_both<int64_t>(r, i8);
  add_minmax_both<float>(r, f4);
  add_minmax_both<double>(r, f8);
  add_minmax_both<Decimal>(r, num);
  add_minmax_both<int32_t>(r, Type::date());
  add_minmax_both<int64_t>(r, Type::time());
  add_minmax_both<int64_t>(r, Type::timestamp());
  add_minmax_both<int64_t>(r, Type::timestamptz());
  add_minmax_both<Interval>(r, iv);
  auto string_minmax = [&]<bool kMax>() {
    using S = MinMaxStringState<kMax>;
    r.add_aggregate(make_agg<S>(kMax ? "max" : "min", {text}, text, rows_update<S>([](S& s, const Args& a, size_t i) {
                                  s.offer(a[0]->data<SV>()[i]);
                                  return Status::ok_status();
                                })));
  };
  string_minmax.operator()<false>();
  string_minmax.operator()<true>();

  // string_agg(value, delimiter): NULL values are skipped; a NULL delimiter counts
  // as empty.
  for (const Type& t : {text, Type::bytea()}) {
    AggregateFunction f =
        make_agg<StringAggState>("string_agg", {t, t}, t, [](uint8_t** states, const Args& a, size_t n) {
          const SV* v = a[0]->data<SV>();
          const SV* d = a[1]->data<SV>();
          for (size_t i = 0; i < n; ++i) {
            if (a[0]->is_null(i)) continue;
            StringAggState& s = st<StringAggState>(states[i]);
            SV delim = a[1]->is_null(i) ? SV() : d[i];
            if (s.has) {
              s.value += delim;
            } else {
              s.first_delimiter.assign(delim);
            }
            s.value += v[i];
            s.has = true;
          }
          return Status::ok_status();
        });
    f.strict = false;
    f.order_sensitive = true;
    r.add_aggregate(std::move(f));
  }

  // bool_and / every / bool_or.
  for (const char* name : {"bool_and", "every", "bool_or"}) {
    bool is_and = name[5] != 'o';
    if (is_and) {
      r.add_aggregate(make_agg<BoolState<true>>(
          name, {b}, b, rows_update<BoolState<true>>([](BoolState<true>& s, const Args& a, size_t i) {
            s.value = s.value && a[0]->data<uint8_t>()[i] != 0;
            s.has = true;
            return Status::ok_status();
          })));
    } else {
      r.add_aggregate(make_agg<BoolState<false>>(
          name, {b}, b, rows_update<BoolState<false>>([](BoolState<false>& s, const Args& a, size_t i) {
            s.value = s.value || a[0]->data<uint8_t>()[i] != 0;
            s.has = true;
            return Status::ok_status();
          })));
    }
  }

  // Variance family.
  auto add_var = [&]<VarKind kKind>(const char* name) {
    using E = ExactVarFinal<kKind>;
    using F = FloatVarState<kKind>;
    for (const Type& t : {i2, i4, i8, num}) {
      TypeId id = t.id();
      r.add_aggregate(make_agg<E>(name, {t}, num, rows_update<E>([id](E& s, const Args& a, size_t i) {
                                    Decimal d;
                                    switch (id) {
                                      case TypeId::kSmallInt:
                                        d = types::decimal_from_int(a[0]->data<int16_t>()[i]);
                                        break;
                                      case TypeId::kInteger:
                                        d = types::decimal_from_int(a[0]->data<int32_t>()[i]);
                                        break;
                                      case TypeId::kBigInt:
                                        d = types::decimal_from_int(a[0]->data<int64_t>()[i]);
                                        break;
                                      default:
                                        d = a[0]->data<Decimal>()[i];
                                        break;
                                    }
                                    return s.add(d);
                                  })));
    }
    for (const Type& t : {f4, f8}) {
      r.add_aggregate(make_agg<F>(name, {t}, f8, rows_update<F>([](F& s, const Args& a, size_t i) {
                                    s.add(numeric_as_double(*a[0], i));
                                    return Status::ok_status();
                                  })));
    }
  };
  add_var.operator()<VarKind::kVarSamp>("var_samp");
  add_var.operator()<VarKind::kVarSamp>("variance");
  add_var.operator()<VarKind::kVarPop>("var_pop");
  add_var.operator()<VarKind::kStddevSamp>("stddev_samp");
  add_var.operator()<VarKind::kStddevSamp>("stddev");
  add_var.operator()<VarKind::kStddevPop>("stddev_pop");

  // percentile_cont(fraction) WITHIN GROUP (ORDER BY double precision) and
  // percentile_disc(fraction) WITHIN GROUP (ORDER BY any): args = (fraction, value).
  {
    AggregateFunction f =
        make_agg<PercentileContState>("percentile_cont", {f8, f8}, f8, [](uint8_t** states, const Args& a, size_t n) {
          const double* v = a[1]->data<double>();
          for (size_t i = 0; i < n; ++i) {
            if (a[1]->is_null(i)) continue;
            PercentileContState& s = st<PercentileContState>(states[i]);
            take_fraction(s, a, i);
            s.values.push_back(v[i]);
          }
          return Status::ok_status();
        });
    f.strict = false;
    f.order_sensitive = true;
    f.direct_args = 1;
    r.add_aggregate(std::move(f));
  }
  {
    AggregateFunction f =
        make_agg<PercentileDiscState>("percentile_disc", {f8, any}, any, [](uint8_t** states, const Args& a, size_t n) {
          for (size_t i = 0; i < n; ++i) {
            if (a[1]->is_null(i)) continue;
            PercentileDiscState& s = st<PercentileDiscState>(states[i]);
            take_fraction(s, a, i);
            s.values.push_back(a[1]->get_value(i));
          }
          return Status::ok_status();
        });
    f.bind = [](const std::vector<Type>& args) -> Result<Type> { return args[1]; };
    f.strict = false;
    f.order_sensitive = true;
    f.direct_args = 1;
    r.add_aggregate(std::move(f));
  }

  {
    AggregateFunction f = make_agg<ModeState>("mode", {any}, any, [](uint8_t** states, const Args& a, size_t n) {
      for (size_t i = 0; i < n; ++i) {
        if (!a[0]->is_null(i)) st<ModeState>(states[i]).values.push_back(a[0]->get_value(i));
      }
      return Status::ok_status();
    });
    f.bind = [](const std::vector<Type>& args) -> Result<Type> { return args[0]; };
    f.order_sensitive = true;
    r.add_aggregate(std::move(f));
  }

  // approx_count_distinct(any) and approx_percentile(value, fraction).
  r.add_aggregate(make_agg<HllState>("approx_count_distinct", {any}, i8, [](uint8_t** states, const Args& a, size_t n) {
    const uint8_t* nulls = a[0]->nulls();
    for (size_t i = 0; i < n; ++i) {
      if (!nulls[i]) st<HllState>(states[i]).add(row_hash(*a[0], i));
    }
    return Status::ok_status();
  }));
  {
    AggregateFunction f = make_agg<ApproxPercentileState>(
        "approx_percentile", {f8, f8}, f8, [](uint8_t** states, const Args& a, size_t n) {
          const double* v = a[0]->data<double>();
          for (size_t i = 0; i < n; ++i) {
            if (a[0]->is_null(i)) continue;
            ApproxPercentileState& s = st<ApproxPercentileState>(states[i]);
            if (a[1]->is_null(i)) {
              s.fraction_null = true;
            } else {
              s.fraction = a[1]->data<double>()[i];
            }
            s.add(v[i], 1);
          }
          return Status::ok_status();
        });
    f.strict = false;
    r.add_aggregate(std::move(f));
  }
}

}  // namespace strata::exec::fn
