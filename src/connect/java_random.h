// JavaRandom: java.util.Random, bit for bit (the 48-bit linear congruential
// generator of the JDK's specification), so that Nexmark events equal Beam's.
#pragma once

#include <cstdint>

namespace strata::connect {

// Same seed, same calls => the same values as `new java.util.Random(seed)` in
// any JDK. Not thread-safe (one per event or per thread); copying copies the state.
class JavaRandom {
 public:
  explicit JavaRandom(int64_t seed) { set_seed(seed); }

  // Java's setSeed: scrambles the seed with the multiplier.
  void set_seed(int64_t seed) { seed_ = (static_cast<uint64_t>(seed) ^ kMultiplier) & kMask; }

  // Java's next(bits), 1 <= bits <= 32: the top `bits` of the 48-bit state as a
  // signed 32-bit int (next(32) may be negative).
  int32_t next(int bits) {
    seed_ = (seed_ * kMultiplier + kAddend) & kMask;
    return static_cast<int32_t>(static_cast<uint32_t>(seed_ >> (48 - bits)));
  }

  int32_t next_int() { return next(32); }

  // Uniform in [0, bound). REQUIRES: bound > 0 (Java throws otherwise; asserted).
  int32_t next_int(int32_t bound);

  int64_t next_long() {
    // Java: ((long) next(32) << 32) + next(32), a signed (wrapping) addition.
    uint64_t hi = static_cast<uint64_t>(static_cast<int64_t>(next(32))) << 32;
    uint64_t lo = static_cast<uint64_t>(static_cast<int64_t>(next(32)));
    return static_cast<int64_t>(hi + lo);
  }

  // Uniform in [0, 1) with 53 random bits.
  double next_double() {
    int64_t hi = next(26);
    int64_t lo = next(27);
    return static_cast<double>((hi << 27) + lo) * 0x1.0p-53;
  }

 private:
  static constexpr uint64_t kMultiplier = 0x5DEECE66DULL;
  static constexpr uint64_t kAddend = 0xBULL;
  static constexpr uint64_t kMask = (1ULL << 48) - 1;
  uint64_t seed_ = 0;
};

}  // namespace strata::connect
