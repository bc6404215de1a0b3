#include "exec/row_hash.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <string_view>

#include "types/datetime.h"
#include "types/decimal.h"

namespace strata::exec {

using types::Decimal;
using types::Interval;
using types::TypeId;
using types::Vector;

namespace {

inline uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 33;
  return h;
}

inline uint64_t combine(uint64_t seed, uint64_t h) {
  return mix(seed * 0x9E3779B97F4A7C15ull + h + 0x632BE59BD9B4E019ull);
}

inline uint64_t hash_double(double d) {
  if (d == 0) d = 0;  // -0 equals 0
  if (std::isnan(d)) return mix(0x7FF8000000000000ull);
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return mix(bits);
}

inline uint64_t hash_bytes(std::string_view s) { return mix(std::hash<std::string_view>()(s)); }

inline std::string_view strip_trailing_blanks(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Calls f(row, hash of a non-NULL cell) for every row; NULL rows get kNullHash.
template <class F>
void for_each_hash(const Vector& v, size_t rows, F&& f) {
  const uint8_t* nulls = v.nulls();
  auto run = [&](auto&& cell_hash) {
    for (size_t i = 0; i < rows; ++i) f(i, nulls[i] ? kNullHash : cell_hash(i));
  };
  switch (v.type().id()) {
    case TypeId::kUnknown:
      for (size_t i = 0; i < rows; ++i) f(i, kNullHash);
      return;
    case TypeId::kBoolean: {
      const uint8_t* d = v.data<uint8_t>();
      run([&](size_t i) { return mix(d[i] ? 1 : 2); });
      return;
    }
    case TypeId::kSmallInt: {
      const int16_t* d = v.data<int16_t>();
      run([&](size_t i) { return mix(static_cast<uint64_t>(int64_t{d[i]})); });
      return;
    }
    case TypeId::kInteger:
    case TypeId::kDate: {
      const int32_t* d = v.data<int32_t>();
      run([&](size_t i) { return mix(static_cast<uint64_t>(int64_t{d[i]})); });
      return;
    }
    case TypeId::kBigInt:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      const int64_t* d = v.data<int64_t>();
      run([&](size_t i) { return mix(static_cast<uint64_t>(d[i])); });
      return;
    }
    case TypeId::kReal: {
      const float* d = v.data<float>();
      run([&](size_t i) { return hash_double(d[i]); });
      return;
    }
    case TypeId::kDouble: {
      const double* d = v.data<double>();
      run([&](size_t i) { return hash_double(d[i]); });
      return;
    }
    case TypeId::kNumeric: {
      const Decimal* d = v.data<Decimal>();
      run([&](size_t i) { return mix(types::decimal_hash(d[i])); });
      return;
    }
    case TypeId::kInterval: {
      const Interval* d = v.data<Interval>();
      run([&](size_t i) {
        __int128 k = types::interval_compare_key(d[i]);
        return combine(mix(static_cast<uint64_t>(k)), static_cast<uint64_t>(static_cast<unsigned __int128>(k) >> 64));
      });
      return;
    }
    case TypeId::kChar: {
      const std::string_view* d = v.data<std::string_view>();
      run([&](size_t i) { return hash_bytes(strip_trailing_blanks(d[i])); });
      return;
    }
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kBytea:
    case TypeId::kJsonb:
    case TypeId::kArray: {
      const std::string_view* d = v.data<std::string_view>();
      run([&](size_t i) { return hash_bytes(d[i]); });
      return;
    }
  }
}

}  // namespace

uint64_t hash_cell(const Vector& v, size_t row) {
  if (v.nulls()[row]) return kNullHash;
  switch (v.type().id()) {
    case TypeId::kUnknown: return kNullHash;
    case TypeId::kBoolean: return mix(v.data<uint8_t>()[row] ? 1 : 2);
    case TypeId::kSmallInt: return mix(static_cast<uint64_t>(int64_t{v.data<int16_t>()[row]}));
    case TypeId::kInteger:
    case TypeId::kDate: return mix(static_cast<uint64_t>(int64_t{v.data<int32_t>()[row]}));
    case TypeId::kReal: return hash_double(v.data<float>()[row]);
    case TypeId::kDouble: return hash_double(v.data<double>()[row]);
    case TypeId::kBigInt:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return mix(static_cast<uint64_t>(v.data<int64_t>()[row]));
    default: break;
  }
  uint64_t out = kNullHash;
  // The remaining types: run the vector loop over a one-row copy.
  Vector one(v.type());
  one.append_rows(v, row, 1);
  for_each_hash(one, 1, [&](size_t, uint64_t h) { out = h; });
  return out;
}

void hash_rows(const types::Batch& batch, const std::vector<int>& cols, uint64_t* hashes) {
  size_t rows = batch.rows;
  if (cols.empty()) {
    for (size_t i = 0; i < rows; ++i) hashes[i] = 0x2545F4914F6CDD1Dull;
    return;
  }
  for_each_hash(batch.columns[cols[0]], rows, [&](size_t i, uint64_t h) { hashes[i] = h; });
  for (size_t k = 1; k < cols.size(); ++k) {
    for_each_hash(batch.columns[cols[k]], rows, [&](size_t i, uint64_t h) { hashes[i] = combine(hashes[i], h); });
  }
}

}  // namespace strata::exec
