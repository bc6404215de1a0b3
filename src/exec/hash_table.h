// GroupHashTable: distinct key rows -> dense group ids 0, 1, 2, ... in order of first
// appearance. NULL keys equal each other (GROUP BY, DISTINCT, set operations).
// Used by HashAggregate (groups, DISTINCT aggregate inputs), HashDistinct and
// SetOperation.
//
// Layout: open addressing with linear probing over a power-of-two slot array of
// (hash, group id), at most half full; group keys live in a RowStore whose row id is
// the group id. Per batch: the caller hashes the key columns once (hash_rows), then
// find_or_insert() resolves every row.
//
// Parallel plan (later): one table per worker over hash partitions of the input
// (partition_of), so tables never need locks or merging.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "exec/row_compare.h"
#include "exec/row_store.h"
#include "types/batch.h"
#include "types/type.h"

namespace strata::exec {

class GroupHashTable {
 public:
  static constexpr uint32_t kNoGroup = UINT32_MAX;

  // Keys are columns `key_cols` of input batches of `input_types`.
  GroupHashTable(const std::vector<types::Type>& input_types, std::vector<int> key_cols);

  // For each row i of `batch` (key hashes in hashes[i]): groups[i] = its group id.
  // insert: unknown keys become new groups (is_new[i] = 1 for the row that created
  // one, when is_new is not null). !insert: unknown keys give kNoGroup.
  void find_or_insert(const types::Batch& batch, const uint64_t* hashes, uint32_t* groups, bool insert,
                      uint8_t* is_new = nullptr);

  size_t group_count() const { return group_count_; }
  // The key columns of every group: row id = group id.
  const RowStore& keys() const { return keys_; }
  const std::vector<int>& key_cols() const { return key_cols_; }
  // Memory held: slots and keys.
  size_t size_bytes() const { return slots_.capacity() * sizeof(Slot) + keys_.size_bytes(); }
  void clear();

 private:
  struct Slot {
    uint64_t hash;
    uint32_t group;  // kNoGroup: empty
  };
  void grow();

  std::vector<int> key_cols_;
  std::vector<int> identity_cols_;
  RowEquality equal_stored_;  // input key columns vs stored keys
  RowEquality equal_batch_;   // input key columns vs input key columns (groups new in this batch)
  RowStore keys_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t group_count_ = 0;
};

}  // namespace strata::exec
