// Record formats: how a Kafka record's value maps onto a row of typed columns.
//
//   json  one JSON object per record; fields by column name (unknown fields are
//         ignored, missing ones are NULL)
//   csv   one CSV line per record (RFC 4180 quoting); fields by position
//   raw   the whole value is the row's single column (text, varchar or bytea)
//
// The exact mapping of each type is in src/formats/README.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "types/type.h"

namespace strata::formats {

enum class RecordFormat : uint8_t { kJson, kCsv, kRaw };

// "json", "csv" or "raw" (case-insensitive); anything else is 22023 with the list.
Result<RecordFormat> parse_record_format(std::string_view name);
std::string_view record_format_name(RecordFormat format);

// One column of the rows a format decodes into and encodes from.
struct FieldSpec {
  std::string name;
  types::Type type;
  bool not_null = false;
};

// Whether `format` can carry rows of `fields`: at least one field, no arrays, and
// for raw exactly one text, varchar or bytea column (42804 otherwise).
Status check_record_fields(RecordFormat format, const std::vector<FieldSpec>& fields);

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates).
bool is_valid_utf8(std::string_view s);

}  // namespace strata::formats
