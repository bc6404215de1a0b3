// The text and binary wire forms of every SQL type (docs/formats/pgwire.md):
// result values are encoded from a Vector row, parameter values decoded into a
// types::Value of the parameter's type.
//
// Binary forms are PostgreSQL's typsend/typreceive: big-endian integers and IEEE
// floats, numeric in base-10000 digits, date as Int32 days and time/timestamp as
// Int64 microseconds since 2000-01-01, interval as Int64 µs + Int32 days + Int32
// months, character types and bytea as raw bytes, jsonb as version byte 1 + text.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "types/type.h"
#include "types/value.h"
#include "types/vector.h"

namespace strata::pgwire {

// Whether `type` has a binary form here (every type but unknown).
bool has_binary_format(const types::Type& type);

// Appends row `row` of `v` (not NULL) in text (PostgreSQL's output function) or
// binary form.
void append_text_value(const types::Vector& v, size_t row, std::string& out);
void append_binary_value(const types::Vector& v, size_t row, std::vector<uint8_t>& out);

// Decodes a parameter of `type`. Text goes through types::parse_value (errors as
// PostgreSQL's input functions: 22P02, 22003, 22007, ...); binary errors are 22P03
// invalid_binary_representation. A parameter of unknown type is read as text.
Result<types::Value> decode_text_value(std::string_view text, const types::Type& type);
Result<types::Value> decode_binary_value(std::span<const uint8_t> bytes, const types::Type& type);

// numeric's binary form: Int16 ndigits, Int16 weight, Int16 sign (0x0000 positive,
// 0x4000 negative), Int16 dscale, then ndigits Int16 base-10000 digits, most
// significant first; value = sum(digit[i] * 10000^(weight - i)); no leading or
// trailing zero digits; zero has ndigits = 0.
void encode_numeric(const types::Decimal& d, std::vector<uint8_t>& out);
// NaN and infinities (sign 0xC000, 0xD000, 0xF000) are 0A000: our numeric has none.
Result<types::Decimal> decode_numeric(std::span<const uint8_t> bytes);

}  // namespace strata::pgwire
