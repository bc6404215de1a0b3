// ForwardingSource: an operator that pulls from operators owned elsewhere, for
// operators built on another operator internally (HashDistinct and SetOperation run a
// HashAggregate over their own children). It neither opens nor closes its sources:
// their owner does, so EXPLAIN shows the real children under the outer operator.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "exec/operator.h"

namespace strata::exec {

class ForwardingSource final : public Operator {
 public:
  // `produce(out)` fills the next batch (of `types`) or returns false at the end.
  using Produce = std::function<Result<bool>(types::Batch& out)>;
  ForwardingSource(std::vector<types::Type> types, Produce produce)
      : Operator(std::move(types)), produce_(std::move(produce)) {}
  std::string name() const override { return "ForwardingSource"; }

 protected:
  Result<bool> next(types::Batch& out) override { return produce_(out); }

 private:
  Produce produce_;
};

}  // namespace strata::exec
