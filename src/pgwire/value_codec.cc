#include "pgwire/value_codec.h"

#include <cstring>
#include <limits>

#include "base/assert.h"
#include "base/bytes.h"
#include "pgwire/sqlstate.h"
#include "types/array.h"
#include "types/cast.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace strata::pgwire {

using types::Decimal;
using types::Interval;
using types::Type;
using types::TypeId;
using types::Value;

namespace {

// Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01.
constexpr int64_t kPgEpochMicros = int64_t{types::kPgEpochDays} * types::kMicrosPerDay;
constexpr uint16_t kNumericPositive = 0x0000;
constexpr uint16_t kNumericNegative = 0x4000;
constexpr int32_t kNumericMaxDscale = 0x3FFF;

Status bad_binary(const Type& type, std::string_view what) {
  return Status::sql(sqlstate::kInvalidBinaryRepresentation,
                     "invalid binary value for type " + type.name() + ": " + std::string(what));
}

template <class T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

}  // namespace

bool has_binary_format(const Type& type) { return type.id() != TypeId::kUnknown; }

void append_text_value(const types::Vector& v, size_t row, std::string& out) { types::append_text(v, row, out); }

void encode_numeric(const Decimal& d, std::vector<uint8_t>& out) {
  ByteWriter w(&out);
  unsigned __int128 mag = d.unscaled < 0 ? static_cast<unsigned __int128>(-d.unscaled)
                                         : static_cast<unsigned __int128>(d.unscaled);
  // Decimal digits of the magnitude, least significant first.
  char digits[48];
  int n = 0;
  while (mag != 0) {
    digits[n++] = static_cast<char>(mag % 10);
    mag /= 10;
  }
  int32_t scale = d.scale;
  // Base-10000 groups aligned on the decimal point: group g covers decimal
  // exponents [4g, 4g + 3] of the value (digit k of `digits` has exponent k - scale).
  // The lowest group holds the digit of exponent -scale; the highest the top digit.
  std::vector<int16_t> groups;  // most significant first
  int16_t weight = 0;
  if (n > 0) {
    auto group_of = [](int32_t exponent) { return exponent >= 0 ? exponent / 4 : -((-exponent + 3) / 4); };
    int32_t top = group_of(n - 1 - scale);
    int32_t bottom = group_of(-scale);
    for (int32_t g = top; g >= bottom; g--) {
      int32_t value = 0;
      for (int32_t e = 4 * g + 3; e >= 4 * g; e--) {
        int32_t k = e + scale;
        value = value * 10 + ((k >= 0 && k < n) ? digits[k] : 0);
      }
      groups.push_back(static_cast<int16_t>(value));
    }
    weight = static_cast<int16_t>(top);
    // Strip leading and trailing zero groups (the top group is never zero).
    while (!groups.empty() && groups.back() == 0) groups.pop_back();
  }
  w.i16(static_cast<int16_t>(groups.size()));
  w.i16(weight);
  w.u16(d.unscaled < 0 ? kNumericNegative : kNumericPositive);
  w.i16(static_cast<int16_t>(scale));
  for (int16_t g : groups) w.i16(g);
}

Result<Decimal> decode_numeric(std::span<const uint8_t> bytes) {
  static const Type kType = Type::numeric();
  ByteReader r(bytes);
  int16_t ndigits = r.i16();
  int16_t weight = r.i16();
  uint16_t sign = r.u16();
  int16_t dscale = r.i16();
  if (!r.ok()) return bad_binary(kType, "header too short");
  if (sign == 0xC000 || sign == 0xD000 || sign == 0xF000) {
    return Status::sql(sqlstate::kFeatureNotSupported, "numeric NaN and infinity are not supported");
  }
  if (sign != kNumericPositive && sign != kNumericNegative) return bad_binary(kType, "invalid sign");
  if (ndigits < 0 || r.remaining() != static_cast<size_t>(ndigits) * 2) return bad_binary(kType, "digit count");
  if (dscale < 0 || dscale > kNumericMaxDscale) return bad_binary(kType, "invalid scale");
  if (dscale > types::kDecimalMaxDigits) {
    return Status::sql(sqlstate::kNumericValueOutOfRange, "numeric scale " + std::to_string(dscale) +
                                                              " exceeds the supported maximum of 38");
  }
  Decimal d;
  d.scale = dscale;
  const __int128 limit = types::pow10_i128(types::kDecimalMaxDigits);
  for (int16_t i = 0; i < ndigits; i++) {
    int16_t digit = r.i16();
    if (digit < 0 || digit >= 10000) return bad_binary(kType, "digit out of range");
    if (digit == 0) continue;
    // This digit's value in units of 10^-dscale.
    int32_t exponent = 4 * (weight - i) + dscale;
    __int128 part;
    if (exponent < 0) {
      if (exponent < -4) continue;  // entirely below the display scale
      part = digit / static_cast<int32_t>(types::pow10_i128(-exponent));
    } else if (exponent > types::kDecimalMaxDigits) {
      return Status::sql(sqlstate::kNumericValueOutOfRange, "numeric value out of range");
    } else {
      __int128 p = types::pow10_i128(exponent);
      if (p > limit / digit) return Status::sql(sqlstate::kNumericValueOutOfRange, "numeric value out of range");
      part = p * digit;
    }
    d.unscaled += part;
    if (d.unscaled >= limit) return Status::sql(sqlstate::kNumericValueOutOfRange, "numeric value out of range");
  }
  if (sign == kNumericNegative) d.unscaled = -d.unscaled;
  return d;
}

namespace {

// PostgreSQL's binary array: ndim, has-nulls flag, element type OID, then per
// dimension its length and lower bound (1), then each element as a 4-byte length
// (-1 for NULL) and its binary form. A stored array is always well-formed text.
void append_binary_array(const Type& type, std::string_view text, std::vector<uint8_t>& out) {
  Result<types::ArrayElements> items = types::parse_array_text(text);
  STRATA_ASSERT(items.ok(), "stored arrays are well-formed");
  const Type element = type.element();
  types::Vector values(element, items->size());
  bool has_nulls = false;
  for (size_t i = 0; i < items->size(); ++i) {
    const auto& item = (*items)[i];
    Result<Value> v = item ? types::parse_value(*item, element) : Result<Value>(Value::null(element));
    STRATA_ASSERT(v.ok(), "stored array elements are well-formed");
    has_nulls |= v->is_null();
    values.set_value(i, *v);
  }
  ByteWriter w(&out);
  w.i32(items->empty() ? 0 : 1);
  w.i32(has_nulls ? 1 : 0);
  w.u32(element.pg_oid());
  if (items->empty()) return;
  w.i32(static_cast<int32_t>(items->size()));
  w.i32(1);
  for (size_t i = 0; i < items->size(); ++i) {
    if (values.is_null(i)) {
      ByteWriter(&out).i32(-1);
      continue;
    }
    size_t at = out.size();
    ByteWriter(&out).i32(0);
    append_binary_value(values, i, out);
    int32_t len = static_cast<int32_t>(out.size() - at - 4);
    for (int k = 0; k < 4; ++k) out[at + k] = static_cast<uint8_t>(static_cast<uint32_t>(len) >> (24 - 8 * k));
  }
}

}  // namespace

void append_binary_value(const types::Vector& v, size_t row, std::vector<uint8_t>& out) {
  ByteWriter w(&out);
  const uint8_t* p = v.raw_data() + row * v.type().physical_size();
  switch (v.type().id()) {
    case TypeId::kUnknown: return;
    case TypeId::kBoolean: w.u8(*p ? 1 : 0); return;
    case TypeId::kSmallInt: w.i16(load<int16_t>(p)); return;
    case TypeId::kInteger: w.i32(load<int32_t>(p)); return;
    case TypeId::kBigInt: w.i64(load<int64_t>(p)); return;
    case TypeId::kReal: {
      uint32_t bits;
      std::memcpy(&bits, p, 4);
      w.u32(bits);
      return;
    }
    case TypeId::kDouble: w.f64(load<double>(p)); return;
    case TypeId::kNumeric: encode_numeric(load<Decimal>(p), out); return;
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar:
    case TypeId::kBytea: w.string(load<std::string_view>(p)); return;
    case TypeId::kJsonb:
      w.u8(1);
      w.string(load<std::string_view>(p));
      return;
    case TypeId::kArray:
      append_binary_array(v.type(), load<std::string_view>(p), out);
      return;
    case TypeId::kDate: w.i32(static_cast<int32_t>(int64_t{load<int32_t>(p)} - types::kPgEpochDays)); return;
    case TypeId::kTime: w.i64(load<int64_t>(p)); return;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      // Wraps only for timestamps far beyond PostgreSQL's own range (294276 AD).
      w.u64(static_cast<uint64_t>(load<int64_t>(p)) - static_cast<uint64_t>(kPgEpochMicros));
      return;
    }
    case TypeId::kInterval: {
      Interval iv = load<Interval>(p);
      w.i64(iv.micros);
      w.i32(iv.days);
      w.i32(iv.months);
      return;
    }
  }
}

Result<Value> decode_text_value(std::string_view text, const Type& type) {
  if (type.id() == TypeId::kUnknown) return Value::text(std::string(text));
  return types::parse_value(text, type);
}

Result<Value> decode_binary_value(std::span<const uint8_t> bytes, const Type& type) {
  ByteReader r(bytes);
  auto exact = [&](size_t n) { return bytes.size() == n; };
  auto as_text = [&]() { return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()); };
  switch (type.id()) {
    case TypeId::kUnknown: return Value::text(std::string(as_text()));
    case TypeId::kBoolean:
      if (!exact(1)) return bad_binary(type, "expected 1 byte");
      return Value::boolean(bytes[0] != 0);
    case TypeId::kSmallInt:
      if (!exact(2)) return bad_binary(type, "expected 2 bytes");
      return Value::smallint(r.i16());
    case TypeId::kInteger:
      if (!exact(4)) return bad_binary(type, "expected 4 bytes");
      return Value::integer(r.i32());
    case TypeId::kBigInt:
      if (!exact(8)) return bad_binary(type, "expected 8 bytes");
      return Value::bigint(r.i64());
    case TypeId::kReal: {
      if (!exact(4)) return bad_binary(type, "expected 4 bytes");
      uint32_t bits = r.u32();
      float f;
      std::memcpy(&f, &bits, 4);
      return Value::real(f);
    }
    case TypeId::kDouble:
      if (!exact(8)) return bad_binary(type, "expected 8 bytes");
      return Value::double_precision(r.f64());
    case TypeId::kNumeric: {
      STRATA_ASSIGN_OR_RETURN(Decimal d, decode_numeric(bytes));
      if (type.has_modifier()) {
        STRATA_ASSIGN_OR_RETURN(d, types::decimal_apply_typmod(d, type));
      }
      return Value::numeric(d, type);
    }
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar:
      // The binary form of character types is the text itself (modifiers applied).
      return types::parse_value(as_text(), type);
    case TypeId::kBytea: return Value::bytea(std::string(as_text()));
    case TypeId::kArray:
      return bad_binary(type, "binary array parameters are not supported; send them as text");
    case TypeId::kJsonb: {
      if (bytes.empty() || bytes[0] != 1) return bad_binary(type, "unsupported jsonb version");
      return types::parse_value(as_text().substr(1), type);
    }
    case TypeId::kDate: {
      if (!exact(4)) return bad_binary(type, "expected 4 bytes");
      int64_t days = int64_t{r.i32()} + types::kPgEpochDays;
      if (days > std::numeric_limits<int32_t>::max() || days < std::numeric_limits<int32_t>::min()) {
        return Status::sql(sqlstate::kDatetimeFieldOverflow, "date out of range");
      }
      return Value::date(static_cast<int32_t>(days));
    }
    case TypeId::kTime: {
      if (!exact(8)) return bad_binary(type, "expected 8 bytes");
      int64_t micros = r.i64();
      if (micros < 0 || micros > types::kMicrosPerDay) {
        return Status::sql(sqlstate::kDatetimeFieldOverflow, "time out of range");
      }
      return Value::time(micros);
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      if (!exact(8)) return bad_binary(type, "expected 8 bytes");
      int64_t pg = r.i64();
      int64_t micros = 0;
      if (__builtin_add_overflow(pg, kPgEpochMicros, &micros)) {
        return Status::sql(sqlstate::kDatetimeFieldOverflow, "timestamp out of range");
      }
      return type.id() == TypeId::kTimestamp ? Value::timestamp(micros) : Value::timestamptz(micros);
    }
    case TypeId::kInterval: {
      if (!exact(16)) return bad_binary(type, "expected 16 bytes");
      Interval iv;
      iv.micros = r.i64();
      iv.days = r.i32();
      iv.months = r.i32();
      return Value::interval(iv);
    }
  }
  return bad_binary(type, "unsupported type");
}

}  // namespace strata::pgwire
