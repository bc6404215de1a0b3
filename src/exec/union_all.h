// UnionAll: UNION ALL of any number of inputs.
#pragma once

#include <string>
#include <vector>

#include "exec/operator.h"

namespace strata::exec {

// Output: every row of children[0], then of children[1], ... with the first child's
// column types. REQUIRES: at least one child; the children's columns have the same
// physical types (the planner casts; modifiers may differ, e.g. varchar(3) / text).
class UnionAll final : public Operator {
 public:
  explicit UnionAll(std::vector<OperatorPtr> children);
  std::string name() const override { return "UnionAll"; }
  Status open(ExecContext& ctx) override;

 protected:
  Result<bool> next(types::Batch& out) override;

 private:
  std::vector<bool> relabel_;  // child's types differ from output_types() in modifiers
  size_t current_ = 0;
};

}  // namespace strata::exec
