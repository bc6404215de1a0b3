// BatchSource: an operator over batches held in memory (VALUES lists computed by the
// planner, test inputs, materialised subquery results).
#pragma once

#include <string>
#include <vector>

#include "exec/operator.h"

namespace strata::exec {

// Output: the given columns; the batches in order (batches longer than kBatchRows are
// cut into kBatchRows pieces, empty ones skipped). open() restarts from the first
// batch, so a plan holding it may run more than once.
// REQUIRES: every batch has columns of `types`.
class BatchSource final : public Operator {
 public:
  BatchSource(std::vector<types::Type> types, std::vector<types::Batch> batches);
  std::string name() const override { return "BatchSource"; }
  std::string detail() const override;
  Status open(ExecContext& ctx) override;

 protected:
  Result<bool> next(types::Batch& out) override;

 private:
  std::vector<types::Batch> batches_;
  size_t batch_index_ = 0;
  size_t row_index_ = 0;
  size_t total_rows_ = 0;
};

}  // namespace strata::exec
