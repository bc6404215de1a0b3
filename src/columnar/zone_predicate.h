// ZonePredicate: a comparison a scan may use to skip row groups whose zone map
// (per-chunk min, max and NULL count) proves no row can satisfy it. Skipping is
// only an optimisation: a scan still returns rows that do not match, and the
// engine must evaluate its full WHERE clause on what it gets.
//
// `col BETWEEN a AND b` is two predicates (kGe a, kLe b); all predicates of a
// scan are ANDed.
#pragma once

#include <cstdint>
#include <string>

#include "types/value.h"

namespace strata::columnar {

enum class CompareOp : uint8_t {
  kEq,
  kLt,
  kLe,
  kGt,
  kGe,
  kIsNull,     // `value` unused
  kIsNotNull,  // `value` unused
};

struct ZonePredicate {
  // A column position: in the table's schema for TableStore scans, in the part's
  // columns for PartReader.
  uint32_t column = 0;
  CompareOp op = CompareOp::kEq;
  // Compared with compare_values(): same type, both numeric or both character;
  // a value of another type disables the predicate (never skips). A NULL value
  // makes kEq..kGe unsatisfiable (SQL comparison with NULL is never true).
  types::Value value;
};

// Min, max and NULL count of one column chunk. `has_min_max` is false when the
// chunk has no non-NULL value, for types without an order (interval), and for
// strings longer than kZoneStringBytesMax (zone maps must stay small).
struct ZoneMap {
  static constexpr size_t kZoneStringBytesMax = 64;
  uint32_t null_count = 0;
  uint32_t row_count = 0;
  bool has_min_max = false;
  types::Value min;
  types::Value max;
};

// False when `zone` proves that no row of the chunk satisfies `op value`.
bool zone_may_match(const ZoneMap& zone, CompareOp op, const types::Value& value);

std::string compare_op_name(CompareOp op);

}  // namespace strata::columnar
