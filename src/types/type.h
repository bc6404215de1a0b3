// Type: a SQL type (PostgreSQL's names and semantics) and its physical layout.
//
// Every layer exchanges values in the physical layouts listed here (see
// docs/formats/column-vector.md):
//
//   type            physical           meaning
//   boolean         uint8_t            0 or 1
//   smallint        int16_t
//   integer         int32_t
//   bigint          int64_t
//   real            float
//   double          double
//   numeric(p,s)    Decimal            128-bit unscaled value and its scale
//   text/varchar/   std::string_view   bytes owned by the vector's StringHeap
//   char/bytea/jsonb
//   element[]       std::string_view   an array's PostgreSQL text form, normalised
//                                      ("{1,2,NULL}", "{a,\"b c\"}"); one dimension
//   date            int32_t            days since 1970-01-01
//   time            int64_t            microseconds since midnight
//   timestamp       int64_t            microseconds since 1970-01-01 00:00:00 (no zone)
//   timestamptz     int64_t            microseconds since 1970-01-01 00:00:00 UTC
//   interval        Interval           months, days, microseconds (PostgreSQL's three fields)
//   unknown         uint8_t            the type of an untyped NULL literal (always NULL)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace strata::types {

enum class TypeId : uint8_t {
  kUnknown = 0,
  kBoolean,
  kSmallInt,
  kInteger,
  kBigInt,
  kReal,
  kDouble,
  kNumeric,
  kText,
  kVarchar,
  kChar,
  kBytea,
  kDate,
  kTime,
  kTimestamp,
  kTimestampTz,
  kInterval,
  kJsonb,
  kArray,  // one-dimensional array of element(); catalog and psql use only, not storable
};

// PostgreSQL's interval: the three fields are kept apart because a month and a day
// have no fixed length in microseconds.
struct Interval {
  int32_t months = 0;
  int32_t days = 0;
  int64_t micros = 0;
  friend bool operator==(const Interval&, const Interval&) = default;
};

// numeric: value = unscaled / 10^scale, |unscaled| < 10^38, 0 <= scale <= 38.
struct Decimal {
  __int128 unscaled = 0;
  int32_t scale = 0;
};

class Type {
 public:
  // Modifier values: for numeric, precision (1..38) and scale (0..precision), or
  // kNoModifier for unconstrained numeric; for varchar(n)/char(n), n in precision.
  static constexpr int32_t kNoModifier = -1;

  constexpr Type() = default;
  constexpr explicit Type(TypeId id, int32_t precision = kNoModifier, int32_t scale = kNoModifier)
      : id_(id), precision_(precision), scale_(scale) {}

  static constexpr Type unknown() { return Type(TypeId::kUnknown); }
  static constexpr Type boolean() { return Type(TypeId::kBoolean); }
  static constexpr Type smallint() { return Type(TypeId::kSmallInt); }
  static constexpr Type integer() { return Type(TypeId::kInteger); }
  static constexpr Type bigint() { return Type(TypeId::kBigInt); }
  static constexpr Type real() { return Type(TypeId::kReal); }
  static constexpr Type double_precision() { return Type(TypeId::kDouble); }
  static constexpr Type numeric(int32_t precision = kNoModifier, int32_t scale = kNoModifier) {
    return Type(TypeId::kNumeric, precision, scale);
  }
  static constexpr Type text() { return Type(TypeId::kText); }
  static constexpr Type varchar(int32_t length = kNoModifier) { return Type(TypeId::kVarchar, length); }
  static constexpr Type character(int32_t length = 1) { return Type(TypeId::kChar, length); }
  static constexpr Type bytea() { return Type(TypeId::kBytea); }
  static constexpr Type date() { return Type(TypeId::kDate); }
  static constexpr Type time() { return Type(TypeId::kTime); }
  static constexpr Type timestamp() { return Type(TypeId::kTimestamp); }
  static constexpr Type timestamptz() { return Type(TypeId::kTimestampTz); }
  static constexpr Type interval() { return Type(TypeId::kInterval); }
  static constexpr Type jsonb() { return Type(TypeId::kJsonb); }
  // An array of `element` (the element's modifiers are not kept).
  static constexpr Type array(TypeId element) {
    return Type(TypeId::kArray, kNoModifier, static_cast<int32_t>(element));
  }

  constexpr TypeId id() const { return id_; }
  constexpr int32_t precision() const { return precision_; }
  constexpr int32_t scale() const { return scale_; }
  constexpr bool has_modifier() const { return precision_ != kNoModifier; }
  // varchar(n)/char(n): the maximum length in characters, or kNoModifier.
  constexpr int32_t length() const { return precision_; }
  // REQUIRES: id() == kArray. The element type.
  constexpr Type element() const { return Type(static_cast<TypeId>(scale_)); }
  constexpr bool is_array() const { return id_ == TypeId::kArray; }

  constexpr bool is_integer() const {
    return id_ == TypeId::kSmallInt || id_ == TypeId::kInteger || id_ == TypeId::kBigInt;
  }
  constexpr bool is_float() const { return id_ == TypeId::kReal || id_ == TypeId::kDouble; }
  constexpr bool is_numeric() const { return is_integer() || is_float() || id_ == TypeId::kNumeric; }
  // Character types (text, varchar, char): compared and concatenated as text.
  constexpr bool is_character() const {
    return id_ == TypeId::kText || id_ == TypeId::kVarchar || id_ == TypeId::kChar;
  }
  // Types whose physical layout is std::string_view.
  constexpr bool is_string_like() const {
    return is_character() || id_ == TypeId::kBytea || id_ == TypeId::kJsonb || id_ == TypeId::kArray;
  }
  constexpr bool is_temporal() const {
    return id_ == TypeId::kDate || id_ == TypeId::kTime || id_ == TypeId::kTimestamp ||
           id_ == TypeId::kTimestampTz || id_ == TypeId::kInterval;
  }

  // Bytes per value in a Vector's data buffer.
  size_t physical_size() const;
  // PostgreSQL's name with modifiers, as format_type() prints it:
  // "integer", "character varying(20)", "numeric(10,2)", "timestamp with time zone".
  std::string name() const;
  // PostgreSQL's type OID (pg_type.oid) and typmod (-1 when none) for the wire.
  uint32_t pg_oid() const;
  int32_t pg_typmod() const;
  // The type length PostgreSQL reports in RowDescription (-1 variable).
  int16_t pg_typlen() const;

  friend constexpr bool operator==(const Type& a, const Type& b) {
    return a.id_ == b.id_ && a.precision_ == b.precision_ && a.scale_ == b.scale_;
  }

 private:
  TypeId id_ = TypeId::kUnknown;
  int32_t precision_ = kNoModifier;
  int32_t scale_ = kNoModifier;
};

// The type with the given (normalised, lower-case) SQL name and modifiers, e.g.
// ("integer"), ("int4"), ("character varying", {20}), ("numeric", {10, 2}),
// ("timestamp with time zone"). Unknown names: 42704 "type \"x\" does not exist".
Result<Type> type_from_name(std::string_view name, const int32_t* modifiers, size_t modifier_count);
// The type of a PostgreSQL OID (for parameters typed by the client), or nullopt-like
// Type::unknown() when the OID is not one of ours.
Type type_from_pg_oid(uint32_t oid);

// Type category for implicit conversions, as PostgreSQL's pg_type.typcategory.
bool same_physical(const Type& a, const Type& b);

}  // namespace strata::types
