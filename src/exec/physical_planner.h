// PhysicalPlanner: turns a LogicalPlan into a tree of Operators.
//
// What it decides: hash joins for equality conditions (keys computed by projections
// below the join), nested-loop joins otherwise; inner and cross joins of a FROM list
// are flattened, filters pushed to the lowest join that has their columns, and the
// join order chosen greedily so each join has an equality condition when one exists;
// ORDER BY with LIMIT becomes a top-N; aggregates, sorts and windows get their keys
// and arguments from a projection below them.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "exec/operator.h"
#include "exec/table_storage.h"
#include "sql/logical_plan.h"

namespace strata::exec {

class PhysicalPlanner {
 public:
  // `scan` opens a table's read view for a kGet node (the session supplies its
  // transaction's view of the table, own writes included).
  using ScanFactory = std::function<Result<OperatorPtr>(const sql::LogicalPlan& get)>;

  // `params` are the statement's parameter values (for LIMIT $1); may be null.
  explicit PhysicalPlanner(ScanFactory scan, const std::vector<types::Value>* params = nullptr)
      : scan_(std::move(scan)), params_(params) {}

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

  ScanFactory scan_;
  const std::vector<types::Value>* params_;
  std::map<const sql::LogicalPlan*, std::function<Result<OperatorPtr>()>> overrides_;
};

// Renders an operator tree as EXPLAIN text, one line per operator; with `analyze`,
// each line adds the rows, batches and time measured while it ran.
std::string explain_operator_tree(const Operator& root, bool analyze);

}  // namespace strata::exec
