// Window: window functions over partitions of sorted rows.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "exec/memory_reservation.h"
#include "exec/operator.h"
#include "exec/row_compare.h"
#include "exec/sort.h"
#include "sql/function_registry.h"
#include "sql/logical_plan.h"

namespace strata::exec {

// One window function call. Arguments are input columns (the planner projects
// constants such as lag's offset into columns):
//   row_number, rank, dense_rank, percent_rank, cume_dist: none
//   ntile: (buckets) - read from the partition's first row
//   lag, lead: (value [, offset [, default]]) - offset 1 and default NULL when absent
//   first_value, last_value: (value); nth_value: (value, n)
//   aggregate: the function's arguments (no DISTINCT, FILTER or ORDER BY)
// `frame` applies to first/last/nth_value and aggregates.
struct WindowCall {
  sql::WindowFunctionKind kind = sql::WindowFunctionKind::kRowNumber;
  const sql::AggregateFunction* aggregate = nullptr;
  std::vector<int> arg_cols;
  sql::BoundWindowFrame frame;
  types::Type result_type;
};

// Output: the child's columns, then one column per call; rows ordered by (partition
// columns, order keys), as sorted internally with a spilling Sorter (stable).
//
// Frames: ROWS and GROUPS with UNBOUNDED / n PRECEDING / CURRENT ROW / n FOLLOWING;
// RANGE with UNBOUNDED and CURRENT ROW (peers). RANGE with an offset gives 0A000.
// Default frame (RANGE UNBOUNDED PRECEDING .. CURRENT ROW) includes the peers of the
// current row. Aggregates over frames that start at UNBOUNDED PRECEDING keep one
// running state (feeding each row once, finalizing per row: running sums and
// whole-partition aggregates are linear); other frames recompute per row from a
// fresh state (O(rows x frame)).
// Memory: the sort spills; one partition at a time is held in memory (counted, but
// never refused).
class Window final : public Operator {
 public:
  Window(OperatorPtr child, std::vector<int> partition_cols, std::vector<SortKey> order_keys,
         std::vector<WindowCall> calls);
  ~Window() override;
  std::string name() const override { return "Window"; }
  std::string detail() const override;
  Status open(ExecContext& ctx) override;
  void close() override;

 protected:
  Result<bool> next(types::Batch& out) override;

 private:
  Status process_partition();
  Status compute(const WindowCall& call, types::Vector& out);
  Status compute_aggregate(const WindowCall& call, types::Vector& out);
  // The frame [start, end) of row i for `call`.
  void frame_of(const WindowCall& call, size_t i, size_t* start, size_t* end) const;

  std::vector<types::Type> input_types_;
  std::vector<int> partition_cols_;
  std::vector<SortKey> order_keys_;
  std::vector<WindowCall> calls_;
  RowEquality same_partition_;
  RowComparator order_;
  std::unique_ptr<Sorter> sorter_;
  MemoryReservation memory_;
  bool sorted_ = false;
  bool input_done_ = false;

  types::Batch pending_;  // a sorted batch not yet consumed
  size_t pending_row_ = 0;
  types::Batch part_;     // the current partition
  // Per partition row: its peer group's [start, end) and index.
  std::vector<size_t> peer_start_;
  std::vector<size_t> peer_end_;
  std::vector<size_t> group_index_;
  std::vector<size_t> group_first_;  // first row of each peer group
  std::deque<types::Batch> ready_;
};

}  // namespace strata::exec
