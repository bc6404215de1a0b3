// NestedLoopJoin: joins on any condition (non-equi joins) and cross joins.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "exec/join_kind.h"
#include "exec/memory_reservation.h"
#include "exec/operator.h"
#include "exec/row_store.h"

namespace strata::exec {

// Materialises the right child (counted in the MemoryBudget; 53200 when it does not
// fit: no spilling), then for each left row evaluates `condition` over the combined
// batch (left row repeated ++ one right chunk of up to kBatchRows rows), vectorized.
// A pair matches when the condition is TRUE; a null condition is a cross join.
//
// Kinds: inner/left/right/full/semi/anti as in join_kind.h. Mark: TRUE when some
// pair is TRUE, NULL when none is but some is NULL, FALSE otherwise (the ANY
// semantics of the condition; an empty right side gives FALSE).
// Output columns: join_output_types(kind, left, right).
class NestedLoopJoin final : public Operator {
 public:
  NestedLoopJoin(OperatorPtr left, OperatorPtr right, JoinKind kind, BatchExpressionPtr condition);
  std::string name() const override { return "NestedLoopJoin"; }
  std::string detail() const override;
  Status open(ExecContext& ctx) override;
  void close() override;

 protected:
  Result<bool> next(types::Batch& out) override;

 private:
  Status load_right();
  Status step(types::Batch& out);
  Status tail(types::Batch& out);

  std::vector<types::Type> left_types_;
  std::vector<types::Type> right_types_;
  std::vector<types::Type> pair_types_;
  JoinKind kind_;
  BatchExpressionPtr condition_;
  RowStore right_;
  MemoryReservation memory_;
  std::vector<uint8_t> right_matched_;
  bool loaded_ = false;
  bool left_done_ = false;
  uint64_t unmatched_cursor_ = 0;

  types::Batch left_;
  bool have_left_ = false;
  size_t left_row_ = 0;
  size_t chunk_ = 0;
  std::vector<uint8_t> left_matched_;
  std::vector<uint8_t> left_unknown_;
};

}  // namespace strata::exec
