#include "types/jsonb.h"

#include <fmt/format.h>

#include <algorithm>

#include "types/decimal.h"

namespace strata::types {

namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Result<JsonValue> parse() {
    JsonValue v;
    STRATA_RETURN_IF_ERROR(value(v, 0));
    skip_ws();
    if (pos_ != s_.size()) return bad();
    return v;
  }

 private:
  Status bad() const {
    return Status::sql("22P02", fmt::format("invalid input syntax for type json: \"{}\"",
                                            s_.size() > 64 ? std::string(s_.substr(0, 64)) + "..." : std::string(s_)));
  }

  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Status value(JsonValue& v, size_t depth) {
    if (depth > kJsonDepthMax) return Status::sql("54001", "stack depth limit exceeded");
    skip_ws();
    if (pos_ >= s_.size()) return bad();
    char c = s_[pos_];
    if (c == '{') return object(v, depth);
    if (c == '[') return array(v, depth);
    if (c == '"') {
      v.kind = JsonValue::Kind::kString;
      return string(v.text);
    }
    if (literal("true")) {
      v.kind = JsonValue::Kind::kTrue;
      return Status::ok_status();
    }
    if (literal("false")) {
      v.kind = JsonValue::Kind::kFalse;
      return Status::ok_status();
    }
    if (literal("null")) {
      v.kind = JsonValue::Kind::kNull;
      return Status::ok_status();
    }
    return number(v);
  }

  Status number(JsonValue& v) {
    size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    size_t int_start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    if (pos_ == int_start) return bad();
    if (s_[int_start] == '0' && pos_ - int_start > 1) return bad();
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      size_t f = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      if (pos_ == f) return bad();
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      size_t e = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      if (pos_ == e) return bad();
    }
    std::string_view raw = s_.substr(start, pos_ - start);
    v.kind = JsonValue::Kind::kNumber;
    // numeric's text form when it fits our 38 digits; the input text otherwise.
    Result<Decimal> d = parse_decimal(raw);
    v.text = d.ok() ? format_decimal(*d) : std::string(raw);
    return Status::ok_status();
  }

  static void append_utf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool hex4(uint32_t* out) {
    if (pos_ + 4 > s_.size()) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_ + static_cast<size_t>(i)];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<uint32_t>(c - '0');
      } else if ((c | 32) >= 'a' && (c | 32) <= 'f') {
        v |= static_cast<uint32_t>((c | 32) - 'a' + 10);
      } else {
        return false;
      }
    }
    pos_ += 4;
    *out = v;
    return true;
  }

  Status string(std::string& out) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= s_.size()) return bad();
      char c = s_[pos_++];
      if (c == '"') return Status::ok_status();
      if (static_cast<unsigned char>(c) < 0x20) return bad();
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) return bad();
      char e = s_[pos_++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          uint32_t cp;
          if (!hex4(&cp)) return bad();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (s_.substr(pos_, 2) != "\\u") return bad();
            pos_ += 2;
            if (!hex4(&lo) || lo < 0xDC00 || lo > 0xDFFF) return bad();
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return bad();
          }
          if (cp == 0) return Status::sql("22P05", "unsupported Unicode escape sequence");
          append_utf8(cp, out);
          break;
        }
        default:
          return bad();
      }
    }
  }

  Status array(JsonValue& v, size_t depth) {
    ++pos_;
    v.kind = JsonValue::Kind::kArray;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return Status::ok_status();
    }
    while (true) {
      v.items.emplace_back();
      STRATA_RETURN_IF_ERROR(value(v.items.back(), depth + 1));
      skip_ws();
      if (pos_ >= s_.size()) return bad();
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == ']') {
        ++pos_;
        return Status::ok_status();
      }
      return bad();
    }
  }

  Status object(JsonValue& v, size_t depth) {
    ++pos_;
    v.kind = JsonValue::Kind::kObject;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return Status::ok_status();
    }
    while (true) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') return bad();
      v.keys.emplace_back();
      STRATA_RETURN_IF_ERROR(string(v.keys.back()));
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') return bad();
      ++pos_;
      v.items.emplace_back();
      STRATA_RETURN_IF_ERROR(value(v.items.back(), depth + 1));
      skip_ws();
      if (pos_ >= s_.size()) return bad();
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == '}') {
        ++pos_;
        sort_object_keys(v);
        return Status::ok_status();
      }
      return bad();
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

bool key_less(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

bool numbers_equal(const std::string& a, const std::string& b) {
  if (a == b) return true;
  Result<Decimal> x = parse_decimal(a);
  Result<Decimal> y = parse_decimal(b);
  return x.ok() && y.ok() && decimal_compare(*x, *y) == 0;
}

}  // namespace

const JsonValue* JsonValue::find(std::string_view key) const {
  // keys are sorted by (length, bytes): binary search.
  size_t lo = 0, hi = keys.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const std::string& k = keys[mid];
    bool less = k.size() != key.size() ? k.size() < key.size() : std::string_view(k) < key;
    if (!less && k == key) return &items[mid];
    if (less) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return nullptr;
}

void sort_object_keys(JsonValue& v) {
  std::vector<size_t> order(v.keys.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Stable: among duplicates the last one ends last and wins below.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key_less(v.keys[a], v.keys[b]); });
  std::vector<std::string> keys;
  std::vector<JsonValue> items;
  keys.reserve(order.size());
  items.reserve(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    size_t k = order[i];
    if (!keys.empty() && keys.back() == v.keys[k]) {
      items.back() = std::move(v.items[k]);
      continue;
    }
    keys.push_back(std::move(v.keys[k]));
    items.push_back(std::move(v.items[k]));
  }
  v.keys = std::move(keys);
  v.items = std::move(items);
}

Result<JsonValue> parse_json(std::string_view text) { return Parser(text).parse(); }

void append_json_string(std::string_view s, std::string& out) {
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

void append_jsonb(const JsonValue& v, std::string& out) {
  switch (v.kind) {
    case JsonValue::Kind::kNull:
      out += "null";
      return;
    case JsonValue::Kind::kFalse:
      out += "false";
      return;
    case JsonValue::Kind::kTrue:
      out += "true";
      return;
    case JsonValue::Kind::kNumber:
      out += v.text;
      return;
    case JsonValue::Kind::kString:
      append_json_string(v.text, out);
      return;
    case JsonValue::Kind::kArray:
      out.push_back('[');
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ", ";
        append_jsonb(v.items[i], out);
      }
      out.push_back(']');
      return;
    case JsonValue::Kind::kObject:
      out.push_back('{');
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ", ";
        append_json_string(v.keys[i], out);
        out += ": ";
        append_jsonb(v.items[i], out);
      }
      out.push_back('}');
      return;
  }
}

std::string format_jsonb(const JsonValue& v) {
  std::string out;
  append_jsonb(v, out);
  return out;
}

Result<std::string> normalize_jsonb(std::string_view text) {
  STRATA_ASSIGN_OR_RETURN(JsonValue v, parse_json(text));
  return format_jsonb(v);
}

bool jsonb_equal(const JsonValue& a, const JsonValue& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case JsonValue::Kind::kNull:
    case JsonValue::Kind::kFalse:
    case JsonValue::Kind::kTrue:
      return true;
    case JsonValue::Kind::kNumber:
      return numbers_equal(a.text, b.text);
    case JsonValue::Kind::kString:
      return a.text == b.text;
    case JsonValue::Kind::kArray:
    case JsonValue::Kind::kObject:
      if (a.items.size() != b.items.size() || a.keys != b.keys) return false;
      for (size_t i = 0; i < a.items.size(); ++i) {
        if (!jsonb_equal(a.items[i], b.items[i])) return false;
      }
      return true;
  }
  return false;
}

namespace {

bool contains_impl(const JsonValue& a, const JsonValue& b, bool top) {
  if (a.kind == JsonValue::Kind::kObject) {
    if (b.kind != JsonValue::Kind::kObject) return false;
    for (size_t i = 0; i < b.keys.size(); ++i) {
      const JsonValue* m = a.find(b.keys[i]);
      if (m == nullptr) return false;
      if (m->is_scalar() || b.items[i].is_scalar()) {
        if (!jsonb_equal(*m, b.items[i])) return false;
      } else if (!contains_impl(*m, b.items[i], false)) {
        return false;
      }
    }
    return true;
  }
  if (a.kind == JsonValue::Kind::kArray) {
    // A top-level array contains a primitive it has as an element.
    if (b.is_scalar()) {
      if (!top) return false;
      return std::any_of(a.items.begin(), a.items.end(), [&](const JsonValue& x) { return jsonb_equal(x, b); });
    }
    if (b.kind != JsonValue::Kind::kArray) return false;
    for (const JsonValue& want : b.items) {
      bool found = std::any_of(a.items.begin(), a.items.end(), [&](const JsonValue& x) {
        if (want.is_scalar()) return jsonb_equal(x, want);
        return x.kind == want.kind && contains_impl(x, want, false);
      });
      if (!found) return false;
    }
    return true;
  }
  return jsonb_equal(a, b);
}

}  // namespace

bool jsonb_contains(const JsonValue& a, const JsonValue& b) { return contains_impl(a, b, true); }

}  // namespace strata::types
