// Filter pushdown: moves the conditions of a WHERE over a tree of inner and cross
// joins that read one join input only down onto that input, as a Filter directly
// above it. Column pruning then narrows that input to the columns still needed
// above the join (a column read only by such a condition, like s_region in
// `... AND s_region = 'ASIA'`, no longer flows through the joins), and the physical
// planner sees each input with its own conditions already attached.
//
// Contract: the plan computes the same rows. Moved: conjuncts that read columns of
// exactly one join input and hold no subquery, no outer reference and no volatile
// function (those stay where they are). A Filter left without conditions is removed
// from its parent (at the root it keeps the condition TRUE). Subquery plans are
// rewritten too.
#pragma once

#include "sql/logical_plan.h"

namespace strata::sql {

// Rewrites `root` in place. Run after decorrelate_subqueries and before
// prune_columns.
void push_down_filters(LogicalPlan& root);

}  // namespace strata::sql
