// Text input/output of every type (PostgreSQL's typinput/typoutput in text format)
// and conversions between types (CAST). Error codes follow PostgreSQL:
// 22P02 invalid_text_representation, 22003 numeric_value_out_of_range,
// 22001 string_data_right_truncation, 22007/22008 datetime, 42846 cannot_coerce.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "types/type.h"
#include "types/value.h"
#include "types/vector.h"

namespace strata::types {

// PostgreSQL's float output (extra_float_digits = 1): the shortest text that reads
// back to the same value, in exponent form when the decimal exponent is < -4 or
// >= 15 (double) / 6 (real); "NaN", "Infinity", "-Infinity".
std::string format_double(double v);
std::string format_real(float v);

// Appends the text form of row `row` of v. REQUIRES: the row is not NULL.
void append_text(const Vector& v, size_t row, std::string& out);
// The text form of a non-NULL value.
std::string format_value(const Value& v);

// Reads `text` as a value of `type` (PostgreSQL's input function, including the
// type's modifier: numeric(p,s) rounding/overflow, varchar(n) length check,
// char(n) padding).
Result<Value> parse_value(std::string_view text, const Type& type);

// How a conversion treats varchar(n)/char(n) values that are too long: an explicit
// CAST truncates; an assignment (INSERT/UPDATE) fails with 22001 unless the excess
// is spaces.
enum class CastMode : uint8_t { kExplicit, kAssignment };

// Whether CAST(from AS to) exists at all (42846 otherwise).
bool cast_exists(const Type& from, const Type& to);
// Converts a value; NULL stays NULL (of the new type).
Result<Value> cast_value(const Value& v, const Type& to, CastMode mode = CastMode::kExplicit);
// Converts every row of `in` into `out` (resized to in.size(), of type `to`).
Status cast_vector(const Vector& in, const Type& to, Vector& out, CastMode mode = CastMode::kExplicit);

}  // namespace strata::types
