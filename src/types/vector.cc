#include "types/vector.h"

#include <algorithm>

namespace strata::types {

std::string_view StringHeap::add(std::string_view s) {
  if (s.empty()) return std::string_view();
  if (s.size() > left_) {
    size_t block = std::max(kBlockBytes, s.size());
    blocks_.push_back(std::unique_ptr<char[]>(new char[block]));  // not zeroed: only stored bytes are read
    cursor_ = blocks_.back().get();
    left_ = block;
    reserved_bytes_ += block;
  }
  std::memcpy(cursor_, s.data(), s.size());
  std::string_view stored(cursor_, s.size());
  cursor_ += s.size();
  left_ -= s.size();
  return stored;
}

void Vector::reserve(size_t n) {
  if (n <= capacity_) return;
  width_ = type_.physical_size();
  size_t new_capacity = std::max<size_t>({n, capacity_ * 2, 16});
  // Not zeroed: slots past size_ are undefined until resize() zeroes them or an
  // append overwrites them.
  std::unique_ptr<uint8_t[]> fresh(new uint8_t[new_capacity * width_]);
  if (size_ > 0) std::memcpy(fresh.get(), data_.get(), size_ * width_);
  data_ = std::move(fresh);
  capacity_ = new_capacity;
  nulls_.reserve(new_capacity);
}

void Vector::resize(size_t n) {
  width_ = type_.physical_size();
  if (n > capacity_) reserve(n);
  if (n > size_) std::memset(data_.get() + size_ * width_, 0, (n - size_) * width_);
  nulls_.resize(n, 0);
  size_ = n;
}

void Vector::grow_for_append(size_t n) {
  width_ = type_.physical_size();
  if (n > capacity_) reserve(n);
  nulls_.resize(n);
  size_ = n;
}

bool Vector::has_nulls() const {
  return std::any_of(nulls_.begin(), nulls_.end(), [](uint8_t b) { return b != 0; });
}

std::string_view Vector::add_string(std::string_view s) {
  if (s.empty()) return std::string_view();
  if (!heap_) heap_ = std::make_shared<StringHeap>();
  return heap_->add(s);
}

void Vector::share_heaps_of(const Vector& other) {
  if (&other == this) return;
  auto keep = [&](const std::shared_ptr<StringHeap>& h) {
    if (!h || h == heap_) return;
    if (std::find(shared_.begin(), shared_.end(), h) == shared_.end()) shared_.push_back(h);
  };
  keep(other.heap_);
  for (const auto& h : other.shared_) keep(h);
}

Value Vector::get_value(size_t row) const {
  STRATA_ASSERT(row < size_, "row out of range");
  if (nulls_[row]) return Value::null(type_);
  const uint8_t* p = data_.get() + row * width_;
  switch (type_.id()) {
    case TypeId::kUnknown:
      return Value::null(type_);
    case TypeId::kBoolean:
      return Value::boolean(*p != 0);
    case TypeId::kSmallInt:
      return Value::of_int(type_, *reinterpret_cast<const int16_t*>(p));
    case TypeId::kInteger:
    case TypeId::kDate:
      return Value::of_int(type_, *reinterpret_cast<const int32_t*>(p));
    case TypeId::kBigInt:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return Value::of_int(type_, *reinterpret_cast<const int64_t*>(p));
    case TypeId::kReal:
      return Value::double_precision(*reinterpret_cast<const float*>(p)).with_type(type_);
    case TypeId::kDouble:
      return Value::double_precision(*reinterpret_cast<const double*>(p));
    case TypeId::kNumeric:
      return Value::numeric(*reinterpret_cast<const Decimal*>(p), type_);
    case TypeId::kInterval:
      return Value::interval(*reinterpret_cast<const Interval*>(p));
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar:
    case TypeId::kBytea:
    case TypeId::kJsonb:
    case TypeId::kArray:
      return Value::text(std::string(*reinterpret_cast<const std::string_view*>(p)), type_);
  }
  return Value::null(type_);
}

void Vector::set_value(size_t row, const Value& v) {
  STRATA_ASSERT(row < size_, "row out of range");
  if (v.is_null()) {
    set_null(row);
    return;
  }
  nulls_[row] = 0;
  uint8_t* p = data_.get() + row * width_;
  switch (type_.id()) {
    case TypeId::kUnknown:
      set_null(row);
      return;
    case TypeId::kBoolean:
      *p = v.as_bool() ? 1 : 0;
      return;
    case TypeId::kSmallInt:
      *reinterpret_cast<int16_t*>(p) = static_cast<int16_t>(v.as_int());
      return;
    case TypeId::kInteger:
    case TypeId::kDate:
      *reinterpret_cast<int32_t*>(p) = static_cast<int32_t>(v.as_int());
      return;
    case TypeId::kBigInt:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      *reinterpret_cast<int64_t*>(p) = v.as_int();
      return;
    case TypeId::kReal:
      *reinterpret_cast<float*>(p) = static_cast<float>(v.as_double());
      return;
    case TypeId::kDouble:
      *reinterpret_cast<double*>(p) = v.as_double();
      return;
    case TypeId::kNumeric:
      *reinterpret_cast<Decimal*>(p) = v.as_decimal();
      return;
    case TypeId::kInterval:
      *reinterpret_cast<Interval*>(p) = v.as_interval();
      return;
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar:
    case TypeId::kBytea:
    case TypeId::kJsonb:
    case TypeId::kArray:
      *reinterpret_cast<std::string_view*>(p) = add_string(v.as_string());
      return;
  }
}

void Vector::copy_row(const Vector& from, size_t from_row, size_t to_row) {
  STRATA_ASSERT(from.width_ == width_ || from.type_.physical_size() == width_, "physical type mismatch");
  nulls_[to_row] = from.nulls_[from_row];
  std::memcpy(data_.get() + to_row * width_, from.data_.get() + from_row * width_, width_);
  if (type_.is_string_like()) share_heaps_of(from);
}

void Vector::append_rows(const Vector& from, size_t begin, size_t count) {
  if (count == 0) return;
  STRATA_ASSERT(from.type_.physical_size() == type_.physical_size(), "physical type mismatch");
  STRATA_ASSERT(begin + count <= from.size_, "rows out of range");
  size_t at = size_;
  grow_for_append(size_ + count);
  std::memcpy(data_.get() + at * width_, from.data_.get() + begin * width_, count * width_);
  std::memcpy(nulls_.data() + at, from.nulls_.data() + begin, count);
  if (type_.is_string_like()) share_heaps_of(from);
}

void Vector::append_selected(const Vector& from, const uint32_t* rows, size_t count) {
  if (count == 0) return;
  STRATA_ASSERT(from.type_.physical_size() == type_.physical_size(), "physical type mismatch");
  size_t at = size_;
  grow_for_append(size_ + count);
  uint8_t* dst = data_.get() + at * width_;
  const uint8_t* src = from.data_.get();
  switch (width_) {
    case 1:
      for (size_t i = 0; i < count; ++i) dst[i] = src[rows[i]];
      break;
    case 4:
      for (size_t i = 0; i < count; ++i) {
        reinterpret_cast<uint32_t*>(dst)[i] = reinterpret_cast<const uint32_t*>(src)[rows[i]];
      }
      break;
    case 8:
      for (size_t i = 0; i < count; ++i) {
        reinterpret_cast<uint64_t*>(dst)[i] = reinterpret_cast<const uint64_t*>(src)[rows[i]];
      }
      break;
    default:
      for (size_t i = 0; i < count; ++i) std::memcpy(dst + i * width_, src + rows[i] * width_, width_);
  }
  for (size_t i = 0; i < count; ++i) nulls_[at + i] = from.nulls_[rows[i]];
  if (type_.is_string_like()) share_heaps_of(from);
}

size_t Vector::size_bytes() const { return capacity_ * width_ + nulls_.capacity() + (heap_ ? heap_->size_bytes() : 0); }

}  // namespace strata::types
