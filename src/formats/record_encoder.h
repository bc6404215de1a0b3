// RecordEncoder: one row of a types::Batch -> one record value, the inverse of
// RecordDecoder for the same format and fields (decode(encode(row)) == row for
// every value the format can carry; see src/formats/README.md).
//
// Threads: immutable after make(); encode() may run on any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "formats/record_format.h"
#include "types/batch.h"

namespace strata::formats {

class RecordEncoder {
 public:
  // Fails as check_record_fields does.
  static Result<RecordEncoder> make(RecordFormat format, std::vector<FieldSpec> fields);

  // The value of row `row` of `batch` (one column per field, in field order).
  // nullopt is a null record value: only the raw format's NULL gives one.
  std::optional<std::string> encode(const types::Batch& batch, size_t row) const;

 private:
  RecordEncoder(RecordFormat format, std::vector<FieldSpec> fields) : format_(format), fields_(std::move(fields)) {}
  RecordFormat format_;
  std::vector<FieldSpec> fields_;
};

}  // namespace strata::formats
