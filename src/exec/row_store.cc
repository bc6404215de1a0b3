#include "exec/row_store.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "base/assert.h"

namespace strata::exec {

using types::Batch;
using types::Type;
using types::Vector;

RowStore::RowStore(std::vector<Type> types) : types_(std::move(types)), strings_(Type::text()) {
  for (const Type& t : types_) has_strings_ = has_strings_ || t.is_string_like();
}

Batch& RowStore::writable_chunk() {
  if (chunks_.empty() || chunks_.back().rows == kChunkRows) {
    if (!chunks_.empty()) chunk_bytes_ += chunks_.back().size_bytes();
    // Columns grow by doubling: a store of a few rows stays small (memory budgets
    // of spilling operators are measured from it).
    chunks_.emplace_back(types_);
  }
  return chunks_.back();
}

uint64_t RowStore::append(const Batch& batch) { return append_range(batch, 0, batch.rows); }

uint64_t RowStore::append_range(const Batch& batch, size_t begin, size_t count) {
  STRATA_ASSERT(batch.columns.size() == types_.size(), "RowStore: batch width differs");
  uint64_t first = rows_;
  while (count > 0) {
    Batch& chunk = writable_chunk();
    size_t n = std::min(count, kChunkRows - chunk.rows);
    size_t at = chunk.rows;
    for (size_t c = 0; c < types_.size(); ++c) {
      if (types_[c].is_string_like()) {
        append_strings(chunk.columns[c], at, batch.columns[c], n, [&](size_t i) { return begin + i; });
      } else {
        chunk.columns[c].append_rows(batch.columns[c], begin, n);
      }
    }
    chunk.rows += n;
    begin += n;
    count -= n;
    rows_ += n;
  }
  return first;
}

uint64_t RowStore::append_selected(const Batch& batch, const uint32_t* rows, size_t count) {
  STRATA_ASSERT(batch.columns.size() == types_.size(), "RowStore: batch width differs");
  std::vector<int> all(types_.size());
  for (size_t c = 0; c < all.size(); ++c) all[c] = static_cast<int>(c);
  return append_columns_selected(batch, all, rows, count);
}

uint64_t RowStore::append_columns_selected(const Batch& batch, const std::vector<int>& columns, const uint32_t* rows,
                                           size_t count) {
  STRATA_ASSERT(columns.size() == types_.size(), "RowStore: column count differs");
  uint64_t first = rows_;
  while (count > 0) {
    Batch& chunk = writable_chunk();
    size_t n = std::min(count, kChunkRows - chunk.rows);
    size_t at = chunk.rows;
    for (size_t c = 0; c < types_.size(); ++c) {
      const Vector& src = batch.columns[columns[c]];
      if (types_[c].is_string_like()) {
        append_strings(chunk.columns[c], at, src, n, [&](size_t i) { return size_t{rows[i]}; });
      } else {
        chunk.columns[c].append_selected(src, rows, n);
      }
    }
    chunk.rows += n;
    rows += n;
    count -= n;
    rows_ += n;
  }
  return first;
}

void RowStore::gather_column(size_t column, const uint64_t* ids, size_t count, Vector& out) const {
  size_t at = out.size();
  out.resize(at + count);
  size_t width = types_[column].physical_size();
  uint8_t* dst = out.raw_data() + at * width;
  uint8_t* dst_nulls = out.nulls() + at;
  for (size_t i = 0; i < count; ++i) {
    const Vector& src = chunks_[ids[i] / kChunkRows].columns[column];
    size_t r = ids[i] % kChunkRows;
    std::memcpy(dst + i * width, src.raw_data() + r * width, width);
    dst_nulls[i] = src.nulls()[r];
  }
  if (types_[column].is_string_like()) out.share_heaps_of(strings_);
}

void RowStore::gather(const uint64_t* ids, size_t count, Batch& out, size_t out_first_column) const {
  STRATA_ASSERT(out.columns.size() >= out_first_column + types_.size(), "RowStore::gather: output too narrow");
  for (size_t c = 0; c < types_.size(); ++c) gather_column(c, ids, count, out.columns[out_first_column + c]);
}

size_t RowStore::size_bytes() const {
  size_t n = chunk_bytes_ + strings_.size_bytes();
  if (!chunks_.empty()) n += chunks_.back().size_bytes();
  return n;
}

void RowStore::clear() {
  chunks_.clear();
  rows_ = 0;
  chunk_bytes_ = 0;
  strings_ = Vector(Type::text());
}

}  // namespace strata::exec
