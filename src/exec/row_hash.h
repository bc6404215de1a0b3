// Hashing of rows over several key columns, consistent with RowEquality
// (row_compare.h): cells that compare equal hash equally.
//   - integers of any width, date, time and timestamps hash their int64 value, so
//     join keys of integer and bigint columns meet;
//   - floats hash as double with -0 folded to 0 and every NaN to one NaN;
//   - numeric hashes its value normalised across scales (1.0 and 1.00);
//   - char(n) hashes without trailing blanks; other strings hash their bytes;
//   - NULL hashes to a fixed constant (grouping puts NULLs in one group).
// Not covered: integer vs numeric or integer vs float keys (the planner casts keys to
// one type first).
//
// The high bits are well mixed: hash tables take low bits for buckets, spilling
// takes partitions from the high bits (partition_of).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "types/batch.h"
#include "types/vector.h"

namespace strata::exec {

inline constexpr uint64_t kNullHash = 0x9AE16A3B2F90404Full;

// The hash of one cell (NULL gives kNullHash).
uint64_t hash_cell(const types::Vector& v, size_t row);

// hashes[i] = the hash of row i over `cols` of `batch`, for i in [0, batch.rows).
// No columns gives one constant for every row.
void hash_rows(const types::Batch& batch, const std::vector<int>& cols, uint64_t* hashes);

// The spill partition (0 .. 2^bits - 1) of a hash at recursion `level` (0, 1, ...):
// each level uses the next `bits` high bits, so re-partitioning a partition splits it.
inline size_t partition_of(uint64_t hash, int level, int bits) {
  int shift = 64 - bits * (level + 1);
  if (shift < 0) shift = 0;
  return static_cast<size_t>((hash >> shift) & ((uint64_t{1} << bits) - 1));
}

}  // namespace strata::exec
