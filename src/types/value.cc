#include "types/value.h"

#include <cmath>
#include <cstring>
#include <functional>

#include "types/datetime.h"
#include "types/decimal.h"

namespace strata::types {

namespace {

int compare_doubles(double a, double b) {
  // PostgreSQL orders NaN above every number and equal to itself.
  bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

template <class T>
int cmp(const T& a, const T& b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 33;
  return h;
}

std::string_view strip_trailing_spaces(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

int compare_values(const Value& a, const Value& b) {
  const Type& ta = a.type();
  const Type& tb = b.type();
  if (ta.is_numeric() && tb.is_numeric() && ta.id() != tb.id()) {
    if (ta.is_integer() && tb.is_integer()) return cmp(a.as_int(), b.as_int());
    if (ta.is_float() || tb.is_float()) {
      auto to_double = [](const Value& v) {
        if (v.type().is_integer()) return static_cast<double>(v.as_int());
        if (v.type().is_float()) return v.as_double();
        return decimal_to_double(v.as_decimal());
      };
      return compare_doubles(to_double(a), to_double(b));
    }
    auto to_decimal = [](const Value& v) {
      return v.type().is_integer() ? decimal_from_int(v.as_int()) : v.as_decimal();
    };
    return decimal_compare(to_decimal(a), to_decimal(b));
  }
  switch (ta.id()) {
    case TypeId::kUnknown: return 0;
    case TypeId::kBoolean: return cmp(a.as_bool(), b.as_bool());
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return cmp(a.as_int(), b.as_int());
    case TypeId::kReal:
    case TypeId::kDouble: return compare_doubles(a.as_double(), b.as_double());
    case TypeId::kNumeric: return decimal_compare(a.as_decimal(), b.as_decimal());
    case TypeId::kInterval:
      return cmp(interval_compare_key(a.as_interval()), interval_compare_key(b.as_interval()));
    case TypeId::kChar:
      if (tb.id() == TypeId::kChar) {
        return strip_trailing_spaces(a.as_string()).compare(strip_trailing_spaces(b.as_string())) < 0
                   ? -1
                   : (strip_trailing_spaces(a.as_string()) == strip_trailing_spaces(b.as_string()) ? 0 : 1);
      }
      [[fallthrough]];
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kBytea:
    case TypeId::kJsonb:
    case TypeId::kArray: {
      int c = a.as_string().compare(b.as_string());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
  }
  return 0;
}

uint64_t hash_value(const Value& v) {
  if (v.is_null()) return 0x9AE16A3B2F90404Full;
  switch (v.type().id()) {
    case TypeId::kUnknown: return 0;
    case TypeId::kBoolean: return mix(v.as_bool() ? 1 : 2);
    case TypeId::kReal:
    case TypeId::kDouble: {
      double d = v.as_double();
      if (d == 0) d = 0;  // -0 and 0 are equal
      if (std::isnan(d)) return mix(0x7FF8000000000000ull);
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      return mix(bits);
    }
    case TypeId::kNumeric: return decimal_hash(v.as_decimal());
    case TypeId::kInterval: {
      __int128 k = interval_compare_key(v.as_interval());
      return mix(static_cast<uint64_t>(k) ^ mix(static_cast<uint64_t>(k >> 64)));
    }
    case TypeId::kChar: return std::hash<std::string_view>()(strip_trailing_spaces(v.as_string()));
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kBytea:
    case TypeId::kJsonb:
    case TypeId::kArray:
      return std::hash<std::string_view>()(v.as_string());
    default: return mix(static_cast<uint64_t>(v.as_int()));
  }
}

}  // namespace strata::types
