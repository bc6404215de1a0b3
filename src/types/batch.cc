#include "types/batch.h"

#include "base/assert.h"

namespace strata::types {

void Batch::append_row(const std::vector<Value>& row) {
  STRATA_ASSERT(row.size() == columns.size(), "row width differs from the batch");
  for (size_t i = 0; i < columns.size(); ++i) columns[i].append_value(row[i]);
  ++rows;
}

void Batch::append_rows(const Batch& from, size_t begin, size_t count) {
  STRATA_ASSERT(from.columns.size() == columns.size(), "batch widths differ");
  for (size_t i = 0; i < columns.size(); ++i) columns[i].append_rows(from.columns[i], begin, count);
  rows += count;
}

void Batch::append_selected(const Batch& from, const uint32_t* row_ids, size_t count) {
  STRATA_ASSERT(from.columns.size() == columns.size(), "batch widths differ");
  for (size_t i = 0; i < columns.size(); ++i) columns[i].append_selected(from.columns[i], row_ids, count);
  rows += count;
}

size_t Batch::size_bytes() const {
  size_t n = 0;
  for (const Vector& c : columns) n += c.size_bytes();
  return n;
}

}  // namespace strata::types
