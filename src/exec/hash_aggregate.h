// HashAggregate: GROUP BY with aggregate functions (sql::AggregateFunction states).
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "exec/operator.h"
#include "exec/row_compare.h"
#include "exec/spill_file.h"
#include "sql/function_registry.h"
#include "types/value.h"

namespace strata::exec {

// One aggregate call over input columns.
struct AggregateSpec {
  const sql::AggregateFunction* function = nullptr;
  // The per-row arguments (count(*): none).
  std::vector<int> arg_cols;
  // agg(DISTINCT args): each (group, argument values) counts once.
  bool distinct = false;
  // FILTER (WHERE ...): a boolean column; only TRUE rows count. -1: none.
  int filter_col = -1;
  // ORDER BY inside the call / WITHIN GROUP: the rows of each group are fed sorted by
  // these input columns (stable: ties keep input order).
  std::vector<SortKey> order_by;
  // Values of the function's `direct_args` leading arguments (percentile fractions),
  // passed to update() as constant vectors before the per-row arguments.
  std::vector<types::Value> direct_args;
  types::Type result_type;
};

// Output: the group columns (in `group_cols` order) then one column per aggregate.
// Without group columns exactly one row, also for empty input (count = 0, sum NULL).
// NULL group keys form one group. Output order is not defined (first-seen order when
// nothing spilled).
//
// Per batch: hash the keys once, find or insert every row's group, then call each
// aggregate's update() once with a states[] array (rows of a FILTER or strict NULL
// argument are left out first). DISTINCT aggregates pass (group, args) through a
// second hash table and feed only first occurrences; ordered aggregates collect
// (group, args, order keys) in a spilling Sorter and are fed in order at the end.
//
// Spilling (hybrid hash aggregation): when the MemoryBudget refuses the table's
// growth, groups already in the table keep aggregating in memory and rows of every
// other key go, whole, to one of 16 spill files chosen by the next 4 hash bits. Each
// group therefore lives entirely in memory or entirely in one file. After the input
// ends, the in-memory groups are emitted and each file is aggregated the same way
// (re-partitioning with the next bits if it does not fit either), so no combine()
// is needed. Below 15 levels deep spilling stops and the budget is exceeded.
// Not counted in the budget: memory that aggregate states allocate themselves
// (string_agg buffers) and DISTINCT tables of groups already in memory.
class HashAggregate final : public Operator {
 public:
  HashAggregate(OperatorPtr child, std::vector<int> group_cols, std::vector<AggregateSpec> aggregates);
  ~HashAggregate() override;
  std::string name() const override { return "HashAggregate"; }
  std::string detail() const override;
  Status open(ExecContext& ctx) override;
  void close() override;

  class Pass;  // one hash table over the input or one spilled partition

 protected:
  Result<bool> next(types::Batch& out) override;

 private:
  friend class Pass;
  Status start_pass(std::unique_ptr<SpillFile> input, int level);

  std::vector<types::Type> input_types_;
  std::vector<int> group_cols_;
  std::vector<AggregateSpec> aggregates_;
  std::unique_ptr<Pass> pass_;
  struct Pending {
    std::unique_ptr<SpillFile> file;
    int level;
  };
  std::deque<Pending> pending_;
  bool started_ = false;
};

}  // namespace strata::exec
