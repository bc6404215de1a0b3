// to_char(number, format) for numeric, integer and float arguments, with the common
// template patterns of PostgreSQL: 9 (digit or blank), 0 (digit or zero), . and D
// (decimal point), , and G (group separator), S (sign), MI (minus), FM (fill mode:
// no padding, no trailing fraction zeros). Too many digits print as '#'.
#include <string>

#include "exec/functions_common.h"
#include "types/cast.h"
#include "types/decimal.h"

namespace strata::exec::fn {

namespace {

using SV = std::string_view;

struct NumFormat {
  std::string pattern;  // normalised: '9', '0', '.', ',', 'S' (sign), 'M' (MI), other literal chars kept
  int int_digits = 0;
  int frac_digits = 0;
  bool fill_mode = false;
  bool has_point = false;
  bool sign_explicit = false;
  bool lead_sign = false;  // S before the digits: the sign sits next to the first digit
};

NumFormat parse_format(SV f) {
  NumFormat nf;
  for (size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    if (u == 'F' && i + 1 < f.size() && (f[i + 1] | 32) == 'm') {
      nf.fill_mode = true;
      ++i;
    } else if (u == 'M' && i + 1 < f.size() && (f[i + 1] | 32) == 'i') {
      nf.pattern.push_back('M');
      nf.sign_explicit = true;
      ++i;
    } else if (c == '9' || c == '0') {
      nf.pattern.push_back(c);
      (nf.has_point ? nf.frac_digits : nf.int_digits)++;
    } else if ((c == '.' || u == 'D') && !nf.has_point) {
      nf.pattern.push_back('.');
      nf.has_point = true;
    } else if (c == ',' || u == 'G') {
      nf.pattern.push_back(',');
    } else if (u == 'S') {
      if (nf.int_digits == 0 && !nf.has_point) {
        nf.lead_sign = true;
      } else {
        nf.pattern.push_back('S');
      }
      nf.sign_explicit = true;
    } else {
      nf.pattern.push_back(c == 'M' ? '\x01' : c);  // literal
    }
  }
  return nf;
}

// Formats |value| (already rounded to frac_digits) with the sign.
std::string format_number(const NumFormat& nf, bool negative, const std::string& int_part,
                          const std::string& frac_part) {
  std::string out;
  // The sign printed before the first digit: '-' or a blank by default, '+' with S.
  const std::string lead = nf.lead_sign       ? (negative ? "-" : "+")
                           : nf.sign_explicit ? ""
                                              : (negative ? "-" : (nf.fill_mode ? "" : " "));
  bool overflow = static_cast<int>(int_part.size()) > nf.int_digits && !(int_part == "0");
  // Integer positions, right to left: digit k (from the right) goes to the k-th
  // integer position from the right.
  std::string digits = int_part == "0" ? "" : int_part;
  // The leftmost '0' in the integer part forces zeros from there on.
  int int_pos_total = nf.int_digits;
  int first_zero = -1;  // index among integer positions (0 = leftmost)
  {
    int k = 0;
    for (char c : nf.pattern) {
      if (c == '.') break;
      if (c == '9' || c == '0') {
        if (c == '0' && first_zero < 0) first_zero = k;
        ++k;
      }
    }
  }
  // Zero integer part and no decimal point: the last position shows 0.
  if (digits.empty() && !nf.has_point && int_pos_total > 0 && first_zero < 0) first_zero = int_pos_total - 1;
  std::string body;
  int k = 0;             // integer position index
  bool started = false;  // a digit (or forced zero) has been printed
  int frac_k = 0;
  bool after_point = false;
  for (char c : nf.pattern) {
    if (c == '9' || c == '0') {
      if (!after_point) {
        int from_right = int_pos_total - 1 - k;
        char ch;
        if (overflow) {
          ch = '#';
        } else if (from_right < static_cast<int>(digits.size())) {
          ch = digits[digits.size() - 1 - static_cast<size_t>(from_right)];
        } else if (first_zero >= 0 && k >= first_zero) {
          ch = '0';
        } else {
          ch = ' ';
        }
        if (ch != ' ' && !started) {
          started = true;
          body += lead;
        }
        if (ch == ' ' && nf.fill_mode) {
          ++k;
          continue;
        }
        body.push_back(ch);
        ++k;
      } else {
        char ch = overflow
                      ? '#'
                      : (frac_k < static_cast<int>(frac_part.size()) ? frac_part[static_cast<size_t>(frac_k)] : '0');
        body.push_back(ch);
        ++frac_k;
      }
    } else if (c == '.') {
      if (!started) {
        started = true;
        body += lead;
      }
      body.push_back(overflow ? '#' : '.');
      after_point = true;
    } else if (c == ',') {
      if (started) {
        body.push_back(',');
      } else if (!nf.fill_mode) {
        body.push_back(' ');
      }
    } else if (c == 'S') {
      body += negative ? "-" : "+";
    } else if (c == 'M') {
      body += negative ? "-" : " ";
    } else {
      body.push_back(c == '\x01' ? 'M' : c);
    }
  }
  if (!started) body = lead + body;
  out = body;
  if (nf.fill_mode) {
    // Trailing zeros of '9' fraction positions are dropped.
    size_t point = out.find('.');
    if (point != std::string::npos) {
      size_t frac_start = point + 1;
      // Pattern positions after the point, aligned with the output's tail.
      std::string frac_pattern;
      bool seen = false;
      for (char c : nf.pattern) {
        if (c == '.') {
          seen = true;
          continue;
        }
        if (seen && (c == '9' || c == '0')) frac_pattern.push_back(c);
      }
      size_t end = frac_start + frac_pattern.size();
      if (end <= out.size()) {
        size_t cut = end;
        while (cut > frac_start && out[cut - 1] == '0' && frac_pattern[cut - 1 - frac_start] == '9') --cut;
        out.erase(cut, end - cut);
      }
    }
  }
  return out;
}

Result<std::string> to_char_decimal(const Decimal& d, const NumFormat& nf) {
  STRATA_ASSIGN_OR_RETURN(Decimal r, types::decimal_rescale(d, nf.frac_digits));
  bool negative = r.unscaled < 0;
  __int128 u = negative ? -r.unscaled : r.unscaled;
  std::string s = types::format_decimal(Decimal{u, r.scale});
  std::string int_part = s, frac_part;
  size_t p = s.find('.');
  if (p != std::string::npos) {
    int_part = s.substr(0, p);
    frac_part = s.substr(p + 1);
  }
  return format_number(nf, negative && u != 0, int_part, frac_part);
}

class NumFormatCache {
 public:
  const NumFormat& get(SV f) {
    if (!valid_ || f != text_) {
      fmt_ = parse_format(f);
      text_.assign(f);
      valid_ = true;
    }
    return fmt_;
  }

 private:
  std::string text_;
  NumFormat fmt_;
  bool valid_ = false;
};

}  // namespace

void register_numeric_format_functions(FunctionRegistry& r) {
  const Type t = Type::text();
  for (const Type& ty : {Type::integer(), Type::bigint(), Type::numeric(), Type::real(), Type::double_precision()}) {
    add_fn(r, "to_char", {ty, t}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const SV* f = a[1]->data<SV>();
      NumFormatCache cache;
      return map_strings(a, n, out, [&](size_t i, std::string& s) -> Status {
        const NumFormat& nf = cache.get(f[i]);
        Decimal d;
        switch (a[0]->type().id()) {
          case TypeId::kInteger:
            d = types::decimal_from_int(a[0]->data<int32_t>()[i]);
            break;
          case TypeId::kBigInt:
            d = types::decimal_from_int(a[0]->data<int64_t>()[i]);
            break;
          case TypeId::kNumeric:
            d = a[0]->data<Decimal>()[i];
            break;
          default: {
            double v = numeric_as_double(*a[0], i);
            if (std::isnan(v) || std::isinf(v)) {
              s.assign(static_cast<size_t>(nf.int_digits + nf.frac_digits + (nf.has_point ? 2 : 1)), '#');
              return Status::ok_status();
            }
            STRATA_ASSIGN_OR_RETURN(d, types::decimal_from_double(v));
          }
        }
        STRATA_ASSIGN_OR_RETURN(s, to_char_decimal(d, nf));
        return Status::ok_status();
      });
    });
  }
}

}  // namespace strata::exec::fn
