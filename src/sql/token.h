// Tokens of PostgreSQL's SQL dialect, produced by Lexer (lexer.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace strata::sql {

enum class TokenKind : uint8_t {
  kIdent,        // unquoted word (keywords included), folded to lower case
  kQuotedIdent,  // "Quoted" identifier, case kept, "" unescaped
  kString,       // '...', E'...', $$...$$, $tag$...$tag$: text is the value
  kInteger,      // digits only
  kNumeric,      // digits with '.' and/or an exponent
  kParam,        // $n: text is the digits
  kOperator,     // an operator character sequence: + - * / < > = ~ ! @ # % ^ & | ` ?
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kSemicolon,
  kDot,
  kColon,        // ':' (array slices)
  kDoubleColon,  // '::'
  kEnd,          // end of input; begin = end = text size
};

// Keyword categories, as in PostgreSQL's kwlist.h: reserved words cannot be column
// or table names; type/function names can name functions and types but not
// columns; column names can name columns and types but not functions. kNone covers
// plain words and PostgreSQL's unreserved keywords alike: both can be any name.
enum class KeywordCategory : uint8_t { kNone, kColName, kTypeFuncName, kReserved };

// The category of a lower-case word; kNone when it is not a keyword.
KeywordCategory keyword_category(std::string_view lower_word);

struct Token {
  TokenKind kind = TokenKind::kEnd;
  int32_t begin = 0;  // byte offset of the first character
  int32_t end = 0;    // byte offset one past the last character
  std::string text;
  KeywordCategory keyword = KeywordCategory::kNone;  // kIdent only

  // An unquoted word equal to `lower_word` (which must be lower case).
  bool is_word(std::string_view lower_word) const { return kind == TokenKind::kIdent && text == lower_word; }
  bool is_op(std::string_view op) const { return kind == TokenKind::kOperator && text == op; }
};

}  // namespace strata::sql
