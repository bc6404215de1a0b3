// String functions (PostgreSQL's "String Functions and Operators"). Lengths and
// positions count UTF-8 characters; case mapping (lower, upper, initcap) is ASCII
// only, as in the C locale; comparisons elsewhere are by bytes.
#include <fmt/format.h>

#include <array>
#include <cstring>

#include "exec/functions_common.h"
#include "types/cast.h"

namespace strata::exec::fn {

namespace {

using SV = std::string_view;

// Largest string a function may build (PostgreSQL's MaxAllocSize is 1 GB).
constexpr size_t kStringBytesMax = size_t{1} << 30;

Status too_large() { return Status::sql("54000", "requested length too large"); }

inline bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

size_t char_count(SV s) {
  size_t n = 0;
  for (unsigned char c : s) n += !is_cont(c);
  return n;
}

// Byte offset of character `chars` (clamped to the end).
size_t byte_offset(SV s, size_t chars) {
  size_t i = 0;
  while (i < s.size() && chars > 0) {
    ++i;
    while (i < s.size() && is_cont(static_cast<unsigned char>(s[i]))) ++i;
    --chars;
  }
  return i;
}

// Byte length of the UTF-8 character starting at s[i].
size_t char_len_at(SV s, size_t i) {
  size_t j = i + 1;
  while (j < s.size() && is_cont(static_cast<unsigned char>(s[j]))) ++j;
  return j - i;
}

char lower_c(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
char upper_c(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }
bool is_alnum_c(unsigned char c) { return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c >= 0x80; }

const SV* sv(const Args& a, size_t k) { return a[k]->data<SV>(); }

// Output that is a slice of an input: shares the input's heaps, copies nothing.
template <class F>
Status map_slices(const Args& a, size_t n, Vector& out, const Vector& src, F f) {
  out.share_heaps_of(src);
  SV* z = out.data<SV>();
  for (size_t i = 0; i < n; ++i) {
    if (row_has_null(a, i)) {
      z[i] = SV();
      continue;
    }
    Result<SV> r = f(i);
    if (!r.ok()) return r.status();
    z[i] = *r;
  }
  return Status::ok_status();
}

template <class R, class F>
Status map_values(const Args& a, size_t n, Vector& out, F f) {
  R* z = out.data<R>();
  for (size_t i = 0; i < n; ++i) z[i] = f(i);
  return Status::ok_status();
}

// PostgreSQL's text_substring: characters [start, start + count) with 1-based
// positions; a start before 1 shortens the result; count < 0 is an error.
Result<SV> substring(SV s, int64_t start, int64_t count, bool has_count) {
  if (has_count && count < 0) return Status::sql("22011", "negative substring length not allowed");
  int64_t first = std::max<int64_t>(start, 1);
  if (has_count) {
    int64_t end;  // exclusive, 1-based
    if (__builtin_add_overflow(start, count, &end)) end = INT64_MAX;
    if (end <= first) return SV();
    size_t b = byte_offset(s, static_cast<size_t>(first - 1));
    size_t e = byte_offset(s, static_cast<size_t>(std::min<int64_t>(end - 1, static_cast<int64_t>(s.size()))));
    return s.substr(b, e - b);
  }
  size_t b = byte_offset(s, static_cast<size_t>(std::min<int64_t>(first - 1, static_cast<int64_t>(s.size()))));
  return s.substr(b);
}

// Characters of `set` as byte ranges, for the trim family.
bool in_set(SV set, SV ch) {
  for (size_t i = 0; i < set.size();) {
    size_t l = char_len_at(set, i);
    if (set.substr(i, l) == ch) return true;
    i += l;
  }
  return false;
}

SV trim(SV s, SV set, bool left, bool right) {
  if (left) {
    size_t i = 0;
    while (i < s.size()) {
      size_t l = char_len_at(s, i);
      if (!in_set(set, s.substr(i, l))) break;
      i += l;
    }
    s.remove_prefix(i);
  }
  if (right) {
    while (!s.empty()) {
      size_t j = s.size() - 1;
      while (j > 0 && is_cont(static_cast<unsigned char>(s[j]))) --j;
      if (!in_set(set, s.substr(j))) break;
      s = s.substr(0, j);
    }
  }
  return s;
}

int64_t strpos(SV hay, SV needle) {
  size_t p = hay.find(needle);
  if (p == SV::npos) return 0;
  return static_cast<int64_t>(char_count(hay.substr(0, p))) + 1;
}

Status pad(SV s, int64_t len, SV fill, bool left, std::string& out) {
  if (len <= 0) return Status::ok_status();
  if (static_cast<uint64_t>(len) * 4 > kStringBytesMax) return too_large();
  size_t have = char_count(s);
  if (have >= static_cast<size_t>(len) || fill.empty()) {
    out.append(s.substr(0, byte_offset(s, static_cast<size_t>(len))));
    return Status::ok_status();
  }
  size_t need = static_cast<size_t>(len) - have;
  std::string padding;
  size_t fill_chars = char_count(fill);
  while (need >= fill_chars) {
    padding.append(fill);
    need -= fill_chars;
  }
  padding.append(fill.substr(0, byte_offset(fill, need)));
  if (left) {
    out.append(padding);
    out.append(s);
  } else {
    out.append(s);
    out.append(padding);
  }
  return Status::ok_status();
}

// The text form of row i of any vector (for concat, format, ||): char(n) loses its
// padding as when cast to text.
void append_any(const Vector& v, size_t i, std::string& out) {
  if (v.type().is_string_like() && v.type().id() != TypeId::kBytea) {
    SV s = v.data<SV>()[i];
    if (v.type().id() == TypeId::kChar) {
      while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    }
    out.append(s);
    return;
  }
  types::append_text(v, i, out);
}

// ---- md5 (RFC 1321) -------------------------------------------------------------

std::string md5_hex(SV input) {
  static constexpr std::array<uint32_t, 64> k = [] {
    std::array<uint32_t, 64> t{};
    // floor(abs(sin(i + 1)) * 2^32), precomputed (RFC 1321 table).
    const uint32_t v[64] = {
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
    for (int i = 0; i < 64; ++i) t[static_cast<size_t>(i)] = v[i];
    return t;
  }();
  static constexpr int r[64] = {7,  12, 17, 22, 7,  12, 17, 22, 7,  12, 17, 22, 7,  12, 17, 22, 5,  9,  14, 20, 5,  9,
                                14, 20, 5,  9,  14, 20, 5,  9,  14, 20, 4,  11, 16, 23, 4,  11, 16, 23, 4,  11, 16, 23,
                                4,  11, 16, 23, 6,  10, 15, 21, 6,  10, 15, 21, 6,  10, 15, 21, 6,  10, 15, 21};
  uint32_t h0 = 0x67452301, h1 = 0xefcdab89, h2 = 0x98badcfe, h3 = 0x10325476;
  std::string msg(input);
  uint64_t bit_len = static_cast<uint64_t>(input.size()) * 8;
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) msg.push_back(0);
  for (int i = 0; i < 8; ++i) msg.push_back(static_cast<char>((bit_len >> (8 * i)) & 0xff));
  for (size_t off = 0; off < msg.size(); off += 64) {
    uint32_t w[16];
    for (int i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(msg.data() + off + static_cast<size_t>(i) * 4);
      w[i] = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
    }
    uint32_t a = h0, b = h1, c = h2, d = h3;
    for (int i = 0; i < 64; ++i) {
      uint32_t f;
      int g;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      uint32_t tmp = d;
      d = c;
      c = b;
      uint32_t x = a + f + k[static_cast<size_t>(i)] + w[g];
      b = b + ((x << r[i]) | (x >> (32 - r[i])));
      a = tmp;
    }
    h0 += a;
    h1 += b;
    h2 += c;
    h3 += d;
  }
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (uint32_t h : {h0, h1, h2, h3}) {
    for (int i = 0; i < 4; ++i) {
      unsigned byte = (h >> (8 * i)) & 0xff;
      out.push_back(hex[byte >> 4]);
      out.push_back(hex[byte & 15]);
    }
  }
  return out;
}

// ---- quoting --------------------------------------------------------------------

// Reserved key words that quote_ident must quote (PostgreSQL's RESERVED_KEYWORD and
// the column-name/type-function keywords that cannot be bare identifiers).
bool is_reserved_keyword(SV w) {
  static constexpr SV kWords[] = {"all",
                                  "analyse",
                                  "analyze",
                                  "and",
                                  "any",
                                  "array",
                                  "as",
                                  "asc",
                                  "asymmetric",
                                  "authorization",
                                  "between",
                                  "bigint",
                                  "binary",
                                  "bit",
                                  "boolean",
                                  "both",
                                  "case",
                                  "cast",
                                  "char",
                                  "character",
                                  "check",
                                  "coalesce",
                                  "collate",
                                  "collation",
                                  "column",
                                  "concurrently",
                                  "constraint",
                                  "create",
                                  "cross",
                                  "current_catalog",
                                  "current_date",
                                  "current_role",
                                  "current_schema",
                                  "current_time",
                                  "current_timestamp",
                                  "current_user",
                                  "dec",
                                  "decimal",
                                  "default",
                                  "deferrable",
                                  "desc",
                                  "distinct",
                                  "do",
                                  "else",
                                  "end",
                                  "except",
                                  "exists",
                                  "extract",
                                  "false",
                                  "fetch",
                                  "float",
                                  "for",
                                  "foreign",
                                  "freeze",
                                  "from",
                                  "full",
                                  "grant",
                                  "greatest",
                                  "group",
                                  "grouping",
                                  "having",
                                  "ilike",
                                  "in",
                                  "initially",
                                  "inner",
                                  "inout",
                                  "int",
                                  "integer",
                                  "intersect",
                                  "interval",
                                  "into",
                                  "is",
                                  "isnull",
                                  "join",
                                  "lateral",
                                  "leading",
                                  "least",
                                  "left",
                                  "like",
                                  "limit",
                                  "localtime",
                                  "localtimestamp",
                                  "national",
                                  "natural",
                                  "nchar",
                                  "none",
                                  "normalize",
                                  "not",
                                  "notnull",
                                  "null",
                                  "nullif",
                                  "numeric",
                                  "offset",
                                  "on",
                                  "only",
                                  "or",
                                  "order",
                                  "out",
                                  "outer",
                                  "overlaps",
                                  "overlay",
                                  "placing",
                                  "position",
                                  "precision",
                                  "primary",
                                  "real",
                                  "references",
                                  "returning",
                                  "right",
                                  "row",
                                  "select",
                                  "session_user",
                                  "setof",
                                  "similar",
                                  "smallint",
                                  "some",
                                  "substring",
                                  "symmetric",
                                  "table",
                                  "tablesample",
                                  "then",
                                  "time",
                                  "timestamp",
                                  "to",
                                  "trailing",
                                  "treat",
                                  "trim",
                                  "true",
                                  "union",
                                  "unique",
                                  "user",
                                  "using",
                                  "values",
                                  "varchar",
                                  "variadic",
                                  "verbose",
                                  "when",
                                  "where",
                                  "window",
                                  "with",
                                  "xmlattributes",
                                  "xmlconcat",
                                  "xmlelement",
                                  "xmlexists",
                                  "xmlforest",
                                  "xmlnamespaces",
                                  "xmlparse",
                                  "xmlpi",
                                  "xmlroot",
                                  "xmlserialize",
                                  "xmltable"};
  for (SV k : kWords) {
    if (k == w) return true;
  }
  return false;
}

void quote_ident(SV s, std::string& out) {
  bool safe = !s.empty() && ((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_');
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) safe = false;
  }
  if (safe && !is_reserved_keyword(s)) {
    out.append(s);
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void quote_literal(SV s, std::string& out) {
  if (s.find('\\') != SV::npos) out.push_back('E');
  out.push_back('\'');
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back(c);
    out.push_back(c);
  }
  out.push_back('\'');
}

// format(fmt, args...): %s, %I, %L, %% with optional position (%2$s) and width
// (%10s, %-10s, %*s).
Status format_impl(SV fmt, const Args& a, size_t row, size_t first_arg, std::string& out) {
  size_t next = first_arg;
  auto arg_null = [&](size_t k) { return a[k]->is_null(row); };
  for (size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (++i >= fmt.size()) return Status::sql("22023", "unterminated format() type specifier");
    if (fmt[i] == '%') {
      out.push_back('%');
      continue;
    }
    // Optional argument position n$.
    size_t arg = 0;
    bool positional = false;
    size_t j = i;
    int64_t number = 0;
    while (j < fmt.size() && fmt[j] >= '0' && fmt[j] <= '9') number = number * 10 + (fmt[j++] - '0');
    if (j > i && j < fmt.size() && fmt[j] == '$') {
      if (number == 0) return Status::sql("22023", "format specifies argument 0, but arguments are numbered from 1");
      arg = first_arg + static_cast<size_t>(number) - 1;
      positional = true;
      i = j + 1;
    }
    bool left_align = false;
    if (i < fmt.size() && fmt[i] == '-') {
      left_align = true;
      ++i;
    }
    int64_t width = 0;
    if (i < fmt.size() && fmt[i] == '*') {
      size_t wa = next++;
      if (wa >= a.size()) return Status::sql("22023", "too few arguments for format()");
      if (!arg_null(wa)) {
        std::string w;
        append_any(*a[wa], row, w);
        width = std::strtoll(w.c_str(), nullptr, 10);
        if (width < 0) {
          left_align = true;
          width = -width;
        }
      }
      ++i;
    } else {
      while (i < fmt.size() && fmt[i] >= '0' && fmt[i] <= '9') width = width * 10 + (fmt[i++] - '0');
    }
    if (i >= fmt.size()) return Status::sql("22023", "unterminated format() type specifier");
    char type = fmt[i];
    if (type != 's' && type != 'I' && type != 'L') {
      return Status::sql("22023", fmt::format("unrecognized format() type specifier \"{}\"", type));
    }
    if (!positional) arg = next;
    next = arg + 1;
    if (arg >= a.size()) return Status::sql("22023", "too few arguments for format()");
    std::string piece;
    if (arg_null(arg)) {
      if (type == 'I') return Status::sql("22004", "null values cannot be formatted as an SQL identifier");
      if (type == 'L') piece = "NULL";
    } else {
      std::string v;
      append_any(*a[arg], row, v);
      if (type == 's') {
        piece = std::move(v);
      } else if (type == 'I') {
        quote_ident(v, piece);
      } else {
        quote_literal(v, piece);
      }
    }
    size_t chars = char_count(piece);
    if (static_cast<size_t>(width) > chars) {
      std::string spaces(static_cast<size_t>(width) - chars, ' ');
      piece = left_align ? piece + spaces : spaces + piece;
    }
    out.append(piece);
  }
  return Status::ok_status();
}

void add_text_fn(FunctionRegistry& r, const char* name, std::vector<Type> args, ScalarKernel k) {
  add_fn(r, name, std::move(args), Type::text(), std::move(k));
}

void add_nonstrict(FunctionRegistry& r, const char* name, std::vector<Type> args, bool variadic, Type ret,
                   ScalarKernel k) {
  ScalarFunction f;
  f.name = name;
  f.args = std::move(args);
  f.variadic = variadic;
  f.return_type = ret;
  f.kernel = std::move(k);
  f.strict = false;
  r.add_scalar(std::move(f));
}

}  // namespace

void register_string_functions(FunctionRegistry& r) {
  const Type t = Type::text();
  const Type i4 = Type::integer();
  const Type i8 = Type::bigint();
  const Type any = Type::unknown();
  const Type by = Type::bytea();

  // Concatenation: text || text, and text || anynonarray / anynonarray || text.
  add_text_fn(r, "||", {t, t}, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map_strings(a, n, out, [&](size_t i, std::string& s) {
      s.append(sv(a, 0)[i]);
      s.append(sv(a, 1)[i]);
      return Status::ok_status();
    });
  });
  for (int side = 0; side < 2; ++side) {
    add_text_fn(r, "||", side == 0 ? std::vector<Type>{t, any} : std::vector<Type>{any, t},
                [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
                  return map_strings(a, n, out, [&](size_t i, std::string& s) {
                    append_any(*a[0], i, s);
                    append_any(*a[1], i, s);
                    return Status::ok_status();
                  });
                });
  }
  add_fn(r, "||", {by, by}, by, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map_strings(a, n, out, [&](size_t i, std::string& s) {
      s.append(sv(a, 0)[i]);
      s.append(sv(a, 1)[i]);
      return Status::ok_status();
    });
  });

  for (const char* name : {"length", "char_length", "character_length"}) {
    add_fn(r, name, {t}, i4, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return map_values<int32_t>(a, n, out, [&](size_t i) { return static_cast<int32_t>(char_count(sv(a, 0)[i])); });
    });
  }
  for (const Type& ty : {t, by}) {
    if (ty == by) {
      add_fn(r, "length", {by}, i4, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
        return map_values<int32_t>(a, n, out, [&](size_t i) { return static_cast<int32_t>(sv(a, 0)[i].size()); });
      });
    }
    add_fn(r, "octet_length", {ty}, i4, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return map_values<int32_t>(a, n, out, [&](size_t i) { return static_cast<int32_t>(sv(a, 0)[i].size()); });
    });
    add_fn(r, "bit_length", {ty}, i4, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return map_values<int32_t>(a, n, out, [&](size_t i) { return static_cast<int32_t>(sv(a, 0)[i].size() * 8); });
    });
  }

  for (int mode = 0; mode < 3; ++mode) {
    const char* name = mode == 0 ? "lower" : mode == 1 ? "upper" : "initcap";
    add_text_fn(r, name, {t}, [mode](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return map_strings(a, n, out, [&](size_t i, std::string& s) {
        s.assign(sv(a, 0)[i]);
        if (mode == 0) {
          for (char& c : s) c = lower_c(c);
        } else if (mode == 1) {
          for (char& c : s) c = upper_c(c);
        } else {
          bool word = false;
          for (char& c : s) {
            c = word ? lower_c(c) : upper_c(c);
            word = is_alnum_c(static_cast<unsigned char>(c));
          }
        }
        return Status::ok_status();
      });
    });
  }

  for (const char* name : {"substring", "substr"}) {
    add_text_fn(r, name, {t, i4}, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const int32_t* st = a[1]->data<int32_t>();
      return map_slices(a, n, out, *a[0], [&](size_t i) { return substring(sv(a, 0)[i], st[i], 0, false); });
    });
    add_text_fn(r, name, {t, i4, i4}, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const int32_t* st = a[1]->data<int32_t>();
      const int32_t* cnt = a[2]->data<int32_t>();
      return map_slices(a, n, out, *a[0], [&](size_t i) { return substring(sv(a, 0)[i], st[i], cnt[i], true); });
    });
  }
  for (const char* name : {"position", "strpos"}) {
    add_fn(r, name, {t, t}, i4, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return map_values<int32_t>(a, n, out,
                                 [&](size_t i) { return static_cast<int32_t>(strpos(sv(a, 0)[i], sv(a, 1)[i])); });
    });
  }
  for (int right = 0; right < 2; ++right) {
    add_text_fn(r, right ? "right" : "left", {t, i4},
                [right](const FunctionContext&, const Args& a, size_t n, Vector& out) {
                  const int32_t* k = a[1]->data<int32_t>();
                  return map_slices(a, n, out, *a[0], [&](size_t i) -> Result<SV> {
                    SV s = sv(a, 0)[i];
                    int64_t len = static_cast<int64_t>(char_count(s));
                    int64_t keep = k[i] >= 0 ? std::min<int64_t>(k[i], len) : std::max<int64_t>(len + k[i], 0);
                    if (!right) return s.substr(0, byte_offset(s, static_cast<size_t>(keep)));
                    return s.substr(byte_offset(s, static_cast<size_t>(len - keep)));
                  });
                });
  }
  for (int left = 0; left < 2; ++left) {
    const char* name = left ? "lpad" : "rpad";
    add_text_fn(r, name, {t, i4}, [left](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const int32_t* len = a[1]->data<int32_t>();
      return map_strings(a, n, out, [&](size_t i, std::string& s) { return pad(sv(a, 0)[i], len[i], " ", left, s); });
    });
    add_text_fn(r, name, {t, i4, t}, [left](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const int32_t* len = a[1]->data<int32_t>();
      return map_strings(a, n, out,
                         [&](size_t i, std::string& s) { return pad(sv(a, 0)[i], len[i], sv(a, 2)[i], left, s); });
    });
  }
  struct TrimDef {
    const char* name;
    bool left, right;
  };
  for (TrimDef d : {TrimDef{"btrim", true, true}, TrimDef{"ltrim", true, false}, TrimDef{"rtrim", false, true}}) {
    add_text_fn(r, d.name, {t}, [d](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return map_slices(a, n, out, *a[0],
                        [&](size_t i) -> Result<SV> { return trim(sv(a, 0)[i], " ", d.left, d.right); });
    });
    add_text_fn(r, d.name, {t, t}, [d](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return map_slices(a, n, out, *a[0],
                        [&](size_t i) -> Result<SV> { return trim(sv(a, 0)[i], sv(a, 1)[i], d.left, d.right); });
    });
  }
  add_text_fn(r, "replace", {t, t, t}, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map_strings(a, n, out, [&](size_t i, std::string& s) {
      SV src = sv(a, 0)[i], from = sv(a, 1)[i], to = sv(a, 2)[i];
      if (from.empty()) {
        s.assign(src);
        return Status::ok_status();
      }
      size_t pos = 0;
      while (true) {
        size_t hit = src.find(from, pos);
        if (hit == SV::npos) break;
        s.append(src.substr(pos, hit - pos));
        s.append(to);
        if (s.size() > kStringBytesMax) return too_large();
        pos = hit + from.size();
      }
      s.append(src.substr(pos));
      return Status::ok_status();
    });
  });
  add_text_fn(r, "translate", {t, t, t}, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map_strings(a, n, out, [&](size_t i, std::string& s) {
      SV src = sv(a, 0)[i], from = sv(a, 1)[i], to = sv(a, 2)[i];
      for (size_t p = 0; p < src.size();) {
        size_t l = char_len_at(src, p);
        SV ch = src.substr(p, l);
        // Index of ch in `from` (first occurrence), in characters.
        size_t idx = 0;
        bool found = false;
        for (size_t q = 0; q < from.size(); ++idx) {
          size_t fl = char_len_at(from, q);
          if (from.substr(q, fl) == ch) {
            found = true;
            break;
          }
          q += fl;
        }
        if (!found) {
          s.append(ch);
        } else {
          size_t tb = byte_offset(to, idx);
          if (tb < to.size()) s.append(to.substr(tb, char_len_at(to, tb)));
        }
        p += l;
      }
      return Status::ok_status();
    });
  });
  add_text_fn(r, "split_part", {t, t, i4}, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const int32_t* field = a[2]->data<int32_t>();
    return map_slices(a, n, out, *a[0], [&](size_t i) -> Result<SV> {
      SV s = sv(a, 0)[i], delim = sv(a, 1)[i];
      int64_t k = field[i];
      if (k == 0) return Status::sql("22023", "field position must not be zero");
      if (delim.empty()) return (k == 1 || k == -1) ? s : SV();
      std::vector<SV> parts;
      size_t pos = 0;
      while (true) {
        size_t hit = s.find(delim, pos);
        if (hit == SV::npos) {
          parts.push_back(s.substr(pos));
          break;
        }
        parts.push_back(s.substr(pos, hit - pos));
        pos = hit + delim.size();
      }
      if (s.empty()) return SV();
      int64_t count = static_cast<int64_t>(parts.size());
      if (k < 0) k = count + k + 1;
      if (k < 1 || k > count) return SV();
      return parts[static_cast<size_t>(k - 1)];
    });
  });
  add_nonstrict(r, "concat", {any}, true, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    std::string buf;
    SV* z = out.data<SV>();
    for (size_t i = 0; i < n; ++i) {
      buf.clear();
      for (const Vector* v : a) {
        if (!v->is_null(i)) append_any(*v, i, buf);
      }
      z[i] = out.add_string(buf);
      out.nulls()[i] = 0;
    }
    return Status::ok_status();
  });
  add_nonstrict(r, "concat_ws", {t, any}, true, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    std::string buf;
    SV* z = out.data<SV>();
    for (size_t i = 0; i < n; ++i) {
      if (a[0]->is_null(i)) {
        out.set_null(i);
        continue;
      }
      buf.clear();
      bool first = true;
      for (size_t k = 1; k < a.size(); ++k) {
        if (a[k]->is_null(i)) continue;
        if (!first) buf.append(sv(a, 0)[i]);
        first = false;
        append_any(*a[k], i, buf);
      }
      z[i] = out.add_string(buf);
      out.nulls()[i] = 0;
    }
    return Status::ok_status();
  });
  add_nonstrict(r, "format", {t, any}, true, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    std::string buf;
    SV* z = out.data<SV>();
    for (size_t i = 0; i < n; ++i) {
      if (a[0]->is_null(i)) {
        out.set_null(i);
        continue;
      }
      buf.clear();
      STRATA_RETURN_IF_ERROR(format_impl(sv(a, 0)[i], a, i, 1, buf));
      z[i] = out.add_string(buf);
      out.nulls()[i] = 0;
    }
    return Status::ok_status();
  });
  add_text_fn(r, "format", {t}, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map_strings(a, n, out, [&](size_t i, std::string& s) { return format_impl(sv(a, 0)[i], a, i, 1, s); });
  });
  add_text_fn(r, "repeat", {t, i4}, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const int32_t* k = a[1]->data<int32_t>();
    return map_strings(a, n, out, [&](size_t i, std::string& s) {
      SV x = sv(a, 0)[i];
      if (k[i] <= 0) return Status::ok_status();
      if (x.size() * static_cast<size_t>(k[i]) > kStringBytesMax) return too_large();
      s.reserve(x.size() * static_cast<size_t>(k[i]));
      for (int32_t j = 0; j < k[i]; ++j) s.append(x);
      return Status::ok_status();
    });
  });
  add_text_fn(r, "reverse", {t}, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map_strings(a, n, out, [&](size_t i, std::string& s) {
      SV x = sv(a, 0)[i];
      size_t end = x.size();
      while (end > 0) {
        size_t b = end - 1;
        while (b > 0 && is_cont(static_cast<unsigned char>(x[b]))) --b;
        s.append(x.substr(b, end - b));
        end = b;
      }
      return Status::ok_status();
    });
  });
  add_fn(r, "starts_with", {t, t}, Type::boolean(), [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map_values<uint8_t>(a, n, out, [&](size_t i) -> uint8_t { return sv(a, 0)[i].starts_with(sv(a, 1)[i]); });
  });
  for (const Type& ty : {t, by}) {
    add_text_fn(r, "md5", {ty}, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return map_strings(a, n, out, [&](size_t i, std::string& s) {
        s = md5_hex(sv(a, 0)[i]);
        return Status::ok_status();
      });
    });
  }
  add_text_fn(r, "chr", {i4}, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const int32_t* c = a[0]->data<int32_t>();
    return map_strings(a, n, out, [&](size_t i, std::string& s) {
      int32_t cp = c[i];
      if (cp == 0) return Status::sql("54000", "null character not permitted");
      if (cp < 0) return Status::sql("22023", "character number must be positive");
      if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return Status::sql("54000", fmt::format("requested character too large for encoding: {}", cp));
      }
      auto u = static_cast<uint32_t>(cp);
      if (u < 0x80) {
        s.push_back(static_cast<char>(u));
      } else if (u < 0x800) {
        s.push_back(static_cast<char>(0xC0 | (u >> 6)));
        s.push_back(static_cast<char>(0x80 | (u & 0x3F)));
      } else if (u < 0x10000) {
        s.push_back(static_cast<char>(0xE0 | (u >> 12)));
        s.push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
        s.push_back(static_cast<char>(0x80 | (u & 0x3F)));
      } else {
        s.push_back(static_cast<char>(0xF0 | (u >> 18)));
        s.push_back(static_cast<char>(0x80 | ((u >> 12) & 0x3F)));
        s.push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
        s.push_back(static_cast<char>(0x80 | (u & 0x3F)));
      }
      return Status::ok_status();
    });
  });
  add_fn(r, "ascii", {t}, i4, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map_values<int32_t>(a, n, out, [&](size_t i) -> int32_t {
      SV s = sv(a, 0)[i];
      if (s.empty()) return 0;
      auto c0 = static_cast<unsigned char>(s[0]);
      if (c0 < 0x80) return c0;
      size_t l = char_len_at(s, 0);
      uint32_t cp = c0 & (l == 2 ? 0x1F : l == 3 ? 0x0F : 0x07);
      for (size_t k = 1; k < l; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[k]) & 0x3F);
      return static_cast<int32_t>(cp);
    });
  });
  add_text_fn(r, "to_hex", {i4}, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const int32_t* v = a[0]->data<int32_t>();
    return map_strings(a, n, out, [&](size_t i, std::string& s) {
      s = fmt::format("{:x}", static_cast<uint32_t>(v[i]));
      return Status::ok_status();
    });
  });
  add_text_fn(r, "to_hex", {i8}, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const int64_t* v = a[0]->data<int64_t>();
    return map_strings(a, n, out, [&](size_t i, std::string& s) {
      s = fmt::format("{:x}", static_cast<uint64_t>(v[i]));
      return Status::ok_status();
    });
  });
  add_text_fn(r, "quote_ident", {t}, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map_strings(a, n, out, [&](size_t i, std::string& s) {
      quote_ident(sv(a, 0)[i], s);
      return Status::ok_status();
    });
  });
  add_text_fn(r, "quote_literal", {t}, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map_strings(a, n, out, [&](size_t i, std::string& s) {
      quote_literal(sv(a, 0)[i], s);
      return Status::ok_status();
    });
  });
  add_text_fn(r, "quote_literal", {any}, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return map_strings(a, n, out, [&](size_t i, std::string& s) {
      std::string v;
      append_any(*a[0], i, v);
      quote_literal(v, s);
      return Status::ok_status();
    });
  });
  add_nonstrict(r, "quote_nullable", {any}, false, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    std::string buf;
    SV* z = out.data<SV>();
    for (size_t i = 0; i < n; ++i) {
      buf.clear();
      if (a[0]->is_null(i)) {
        buf = "NULL";
      } else {
        std::string v;
        append_any(*a[0], i, v);
        quote_literal(v, buf);
      }
      z[i] = out.add_string(buf);
      out.nulls()[i] = 0;
    }
    return Status::ok_status();
  });
  for (int with_len = 0; with_len < 2; ++with_len) {
    std::vector<Type> sig = {t, t, i4};
    if (with_len) sig.push_back(i4);
    add_text_fn(r, "overlay", sig, [with_len](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const int32_t* from = a[2]->data<int32_t>();
      return map_strings(a, n, out, [&](size_t i, std::string& s) -> Status {
        SV src = sv(a, 0)[i], repl = sv(a, 1)[i];
        int64_t len = with_len ? a[3]->data<int32_t>()[i] : static_cast<int64_t>(char_count(repl));
        if (from[i] < 1) return Status::sql("22011", "negative substring length not allowed");
        STRATA_ASSIGN_OR_RETURN(SV head, substring(src, 1, from[i] - 1, true));
        STRATA_ASSIGN_OR_RETURN(SV tail, substring(src, from[i] + len, 0, false));
        s.append(head);
        s.append(repl);
        s.append(tail);
        return Status::ok_status();
      });
    });
  }
}

}  // namespace strata::exec::fn
