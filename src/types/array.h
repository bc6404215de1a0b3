// One-dimensional arrays (Type::array) in PostgreSQL's text form, the form an
// array value is stored in: "{1,2,NULL}", "{a,\"b c\",\"\"}", "{}".
//
// Elements are quoted when empty, when they equal NULL (any case), or when they
// hold whitespace, a comma, braces, a quote or a backslash; inside quotes a quote and a backslash
// are escaped with a backslash. Multi-dimensional arrays and explicit bounds
// ("[1:2]={...}") are refused with 0A000.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "types/type.h"

namespace strata::types {

using ArrayElements = std::vector<std::optional<std::string>>;

// The elements of an array's text form (nullopt = NULL), each as its text.
// Errors: 22P02 malformed array literal.
Result<ArrayElements> parse_array_text(std::string_view text);
// The text form of `elements`.
std::string format_array_text(const ArrayElements& elements);
// Reads `text` as an array of `element`: every element is read with the element
// type's input function and written back in its output form.
Result<std::string> normalize_array_text(std::string_view text, const Type& element);

}  // namespace strata::types
