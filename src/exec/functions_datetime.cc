// Date/time operators and functions (PostgreSQL's "Date/Time Functions and
// Operators"): date/timestamp/interval arithmetic, now() and friends, date_trunc,
// extract/date_part, age, make_*, date_bin, justify_*, timezone (AT TIME ZONE).
// to_char/to_timestamp/to_date live in functions_datetime_format.cc.
//
// The session time zone is UTC (types/datetime.h), so timestamp and timestamptz
// share field arithmetic; AT TIME ZONE accepts UTC/GMT/Z and numeric offsets.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <optional>

#include "exec/functions_common.h"
#include "exec/functions_datetime_internal.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace strata::exec::fn {

using types::CivilDate;
using types::CivilTime;
using types::kMicrosPerDay;
using types::kMicrosPerHour;
using types::kMicrosPerMinute;
using types::kMicrosPerSecond;

// Julian day number of 1970-01-01.
constexpr int64_t kUnixEpochJulian = 2440588;
// PostgreSQL's timestamp range: 4713-11-24 BC .. 294276-12-31 AD.
constexpr int64_t kTimestampMinMicros = -210866803200000000;
constexpr int64_t kTimestampEndMicros = 9223371331200000000;

Fields fields_of(int64_t micros) {
  Fields f;
  int64_t days = types::floor_div(micros, kMicrosPerDay);
  f.micros_of_day = micros - days * kMicrosPerDay;
  f.days = static_cast<int32_t>(days);
  f.date = types::civil_from_days(f.days);
  f.time = types::civil_time_from_micros(f.micros_of_day);
  return f;
}

int64_t micros_of(int32_t days, int64_t micros_of_day) {
  return static_cast<int64_t>(days) * kMicrosPerDay + micros_of_day;
}

// ISO 8601 week-numbering year and week of a day.
void iso_week(int32_t days, int32_t* iso_year, int32_t* week) {
  // ISO day of week: Monday 1 .. Sunday 7; 1970-01-01 was a Thursday.
  int32_t isodow = static_cast<int32_t>(types::floor_mod(days + 3, 7)) + 1;
  int32_t thursday = days - isodow + 4;
  CivilDate c = types::civil_from_days(thursday);
  int32_t jan1 = types::days_from_civil(c.year, 1, 1);
  *iso_year = c.year;
  *week = (thursday - jan1) / 7 + 1;
}

int32_t day_of_week(int32_t days) { return static_cast<int32_t>(types::floor_mod(days + 4, 7)); }  // Sunday 0

int32_t day_of_year(const Fields& f) { return f.days - types::days_from_civil(f.date.year, 1, 1) + 1; }

namespace {

using SV = std::string_view;

Status out_of_range(const char* what) { return Status::sql("22008", fmt::format("{} out of range", what)); }

Result<int64_t> check_ts(int64_t v) {
  if (v < kTimestampMinMicros || v >= kTimestampEndMicros) return out_of_range("timestamp");
  return v;
}

std::string lower_ascii(SV s) {
  std::string r(s);
  for (char& c : r) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return r;
}

// Field names for date_trunc/extract, with PostgreSQL's aliases.
enum class Unit : uint8_t {
  kMicroseconds,
  kMilliseconds,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear,
  kDecade,
  kCentury,
  kMillennium,
  kDow,
  kIsoDow,
  kDoy,
  kEpoch,
  kIsoYear,
  kJulian,
  kTimezone,
  kTimezoneHour,
  kTimezoneMinute,
};

std::optional<Unit> parse_unit(SV name) {
  std::string s = lower_ascii(name);
  struct Alias {
    const char* name;
    Unit unit;
  };
  static constexpr Alias kAliases[] = {
      {"microseconds", Unit::kMicroseconds},
      {"microsecond", Unit::kMicroseconds},
      {"us", Unit::kMicroseconds},
      {"usec", Unit::kMicroseconds},
      {"usecs", Unit::kMicroseconds},
      {"useconds", Unit::kMicroseconds},
      {"milliseconds", Unit::kMilliseconds},
      {"millisecond", Unit::kMilliseconds},
      {"ms", Unit::kMilliseconds},
      {"msec", Unit::kMilliseconds},
      {"msecs", Unit::kMilliseconds},
      {"mseconds", Unit::kMilliseconds},
      {"second", Unit::kSecond},
      {"seconds", Unit::kSecond},
      {"s", Unit::kSecond},
      {"sec", Unit::kSecond},
      {"secs", Unit::kSecond},
      {"minute", Unit::kMinute},
      {"minutes", Unit::kMinute},
      {"m", Unit::kMinute},
      {"min", Unit::kMinute},
      {"mins", Unit::kMinute},
      {"hour", Unit::kHour},
      {"hours", Unit::kHour},
      {"h", Unit::kHour},
      {"hr", Unit::kHour},
      {"hrs", Unit::kHour},
      {"day", Unit::kDay},
      {"days", Unit::kDay},
      {"d", Unit::kDay},
      {"week", Unit::kWeek},
      {"weeks", Unit::kWeek},
      {"w", Unit::kWeek},
      {"month", Unit::kMonth},
      {"months", Unit::kMonth},
      {"mon", Unit::kMonth},
      {"mons", Unit::kMonth},
      {"quarter", Unit::kQuarter},
      {"qtr", Unit::kQuarter},
      {"year", Unit::kYear},
      {"years", Unit::kYear},
      {"y", Unit::kYear},
      {"yr", Unit::kYear},
      {"yrs", Unit::kYear},
      {"decade", Unit::kDecade},
      {"decades", Unit::kDecade},
      {"dec", Unit::kDecade},
      {"century", Unit::kCentury},
      {"centuries", Unit::kCentury},
      {"c", Unit::kCentury},
      {"cent", Unit::kCentury},
      {"millennium", Unit::kMillennium},
      {"millennia", Unit::kMillennium},
      {"mil", Unit::kMillennium},
      {"mils", Unit::kMillennium},
      {"dow", Unit::kDow},
      {"isodow", Unit::kIsoDow},
      {"doy", Unit::kDoy},
      {"epoch", Unit::kEpoch},
      {"isoyear", Unit::kIsoYear},
      {"julian", Unit::kJulian},
      {"j", Unit::kJulian},
      {"timezone", Unit::kTimezone},
      {"timezone_hour", Unit::kTimezoneHour},
      {"timezone_minute", Unit::kTimezoneMinute},
  };
  for (const Alias& a : kAliases) {
    if (s == a.name) return a.unit;
  }
  return std::nullopt;
}

Status unit_not_recognized(SV kind, SV unit) {
  return Status::sql("22023", fmt::format("unit \"{}\" not recognized for type {}", lower_ascii(unit), kind));
}
Status unit_not_supported(SV kind, SV unit) {
  return Status::sql("0A000", fmt::format("unit \"{}\" not supported for type {}", lower_ascii(unit), kind));
}

// A unit parsed once per batch while the unit text repeats.
class UnitCache {
 public:
  Result<Unit> get(SV name, SV kind) {
    if (valid_ && name == name_) return unit_;
    std::optional<Unit> u = parse_unit(name);
    if (!u) return unit_not_recognized(kind, name);
    name_.assign(name);
    unit_ = *u;
    valid_ = true;
    return unit_;
  }

 private:
  std::string name_;
  Unit unit_ = Unit::kDay;
  bool valid_ = false;
};

// ---- date_trunc -----------------------------------------------------------------

Result<int64_t> trunc_timestamp(Unit u, int64_t micros, SV unit_text, SV kind) {
  Fields f = fields_of(micros);
  auto at_date = [&](int32_t y, int32_t m, int32_t d) { return micros_of(types::days_from_civil(y, m, d), 0); };
  // Centuries and millennia count from year 1 (and -1 before it), as PostgreSQL.
  int32_t y = f.date.year;
  switch (u) {
    case Unit::kMicroseconds:
      return micros;
    case Unit::kMilliseconds:
      return micros - types::floor_mod(micros, 1000);
    case Unit::kSecond:
      return micros - types::floor_mod(micros, kMicrosPerSecond);
    case Unit::kMinute:
      return micros - types::floor_mod(micros, kMicrosPerMinute);
    case Unit::kHour:
      return micros - types::floor_mod(micros, kMicrosPerHour);
    case Unit::kDay:
      return micros_of(f.days, 0);
    case Unit::kWeek: {
      int32_t isodow = static_cast<int32_t>(types::floor_mod(f.days + 3, 7));  // Monday 0
      return micros_of(f.days - isodow, 0);
    }
    case Unit::kMonth:
      return at_date(y, f.date.month, 1);
    case Unit::kQuarter:
      return at_date(y, (f.date.month - 1) / 3 * 3 + 1, 1);
    case Unit::kYear:
      return at_date(y, 1, 1);
    case Unit::kDecade: {
      int32_t d = y > 0 ? y / 10 * 10 : -((8 - (y - 1)) / 10) * 10;
      return at_date(d, 1, 1);
    }
    case Unit::kCentury: {
      int32_t c = y > 0 ? ((y + 99) / 100) * 100 - 99 : -((99 - (y - 1)) / 100) * 100 + 1;
      return at_date(c, 1, 1);
    }
    case Unit::kMillennium: {
      int32_t m = y > 0 ? ((y + 999) / 1000) * 1000 - 999 : -((999 - (y - 1)) / 1000) * 1000 + 1;
      return at_date(m, 1, 1);
    }
    default:
      return unit_not_supported(kind, unit_text);
  }
}

Result<Interval> trunc_interval(Unit u, const Interval& iv, SV unit_text) {
  Interval r;
  int64_t t = iv.micros;
  switch (u) {
    case Unit::kMillennium:
      r.months = iv.months / 12000 * 12000;
      return r;
    case Unit::kCentury:
      r.months = iv.months / 1200 * 1200;
      return r;
    case Unit::kDecade:
      r.months = iv.months / 120 * 120;
      return r;
    case Unit::kYear:
      r.months = iv.months / 12 * 12;
      return r;
    case Unit::kQuarter:
      r.months = iv.months / 3 * 3;
      return r;
    case Unit::kMonth:
      r.months = iv.months;
      return r;
    case Unit::kDay:
      r.months = iv.months;
      r.days = iv.days;
      return r;
    case Unit::kHour:
    case Unit::kMinute:
    case Unit::kSecond:
    case Unit::kMilliseconds:
    case Unit::kMicroseconds: {
      int64_t unit = u == Unit::kHour           ? kMicrosPerHour
                     : u == Unit::kMinute       ? kMicrosPerMinute
                     : u == Unit::kSecond       ? kMicrosPerSecond
                     : u == Unit::kMilliseconds ? 1000
                                                : 1;
      r.months = iv.months;
      r.days = iv.days;
      r.micros = t / unit * unit;
      return r;
    }
    case Unit::kWeek:
      return Status::sql("0A000", "unit \"week\" not supported for type interval");
    default:
      return unit_not_supported("interval", unit_text);
  }
}

// ---- extract --------------------------------------------------------------------

Decimal dec(int64_t v, int32_t scale = 0) { return Decimal{static_cast<__int128>(v), scale}; }

// EXTRACT of a timestamp's field as numeric (PostgreSQL 14+ scales). `is_date`
// rejects time-of-day units; `is_tz` allows the timezone fields.
Result<Decimal> extract_timestamp(Unit u, int64_t micros, SV unit_text, SV kind, bool is_date, bool is_tz) {
  Fields f = fields_of(micros);
  int32_t y = f.date.year;
  int64_t sec_micros = static_cast<int64_t>(f.time.second) * kMicrosPerSecond + f.time.micros;
  if (is_date && (u == Unit::kMicroseconds || u == Unit::kMilliseconds || u == Unit::kSecond || u == Unit::kMinute ||
                  u == Unit::kHour)) {
    return unit_not_supported(kind, unit_text);
  }
  switch (u) {
    case Unit::kMicroseconds:
      return dec(sec_micros);
    case Unit::kMilliseconds:
      return dec(sec_micros, 3);
    case Unit::kSecond:
      return dec(sec_micros, 6);
    case Unit::kMinute:
      return dec(f.time.minute);
    case Unit::kHour:
      return dec(f.time.hour);
    case Unit::kDay:
      return dec(f.date.day);
    case Unit::kMonth:
      return dec(f.date.month);
    case Unit::kQuarter:
      return dec((f.date.month - 1) / 3 + 1);
    case Unit::kYear:
      return dec(y > 0 ? y : y - 1);
    case Unit::kDecade:
      return dec(y >= 0 ? y / 10 : -((8 - (y - 1)) / 10));
    case Unit::kCentury:
      return dec(y > 0 ? (y + 99) / 100 : -((99 - (y - 1)) / 100));
    case Unit::kMillennium:
      return dec(y > 0 ? (y + 999) / 1000 : -((999 - (y - 1)) / 1000));
    case Unit::kWeek: {
      int32_t iy, w;
      iso_week(f.days, &iy, &w);
      return dec(w);
    }
    case Unit::kIsoYear: {
      int32_t iy, w;
      iso_week(f.days, &iy, &w);
      return dec(iy > 0 ? iy : iy - 1);
    }
    case Unit::kDow:
      return dec(day_of_week(f.days));
    case Unit::kIsoDow: {
      int32_t d = day_of_week(f.days);
      return dec(d == 0 ? 7 : d);
    }
    case Unit::kDoy:
      return dec(day_of_year(f));
    case Unit::kEpoch:
      if (is_date) return dec(static_cast<int64_t>(f.days) * 86400);
      return dec(micros, 6);
    case Unit::kJulian: {
      Decimal day = dec(f.days + kUnixEpochJulian);
      if (is_date) return day;
      STRATA_ASSIGN_OR_RETURN(Decimal frac, types::decimal_div(dec(f.micros_of_day), dec(kMicrosPerDay)));
      return types::decimal_add(day, frac);
    }
    case Unit::kTimezone:
    case Unit::kTimezoneHour:
    case Unit::kTimezoneMinute:
      if (!is_tz) return unit_not_supported(kind, unit_text);
      return dec(0);
  }
  return unit_not_supported(kind, unit_text);
}

Result<Decimal> extract_time(Unit u, int64_t micros, SV unit_text) {
  CivilTime t = types::civil_time_from_micros(micros);
  int64_t sec_micros = static_cast<int64_t>(t.second) * kMicrosPerSecond + t.micros;
  switch (u) {
    case Unit::kMicroseconds:
      return dec(sec_micros);
    case Unit::kMilliseconds:
      return dec(sec_micros, 3);
    case Unit::kSecond:
      return dec(sec_micros, 6);
    case Unit::kMinute:
      return dec(t.minute);
    case Unit::kHour:
      return dec(t.hour);
    case Unit::kEpoch:
      return dec(micros, 6);
    default:
      return unit_not_supported("time without time zone", unit_text);
  }
}

Result<Decimal> extract_interval(Unit u, const Interval& iv, SV unit_text) {
  int64_t sec_micros = iv.micros % kMicrosPerMinute;
  switch (u) {
    case Unit::kMicroseconds:
      return dec(sec_micros);
    case Unit::kMilliseconds:
      return dec(sec_micros, 3);
    case Unit::kSecond:
      return dec(sec_micros, 6);
    case Unit::kMinute:
      return dec(iv.micros % kMicrosPerHour / kMicrosPerMinute);
    case Unit::kHour:
      return dec(iv.micros / kMicrosPerHour);
    case Unit::kDay:
      return dec(iv.days);
    case Unit::kMonth:
      return dec(iv.months % 12);
    case Unit::kQuarter:
      return dec((iv.months % 12) / 3 + 1);
    case Unit::kYear:
      return dec(iv.months / 12);
    case Unit::kDecade:
      return dec(iv.months / 120);
    case Unit::kCentury:
      return dec(iv.months / 1200);
    case Unit::kMillennium:
      return dec(iv.months / 12000);
    case Unit::kEpoch: {
      // 365.25-day years, 30-day months, 24-hour days.
      __int128 v = static_cast<__int128>(iv.months / 12) * 31557600 * kMicrosPerSecond +
                   static_cast<__int128>(iv.months % 12) * 30 * kMicrosPerDay +
                   static_cast<__int128>(iv.days) * kMicrosPerDay + iv.micros;
      return Decimal{v, 6};
    }
    default:
      return unit_not_supported("interval", unit_text);
  }
}

// ---- age ------------------------------------------------------------------------

Interval age(int64_t a, int64_t b) {
  Fields f1 = fields_of(a);
  Fields f2 = fields_of(b);
  int64_t usec = f1.time.micros - f2.time.micros;
  int64_t sec = f1.time.second - f2.time.second;
  int64_t min = f1.time.minute - f2.time.minute;
  int64_t hour = f1.time.hour - f2.time.hour;
  int64_t mday = f1.date.day - f2.date.day;
  int64_t mon = f1.date.month - f2.date.month;
  int64_t year = f1.date.year - f2.date.year;
  bool flip = a < b;
  if (flip) {
    usec = -usec, sec = -sec, min = -min, hour = -hour, mday = -mday, mon = -mon, year = -year;
  }
  while (usec < 0) usec += kMicrosPerSecond, --sec;
  while (sec < 0) sec += 60, --min;
  while (min < 0) min += 60, --hour;
  while (hour < 0) hour += 24, --mday;
  while (mday < 0) {
    const CivilDate& ref = flip ? f1.date : f2.date;
    mday += types::days_in_month(ref.year, ref.month);
    --mon;
  }
  while (mon < 0) mon += 12, --year;
  if (flip) {
    usec = -usec, sec = -sec, min = -min, hour = -hour, mday = -mday, mon = -mon, year = -year;
  }
  Interval r;
  r.months = static_cast<int32_t>(year * 12 + mon);
  r.days = static_cast<int32_t>(mday);
  r.micros = ((hour * 60 + min) * 60 + sec) * kMicrosPerSecond + usec;
  return r;
}

// ---- interval * / double (PostgreSQL's interval_mul, fractions cascade down) ------

double ts_round(double v) { return std::rint(v * 1e6) / 1e6; }

Result<Interval> interval_scale(const Interval& iv, double factor) {
  if (std::isnan(factor)) return Status::sql("22008", "interval out of range");
  double m = iv.months * factor;
  double d = iv.days * factor;
  if (m > INT32_MAX || m < INT32_MIN || d > INT32_MAX || d < INT32_MIN) {
    return Status::sql("22008", "interval out of range");
  }
  Interval r;
  r.months = static_cast<int32_t>(m);
  r.days = static_cast<int32_t>(d);
  double month_remainder_days = ts_round((m - r.months) * 30.0);
  double sec_remainder =
      ts_round((d - r.days + month_remainder_days - static_cast<int32_t>(month_remainder_days)) * 86400.0);
  if (std::fabs(sec_remainder) >= 86400.0) {
    r.days += static_cast<int32_t>(sec_remainder / 86400.0);
    sec_remainder -= static_cast<int32_t>(sec_remainder / 86400.0) * 86400.0;
  }
  r.days += static_cast<int32_t>(month_remainder_days);
  double t = std::rint(static_cast<double>(iv.micros) * factor + sec_remainder * 1e6);
  if (!(t >= -9.2e18 && t <= 9.2e18)) return Status::sql("22008", "interval out of range");
  r.micros = static_cast<int64_t>(t);
  return r;
}

Result<Interval> interval_add(const Interval& a, const Interval& b, int sign) {
  Interval r;
  if (__builtin_add_overflow(a.months, sign * b.months, &r.months) ||
      __builtin_add_overflow(a.days, sign * b.days, &r.days) ||
      __builtin_add_overflow(a.micros, sign * b.micros, &r.micros)) {
    return Status::sql("22008", "interval out of range");
  }
  return r;
}

Interval negate(const Interval& a) { return Interval{-a.months, -a.days, -a.micros}; }

// ---- time zones -----------------------------------------------------------------

// The zone's offset east of UTC in microseconds: UTC/GMT/Z, or a numeric offset read
// POSIX-style as PostgreSQL does for AT TIME ZONE ('+05' is five hours west).
Result<int64_t> zone_offset(SV zone) {
  std::string z = lower_ascii(zone);
  if (z == "utc" || z == "gmt" || z == "z" || z == "etc/utc" || z == "etc/gmt" || z == "zulu" || z == "uct" ||
      z == "universal") {
    return int64_t{0};
  }
  SV s = zone;
  int sign = 1;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  } else if (s.empty() || !(s[0] >= '0' && s[0] <= '9')) {
    return Status::sql("22023", fmt::format("time zone \"{}\" not recognized", zone));
  }
  int64_t parts[3] = {0, 0, 0};
  int k = 0;
  size_t i = 0;
  bool any = false;
  while (i < s.size() && k < 3) {
    if (s[i] >= '0' && s[i] <= '9') {
      parts[k] = parts[k] * 10 + (s[i] - '0');
      any = true;
    } else if (s[i] == ':') {
      ++k;
    } else {
      return Status::sql("22023", fmt::format("time zone \"{}\" not recognized", zone));
    }
    ++i;
  }
  if (!any || parts[0] > 15 * 24) return Status::sql("22023", fmt::format("time zone \"{}\" not recognized", zone));
  int64_t off = parts[0] * kMicrosPerHour + parts[1] * kMicrosPerMinute + parts[2] * kMicrosPerSecond;
  return -sign * off;  // POSIX: positive is west of Greenwich
}

// ---- registration helpers ---------------------------------------------------------

template <class F>
void add_rows(FunctionRegistry& r, const char* name, std::vector<Type> args, Type ret, F f) {
  add_fn(r, name, std::move(args), ret,
         [f](const FunctionContext& ctx, const Args& a, size_t n, Vector& out) { return f(ctx, a, n, out); });
}

const Type kDate = Type::date();
const Type kTime = Type::time();
const Type kTs = Type::timestamp();
const Type kTsTz = Type::timestamptz();
const Type kIv = Type::interval();
const Type kI4 = Type::integer();
const Type kF8 = Type::double_precision();
const Type kText = Type::text();
const Type kNum = Type::numeric();

void register_operators(FunctionRegistry& r) {
  // date +/- integer, date - date.
  add_fn(r, "+", {kDate, kI4}, kDate, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const int32_t* d = a[0]->data<int32_t>();
    const int32_t* k = a[1]->data<int32_t>();
    return map_rows<int32_t>(a, n, out, [&](size_t i) { return types::date_add_days(d[i], k[i]); });
  });
  add_fn(r, "+", {kI4, kDate}, kDate, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const int32_t* k = a[0]->data<int32_t>();
    const int32_t* d = a[1]->data<int32_t>();
    return map_rows<int32_t>(a, n, out, [&](size_t i) { return types::date_add_days(d[i], k[i]); });
  });
  add_fn(r, "-", {kDate, kI4}, kDate, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const int32_t* d = a[0]->data<int32_t>();
    const int32_t* k = a[1]->data<int32_t>();
    return map_rows<int32_t>(a, n, out, [&](size_t i) { return types::date_add_days(d[i], -int64_t{k[i]}); });
  });
  add_fn(r, "-", {kDate, kDate}, kI4, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map2<int32_t, int32_t, int32_t>(a, n, out, [](int32_t x, int32_t y, int32_t& z) {
      return __builtin_sub_overflow(x, y, &z) ? Err::kIntRange : Err::kNone;
    });
  });
  // date + time, date +/- interval -> timestamp.
  add_fn(r, "+", {kDate, kTime}, kTs, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const int32_t* d = a[0]->data<int32_t>();
    const int64_t* t = a[1]->data<int64_t>();
    return map_rows<int64_t>(a, n, out, [&](size_t i) { return check_ts(micros_of(d[i], t[i])); });
  });
  add_fn(r, "+", {kTime, kDate}, kTs, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const int64_t* t = a[0]->data<int64_t>();
    const int32_t* d = a[1]->data<int32_t>();
    return map_rows<int64_t>(a, n, out, [&](size_t i) { return check_ts(micros_of(d[i], t[i])); });
  });
  // date +/- interval -> timestamp (PostgreSQL's date_pl_interval / date_mi_interval).
  for (int sign : {1, -1}) {
    add_fn(r, sign > 0 ? "+" : "-", {kDate, kIv}, kTs,
           [sign](const FunctionContext&, const Args& a, size_t n, Vector& out) {
             const int32_t* d = a[0]->data<int32_t>();
             const Interval* iv = a[1]->data<Interval>();
             return map_rows<int64_t>(a, n, out, [&](size_t i) -> Result<int64_t> {
               STRATA_ASSIGN_OR_RETURN(
                   int64_t v, types::timestamp_add_interval(micros_of(d[i], 0), sign > 0 ? iv[i] : negate(iv[i])));
               return check_ts(v);
             });
           });
  }
  add_fn(r, "+", {kIv, kDate}, kTs, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const Interval* iv = a[0]->data<Interval>();
    const int32_t* d = a[1]->data<int32_t>();
    return map_rows<int64_t>(a, n, out, [&](size_t i) -> Result<int64_t> {
      STRATA_ASSIGN_OR_RETURN(int64_t v, types::timestamp_add_interval(micros_of(d[i], 0), iv[i]));
      return check_ts(v);
    });
  });
  // timestamp[tz] +/- interval.
  for (const Type& ts : {kTs, kTsTz}) {
    add_fn(r, "+", {ts, kIv}, ts, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const int64_t* t = a[0]->data<int64_t>();
      const Interval* iv = a[1]->data<Interval>();
      return map_rows<int64_t>(a, n, out, [&](size_t i) -> Result<int64_t> {
        STRATA_ASSIGN_OR_RETURN(int64_t v, types::timestamp_add_interval(t[i], iv[i]));
        return check_ts(v);
      });
    });
    add_fn(r, "+", {kIv, ts}, ts, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const Interval* iv = a[0]->data<Interval>();
      const int64_t* t = a[1]->data<int64_t>();
      return map_rows<int64_t>(a, n, out, [&](size_t i) -> Result<int64_t> {
        STRATA_ASSIGN_OR_RETURN(int64_t v, types::timestamp_add_interval(t[i], iv[i]));
        return check_ts(v);
      });
    });
    add_fn(r, "-", {ts, kIv}, ts, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const int64_t* t = a[0]->data<int64_t>();
      const Interval* iv = a[1]->data<Interval>();
      return map_rows<int64_t>(a, n, out, [&](size_t i) -> Result<int64_t> {
        STRATA_ASSIGN_OR_RETURN(int64_t v, types::timestamp_add_interval(t[i], negate(iv[i])));
        return check_ts(v);
      });
    });
    add_fn(r, "-", {ts, ts}, kIv, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const int64_t* x = a[0]->data<int64_t>();
      const int64_t* y = a[1]->data<int64_t>();
      return map_rows<Interval>(a, n, out, [&](size_t i) -> Result<Interval> {
        int64_t d;
        if (__builtin_sub_overflow(x[i], y[i], &d)) return Status::sql("22008", "interval out of range");
        return types::timestamp_difference(x[i], y[i]);
      });
    });
  }
  // time +/- interval (wraps around midnight), time - time.
  add_fn(r, "+", {kTime, kIv}, kTime, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map2<int64_t, Interval, int64_t>(a, n, out, [](int64_t t, const Interval& iv, int64_t& z) {
      z = types::floor_mod(t + iv.micros % kMicrosPerDay, kMicrosPerDay);
      return Err::kNone;
    });
  });
  add_fn(r, "+", {kIv, kTime}, kTime, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map2<Interval, int64_t, int64_t>(a, n, out, [](const Interval& iv, int64_t t, int64_t& z) {
      z = types::floor_mod(t + iv.micros % kMicrosPerDay, kMicrosPerDay);
      return Err::kNone;
    });
  });
  add_fn(r, "-", {kTime, kIv}, kTime, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map2<int64_t, Interval, int64_t>(a, n, out, [](int64_t t, const Interval& iv, int64_t& z) {
      z = types::floor_mod(t - iv.micros % kMicrosPerDay, kMicrosPerDay);
      return Err::kNone;
    });
  });
  add_fn(r, "-", {kTime, kTime}, kIv, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map2<int64_t, int64_t, Interval>(a, n, out, [](int64_t x, int64_t y, Interval& z) {
      z = Interval{0, 0, x - y};
      return Err::kNone;
    });
  });
  // interval arithmetic.
  add_fn(r, "+", {kIv, kIv}, kIv, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const Interval* x = a[0]->data<Interval>();
    const Interval* y = a[1]->data<Interval>();
    return map_rows<Interval>(a, n, out, [&](size_t i) { return interval_add(x[i], y[i], 1); });
  });
  add_fn(r, "-", {kIv, kIv}, kIv, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const Interval* x = a[0]->data<Interval>();
    const Interval* y = a[1]->data<Interval>();
    return map_rows<Interval>(a, n, out, [&](size_t i) { return interval_add(x[i], y[i], -1); });
  });
  add_fn(r, "-", {kIv}, kIv, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map1<Interval, Interval>(a, n, out, [](const Interval& x, Interval& z) {
      if (x.months == INT32_MIN || x.days == INT32_MIN || x.micros == INT64_MIN) return Err::kInvalidArg;
      z = negate(x);
      return Err::kNone;
    });
  });
  add_fn(r, "*", {kIv, kF8}, kIv, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const Interval* x = a[0]->data<Interval>();
    const double* f = a[1]->data<double>();
    return map_rows<Interval>(a, n, out, [&](size_t i) { return interval_scale(x[i], f[i]); });
  });
  add_fn(r, "*", {kF8, kIv}, kIv, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const double* f = a[0]->data<double>();
    const Interval* x = a[1]->data<Interval>();
    return map_rows<Interval>(a, n, out, [&](size_t i) { return interval_scale(x[i], f[i]); });
  });
  add_fn(r, "/", {kIv, kF8}, kIv, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const Interval* x = a[0]->data<Interval>();
    const double* f = a[1]->data<double>();
    return map_rows<Interval>(a, n, out, [&](size_t i) -> Result<Interval> {
      if (f[i] == 0) return Status::sql("22012", "division by zero");
      return interval_scale(x[i], 1.0 / f[i]);
    });
  });
}

}  // namespace

void register_datetime_functions(FunctionRegistry& r) {
  register_operators(r);

  // Statement clock: now(), current_timestamp, statement_timestamp(); the
  // transaction's; the wall clock (volatile).
  for (const char* name : {"now", "statement_timestamp", "transaction_timestamp", "clock_timestamp"}) {
    ScalarFunction f;
    f.name = name;
    f.return_type = kTsTz;
    SV which = name;
    f.is_volatile = which == "clock_timestamp";
    f.kernel = [which](const FunctionContext& ctx, const Args&, size_t n, Vector& out) {
      int64_t v = ctx.statement_timestamp_micros;
      if (which == "transaction_timestamp") v = ctx.transaction_timestamp_micros;
      int64_t* z = out.data<int64_t>();
      for (size_t i = 0; i < n; ++i) {
        if (which == "clock_timestamp") {
          v = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
                  .count();
        }
        z[i] = v;
      }
      return Status::ok_status();
    };
    r.add_scalar(std::move(f));
  }

  // date_trunc(unit, timestamp | timestamptz | interval).
  for (const Type& ts : {kTs, kTsTz}) {
    SV kind = ts == kTs ? "timestamp without time zone" : "timestamp with time zone";
    add_fn(r, "date_trunc", {kText, ts}, ts, [kind](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const SV* unit = a[0]->data<SV>();
      const int64_t* t = a[1]->data<int64_t>();
      UnitCache units;
      return map_rows<int64_t>(a, n, out, [&](size_t i) -> Result<int64_t> {
        STRATA_ASSIGN_OR_RETURN(Unit u, units.get(unit[i], kind));
        return trunc_timestamp(u, t[i], unit[i], kind);
      });
    });
  }
  add_fn(r, "date_trunc", {kText, kIv}, kIv, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const SV* unit = a[0]->data<SV>();
    const Interval* iv = a[1]->data<Interval>();
    UnitCache units;
    return map_rows<Interval>(a, n, out, [&](size_t i) -> Result<Interval> {
      STRATA_ASSIGN_OR_RETURN(Unit u, units.get(unit[i], "interval"));
      return trunc_interval(u, iv[i], unit[i]);
    });
  });

  // extract(field, x) -> numeric; date_part(field, x) -> double precision.
  for (int as_double = 0; as_double < 2; ++as_double) {
    const char* name = as_double ? "date_part" : "extract";
    Type ret = as_double ? kF8 : kNum;
    auto emit = [as_double](Vector& out, size_t i, const Decimal& d) {
      if (as_double) {
        out.data<double>()[i] = types::decimal_to_double(d);
      } else {
        out.data<Decimal>()[i] = d;
      }
    };
    for (const Type& ty : {kTs, kTsTz, kDate}) {
      bool is_date = ty == kDate;
      bool is_tz = ty == kTsTz;
      SV kind = is_date ? "date" : is_tz ? "timestamp with time zone" : "timestamp without time zone";
      add_fn(r, name, {kText, ty}, ret, [=](const FunctionContext&, const Args& a, size_t n, Vector& out) -> Status {
        const SV* unit = a[0]->data<SV>();
        UnitCache units;
        for (size_t i = 0; i < n; ++i) {
          if (row_has_null(a, i)) continue;
          int64_t micros = is_date ? micros_of(a[1]->data<int32_t>()[i], 0) : a[1]->data<int64_t>()[i];
          STRATA_ASSIGN_OR_RETURN(Unit u, units.get(unit[i], kind));
          STRATA_ASSIGN_OR_RETURN(Decimal d, extract_timestamp(u, micros, unit[i], kind, is_date, is_tz));
          emit(out, i, d);
        }
        return Status::ok_status();
      });
    }
    add_fn(r, name, {kText, kTime}, ret, [=](const FunctionContext&, const Args& a, size_t n, Vector& out) -> Status {
      const SV* unit = a[0]->data<SV>();
      const int64_t* t = a[1]->data<int64_t>();
      UnitCache units;
      for (size_t i = 0; i < n; ++i) {
        if (row_has_null(a, i)) continue;
        STRATA_ASSIGN_OR_RETURN(Unit u, units.get(unit[i], "time without time zone"));
        STRATA_ASSIGN_OR_RETURN(Decimal d, extract_time(u, t[i], unit[i]));
        emit(out, i, d);
      }
      return Status::ok_status();
    });
    add_fn(r, name, {kText, kIv}, ret, [=](const FunctionContext&, const Args& a, size_t n, Vector& out) -> Status {
      const SV* unit = a[0]->data<SV>();
      const Interval* iv = a[1]->data<Interval>();
      UnitCache units;
      for (size_t i = 0; i < n; ++i) {
        if (row_has_null(a, i)) continue;
        STRATA_ASSIGN_OR_RETURN(Unit u, units.get(unit[i], "interval"));
        STRATA_ASSIGN_OR_RETURN(Decimal d, extract_interval(u, iv[i], unit[i]));
        emit(out, i, d);
      }
      return Status::ok_status();
    });
  }

  // age(a, b) and age(a) = age(midnight of the statement's date, a).
  for (const Type& ts : {kTs, kTsTz}) {
    add_fn(r, "age", {ts, ts}, kIv, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return map2<int64_t, int64_t, Interval>(a, n, out, [](int64_t x, int64_t y, Interval& z) {
        z = age(x, y);
        return Err::kNone;
      });
    });
    add_fn(r, "age", {ts}, kIv, [](const FunctionContext& ctx, const Args& a, size_t n, Vector& out) {
      int64_t today = ctx.statement_timestamp_micros - types::floor_mod(ctx.statement_timestamp_micros, kMicrosPerDay);
      return map1<int64_t, Interval>(a, n, out, [today](int64_t x, Interval& z) {
        z = age(today, x);
        return Err::kNone;
      });
    });
  }

  // make_date, make_time, make_timestamp[tz], make_interval.
  add_fn(r, "make_date", {kI4, kI4, kI4}, kDate, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const int32_t* y = a[0]->data<int32_t>();
    const int32_t* m = a[1]->data<int32_t>();
    const int32_t* d = a[2]->data<int32_t>();
    return map_rows<int32_t>(a, n, out, [&](size_t i) -> Result<int32_t> {
      int32_t year = y[i] < 0 ? y[i] + 1 : y[i];
      if (y[i] == 0 || m[i] < 1 || m[i] > 12 || d[i] < 1 || d[i] > types::days_in_month(year, m[i])) {
        return Status::sql("22008", fmt::format("date field value out of range: {}-{:02}-{:02}", y[i], m[i], d[i]));
      }
      return types::days_from_civil(year, m[i], d[i]);
    });
  });
  auto time_of = [](int32_t h, int32_t mi, double sec) -> Result<int64_t> {
    if (h < 0 || h > 24 || mi < 0 || mi > 59 || !(sec >= 0 && sec <= 60) || (h == 24 && (mi != 0 || sec != 0))) {
      return Status::sql("22008", fmt::format("time field value out of range: {}:{:02}:{:02}", h, mi, sec));
    }
    return (static_cast<int64_t>(h) * 60 + mi) * kMicrosPerMinute + static_cast<int64_t>(std::rint(sec * 1e6));
  };
  add_fn(r, "make_time", {kI4, kI4, kF8}, kTime,
         [time_of](const FunctionContext&, const Args& a, size_t n, Vector& out) {
           const int32_t* h = a[0]->data<int32_t>();
           const int32_t* mi = a[1]->data<int32_t>();
           const double* s = a[2]->data<double>();
           return map_rows<int64_t>(a, n, out, [&](size_t i) { return time_of(h[i], mi[i], s[i]); });
         });
  for (const Type& ts : {kTs, kTsTz}) {
    add_fn(r, ts == kTs ? "make_timestamp" : "make_timestamptz", {kI4, kI4, kI4, kI4, kI4, kF8}, ts,
           [time_of](const FunctionContext&, const Args& a, size_t n, Vector& out) {
             return map_rows<int64_t>(a, n, out, [&](size_t i) -> Result<int64_t> {
               int32_t y = a[0]->data<int32_t>()[i], m = a[1]->data<int32_t>()[i], d = a[2]->data<int32_t>()[i];
               int32_t year = y < 0 ? y + 1 : y;
               if (y == 0 || m < 1 || m > 12 || d < 1 || d > types::days_in_month(year, m)) {
                 return Status::sql("22008", fmt::format("date field value out of range: {}-{:02}-{:02}", y, m, d));
               }
               STRATA_ASSIGN_OR_RETURN(
                   int64_t t, time_of(a[3]->data<int32_t>()[i], a[4]->data<int32_t>()[i], a[5]->data<double>()[i]));
               return check_ts(micros_of(types::days_from_civil(year, m, d), t));
             });
           });
  }
  // make_interval(years, months, weeks, days, hours, mins, secs): every prefix.
  for (size_t count = 0; count <= 7; ++count) {
    std::vector<Type> sig;
    for (size_t k = 0; k < count; ++k) sig.push_back(k == 6 ? kF8 : kI4);
    add_fn(r, "make_interval", sig, kIv, [count](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return map_rows<Interval>(a, n, out, [&](size_t i) -> Result<Interval> {
        int64_t v[6] = {0, 0, 0, 0, 0, 0};
        for (size_t k = 0; k < std::min<size_t>(count, 6); ++k) v[k] = a[k]->data<int32_t>()[i];
        double secs = count == 7 ? a[6]->data<double>()[i] : 0.0;
        int64_t months = v[0] * 12 + v[1];
        int64_t days = v[2] * 7 + v[3];
        double micros = static_cast<double>(v[4] * kMicrosPerHour + v[5] * kMicrosPerMinute) + std::rint(secs * 1e6);
        if (months > INT32_MAX || months < INT32_MIN || days > INT32_MAX || days < INT32_MIN ||
            !(std::fabs(micros) < 9.2e18)) {
          return Status::sql("22008", "interval out of range");
        }
        return Interval{static_cast<int32_t>(months), static_cast<int32_t>(days), static_cast<int64_t>(micros)};
      });
    });
  }

  // date_bin(stride, source, origin): the start of the stride-long bin holding source.
  for (const Type& ts : {kTs, kTsTz}) {
    add_fn(r, "date_bin", {kIv, ts, ts}, ts, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const Interval* stride = a[0]->data<Interval>();
      const int64_t* src = a[1]->data<int64_t>();
      const int64_t* origin = a[2]->data<int64_t>();
      return map_rows<int64_t>(a, n, out, [&](size_t i) -> Result<int64_t> {
        if (stride[i].months != 0) {
          return Status::sql("22008", "timestamps cannot be binned into intervals containing months or years");
        }
        __int128 width = static_cast<__int128>(stride[i].days) * kMicrosPerDay + stride[i].micros;
        if (width <= 0) return Status::sql("22008", "stride must be greater than zero");
        if (width > INT64_MAX) return Status::sql("22008", "interval out of range");
        __int128 diff = static_cast<__int128>(src[i]) - origin[i];
        __int128 q = diff / width;
        if (diff % width != 0 && diff < 0) --q;
        __int128 v = static_cast<__int128>(origin[i]) + q * width;
        if (v < kTimestampMinMicros || v >= kTimestampEndMicros) return out_of_range("timestamp");
        return static_cast<int64_t>(v);
      });
    });
  }

  // justify_days / justify_hours / justify_interval.
  add_fn(r, "justify_hours", {kIv}, kIv, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map1<Interval, Interval>(a, n, out, [](const Interval& x, Interval& z) {
      z = x;
      z.days += static_cast<int32_t>(x.micros / kMicrosPerDay);
      z.micros = x.micros % kMicrosPerDay;
      if (z.days > 0 && z.micros < 0) {
        z.micros += kMicrosPerDay;
        --z.days;
      } else if (z.days < 0 && z.micros > 0) {
        z.micros -= kMicrosPerDay;
        ++z.days;
      }
      return Err::kNone;
    });
  });
  add_fn(r, "justify_days", {kIv}, kIv, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map1<Interval, Interval>(a, n, out, [](const Interval& x, Interval& z) {
      z = x;
      z.months += x.days / 30;
      z.days = x.days % 30;
      if (z.months > 0 && z.days < 0) {
        z.days += 30;
        --z.months;
      } else if (z.months < 0 && z.days > 0) {
        z.days -= 30;
        ++z.months;
      }
      return Err::kNone;
    });
  });
  add_fn(r, "justify_interval", {kIv}, kIv, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map1<Interval, Interval>(a, n, out, [](const Interval& x, Interval& z) {
      z = x;
      z.days += static_cast<int32_t>(z.micros / kMicrosPerDay);
      z.micros %= kMicrosPerDay;
      z.months += z.days / 30;
      z.days %= 30;
      if (z.months > 0 && (z.days < 0 || (z.days == 0 && z.micros < 0))) {
        z.days += 30;
        --z.months;
      } else if (z.months < 0 && (z.days > 0 || (z.days == 0 && z.micros > 0))) {
        z.days -= 30;
        ++z.months;
      }
      if (z.days > 0 && z.micros < 0) {
        z.micros += kMicrosPerDay;
        --z.days;
      } else if (z.days < 0 && z.micros > 0) {
        z.micros -= kMicrosPerDay;
        ++z.days;
      }
      return Err::kNone;
    });
  });

  // timezone(zone, x): x AT TIME ZONE zone.
  add_fn(r, "timezone", {kText, kTs}, kTsTz, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const SV* zone = a[0]->data<SV>();
    const int64_t* t = a[1]->data<int64_t>();
    return map_rows<int64_t>(a, n, out, [&](size_t i) -> Result<int64_t> {
      STRATA_ASSIGN_OR_RETURN(int64_t off, zone_offset(zone[i]));
      return check_ts(t[i] - off);
    });
  });
  add_fn(r, "timezone", {kText, kTsTz}, kTs, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const SV* zone = a[0]->data<SV>();
    const int64_t* t = a[1]->data<int64_t>();
    return map_rows<int64_t>(a, n, out, [&](size_t i) -> Result<int64_t> {
      STRATA_ASSIGN_OR_RETURN(int64_t off, zone_offset(zone[i]));
      return check_ts(t[i] + off);
    });
  });
  add_fn(r, "timezone", {kIv, kTs}, kTsTz, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const Interval* zone = a[0]->data<Interval>();
    const int64_t* t = a[1]->data<int64_t>();
    return map_rows<int64_t>(a, n, out, [&](size_t i) { return check_ts(t[i] - zone[i].micros); });
  });
  add_fn(r, "timezone", {kIv, kTsTz}, kTs, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const Interval* zone = a[0]->data<Interval>();
    const int64_t* t = a[1]->data<int64_t>();
    return map_rows<int64_t>(a, n, out, [&](size_t i) { return check_ts(t[i] + zone[i].micros); });
  });

  // to_timestamp(double precision): Unix epoch seconds.
  add_fn(r, "to_timestamp", {kF8}, kTsTz, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const double* s = a[0]->data<double>();
    return map_rows<int64_t>(a, n, out, [&](size_t i) -> Result<int64_t> {
      if (std::isnan(s[i])) return Status::sql("22008", "timestamp cannot be NaN");
      double us = std::rint(s[i] * 1e6);
      if (!(us >= static_cast<double>(kTimestampMinMicros) && us < static_cast<double>(kTimestampEndMicros))) {
        return Status::sql("22008", fmt::format("timestamp out of range: \"{}\"", s[i]));
      }
      return static_cast<int64_t>(us);
    });
  });
  register_datetime_format_functions(r);
}

}  // namespace strata::exec::fn
