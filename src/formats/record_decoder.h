// RecordDecoder: one record value -> one row appended to a types::Batch.
//
// Contract: decode() either appends exactly one row to `out` or returns the
// reason the record does not fit the columns (malformed JSON/CSV, a value of the
// wrong type, a missing NOT NULL field, invalid UTF-8) and leaves `out`
// unchanged. A bad record never aborts the batch: callers skip it or dead-letter
// it with the reason. Untrusted input never trips an assert.
//
// Threads: a decoder is immutable after make(); decode() may run on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "formats/record_format.h"
#include "types/batch.h"

namespace strata::formats {

// Largest record value decoded (longer ones are rejected with a reason): bounds
// the JSON parser's allocations per record.
inline constexpr size_t kRecordValueBytesMax = 8u << 20;

class RecordDecoder {
 public:
  // Fails as check_record_fields does.
  static Result<RecordDecoder> make(RecordFormat format, std::vector<FieldSpec> fields);

  const std::vector<FieldSpec>& fields() const { return fields_; }
  RecordFormat format() const { return format_; }

  // REQUIRES: `out` has one column per field, of the field's type.
  // `value` nullopt is a null record value (a tombstone).
  Status decode(std::optional<std::string_view> value, types::Batch& out) const;

  // The JSON path through the full parser (types::parse_json) only, for tests
  // and the fuzzer: decode() must give the same row or the same error.
  Status decode_json_reference(std::string_view value, types::Batch& out) const;

 private:
  // A JSON scalar of a record's top-level object, as scanned.
  enum class JsonKind : uint8_t { kNull, kFalse, kTrue, kNumber, kString };
  RecordDecoder(RecordFormat format, std::vector<FieldSpec> fields)
      : format_(format), fields_(std::move(fields)) {}
  // The common case without building a DOM, straight into `out`'s columns: a
  // flat object whose strings have only one-character escapes and whose numbers
  // are plain integers. Returns false (and leaves `out` unchanged) for anything
  // else, which then goes through decode_json_dom; so both accept and reject
  // exactly the same records, with the same reasons (*status).
  bool decode_flat_json(std::string_view value, types::Batch& out, Status* status) const;
  Status decode_json_dom(std::string_view value, std::vector<types::Value>& row) const;
  // Field `i` from a JSON scalar: `text` is a string's content or a number's text.
  Status field_from_json(size_t i, JsonKind kind, std::string_view text, types::Value& out) const;
  Status finish_row(std::vector<types::Value>& row, types::Batch& out) const;
  Status decode_csv(std::string_view value, std::vector<types::Value>& row) const;
  Status decode_raw(std::optional<std::string_view> value, std::vector<types::Value>& row) const;
  // Text of one field (CSV field, JSON string) read as the field's type.
  Status field_from_text(size_t field, std::string_view text, types::Value& out) const;

  RecordFormat format_;
  std::vector<FieldSpec> fields_;
};

// Splits one CSV record (RFC 4180: ',' separator, '"' quoting with "" for a
// quote, quoted fields may hold separators and line breaks; one trailing "\n" or
// "\r\n" is ignored). An unquoted empty field is nullopt (SQL NULL), a quoted
// empty one is "". Fails on an unterminated quote or text after a closing quote.
Status split_csv_record(std::string_view record, std::vector<std::optional<std::string>>& fields);

}  // namespace strata::formats
