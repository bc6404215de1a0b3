// COPY's text and CSV formats (PostgreSQL's, docs/sql.md): a streaming row parser
// for COPY FROM and a row formatter for COPY TO.
//
// text: columns separated by `delimiter` (default tab), rows by \n (a \r\n ending is
//   accepted), NULL written as `null_string` (default \N), backslash escapes \t \n \r
//   \\ \b \f \v \ooo \xhh and \<delimiter>; a line "\." ends the data.
// csv: columns separated by `delimiter` (default ','), fields optionally quoted with
//   `quote` (default "), a quote inside a quoted field doubled (or preceded by
//   `escape`); quoted fields may span lines; an unquoted empty field (or
//   `null_string`, default "") is NULL, a quoted empty string is ''; a line "\." ends
//   the data. An optional
//   header line is skipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/ast.h"
#include "types/batch.h"

namespace strata::exec {

struct CopyOptions {
  bool csv = false;
  char delimiter = '\t';
  std::string null_string = "\\N";
  char quote = '"';
  char escape = '"';
  bool header = false;
  std::vector<bool> force_quote;  // per column (COPY TO ... FORCE_QUOTE)

  // From a COPY statement's options: FORMAT, DELIMITER, NULL, QUOTE, ESCAPE, HEADER,
  // FORCE_QUOTE. Errors: 42601 for unknown options or bad values.
  static Result<CopyOptions> from_statement(const std::vector<sql::Option>& options);
};

// Parses COPY FROM data into rows of the given column types. Feed bytes with
// write() in any chunking, then finish(). Full batches can be taken as they fill.
class CopyParser {
 public:
  CopyParser(std::vector<types::Type> types, CopyOptions options);

  // Errors name the line: 22P04 bad_copy_file_format ("extra data after last
  // expected column", "missing data for column \"x\""), or the column type's own
  // input error with "COPY line N, column x".
  Status write(std::string_view data);
  Status finish();
  // Rows parsed so far that were not taken yet.
  types::Batch take_rows();
  uint64_t rows_parsed() const { return rows_; }
  size_t pending_rows() const { return batch_.rows; }
  // Column names for messages (optional).
  void set_column_names(std::vector<std::string> names) { names_ = std::move(names); }

 private:
  Status parse_line(std::string_view line);
  Status parse_csv_fields(std::string_view line);
  // Fields of the current line: fields_[0, field_count_) and their NULL flags.
  std::string& next_field(bool is_null);
  Status add_row();

  std::vector<types::Type> types_;
  std::vector<std::string> names_;
  CopyOptions options_;
  std::string buffer_;  // bytes not yet forming a whole row
  types::Batch batch_;
  std::vector<std::string> fields_;  // reused across lines (their capacity stays)
  std::vector<uint8_t> field_nulls_;
  size_t field_count_ = 0;
  std::vector<types::Value> row_;
  uint64_t line_ = 0;
  uint64_t rows_ = 0;
  bool ended_ = false;  // saw "\." (text format)
  bool header_skipped_ = false;
};

// Appends one row of `batch` in COPY TO format (with its newline).
void format_copy_row(const types::Batch& batch, size_t row, const CopyOptions& options, std::string& out);

}  // namespace strata::exec
