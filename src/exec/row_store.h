// RowStore: an append-only, columnar store of rows for operators that hold their
// input (hash tables, sort runs, window partitions). Rows live in chunks of
// kChunkRows rows (one Batch each) and are addressed by a dense row id:
// chunk = id / kChunkRows, offset = id % kChunkRows.
//
// Strings are copied into one StringHeap owned by the store, so the store's memory is
// exactly size_bytes() and a gathered output batch keeps the store's strings alive
// with one shared heap (not one per source chunk).
//
// Threads: one writer; a finished store may be read by several threads (gather does
// not modify the store).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "types/batch.h"
#include "types/type.h"
#include "types/vector.h"

namespace strata::exec {

class RowStore {
 public:
  static constexpr size_t kChunkRows = types::kBatchRows;

  RowStore() = default;
  explicit RowStore(std::vector<types::Type> types);
  RowStore(RowStore&&) = default;
  RowStore& operator=(RowStore&&) = default;

  const std::vector<types::Type>& types() const { return types_; }
  size_t rows() const { return rows_; }
  bool empty() const { return rows_ == 0; }

  // Appends all rows of `batch` (same column types). Returns the first new row id.
  uint64_t append(const types::Batch& batch);
  // Appends the listed rows of `batch`; ids are assigned consecutively.
  uint64_t append_selected(const types::Batch& batch, const uint32_t* rows, size_t count);
  // Appends the listed rows of columns `columns` of `batch` (as the store's columns
  // 0, 1, ...; their types match the store's).
  uint64_t append_columns_selected(const types::Batch& batch, const std::vector<int>& columns, const uint32_t* rows,
                                   size_t count);
  // Appends rows [begin, begin + count) of `batch`.
  uint64_t append_range(const types::Batch& batch, size_t begin, size_t count);

  const types::Batch& chunk(size_t index) const { return chunks_[index]; }
  size_t chunk_count() const { return chunks_.size(); }
  const types::Batch& chunk_of(uint64_t id) const { return chunks_[id / kChunkRows]; }
  static size_t offset_of(uint64_t id) { return id % kChunkRows; }

  // Appends the rows `ids` of store columns [0, types().size()) to `out` columns
  // [out_first_column, ...). Does not change out.rows (several gathers may fill the
  // columns of one batch side by side); the caller sets it.
  void gather(const uint64_t* ids, size_t count, types::Batch& out, size_t out_first_column = 0) const;
  // The same for one store column into one output vector.
  void gather_column(size_t column, const uint64_t* ids, size_t count, types::Vector& out) const;

  // Memory held: chunk data and NULL flags plus string bytes.
  size_t size_bytes() const;
  void clear();

 private:
  types::Batch& writable_chunk();
  // Appends `count` strings of `src` (rows source_row(0..count)) to `dst` at row
  // `at`, copying their bytes into the store's heap.
  template <class SourceRow>
  void append_strings(types::Vector& dst, size_t at, const types::Vector& src, size_t count, SourceRow source_row) {
    dst.resize(at + count);
    const auto* from = src.template data<std::string_view>();
    const uint8_t* from_nulls = src.nulls();
    auto* to = dst.template data<std::string_view>();
    uint8_t* to_nulls = dst.nulls();
    for (size_t i = 0; i < count; ++i) {
      size_t r = source_row(i);
      to[at + i] = strings_.add_string(from[r]);
      to_nulls[at + i] = from_nulls[r];
    }
    dst.share_heaps_of(strings_);
  }

  std::vector<types::Type> types_;
  std::vector<types::Batch> chunks_;
  size_t rows_ = 0;
  bool has_strings_ = false;
  types::Vector strings_;  // a text vector used only as the owner of the string heap
  size_t chunk_bytes_ = 0;  // size_bytes of full chunks (the last one is measured live)
};

}  // namespace strata::exec
