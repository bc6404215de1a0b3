// Batch: the unit every operator consumes and produces: a set of equally long
// column Vectors. Operators aim for kBatchRows rows per batch; a batch may be shorter
// (the last one of an input, or after a filter) but never longer than
// kBatchRowsMax.
#pragma once

#include <cstddef>
#include <vector>

#include "types/type.h"
#include "types/vector.h"

namespace strata::types {

inline constexpr size_t kBatchRows = 2048;
inline constexpr size_t kBatchRowsMax = 65536;

struct Batch {
  std::vector<Vector> columns;
  size_t rows = 0;

  Batch() = default;
  // Empty columns of the given types.
  explicit Batch(const std::vector<Type>& types) {
    columns.reserve(types.size());
    for (const Type& t : types) columns.emplace_back(t);
  }
  size_t column_count() const { return columns.size(); }
  // Resizes every column to n rows.
  void resize(size_t n) {
    for (Vector& c : columns) c.resize(n);
    rows = n;
  }
  // Appends one row of Values (slow path).
  void append_row(const std::vector<Value>& row);
  // Appends rows [begin, begin + count) of `from` (same column types).
  void append_rows(const Batch& from, size_t begin, size_t count);
  // Appends the rows of `from` listed in `rows`.
  void append_selected(const Batch& from, const uint32_t* row_ids, size_t count);
  size_t size_bytes() const;
};

}  // namespace strata::types
