// Table functions in FROM (sql::LogicalKind::kTableFunction): generate_series and
// unnest. The arguments are evaluated once when the scan starts (they may read
// parameters and enclosing queries' rows), then rows are produced kBatchRows at a
// time, so a long series never materialises.
#pragma once

#include "exec/operator.h"
#include "sql/logical_plan.h"

namespace strata::exec {

// REQUIRES: p.kind == kTableFunction, as the binder builds it (generate_series over
// integer arguments of the output type, or unnest over one array of it).
OperatorPtr make_table_function_scan(const sql::LogicalPlan& p);

}  // namespace strata::exec
