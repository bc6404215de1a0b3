#include "exec/copy_format.h"

#include <fmt/format.h>

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
      if (f == "csv") o.csv = true;
      else if (f == "text") o.csv = false;
      else if (f == "binary") return Status::sql("0A000", "COPY format \"binary\" is not supported");
      else return bad_option(fmt::format("COPY format \"{}\" not recognized", f));
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
  if (o.delimiter == '\n' || o.delimiter == '\r') return bad_option("COPY delimiter cannot be newline or carriage return");
  return o;
}

CopyParser::CopyParser(std::vector<types::Type> types, CopyOptions options)
    : types_(std::move(types)), options_(std::move(options)), batch_(types_) {}

Batch CopyParser::take_rows() {
  Batch out = std::move(batch_);
  batch_ = Batch(types_);
  return out;
}

Status CopyParser::add_row(const std::vector<std::string>& fields, const std::vector<bool>& is_null) {
  auto col_name = [&](size_t i) { return i < names_.size() ? names_[i] : fmt::format("column{}", i + 1); };
  if (fields.size() > types_.size()) {
    return Status::sql("22P04", fmt::format("extra data after last expected column (COPY line {})", line_));
  }
  if (fields.size() < types_.size()) {
    return Status::sql("22P04",
                       fmt::format("missing data for column \"{}\" (COPY line {})", col_name(fields.size()), line_));
  }
  std::vector<Value> row;
  row.reserve(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    if (is_null[i]) {
      row.push_back(Value::null(types_[i]));
      continue;
    }
    Result<Value> v = types::parse_value(fields[i], types_[i]);
    if (!v.ok()) {
      Status s = Status::sql(v.status().sqlstate().empty() ? "22P02" : v.status().sqlstate(),
                             fmt::format("{} (COPY line {}, column {})", v.status().message(), line_, col_name(i)));
      return s;
    }
    row.push_back(std::move(v).value());
  }
  batch_.append_row(row);
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
  std::vector<std::string> fields;
  std::vector<bool> nulls;
  if (line == "\\.") {
    // The end-of-data marker, in both formats (psql sends it after \copy data).
    ended_ = true;
    return Status::ok_status();
  }
  if (!options_.csv) {
    std::string field;
    std::string raw;  // the field as written, for comparing with the NULL string
    auto flush = [&]() {
      nulls.push_back(raw == options_.null_string);
      fields.push_back(raw == options_.null_string ? std::string() : field);
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
        case 't': field.push_back('\t'); break;
        case 'n': field.push_back('\n'); break;
        case 'r': field.push_back('\r'); break;
        case 'b': field.push_back('\b'); break;
        case 'f': field.push_back('\f'); break;
        case 'v': field.push_back('\v'); break;
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
    return add_row(fields, nulls);
  }
  // CSV (the caller only passes whole records, quoted newlines included).
  std::string field;
  bool quoted = false, in_quotes = false;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || (!in_quotes && line[i] == options_.delimiter)) {
      bool is_null = !quoted && field == options_.null_string;
      nulls.push_back(is_null);
      fields.push_back(is_null ? std::string() : field);
      field.clear();
      quoted = false;
      continue;
    }
    char c = line[i];
    if (in_quotes) {
      if (c == options_.escape && i + 1 < line.size() && line[i + 1] == options_.quote) {
        // An escaped quote inside quotes ("" when ESCAPE is the quote): a literal quote.
        field.push_back(options_.quote);
        ++i;
        continue;
      }
      if (c == options_.quote) {
        in_quotes = false;
        continue;
      }
      field.push_back(c);
    } else if (c == options_.quote) {
      in_quotes = true;
      quoted = true;
    } else {
      field.push_back(c);
    }
  }
  if (in_quotes) return Status::sql("22P04", fmt::format("unterminated CSV quoted field (COPY line {})", line_));
  return add_row(fields, nulls);
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
        if (c == options_.quote) in_quotes = !in_quotes;
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
          case '\\': out += "\\\\"; break;
          case '\n': out += "\\n"; break;
          case '\r': out += "\\r"; break;
          case '\t': out += "\\t"; break;
          case '\b': out += "\\b"; break;
          case '\f': out += "\\f"; break;
          case '\v': out += "\\v"; break;
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
