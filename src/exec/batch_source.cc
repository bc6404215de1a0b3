#include "exec/batch_source.h"

#include <algorithm>

namespace strata::exec {

using types::Batch;

BatchSource::BatchSource(std::vector<types::Type> types, std::vector<Batch> batches)
    : Operator(std::move(types)), batches_(std::move(batches)) {
  for (const Batch& b : batches_) {
    STRATA_ASSERT(b.columns.size() == output_types().size(), "BatchSource: batch width differs");
    total_rows_ += b.rows;
  }
}

std::string BatchSource::detail() const { return std::to_string(total_rows_) + " rows"; }

Status BatchSource::open(ExecContext& ctx) {
  batch_index_ = 0;
  row_index_ = 0;
  return Operator::open(ctx);
}

Result<bool> BatchSource::next(Batch& out) {
  out = Batch(output_types());
  STRATA_RETURN_IF_ERROR(ctx().check_cancel());
  while (batch_index_ < batches_.size() && row_index_ >= batches_[batch_index_].rows) {
    ++batch_index_;
    row_index_ = 0;
  }
  if (batch_index_ >= batches_.size()) return false;
  const Batch& b = batches_[batch_index_];
  size_t n = std::min(types::kBatchRows, b.rows - row_index_);
  out.append_rows(b, row_index_, n);
  out.rows = n;
  row_index_ += n;
  return true;
}

}  // namespace strata::exec
