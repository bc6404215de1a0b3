// HashDistinct: SELECT DISTINCT over all columns.
#pragma once

#include <memory>
#include <string>

#include "exec/hash_aggregate.h"
#include "exec/operator.h"

namespace strata::exec {

// Output: the child's columns, each distinct row once (NULLs equal each other), in
// no defined order. Runs a HashAggregate grouped by every column with no aggregates,
// so it spills like HashAggregate.
class HashDistinct final : public Operator {
 public:
  explicit HashDistinct(OperatorPtr child);
  ~HashDistinct() override;
  std::string name() const override { return "HashDistinct"; }
  Status open(ExecContext& ctx) override;
  void close() override;

 protected:
  Result<bool> next(types::Batch& out) override;

 private:
  std::unique_ptr<HashAggregate> aggregate_;
};

}  // namespace strata::exec
