#include "exec/limit.h"

#include <algorithm>

namespace strata::exec {

using types::Batch;

Limit::Limit(OperatorPtr child, int64_t limit, int64_t offset)
    : Operator(child->output_types()), limit_(limit), offset_(offset) {
  STRATA_ASSERT(offset >= 0 && (limit >= 0 || limit == kNoLimit), "Limit: negative limit or offset");
  add_child(std::move(child));
}

std::string Limit::detail() const {
  std::string s = limit_ == kNoLimit ? "limit: none" : "limit: " + std::to_string(limit_);
  if (offset_ > 0) s += ", offset: " + std::to_string(offset_);
  return s;
}

Status Limit::open(ExecContext& ctx) {
  skipped_ = 0;
  returned_ = 0;
  done_ = false;
  return Operator::open(ctx);
}

Result<bool> Limit::next(Batch& out) {
  while (!done_) {
    if (limit_ != kNoLimit && returned_ >= static_cast<uint64_t>(limit_)) break;
    STRATA_RETURN_IF_ERROR(ctx().check_cancel());
    Batch in;
    STRATA_ASSIGN_OR_RETURN(bool more, child(0).pull(in));
    if (!more) break;
    size_t begin = 0;
    if (skipped_ < static_cast<uint64_t>(offset_)) {
      size_t skip = static_cast<size_t>(std::min<uint64_t>(in.rows, static_cast<uint64_t>(offset_) - skipped_));
      skipped_ += skip;
      begin = skip;
    }
    size_t n = in.rows - begin;
    if (limit_ != kNoLimit) n = static_cast<size_t>(std::min<uint64_t>(n, static_cast<uint64_t>(limit_) - returned_));
    if (n == 0) continue;
    returned_ += n;
    if (begin == 0 && n == in.rows) {
      out = std::move(in);
    } else {
      out = Batch(output_types());
      out.append_rows(in, begin, n);
    }
    return true;
  }
  done_ = true;
  out = Batch(output_types());
  return false;
}

}  // namespace strata::exec
