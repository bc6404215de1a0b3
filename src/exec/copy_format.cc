#include "exec/copy_format.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>

#include "types/cast.h"

namespace strata::exec {

using types::Batch;
using types::Value;

namespace {

Status bad_option(std::string_view what) { return Status::sql("42601", std::string(what)); }

Result<char> single_char(const sql::Option& o) {
  if (o.values.size() != 1 || o.values[0].text.size() != 1) {
    return bad_option(fmt::format("COPY {} must be a single one-byte character", o.name));
  }
  return o.values[0].text[0];
}

bool truthy(const sql::Option& o) {
  if (o.values.empty()) return true;
  std::string v = o.values[0].text;
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "true" || v == "on" || v == "1" || v == "yes";
}

}  // namespace

Result<CopyOptions> CopyOptions::from_statement(const std::vector<sql::Option>& options) {
  CopyOptions o;
  bool delimiter_set = false, null_set = false, quote_set = false, escape_set = false;
  for (const auto& opt : options) {
    if (opt.name == "format") {
      std::string f = opt.values.empty() ? "" : opt.values[0].text;
      for (char& c : f) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (f == "csv")
        o.csv = true;
      else if (f == "text")
        o.csv = false;
      else if (f == "binary")
        return Status::sql("0A000", "COPY format \"binary\" is not supported");
      else
        return bad_option(fmt::format("COPY format \"{}\" not recognized", f));
    } else if (opt.name == "csv") {
      o.csv = true;
    } else if (opt.name == "delimiter") {
      STRATA_ASSIGN_OR_RETURN(o.delimiter, single_char(opt));
      delimiter_set = true;
    } else if (opt.name == "null") {
      o.null_string = opt.values.empty() ? "" : opt.values[0].text;
      null_set = true;
    } else if (opt.name == "quote") {
      STRATA_ASSIGN_OR_RETURN(o.quote, single_char(opt));
      quote_set = true;
    } else if (opt.name == "escape") {
      STRATA_ASSIGN_OR_RETURN(o.escape, single_char(opt));
      escape_set = true;
    } else if (opt.name == "header") {
      o.header = truthy(opt);
    } else if (opt.name == "force_quote" || opt.name == "force_not_null" || opt.name == "force_null" ||
               opt.name == "encoding" || opt.name == "freeze" || opt.name == "binary") {
      if (opt.name == "binary") return Status::sql("0A000", "COPY format \"binary\" is not supported");
      // Accepted; FORCE_QUOTE * quotes every field below.
      if (opt.name == "force_quote") o.force_quote.assign(1024, true);
    } else {
      return bad_option(fmt::format("option \"{}\" not recognized", opt.name));
    }
  }
  if (o.csv) {
    if (!delimiter_set) o.delimiter = ',';
    if (!null_set) o.null_string = "";
    if (!escape_set) o.escape = o.quote;
  } else {
    if (quote_set || escape_set) return bad_option("COPY QUOTE and ESCAPE are available only in CSV mode");
    if (o.header) return Status::sql("0A000", "COPY HEADER is available only in CSV mode");
  }
  if (o.delimiter == '\n' || o.delimiter == '\r')
    return bad_option("COPY delimiter cannot be newline or carriage return");
  return o;
}

CopyParser::CopyParser(std::vector<types::Type> types, CopyOptions options)
    : types_(std::move(types)), options_(std::move(options)), batch_(types_) {}

Batch CopyParser::take_rows() {
  Batch out = std::move(batch_);
  batch_ = Batch(types_);
  return out;
}

std::string& CopyParser::next_field(bool is_null) {
  if (field_count_ == fields_.size()) {
    fields_.emplace_back();
    field_nulls_.push_back(0);
  }
  field_nulls_[field_count_] = is_null ? 1 : 0;
  std::string& f = fields_[field_count_++];
  f.clear();
  return f;
}

namespace {

// A plain decimal integer field (optional '-', digits only) of an integer type, as a
// Value; nullopt for anything else (signs, spaces, overflow), which parse_value
// then handles with PostgreSQL's rules and messages.
std::optional<Value> fast_integer(const std::string& f, const types::Type& t) {
  if (!t.is_integer() || f.empty()) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
  if (ec != std::errc() || end != f.data() + f.size()) return std::nullopt;
  switch (t.id()) {
    case types::TypeId::kSmallInt:
      if (v < INT16_MIN || v > INT16_MAX) return std::nullopt;
      return Value::smallint(static_cast<int16_t>(v));
    case types::TypeId::kInteger:
      if (v < INT32_MIN || v > INT32_MAX) return std::nullopt;
      return Value::integer(static_cast<int32_t>(v));
    default:
      return Value::bigint(v);
  }
}

}  // namespace

Status CopyParser::add_row() {
  auto col_name = [&](size_t i) { return i < names_.size() ? names_[i] : fmt::format("column{}", i + 1); };
  const size_t n = field_count_;
  if (n > types_.size()) {
    return Status::sql("22P04", fmt::format("extra data after last expected column (COPY line {})", line_));
  }
  if (n < types_.size()) {
    return Status::sql("22P04", fmt::format("missing data for column \"{}\" (COPY line {})", col_name(n), line_));
  }
  row_.clear();
  for (size_t i = 0; i < n; ++i) {
    if (field_nulls_[i]) {
      row_.push_back(Value::null(types_[i]));
      continue;
    }
    if (std::optional<Value> fast = fast_integer(fields_[i], types_[i])) {
      row_.push_back(std::move(*fast));
      continue;
    }
    Result<Value> v = types::parse_value(fields_[i], types_[i]);
    if (!v.ok()) {
      Status s = Status::sql(v.status().sqlstate().empty() ? "22P02" : v.status().sqlstate(),
                             fmt::format("{} (COPY line {}, column {})", v.status().message(), line_, col_name(i)));
      return s;
    }
    row_.push_back(std::move(v).value());
  }
  batch_.append_row(row_);
  ++rows_;
  return Status::ok_status();
}

Status CopyParser::parse_line(std::string_view line) {
  ++line_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (options_.header && !header_skipped_) {
    header_skipped_ = true;
    return Status::ok_status();
  }
  field_count_ = 0;
  if (line == "\\.") {
    // The end-of-data marker, in both formats (psql sends it after \copy data).
    ended_ = true;
    return Status::ok_status();
  }
  if (options_.csv) {
    STRATA_RETURN_IF_ERROR(parse_csv_fields(line));
    return add_row();
  }
  std::string field;
  std::string raw;  // the field as written, for comparing with the NULL string
  auto flush = [&]() {
    bool is_null = raw == options_.null_string;
    std::string& f = next_field(is_null);
    if (!is_null) f = field;
    field.clear();
    raw.clear();
  };
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == options_.delimiter) {
      flush();
      continue;
    }
    if (c != '\\' || i + 1 >= line.size()) {
      field.push_back(c);
      raw.push_back(c);
      continue;
    }
    char n = line[++i];
    raw.push_back('\\');
    raw.push_back(n);
    switch (n) {
      case 't':
        field.push_back('\t');
        break;
      case 'n':
        field.push_back('\n');
        break;
      case 'r':
        field.push_back('\r');
        break;
      case 'b':
        field.push_back('\b');
        break;
      case 'f':
        field.push_back('\f');
        break;
      case 'v':
        field.push_back('\v');
        break;
      case 'x': {
        int v = 0, digits = 0;
        while (digits < 2 && i + 1 < line.size() && std::isxdigit(static_cast<unsigned char>(line[i + 1]))) {
          char h = line[++i];
          raw.push_back(h);
          v = v * 16 + (std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
          ++digits;
        }
        field.push_back(static_cast<char>(v));
        break;
      }
      default:
        if (n >= '0' && n <= '7') {
          int v = n - '0', digits = 1;
          while (digits < 3 && i + 1 < line.size() && line[i + 1] >= '0' && line[i + 1] <= '7') {
            raw.push_back(line[i + 1]);
            v = v * 8 + (line[++i] - '0');
            ++digits;
          }
          field.push_back(static_cast<char>(v));
        } else {
          field.push_back(n);  // \\, \<delimiter>, and any other character as itself
        }
    }
  }
  flush();
  return add_row();
}

// CSV (the caller only passes whole records, quoted newlines included). A field
// without quote characters is taken in one piece; one with quotes goes character by
// character: quotes open and close quoted parts, ESCAPE QUOTE inside them is a
// literal quote, and a quoted field is never NULL.
Status CopyParser::parse_csv_fields(std::string_view line) {
  const char delim = options_.delimiter;
  const char quote = options_.quote;
  size_t i = 0;
  while (true) {
    const void* d = std::memchr(line.data() + i, delim, line.size() - i);
    size_t end = d == nullptr ? line.size() : static_cast<size_t>(static_cast<const char*>(d) - line.data());
    if (std::memchr(line.data() + i, quote, end - i) == nullptr) {
      std::string_view f = line.substr(i, end - i);
      bool is_null = f == options_.null_string;
      std::string& out = next_field(is_null);
      if (!is_null) out.assign(f);
      i = end;
    } else {
      std::string& out = next_field(false);
      bool quoted = false, in_quotes = false;
      for (; i < line.size(); ++i) {
        char c = line[i];
        if (!in_quotes && c == delim) break;
        if (in_quotes) {
          if (c == options_.escape && i + 1 < line.size() && line[i + 1] == quote) {
            out.push_back(quote);
            ++i;
            continue;
          }
          if (c == quote) {
            in_quotes = false;
            continue;
          }
          out.push_back(c);
        } else if (c == quote) {
          in_quotes = true;
          quoted = true;
        } else {
          out.push_back(c);
        }
      }
      if (in_quotes) return Status::sql("22P04", fmt::format("unterminated CSV quoted field (COPY line {})", line_));
      if (!quoted && out == options_.null_string) {
        field_nulls_[field_count_ - 1] = 1;
        out.clear();
      }
    }
    if (i >= line.size()) return Status::ok_status();
    ++i;  // the delimiter
  }
}

Status CopyParser::write(std::string_view data) {
  buffer_.append(data);
  size_t start = 0;
  while (!ended_) {
    size_t end;
    if (options_.csv) {
      // A record ends at a newline outside quotes.
      bool in_quotes = false;
      end = std::string::npos;
      for (size_t i = start; i < buffer_.size(); ++i) {
        char c = buffer_[i];
        if (in_quotes && c == options_.escape && options_.escape != options_.quote && i + 1 < buffer_.size()) {
          ++i;
          continue;
        }
        if (c == options_.quote)
          in_quotes = !in_quotes;
        else if (c == '\n' && !in_quotes) {
          end = i;
          break;
        }
      }
    } else {
      end = buffer_.find('\n', start);
    }
    if (end == std::string::npos) break;
    STRATA_RETURN_IF_ERROR(parse_line(std::string_view(buffer_).substr(start, end - start)));
    start = end + 1;
  }
  buffer_.erase(0, start);
  if (ended_) buffer_.clear();
  return Status::ok_status();
}

Status CopyParser::finish() {
  if (!ended_ && !buffer_.empty()) {
    std::string last = std::move(buffer_);
    buffer_.clear();
    STRATA_RETURN_IF_ERROR(parse_line(last));
  }
  return Status::ok_status();
}

void format_copy_row(const Batch& batch, size_t row, const CopyOptions& options, std::string& out) {
  std::string cell;
  for (size_t c = 0; c < batch.columns.size(); ++c) {
    if (c) out.push_back(options.delimiter);
    const types::Vector& v = batch.columns[c];
    if (v.is_null(row)) {
      out += options.null_string;
      continue;
    }
    cell.clear();
    types::append_text(v, row, cell);
    if (!options.csv) {
      for (char ch : cell) {
        switch (ch) {
          case '\\':
            out += "\\\\";
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
          case '\b':
            out += "\\b";
            break;
          case '\f':
            out += "\\f";
            break;
          case '\v':
            out += "\\v";
            break;
          default:
            if (ch == options.delimiter) out.push_back('\\');
            out.push_back(ch);
        }
      }
      continue;
    }
    bool force = c < options.force_quote.size() && options.force_quote[c];
    bool needs = force || cell.empty() || cell == options.null_string ||
                 cell.find_first_of(std::string{options.delimiter, options.quote, '\n', '\r'}) != std::string::npos;
    if (!needs) {
      out += cell;
      continue;
    }
    out.push_back(options.quote);
    for (char ch : cell) {
      if (ch == options.quote || ch == options.escape) out.push_back(options.escape);
      out.push_back(ch);
    }
    out.push_back(options.quote);
  }
  out.push_back('\n');
}

}  // namespace strata::exec
