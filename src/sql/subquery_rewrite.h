// Subquery decorrelation: turns subqueries in WHERE/HAVING conjuncts into semi and
// anti joins, so they run as one hash join instead of once per outer row (correlated)
// or one comparison pass per subquery row (IN lists from a subquery).
//
// Rewritten, when the conjunct is a top-level AND term of a kFilter predicate:
//   [NOT] EXISTS (SELECT ... FROM x WHERE <inner> [AND a = outer.b ...])
//       -> semi (anti) join of the filter's input with Filter(<inner>, x)
//          ON a = b ...
//   expr IN (SELECT y FROM x [WHERE <inner> AND a = outer.b ...])
//       -> semi join ON expr = y AND a = b ...
//   expr NOT IN (SELECT y FROM x [WHERE <inner>])   (uncorrelated, one column)
//       -> null-aware anti join ON expr = y (NOT IN's NULL rules)
// Conditions: the subquery is [Project]* over an optional Filter over a plan `x`
// that reads no outer row and holds no subquery; every conjunct of that Filter
// reading the outer row is an equality between an expression of outer columns
// (depth 1) and one of x's columns. Anything else keeps the subquery expression.
//
// Semantics kept: a semi join never matches on NULL keys, which is what EXISTS
// and IN give for a conjunct of WHERE (NULL and FALSE both drop the row); NOT
// EXISTS keeps rows without a match, NULL keys included; NOT IN uses the join's
// null-aware mode.
#pragma once

#include <functional>

#include "sql/logical_plan.h"

namespace strata::sql {

// Calls f on every expression tree node `p` holds itself (predicate, projections,
// groups, aggregate and window arguments, sort keys, VALUES rows, LIMIT, DML
// expressions); not its children's, not inside subquery plans.
void for_each_node_expression(const LogicalPlan& p, const std::function<void(const BoundExpr&)>& f);

// Moves the terms of a tree of ANDs into `out` (a non-AND expression is one term).
void split_and(BoundExprPtr e, std::vector<BoundExprPtr>& out);
// The AND of `terms`: null for none, the term itself for one.
BoundExprPtr and_of(std::vector<BoundExprPtr> terms);

// Rewrites `root` and every plan below it (subquery plans included) in place.
void decorrelate_subqueries(LogicalPlan& root);

}  // namespace strata::sql
