// Pattern matching: LIKE/ILIKE ("~~", "~~*", "!~~", "!~~*", like_escape,
// ilike_escape) and POSIX regular expressions ("~", "~*", "!~", "!~*",
// regexp_replace, regexp_like, regexp_count, regexp_substr, regexp_instr,
// substring(text, pattern)).
//
// A pattern is compiled once per batch while it stays the same from row to row (the
// usual constant pattern), never once per row. Regular expressions run on
// std::regex (ECMAScript) after translating PostgreSQL's ARE differences that matter
// in practice: "." also matches a newline, \y \m \M are word boundaries, \A \Z
// anchors; replacement strings use \1..\9 and \& as in PostgreSQL. ILIKE and the
// "i" flag fold ASCII case only (C locale).
#include <fmt/format.h>

#include <optional>
#include <regex>

#include "exec/functions_common.h"

namespace strata::exec::fn {

namespace {

using SV = std::string_view;

inline bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }
inline size_t char_len_at(SV s, size_t i) {
  size_t j = i + 1;
  while (j < s.size() && is_cont(static_cast<unsigned char>(s[j]))) ++j;
  return j - i;
}
inline char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// ---- LIKE -----------------------------------------------------------------------

class LikePattern {
 public:
  // `escape` is '\\' by default, 0 for none.
  Status compile(SV pattern, char escape, bool fold_case) {
    fold_ = fold_case;
    escape_ = escape;
    raw_.assign(pattern);
    if (fold_) {
      for (char& c : raw_) c = fold(c);
    }
    // Validate, and classify the pure literal / prefix / suffix / contains shapes
    // (patterns with escapes always take the general matcher).
    bool has_escape = false;
    for (size_t k = 0; k < raw_.size(); ++k) {
      if (escape_ != 0 && raw_[k] == escape_) {
        if (k + 1 >= raw_.size()) {
          return Status::sql("22025", "LIKE pattern must not end with escape character");
        }
        has_escape = true;
        ++k;
      }
    }
    size_t i = 0;
    while (i < raw_.size() && raw_[i] == '%') ++i;
    size_t leading = i;
    size_t end = raw_.size();
    while (end > i && raw_[end - 1] == '%') --end;
    size_t trailing = raw_.size() - end;
    std::string lit;
    bool has_wild_inside = has_escape;
    for (size_t k = i; k < end; ++k) {
      char c = raw_[k];
      if (c == '%' || c == '_') has_wild_inside = true;
      lit.push_back(c);
    }
    literal_ = std::move(lit);
    if (has_wild_inside) {
      shape_ = Shape::kGeneral;
    } else if (leading == 0 && trailing == 0) {
      shape_ = Shape::kExact;
    } else if (leading == 0) {
      shape_ = Shape::kPrefix;
    } else if (trailing == 0) {
      shape_ = Shape::kSuffix;
    } else {
      shape_ = Shape::kContains;
    }
    return Status::ok_status();
  }

  bool match(SV text) const {
    if (fold_) {
      folded_.assign(text);
      for (char& c : folded_) c = fold(c);
      text = folded_;
    }
    switch (shape_) {
      case Shape::kExact:
        return text == literal_;
      case Shape::kPrefix:
        return text.starts_with(literal_);
      case Shape::kSuffix:
        return text.ends_with(literal_);
      case Shape::kContains:
        return text.find(literal_) != SV::npos;
      case Shape::kGeneral:
        return match_general(text, raw_);
    }
    return false;
  }

 private:
  enum class Shape : uint8_t { kExact, kPrefix, kSuffix, kContains, kGeneral };

  // Greedy matching with backtracking to the last '%' (linear for one '%', at worst
  // O(n*m)); '_' matches one UTF-8 character.
  bool match_general(SV t, SV p) const {
    size_t ti = 0, pi = 0;
    size_t star_p = SV::npos, star_t = 0;
    while (ti < t.size()) {
      if (pi < p.size()) {
        char c = p[pi];
        if (c == '%') {
          while (pi < p.size() && p[pi] == '%') ++pi;
          if (pi == p.size()) return true;
          star_p = pi;
          star_t = ti;
          continue;
        }
        if (c == '_') {
          ti += char_len_at(t, ti);
          ++pi;
          continue;
        }
        size_t step = 1;
        if (escape_ != 0 && c == escape_) {
          c = p[pi + 1];
          step = 2;
        }
        if (t[ti] == c) {
          ++ti;
          pi += step;
          continue;
        }
      }
      if (star_p == SV::npos) return false;
      star_t += char_len_at(t, star_t);
      ti = star_t;
      pi = star_p;
    }
    while (pi < p.size() && p[pi] == '%') ++pi;
    return pi == p.size();
  }

  std::string raw_;
  std::string literal_;
  Shape shape_ = Shape::kExact;
  char escape_ = '\\';
  bool fold_ = false;
  mutable std::string folded_;
};

Result<char> escape_char(SV e) {
  if (e.empty()) return char{0};
  if (e.size() != 1) {
    return Status::sql("22025", "invalid escape string");
  }
  return e[0];
}

// rows of out = (LIKE match) != negate; args: text, pattern[, escape].
Status like_kernel(const Args& a, size_t n, Vector& out, bool fold_case, bool negate) {
  const SV* text = a[0]->data<SV>();
  const SV* pat = a[1]->data<SV>();
  const SV* esc = a.size() > 2 ? a[2]->data<SV>() : nullptr;
  uint8_t* z = out.data<uint8_t>();
  LikePattern compiled;
  std::optional<std::string> compiled_for;
  char compiled_esc = '\\';
  for (size_t i = 0; i < n; ++i) {
    if (row_has_null(a, i)) {
      z[i] = 0;
      continue;
    }
    char e = '\\';
    if (esc != nullptr) {
      STRATA_ASSIGN_OR_RETURN(e, escape_char(esc[i]));
    }
    if (!compiled_for || *compiled_for != pat[i] || compiled_esc != e) {
      STRATA_RETURN_IF_ERROR(compiled.compile(pat[i], e, fold_case));
      compiled_for = std::string(pat[i]);
      compiled_esc = e;
    }
    z[i] = compiled.match(text[i]) != negate;
  }
  return Status::ok_status();
}

// ---- regular expressions --------------------------------------------------------

struct RegexFlags {
  bool icase = false;
  bool global = false;
  bool newline = false;  // 'n': newline-sensitive ('.' and [^...] stop at newlines, ^ $ per line)
};

Result<RegexFlags> parse_flags(SV f, bool allow_global) {
  RegexFlags r;
  for (char c : f) {
    switch (c) {
      case 'i':
        r.icase = true;
        break;
      case 'c':
        r.icase = false;
        break;
      case 'g':
        if (!allow_global) return Status::sql("22023", "regexp_like() does not support the \"global\" option");
        r.global = true;
        break;
      case 'n':
      case 'm':
        r.newline = true;
        break;
      case 'p':
      case 'w':
      case 's':
      case 'x':
      case 't':
        break;
      default:
        return Status::sql("22023", fmt::format("invalid regular expression option: \"{}\"", c));
    }
  }
  return r;
}

// PostgreSQL ARE -> ECMAScript for the common differences.
std::string translate_regex(SV p, bool newline_sensitive) {
  std::string out;
  bool in_bracket = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      char d = p[i + 1];
      ++i;
      if (!in_bracket && (d == 'y' || d == 'm' || d == 'M')) {
        out += "\\b";
      } else if (!in_bracket && d == 'Y') {
        out += "\\B";
      } else if (!in_bracket && d == 'A') {
        out += "^";
      } else if (!in_bracket && d == 'Z') {
        out += "$";
      } else {
        out.push_back('\\');
        out.push_back(d);
      }
      continue;
    }
    if (in_bracket) {
      if (c == ']') in_bracket = false;
      if (c == '[' && i + 1 < p.size() && (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) {
        size_t close = p.find(std::string{p[i + 1], ']'}, i + 2);
        if (close != SV::npos) {
          out.append(p.substr(i, close + 2 - i));
          i = close + 1;
          continue;
        }
      }
      out.push_back(c);
      continue;
    }
    if (c == '[') {
      in_bracket = true;
      out.push_back(c);
      if (i + 1 < p.size() && p[i + 1] == '^') out.push_back(p[++i]);
      if (i + 1 < p.size() && p[i + 1] == ']') out.push_back(p[++i]);
      continue;
    }
    if (c == '.' && !newline_sensitive) {
      out += "[\\s\\S]";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

// PostgreSQL replacement (\1..\9, \&, \\) -> ECMAScript format ($1, $&, $$).
std::string translate_replacement(SV r) {
  std::string out;
  for (size_t i = 0; i < r.size(); ++i) {
    char c = r[i];
    if (c == '\\' && i + 1 < r.size()) {
      char d = r[i + 1];
      if (d >= '1' && d <= '9') {
        out.push_back('$');
        out.push_back(d);
        ++i;
        continue;
      }
      if (d == '&') {
        out += "$&";
        ++i;
        continue;
      }
      if (d == '\\') {
        out.push_back('\\');
        ++i;
        continue;
      }
    }
    if (c == '$') {
      out += "$$";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

// A compiled regex reused while the pattern and flags repeat from row to row.
class RegexCache {
 public:
  Result<const std::regex*> get(SV pattern, const RegexFlags& flags) {
    if (valid_ && pattern == pattern_ && flags.icase == flags_.icase && flags.newline == flags_.newline) {
      return &re_;
    }
    auto opts = std::regex::ECMAScript;
    if (flags.icase) opts |= std::regex::icase;
    if (flags.newline) opts |= std::regex::multiline;
    try {
      re_ = std::regex(translate_regex(pattern, flags.newline), opts);
    } catch (const std::regex_error& e) {
      valid_ = false;
      return Status::sql("2201B", fmt::format("invalid regular expression: {}", e.what()));
    }
    pattern_.assign(pattern);
    flags_ = flags;
    valid_ = true;
    return &re_;
  }

 private:
  std::regex re_;
  std::string pattern_;
  RegexFlags flags_;
  bool valid_ = false;
};

// Calls f(i, regex, flags) for non-NULL rows; args: text, pattern, ..., with the
// flags argument at `flags_arg` (or none).
template <class F>
Status for_regex_rows(const Args& a, size_t n, int flags_arg, bool allow_global, bool icase_default, F f) {
  const SV* pat = a[1]->data<SV>();
  RegexCache cache;
  std::optional<std::string> last_flags;
  RegexFlags flags;
  flags.icase = icase_default;
  for (size_t i = 0; i < n; ++i) {
    if (row_has_null(a, i)) continue;
    if (flags_arg >= 0) {
      SV fs = a[static_cast<size_t>(flags_arg)]->data<SV>()[i];
      if (!last_flags || *last_flags != fs) {
        STRATA_ASSIGN_OR_RETURN(flags, parse_flags(fs, allow_global));
        last_flags = std::string(fs);
      }
    }
    STRATA_ASSIGN_OR_RETURN(const std::regex* re, cache.get(pat[i], flags));
    STRATA_RETURN_IF_ERROR(f(i, *re, flags));
  }
  return Status::ok_status();
}

size_t char_count(SV s) {
  size_t n = 0;
  for (unsigned char c : s) n += !is_cont(c);
  return n;
}

}  // namespace

void register_pattern_functions(FunctionRegistry& r) {
  const Type t = Type::text();
  const Type b = Type::boolean();
  const Type i4 = Type::integer();

  struct LikeDef {
    const char* name;
    bool fold, negate;
  };
  for (LikeDef d : {LikeDef{"~~", false, false}, LikeDef{"~~*", true, false}, LikeDef{"!~~", false, true},
                    LikeDef{"!~~*", true, true}, LikeDef{"like", false, false}, LikeDef{"notlike", false, true},
                    LikeDef{"ilike", true, false}, LikeDef{"notilike", true, true}}) {
    add_fn(r, d.name, {t, t}, b, [d](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return like_kernel(a, n, out, d.fold, d.negate);
    });
  }
  add_fn(r, "like_escape", {t, t, t}, b, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return like_kernel(a, n, out, false, false);
  });
  add_fn(r, "ilike_escape", {t, t, t}, b, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return like_kernel(a, n, out, true, false);
  });

  struct RegexDef {
    const char* name;
    bool icase, negate;
  };
  for (RegexDef d : {RegexDef{"~", false, false}, RegexDef{"~*", true, false}, RegexDef{"!~", false, true},
                     RegexDef{"!~*", true, true}}) {
    add_fn(r, d.name, {t, t}, b, [d](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const SV* s = a[0]->data<SV>();
      uint8_t* z = out.data<uint8_t>();
      std::fill(z, z + n, 0);
      return for_regex_rows(a, n, -1, false, d.icase, [&](size_t i, const std::regex& re, const RegexFlags&) {
        z[i] = std::regex_search(s[i].begin(), s[i].end(), re) != d.negate;
        return Status::ok_status();
      });
    });
  }
  for (int with_flags = 0; with_flags < 2; ++with_flags) {
    std::vector<Type> sig = {t, t};
    if (with_flags) sig.push_back(t);
    add_fn(r, "regexp_like", sig, b, [with_flags](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const SV* s = a[0]->data<SV>();
      uint8_t* z = out.data<uint8_t>();
      std::fill(z, z + n, 0);
      return for_regex_rows(a, n, with_flags ? 2 : -1, false, false,
                            [&](size_t i, const std::regex& re, const RegexFlags&) {
                              z[i] = std::regex_search(s[i].begin(), s[i].end(), re);
                              return Status::ok_status();
                            });
    });
    std::vector<Type> rsig = {t, t, t};
    if (with_flags) rsig.push_back(t);
    add_fn(r, "regexp_replace", rsig, t, [with_flags](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const SV* s = a[0]->data<SV>();
      const SV* rep = a[2]->data<SV>();
      SV* z = out.data<SV>();
      std::fill(z, z + n, SV());
      std::string last_rep;
      std::string fmt_rep;
      bool have_rep = false;
      std::string buf;
      return for_regex_rows(
          a, n, with_flags ? 3 : -1, true, false, [&](size_t i, const std::regex& re, const RegexFlags& flags) {
            if (!have_rep || last_rep != rep[i]) {
              fmt_rep = translate_replacement(rep[i]);
              last_rep.assign(rep[i]);
              have_rep = true;
            }
            buf.clear();
            auto mf = flags.global ? std::regex_constants::format_default : std::regex_constants::format_first_only;
            std::regex_replace(std::back_inserter(buf), s[i].begin(), s[i].end(), re, fmt_rep, mf);
            z[i] = out.add_string(buf);
            return Status::ok_status();
          });
    });
  }
  add_fn(r, "regexp_count", {t, t}, i4, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const SV* s = a[0]->data<SV>();
    int32_t* z = out.data<int32_t>();
    std::fill(z, z + n, 0);
    return for_regex_rows(a, n, -1, false, false, [&](size_t i, const std::regex& re, const RegexFlags&) {
      auto begin = std::cregex_iterator(s[i].data(), s[i].data() + s[i].size(), re);
      z[i] = static_cast<int32_t>(std::distance(begin, std::cregex_iterator()));
      return Status::ok_status();
    });
  });
  add_fn(r, "regexp_instr", {t, t}, i4, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    const SV* s = a[0]->data<SV>();
    int32_t* z = out.data<int32_t>();
    std::fill(z, z + n, 0);
    return for_regex_rows(a, n, -1, false, false, [&](size_t i, const std::regex& re, const RegexFlags&) {
      std::cmatch m;
      if (std::regex_search(s[i].data(), s[i].data() + s[i].size(), m, re)) {
        z[i] = static_cast<int32_t>(char_count(s[i].substr(0, static_cast<size_t>(m.position(0))))) + 1;
      }
      return Status::ok_status();
    });
  });
  // regexp_substr(s, p): the first match; substring(s, p): the first parenthesized
  // group when the pattern has one, else the whole match. NULL without a match.
  for (int sub = 0; sub < 2; ++sub) {
    add_fn(r, sub ? "substring" : "regexp_substr", {t, t}, t,
           [sub](const FunctionContext&, const Args& a, size_t n, Vector& out) {
             const SV* s = a[0]->data<SV>();
             out.share_heaps_of(*a[0]);
             SV* z = out.data<SV>();
             for (size_t i = 0; i < n; ++i) z[i] = SV();
             return for_regex_rows(a, n, -1, false, false, [&](size_t i, const std::regex& re, const RegexFlags&) {
               std::cmatch m;
               if (!std::regex_search(s[i].data(), s[i].data() + s[i].size(), m, re)) {
                 out.set_null(i);
                 return Status::ok_status();
               }
               size_t g = (sub && m.size() > 1) ? 1 : 0;
               if (!m[g].matched) {
                 out.set_null(i);
                 return Status::ok_status();
               }
               z[i] = s[i].substr(static_cast<size_t>(m.position(g)), static_cast<size_t>(m.length(g)));
               out.nulls()[i] = 0;
               return Status::ok_status();
             });
           });
  }
}

}  // namespace strata::exec::fn
