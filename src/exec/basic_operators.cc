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

namespace {

using Comparison = Filter::Comparison;

// A type compared natively by Filter: one int16/int32/int64 slot per value whose
// order is the SQL order.
bool natively_comparable(const Type& t) {
  switch (t.id()) {
    case types::TypeId::kSmallInt:
    case types::TypeId::kInteger:
    case types::TypeId::kBigInt:
    case types::TypeId::kDate:
    case types::TypeId::kTime:
    case types::TypeId::kTimestamp:
    case types::TypeId::kTimestampTz:
      return true;
    default:
      return false;
  }
}

bool comparison_op(const std::string& name, Comparison::Op* op) {
  static const std::map<std::string, Comparison::Op> kOps = {
      {"=", Comparison::Op::kEq},  {"<>", Comparison::Op::kNe}, {"<", Comparison::Op::kLt},
      {"<=", Comparison::Op::kLe}, {">", Comparison::Op::kGt},  {">=", Comparison::Op::kGe}};
  auto it = kOps.find(name);
  if (it == kOps.end()) return false;
  *op = it->second;
  return true;
}

// `constant op column` is `column flipped(op) constant`.
Comparison::Op flipped(Comparison::Op op) {
  switch (op) {
    case Comparison::Op::kLt:
      return Comparison::Op::kGt;
    case Comparison::Op::kLe:
      return Comparison::Op::kGe;
    case Comparison::Op::kGt:
      return Comparison::Op::kLt;
    case Comparison::Op::kGe:
      return Comparison::Op::kLe;
    default:
      return op;
  }
}

// Recognises `column op constant` (either order); see Filter's contract.
bool as_comparison(const sql::BoundExpr& e, const std::vector<Type>& input, Comparison* out) {
  if (e.kind != sql::BoundExprKind::kFunction || e.function == nullptr || e.children.size() != 2) return false;
  Comparison::Op op;
  if (!comparison_op(e.function->name, &op)) return false;
  const sql::BoundExpr* col = e.children[0].get();
  const sql::BoundExpr* con = e.children[1].get();
  if (col->kind != sql::BoundExprKind::kColumnRef) {
    std::swap(col, con);
    op = flipped(op);
  }
  if (col->kind != sql::BoundExprKind::kColumnRef || con->kind != sql::BoundExprKind::kConstant) return false;
  if (col->column < 0 || static_cast<size_t>(col->column) >= input.size()) return false;
  const Type& t = input[static_cast<size_t>(col->column)];
  if (!natively_comparable(t) || col->type != t || con->value.is_null()) return false;
  const Type& ct = con->value.type();
  if (!(ct == t || (t.is_integer() && ct.is_integer()))) return false;
  out->column = col->column;
  out->op = op;
  out->constant = con->value.as_int();
  return true;
}

void split_and_terms(const sql::BoundExpr& e, std::vector<const sql::BoundExpr*>& out) {
  if (e.kind == sql::BoundExprKind::kAnd) {
    for (const auto& c : e.children) split_and_terms(*c, out);
    return;
  }
  out.push_back(&e);
}

// Keeps the rows of sel[0, n) whose value passes; returns how many are kept.
template <typename T, typename Pass>
size_t narrow(const T* data, const uint8_t* nulls, uint32_t* sel, size_t n, Pass pass) {
  size_t kept = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t r = sel[i];
    sel[kept] = r;
    kept += static_cast<size_t>(nulls[r] == 0 && pass(static_cast<int64_t>(data[r])));
  }
  return kept;
}

template <typename T>
size_t narrow_op(const T* data, const uint8_t* nulls, uint32_t* sel, size_t n, Comparison::Op op, int64_t c) {
  switch (op) {
    case Comparison::Op::kEq:
      return narrow(data, nulls, sel, n, [c](int64_t v) { return v == c; });
    case Comparison::Op::kNe:
      return narrow(data, nulls, sel, n, [c](int64_t v) { return v != c; });
    case Comparison::Op::kLt:
      return narrow(data, nulls, sel, n, [c](int64_t v) { return v < c; });
    case Comparison::Op::kLe:
      return narrow(data, nulls, sel, n, [c](int64_t v) { return v <= c; });
    case Comparison::Op::kGt:
      return narrow(data, nulls, sel, n, [c](int64_t v) { return v > c; });
    case Comparison::Op::kGe:
      return narrow(data, nulls, sel, n, [c](int64_t v) { return v >= c; });
  }
  return 0;
}

size_t narrow_by(const Vector& v, const Comparison& c, uint32_t* sel, size_t n) {
  switch (v.type().physical_size()) {
    case 2:
      return narrow_op(v.data<int16_t>(), v.nulls(), sel, n, c.op, c.constant);
    case 4:
      return narrow_op(v.data<int32_t>(), v.nulls(), sel, n, c.op, c.constant);
    default:
      return narrow_op(v.data<int64_t>(), v.nulls(), sel, n, c.op, c.constant);
  }
}

}  // namespace

Filter::Filter(OperatorPtr child, sql::BoundExprPtr predicate)
    : Operator(child->output_types()), predicate_(std::move(predicate)) {
  std::vector<const sql::BoundExpr*> terms;
  split_and_terms(*predicate_, terms);
  std::vector<sql::BoundExprPtr> rest;
  for (const sql::BoundExpr* t : terms) {
    Comparison c;
    if (as_comparison(*t, child->output_types(), &c)) {
      comparisons_.push_back(c);
    } else {
      rest.push_back(t->clone());
    }
  }
  if (rest.size() == 1) {
    rest_ = std::move(rest[0]);
  } else if (!rest.empty()) {
    rest_ = std::make_unique<sql::BoundExpr>();
    rest_->kind = sql::BoundExprKind::kAnd;
    rest_->type = Type::boolean();
    rest_->children = std::move(rest);
  }
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
    // Native comparisons narrow the selection; the rest run over what is left.
    selected_.resize(in.rows);
    size_t n = in.rows;
    if (!comparisons_.empty()) {
      for (size_t i = 0; i < in.rows; ++i) selected_[i] = static_cast<uint32_t>(i);
    }
    for (const Comparison& c : comparisons_) {
      if (n == 0) break;
      n = narrow_by(in.columns[static_cast<size_t>(c.column)], c, selected_.data(), n);
    }
    if (n == 0) continue;
    if (rest_) {
      if (n < in.rows) {
        Batch narrowed(output_types());
        narrowed.append_selected(in, selected_.data(), n);
        in = std::move(narrowed);
      }
      Vector keep(Type::boolean());
      STRATA_RETURN_IF_ERROR(evaluate_expression(ctx(), *rest_, in, keep));
      const uint8_t* v = keep.data<uint8_t>();
      const uint8_t* nulls = keep.nulls();
      n = 0;
      for (size_t i = 0; i < in.rows; ++i) {
        selected_[n] = static_cast<uint32_t>(i);
        n += static_cast<size_t>(v[i] != 0 && nulls[i] == 0);
      }
      if (n == 0) continue;
    }
    if (n == in.rows) {
      out = std::move(in);
      return true;
    }
    out = Batch(output_types());
    out.append_selected(in, selected_.data(), n);
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
