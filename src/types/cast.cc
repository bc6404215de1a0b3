#include "types/cast.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "types/array.h"
#include "types/datetime.h"
#include "types/decimal.h"
#include "types/jsonb.h"

namespace strata::types {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string format_float_impl(double v, int digits_limit, bool is_real) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char buf[64];
  std::to_chars_result r = is_real ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v),
                                                   std::chars_format::scientific)
                                   : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view sci(buf, r.ptr - buf);
  size_t e = sci.find('e');
  int exponent = std::atoi(std::string(sci.substr(e + 1)).c_str());
  if (exponent < -4 || exponent >= digits_limit) return std::string(sci);
  // Fixed notation from the shortest digits.
  bool negative = sci.front() == '-';
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
  }
  std::string out;
  if (negative) out.push_back('-');
  if (exponent < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exponent - 1), '0');
    out += digits;
  } else {
    size_t int_digits = static_cast<size_t>(exponent) + 1;
    if (digits.size() <= int_digits) {
      out += digits;
      out.append(int_digits - digits.size(), '0');
    } else {
      out.append(digits, 0, int_digits);
      out.push_back('.');
      out.append(digits, int_digits, std::string::npos);
    }
  }
  return out;
}

Status invalid_input(std::string_view type_name, std::string_view text) {
  return Status::sql("22P02", fmt::format("invalid input syntax for type {}: \"{}\"", type_name, text));
}

const char* int_type_name(TypeId id) {
  switch (id) {
    case TypeId::kSmallInt: return "smallint";
    case TypeId::kInteger: return "integer";
    default: return "bigint";
  }
}

Status int_out_of_range(TypeId id) { return Status::sql("22003", fmt::format("{} out of range", int_type_name(id))); }

bool fits(TypeId id, int64_t v) {
  switch (id) {
    case TypeId::kSmallInt: return v >= INT16_MIN && v <= INT16_MAX;
    case TypeId::kInteger: return v >= INT32_MIN && v <= INT32_MAX;
    default: return true;
  }
}

Result<int64_t> parse_int(std::string_view text, TypeId id) {
  std::string_view s = trim(text);
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return invalid_input(int_type_name(id), text);
  uint64_t v = 0;
  for (char c : s) {
    if (c == '_') continue;
    if (!std::isdigit(static_cast<unsigned char>(c))) return invalid_input(int_type_name(id), text);
    if (v > (std::numeric_limits<uint64_t>::max() - 9) / 10) {
      return Status::sql("22003", fmt::format("value \"{}\" is out of range for type {}", text, int_type_name(id)));
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0)) {
    return Status::sql("22003", fmt::format("value \"{}\" is out of range for type {}", text, int_type_name(id)));
  }
  int64_t r = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  if (!fits(id, r)) {
    return Status::sql("22003", fmt::format("value \"{}\" is out of range for type {}", text, int_type_name(id)));
  }
  return r;
}

Result<double> parse_float(std::string_view text, bool is_real) {
  const char* name = is_real ? "real" : "double precision";
  std::string s(trim(text));
  if (iequals(s, "nan")) return std::numeric_limits<double>::quiet_NaN();
  if (iequals(s, "infinity") || iequals(s, "+infinity") || iequals(s, "inf") || iequals(s, "+inf")) {
    return std::numeric_limits<double>::infinity();
  }
  if (iequals(s, "-infinity") || iequals(s, "-inf")) return -std::numeric_limits<double>::infinity();
  if (s.empty()) return invalid_input(name, text);
  for (char c : s) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == 'E' || c == '+' ||
          c == '-')) {
      return invalid_input(name, text);
    }
  }
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return invalid_input(name, text);
  if (errno == ERANGE && (std::isinf(v) || v != 0)) {
    return Status::sql("22003", fmt::format("\"{}\" is out of range for type {}", text, name));
  }
  if (is_real && std::isfinite(v) && std::fabs(v) > std::numeric_limits<float>::max()) {
    return Status::sql("22003", fmt::format("\"{}\" is out of range for type real", text));
  }
  return v;
}

Result<bool> parse_bool(std::string_view text) {
  std::string_view s = trim(text);
  std::string lower;
  for (char c : s) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  auto prefix_of = [&](std::string_view word) {
    return !lower.empty() && lower.size() <= word.size() && word.substr(0, lower.size()) == lower;
  };
  if (lower == "1" || prefix_of("true") || prefix_of("yes") || lower == "on") return true;
  if (lower == "0" || prefix_of("false") || prefix_of("no") || lower == "off" || lower == "of") return false;
  return invalid_input("boolean", text);
}

Result<std::string> parse_bytea(std::string_view text) {
  std::string out;
  if (text.size() >= 2 && text[0] == '\\' && (text[1] == 'x' || text[1] == 'X')) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    for (size_t i = 2; i < text.size();) {
      if (std::isspace(static_cast<unsigned char>(text[i]))) {
        ++i;
        continue;
      }
      if (i + 1 >= text.size() || hex(text[i]) < 0 || hex(text[i + 1]) < 0) {
        return Status::sql("22P02", "invalid hexadecimal data: odd number of digits or invalid digit");
      }
      out.push_back(static_cast<char>(hex(text[i]) * 16 + hex(text[i + 1])));
      i += 2;
    }
    return out;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '\\') {
      out.push_back('\\');
      ++i;
    } else if (i + 3 < text.size() + 0 && text[i + 1] >= '0' && text[i + 1] <= '3' && text[i + 2] >= '0' &&
               text[i + 2] <= '7' && text[i + 3] >= '0' && text[i + 3] <= '7') {
      out.push_back(static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0')));
      i += 3;
    } else {
      return invalid_input("bytea", text);
    }
  }
  return out;
}

void append_bytea(std::string_view bytes, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
}

// Character count of UTF-8 text (bytes that are not continuation bytes).
size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Byte length of the first `chars` characters.
size_t utf8_prefix_bytes(std::string_view s, size_t chars) {
  size_t i = 0;
  size_t n = 0;
  while (i < s.size()) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (n == chars) break;
      ++n;
    }
    ++i;
  }
  return i;
}

// Applies varchar(n)/char(n) to a string.
Result<std::string> apply_length(std::string s, const Type& to, CastMode mode) {
  if (!to.has_modifier() || !(to.id() == TypeId::kVarchar || to.id() == TypeId::kChar)) return s;
  size_t limit = static_cast<size_t>(to.length());
  size_t len = utf8_length(s);
  if (len > limit) {
    size_t keep = utf8_prefix_bytes(s, limit);
    if (mode == CastMode::kAssignment) {
      for (size_t i = keep; i < s.size(); ++i) {
        if (s[i] != ' ') {
          return Status::sql("22001", fmt::format("value too long for type {}", to.name()));
        }
      }
    }
    s.resize(keep);
    len = limit;
  }
  if (to.id() == TypeId::kChar && len < limit) s.append(limit - len, ' ');
  return s;
}

Result<int64_t> double_to_int(double d, TypeId id) {
  if (std::isnan(d)) return int_out_of_range(id);
  double r = std::nearbyint(d);  // round half to even, as PostgreSQL's rint()
  if (!(r >= -9223372036854775808.0 && r < 9223372036854775808.0)) return int_out_of_range(id);
  int64_t v = static_cast<int64_t>(r);
  if (!fits(id, v)) return int_out_of_range(id);
  return v;
}

Status cannot_cast(const Type& from, const Type& to) {
  return Status::sql("42846", fmt::format("cannot cast type {} to {}", from.name(), to.name()));
}

}  // namespace

std::string format_double(double v) { return format_float_impl(v, 15, false); }
std::string format_real(float v) { return format_float_impl(v, 6, true); }

void append_text(const Vector& v, size_t row, std::string& out) {
  const uint8_t* p = v.raw_data() + row * v.type().physical_size();
  switch (v.type().id()) {
    case TypeId::kUnknown: return;
    case TypeId::kBoolean: out.push_back(*p ? 't' : 'f'); return;
    case TypeId::kSmallInt: fmt::format_to(std::back_inserter(out), "{}", *reinterpret_cast<const int16_t*>(p)); return;
    case TypeId::kInteger: fmt::format_to(std::back_inserter(out), "{}", *reinterpret_cast<const int32_t*>(p)); return;
    case TypeId::kBigInt: fmt::format_to(std::back_inserter(out), "{}", *reinterpret_cast<const int64_t*>(p)); return;
    case TypeId::kReal: out += format_real(*reinterpret_cast<const float*>(p)); return;
    case TypeId::kDouble: out += format_double(*reinterpret_cast<const double*>(p)); return;
    case TypeId::kNumeric: out += format_decimal(*reinterpret_cast<const Decimal*>(p)); return;
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar:
    case TypeId::kJsonb:
    case TypeId::kArray:
      out += *reinterpret_cast<const std::string_view*>(p);
      return;
    case TypeId::kBytea: append_bytea(*reinterpret_cast<const std::string_view*>(p), out); return;
    case TypeId::kDate: out += format_date(*reinterpret_cast<const int32_t*>(p)); return;
    case TypeId::kTime: out += format_time(*reinterpret_cast<const int64_t*>(p)); return;
    case TypeId::kTimestamp: out += format_timestamp(*reinterpret_cast<const int64_t*>(p)); return;
    case TypeId::kTimestampTz: out += format_timestamptz(*reinterpret_cast<const int64_t*>(p)); return;
    case TypeId::kInterval: out += format_interval(*reinterpret_cast<const Interval*>(p)); return;
  }
}

std::string format_value(const Value& v) {
  if (v.is_null()) return "NULL";
  switch (v.type().id()) {
    case TypeId::kUnknown: return "NULL";
    case TypeId::kBoolean: return v.as_bool() ? "t" : "f";
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt: return fmt::format("{}", v.as_int());
    case TypeId::kReal: return format_real(static_cast<float>(v.as_double()));
    case TypeId::kDouble: return format_double(v.as_double());
    case TypeId::kNumeric: return format_decimal(v.as_decimal());
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar:
    case TypeId::kJsonb:
    case TypeId::kArray:
      return v.as_string();
    case TypeId::kBytea: {
      std::string out;
      append_bytea(v.as_string(), out);
      return out;
    }
    case TypeId::kDate: return format_date(static_cast<int32_t>(v.as_int()));
    case TypeId::kTime: return format_time(v.as_int());
    case TypeId::kTimestamp: return format_timestamp(v.as_int());
    case TypeId::kTimestampTz: return format_timestamptz(v.as_int());
    case TypeId::kInterval: return format_interval(v.as_interval());
  }
  return "";
}

std::string Value::to_text() const { return format_value(*this); }

Result<Value> parse_value(std::string_view text, const Type& type) {
  switch (type.id()) {
    case TypeId::kUnknown: return Value::text(std::string(text), type);
    case TypeId::kBoolean: {
      STRATA_ASSIGN_OR_RETURN(bool b, parse_bool(text));
      return Value::boolean(b);
    }
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt: {
      STRATA_ASSIGN_OR_RETURN(int64_t v, parse_int(text, type.id()));
      return Value::of_int(type, v);
    }
    case TypeId::kReal:
    case TypeId::kDouble: {
      STRATA_ASSIGN_OR_RETURN(double d, parse_float(text, type.id() == TypeId::kReal));
      if (type.id() == TypeId::kReal) d = static_cast<float>(d);
      return Value::double_precision(d).with_type(type);
    }
    case TypeId::kNumeric: {
      std::string_view t = trim(text);
      if (iequals(t, "nan") || iequals(t, "infinity") || iequals(t, "-infinity")) {
        return Status::sql("0A000", "numeric NaN and infinities are not supported");
      }
      STRATA_ASSIGN_OR_RETURN(Decimal d, parse_decimal(text));
      STRATA_ASSIGN_OR_RETURN(d, decimal_apply_typmod(d, type));
      return Value::numeric(d, type);
    }
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar: {
      STRATA_ASSIGN_OR_RETURN(std::string s, apply_length(std::string(text), type, CastMode::kAssignment));
      return Value::text(std::move(s), type);
    }
    case TypeId::kJsonb: {
      STRATA_ASSIGN_OR_RETURN(std::string normal, normalize_jsonb(text));
      return Value::jsonb(std::move(normal));
    }
    case TypeId::kArray: {
      STRATA_ASSIGN_OR_RETURN(std::string normal, normalize_array_text(text, type.element()));
      return Value::text(std::move(normal), type);
    }
    case TypeId::kBytea: {
      STRATA_ASSIGN_OR_RETURN(std::string b, parse_bytea(text));
      return Value::bytea(std::move(b));
    }
    case TypeId::kDate: {
      STRATA_ASSIGN_OR_RETURN(int32_t d, parse_date(text));
      return Value::date(d);
    }
    case TypeId::kTime: {
      STRATA_ASSIGN_OR_RETURN(int64_t t, parse_time(text));
      return Value::time(t);
    }
    case TypeId::kTimestamp: {
      STRATA_ASSIGN_OR_RETURN(int64_t t, parse_timestamp(text));
      return Value::timestamp(t);
    }
    case TypeId::kTimestampTz: {
      STRATA_ASSIGN_OR_RETURN(int64_t t, parse_timestamptz(text));
      return Value::timestamptz(t);
    }
    case TypeId::kInterval: {
      STRATA_ASSIGN_OR_RETURN(Interval iv, parse_interval(text));
      return Value::interval(iv);
    }
  }
  return invalid_input(type.name(), text);
}

bool cast_exists(const Type& from, const Type& to) {
  if (from.is_array() && to.is_array()) return cast_exists(from.element(), to.element());
  if (from.id() == TypeId::kUnknown || from.id() == to.id()) return true;
  if (from.is_character() || to.is_character()) return true;  // via text I/O
  if (from.is_numeric() && to.is_numeric()) return true;
  if ((from.id() == TypeId::kBoolean && to.id() == TypeId::kInteger) ||
      (from.id() == TypeId::kInteger && to.id() == TypeId::kBoolean)) {
    return true;
  }
  auto is_ts = [](TypeId id) { return id == TypeId::kTimestamp || id == TypeId::kTimestampTz; };
  if ((from.id() == TypeId::kDate || is_ts(from.id())) && (to.id() == TypeId::kDate || is_ts(to.id()))) return true;
  if (is_ts(from.id()) && to.id() == TypeId::kTime) return true;
  if (from.id() == TypeId::kTime && to.id() == TypeId::kInterval) return true;
  if (from.id() == TypeId::kInterval && to.id() == TypeId::kTime) return true;
  return false;
}

Result<Value> cast_value(const Value& v, const Type& to, CastMode mode) {
  const Type& from = v.type();
  if (v.is_null()) return Value::null(to);
  if (from.id() == TypeId::kUnknown) return parse_value(v.as_string(), to);
  if (from.is_array() && to.is_array()) {
    // Element by element, with the element types' casts.
    STRATA_ASSIGN_OR_RETURN(ArrayElements items, parse_array_text(v.as_string()));
    for (auto& item : items) {
      if (!item) continue;
      STRATA_ASSIGN_OR_RETURN(Value e, parse_value(*item, from.element()));
      STRATA_ASSIGN_OR_RETURN(e, cast_value(e, to.element(), mode));
      item = format_value(e);
    }
    return Value::text(format_array_text(items), to);
  }
  if (to.is_character()) {
    std::string s = from.is_character() ? v.as_string() : format_value(v);
    if (from.id() == TypeId::kChar && to.id() != TypeId::kChar) {
      // char(n) loses its trailing padding when converted to other character types.
      while (!s.empty() && s.back() == ' ') s.pop_back();
    }
    STRATA_ASSIGN_OR_RETURN(s, apply_length(std::move(s), to, mode));
    return Value::text(std::move(s), to);
  }
  if (from.is_character()) {
    return parse_value(v.as_string(), to);
  }
  if (from.id() == TypeId::kJsonb && to.is_character()) return Value::text(v.as_string(), to);
  switch (to.id()) {
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt: {
      if (from.is_integer()) {
        if (!fits(to.id(), v.as_int())) return int_out_of_range(to.id());
        return Value::of_int(to, v.as_int());
      }
      if (from.is_float()) {
        STRATA_ASSIGN_OR_RETURN(int64_t i, double_to_int(v.as_double(), to.id()));
        return Value::of_int(to, i);
      }
      if (from.id() == TypeId::kNumeric) {
        Result<int64_t> i = decimal_to_int64(v.as_decimal());
        if (!i.ok() || !fits(to.id(), *i)) return int_out_of_range(to.id());
        return Value::of_int(to, *i);
      }
      if (from.id() == TypeId::kBoolean && to.id() == TypeId::kInteger) return Value::integer(v.as_bool() ? 1 : 0);
      break;
    }
    case TypeId::kReal:
    case TypeId::kDouble: {
      double d;
      if (from.is_integer()) d = static_cast<double>(v.as_int());
      else if (from.is_float()) d = v.as_double();
      else if (from.id() == TypeId::kNumeric) d = decimal_to_double(v.as_decimal());
      else break;
      if (to.id() == TypeId::kReal) {
        if (std::isfinite(d) && std::fabs(d) > std::numeric_limits<float>::max()) {
          return Status::sql("22003", "value out of range: overflow");
        }
        d = static_cast<float>(d);
      }
      return Value::double_precision(d).with_type(to);
    }
    case TypeId::kNumeric: {
      Decimal d;
      if (from.is_integer()) {
        d = decimal_from_int(v.as_int());
      } else if (from.is_float()) {
        STRATA_ASSIGN_OR_RETURN(d, decimal_from_double(v.as_double()));
      } else if (from.id() == TypeId::kNumeric) {
        d = v.as_decimal();
      } else {
        break;
      }
      STRATA_ASSIGN_OR_RETURN(d, decimal_apply_typmod(d, to));
      return Value::numeric(d, to);
    }
    case TypeId::kBoolean:
      if (from.id() == TypeId::kInteger) return Value::boolean(v.as_int() != 0);
      break;
    case TypeId::kDate:
      if (from.id() == TypeId::kTimestamp || from.id() == TypeId::kTimestampTz) {
        return Value::date(static_cast<int32_t>(floor_div(v.as_int(), kMicrosPerDay)));
      }
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      if (from.id() == TypeId::kDate) return Value::of_int(to, v.as_int() * kMicrosPerDay);
      if (from.id() == TypeId::kTimestamp || from.id() == TypeId::kTimestampTz) {
        return Value::of_int(to, v.as_int());  // the session zone is UTC
      }
      break;
    case TypeId::kTime:
      if (from.id() == TypeId::kTimestamp || from.id() == TypeId::kTimestampTz) {
        return Value::time(floor_mod(v.as_int(), kMicrosPerDay));
      }
      if (from.id() == TypeId::kInterval) {
        return Value::time(floor_mod(v.as_interval().micros, kMicrosPerDay));
      }
      break;
    case TypeId::kInterval:
      if (from.id() == TypeId::kTime) return Value::interval(Interval{0, 0, v.as_int()});
      break;
    default: break;
  }
  if (from.id() == to.id()) return v.with_type(to);
  return cannot_cast(from, to);
}

Status cast_vector(const Vector& in, const Type& to, Vector& out, CastMode mode) {
  const size_t n = in.size();
  out = Vector(to, n);
  const Type& from = in.type();
  const uint8_t* nulls = in.nulls();
  // Fast paths for the common numeric widenings.
  if (from.is_integer() && (to.is_integer() || to.is_float())) {
    auto load = [&](size_t i) -> int64_t {
      switch (from.id()) {
        case TypeId::kSmallInt: return in.data<int16_t>()[i];
        case TypeId::kInteger: return in.data<int32_t>()[i];
        default: return in.data<int64_t>()[i];
      }
    };
    for (size_t i = 0; i < n; ++i) {
      if (nulls[i]) {
        out.set_null(i);
        continue;
      }
      int64_t v = load(i);
      switch (to.id()) {
        case TypeId::kSmallInt:
          if (!fits(to.id(), v)) return int_out_of_range(to.id());
          out.data<int16_t>()[i] = static_cast<int16_t>(v);
          break;
        case TypeId::kInteger:
          if (!fits(to.id(), v)) return int_out_of_range(to.id());
          out.data<int32_t>()[i] = static_cast<int32_t>(v);
          break;
        case TypeId::kBigInt: out.data<int64_t>()[i] = v; break;
        case TypeId::kReal: out.data<float>()[i] = static_cast<float>(v); break;
        default: out.data<double>()[i] = static_cast<double>(v); break;
      }
    }
    return Status::ok_status();
  }
  if (to.is_character() && !from.is_character()) {
    std::string buf;
    for (size_t i = 0; i < n; ++i) {
      if (nulls[i]) {
        out.set_null(i);
        continue;
      }
      buf.clear();
      append_text(in, i, buf);
      if (to.has_modifier()) {
        STRATA_ASSIGN_OR_RETURN(buf, apply_length(std::move(buf), to, mode));
      }
      out.data<std::string_view>()[i] = out.add_string(buf);
    }
    return Status::ok_status();
  }
  if (from.is_string_like() && to.is_string_like() && !to.has_modifier() && from.id() != TypeId::kChar &&
      (from == to || (!from.is_array() && !to.is_array())) &&
      (to.id() != TypeId::kBytea || from.id() == TypeId::kBytea)) {
    out = Vector(to, 0);
    out.append_rows(in, 0, n);
    return Status::ok_status();
  }
  for (size_t i = 0; i < n; ++i) {
    if (nulls[i]) {
      out.set_null(i);
      continue;
    }
    STRATA_ASSIGN_OR_RETURN(Value v, cast_value(in.get_value(i), to, mode));
    out.set_value(i, v);
  }
  return Status::ok_status();
}

}  // namespace strata::types
