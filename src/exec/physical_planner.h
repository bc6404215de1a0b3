// PhysicalPlanner: turns a LogicalPlan into a tree of Operators.
//
// What it decides: hash joins for equality conditions (keys computed by projections
// below the join), nested-loop joins otherwise; inner and cross joins of a FROM list
// are flattened, filters pushed to the lowest join that has their columns, and the
// join order chosen greedily so each join has an equality condition when one exists;
// ORDER BY with LIMIT becomes a top-N; aggregates, sorts and windows get their keys
// and arguments from a projection below them; simple comparisons of a scanned
// column with a constant go to the scan as zone predicates (row groups skipped by
// their min/max).
//
// Parallelism (when enabled): the largest maximal fragment that streams rows from
// one large splittable table scan through filters, projections and the probe
// sides of joins (inner, left, semi, anti; never right/full, whose unmatched build
// rows would repeat) is planned once per worker under a Gather. The copies share
// that scan's morsels; everything else in the fragment (join build sides) is
// computed by each copy. Fragments with subqueries stay on one thread (subquery
// results are cached per statement, not per thread), and so do tables under
// parallel_rows_min rows. Aggregates above a Gather get their argument projection
// computed inside the copies.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "columnar/table_store.h"
#include "columnar/zone_predicate.h"
#include "exec/operator.h"
#include "exec/table_storage.h"
#include "sql/logical_plan.h"

namespace strata::exec {

struct AggregateSpec;  // hash_aggregate.h

// What the planner tells a table scan beyond its kGet node.
struct ScanHints {
  std::vector<columnar::ZonePredicate> zone_predicates;  // column = table position
  std::shared_ptr<columnar::ScanMorsels> morsels;        // set: one parallel copy's share
  // The copy that also returns rows outside every morsel (a transaction's own
  // pending inserts). True for serial scans.
  bool first_copy = true;
};

// What the planner knows of a kGet's table before scanning it.
struct ScanInfo {
  uint64_t rows = 0;        // rows the scan will read (estimate)
  bool splittable = false;  // the scan honours ScanHints::morsels
};

class PhysicalPlanner {
 public:
  // `scan` opens a table's read view for a kGet node (the session supplies its
  // transaction's view of the table, own writes included).
  using ScanFactory = std::function<Result<OperatorPtr>(const sql::LogicalPlan& get, const ScanHints& hints)>;
  using ScanInfoFn = std::function<ScanInfo(const sql::LogicalPlan& get)>;

  // `params` are the statement's parameter values (for LIMIT $1); may be null.
  explicit PhysicalPlanner(ScanFactory scan, const std::vector<types::Value>* params = nullptr)
      : scan_(std::move(scan)), params_(params) {}

  // Table sizes for join order (the largest table of an inner join tree is probed,
  // not built) and, with workers >= 2, parallel fragments over tables of at least
  // parallel_rows_min rows.
  void set_scan_info(ScanInfoFn info, int workers, uint64_t parallel_rows_min) {
    info_ = std::move(info);
    workers_ = workers;
    parallel_rows_min_ = parallel_rows_min;
  }

  // The registry the final phase of a parallel (two-phase) aggregation resolves
  // its combining aggregates in (sum of counts, sum of sums, ...); without one,
  // aggregation runs on one thread above the Gather.
  void set_functions(const sql::FunctionRegistry* functions) { functions_ = functions; }

  Result<OperatorPtr> plan(const sql::LogicalPlan& plan);
  // Plans `node` with `make` instead of its own operator (COPY FROM's rows).
  void override_node(const sql::LogicalPlan* node, std::function<Result<OperatorPtr>()> make) {
    overrides_[node] = std::move(make);
  }

 private:
  // A tree of inner/cross joins (and an optional filter above it), reordered.
  Result<OperatorPtr> plan_inner_joins(const sql::LogicalPlan& root, const sql::BoundExpr* filter);
  Result<OperatorPtr> plan_join(const sql::LogicalPlan& join);
  Result<OperatorPtr> plan_aggregate(const sql::LogicalPlan& agg);
  Result<OperatorPtr> plan_window(const sql::LogicalPlan& win);
  Result<OperatorPtr> plan_sort(const sql::LogicalPlan& sort, int64_t limit, int64_t offset);
  // `node` under `filter` (may be null): a kGet gets the filter's zone predicates.
  Result<OperatorPtr> plan_filtered(const sql::LogicalPlan& node, sql::BoundExprPtr filter);
  // The scan a parallel fragment rooted at `node` would split, or null.
  const sql::LogicalPlan* parallel_scan_of(const sql::LogicalPlan& node);
  // `node` planned once per worker (each copy passed through `wrap`) under a
  // Gather, when it is a parallel fragment; else null.
  Result<OperatorPtr> plan_parallel(const sql::LogicalPlan& node,
                                    const std::function<Result<OperatorPtr>(OperatorPtr)>& wrap);
  uint64_t rows_of(const sql::LogicalPlan& node);

  // Two-phase parallel aggregation, or null when `a` does not qualify.
  Result<OperatorPtr> plan_parallel_aggregate(const sql::LogicalPlan& a, const std::vector<int>& group_cols,
                                              const std::vector<AggregateSpec>& specs,
                                              const std::function<Result<OperatorPtr>(OperatorPtr)>& project);

  ScanFactory scan_;
  const std::vector<types::Value>* params_;
  const sql::FunctionRegistry* functions_ = nullptr;
  ScanInfoFn info_;
  int workers_ = 1;
  uint64_t parallel_rows_min_ = 0;
  // While planning the copies of a parallel fragment.
  bool in_fragment_ = false;
  const sql::LogicalPlan* morsel_get_ = nullptr;
  std::shared_ptr<columnar::ScanMorsels> morsels_;
  bool first_copy_ = true;
  std::vector<columnar::ZonePredicate> pending_zone_;  // for the kGet being planned
  std::map<const sql::LogicalPlan*, std::function<Result<OperatorPtr>()>> overrides_;
};

// Renders an operator tree as EXPLAIN text, one line per operator; with `analyze`,
// each line adds the rows, batches and time measured while it ran.
std::string explain_operator_tree(const Operator& root, bool analyze);

}  // namespace strata::exec
