// Lexer: splits a query text into Tokens (token.h), PostgreSQL's lexical rules.
//
// Accepts: unquoted identifiers (folded to lower case, ASCII only), "quoted"
// identifiers with "" escapes, '...' strings with '' escapes (adjacent strings
// separated by a newline are concatenated), E'...' strings with backslash escapes,
// N'...' strings, $$...$$ and $tag$...$tag$ dollar quoting, integers, decimals and
// exponents (1, 1.5, .5, 1e10), parameters $n, -- and nested /* */ comments, and
// operators (a multi-character operator may not end in + or - unless it contains
// one of ~ ! @ # % ^ & | ` ?, so `a=-1` is `a`, `=`, `-`, `1`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/token.h"

namespace strata::sql {

// The longest query text accepted (offsets are int32).
inline constexpr size_t kMaxQueryBytes = size_t{1} << 30;

// Tokenizes `text`; the last token is always kEnd. Errors are SQLSTATE 42601 (or
// 54000 for a text over kMaxQueryBytes) with the 1-based character position.
Result<std::vector<Token>> tokenize(std::string_view text);

// The 1-based character (UTF-8 code point) position of `byte_offset` in `text`,
// as PostgreSQL reports error positions.
int32_t char_position(std::string_view text, int32_t byte_offset);

// A 42601 Status at `byte_offset` with `message`.
Status syntax_error_at(std::string_view text, int32_t byte_offset, std::string message);

// `syntax error at or near "<token text>"`, or `syntax error at end of input`.
Status syntax_error_near(std::string_view text, const Token& token);

}  // namespace strata::sql
