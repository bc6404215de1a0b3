// Column pruning: narrows every table scan (kGet) to the columns the query reads,
// and drops projections and aggregates nobody above reads, so a query touching 3
// of a table's 17 columns decodes 3 columns from disk, not 17.
//
// Contract: the root's output columns are unchanged (same count, order, types,
// names). Below the root a node's output may lose columns; every expression that
// read a node's output is renumbered. Kept unchanged (all columns required):
//   - the input of a node whose own expressions hold a subquery, since a correlated
//     subquery reads that input row by position (kOuterRef);
//   - a node that appears more than once in the tree (a CTE read twice);
//   - the inputs of DISTINCT, set operations and DML statements;
//   - expressions calling volatile functions (nextval, random) are never dropped.
// No node is left with zero output columns: a scan of no columns keeps one, since
// a batch's row count lives in its columns.
#pragma once

#include "sql/logical_plan.h"

namespace strata::sql {

// Rewrites `root` and every subquery plan below it in place. Run after
// decorrelate_subqueries (which can turn subqueries into joins).
void prune_columns(LogicalPlan& root);

}  // namespace strata::sql
