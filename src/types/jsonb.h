// jsonb: a JSON parser and PostgreSQL's jsonb normal form.
//
// jsonb values are stored as text in their normal form (what PostgreSQL's jsonb
// output prints): `{"a": 1, "b": [1, 2]}` with ", " and ": " separators, object keys
// unique (the last duplicate wins) and sorted by length then bytes, numbers in
// numeric's text form (1e2 -> 100, 1.50 stays 1.50), strings with only the escapes
// JSON requires.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace strata::types {

// Nesting limit of parsed documents (PostgreSQL checks stack depth instead).
inline constexpr size_t kJsonDepthMax = 1000;

struct JsonValue {
  enum class Kind : uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  // kNumber: the normalised number text; kString: the decoded string.
  std::string text;
  // kArray: the elements; kObject: the values, parallel to `keys`.
  std::vector<JsonValue> items;
  // kObject: unique keys in jsonb order (length, then bytes).
  std::vector<std::string> keys;

  bool is_scalar() const { return kind != Kind::kArray && kind != Kind::kObject; }
  // The member named `key`, or nullptr. REQUIRES: kind == kObject.
  const JsonValue* find(std::string_view key) const;
};

// Parses JSON text (RFC 8259). Errors: 22P02 `invalid input syntax for type json`,
// 22P05 for \u0000, 54001 past kJsonDepthMax.
Result<JsonValue> parse_json(std::string_view text);
// PostgreSQL's jsonb text output of a value.
std::string format_jsonb(const JsonValue& v);
void append_jsonb(const JsonValue& v, std::string& out);
// parse_json + format_jsonb.
Result<std::string> normalize_jsonb(std::string_view text);
// Appends a JSON string literal (quotes and escapes) for `s`.
void append_json_string(std::string_view s, std::string& out);
// Puts an object's keys in jsonb order, keeping the last of duplicate keys.
// REQUIRES: v.kind == kObject with keys parallel to items.
void sort_object_keys(JsonValue& v);

// jsonb equality (numbers compare by value: 1.0 = 1) and containment (@>).
bool jsonb_equal(const JsonValue& a, const JsonValue& b);
bool jsonb_contains(const JsonValue& a, const JsonValue& b);

}  // namespace strata::types
