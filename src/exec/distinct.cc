#include "exec/distinct.h"

#include "exec/forwarding_source.h"

namespace strata::exec {

HashDistinct::HashDistinct(OperatorPtr child) : Operator(child->output_types()) {
  std::vector<int> all;
  for (size_t c = 0; c < output_types().size(); ++c) all.push_back(static_cast<int>(c));
  Operator* raw = child.get();
  auto forward = std::make_unique<ForwardingSource>(output_types(), [raw](types::Batch& out) { return raw->pull(out); });
  aggregate_ = std::make_unique<HashAggregate>(std::move(forward), std::move(all), std::vector<AggregateSpec>{});
  add_child(std::move(child));
}

HashDistinct::~HashDistinct() = default;

Status HashDistinct::open(ExecContext& ctx) {
  STRATA_RETURN_IF_ERROR(Operator::open(ctx));
  return aggregate_->open(ctx);
}

void HashDistinct::close() {
  aggregate_->close();
  Operator::close();
}

Result<bool> HashDistinct::next(types::Batch& out) {
  Result<bool> r = aggregate_->pull(out);
  stats_.spilled_bytes = aggregate_->stats().spilled_bytes;
  return r;
}

}  // namespace strata::exec
