#include "types/array.h"

#include <fmt/format.h>

#include "types/cast.h"

namespace strata::types {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

Status malformed(std::string_view text, std::string_view why) {
  return Status::sql("22P02", fmt::format("malformed array literal: \"{}\" ({})", text, why));
}

bool is_null_word(std::string_view s) {
  return s.size() == 4 && (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'u' && (s[2] | 0x20) == 'l' && (s[3] | 0x20) == 'l';
}

bool needs_quotes(std::string_view s) {
  if (s.empty() || is_null_word(s)) return true;
  for (char c : s) {
    if (is_space(c) || c == ',' || c == '{' || c == '}' || c == '"' || c == '\\') return true;
  }
  return false;
}

}  // namespace

Result<ArrayElements> parse_array_text(std::string_view text) {
  size_t i = 0;
  auto skip_spaces = [&] {
    while (i < text.size() && is_space(text[i])) ++i;
  };
  skip_spaces();
  if (i < text.size() && text[i] == '[') return Status::sql("0A000", "array bounds are not supported");
  if (i >= text.size() || text[i] != '{')
    return malformed(text, "Array value must start with \"{\" or dimension information.");
  ++i;
  ArrayElements out;
  skip_spaces();
  if (i < text.size() && text[i] == '}') {
    ++i;
  } else {
    while (true) {
      skip_spaces();
      if (i >= text.size()) return malformed(text, "Unexpected end of input.");
      if (text[i] == '{') return Status::sql("0A000", "multidimensional arrays are not supported");
      std::string item;
      bool quoted = false;
      if (text[i] == '"') {
        quoted = true;
        ++i;
        while (true) {
          if (i >= text.size()) return malformed(text, "Unexpected end of input.");
          char c = text[i++];
          if (c == '"') break;
          if (c == '\\') {
            if (i >= text.size()) return malformed(text, "Unexpected end of input.");
            c = text[i++];
          }
          item.push_back(c);
        }
        skip_spaces();
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '}') {
          char c = text[i++];
          if (c == '"' || c == '{') return malformed(text, "Unexpected array element.");
          if (c == '\\') {
            if (i >= text.size()) return malformed(text, "Unexpected end of input.");
            c = text[i++];
          }
          item.push_back(c);
        }
        while (!item.empty() && is_space(item.back())) item.pop_back();
        if (item.empty()) return malformed(text, "Unexpected \",\" character.");
      }
      if (!quoted && is_null_word(item))
        out.emplace_back(std::nullopt);
      else
        out.emplace_back(std::move(item));
      if (i >= text.size()) return malformed(text, "Unexpected end of input.");
      if (text[i] == ',') {
        ++i;
        continue;
      }
      if (text[i] == '}') {
        ++i;
        break;
      }
      return malformed(text, "Unexpected array element.");
    }
  }
  skip_spaces();
  if (i != text.size()) return malformed(text, "Junk after closing right brace.");
  return out;
}

std::string format_array_text(const ArrayElements& elements) {
  std::string out = "{";
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out.push_back(',');
    if (!elements[i]) {
      out += "NULL";
      continue;
    }
    const std::string& s = *elements[i];
    if (!needs_quotes(s)) {
      out += s;
      continue;
    }
    out.push_back('"');
    for (char c : s) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

Result<std::string> normalize_array_text(std::string_view text, const Type& element) {
  STRATA_ASSIGN_OR_RETURN(ArrayElements items, parse_array_text(text));
  for (auto& item : items) {
    if (!item) continue;
    STRATA_ASSIGN_OR_RETURN(Value v, parse_value(*item, element));
    item = format_value(v);
  }
  return format_array_text(items);
}

}  // namespace strata::types
