#include "connect/java_random.h"

#include "base/assert.h"

namespace strata::connect {

int32_t JavaRandom::next_int(int32_t bound) {
  STRATA_ASSERT(bound > 0, "JavaRandom::next_int bound must be positive");
  int32_t r = next(31);
  int32_t m = bound - 1;
  if ((bound & m) == 0) {  // a power of two: the high bits
    return static_cast<int32_t>((static_cast<int64_t>(bound) * r) >> 31);
  }
  // Rejects the top partial range so every value is equally likely; the test
  // `u - r + m < 0` is Java's int overflow check, done here in 64 bits.
  for (int32_t u = r;; u = next(31)) {
    r = u % bound;
    if (static_cast<int64_t>(u) - r + m <= INT32_MAX) return r;
  }
}

}  // namespace strata::connect
