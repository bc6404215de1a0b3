#include "exec/row_compare.h"

#include <cmath>
#include <cstring>
#include <string_view>

#include "base/assert.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace strata::exec {

using types::Decimal;
using types::Interval;
using types::Type;
using types::TypeId;
using types::Vector;

namespace {

template <class T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

int compare_doubles(double a, double b) {
  bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  return three_way(a, b);
}

std::string_view strip_trailing_blanks(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

int compare_bytes(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c < 0 ? -1 : 1;
  return three_way(a.size(), b.size());
}

// Same physical type, ordered by operator<.
template <class T>
int cmp_same(const Vector& a, size_t ra, const Vector& b, size_t rb) {
  return three_way(a.data<T>()[ra], b.data<T>()[rb]);
}

// Integers of possibly different widths.
template <class A, class B>
int cmp_ints(const Vector& a, size_t ra, const Vector& b, size_t rb) {
  return three_way(static_cast<int64_t>(a.data<A>()[ra]), static_cast<int64_t>(b.data<B>()[rb]));
}

double load_double(const Vector& v, size_t row) {
  switch (v.type().id()) {
    case TypeId::kSmallInt: return v.data<int16_t>()[row];
    case TypeId::kInteger: return v.data<int32_t>()[row];
    case TypeId::kBigInt: return static_cast<double>(v.data<int64_t>()[row]);
    case TypeId::kReal: return v.data<float>()[row];
    case TypeId::kDouble: return v.data<double>()[row];
    case TypeId::kNumeric: return types::decimal_to_double(v.data<Decimal>()[row]);
    default: return 0;
  }
}

int64_t load_int(const Vector& v, size_t row) {
  switch (v.type().physical_size()) {
    case 1: return v.data<uint8_t>()[row];
    case 2: return v.data<int16_t>()[row];
    case 4: return v.data<int32_t>()[row];
    default: return v.data<int64_t>()[row];
  }
}

Decimal load_decimal(const Vector& v, size_t row) {
  if (v.type().id() == TypeId::kNumeric) return v.data<Decimal>()[row];
  return types::decimal_from_int(load_int(v, row));
}

int cmp_float_same_double(const Vector& a, size_t ra, const Vector& b, size_t rb) {
  return compare_doubles(a.data<double>()[ra], b.data<double>()[rb]);
}
int cmp_float_same_real(const Vector& a, size_t ra, const Vector& b, size_t rb) {
  return compare_doubles(a.data<float>()[ra], b.data<float>()[rb]);
}
int cmp_as_double(const Vector& a, size_t ra, const Vector& b, size_t rb) {
  return compare_doubles(load_double(a, ra), load_double(b, rb));
}
int cmp_decimal_same(const Vector& a, size_t ra, const Vector& b, size_t rb) {
  const Decimal& x = a.data<Decimal>()[ra];
  const Decimal& y = b.data<Decimal>()[rb];
  if (x.scale == y.scale) return three_way(x.unscaled, y.unscaled);
  return types::decimal_compare(x, y);
}
int cmp_as_decimal(const Vector& a, size_t ra, const Vector& b, size_t rb) {
  return types::decimal_compare(load_decimal(a, ra), load_decimal(b, rb));
}
int cmp_interval(const Vector& a, size_t ra, const Vector& b, size_t rb) {
  return three_way(types::interval_compare_key(a.data<Interval>()[ra]),
                   types::interval_compare_key(b.data<Interval>()[rb]));
}
int cmp_bytes(const Vector& a, size_t ra, const Vector& b, size_t rb) {
  return compare_bytes(a.data<std::string_view>()[ra], b.data<std::string_view>()[rb]);
}
int cmp_char_any(const Vector& a, size_t ra, const Vector& b, size_t rb) {
  std::string_view x = a.data<std::string_view>()[ra];
  std::string_view y = b.data<std::string_view>()[rb];
  if (a.type().id() == TypeId::kChar) x = strip_trailing_blanks(x);
  if (b.type().id() == TypeId::kChar) y = strip_trailing_blanks(y);
  return compare_bytes(x, y);
}
int cmp_never(const Vector&, size_t, const Vector&, size_t) { return 0; }

template <class A>
CellCompareFn int_with(size_t b_width) {
  switch (b_width) {
    case 2: return &cmp_ints<A, int16_t>;
    case 4: return &cmp_ints<A, int32_t>;
    default: return &cmp_ints<A, int64_t>;
  }
}

// Integer-valued types whose int64 values are comparable with each other.
bool int_like(const Type& t) {
  switch (t.id()) {
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return true;
    default: return false;
  }
}

}  // namespace

CellCompareFn cell_comparator(const Type& a, const Type& b) {
  if (a.id() == TypeId::kUnknown || b.id() == TypeId::kUnknown) return &cmp_never;
  if (a.is_string_like() && b.is_string_like()) {
    if (a.id() == TypeId::kChar || b.id() == TypeId::kChar) return &cmp_char_any;
    return &cmp_bytes;
  }
  if (a.is_float() || b.is_float()) {
    if (a.id() == TypeId::kDouble && b.id() == TypeId::kDouble) return &cmp_float_same_double;
    if (a.id() == TypeId::kReal && b.id() == TypeId::kReal) return &cmp_float_same_real;
    STRATA_ASSERT(a.is_numeric() && b.is_numeric(), "float compared with a non-number");
    return &cmp_as_double;
  }
  if (a.id() == TypeId::kNumeric || b.id() == TypeId::kNumeric) {
    if (a.id() == b.id()) return &cmp_decimal_same;
    STRATA_ASSERT(a.is_numeric() && b.is_numeric(), "numeric compared with a non-number");
    return &cmp_as_decimal;
  }
  if (int_like(a) && int_like(b)) {
    switch (a.physical_size()) {
      case 2: return int_with<int16_t>(b.physical_size());
      case 4: return int_with<int32_t>(b.physical_size());
      default: return int_with<int64_t>(b.physical_size());
    }
  }
  if (a.id() == TypeId::kBoolean && b.id() == TypeId::kBoolean) return &cmp_same<uint8_t>;
  if (a.id() == TypeId::kInterval && b.id() == TypeId::kInterval) return &cmp_interval;
  STRATA_ASSERT(false, "cell_comparator: incomparable types");
  return &cmp_never;
}

int compare_cells(const Vector& a, size_t a_row, const Vector& b, size_t b_row) {
  return cell_comparator(a.type(), b.type())(a, a_row, b, b_row);
}

std::string sort_keys_to_string(const std::vector<SortKey>& keys) {
  std::string s;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) s += ", ";
    s += "#" + std::to_string(keys[i].column);
    s += keys[i].descending ? " DESC" : " ASC";
    if (keys[i].nulls_first != keys[i].descending) s += keys[i].nulls_first ? " NULLS FIRST" : " NULLS LAST";
  }
  return s;
}

RowComparator::RowComparator(std::vector<SortKey> keys, const std::vector<Type>& column_types)
    : keys_(std::move(keys)) {
  for (const SortKey& k : keys_) {
    STRATA_ASSERT(k.column >= 0 && static_cast<size_t>(k.column) < column_types.size(), "sort key out of range");
    fns_.push_back(cell_comparator(column_types[k.column], column_types[k.column]));
  }
}

RowEquality::RowEquality(std::vector<int> a_cols, const std::vector<Type>& a_types, std::vector<int> b_cols,
                         const std::vector<Type>& b_types, bool nulls_equal)
    : a_cols_(std::move(a_cols)), b_cols_(std::move(b_cols)), nulls_equal_(nulls_equal) {
  STRATA_ASSERT(a_cols_.size() == b_cols_.size(), "key column counts differ");
  for (size_t k = 0; k < a_cols_.size(); ++k) {
    fns_.push_back(cell_comparator(a_types.at(a_cols_[k]), b_types.at(b_cols_[k])));
  }
}

bool RowEquality::maybe_equal(const types::Batch& a, size_t a_row, const types::Batch& b, size_t b_row) const {
  for (size_t k = 0; k < a_cols_.size(); ++k) {
    const Vector& va = a.columns[a_cols_[k]];
    const Vector& vb = b.columns[b_cols_[k]];
    if (va.nulls()[a_row] || vb.nulls()[b_row]) continue;
    if (fns_[k](va, a_row, vb, b_row) != 0) return false;
  }
  return true;
}

bool any_null(const types::Batch& batch, const std::vector<int>& cols, size_t row) {
  for (int c : cols) {
    if (batch.columns[c].nulls()[row]) return true;
  }
  return false;
}

}  // namespace strata::exec
