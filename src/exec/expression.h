// Vectorized evaluation of bound expressions (sql/logical_plan.h) over batches.
//
// Semantics: SQL's three-valued logic for AND/OR/NOT; strict functions give NULL for
// any NULL argument; CASE and COALESCE evaluate a branch only on the rows that reach
// it (so `CASE WHEN b = 0 THEN 0 ELSE a / b END` never divides by zero); subqueries
// run through ExecContext::run_subquery, once per statement when uncorrelated and
// once per row when correlated (the row is pushed on ExecContext::outer_rows).
#pragma once

#include <memory>
#include <string>

#include "exec/operator.h"
#include "sql/logical_plan.h"

namespace strata::exec {

// Wraps a bound expression as a BatchExpression. The expression is cloned.
BatchExpressionPtr compile_expression(const sql::BoundExpr& expr);

// Evaluates `expr` over `input` into `out` (resized to input.rows).
Status evaluate_expression(ExecContext& ctx, const sql::BoundExpr& expr, const types::Batch& input,
                           types::Vector& out);

// Evaluates an expression that reads no columns (VALUES items, LIMIT parameters).
Result<types::Value> evaluate_scalar(ExecContext& ctx, const sql::BoundExpr& expr);

}  // namespace strata::exec
