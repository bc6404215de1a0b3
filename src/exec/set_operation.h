// SetOperation: UNION, INTERSECT and EXCEPT, with or without ALL.
#pragma once

#include <memory>
#include <string>

#include "exec/hash_aggregate.h"
#include "exec/operator.h"

namespace strata::exec {

enum class SetOpKind : uint8_t { kUnion, kIntersect, kExcept };

// SQL multiset semantics over whole rows, NULLs equal to each other. With cl and cr
// the copies of a row in left and right, the output holds it:
//   UNION 1 (UNION ALL cl + cr; the planner uses UnionAll for that),
//   INTERSECT 1 if cl > 0 and cr > 0, INTERSECT ALL min(cl, cr),
//   EXCEPT 1 if cl > 0 and cr = 0, EXCEPT ALL max(cl - cr, 0) times.
// Output: the left child's columns, in no defined order. REQUIRES: both children
// have the same physical column types. Counts rows with a HashAggregate (group by
// every column; count(*) FILTER left, count(*) FILTER right), so it spills like it.
class SetOperation final : public Operator {
 public:
  SetOperation(OperatorPtr left, OperatorPtr right, SetOpKind kind, bool all);
  ~SetOperation() override;
  std::string name() const override;
  Status open(ExecContext& ctx) override;
  void close() override;

 protected:
  Result<bool> next(types::Batch& out) override;

 private:
  uint64_t copies(int64_t left_count, int64_t right_count) const;

  SetOpKind kind_;
  bool all_;
  std::unique_ptr<HashAggregate> aggregate_;
  size_t input_side_ = 0;  // which child the forwarding source reads
  types::Batch counted_;   // the current aggregate batch: columns, left count, right count
  size_t counted_row_ = 0;
  uint64_t copies_left_ = 0;
};

}  // namespace strata::exec
