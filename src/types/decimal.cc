#include "types/decimal.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>

namespace strata::types {

namespace {

constexpr __int128 kMaxUnscaled = []() {
  __int128 v = 1;
  for (int i = 0; i < 38; ++i) v *= 10;
  return v - 1;
}();

Status overflow() { return Status::sql("22003", "value overflows numeric format"); }

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

// Divides and rounds half away from zero.
__int128 div_round(__int128 a, __int128 b) {
  __int128 q = a / b;
  __int128 r = a % b;
  if (abs128(r) * 2 >= abs128(b)) q += ((a < 0) != (b < 0)) ? -1 : 1;
  return q;
}

// Brings both to the larger scale; false on overflow.
bool align(const Decimal& a, const Decimal& b, __int128* x, __int128* y, int32_t* scale) {
  *scale = std::max(a.scale, b.scale);
  *x = a.unscaled;
  *y = b.unscaled;
  for (int32_t s = a.scale; s < *scale; ++s) {
    if (abs128(*x) > kMaxUnscaled / 10) return false;
    *x *= 10;
  }
  for (int32_t s = b.scale; s < *scale; ++s) {
    if (abs128(*y) > kMaxUnscaled / 10) return false;
    *y *= 10;
  }
  return true;
}

}  // namespace

__int128 pow10_i128(int32_t n) {
  __int128 v = 1;
  for (int32_t i = 0; i < n; ++i) v *= 10;
  return v;
}

Result<Decimal> parse_decimal(std::string_view text) {
  auto bad = [&]() {
    return Status::sql("22P02", fmt::format("invalid input syntax for type numeric: \"{}\"", text));
  };
  std::string_view s = text;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  __int128 v = 0;
  int32_t scale = 0;
  int digits = 0;
  bool seen_point = false;
  bool any_digit = false;
  while (!s.empty()) {
    char c = s.front();
    if (c == '.' && !seen_point) {
      seen_point = true;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      any_digit = true;
      if (v == 0 && c == '0') {
        // Leading zeros are not significant digits.
      } else {
        ++digits;
      }
      if (digits > kDecimalMaxDigits) {
        if (seen_point) {
          // Extra fraction digits beyond what fits: round on the first dropped one.
          bool round_up = c >= '5';
          while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
          if (round_up) ++v;
          break;
        }
        return overflow();
      }
      v = v * 10 + (c - '0');
      if (seen_point) ++scale;
    } else {
      break;
    }
    s.remove_prefix(1);
  }
  if (!any_digit) return bad();
  if (!s.empty() && (s.front() == 'e' || s.front() == 'E')) {
    s.remove_prefix(1);
    bool eneg = false;
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
      eneg = s.front() == '-';
      s.remove_prefix(1);
    }
    if (s.empty()) return bad();
    int32_t e = 0;
    while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.front()))) {
      e = e * 10 + (s.front() - '0');
      if (e > 1000) return overflow();
      s.remove_prefix(1);
    }
    if (eneg) {
      scale += e;
    } else {
      while (e > 0 && scale > 0) {
        --scale;
        --e;
      }
      for (; e > 0; --e) {
        if (abs128(v) > kMaxUnscaled / 10) return overflow();
        v *= 10;
      }
    }
  }
  if (!s.empty()) return bad();
  if (scale > kDecimalMaxDigits) {
    // More fraction digits than we keep: round to 38.
    Decimal d{negative ? -v : v, scale};
    while (d.scale > kDecimalMaxDigits) {
      d.unscaled = div_round(d.unscaled, 10);
      --d.scale;
    }
    return d;
  }
  return Decimal{negative ? -v : v, scale};
}

std::string format_decimal(const Decimal& d) {
  __int128 v = abs128(d.unscaled);
  char buf[64];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  } while (v > 0);
  while (n <= d.scale) buf[n++] = '0';
  std::string out;
  out.reserve(n + 2);
  if (d.unscaled < 0) out.push_back('-');
  for (int i = n - 1; i >= 0; --i) {
    out.push_back(buf[i]);
    if (i == d.scale && d.scale > 0) out.push_back('.');
  }
  return out;
}

Decimal decimal_from_int(int64_t v) { return Decimal{v, 0}; }

Result<Decimal> decimal_from_double(double v) {
  if (std::isnan(v) || std::isinf(v)) {
    return Status::sql("22003", "cannot convert infinity or NaN to numeric");
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return parse_decimal(buf);
}

double decimal_to_double(const Decimal& d) {
  return static_cast<double>(static_cast<long double>(d.unscaled) /
                             std::pow(10.0L, static_cast<long double>(d.scale)));
}

Result<int64_t> decimal_to_int64(const Decimal& d) {
  __int128 v = d.scale == 0 ? d.unscaled : div_round(d.unscaled, pow10_i128(d.scale));
  if (v > std::numeric_limits<int64_t>::max() || v < std::numeric_limits<int64_t>::min()) {
    return Status::sql("22003", "bigint out of range");
  }
  return static_cast<int64_t>(v);
}

Result<Decimal> decimal_rescale(const Decimal& d, int32_t scale) {
  if (scale == d.scale) return d;
  if (scale < d.scale) {
    return Decimal{div_round(d.unscaled, pow10_i128(d.scale - scale)), scale};
  }
  __int128 v = d.unscaled;
  for (int32_t s = d.scale; s < scale; ++s) {
    if (abs128(v) > kMaxUnscaled / 10) return overflow();
    v *= 10;
  }
  return Decimal{v, scale};
}

Result<Decimal> decimal_apply_typmod(const Decimal& d, const Type& type) {
  if (!type.has_modifier()) return d;
  STRATA_ASSIGN_OR_RETURN(Decimal r, decimal_rescale(d, type.scale()));
  if (digit_count(r.unscaled) > type.precision()) {
    return Status::sql("22003",
                       fmt::format("numeric field overflow: a field with precision {}, scale {} must round to "
                                   "an absolute value less than 10^{}",
                                   type.precision(), type.scale(), type.precision() - type.scale()));
  }
  return r;
}

Result<Decimal> decimal_add(const Decimal& a, const Decimal& b) {
  __int128 x, y;
  int32_t scale;
  if (!align(a, b, &x, &y, &scale)) return overflow();
  __int128 r = x + y;
  if (abs128(r) > kMaxUnscaled) return overflow();
  return Decimal{r, scale};
}

Result<Decimal> decimal_sub(const Decimal& a, const Decimal& b) { return decimal_add(a, decimal_negate(b)); }

Result<Decimal> decimal_mul(const Decimal& a, const Decimal& b) {
  int32_t scale = a.scale + b.scale;
  if (digit_count(a.unscaled) + digit_count(b.unscaled) > kDecimalMaxDigits + 1) return overflow();
  __int128 r = a.unscaled * b.unscaled;
  if (abs128(r) > kMaxUnscaled) return overflow();
  Decimal out{r, scale};
  while (out.scale > kDecimalMaxDigits) {
    out.unscaled = div_round(out.unscaled, 10);
    --out.scale;
  }
  return out;
}

namespace {

// PostgreSQL's weight: the base-10000 position of the first non-zero digit group,
// and that group's value.
void base10000_lead(const Decimal& d, int* weight, int* first_group) {
  __int128 v = abs128(d.unscaled);
  // Integer digits count minus scale gives the decimal exponent of the leading digit.
  int digits = digit_count(v);
  int exp10 = digits - 1 - d.scale;  // 10^exp10 is the leading digit's place
  // Group index in base 10000 (floor division of exp10 by 4).
  int w = exp10 >= 0 ? exp10 / 4 : -((-exp10 + 3) / 4);
  *weight = w;
  // Value of that group: the number's digits in positions [4w, 4w+3].
  int low = 4 * w;  // decimal exponent of the group's lowest digit
  int shift = low + d.scale;  // digits to drop from the unscaled value
  __int128 g = shift >= 0 ? v / pow10_i128(shift) : v * pow10_i128(-shift);
  *first_group = static_cast<int>(g % 10000);
}

}  // namespace

Result<Decimal> decimal_div(const Decimal& a, const Decimal& b) {
  if (b.unscaled == 0) return Status::sql("22012", "division by zero");
  int32_t rscale;
  if (a.unscaled == 0) {
    rscale = std::max({a.scale, b.scale, 16});
  } else {
    int w1, f1, w2, f2;
    base10000_lead(a, &w1, &f1);
    base10000_lead(b, &w2, &f2);
    int qweight = w1 - w2;
    if (f1 <= f2) --qweight;
    rscale = 16 - qweight * 4;
    rscale = std::max({rscale, a.scale, b.scale, 0});
  }
  // Keep within 38 digits: the integer part of the quotient needs about
  // digits(a) - scale(a) - (digits(b) - scale(b)) + 1 digits.
  int int_digits = (digit_count(a.unscaled) - a.scale) - (digit_count(b.unscaled) - b.scale) + 1;
  rscale = std::min(rscale, std::max(0, kDecimalMaxDigits - std::max(int_digits, 1)));
  // q = a / b scaled by 10^rscale = a.u * 10^(rscale - a.s + b.s) / b.u, computed
  // with a long division so the intermediate never exceeds 128 bits.
  int32_t shift = rscale - a.scale + b.scale;
  __int128 num = abs128(a.unscaled);
  __int128 den = abs128(b.unscaled);
  __int128 q;
  if (shift >= 0) {
    q = num / den;
    __int128 r = num % den;
    for (int32_t i = 0; i < shift; ++i) {
      if (q > kMaxUnscaled / 10) return overflow();
      r *= 10;
      // r < den <= 10^38, so r*10 fits in 128 bits.
      q = q * 10 + r / den;
      r %= den;
    }
    if (r * 2 >= den) ++q;
  } else {
    // Only when the 38-digit cap cut rscale below the dividend's scale.
    q = div_round(div_round(num, den), pow10_i128(-shift));
  }
  if (q > kMaxUnscaled) return overflow();
  bool negative = (a.unscaled < 0) != (b.unscaled < 0);
  return Decimal{negative ? -q : q, rscale};
}

Result<Decimal> decimal_mod(const Decimal& a, const Decimal& b) {
  if (b.unscaled == 0) return Status::sql("22012", "division by zero");
  __int128 x, y;
  int32_t scale;
  if (!align(a, b, &x, &y, &scale)) return overflow();
  return Decimal{x % y, scale};
}

Decimal decimal_negate(const Decimal& a) { return Decimal{-a.unscaled, a.scale}; }

int decimal_compare(const Decimal& a, const Decimal& b) {
  __int128 x, y;
  int32_t scale;
  if (!align(a, b, &x, &y, &scale)) {
    // One side has so many digits it cannot be aligned: compare as long doubles.
    long double da = static_cast<long double>(a.unscaled) / std::pow(10.0L, a.scale);
    long double db = static_cast<long double>(b.unscaled) / std::pow(10.0L, b.scale);
    return da < db ? -1 : (da > db ? 1 : 0);
  }
  return x < y ? -1 : (x > y ? 1 : 0);
}

uint64_t decimal_hash(const Decimal& d) {
  // Normalise: strip trailing zero fraction digits.
  __int128 v = d.unscaled;
  int32_t s = d.scale;
  while (s > 0 && v % 10 == 0) {
    v /= 10;
    --s;
  }
  uint64_t lo = static_cast<uint64_t>(v);
  uint64_t hi = static_cast<uint64_t>(static_cast<unsigned __int128>(v) >> 64);
  uint64_t h = lo * 0x9E3779B97F4A7C15ull ^ (hi + 0x632BE59BD9B4E019ull + (lo << 6) + (lo >> 2));
  return h ^ (static_cast<uint64_t>(s) * 0xFF51AFD7ED558CCDull);
}

}  // namespace strata::types
