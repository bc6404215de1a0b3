#include "sql/lexer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

namespace strata::sql {
namespace {

struct KeywordEntry {
  std::string_view word;
  KeywordCategory category;
};

// PostgreSQL 15's reserved, type/function-name and column-name keywords (the
// unreserved ones behave as plain identifiers). Sorted for binary search.
constexpr KeywordEntry kKeywords[] = {
    {"all", KeywordCategory::kReserved},
    {"analyse", KeywordCategory::kReserved},
    {"analyze", KeywordCategory::kReserved},
    {"and", KeywordCategory::kReserved},
    {"any", KeywordCategory::kReserved},
    {"array", KeywordCategory::kReserved},
    {"as", KeywordCategory::kReserved},
    {"asc", KeywordCategory::kReserved},
    {"asymmetric", KeywordCategory::kReserved},
    {"authorization", KeywordCategory::kTypeFuncName},
    {"between", KeywordCategory::kColName},
    {"bigint", KeywordCategory::kColName},
    {"binary", KeywordCategory::kTypeFuncName},
    {"bit", KeywordCategory::kColName},
    {"boolean", KeywordCategory::kColName},
    {"both", KeywordCategory::kReserved},
    {"case", KeywordCategory::kReserved},
    {"cast", KeywordCategory::kReserved},
    {"char", KeywordCategory::kColName},
    {"character", KeywordCategory::kColName},
    {"check", KeywordCategory::kReserved},
    {"coalesce", KeywordCategory::kColName},
    {"collate", KeywordCategory::kReserved},
    {"collation", KeywordCategory::kTypeFuncName},
    {"column", KeywordCategory::kReserved},
    {"concurrently", KeywordCategory::kTypeFuncName},
    {"constraint", KeywordCategory::kReserved},
    {"create", KeywordCategory::kReserved},
    {"cross", KeywordCategory::kTypeFuncName},
    {"current_catalog", KeywordCategory::kReserved},
    {"current_date", KeywordCategory::kReserved},
    {"current_role", KeywordCategory::kReserved},
    {"current_schema", KeywordCategory::kTypeFuncName},
    {"current_time", KeywordCategory::kReserved},
    {"current_timestamp", KeywordCategory::kReserved},
    {"current_user", KeywordCategory::kReserved},
    {"dec", KeywordCategory::kColName},
    {"decimal", KeywordCategory::kColName},
    {"default", KeywordCategory::kReserved},
    {"deferrable", KeywordCategory::kReserved},
    {"desc", KeywordCategory::kReserved},
    {"distinct", KeywordCategory::kReserved},
    {"do", KeywordCategory::kReserved},
    {"else", KeywordCategory::kReserved},
    {"end", KeywordCategory::kReserved},
    {"except", KeywordCategory::kReserved},
    {"exists", KeywordCategory::kColName},
    {"extract", KeywordCategory::kColName},
    {"false", KeywordCategory::kReserved},
    {"fetch", KeywordCategory::kReserved},
    {"float", KeywordCategory::kColName},
    {"for", KeywordCategory::kReserved},
    {"foreign", KeywordCategory::kReserved},
    {"freeze", KeywordCategory::kTypeFuncName},
    {"from", KeywordCategory::kReserved},
    {"full", KeywordCategory::kTypeFuncName},
    {"grant", KeywordCategory::kReserved},
    {"greatest", KeywordCategory::kColName},
    {"group", KeywordCategory::kReserved},
    {"grouping", KeywordCategory::kColName},
    {"having", KeywordCategory::kReserved},
    {"ilike", KeywordCategory::kTypeFuncName},
    {"in", KeywordCategory::kReserved},
    {"initially", KeywordCategory::kReserved},
    {"inner", KeywordCategory::kTypeFuncName},
    {"inout", KeywordCategory::kColName},
    {"int", KeywordCategory::kColName},
    {"integer", KeywordCategory::kColName},
    {"intersect", KeywordCategory::kReserved},
    {"interval", KeywordCategory::kColName},
    {"into", KeywordCategory::kReserved},
    {"is", KeywordCategory::kTypeFuncName},
    {"isnull", KeywordCategory::kTypeFuncName},
    {"join", KeywordCategory::kTypeFuncName},
    {"lateral", KeywordCategory::kReserved},
    {"leading", KeywordCategory::kReserved},
    {"least", KeywordCategory::kColName},
    {"left", KeywordCategory::kTypeFuncName},
    {"like", KeywordCategory::kTypeFuncName},
    {"limit", KeywordCategory::kReserved},
    {"localtime", KeywordCategory::kReserved},
    {"localtimestamp", KeywordCategory::kReserved},
    {"national", KeywordCategory::kColName},
    {"natural", KeywordCategory::kTypeFuncName},
    {"nchar", KeywordCategory::kColName},
    {"none", KeywordCategory::kColName},
    {"normalize", KeywordCategory::kColName},
    {"not", KeywordCategory::kReserved},
    {"notnull", KeywordCategory::kTypeFuncName},
    {"null", KeywordCategory::kReserved},
    {"nullif", KeywordCategory::kColName},
    {"numeric", KeywordCategory::kColName},
    {"offset", KeywordCategory::kReserved},
    {"on", KeywordCategory::kReserved},
    {"only", KeywordCategory::kReserved},
    {"or", KeywordCategory::kReserved},
    {"order", KeywordCategory::kReserved},
    {"out", KeywordCategory::kColName},
    {"outer", KeywordCategory::kTypeFuncName},
    {"overlaps", KeywordCategory::kTypeFuncName},
    {"overlay", KeywordCategory::kColName},
    {"placing", KeywordCategory::kReserved},
    {"position", KeywordCategory::kColName},
    {"precision", KeywordCategory::kColName},
    {"primary", KeywordCategory::kReserved},
    {"real", KeywordCategory::kColName},
    {"references", KeywordCategory::kReserved},
    {"returning", KeywordCategory::kReserved},
    {"right", KeywordCategory::kTypeFuncName},
    {"row", KeywordCategory::kColName},
    {"select", KeywordCategory::kReserved},
    {"session_user", KeywordCategory::kReserved},
    {"setof", KeywordCategory::kColName},
    {"similar", KeywordCategory::kTypeFuncName},
    {"smallint", KeywordCategory::kColName},
    {"some", KeywordCategory::kReserved},
    {"substring", KeywordCategory::kColName},
    {"symmetric", KeywordCategory::kReserved},
    {"table", KeywordCategory::kReserved},
    {"tablesample", KeywordCategory::kTypeFuncName},
    {"then", KeywordCategory::kReserved},
    {"time", KeywordCategory::kColName},
    {"timestamp", KeywordCategory::kColName},
    {"to", KeywordCategory::kReserved},
    {"trailing", KeywordCategory::kReserved},
    {"treat", KeywordCategory::kColName},
    {"trim", KeywordCategory::kColName},
    {"true", KeywordCategory::kReserved},
    {"union", KeywordCategory::kReserved},
    {"unique", KeywordCategory::kReserved},
    {"user", KeywordCategory::kReserved},
    {"using", KeywordCategory::kReserved},
    {"values", KeywordCategory::kColName},
    {"varchar", KeywordCategory::kColName},
    {"variadic", KeywordCategory::kReserved},
    {"verbose", KeywordCategory::kTypeFuncName},
    {"when", KeywordCategory::kReserved},
    {"where", KeywordCategory::kReserved},
    {"window", KeywordCategory::kReserved},
    {"with", KeywordCategory::kReserved},
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c) || c == '$'; }
bool is_op_char(char c) { return c != '\0' && std::strchr("+-*/<>=~!@#%^&|`?", c) != nullptr; }
char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Error messages quote at most this many bytes of the query.
constexpr size_t kMaxQuotedBytes = 256;

// `s` cut to kMaxQuotedBytes on a UTF-8 character boundary.
std::string excerpt_for_message(std::string_view s) {
  if (s.size() <= kMaxQuotedBytes) return std::string(s);
  size_t n = kMaxQuotedBytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> tokens;
    while (true) {
      STRATA_RETURN_IF_ERROR(skip_space_and_comments());
      Token tok;
      tok.begin = static_cast<int32_t>(pos_);
      if (pos_ >= text_.size()) {
        tok.kind = TokenKind::kEnd;
        tok.end = tok.begin;
        tokens.push_back(std::move(tok));
        return tokens;
      }
      STRATA_RETURN_IF_ERROR(next(tok));
      tok.end = static_cast<int32_t>(pos_);
      tokens.push_back(std::move(tok));
    }
  }

 private:
  char peek(size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }

  Status error(size_t at, std::string message) const {
    return syntax_error_at(text_, static_cast<int32_t>(at), std::move(message));
  }
  // PostgreSQL reports lexical errors "at or near" the rest of the input.
  Status error_near(size_t at, std::string_view what) const {
    return error(at, std::string(what) + " at or near \"" + excerpt_for_message(text_.substr(at)) + "\"");
  }

  Status skip_space_and_comments() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (is_space(c)) {
        ++pos_;
      } else if (c == '-' && peek(1) == '-') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == '/' && peek(1) == '*') {
        size_t start = pos_;
        pos_ += 2;
        int depth = 1;  // nesting depth; a counter, not recursion
        while (depth > 0) {
          if (pos_ >= text_.size()) return error_near(start, "unterminated /* comment");
          if (text_[pos_] == '/' && peek(1) == '*') {
            ++depth;
            pos_ += 2;
          } else if (text_[pos_] == '*' && peek(1) == '/') {
            --depth;
            pos_ += 2;
          } else {
            ++pos_;
          }
        }
      } else {
        break;
      }
    }
    return Status::ok_status();
  }

  Status next(Token& tok) {
    char c = text_[pos_];
    switch (c) {
      case '(':
        return single(tok, TokenKind::kLParen);
      case ')':
        return single(tok, TokenKind::kRParen);
      case '[':
        return single(tok, TokenKind::kLBracket);
      case ']':
        return single(tok, TokenKind::kRBracket);
      case ',':
        return single(tok, TokenKind::kComma);
      case ';':
        return single(tok, TokenKind::kSemicolon);
      case ':':
        if (peek(1) == ':') {
          pos_ += 2;
          tok.kind = TokenKind::kDoubleColon;
          tok.text = "::";
          return Status::ok_status();
        }
        return single(tok, TokenKind::kColon);
      case '.':
        if (is_digit(peek(1))) return number(tok);
        return single(tok, TokenKind::kDot);
      case '\'':
        return quoted_string(tok, /*escapes=*/false);
      case '"':
        return quoted_identifier(tok);
      case '$':
        if (is_digit(peek(1))) return parameter(tok);
        return dollar_string(tok);
      default:
        break;
    }
    if (is_digit(c)) return number(tok);
    if ((c == 'e' || c == 'E') && peek(1) == '\'') {
      ++pos_;
      return quoted_string(tok, /*escapes=*/true);
    }
    if ((c == 'n' || c == 'N') && peek(1) == '\'') {
      ++pos_;
      return quoted_string(tok, /*escapes=*/false);
    }
    if (is_ident_start(c)) return identifier(tok);
    if (is_op_char(c)) return op(tok);
    return error_near(pos_, "syntax error");
  }

  Status single(Token& tok, TokenKind kind) {
    tok.kind = kind;
    tok.text = std::string(1, text_[pos_]);
    ++pos_;
    return Status::ok_status();
  }

  Status identifier(Token& tok) {
    size_t start = pos_;
    while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
    tok.kind = TokenKind::kIdent;
    tok.text.reserve(pos_ - start);
    for (size_t i = start; i < pos_; ++i) tok.text += to_lower(text_[i]);
    tok.keyword = keyword_category(tok.text);
    return Status::ok_status();
  }

  Status quoted_identifier(Token& tok) {
    size_t start = pos_;
    ++pos_;
    tok.kind = TokenKind::kQuotedIdent;
    while (true) {
      if (pos_ >= text_.size()) return error_near(start, "unterminated quoted identifier");
      char c = text_[pos_++];
      if (c == '"') {
        if (peek() == '"') {
          tok.text += '"';
          ++pos_;
        } else {
          break;
        }
      } else {
        tok.text += c;
      }
    }
    if (tok.text.empty()) return error_near(start, "zero-length delimited identifier");
    return Status::ok_status();
  }

  // After a closing quote: whitespace with at least one newline and then another
  // quote continues the same literal (SQL standard).
  bool continues_on_next_line() {
    size_t p = pos_;
    bool newline = false;
    while (p < text_.size() && is_space(text_[p])) {
      if (text_[p] == '\n' || text_[p] == '\r') newline = true;
      ++p;
    }
    if (newline && p < text_.size() && text_[p] == '\'') {
      pos_ = p;
      return true;
    }
    return false;
  }

  Status quoted_string(Token& tok, bool escapes) {
    size_t start = pos_;
    tok.kind = TokenKind::kString;
    while (true) {
      ++pos_;  // the opening quote
      while (true) {
        if (pos_ >= text_.size()) return error_near(start, "unterminated quoted string");
        char c = text_[pos_];
        if (c == '\'') {
          if (peek(1) == '\'') {
            tok.text += '\'';
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        if (escapes && c == '\\') {
          STRATA_RETURN_IF_ERROR(backslash_escape(tok.text, start));
          continue;
        }
        tok.text += c;
        ++pos_;
      }
      if (!continues_on_next_line()) return Status::ok_status();
    }
  }

  // REQUIRES: text_[pos_] == '\\'.
  Status backslash_escape(std::string& out, size_t literal_start) {
    ++pos_;
    if (pos_ >= text_.size()) return error_near(literal_start, "unterminated quoted string");
    char c = text_[pos_++];
    switch (c) {
      case 'b':
        out += '\b';
        return Status::ok_status();
      case 'f':
        out += '\f';
        return Status::ok_status();
      case 'n':
        out += '\n';
        return Status::ok_status();
      case 'r':
        out += '\r';
        return Status::ok_status();
      case 't':
        out += '\t';
        return Status::ok_status();
      default:
        break;
    }
    if (c >= '0' && c <= '7') {
      int value = c - '0';
      for (int i = 0; i < 2 && peek() >= '0' && peek() <= '7'; ++i) value = value * 8 + (text_[pos_++] - '0');
      out += static_cast<char>(value & 0xFF);
      return Status::ok_status();
    }
    if (c == 'x' && hex_value(peek()) >= 0) {
      int value = 0;
      for (int i = 0; i < 2 && hex_value(peek()) >= 0; ++i) value = value * 16 + hex_value(text_[pos_++]);
      out += static_cast<char>(value);
      return Status::ok_status();
    }
    if (c == 'u' || c == 'U') {
      int digits = c == 'u' ? 4 : 8;
      uint32_t cp = 0;
      for (int i = 0; i < digits; ++i) {
        int h = hex_value(peek());
        if (h < 0) return error(pos_ - 2, "invalid Unicode escape");
        cp = cp * 16 + static_cast<uint32_t>(h);
        ++pos_;
      }
      if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return error(pos_ - static_cast<size_t>(digits) - 2, "invalid Unicode escape value");
      }
      append_utf8(out, cp);
      return Status::ok_status();
    }
    out += c;  // \\, \', and any other character stand for themselves
    return Status::ok_status();
  }

  Status dollar_string(Token& tok) {
    size_t start = pos_;
    size_t p = pos_ + 1;
    if (p < text_.size() && is_ident_start(text_[p])) {
      while (p < text_.size() && is_ident_start(text_[p])) ++p;
      while (p < text_.size() && (is_ident_start(text_[p]) || is_digit(text_[p]))) ++p;
    }
    if (p >= text_.size() || text_[p] != '$') return error_near(start, "syntax error");
    std::string_view delimiter = text_.substr(start, p - start + 1);
    size_t body = p + 1;
    size_t close = text_.find(delimiter, body);
    if (close == std::string_view::npos) return error_near(start, "unterminated dollar-quoted string");
    tok.kind = TokenKind::kString;
    tok.text = std::string(text_.substr(body, close - body));
    pos_ = close + delimiter.size();
    return Status::ok_status();
  }

  Status parameter(Token& tok) {
    size_t start = pos_;
    ++pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    if (pos_ < text_.size() && is_ident_char(text_[pos_])) return error_near(start, "trailing junk after parameter");
    tok.kind = TokenKind::kParam;
    tok.text = std::string(text_.substr(start + 1, pos_ - start - 1));
    return Status::ok_status();
  }

  Status number(Token& tok) {
    size_t start = pos_;
    bool numeric = false;
    while (is_digit(peek())) ++pos_;
    // A '.' belongs to the number unless it starts '..' (a range in PL/pgSQL).
    if (peek() == '.' && peek(1) != '.') {
      numeric = true;
      ++pos_;
      while (is_digit(peek())) ++pos_;
    }
    if ((peek() == 'e' || peek() == 'E') &&
        (is_digit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && is_digit(peek(2))))) {
      numeric = true;
      pos_ += 2;
      while (is_digit(peek())) ++pos_;
    }
    tok.kind = numeric ? TokenKind::kNumeric : TokenKind::kInteger;
    tok.text = std::string(text_.substr(start, pos_ - start));
    return Status::ok_status();
  }

  Status op(Token& tok) {
    size_t start = pos_;
    size_t end = pos_;
    while (end < text_.size() && is_op_char(text_[end])) {
      // A comment start ends the operator.
      if (end > start && ((text_[end] == '-' && end + 1 < text_.size() && text_[end + 1] == '-') ||
                          (text_[end] == '/' && end + 1 < text_.size() && text_[end + 1] == '*'))) {
        break;
      }
      ++end;
    }
    std::string_view s = text_.substr(start, end - start);
    if (s.size() > 1 && s.find_first_of("~!@#%^&|`?") == std::string_view::npos) {
      while (s.size() > 1 && (s.back() == '+' || s.back() == '-')) s.remove_suffix(1);
    }
    pos_ = start + s.size();
    tok.kind = TokenKind::kOperator;
    tok.text = s == "!=" ? std::string("<>") : std::string(s);
    return Status::ok_status();
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

KeywordCategory keyword_category(std::string_view lower_word) {
  auto it = std::lower_bound(std::begin(kKeywords), std::end(kKeywords), lower_word,
                             [](const KeywordEntry& e, std::string_view w) { return e.word < w; });
  if (it != std::end(kKeywords) && it->word == lower_word) return it->category;
  return KeywordCategory::kNone;
}

Result<std::vector<Token>> tokenize(std::string_view text) {
  if (text.size() > kMaxQueryBytes) {
    return Status::sql("54000", "query text of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
                                    std::to_string(kMaxQueryBytes));
  }
  return Lexer(text).run();
}

int32_t char_position(std::string_view text, int32_t byte_offset) {
  size_t end = std::min(text.size(), static_cast<size_t>(std::max(byte_offset, 0)));
  int32_t chars = 0;
  for (size_t i = 0; i < end; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++chars;
  }
  return chars + 1;
}

Status syntax_error_at(std::string_view text, int32_t byte_offset, std::string message) {
  Status s = Status::sql("42601", std::move(message));
  s.with_position(char_position(text, byte_offset));
  return s;
}

Status syntax_error_near(std::string_view text, const Token& token) {
  if (token.kind == TokenKind::kEnd) return syntax_error_at(text, token.begin, "syntax error at end of input");
  std::string near =
      excerpt_for_message(text.substr(static_cast<size_t>(token.begin), static_cast<size_t>(token.end - token.begin)));
  return syntax_error_at(text, token.begin, "syntax error at or near \"" + near + "\"");
}

}  // namespace strata::sql
