// to_char(timestamp | timestamptz | date-as-timestamp | interval, text),
// to_timestamp(text, text) and to_date(text, text) with PostgreSQL's template
// patterns (YYYY, MM, DD, HH24, HH12, MI, SS, MS, US, Mon, Month, Day, Dy, AM/PM, D,
// ID, DDD, WW, IW, IYYY, J, Q, CC, TZ, OF, FM prefix, TH suffix, "quoted" text).
// The format string is tokenized once per batch while it repeats.
#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <optional>

#include "exec/functions_datetime_internal.h"

namespace strata::exec::fn {

namespace {

using SV = std::string_view;

enum class Tok : uint8_t {
  kLiteral,
  kYYYY,
  kYCommaYYY,
  kYYY,
  kYY,
  kY,
  kIYYY,
  kIYY,
  kIY,
  kI,
  kMM,
  kMonth,
  kMon,
  kDD,
  kDDD,
  kIDDD,
  kD,
  kID,
  kDay,
  kDy,
  kHH24,
  kHH12,
  kMI,
  kSS,
  kSSSS,
  kMS,
  kUS,
  kAM,
  kAMDots,
  kPM,
  kPMDots,
  kAD,
  kADDots,
  kBC,
  kBCDots,
  kWW,
  kW,
  kIW,
  kCC,
  kJ,
  kQ,
  kTZ,
  kTZH,
  kTZM,
  kOF,
  kRM,
};

enum class Case : uint8_t { kUpper, kCapital, kLower };

struct Token {
  Tok tok = Tok::kLiteral;
  std::string literal;     // for kLiteral
  bool fill_mode = false;  // FM: no padding
  bool ordinal = false;    // TH/th suffix
  bool ordinal_upper = false;
  Case letter_case = Case::kUpper;
};

struct Keyword {
  const char* text;
  Tok tok;
  bool names;  // letters carry the output case
};
// Longest first where one is a prefix of another.
constexpr Keyword kKeywords[] = {
    {"A.D.", Tok::kADDots, true},
    {"A.M.", Tok::kAMDots, true},
    {"AD", Tok::kAD, true},
    {"AM", Tok::kAM, true},
    {"B.C.", Tok::kBCDots, true},
    {"BC", Tok::kBC, true},
    {"CC", Tok::kCC, false},
    {"DAY", Tok::kDay, true},
    {"DDD", Tok::kDDD, false},
    {"DD", Tok::kDD, false},
    {"DY", Tok::kDy, true},
    {"D", Tok::kD, false},
    {"HH24", Tok::kHH24, false},
    {"HH12", Tok::kHH12, false},
    {"HH", Tok::kHH12, false},
    {"IDDD", Tok::kIDDD, false},
    {"ID", Tok::kID, false},
    {"IW", Tok::kIW, false},
    {"IYYY", Tok::kIYYY, false},
    {"IYY", Tok::kIYY, false},
    {"IY", Tok::kIY, false},
    {"I", Tok::kI, false},
    {"J", Tok::kJ, false},
    {"MI", Tok::kMI, false},
    {"MM", Tok::kMM, false},
    {"MONTH", Tok::kMonth, true},
    {"MON", Tok::kMon, true},
    {"MS", Tok::kMS, false},
    {"OF", Tok::kOF, false},
    {"P.M.", Tok::kPMDots, true},
    {"PM", Tok::kPM, true},
    {"Q", Tok::kQ, false},
    {"RM", Tok::kRM, true},
    {"SSSSS", Tok::kSSSS, false},
    {"SSSS", Tok::kSSSS, false},
    {"SS", Tok::kSS, false},
    {"TZH", Tok::kTZH, false},
    {"TZM", Tok::kTZM, false},
    {"TZ", Tok::kTZ, true},
    {"US", Tok::kUS, false},
    {"WW", Tok::kWW, false},
    {"W", Tok::kW, false},
    {"Y,YYY", Tok::kYCommaYYY, false},
    {"YYYY", Tok::kYYYY, false},
    {"YYY", Tok::kYYY, false},
    {"YY", Tok::kYY, false},
    {"Y", Tok::kY, false},
};

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }

bool matches_ci(SV s, size_t at, SV kw) {
  if (at + kw.size() > s.size()) return false;
  for (size_t k = 0; k < kw.size(); ++k) {
    if (upper(s[at + k]) != kw[k]) return false;
  }
  return true;
}

std::vector<Token> tokenize(SV fmt) {
  std::vector<Token> out;
  auto literal = [&](SV text) {
    if (out.empty() || out.back().tok != Tok::kLiteral) out.push_back(Token{});
    out.back().literal.append(text);
  };
  bool fill = false;
  for (size_t i = 0; i < fmt.size();) {
    if (matches_ci(fmt, i, "FM")) {
      fill = true;
      i += 2;
      continue;
    }
    if (fmt[i] == '"') {
      ++i;
      while (i < fmt.size() && fmt[i] != '"') {
        if (fmt[i] == '\\' && i + 1 < fmt.size()) ++i;
        literal(fmt.substr(i, 1));
        ++i;
      }
      ++i;
      continue;
    }
    if (fmt[i] == '\\' && i + 1 < fmt.size()) {
      literal(fmt.substr(i + 1, 1));
      i += 2;
      continue;
    }
    const Keyword* hit = nullptr;
    for (const Keyword& k : kKeywords) {
      if (matches_ci(fmt, i, k.text)) {
        hit = &k;
        break;
      }
    }
    if (hit == nullptr) {
      literal(fmt.substr(i, 1));
      ++i;
      continue;
    }
    Token t;
    t.tok = hit->tok;
    t.fill_mode = fill;
    fill = false;
    size_t len = std::strlen(hit->text);
    if (hit->names) {
      // The case of the first two letters ("P.M." skips the dot) picks the output case.
      bool first_upper = is_upper(fmt[i]);
      size_t second = i + 1;
      while (second < i + len && !is_alpha(fmt[second])) ++second;
      bool has_second = second < i + len;
      bool second_upper = has_second && is_upper(fmt[second]);
      t.letter_case = !first_upper ? Case::kLower : (second_upper || !has_second) ? Case::kUpper : Case::kCapital;
    }
    i += len;
    if (!hit->names && matches_ci(fmt, i, "TH")) {
      t.ordinal = true;
      t.ordinal_upper = is_upper(fmt[i]);
      i += 2;
    }
    out.push_back(std::move(t));
  }
  return out;
}

constexpr std::array<const char*, 12> kMonths = {"January", "February", "March",     "April",   "May",      "June",
                                                 "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<const char*, 7> kDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                              "Thursday", "Friday", "Saturday"};
constexpr std::array<const char*, 12> kRoman = {"I",   "II",   "III", "IV", "V",  "VI",
                                                "VII", "VIII", "IX",  "X",  "XI", "XII"};

std::string apply_case(SV name, Case c) {
  std::string s(name);
  for (size_t i = 0; i < s.size(); ++i) {
    if (c == Case::kUpper || (c == Case::kCapital && i == 0)) {
      s[i] = upper(s[i]);
    } else if (s[i] >= 'A' && s[i] <= 'Z') {
      s[i] = static_cast<char>(s[i] + 32);
    }
  }
  return s;
}

const char* ordinal_suffix(int64_t v) {
  int64_t a = v < 0 ? -v : v;
  if (a % 100 >= 11 && a % 100 <= 13) return "th";
  switch (a % 10) {
    case 1:
      return "st";
    case 2:
      return "nd";
    case 3:
      return "rd";
    default:
      return "th";
  }
}

// What to_char reads from a timestamp or an interval.
struct CharFields {
  int64_t year = 0;  // astronomical for timestamps; years for intervals
  int32_t month = 1;
  int32_t day = 1;
  int64_t hour = 0;
  int32_t minute = 0;
  int32_t second = 0;
  int32_t micros = 0;
  int32_t days_since_epoch = 0;
  bool is_interval = false;
  bool has_tz = false;
};

void append_number(std::string& out, const Token& t, int64_t v, int width) {
  if (t.fill_mode) {
    out += fmt::format("{}", v);
  } else if (v < 0) {
    out += fmt::format("-{:0{}}", -v, width);
  } else {
    out += fmt::format("{:0{}}", v, width);
  }
  if (t.ordinal) {
    std::string suf = ordinal_suffix(v);
    out += t.ordinal_upper ? apply_case(suf, Case::kUpper) : suf;
  }
}

void append_name(std::string& out, const Token& t, SV name, size_t pad_to) {
  std::string s = apply_case(name, t.letter_case);
  out += s;
  if (!t.fill_mode && s.size() < pad_to) out.append(pad_to - s.size(), ' ');
}

std::string to_char(const std::vector<Token>& tokens, const CharFields& f) {
  std::string out;
  // PostgreSQL prints BC years as positive numbers (the era is a separate field).
  int64_t year = f.is_interval ? f.year : (f.year > 0 ? f.year : 1 - f.year);
  bool bc = !f.is_interval && f.year <= 0;
  Fields cal;
  if (!f.is_interval) cal = fields_of(micros_of(f.days_since_epoch, 0));
  for (const Token& t : tokens) {
    switch (t.tok) {
      case Tok::kLiteral:
        out += t.literal;
        break;
      case Tok::kYYYY:
        append_number(out, t, year, 4);
        break;
      case Tok::kYCommaYYY:
        out += fmt::format("{},{:03}", year / 1000, year % 1000);
        break;
      case Tok::kYYY:
        append_number(out, t, year % 1000, 3);
        break;
      case Tok::kYY:
        append_number(out, t, year % 100, 2);
        break;
      case Tok::kY:
        append_number(out, t, year % 10, 1);
        break;
      case Tok::kIYYY:
      case Tok::kIYY:
      case Tok::kIY:
      case Tok::kI: {
        int32_t iy = 0, w = 0;
        if (!f.is_interval) iso_week(f.days_since_epoch, &iy, &w);
        int width = t.tok == Tok::kIYYY ? 4 : t.tok == Tok::kIYY ? 3 : t.tok == Tok::kIY ? 2 : 1;
        int64_t mod = width == 4 ? 1 : width == 3 ? 1000 : width == 2 ? 100 : 10;
        append_number(out, t, width == 4 ? iy : iy % mod, width);
        break;
      }
      case Tok::kMM:
        append_number(out, t, f.month, 2);
        break;
      case Tok::kMonth:
        if (f.month >= 1 && f.month <= 12) append_name(out, t, kMonths[static_cast<size_t>(f.month - 1)], 9);
        break;
      case Tok::kMon:
        if (f.month >= 1 && f.month <= 12)
          append_name(out, t, SV(kMonths[static_cast<size_t>(f.month - 1)]).substr(0, 3), 3);
        break;
      case Tok::kRM:
        if (f.month >= 1 && f.month <= 12) append_name(out, t, kRoman[static_cast<size_t>(f.month - 1)], 4);
        break;
      case Tok::kDD:
        append_number(out, t, f.day, 2);
        break;
      case Tok::kDDD:
        append_number(out, t, f.is_interval ? 0 : day_of_year(cal), 3);
        break;
      case Tok::kIDDD: {
        int32_t iy = 0, w = 0;
        iso_week(f.days_since_epoch, &iy, &w);
        int32_t dow = day_of_week(f.days_since_epoch);
        append_number(out, t, (w - 1) * 7 + (dow == 0 ? 7 : dow), 3);
        break;
      }
      case Tok::kD:
        append_number(out, t, day_of_week(f.days_since_epoch) + 1, 1);
        break;
      case Tok::kID: {
        int32_t dow = day_of_week(f.days_since_epoch);
        append_number(out, t, dow == 0 ? 7 : dow, 1);
        break;
      }
      case Tok::kDay:
        append_name(out, t, kDays[static_cast<size_t>(day_of_week(f.days_since_epoch))], 9);
        break;
      case Tok::kDy:
        append_name(out, t, SV(kDays[static_cast<size_t>(day_of_week(f.days_since_epoch))]).substr(0, 3), 3);
        break;
      case Tok::kHH24:
        append_number(out, t, f.hour, 2);
        break;
      case Tok::kHH12: {
        int64_t h = f.hour % 12;
        append_number(out, t, h == 0 ? 12 : h, 2);
        break;
      }
      case Tok::kMI:
        append_number(out, t, f.minute, 2);
        break;
      case Tok::kSS:
        append_number(out, t, f.second, 2);
        break;
      case Tok::kSSSS:
        append_number(out, t, (f.hour * 60 + f.minute) * 60 + f.second, 1);
        break;
      case Tok::kMS:
        append_number(out, t, f.micros / 1000, 3);
        break;
      case Tok::kUS:
        append_number(out, t, f.micros, 6);
        break;
      case Tok::kAM:
      case Tok::kPM:
        out += apply_case(f.hour % 24 < 12 ? "AM" : "PM", t.letter_case);
        break;
      case Tok::kAMDots:
      case Tok::kPMDots:
        out += apply_case(f.hour % 24 < 12 ? "A.M." : "P.M.", t.letter_case);
        break;
      case Tok::kAD:
      case Tok::kBC:
        out += apply_case(bc ? "BC" : "AD", t.letter_case);
        break;
      case Tok::kADDots:
      case Tok::kBCDots:
        out += apply_case(bc ? "B.C." : "A.D.", t.letter_case);
        break;
      case Tok::kWW:
        append_number(out, t, f.is_interval ? 0 : (day_of_year(cal) - 1) / 7 + 1, 2);
        break;
      case Tok::kW:
        append_number(out, t, (f.day - 1) / 7 + 1, 1);
        break;
      case Tok::kIW: {
        int32_t iy = 0, w = 0;
        iso_week(f.days_since_epoch, &iy, &w);
        append_number(out, t, w, 2);
        break;
      }
      case Tok::kCC: {
        int64_t cc = f.is_interval ? year / 100 : (f.year > 0 ? (f.year + 99) / 100 : -((99 - (f.year - 1)) / 100));
        append_number(out, t, cc, 2);
        break;
      }
      case Tok::kJ:
        append_number(out, t, int64_t{f.days_since_epoch} + 2440588, 1);
        break;
      case Tok::kQ:
        append_number(out, t, (f.month - 1) / 3 + 1, 1);
        break;
      case Tok::kTZ:
        if (f.has_tz) out += apply_case("UTC", t.letter_case);
        break;
      case Tok::kTZH:
        if (f.has_tz) out += "+00";
        break;
      case Tok::kTZM:
        if (f.has_tz) out += "00";
        break;
      case Tok::kOF:
        if (f.has_tz) out += "+00";
        break;
    }
  }
  return out;
}

CharFields char_fields_of_timestamp(int64_t micros, bool has_tz) {
  Fields f = fields_of(micros);
  CharFields c;
  c.year = f.date.year;
  c.month = f.date.month;
  c.day = f.date.day;
  c.hour = f.time.hour;
  c.minute = f.time.minute;
  c.second = f.time.second;
  c.micros = f.time.micros;
  c.days_since_epoch = f.days;
  c.has_tz = has_tz;
  return c;
}

CharFields char_fields_of_interval(const Interval& iv) {
  CharFields c;
  c.is_interval = true;
  c.year = iv.months / 12;
  c.month = iv.months % 12;
  c.day = iv.days;
  c.hour = iv.micros / types::kMicrosPerHour;
  c.minute = static_cast<int32_t>(iv.micros / types::kMicrosPerMinute % 60);
  c.second = static_cast<int32_t>(iv.micros / types::kMicrosPerSecond % 60);
  c.micros = static_cast<int32_t>(iv.micros % types::kMicrosPerSecond);
  return c;
}

// The format tokens, re-tokenized only when the format text changes.
class FormatCache {
 public:
  const std::vector<Token>& get(SV fmt) {
    if (!valid_ || fmt != fmt_) {
      tokens_ = tokenize(fmt);
      fmt_.assign(fmt);
      valid_ = true;
    }
    return tokens_;
  }

 private:
  std::string fmt_;
  std::vector<Token> tokens_;
  bool valid_ = false;
};

// ---- to_timestamp / to_date ---------------------------------------------------------

struct Parsed {
  int64_t year = 1;
  bool have_year = false;
  int32_t month = 1;
  int32_t day = 1;
  int32_t doy = 0;
  int64_t hour = 0;
  int32_t minute = 0;
  int32_t second = 0;
  int64_t micros = 0;
  int pm = -1;  // -1 unset, 0 AM, 1 PM
  bool bc = false;
  int64_t julian = -1;
};

Status bad_value(SV input, SV field) {
  return Status::sql("22007", fmt::format("invalid value \"{}\" for \"{}\"", input, field));
}

Result<Parsed> parse_with(const std::vector<Token>& tokens, SV in) {
  Parsed p;
  size_t pos = 0;
  auto skip_spaces = [&] {
    while (pos < in.size() && in[pos] == ' ') ++pos;
  };
  for (size_t k = 0; k < tokens.size(); ++k) {
    const Token& t = tokens[k];
    if (t.tok == Tok::kLiteral) {
      // Separators match any non-alphanumeric character (or none); spaces are skipped.
      for (char c : t.literal) {
        if (c == ' ') {
          skip_spaces();
        } else if (pos < in.size() && !is_digit(in[pos]) && !is_alpha(in[pos])) {
          ++pos;
        } else if (pos < in.size() && in[pos] == c) {
          ++pos;
        }
      }
      continue;
    }
    skip_spaces();
    // The next token is a separator (or the end): numbers may run longer than the
    // field width.
    bool delimited = k + 1 == tokens.size() || tokens[k + 1].tok == Tok::kLiteral;
    auto read_number = [&](int width, SV field) -> Result<int64_t> {
      bool neg = false;
      if (pos < in.size() && (in[pos] == '-' || in[pos] == '+') && (t.tok == Tok::kYYYY || t.tok == Tok::kJ)) {
        neg = in[pos] == '-';
        ++pos;
      }
      size_t start = pos;
      int64_t v = 0;
      size_t max_len = delimited || t.fill_mode ? 18 : static_cast<size_t>(width);
      while (pos < in.size() && is_digit(in[pos]) && pos - start < max_len) v = v * 10 + (in[pos++] - '0');
      if (pos == start) {
        return bad_value(in.substr(start, std::min<size_t>(in.size() - start, static_cast<size_t>(width))), field);
      }
      return neg ? -v : v;
    };
    auto read_name = [&](const auto& names, size_t prefix_len, SV field) -> Result<int32_t> {
      for (size_t n = 0; n < names.size(); ++n) {
        SV name = names[n];
        size_t len = prefix_len ? prefix_len : name.size();
        if (pos + len <= in.size()) {
          bool eq = true;
          for (size_t c = 0; c < len && eq; ++c) eq = upper(in[pos + c]) == upper(name[c]);
          if (eq) {
            pos += len;
            return static_cast<int32_t>(n);
          }
        }
      }
      return bad_value(in.substr(pos, std::min<size_t>(in.size() - pos, 3)), field);
    };
    switch (t.tok) {
      case Tok::kYYYY:
      case Tok::kYCommaYYY: {
        STRATA_ASSIGN_OR_RETURN(int64_t v, read_number(4, "YYYY"));
        if (t.tok == Tok::kYCommaYYY && pos < in.size() && in[pos] == ',') {
          ++pos;
          STRATA_ASSIGN_OR_RETURN(int64_t rest, read_number(3, "Y,YYY"));
          v = v * 1000 + rest;
        }
        p.year = v;
        p.have_year = true;
        break;
      }
      case Tok::kYYY:
      case Tok::kYY:
      case Tok::kY: {
        int width = t.tok == Tok::kYYY ? 3 : t.tok == Tok::kYY ? 2 : 1;
        STRATA_ASSIGN_OR_RETURN(int64_t v, read_number(width, "YY"));
        // PostgreSQL's adjust_partial_year_to_2020.
        if (width == 2) v = v < 70 ? 2000 + v : 1900 + v;
        if (width == 1) v += 2000;
        if (width == 3) v = v < 100 ? 2000 + v : 1000 + v;
        p.year = v;
        p.have_year = true;
        break;
      }
      case Tok::kIYYY:
      case Tok::kIYY:
      case Tok::kIY:
      case Tok::kI: {
        STRATA_ASSIGN_OR_RETURN(int64_t v, read_number(4, "IYYY"));
        p.year = v;
        p.have_year = true;
        break;
      }
      case Tok::kMM: {
        STRATA_ASSIGN_OR_RETURN(int64_t v, read_number(2, "MM"));
        p.month = static_cast<int32_t>(v);
        break;
      }
      case Tok::kMonth: {
        STRATA_ASSIGN_OR_RETURN(int32_t m, read_name(kMonths, 0, "Month"));
        p.month = m + 1;
        break;
      }
      case Tok::kMon: {
        STRATA_ASSIGN_OR_RETURN(int32_t m, read_name(kMonths, 3, "Mon"));
        p.month = m + 1;
        break;
      }
      case Tok::kRM: {
        // Longest numerals first so "VIII" is not read as "V".
        static constexpr std::array<const char*, 12> kRomanByLength = {"VIII", "III", "VII", "XII", "II", "IV",
                                                                       "VI",   "IX",  "XI",  "I",   "V",  "X"};
        static constexpr int kRomanValue[12] = {8, 3, 7, 12, 2, 4, 6, 9, 11, 1, 5, 10};
        STRATA_ASSIGN_OR_RETURN(int32_t m, read_name(kRomanByLength, 0, "RM"));
        p.month = kRomanValue[m];
        break;
      }
      case Tok::kDD: {
        STRATA_ASSIGN_OR_RETURN(int64_t v, read_number(2, "DD"));
        p.day = static_cast<int32_t>(v);
        break;
      }
      case Tok::kDDD:
      case Tok::kIDDD: {
        STRATA_ASSIGN_OR_RETURN(int64_t v, read_number(3, "DDD"));
        p.doy = static_cast<int32_t>(v);
        break;
      }
      case Tok::kD:
      case Tok::kID:
      case Tok::kW:
      case Tok::kQ: {
        STRATA_ASSIGN_OR_RETURN(int64_t v, read_number(1, "D"));
        (void)v;
        break;
      }
      case Tok::kWW:
      case Tok::kIW:
      case Tok::kCC: {
        STRATA_ASSIGN_OR_RETURN(int64_t v, read_number(2, "WW"));
        (void)v;
        break;
      }
      case Tok::kDay: {
        STRATA_ASSIGN_OR_RETURN(int32_t d, read_name(kDays, 0, "Day"));
        (void)d;
        break;
      }
      case Tok::kDy: {
        STRATA_ASSIGN_OR_RETURN(int32_t d, read_name(kDays, 3, "Dy"));
        (void)d;
        break;
      }
      case Tok::kHH24:
      case Tok::kHH12: {
        STRATA_ASSIGN_OR_RETURN(int64_t v, read_number(2, t.tok == Tok::kHH24 ? "HH24" : "HH12"));
        if (t.tok == Tok::kHH12 && (v < 1 || v > 12)) {
          return Status::sql("22008", fmt::format("hour \"{}\" is invalid for the 12-hour clock", v));
        }
        p.hour = v;
        break;
      }
      case Tok::kMI: {
        STRATA_ASSIGN_OR_RETURN(int64_t v, read_number(2, "MI"));
        p.minute = static_cast<int32_t>(v);
        break;
      }
      case Tok::kSS: {
        STRATA_ASSIGN_OR_RETURN(int64_t v, read_number(2, "SS"));
        p.second = static_cast<int32_t>(v);
        break;
      }
      case Tok::kSSSS: {
        STRATA_ASSIGN_OR_RETURN(int64_t v, read_number(5, "SSSS"));
        p.hour = v / 3600;
        p.minute = static_cast<int32_t>(v / 60 % 60);
        p.second = static_cast<int32_t>(v % 60);
        break;
      }
      case Tok::kMS:
      case Tok::kUS: {
        size_t start = pos;
        int width = t.tok == Tok::kMS ? 3 : 6;
        STRATA_ASSIGN_OR_RETURN(int64_t v, read_number(width, t.tok == Tok::kMS ? "MS" : "US"));
        // Fewer digits mean a fraction: "5" in MS is 500 ms.
        size_t digits = pos - start;
        for (size_t d = digits; d < static_cast<size_t>(width); ++d) v *= 10;
        p.micros += t.tok == Tok::kMS ? v * 1000 : v;
        break;
      }
      case Tok::kAM:
      case Tok::kPM:
      case Tok::kAMDots:
      case Tok::kPMDots: {
        bool dots = t.tok == Tok::kAMDots || t.tok == Tok::kPMDots;
        static constexpr std::array<const char*, 2> kPlain = {"AM", "PM"};
        static constexpr std::array<const char*, 2> kDots = {"A.M.", "P.M."};
        Result<int32_t> v = dots ? read_name(kDots, 0, "A.M.") : read_name(kPlain, 0, "AM");
        if (!v.ok()) return v.status();
        p.pm = *v;
        break;
      }
      case Tok::kAD:
      case Tok::kBC:
      case Tok::kADDots:
      case Tok::kBCDots: {
        bool dots = t.tok == Tok::kADDots || t.tok == Tok::kBCDots;
        static constexpr std::array<const char*, 2> kPlain = {"AD", "BC"};
        static constexpr std::array<const char*, 2> kDots = {"A.D.", "B.C."};
        Result<int32_t> v = dots ? read_name(kDots, 0, "A.D.") : read_name(kPlain, 0, "AD");
        if (!v.ok()) return v.status();
        p.bc = *v == 1;
        break;
      }
      case Tok::kJ: {
        STRATA_ASSIGN_OR_RETURN(int64_t v, read_number(7, "J"));
        p.julian = v;
        break;
      }
      case Tok::kTZ:
      case Tok::kTZH:
      case Tok::kTZM:
      case Tok::kOF:
        return Status::sql("0A000", "formatting field \"TZ\" is only supported in to_char");
      case Tok::kLiteral:
        break;
    }
  }
  return p;
}

// The parsed fields as a timestamp (microseconds since 1970, UTC).
Result<int64_t> timestamp_of(const Parsed& p, SV input, bool date_only) {
  int64_t hour = p.hour;
  if (p.pm == 1 && hour < 12) hour += 12;
  if (p.pm == 0 && hour == 12) hour = 0;
  int32_t days;
  if (p.julian >= 0) {
    days = static_cast<int32_t>(p.julian - 2440588);
  } else {
    int64_t year = p.bc ? 1 - p.year : p.year;
    if (year > 294276 || year < -4713) {
      return Status::sql("22008", fmt::format("date/time field value out of range: \"{}\"", input));
    }
    auto y = static_cast<int32_t>(year);
    if (p.doy > 0) {
      if (p.doy > (types::is_leap_year(y) ? 366 : 365)) {
        return Status::sql("22008", fmt::format("date/time field value out of range: \"{}\"", input));
      }
      days = types::days_from_civil(y, 1, 1) + p.doy - 1;
    } else {
      if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > types::days_in_month(y, p.month)) {
        return Status::sql("22008", fmt::format("date/time field value out of range: \"{}\"", input));
      }
      days = types::days_from_civil(y, p.month, p.day);
    }
  }
  if (date_only) return micros_of(days, 0);
  if (hour > 24 || p.minute > 59 || p.second > 60 || (hour == 24 && (p.minute > 0 || p.second > 0 || p.micros > 0))) {
    return Status::sql("22008", fmt::format("date/time field value out of range: \"{}\"", input));
  }
  return micros_of(days, ((hour * 60 + p.minute) * 60 + p.second) * types::kMicrosPerSecond + p.micros);
}

}  // namespace

void register_datetime_format_functions(FunctionRegistry& r) {
  const Type text = Type::text();
  for (const Type& ts : {Type::timestamp(), Type::timestamptz()}) {
    bool tz = ts == Type::timestamptz();
    add_fn(r, "to_char", {ts, text}, text, [tz](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const int64_t* t = a[0]->data<int64_t>();
      const SV* f = a[1]->data<SV>();
      FormatCache cache;
      return map_strings(a, n, out, [&](size_t i, std::string& s) {
        s = to_char(cache.get(f[i]), char_fields_of_timestamp(t[i], tz));
        return Status::ok_status();
      });
    });
  }
  add_fn(r, "to_char", {Type::interval(), text}, text,
         [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
           const Interval* iv = a[0]->data<Interval>();
           const SV* f = a[1]->data<SV>();
           FormatCache cache;
           return map_strings(a, n, out, [&](size_t i, std::string& s) {
             s = to_char(cache.get(f[i]), char_fields_of_interval(iv[i]));
             return Status::ok_status();
           });
         });
  for (int date_only = 0; date_only < 2; ++date_only) {
    Type ret = date_only ? Type::date() : Type::timestamptz();
    add_fn(r, date_only ? "to_date" : "to_timestamp", {text, text}, ret,
           [date_only](const FunctionContext&, const Args& a, size_t n, Vector& out) -> Status {
             const SV* in = a[0]->data<SV>();
             const SV* f = a[1]->data<SV>();
             FormatCache cache;
             for (size_t i = 0; i < n; ++i) {
               if (row_has_null(a, i)) continue;
               STRATA_ASSIGN_OR_RETURN(Parsed p, parse_with(cache.get(f[i]), in[i]));
               STRATA_ASSIGN_OR_RETURN(int64_t v, timestamp_of(p, in[i], date_only));
               if (date_only) {
                 out.data<int32_t>()[i] = static_cast<int32_t>(types::floor_div(v, types::kMicrosPerDay));
               } else {
                 out.data<int64_t>()[i] = v;
               }
             }
             return Status::ok_status();
           });
  }
}

}  // namespace strata::exec::fn
