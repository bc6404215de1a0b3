#include "types/datetime.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace strata::types {

// Days since 1970-01-01 for a proleptic Gregorian date: shift the year to start in
// March so the leap day is last, then count 400-year eras of 146097 days.
int32_t days_from_civil(int32_t year, int32_t month, int32_t day) {
  int64_t y = int64_t{year} - (month <= 2 ? 1 : 0);
  int64_t era = floor_div(y, 400);
  int64_t yoe = y - era * 400;                                          // [0, 399]
  int64_t mp = (month + 9) % 12;                                        // March = 0
  int64_t doy = (153 * mp + 2) / 5 + day - 1;                           // [0, 365]
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                  // [0, 146096]
  return static_cast<int32_t>(era * 146097 + doe - 719468);
}

CivilDate civil_from_days(int32_t days) {
  int64_t z = int64_t{days} + 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return CivilDate{static_cast<int32_t>(y), static_cast<int32_t>(m), static_cast<int32_t>(d)};
}

bool is_leap_year(int32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int32_t days_in_month(int32_t year, int32_t month) {
  static constexpr int32_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

CivilTime civil_time_from_micros(int64_t t) {
  CivilTime c;
  c.hour = static_cast<int32_t>(t / kMicrosPerHour);
  t %= kMicrosPerHour;
  c.minute = static_cast<int32_t>(t / kMicrosPerMinute);
  t %= kMicrosPerMinute;
  c.second = static_cast<int32_t>(t / kMicrosPerSecond);
  c.micros = static_cast<int32_t>(t % kMicrosPerSecond);
  return c;
}

namespace {

void append_fraction(std::string& out, int64_t micros) {
  if (micros == 0) return;
  char buf[8];
  fmt::format_to_n(buf, sizeof buf, "{:06d}", micros);
  int len = 6;
  while (len > 0 && buf[len - 1] == '0') --len;
  out.push_back('.');
  out.append(buf, len);
}

void append_date(std::string& out, const CivilDate& d, bool* bc) {
  int32_t year = d.year;
  *bc = year <= 0;
  if (*bc) year = 1 - year;
  fmt::format_to(std::back_inserter(out), "{:04d}-{:02d}-{:02d}", year, d.month, d.day);
}

void append_time(std::string& out, int64_t micros_of_day) {
  CivilTime t = civil_time_from_micros(micros_of_day);
  fmt::format_to(std::back_inserter(out), "{:02d}:{:02d}:{:02d}", t.hour, t.minute, t.second);
  append_fraction(out, t.micros);
}

std::string format_timestamp_impl(int64_t micros, bool with_zone) {
  int64_t days = floor_div(micros, kMicrosPerDay);
  int64_t time = micros - days * kMicrosPerDay;
  std::string out;
  bool bc = false;
  append_date(out, civil_from_days(static_cast<int32_t>(days)), &bc);
  out.push_back(' ');
  append_time(out, time);
  if (with_zone) out += "+00";
  if (bc) out += " BC";
  return out;
}

Status bad_datetime(std::string_view type, std::string_view text) {
  return Status::sql("22007", fmt::format("invalid input syntax for type {}: \"{}\"", type, text));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Reads 1..max_digits decimal digits; false when there are none.
bool read_digits(std::string_view& s, int max_digits, int64_t* out) {
  int64_t v = 0;
  int n = 0;
  while (!s.empty() && n < max_digits && std::isdigit(static_cast<unsigned char>(s.front()))) {
    v = v * 10 + (s.front() - '0');
    s.remove_prefix(1);
    ++n;
  }
  *out = v;
  return n > 0;
}

bool eat(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

bool eat_word(std::string_view& s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != word[i]) return false;
  }
  s.remove_prefix(word.size());
  return true;
}

// "YYYY-MM-DD" at the front of s; consumes it.
bool read_date(std::string_view& s, CivilDate* d) {
  int64_t y, m, day;
  if (!read_digits(s, 9, &y) || !eat(s, '-') || !read_digits(s, 2, &m) || !eat(s, '-') ||
      !read_digits(s, 2, &day)) {
    return false;
  }
  d->year = static_cast<int32_t>(y);
  d->month = static_cast<int32_t>(m);
  d->day = static_cast<int32_t>(day);
  return true;
}

// "HH:MM[:SS[.ffffff]]" at the front of s; consumes it. Returns microseconds.
bool read_time(std::string_view& s, int64_t* micros, bool* overflow) {
  int64_t h, m, sec = 0, frac = 0;
  if (!read_digits(s, 2, &h) || !eat(s, ':') || !read_digits(s, 2, &m)) return false;
  if (eat(s, ':')) {
    if (!read_digits(s, 2, &sec)) return false;
    if (eat(s, '.')) {
      int digits = 0;
      int64_t scale = 100000;
      while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.front()))) {
        if (digits < 6) frac += (s.front() - '0') * scale;
        else if (digits == 6 && s.front() >= '5') frac += 1;  // round half up at the 7th digit
        scale /= 10;
        ++digits;
        s.remove_prefix(1);
      }
    }
  }
  *overflow = h > 24 || m > 59 || sec > 60 || (h == 24 && (m != 0 || sec != 0 || frac != 0));
  *micros = h * kMicrosPerHour + m * kMicrosPerMinute + sec * kMicrosPerSecond + frac;
  return true;
}

bool valid_date(const CivilDate& d) {
  return d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= days_in_month(d.year, d.month) &&
         d.year >= -4713 && d.year <= 294276;
}

// Optional zone suffix: "Z", "UTC", "+HH", "+HH:MM", "+HHMM", "-..."; returns the offset
// in microseconds east of UTC.
bool read_zone(std::string_view& s, int64_t* offset_micros) {
  *offset_micros = 0;
  s = trim(s);
  if (s.empty()) return true;
  if (eat_word(s, "utc") || eat_word(s, "gmt") || eat_word(s, "z")) return true;
  int sign = 0;
  if (eat(s, '+')) sign = 1;
  else if (eat(s, '-')) sign = -1;
  else return false;
  int64_t h, m = 0;
  if (!read_digits(s, 2, &h)) return false;
  if (eat(s, ':')) {
    if (!read_digits(s, 2, &m)) return false;
  } else {
    read_digits(s, 2, &m);
  }
  if (h > 15 || m > 59) return false;
  *offset_micros = sign * (h * kMicrosPerHour + m * kMicrosPerMinute);
  return true;
}

// Parses a timestamp with an optional zone: returns the local micros and the offset.
Status parse_timestamp_parts(std::string_view text, std::string_view type_name, bool allow_zone,
                             int64_t* local_micros, int64_t* offset_micros, bool* had_zone) {
  std::string_view s = trim(text);
  *had_zone = false;
  *offset_micros = 0;
  if (eat_word(s, "epoch") && trim(s).empty()) {
    *local_micros = 0;
    return Status::ok_status();
  }
  s = trim(text);
  CivilDate d;
  if (!read_date(s, &d)) return bad_datetime(type_name, text);
  int64_t time = 0;
  if (!s.empty() && (s.front() == ' ' || s.front() == 'T' || s.front() == 't')) {
    std::string_view rest = s.substr(1);
    rest = trim(rest);
    bool overflow = false;
    if (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest.front()))) {
      if (!read_time(rest, &time, &overflow)) return bad_datetime(type_name, text);
      if (overflow) return Status::sql("22008", fmt::format("date/time field value out of range: \"{}\"", text));
    }
    s = rest;
  }
  s = trim(s);
  bool bc = false;
  if (s.size() >= 2) {
    std::string_view tail = s.substr(s.size() - 2);
    if ((tail[0] == 'B' || tail[0] == 'b') && (tail[1] == 'C' || tail[1] == 'c')) {
      bc = true;
      s = trim(s.substr(0, s.size() - 2));
    }
  }
  if (!s.empty()) {
    if (!read_zone(s, offset_micros) || !trim(s).empty()) return bad_datetime(type_name, text);
    *had_zone = true;
    if (!allow_zone) *offset_micros = 0;  // timestamp without time zone ignores a zone
  }
  if (bc) d.year = 1 - d.year;
  if (!valid_date(d)) {
    return Status::sql("22008", fmt::format("date/time field value out of range: \"{}\"", text));
  }
  *local_micros = int64_t{days_from_civil(d.year, d.month, d.day)} * kMicrosPerDay + time;
  return Status::ok_status();
}

}  // namespace

std::string format_date(int32_t days) {
  std::string out;
  bool bc = false;
  append_date(out, civil_from_days(days), &bc);
  if (bc) out += " BC";
  return out;
}

std::string format_time(int64_t micros_of_day) {
  std::string out;
  append_time(out, micros_of_day);
  return out;
}

std::string format_timestamp(int64_t micros) { return format_timestamp_impl(micros, false); }
std::string format_timestamptz(int64_t micros) { return format_timestamp_impl(micros, true); }

std::string format_interval(const Interval& v) {
  std::string out;
  bool is_before = false;
  bool is_zero = true;
  auto field = [&](int64_t value, std::string_view unit, std::string_view units) {
    if (value == 0) return;
    if (!out.empty()) out.push_back(' ');
    fmt::format_to(std::back_inserter(out), "{}{} {}", (is_before && value > 0) ? "+" : "", value,
                   value == 1 ? unit : units);
    is_before = value < 0;
    is_zero = false;
  };
  field(v.months / 12, "year", "years");
  field(v.months % 12, "mon", "mons");
  field(v.days, "day", "days");
  if (is_zero || v.micros != 0) {
    if (!out.empty()) out.push_back(' ');
    bool minus = v.micros < 0;
    // |INT64_MIN| does not fit: work in unsigned.
    uint64_t t = minus ? 0 - static_cast<uint64_t>(v.micros) : static_cast<uint64_t>(v.micros);
    uint64_t hours = t / kMicrosPerHour;
    t %= kMicrosPerHour;
    fmt::format_to(std::back_inserter(out), "{}{:02d}:{:02d}:{:02d}", minus ? "-" : (is_before ? "+" : ""),
                   hours, t / kMicrosPerMinute, (t % kMicrosPerMinute) / kMicrosPerSecond);
    append_fraction(out, static_cast<int64_t>(t % kMicrosPerSecond));
  }
  return out;
}

Result<int32_t> parse_date(std::string_view text) {
  std::string_view s = trim(text);
  if (eat_word(s, "epoch") && trim(s).empty()) return 0;
  s = trim(text);
  CivilDate d;
  if (!read_date(s, &d)) return bad_datetime("date", text);
  s = trim(s);
  // A time part is accepted and ignored, as PostgreSQL does.
  if (!s.empty() && std::isdigit(static_cast<unsigned char>(s.front()))) {
    int64_t ignored;
    bool overflow;
    if (!read_time(s, &ignored, &overflow)) return bad_datetime("date", text);
    s = trim(s);
  }
  if (s.size() >= 2 && (s[0] == 'B' || s[0] == 'b') && (s[1] == 'C' || s[1] == 'c')) {
    d.year = 1 - d.year;
    s.remove_prefix(2);
  }
  if (!trim(s).empty()) return bad_datetime("date", text);
  if (!valid_date(d)) return Status::sql("22008", fmt::format("date/time field value out of range: \"{}\"", text));
  return days_from_civil(d.year, d.month, d.day);
}

Result<int64_t> parse_time(std::string_view text) {
  std::string_view s = trim(text);
  int64_t micros;
  bool overflow = false;
  if (!read_time(s, &micros, &overflow)) {
    // A full timestamp is accepted too; its time part is used.
    int64_t local, offset;
    bool had_zone;
    if (!parse_timestamp_parts(text, "time", false, &local, &offset, &had_zone).ok()) {
      return bad_datetime("time without time zone", text);
    }
    return floor_mod(local, kMicrosPerDay);
  }
  if (overflow) return Status::sql("22008", fmt::format("date/time field value out of range: \"{}\"", text));
  int64_t offset;
  if (!read_zone(s, &offset) || !trim(s).empty()) return bad_datetime("time without time zone", text);
  return micros;
}

Result<int64_t> parse_timestamp(std::string_view text) {
  int64_t local, offset;
  bool had_zone;
  STRATA_RETURN_IF_ERROR(
      parse_timestamp_parts(text, "timestamp without time zone", false, &local, &offset, &had_zone));
  return local;
}

Result<int64_t> parse_timestamptz(std::string_view text) {
  int64_t local, offset;
  bool had_zone;
  STRATA_RETURN_IF_ERROR(
      parse_timestamp_parts(text, "timestamp with time zone", true, &local, &offset, &had_zone));
  return local - offset;
}

namespace {

struct IntervalAccumulator {
  long double months = 0;
  long double days = 0;
  long double micros = 0;
};

bool add_unit(IntervalAccumulator& acc, long double n, std::string_view unit) {
  auto is = [&](std::initializer_list<std::string_view> names) {
    for (std::string_view x : names) {
      if (unit == x) return true;
    }
    return false;
  };
  if (is({"microsecond", "microseconds", "us", "usec", "usecs", "microsecon"})) acc.micros += n;
  else if (is({"millisecond", "milliseconds", "ms", "msec", "msecs"})) acc.micros += n * 1000;
  else if (is({"second", "seconds", "s", "sec", "secs"})) acc.micros += n * kMicrosPerSecond;
  else if (is({"minute", "minutes", "m", "min", "mins"})) acc.micros += n * kMicrosPerMinute;
  else if (is({"hour", "hours", "h", "hr", "hrs"})) acc.micros += n * kMicrosPerHour;
  else if (is({"day", "days", "d"})) acc.days += n;
  else if (is({"week", "weeks", "w"})) acc.days += n * 7;
  else if (is({"month", "months", "mon", "mons"})) acc.months += n;
  else if (is({"year", "years", "y", "yr", "yrs"})) acc.months += n * 12;
  else if (is({"decade", "decades"})) acc.months += n * 120;
  else if (is({"century", "centuries"})) acc.months += n * 1200;
  else if (is({"millennium", "millennia", "millenniums"})) acc.months += n * 12000;
  else return false;
  return true;
}

// Moves fractional months into days (30 per month) and fractional days into
// microseconds, as PostgreSQL does for "1.5 months".
Result<Interval> finish_interval(const IntervalAccumulator& acc, std::string_view text) {
  long double months_whole = std::trunc(acc.months);
  long double days = acc.days + (acc.months - months_whole) * 30;
  long double days_whole = std::trunc(days);
  long double micros = acc.micros + (days - days_whole) * kMicrosPerDay;
  micros = std::nearbyint(micros);
  if (std::fabs(months_whole) > std::numeric_limits<int32_t>::max() ||
      std::fabs(days_whole) > std::numeric_limits<int32_t>::max() ||
      std::fabs(micros) > 9.2e18L) {
    return Status::sql("22015", fmt::format("interval field value out of range: \"{}\"", text));
  }
  return Interval{static_cast<int32_t>(months_whole), static_cast<int32_t>(days_whole),
                  static_cast<int64_t>(micros)};
}

Result<Interval> parse_iso_interval(std::string_view text, std::string_view s) {
  IntervalAccumulator acc;
  bool in_time = false;
  s.remove_prefix(1);  // 'P'
  if (s.empty()) return bad_datetime("interval", text);
  while (!s.empty()) {
    if (s.front() == 'T' || s.front() == 't') {
      in_time = true;
      s.remove_prefix(1);
      continue;
    }
    const char* begin = s.data();
    char* end = nullptr;
    std::string num(s);
    long double n = std::strtold(num.c_str(), &end);
    size_t used = static_cast<size_t>(end - num.c_str());
    if (used == 0 || used >= s.size()) return bad_datetime("interval", text);
    (void)begin;
    s.remove_prefix(used);
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(s.front())));
    s.remove_prefix(1);
    std::string_view unit;
    switch (u) {
      case 'Y': unit = "year"; break;
      case 'M': unit = in_time ? "minute" : "month"; break;
      case 'W': unit = "week"; break;
      case 'D': unit = "day"; break;
      case 'H': unit = "hour"; break;
      case 'S': unit = "second"; break;
      default: return bad_datetime("interval", text);
    }
    add_unit(acc, n, unit);
  }
  return finish_interval(acc, text);
}

}  // namespace

Result<Interval> parse_interval(std::string_view text) {
  std::string_view s = trim(text);
  if (!s.empty() && (s.front() == 'P' || s.front() == 'p')) return parse_iso_interval(text, s);
  if (eat(s, '@')) s = trim(s);
  IntervalAccumulator acc;
  bool any = false;
  bool ago = false;
  while (!(s = trim(s)).empty()) {
    if (ago) return bad_datetime("interval", text);
    if (eat_word(s, "ago")) {
      ago = true;
      continue;
    }
    // A signed number, possibly a clock time "[-]HH:MM[:SS[.f]]".
    std::string_view token = s;
    size_t len = 0;
    while (len < token.size() && !std::isspace(static_cast<unsigned char>(token[len]))) ++len;
    token = token.substr(0, len);
    if (token.find(':') != std::string_view::npos) {
      bool negative = false;
      std::string_view t = token;
      if (eat(t, '-')) negative = true;
      else eat(t, '+');
      int64_t h, m, sec = 0;
      long double frac = 0;
      if (!read_digits(t, 18, &h) || !eat(t, ':') || !read_digits(t, 2, &m)) {
        return bad_datetime("interval", text);
      }
      if (eat(t, ':')) {
        if (!read_digits(t, 2, &sec)) return bad_datetime("interval", text);
        if (!t.empty() && t.front() == '.') {
          std::string f("0");
          f.append(t);
          char* end = nullptr;
          frac = std::strtold(f.c_str(), &end);
          if (*end != 0) return bad_datetime("interval", text);
          t = {};
        }
      }
      if (!t.empty()) return bad_datetime("interval", text);
      long double micros = static_cast<long double>(h) * kMicrosPerHour + m * kMicrosPerMinute +
                           sec * kMicrosPerSecond + frac * kMicrosPerSecond;
      acc.micros += negative ? -micros : micros;
      s.remove_prefix(len);
      any = true;
      continue;
    }
    std::string num(token);
    char* end = nullptr;
    long double n = std::strtold(num.c_str(), &end);
    size_t used = static_cast<size_t>(end - num.c_str());
    if (used == 0 || num.find_first_of("xXnN") != std::string::npos) return bad_datetime("interval", text);
    s.remove_prefix(used);
    std::string unit;
    if (used == len) {
      s = trim(s);
      // The unit is the next word; a bare number at the end means seconds.
      while (!s.empty() && std::isalpha(static_cast<unsigned char>(s.front()))) {
        unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(s.front()))));
        s.remove_prefix(1);
      }
    } else {
      // "10min": the unit is glued to the number.
      while (!s.empty() && std::isalpha(static_cast<unsigned char>(s.front()))) {
        unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(s.front()))));
        s.remove_prefix(1);
      }
    }
    if (unit == "ago") {
      ago = true;
      unit.clear();
    }
    if (unit.empty()) unit = "second";
    if (!add_unit(acc, n, unit)) return bad_datetime("interval", text);
    any = true;
  }
  if (!any) return bad_datetime("interval", text);
  if (ago) {
    acc.months = -acc.months;
    acc.days = -acc.days;
    acc.micros = -acc.micros;
  }
  return finish_interval(acc, text);
}

Result<int64_t> timestamp_add_interval(int64_t micros, const Interval& iv) {
  int64_t days = floor_div(micros, kMicrosPerDay);
  int64_t time = micros - days * kMicrosPerDay;
  if (iv.months != 0) {
    CivilDate d = civil_from_days(static_cast<int32_t>(days));
    int64_t month_index = int64_t{d.year} * 12 + (d.month - 1) + iv.months;
    int32_t year = static_cast<int32_t>(floor_div(month_index, 12));
    int32_t month = static_cast<int32_t>(floor_mod(month_index, 12)) + 1;
    if (year < -4713 || year > 294276) return Status::sql("22008", "timestamp out of range");
    int32_t day = std::min(d.day, days_in_month(year, month));
    days = days_from_civil(year, month, day);
  }
  days += iv.days;
  __int128 total = static_cast<__int128>(days) * kMicrosPerDay + time + iv.micros;
  if (total > std::numeric_limits<int64_t>::max() / 2 || total < std::numeric_limits<int64_t>::min() / 2) {
    return Status::sql("22008", "timestamp out of range");
  }
  return static_cast<int64_t>(total);
}

Result<int32_t> date_add_days(int32_t days, int64_t n) {
  int64_t r = int64_t{days} + n;
  if (r > 100'000'000 || r < -3'000'000) return Status::sql("22008", "date out of range");
  return static_cast<int32_t>(r);
}

__int128 interval_compare_key(const Interval& iv) {
  return (static_cast<__int128>(iv.months) * 30 + iv.days) * kMicrosPerDay + iv.micros;
}

Interval timestamp_difference(int64_t a, int64_t b) {
  int64_t diff = a - b;
  Interval iv;
  iv.days = static_cast<int32_t>(diff / kMicrosPerDay);
  iv.micros = diff % kMicrosPerDay;
  return iv;
}

}  // namespace strata::types
