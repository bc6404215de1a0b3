// Exact numeric arithmetic on Decimal (a 128-bit unscaled integer and a scale),
// following PostgreSQL's numeric rules for result scales. Values are limited to 38
// significant digits; results beyond that are 22003 numeric_value_out_of_range.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "types/type.h"

namespace strata::types {

inline constexpr int32_t kDecimalMaxDigits = 38;

// 10^n for 0 <= n <= 38.
__int128 pow10_i128(int32_t n);

// Text input: "[+-]digits[.digits][e[+-]n]" with surrounding spaces; 22P02 otherwise.
Result<Decimal> parse_decimal(std::string_view text);
std::string format_decimal(const Decimal& d);

Decimal decimal_from_int(int64_t v);
// PostgreSQL converts float8 to numeric through 15 significant digits (DBL_DIG).
Result<Decimal> decimal_from_double(double v);
double decimal_to_double(const Decimal& d);
// Rounds half away from zero to an integer; 22003 when it does not fit in int64.
Result<int64_t> decimal_to_int64(const Decimal& d);

// Rounds (half away from zero) or extends to `scale` digits after the point.
Result<Decimal> decimal_rescale(const Decimal& d, int32_t scale);
// Applies a numeric(p,s) modifier: rescale to s, then 22003 "numeric field overflow"
// when the value needs more than p - s integer digits.
Result<Decimal> decimal_apply_typmod(const Decimal& d, const Type& type);

Result<Decimal> decimal_add(const Decimal& a, const Decimal& b);
Result<Decimal> decimal_sub(const Decimal& a, const Decimal& b);
Result<Decimal> decimal_mul(const Decimal& a, const Decimal& b);
// 22012 division_by_zero when b is zero; the result scale is PostgreSQL's
// select_div_scale (at least 16 significant digits).
Result<Decimal> decimal_div(const Decimal& a, const Decimal& b);
Result<Decimal> decimal_mod(const Decimal& a, const Decimal& b);
Decimal decimal_negate(const Decimal& a);
int decimal_compare(const Decimal& a, const Decimal& b);
// A hash equal for equal values of different scales (1.0 and 1.00).
uint64_t decimal_hash(const Decimal& d);

}  // namespace strata::types
