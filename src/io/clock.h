// Clock: the one source of time, so tests can run on a manual clock.
#pragma once

#include <atomic>
#include <cstdint>

namespace strata::io {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock milliseconds since the Unix epoch (record timestamps, retention).
  virtual int64_t now_ms() const = 0;
  // Monotonic milliseconds (timeouts, session expiry).
  virtual int64_t monotonic_ms() const = 0;
};

Clock* system_clock();

// A clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  int64_t now_ms() const override { return now_.load(); }
  int64_t monotonic_ms() const override { return now_.load(); }
  void advance_ms(int64_t d) { now_ += d; }
  void set_ms(int64_t t) { now_ = t; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace strata::io
