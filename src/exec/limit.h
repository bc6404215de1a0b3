// Limit: LIMIT/OFFSET over a stream.
#pragma once

#include <cstdint>
#include <string>

#include "exec/operator.h"

namespace strata::exec {

// Skips `offset` rows, then passes at most `limit` rows (kNoLimit: all). Stops pulling
// its child once the limit is reached. Output: the child's columns.
// REQUIRES: offset >= 0; limit >= 0 or kNoLimit (the planner reports negative
// LIMIT/OFFSET values as 2201W/2201X before building the plan).
class Limit final : public Operator {
 public:
  static constexpr int64_t kNoLimit = -1;

  Limit(OperatorPtr child, int64_t limit, int64_t offset);
  std::string name() const override { return "Limit"; }
  std::string detail() const override;
  Status open(ExecContext& ctx) override;

 protected:
  Result<bool> next(types::Batch& out) override;

 private:
  int64_t limit_;
  int64_t offset_;
  uint64_t skipped_ = 0;
  uint64_t returned_ = 0;
  bool done_ = false;
};

}  // namespace strata::exec
