// Value: one SQL value (or NULL) with its type. Used for constants, parameters,
// catalog defaults and row-at-a-time paths; bulk data moves in Vectors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "base/status.h"
#include "types/type.h"

namespace strata::types {

class Value {
 public:
  // NULL of type unknown.
  Value() = default;

  static Value null(Type type) {
    Value v;
    v.type_ = type;
    return v;
  }
  static Value boolean(bool b) { return Value(Type::boolean(), Storage(b)); }
  static Value smallint(int16_t v) { return Value(Type::smallint(), Storage(int64_t{v})); }
  static Value integer(int32_t v) { return Value(Type::integer(), Storage(int64_t{v})); }
  static Value bigint(int64_t v) { return Value(Type::bigint(), Storage(v)); }
  static Value real(float v) { return Value(Type::real(), Storage(double{v})); }
  static Value double_precision(double v) { return Value(Type::double_precision(), Storage(v)); }
  static Value numeric(Decimal v, Type type = Type::numeric()) { return Value(type, Storage(v)); }
  static Value text(std::string s, Type type = Type::text()) { return Value(type, Storage(std::move(s))); }
  static Value bytea(std::string bytes) { return Value(Type::bytea(), Storage(std::move(bytes))); }
  static Value jsonb(std::string json) { return Value(Type::jsonb(), Storage(std::move(json))); }
  static Value date(int32_t days) { return Value(Type::date(), Storage(int64_t{days})); }
  static Value time(int64_t micros) { return Value(Type::time(), Storage(micros)); }
  static Value timestamp(int64_t micros) { return Value(Type::timestamp(), Storage(micros)); }
  static Value timestamptz(int64_t micros) { return Value(Type::timestamptz(), Storage(micros)); }
  static Value interval(Interval v) { return Value(Type::interval(), Storage(v)); }
  // An integer-valued Value of any integer, date, time or timestamp type.
  static Value of_int(Type type, int64_t v) { return Value(type, Storage(v)); }

  const Type& type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }

  // REQUIRES: !is_null() and the accessor matches the type's physical class:
  // as_bool (boolean), as_int (integer types, date, time, timestamp[tz]),
  // as_double (real, double), as_decimal (numeric), as_string (string-like),
  // as_interval (interval).
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_double() const { return std::get<double>(v_); }
  const Decimal& as_decimal() const { return std::get<Decimal>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const Interval& as_interval() const { return std::get<Interval>(v_); }

  // PostgreSQL's text output of the value ("t", "1.50", "2024-01-02 03:04:05+00");
  // NULL gives "NULL" (for debugging; protocols send NULL out of band).
  std::string to_text() const;

  // Re-labels the value with a type of the same physical class (varchar(10) -> text).
  Value with_type(Type type) const {
    Value v = *this;
    v.type_ = type;
    return v;
  }

 private:
  using Storage = std::variant<std::monostate, bool, int64_t, double, Decimal, Interval, std::string>;
  Value(Type type, Storage v) : type_(type), v_(std::move(v)) {}

  Type type_ = Type::unknown();
  Storage v_;
};

// Compares two non-NULL values of the same type (or both numeric, or both
// character): negative, zero or positive. NaN sorts above every other float, as in
// PostgreSQL.
int compare_values(const Value& a, const Value& b);
// A hash equal for values that compare equal (of the same type).
uint64_t hash_value(const Value& v);

}  // namespace strata::types
