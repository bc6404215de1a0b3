// Ordering and equality of rows across several key columns of any type, with
// PostgreSQL's semantics:
//   - NaN equals NaN and sorts above every other float; -0 equals 0;
//   - numeric compares by value across scales (1.0 = 1.00); integers of different
//     widths (and integer vs numeric, anything vs float) compare by value;
//   - char(n) ignores trailing blanks; other strings compare bytewise (C collation);
//   - interval compares by PostgreSQL's interval_cmp_value (30-day months);
//   - NULLs: in sorting, where SortKey says (the planner resolves PostgreSQL's
//     default: NULLS LAST for ASC, NULLS FIRST for DESC); in equality, a flag says
//     whether NULL equals NULL (grouping, DISTINCT, set operations) or never matches
//     (join keys).
//
// Comparators pick one function per key column when built, so per-row work is an
// indirect call and a load per column, no type switch.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "types/batch.h"
#include "types/type.h"
#include "types/vector.h"

namespace strata::exec {

struct SortKey {
  int column = 0;
  bool descending = false;
  bool nulls_first = false;

  // PostgreSQL's defaults: ASC NULLS LAST, DESC NULLS FIRST.
  static SortKey asc(int column) { return SortKey{column, false, false}; }
  static SortKey desc(int column) { return SortKey{column, true, true}; }
  friend bool operator==(const SortKey&, const SortKey&) = default;
};

// "#0 ASC, #2 DESC NULLS LAST" (only non-default NULLS placements are printed).
std::string sort_keys_to_string(const std::vector<SortKey>& keys);

// Compares two non-NULL cells: negative, zero or positive.
using CellCompareFn = int (*)(const types::Vector& a, size_t a_row, const types::Vector& b, size_t b_row);

// The comparison for cells of types `a` and `b`: the same physical class, or both
// numeric, or both string-like. REQUIRES: comparable types (the planner casts).
CellCompareFn cell_comparator(const types::Type& a, const types::Type& b);

// Compares two non-NULL cells (dispatches on type per call; for tests and slow paths).
int compare_cells(const types::Vector& a, size_t a_row, const types::Vector& b, size_t b_row);

// Orders rows of batches that share one column layout by `keys`.
class RowComparator {
 public:
  RowComparator() = default;
  RowComparator(std::vector<SortKey> keys, const std::vector<types::Type>& column_types);

  // Negative when row a_row of `a` sorts before row b_row of `b`, zero for peers.
  int compare(const types::Batch& a, size_t a_row, const types::Batch& b, size_t b_row) const {
    for (size_t k = 0; k < keys_.size(); ++k) {
      const SortKey& key = keys_[k];
      const types::Vector& va = a.columns[key.column];
      const types::Vector& vb = b.columns[key.column];
      bool na = va.nulls()[a_row] != 0, nb = vb.nulls()[b_row] != 0;
      if (na || nb) {
        if (na && nb) continue;
        // A NULL sorts first exactly when nulls_first, whatever the direction.
        return (na == key.nulls_first) ? -1 : 1;
      }
      int c = fns_[k](va, a_row, vb, b_row);
      if (c != 0) return key.descending ? -c : c;
    }
    return 0;
  }
  const std::vector<SortKey>& keys() const { return keys_; }

 private:
  std::vector<SortKey> keys_;
  std::vector<CellCompareFn> fns_;
};

// Equality of key columns `a_cols` of one batch layout with `b_cols` of another.
class RowEquality {
 public:
  RowEquality() = default;
  RowEquality(std::vector<int> a_cols, const std::vector<types::Type>& a_types, std::vector<int> b_cols,
              const std::vector<types::Type>& b_types, bool nulls_equal);

  bool equal(const types::Batch& a, size_t a_row, const types::Batch& b, size_t b_row) const {
    for (size_t k = 0; k < a_cols_.size(); ++k) {
      const types::Vector& va = a.columns[a_cols_[k]];
      const types::Vector& vb = b.columns[b_cols_[k]];
      bool na = va.nulls()[a_row] != 0, nb = vb.nulls()[b_row] != 0;
      if (na || nb) {
        if (na && nb && nulls_equal_) continue;
        return false;
      }
      if (fns_[k](va, a_row, vb, b_row) != 0) return false;
    }
    return true;
  }
  // Whether the rows could be equal if their NULLs took suitable values: every key
  // pair is equal or has a NULL (the test behind `(a, b) IN (...)` giving NULL).
  bool maybe_equal(const types::Batch& a, size_t a_row, const types::Batch& b, size_t b_row) const;

 private:
  std::vector<int> a_cols_;
  std::vector<int> b_cols_;
  std::vector<CellCompareFn> fns_;
  bool nulls_equal_ = false;
};

// True when any of `cols` is NULL at `row`.
bool any_null(const types::Batch& batch, const std::vector<int>& cols, size_t row);

}  // namespace strata::exec
