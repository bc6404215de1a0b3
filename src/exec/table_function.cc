#include "exec/table_function.h"

#include <memory>

#include "exec/basic_operators.h"
#include "exec/expression.h"
#include "types/array.h"
#include "types/cast.h"

namespace strata::exec {

using types::Batch;
using types::Type;
using types::Value;
using types::Vector;

namespace {

struct ScanState {
  bool started = false;
  bool done = false;
  // generate_series
  int64_t next = 0, stop = 0, step = 1;
  // unnest
  types::ArrayElements items;
  size_t item = 0;
};

Result<std::vector<Value>> evaluate_args(ExecContext& ctx, const std::vector<sql::BoundExprPtr>& exprs) {
  Batch one;
  one.rows = 1;
  std::vector<Value> out;
  for (const auto& e : exprs) {
    Vector v(e->type);
    STRATA_RETURN_IF_ERROR(evaluate_expression(ctx, *e, one, v));
    out.push_back(v.get_value(0));
  }
  return out;
}

}  // namespace

OperatorPtr make_table_function_scan(const sql::LogicalPlan& p) {
  std::vector<sql::BoundExprPtr> exprs;
  std::string detail;
  for (const auto& e : p.exprs) {
    detail += (detail.empty() ? "" : ", ") + e->to_string();
    exprs.push_back(e->clone());
  }
  const Type type = p.types[0];
  const bool series = p.table_function == "generate_series";
  auto state = std::make_shared<ScanState>();
  auto args = std::make_shared<std::vector<sql::BoundExprPtr>>(std::move(exprs));
  auto produce = [state, args, type, series](ExecContext& ctx, Batch& out) -> Result<bool> {
    if (!state->started) {
      state->started = true;
      STRATA_ASSIGN_OR_RETURN(std::vector<Value> v, evaluate_args(ctx, *args));
      for (const Value& a : v) state->done |= a.is_null();  // strict: NULL argument, no rows
      if (!state->done && series) {
        state->next = v[0].as_int();
        state->stop = v[1].as_int();
        state->step = v.size() > 2 ? v[2].as_int() : 1;
        if (state->step == 0) return Status::sql("22023", "step size cannot equal zero");
      } else if (!state->done) {
        STRATA_ASSIGN_OR_RETURN(state->items, types::parse_array_text(v[0].as_string()));
      }
    }
    if (state->done) return false;
    Vector& col = out.columns[0];
    size_t rows = 0;
    if (series) {
      while (rows < types::kBatchRows && (state->step > 0 ? state->next <= state->stop : state->next >= state->stop)) {
        col.append_value(Value::of_int(type, state->next));
        ++rows;
        if (__builtin_add_overflow(state->next, state->step, &state->next)) {
          state->done = true;
          break;
        }
      }
      if (rows == 0) state->done = true;
    } else {
      while (rows < types::kBatchRows && state->item < state->items.size()) {
        const auto& item = state->items[state->item++];
        if (!item) {
          col.append_value(Value::null(type));
        } else {
          STRATA_ASSIGN_OR_RETURN(Value v, types::parse_value(*item, type));
          col.append_value(v);
        }
        ++rows;
      }
      if (state->item >= state->items.size()) state->done = rows == 0;
    }
    out.rows = rows;
    return rows > 0;
  };
  return std::make_unique<BatchFunctionSource>(p.types, "Function Scan", p.table_function + "(" + detail + ")",
                                               std::move(produce));
}

}  // namespace strata::exec
