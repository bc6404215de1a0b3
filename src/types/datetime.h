// Calendar arithmetic and the text forms of date, time, timestamp, timestamptz and
// interval, following PostgreSQL's ISO output style (DateStyle = ISO, MDY;
// IntervalStyle = postgres). The session time zone is UTC: timestamptz values print
// with "+00" and input without an offset is read as UTC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "types/type.h"

namespace strata::types {

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;
// PostgreSQL's epoch (2000-01-01) as days since 1970-01-01, for the binary wire format.
inline constexpr int32_t kPgEpochDays = 10957;

struct CivilDate {
  int32_t year = 1970;  // astronomical: 0 is 1 BC
  int32_t month = 1;    // 1..12
  int32_t day = 1;      // 1..31
};

struct CivilTime {
  int32_t hour = 0;
  int32_t minute = 0;
  int32_t second = 0;
  int32_t micros = 0;
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back.
int32_t days_from_civil(int32_t year, int32_t month, int32_t day);
CivilDate civil_from_days(int32_t days);
bool is_leap_year(int32_t year);
int32_t days_in_month(int32_t year, int32_t month);
CivilTime civil_time_from_micros(int64_t micros_of_day);

// Floor division and modulo (the remainder has the divisor's sign).
inline int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
inline int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

// Text output. Dates outside year 1..9999 print with " BC" or more digits as
// PostgreSQL does.
std::string format_date(int32_t days);
std::string format_time(int64_t micros_of_day);
std::string format_timestamp(int64_t micros);
std::string format_timestamptz(int64_t micros);  // "... +00" style suffix "+00"
std::string format_interval(const Interval& v);

// Text input; errors are 22007 invalid_datetime_format or 22008 field overflow.
// Accepted: "YYYY-MM-DD" (optionally followed by a time, ignored for dates), "epoch",
// "today"/"now" are not accepted (no hidden clock reads); times "HH:MM[:SS[.f]]";
// timestamps "date[ T]time[Z|+HH[:MM]|-HH[:MM]]"; intervals in PostgreSQL's verbose
// form ("1 year 2 mons 3 days 04:05:06", "-5 minutes", "2 hours ago", "1.5 days") and
// ISO 8601 ("P1Y2M3DT4H5M6S").
Result<int32_t> parse_date(std::string_view text);
Result<int64_t> parse_time(std::string_view text);
Result<int64_t> parse_timestamp(std::string_view text);
Result<int64_t> parse_timestamptz(std::string_view text);
Result<Interval> parse_interval(std::string_view text);

// Calendar arithmetic (PostgreSQL's rules: months first, clamped to month end, then
// days, then microseconds). Errors on overflow (22008).
Result<int64_t> timestamp_add_interval(int64_t micros, const Interval& iv);
Result<int32_t> date_add_days(int32_t days, int64_t n);
// An interval's length for comparison: 30-day months, 24-hour days (PostgreSQL's
// interval_cmp_value).
__int128 interval_compare_key(const Interval& iv);
// Justified difference of two timestamps, as timestamp - timestamp gives: days and
// microseconds, no months.
Interval timestamp_difference(int64_t a_micros, int64_t b_micros);

}  // namespace strata::types
