// Vector: one column of a Batch, in the physical layout of its Type (type.h), with
// a NULL flag per row. Strings are std::string_view into StringHeaps the vector keeps
// alive; copying a string between vectors either copies the bytes (add_string) or
// shares the source's heaps (share_heaps_of).
//
// Layout (docs/formats/column-vector.md): data() holds size() values of
// physical_size() bytes each; nulls() holds one byte per row (1 = NULL). A NULL row's
// data slot holds a zero value, so kernels may compute on it and ignore the result.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "base/assert.h"
#include "types/type.h"
#include "types/value.h"

namespace strata::types {

// An append-only arena for string bytes. Never moves stored bytes.
class StringHeap {
 public:
  StringHeap() = default;
  StringHeap(const StringHeap&) = delete;
  StringHeap& operator=(const StringHeap&) = delete;

  std::string_view add(std::string_view s);
  // Bytes reserved by the heap (its memory footprint, for memory accounting).
  size_t size_bytes() const { return reserved_bytes_; }

 private:
  static constexpr size_t kBlockBytes = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* cursor_ = nullptr;
  size_t left_ = 0;
  size_t reserved_bytes_ = 0;
};

class Vector {
 public:
  Vector() = default;
  explicit Vector(Type type, size_t size = 0) : type_(type) { resize(size); }

  const Type& type() const { return type_; }
  size_t size() const { return size_; }
  // Grows or shrinks to n rows; new rows are zero and not NULL.
  void resize(size_t n);
  void reserve(size_t n);
  void clear() { resize(0); }
  // Grows to n rows without zeroing their data: new rows are not NULL and their
  // slots are undefined until the caller writes each one (or calls set_null, which
  // zeroes it). For decoders that overwrite every new slot at once.
  void grow_for_append(size_t n);

  template <class T>
  T* data() {
    return reinterpret_cast<T*>(data_.get());
  }
  template <class T>
  const T* data() const {
    return reinterpret_cast<const T*>(data_.get());
  }
  uint8_t* raw_data() { return data_.get(); }
  const uint8_t* raw_data() const { return data_.get(); }

  // One byte per row, 1 = NULL.
  uint8_t* nulls() { return nulls_.data(); }
  const uint8_t* nulls() const { return nulls_.data(); }
  bool is_null(size_t row) const { return nulls_[row] != 0; }
  void set_null(size_t row, bool null = true) {
    nulls_[row] = null ? 1 : 0;
    if (null) std::memset(data_.get() + row * width_, 0, width_);
  }
  bool has_nulls() const;

  // Copies s into this vector's own heap and returns the stored view.
  std::string_view add_string(std::string_view s);
  // Keeps other's heaps alive as long as this vector, so string_views copied from
  // other stay valid here.
  void share_heaps_of(const Vector& other);

  // Row access through Value (slow path: constants, tests, row-at-a-time code).
  Value get_value(size_t row) const;
  // REQUIRES: v is NULL or of this vector's physical class.
  void set_value(size_t row, const Value& v);
  void append_value(const Value& v) {
    resize(size_ + 1);
    set_value(size_ - 1, v);
  }
  // Copies row `from_row` of `from` (same physical type) into row `to_row`.
  void copy_row(const Vector& from, size_t from_row, size_t to_row);
  // Appends rows [begin, begin + count) of `from` (same physical type).
  void append_rows(const Vector& from, size_t begin, size_t count);
  // Appends the rows of `from` listed in `rows`.
  void append_selected(const Vector& from, const uint32_t* rows, size_t count);

  // Memory held by this vector (data, null flags, owned string heap).
  size_t size_bytes() const;

 private:

  Type type_;
  size_t width_ = 1;
  size_t size_ = 0;
  size_t capacity_ = 0;
  std::unique_ptr<uint8_t[]> data_;
  std::vector<uint8_t> nulls_;
  std::shared_ptr<StringHeap> heap_;                 // this vector's own strings
  std::vector<std::shared_ptr<StringHeap>> shared_;  // heaps of vectors we copied views from
};

}  // namespace strata::types
