#include "exec/basic_operators.h"

#include <map>

namespace strata::exec {

using types::Batch;
using types::Type;
using types::Vector;

namespace {

std::vector<Type> types_of(const std::vector<sql::BoundExprPtr>& exprs) {
  std::vector<Type> t;
  for (const auto& e : exprs) t.push_back(e->type);
  return t;
}

}  // namespace

Filter::Filter(OperatorPtr child, sql::BoundExprPtr predicate)
    : Operator(child->output_types()), predicate_(std::move(predicate)) {
  add_child(std::move(child));
}

Result<bool> Filter::next(Batch& out) {
  Batch in;
  while (true) {
    STRATA_RETURN_IF_ERROR(ctx().check_cancel());
    STRATA_ASSIGN_OR_RETURN(bool more, child(0).pull(in));
    if (!more) {
      out = Batch(output_types());
      return false;
    }
    Vector keep(Type::boolean());
    STRATA_RETURN_IF_ERROR(evaluate_expression(ctx(), *predicate_, in, keep));
    std::vector<uint32_t> rows;
    rows.reserve(in.rows);
    const uint8_t* v = keep.data<uint8_t>();
    const uint8_t* nulls = keep.nulls();
    for (size_t i = 0; i < in.rows; ++i) {
      if (v[i] && !nulls[i]) rows.push_back(static_cast<uint32_t>(i));
    }
    if (rows.empty()) continue;
    if (rows.size() == in.rows) {
      out = std::move(in);
      return true;
    }
    out = Batch(output_types());
    out.append_selected(in, rows.data(), rows.size());
    return true;
  }
}

Project::Project(OperatorPtr child, std::vector<sql::BoundExprPtr> exprs)
    : Operator(types_of(exprs)), exprs_(std::move(exprs)), moves_(exprs_.size(), -1) {
  add_child(std::move(child));
  std::map<int32_t, int> bare;
  for (const auto& e : exprs_) {
    if (e->kind == sql::BoundExprKind::kColumnRef) ++bare[e->column];
  }
  for (size_t i = 0; i < exprs_.size(); ++i) {
    const auto& e = *exprs_[i];
    if (e.kind == sql::BoundExprKind::kColumnRef && e.column >= 0 && bare[e.column] == 1) moves_[i] = e.column;
  }
}

std::string Project::detail() const {
  std::string s;
  for (size_t i = 0; i < exprs_.size(); ++i) {
    if (i) s += ", ";
    s += exprs_[i]->to_string();
  }
  return s;
}

Result<bool> Project::next(Batch& out) {
  Batch in;
  STRATA_RETURN_IF_ERROR(ctx().check_cancel());
  STRATA_ASSIGN_OR_RETURN(bool more, child(0).pull(in));
  out = Batch();
  if (!more) {
    out = Batch(output_types());
    return false;
  }
  out.columns.resize(exprs_.size());
  auto movable = [&](size_t i) {
    int32_t c = moves_[i];
    return c >= 0 && static_cast<size_t>(c) < in.columns.size() &&
           in.columns[static_cast<size_t>(c)].type() == exprs_[i]->type &&
           in.columns[static_cast<size_t>(c)].size() == in.rows;
  };
  // Expressions first (they may read any input column), then the moves.
  for (size_t i = 0; i < exprs_.size(); ++i) {
    if (movable(i)) continue;
    out.columns[i] = Vector(exprs_[i]->type);
    STRATA_RETURN_IF_ERROR(evaluate_expression(ctx(), *exprs_[i], in, out.columns[i]));
  }
  for (size_t i = 0; i < exprs_.size(); ++i) {
    if (movable(i)) out.columns[i] = std::move(in.columns[static_cast<size_t>(moves_[i])]);
  }
  out.rows = in.rows;
  return true;
}

ValuesScan::ValuesScan(std::vector<Type> types, std::vector<std::vector<sql::BoundExprPtr>> rows)
    : Operator(std::move(types)), rows_(std::move(rows)) {}

Result<bool> ValuesScan::next(Batch& out) {
  out = Batch(output_types());
  if (next_row_ >= rows_.size()) return false;
  size_t end = std::min(rows_.size(), next_row_ + types::kBatchRows);
  Batch one;
  one.rows = 1;
  for (; next_row_ < end; ++next_row_) {
    const auto& row = rows_[next_row_];
    for (size_t c = 0; c < row.size(); ++c) {
      Vector v(row[c]->type);
      STRATA_RETURN_IF_ERROR(evaluate_expression(ctx(), *row[c], one, v));
      out.columns[c].append_rows(v, 0, 1);
    }
    ++out.rows;
  }
  return true;
}

Result<bool> BatchFunctionSource::next(Batch& out) {
  if (done_) {
    out = Batch(output_types());
    return false;
  }
  while (true) {
    STRATA_RETURN_IF_ERROR(ctx().check_cancel());
    out = Batch(output_types());
    STRATA_ASSIGN_OR_RETURN(bool more, produce_(ctx(), out));
    if (!more) {
      done_ = true;
      out = Batch(output_types());
      return false;
    }
    if (out.rows > 0) return true;
  }
}

}  // namespace strata::exec
