// Helpers shared by the columnar module's tests: temp directories, seeded
// random vectors of every type, and value-by-value batch comparison.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "types/batch.h"
#include "types/value.h"

namespace strata::columnar::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/strata_columnar_test_XXXXXX";
    char* p = ::mkdtemp(tmpl);
    path_ = p ? p : "/tmp/strata_columnar_test_fallback";
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::vector<types::Type> all_types() {
  using types::Type;
  return {Type::boolean(),  Type::smallint(),    Type::integer(),   Type::bigint(),      Type::real(),
          Type::double_precision(), Type::numeric(12, 2), Type::numeric(), Type::text(), Type::varchar(20),
          Type::character(4), Type::bytea(),     Type::date(),      Type::time(),        Type::timestamp(),
          Type::timestamptz(), Type::interval(), Type::jsonb(),     Type::unknown()};
}

// Value shapes that exercise different encodings.
enum class Shape { kRandom, kSorted, kFewDistinct, kConstant, kRuns };

// A random non-NULL value of `t` for row `i` with the given shape.
inline types::Value random_value(const types::Type& t, Shape shape, size_t i, std::mt19937_64& rng) {
  using types::TypeId;
  using types::Value;
  int64_t x;
  switch (shape) {
    case Shape::kRandom: x = static_cast<int64_t>(rng()); break;
    case Shape::kSorted: x = static_cast<int64_t>(i * 7 + (rng() % 5)); break;
    case Shape::kFewDistinct: x = static_cast<int64_t>(rng() % 5) * 1000003; break;
    case Shape::kConstant: x = 42; break;
    case Shape::kRuns: x = static_cast<int64_t>(i / 37) - 3; break;
  }
  switch (t.id()) {
    case TypeId::kBoolean: return Value::boolean((x & 1) != 0);
    case TypeId::kSmallInt: return Value::smallint(static_cast<int16_t>(x));
    case TypeId::kInteger: return Value::integer(static_cast<int32_t>(x));
    case TypeId::kDate: return Value::date(static_cast<int32_t>(x % 3000000));
    case TypeId::kBigInt:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return Value::of_int(t, x);
    case TypeId::kReal: {
      if (shape == Shape::kRandom && i % 17 == 3) return Value::real(std::nanf(""));
      return Value::real(static_cast<float>(x % 100000) / 8.0f);
    }
    case TypeId::kDouble: {
      if (shape == Shape::kRandom && i % 19 == 5) return Value::double_precision(-0.0);
      return Value::double_precision(static_cast<double>(x) / 3.0);
    }
    case TypeId::kNumeric: {
      types::Decimal d;
      d.unscaled = static_cast<__int128>(x) * 1000003;
      d.scale = t.has_modifier() ? t.scale() : static_cast<int32_t>(static_cast<uint64_t>(x) % 7);
      return Value::numeric(d, t);
    }
    case TypeId::kInterval: return Value::interval({static_cast<int32_t>(x % 100), static_cast<int32_t>(x % 31), x});
    case TypeId::kChar: return Value::text(std::to_string(static_cast<uint64_t>(x) % 10000).substr(0, 4), t);
    case TypeId::kBytea: {
      std::string s(static_cast<size_t>(static_cast<uint64_t>(x) % 13), '\0');
      for (auto& c : s) c = static_cast<char>(rng());
      return Value::bytea(s);
    }
    case TypeId::kJsonb: return Value::jsonb("{\"k\":" + std::to_string(x) + "}");
    case TypeId::kText:
    case TypeId::kVarchar: {
      if (shape == Shape::kRandom && i % 23 == 0) return Value::text(std::string(200, 'z'), t);  // past the zone-map limit
      return Value::text("s" + std::to_string(x), t);
    }
    case TypeId::kUnknown:
    case TypeId::kArray:
      return Value::null(t);
  }
  return Value::null(t);
}

inline types::Vector random_vector(const types::Type& t, size_t rows, Shape shape, double null_fraction,
                                   std::mt19937_64& rng) {
  types::Vector v(t, rows);
  std::uniform_real_distribution<double> u(0, 1);
  for (size_t i = 0; i < rows; i++) {
    if (u(rng) < null_fraction) {
      v.set_null(i);
    } else {
      v.set_value(i, random_value(t, shape, i, rng));
    }
  }
  return v;
}

// Equal as stored bits (NaN equals NaN, -0 differs from 0).
inline bool same_value(const types::Value& a, const types::Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() == b.is_null();
  if (a.type().is_float()) {
    double x = a.as_double(), y = b.as_double();
    return std::memcmp(&x, &y, sizeof x) == 0;
  }
  return types::compare_values(a, b) == 0 && a.to_text() == b.to_text();
}

inline void expect_vectors_equal(const types::Vector& a, size_t a_begin, const types::Vector& b, size_t b_begin,
                                 size_t count, const std::string& what) {
  for (size_t i = 0; i < count; i++) {
    auto va = a.get_value(a_begin + i);
    auto vb = b.get_value(b_begin + i);
    ASSERT_TRUE(same_value(va, vb)) << what << " row " << i << ": " << va.to_text() << " vs " << vb.to_text();
  }
}

}  // namespace strata::columnar::testing
