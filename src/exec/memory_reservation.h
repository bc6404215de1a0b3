// MemoryReservation: the bytes one operator structure (a hash table, a sort buffer)
// holds against the query's MemoryBudget. Grows with try_grow_to() as the structure
// grows, and gives everything back on release() or destruction.
#pragma once

#include <cstddef>

#include "exec/operator.h"

namespace strata::exec {

class MemoryReservation {
 public:
  MemoryReservation() = default;
  explicit MemoryReservation(MemoryBudget* budget) : budget_(budget) {}
  ~MemoryReservation() { release(); }
  MemoryReservation(const MemoryReservation&) = delete;
  MemoryReservation& operator=(const MemoryReservation&) = delete;

  void set_budget(MemoryBudget* budget) {
    release();
    budget_ = budget;
  }
  // Reserves up to `bytes` in total: true, or false (nothing changes) when the budget
  // refuses. Shrinking releases the difference. No budget accepts everything.
  bool try_grow_to(size_t bytes) {
    if (bytes <= reserved_bytes_) {
      if (budget_ != nullptr) budget_->release(reserved_bytes_ - bytes);
      reserved_bytes_ = bytes;
      return true;
    }
    if (budget_ != nullptr && !budget_->try_reserve(bytes - reserved_bytes_)) return false;
    reserved_bytes_ = bytes;
    return true;
  }
  void release() {
    if (budget_ != nullptr && reserved_bytes_ > 0) budget_->release(reserved_bytes_);
    reserved_bytes_ = 0;
  }
  size_t reserved_bytes() const { return reserved_bytes_; }

 private:
  MemoryBudget* budget_ = nullptr;
  size_t reserved_bytes_ = 0;
};

}  // namespace strata::exec
