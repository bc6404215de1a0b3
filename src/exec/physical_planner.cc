#include "exec/physical_planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "exec/basic_operators.h"
#include "exec/distinct.h"
#include "exec/expression.h"
#include "exec/gather.h"
#include "exec/hash_aggregate.h"
#include "exec/hash_join.h"
#include "exec/limit.h"
#include "exec/set_operation.h"
#include "exec/sort.h"
#include "exec/table_function.h"
#include "exec/union_all.h"
#include "exec/window.h"
#include "sql/subquery_rewrite.h"

namespace strata::exec {

using sql::BoundExpr;
using sql::BoundExprKind;
using sql::BoundExprPtr;
using sql::LogicalKind;
using sql::LogicalPlan;
using types::Type;

namespace {

// A join without equality keys: both sides get a constant key column, so every
// probe row meets every build row (a nested loop through one hash bucket); the
// condition is the residual. Output: left columns then right columns.
OperatorPtr nested_loop_join(OperatorPtr left, OperatorPtr right, JoinKind kind, BatchExpressionPtr condition);

// Calls f on every column reference of this query level (not inside subquery plans).
template <class F>
void for_each_column(const BoundExpr& e, F&& f) {
  if (e.kind == BoundExprKind::kColumnRef) f(e.column);
  for (const auto& c : e.children) for_each_column(*c, f);
}

bool has_correlated_subquery(const BoundExpr& e) {
  if (e.kind == BoundExprKind::kSubquery && e.correlated) return true;
  for (const auto& c : e.children) {
    if (has_correlated_subquery(*c)) return true;
  }
  return false;
}

// A copy of `e` with column references renumbered through `map` (old -> new).
BoundExprPtr remap(const BoundExpr& e, const std::vector<int32_t>& map) {
  BoundExprPtr c = e.clone();
  auto walk = [&](BoundExpr& x, auto&& self) -> void {
    if (x.kind == BoundExprKind::kColumnRef) x.column = map[static_cast<size_t>(x.column)];
    for (auto& ch : x.children) self(*ch, self);
  };
  walk(*c, walk);
  return c;
}

void split_conjuncts(const BoundExpr& e, std::vector<BoundExprPtr>& out) {
  if (e.kind == BoundExprKind::kAnd) {
    for (const auto& c : e.children) split_conjuncts(*c, out);
    return;
  }
  out.push_back(e.clone());
}

BoundExprPtr and_all(std::vector<BoundExprPtr> conj) {
  if (conj.empty()) return nullptr;
  if (conj.size() == 1) return std::move(conj[0]);
  auto a = std::make_unique<BoundExpr>();
  a->kind = BoundExprKind::kAnd;
  a->type = Type::boolean();
  a->children = std::move(conj);
  return a;
}

std::vector<BoundExprPtr> column_refs(const std::vector<Type>& types, size_t count) {
  std::vector<BoundExprPtr> v;
  for (size_t i = 0; i < count; ++i) v.push_back(sql::make_column_ref(static_cast<int32_t>(i), types[i]));
  return v;
}

// Wraps `op` in a projection that appends `extra` expressions after its columns.
OperatorPtr append_columns(OperatorPtr op, std::vector<BoundExprPtr> extra) {
  if (extra.empty()) return op;
  std::vector<Type> types = op->output_types();
  std::vector<BoundExprPtr> exprs = column_refs(types, types.size());
  for (auto& e : extra) exprs.push_back(std::move(e));
  return std::make_unique<Project>(std::move(op), std::move(exprs));
}

// Keeps the listed columns of `op`.
OperatorPtr keep_columns(OperatorPtr op, const std::vector<int32_t>& cols) {
  const std::vector<Type>& types = op->output_types();
  bool identity = cols.size() == types.size();
  for (size_t i = 0; identity && i < cols.size(); ++i) identity = cols[i] == static_cast<int32_t>(i);
  if (identity) return op;
  std::vector<BoundExprPtr> exprs;
  for (int32_t c : cols) exprs.push_back(sql::make_column_ref(c, types[static_cast<size_t>(c)]));
  return std::make_unique<Project>(std::move(op), std::move(exprs));
}

JoinKind join_kind_of(sql::LogicalJoinKind k) {
  switch (k) {
    case sql::LogicalJoinKind::kLeft:
      return JoinKind::kLeft;
    case sql::LogicalJoinKind::kRight:
      return JoinKind::kRight;
    case sql::LogicalJoinKind::kFull:
      return JoinKind::kFull;
    case sql::LogicalJoinKind::kSemi:
      return JoinKind::kSemi;
    case sql::LogicalJoinKind::kAnti:
      return JoinKind::kAnti;
    default:
      return JoinKind::kInner;
  }
}

// An equality usable as a hash key between column sets: `=` whose two sides read
// disjoint sides. Sets `left_side` to the side reading only `left` columns.
// The fraction of rows a condition is guessed to keep, from its shape alone (the
// textbook defaults: equality 1/10, one-sided range 1/2, pattern 1/4).
double guess_kept(const BoundExpr& e) {
  switch (e.kind) {
    case BoundExprKind::kAnd: {
      double f = 1.0;
      for (const auto& c : e.children) f *= guess_kept(*c);
      return f;
    }
    case BoundExprKind::kOr: {
      double f = 0.0;
      for (const auto& c : e.children) f += guess_kept(*c);
      return std::min(1.0, f);
    }
    case BoundExprKind::kNot:
      return 1.0 - guess_kept(*e.children[0]);
    case BoundExprKind::kInList: {
      double f = std::min(1.0, 0.1 * static_cast<double>(e.children.size() - 1));
      return e.negated ? 1.0 - f : f;
    }
    case BoundExprKind::kIsNull:
      return 0.1;
    case BoundExprKind::kIsNotNull:
      return 0.9;
    case BoundExprKind::kFunction: {
      if (e.function == nullptr) return 0.5;
      const std::string& n = e.function->name;
      if (n == "=") return 0.1;
      if (n == "<>") return 0.9;
      if (n == "~~" || n == "~~*" || n == "~") return 0.25;
      if (n == "!~~" || n == "!~~*" || n == "!~") return 0.75;
      return 0.5;
    }
    default:
      return 0.5;
  }
}

bool equi_key(const BoundExpr& e, const std::function<int(int32_t)>& side, int* left_child) {
  if (e.kind != BoundExprKind::kFunction || e.function == nullptr || e.function->name != "=" ||
      e.children.size() != 2) {
    return false;
  }
  if (e.has_volatile()) return false;
  auto sides = [&](const BoundExpr& x) {
    int mask = 0;
    for_each_column(x, [&](int32_t c) { mask |= side(c); });
    return mask;
  };
  int a = sides(*e.children[0]);
  int b = sides(*e.children[1]);
  if (a == 1 && b == 2) {
    *left_child = 0;
    return true;
  }
  if (a == 2 && b == 1) {
    *left_child = 1;
    return true;
  }
  return false;
}

OperatorPtr nested_loop_join(OperatorPtr left, OperatorPtr right, JoinKind kind, BatchExpressionPtr condition) {
  int lw = static_cast<int>(left->output_types().size());
  int rw = static_cast<int>(right->output_types().size());
  std::vector<BoundExprPtr> one_l, one_r;
  one_l.push_back(sql::make_constant(types::Value::integer(1)));
  one_r.push_back(sql::make_constant(types::Value::integer(1)));
  left = append_columns(std::move(left), std::move(one_l));
  right = append_columns(std::move(right), std::move(one_r));
  // The residual was written over (left ++ right); the key columns shift the right side.
  BatchExpressionPtr residual;
  if (condition) {
    residual = std::move(condition);
  }
  OperatorPtr join = std::make_unique<HashJoin>(std::move(left), std::move(right), std::vector<int>{lw},
                                                std::vector<int>{rw}, kind, std::move(residual), false);
  std::vector<int32_t> keep;
  for (int c = 0; c < lw; ++c) keep.push_back(c);
  if (kind != JoinKind::kSemi && kind != JoinKind::kAnti) {
    for (int c = 0; c < rw; ++c) keep.push_back(lw + 1 + c);
  }
  return keep_columns(std::move(join), keep);
}

// True when `e` (not looking into subquery plans) holds a subquery.
bool has_subquery(const BoundExpr& e) {
  if (e.kind == BoundExprKind::kSubquery) return true;
  for (const auto& c : e.children) {
    if (has_subquery(*c)) return true;
  }
  return false;
}

// True when any expression of the plan tree holds a subquery.
bool plan_has_subquery(const LogicalPlan& p) {
  bool found = false;
  sql::for_each_node_expression(p, [&](const BoundExpr& e) { found = found || has_subquery(e); });
  if (found) return true;
  for (const auto& c : p.children) {
    if (plan_has_subquery(*c)) return true;
  }
  return false;
}

// How many times `target` appears in the tree of `p` (a node may be shared).
size_t occurrences(const LogicalPlan& p, const LogicalPlan* target) {
  size_t n = &p == target ? 1 : 0;
  for (const auto& c : p.children) n += occurrences(*c, target);
  return n;
}

bool is_inner_join(const LogicalPlan& p) {
  return p.kind == LogicalKind::kJoin &&
         (p.join_kind == sql::LogicalJoinKind::kInner || p.join_kind == sql::LogicalJoinKind::kCross);
}

// The leaves of a tree of inner/cross joins, left to right.
void inner_join_leaves(const LogicalPlan& p, std::vector<const LogicalPlan*>& out) {
  if (is_inner_join(p)) {
    inner_join_leaves(*p.children[0], out);
    inner_join_leaves(*p.children[1], out);
    return;
  }
  out.push_back(&p);
}

// A type whose values widen exactly to `to` (zone maps of the narrow column still bound it).
bool widens_exactly(const Type& from, const Type& to) {
  return from.is_integer() &&
         (to.is_integer() || to.id() == types::TypeId::kNumeric || to.id() == types::TypeId::kDouble);
}

// The zone predicates implied by the conjuncts of `filter` over the output of `get`:
// `column op constant` (either order) with =, <, <=, >, >=, and IS [NOT] NULL.
std::vector<columnar::ZonePredicate> zone_predicates_of(const BoundExpr& filter, const LogicalPlan& get) {
  std::vector<BoundExprPtr> conj;
  split_conjuncts(filter, conj);
  std::vector<columnar::ZonePredicate> out;
  auto table_column = [&](const BoundExpr& e) -> int32_t {
    const BoundExpr* x = &e;
    if (x->kind == BoundExprKind::kCast && !x->children.empty() && widens_exactly(x->children[0]->type, x->type)) {
      x = x->children[0].get();
    }
    if (x->kind != BoundExprKind::kColumnRef || x->column < 0 || static_cast<size_t>(x->column) >= get.columns.size()) {
      return -1;
    }
    const Type& t = x->type;
    if (!(t.is_numeric() || t.is_temporal() || t.id() == types::TypeId::kText || t.id() == types::TypeId::kVarchar)) {
      return -1;
    }
    return get.columns[static_cast<size_t>(x->column)];
  };
  for (const auto& c : conj) {
    if (c->kind == BoundExprKind::kIsNull || c->kind == BoundExprKind::kIsNotNull) {
      int32_t col = table_column(*c->children[0]);
      if (col < 0) continue;
      columnar::ZonePredicate z;
      z.column = static_cast<uint32_t>(col);
      z.op = c->kind == BoundExprKind::kIsNull ? columnar::CompareOp::kIsNull : columnar::CompareOp::kIsNotNull;
      out.push_back(std::move(z));
      continue;
    }
    if (c->kind != BoundExprKind::kFunction || c->function == nullptr || c->children.size() != 2) continue;
    const std::string& f = c->function->name;
    columnar::CompareOp op;
    if (f == "=") {
      op = columnar::CompareOp::kEq;
    } else if (f == "<") {
      op = columnar::CompareOp::kLt;
    } else if (f == "<=") {
      op = columnar::CompareOp::kLe;
    } else if (f == ">") {
      op = columnar::CompareOp::kGt;
    } else if (f == ">=") {
      op = columnar::CompareOp::kGe;
    } else {
      continue;
    }
    int side = -1;
    int32_t col = -1;
    for (int i = 0; i < 2 && side < 0; ++i) {
      const BoundExpr& other = *c->children[static_cast<size_t>(1 - i)];
      if (other.kind != BoundExprKind::kConstant) continue;
      col = table_column(*c->children[static_cast<size_t>(i)]);
      if (col >= 0) side = i;
    }
    if (side < 0) continue;
    if (side == 1) {  // constant op column: mirror the comparison
      op = op == columnar::CompareOp::kLt   ? columnar::CompareOp::kGt
           : op == columnar::CompareOp::kLe ? columnar::CompareOp::kGe
           : op == columnar::CompareOp::kGt ? columnar::CompareOp::kLt
           : op == columnar::CompareOp::kGe ? columnar::CompareOp::kLe
                                            : op;
    }
    const types::Value& v = c->children[static_cast<size_t>(1 - side)]->value;
    if (v.is_null()) continue;
    columnar::ZonePredicate z;
    z.column = static_cast<uint32_t>(col);
    z.op = op;
    z.value = v;
    out.push_back(std::move(z));
  }
  return out;
}

}  // namespace

uint64_t PhysicalPlanner::rows_of(const LogicalPlan& p) {
  switch (p.kind) {
    case LogicalKind::kGet:
      return info_ ? info_(p).rows : 0;
    case LogicalKind::kValues:
      return p.rows.size();
    case LogicalKind::kAggregate:
      return p.groups.empty() ? 1 : rows_of(*p.children[0]);
    case LogicalKind::kJoin:
    case LogicalKind::kSetOp: {
      uint64_t n = 0;
      for (const auto& c : p.children) n = std::max(n, rows_of(*c));
      return n;
    }
    default:
      return p.children.empty() ? 0 : rows_of(*p.children[0]);
  }
}

const LogicalPlan* PhysicalPlanner::parallel_scan_of(const LogicalPlan& p) {
  switch (p.kind) {
    case LogicalKind::kGet: {
      ScanInfo info = info_(p);
      return info.splittable && info.rows >= parallel_rows_min_ ? &p : nullptr;
    }
    case LogicalKind::kFilter:
    case LogicalKind::kProject:
      return parallel_scan_of(*p.children[0]);
    case LogicalKind::kJoin: {
      if (is_inner_join(p)) {
        // plan_inner_joins probes the largest leaf.
        std::vector<const LogicalPlan*> leaves;
        inner_join_leaves(p, leaves);
        size_t start = 0;
        uint64_t best = 0;
        for (size_t i = 0; i < leaves.size(); ++i) {
          uint64_t r = rows_of(*leaves[i]);
          if (r > best) {
            best = r;
            start = i;
          }
        }
        return parallel_scan_of(*leaves[start]);
      }
      if (p.join_kind == sql::LogicalJoinKind::kLeft || p.join_kind == sql::LogicalJoinKind::kSemi ||
          p.join_kind == sql::LogicalJoinKind::kAnti) {
        return parallel_scan_of(*p.children[0]);
      }
      return nullptr;
    }
    default:
      return nullptr;
  }
}

Result<OperatorPtr> PhysicalPlanner::plan_parallel(const LogicalPlan& node,
                                                   const std::function<Result<OperatorPtr>(OperatorPtr)>& wrap) {
  if (workers_ < 2 || in_fragment_ || !info_ || !overrides_.empty()) return OperatorPtr();
  const LogicalPlan* get = parallel_scan_of(node);
  // A scan node shared by two places of the tree (a CTE read twice) cannot give its
  // morsels to one of them only.
  if (get == nullptr || plan_has_subquery(node) || occurrences(node, get) != 1) return OperatorPtr();
  uint64_t rows = info_(*get).rows;
  uint64_t by_size = parallel_rows_min_ == 0 ? UINT64_MAX : rows / parallel_rows_min_;
  size_t copies = static_cast<size_t>(std::min<uint64_t>(static_cast<uint64_t>(workers_), by_size));
  if (copies < 2) return OperatorPtr();
  std::vector<columnar::ZonePredicate> zone = std::move(pending_zone_);
  pending_zone_.clear();
  in_fragment_ = true;
  morsel_get_ = get;
  morsels_ = std::make_shared<columnar::ScanMorsels>();
  std::vector<OperatorPtr> ops;
  Status failed;
  for (size_t k = 0; k < copies && failed.ok(); ++k) {
    first_copy_ = k == 0;
    pending_zone_ = zone;
    Result<OperatorPtr> r = plan(node);
    if (r.ok()) r = wrap(std::move(*r));
    if (!r.ok()) {
      failed = r.status();
      break;
    }
    ops.push_back(std::move(*r));
  }
  in_fragment_ = false;
  morsel_get_ = nullptr;
  morsels_.reset();
  first_copy_ = true;
  pending_zone_.clear();
  STRATA_RETURN_IF_ERROR(failed);
  return OperatorPtr(std::make_unique<Gather>(std::move(ops)));
}

Result<OperatorPtr> PhysicalPlanner::plan_filtered(const LogicalPlan& node, BoundExprPtr filter) {
  if (filter && node.kind == LogicalKind::kGet) pending_zone_ = zone_predicates_of(*filter, node);
  Result<OperatorPtr> c = plan(node);
  pending_zone_.clear();
  if (!c.ok() || !filter) return c;
  return OperatorPtr(std::make_unique<Filter>(std::move(*c), std::move(filter)));
}

Result<OperatorPtr> PhysicalPlanner::plan(const LogicalPlan& p) {
  if (auto it = overrides_.find(&p); it != overrides_.end()) return it->second();
  if (workers_ >= 2 && !in_fragment_ &&
      (p.kind == LogicalKind::kGet || p.kind == LogicalKind::kFilter || p.kind == LogicalKind::kProject ||
       p.kind == LogicalKind::kJoin)) {
    STRATA_ASSIGN_OR_RETURN(OperatorPtr par,
                            plan_parallel(p, [](OperatorPtr op) { return Result<OperatorPtr>(std::move(op)); }));
    if (par) return par;
  }
  switch (p.kind) {
    case LogicalKind::kGet: {
      ScanHints hints;
      hints.zone_predicates = std::move(pending_zone_);
      pending_zone_.clear();
      if (&p == morsel_get_) {
        hints.morsels = morsels_;
        hints.first_copy = first_copy_;
      }
      return scan_(p, hints);
    }
    case LogicalKind::kValues: {
      std::vector<std::vector<BoundExprPtr>> rows;
      for (const auto& r : p.rows) {
        std::vector<BoundExprPtr> row;
        for (const auto& e : r) row.push_back(e->clone());
        rows.push_back(std::move(row));
      }
      return OperatorPtr(std::make_unique<ValuesScan>(p.types, std::move(rows)));
    }
    case LogicalKind::kTableFunction:
      return make_table_function_scan(p);
    case LogicalKind::kFilter: {
      const LogicalPlan& child = *p.children[0];
      if (child.kind == LogicalKind::kJoin &&
          (child.join_kind == sql::LogicalJoinKind::kInner || child.join_kind == sql::LogicalJoinKind::kCross)) {
        return plan_inner_joins(child, p.predicate.get());
      }
      return plan_filtered(child, p.predicate->clone());
    }
    case LogicalKind::kProject: {
      STRATA_ASSIGN_OR_RETURN(OperatorPtr c, plan(*p.children[0]));
      std::vector<BoundExprPtr> exprs;
      for (const auto& e : p.exprs) exprs.push_back(e->clone());
      return OperatorPtr(std::make_unique<Project>(std::move(c), std::move(exprs)));
    }
    case LogicalKind::kJoin:
      if (p.join_kind == sql::LogicalJoinKind::kInner || p.join_kind == sql::LogicalJoinKind::kCross) {
        return plan_inner_joins(p, nullptr);
      }
      return plan_join(p);
    case LogicalKind::kAggregate:
      return plan_aggregate(p);
    case LogicalKind::kWindow:
      return plan_window(p);
    case LogicalKind::kSort:
      return plan_sort(p, Limit::kNoLimit, 0);
    case LogicalKind::kLimit: {
      int64_t limit = p.limit;
      int64_t offset = p.offset;
      if (p.limit_expr || p.offset_expr) {
        ExecContext ctx;
        ctx.params = params_;
        if (p.limit_expr) {
          STRATA_ASSIGN_OR_RETURN(types::Value v, evaluate_scalar(ctx, *p.limit_expr));
          limit = v.is_null() ? Limit::kNoLimit : v.as_int();
          if (limit < 0 && limit != Limit::kNoLimit) return Status::sql("2201W", "LIMIT must not be negative");
        }
        if (p.offset_expr) {
          STRATA_ASSIGN_OR_RETURN(types::Value v, evaluate_scalar(ctx, *p.offset_expr));
          offset = v.is_null() ? 0 : v.as_int();
          if (offset < 0) return Status::sql("2201X", "OFFSET must not be negative");
        }
      }
      const LogicalPlan& child = *p.children[0];
      if (child.kind == LogicalKind::kSort && limit != Limit::kNoLimit) return plan_sort(child, limit, offset);
      STRATA_ASSIGN_OR_RETURN(OperatorPtr c, plan(child));
      return OperatorPtr(std::make_unique<Limit>(std::move(c), limit, offset));
    }
    case LogicalKind::kDistinct: {
      STRATA_ASSIGN_OR_RETURN(OperatorPtr c, plan(*p.children[0]));
      return OperatorPtr(std::make_unique<HashDistinct>(std::move(c)));
    }
    case LogicalKind::kSetOp: {
      STRATA_ASSIGN_OR_RETURN(OperatorPtr l, plan(*p.children[0]));
      STRATA_ASSIGN_OR_RETURN(OperatorPtr r, plan(*p.children[1]));
      if (p.set_op == sql::LogicalSetOp::kUnion && p.set_all) {
        std::vector<OperatorPtr> kids;
        kids.push_back(std::move(l));
        kids.push_back(std::move(r));
        return OperatorPtr(std::make_unique<UnionAll>(std::move(kids)));
      }
      SetOpKind kind = p.set_op == sql::LogicalSetOp::kUnion       ? SetOpKind::kUnion
                       : p.set_op == sql::LogicalSetOp::kIntersect ? SetOpKind::kIntersect
                                                                   : SetOpKind::kExcept;
      return OperatorPtr(std::make_unique<SetOperation>(std::move(l), std::move(r), kind, p.set_all));
    }
    case LogicalKind::kInsert:
    case LogicalKind::kUpdate:
    case LogicalKind::kDelete:
      return plan(*p.children[0]);
  }
  return Status::sql("XX000", "unknown logical plan node");
}

Result<OperatorPtr> PhysicalPlanner::plan_inner_joins(const LogicalPlan& root, const BoundExpr* filter) {
  // Flatten the inner/cross join tree into leaves (with their column offsets in the
  // original layout) and conjuncts over the original layout.
  struct Leaf {
    const LogicalPlan* plan;
    int32_t offset;
    int32_t width;
  };
  std::vector<Leaf> leaves;
  std::vector<BoundExprPtr> conjuncts;
  auto flatten = [&](const LogicalPlan& n, int32_t offset, auto&& self) -> void {
    if (n.kind == LogicalKind::kJoin &&
        (n.join_kind == sql::LogicalJoinKind::kInner || n.join_kind == sql::LogicalJoinKind::kCross)) {
      int32_t left_width = static_cast<int32_t>(n.children[0]->types.size());
      self(*n.children[0], offset, self);
      self(*n.children[1], offset + left_width, self);
      if (n.predicate) {
        std::vector<int32_t> shift(n.types.size());
        for (size_t i = 0; i < shift.size(); ++i) shift[i] = static_cast<int32_t>(i) + offset;
        std::vector<BoundExprPtr> parts;
        split_conjuncts(*n.predicate, parts);
        for (auto& c : parts) {
          if (has_correlated_subquery(*c)) {
            // Correlated subqueries read the row in the original layout: keep them for
            // the filter applied after the layout is restored.
            conjuncts.push_back(remap(*c, shift));
            continue;
          }
          conjuncts.push_back(remap(*c, shift));
        }
      }
      return;
    }
    leaves.push_back({&n, offset, static_cast<int32_t>(n.types.size())});
  };
  flatten(root, 0, flatten);
  if (filter) split_conjuncts(*filter, conjuncts);
  const int32_t total = static_cast<int32_t>(root.types.size());
  auto leaf_of = [&](int32_t col) {
    for (size_t i = 0; i < leaves.size(); ++i) {
      if (col >= leaves[i].offset && col < leaves[i].offset + leaves[i].width) return static_cast<int>(i);
    }
    return -1;
  };
  struct Conj {
    BoundExprPtr expr;
    std::set<int> leaves;
    bool late = false;  // apply after the original layout is restored
    bool used = false;
  };
  std::vector<Conj> conj;
  for (auto& c : conjuncts) {
    Conj x;
    for_each_column(*c, [&](int32_t col) { x.leaves.insert(leaf_of(col)); });
    x.late = has_correlated_subquery(*c);
    x.expr = std::move(c);
    conj.push_back(std::move(x));
  }
  // Plan each leaf with its single-leaf conjuncts pushed down.
  std::vector<OperatorPtr> ops(leaves.size());
  // A guess of the fraction of a leaf's rows its own conditions keep (no column
  // statistics yet; see guess_kept). Joining a filtered leaf first shrinks the probe
  // stream for the joins after it.
  std::vector<double> kept(leaves.size(), 1.0);
  for (size_t i = 0; i < leaves.size(); ++i) {
    const LogicalPlan* lp = leaves[i].plan;
    while (lp->kind == LogicalKind::kProject) lp = lp->children[0].get();
    if (lp->kind == LogicalKind::kFilter && lp->predicate) kept[i] *= guess_kept(*lp->predicate);
  }
  for (size_t i = 0; i < leaves.size(); ++i) {
    std::vector<BoundExprPtr> local;
    std::vector<int32_t> map(static_cast<size_t>(total), 0);
    for (int32_t c = 0; c < leaves[i].width; ++c) map[static_cast<size_t>(leaves[i].offset + c)] = c;
    for (auto& c : conj) {
      if (c.used || c.late || c.leaves.size() != 1 || *c.leaves.begin() != static_cast<int>(i)) continue;
      kept[i] *= guess_kept(*c.expr);
      local.push_back(remap(*c.expr, map));
      c.used = true;
    }
    STRATA_ASSIGN_OR_RETURN(ops[i], plan_filtered(*leaves[i].plan, and_all(std::move(local))));
  }
  // Greedy order: start with the largest leaf (it is probed, never built; the first
  // one on ties); each step joins, of the leaves connected by an equality, the one
  // keeping the smallest guessed fraction of its rows (then the smaller one).
  size_t start = 0;
  uint64_t start_rows = 0;
  for (size_t i = 0; i < leaves.size(); ++i) {
    uint64_t r = rows_of(*leaves[i].plan);
    if (r > start_rows) {
      start_rows = r;
      start = i;
    }
  }
  std::vector<int32_t> layout;  // current column -> original column
  std::set<int> joined;
  auto add_leaf_layout = [&](int i) {
    for (int32_t c = 0; c < leaves[static_cast<size_t>(i)].width; ++c)
      layout.push_back(leaves[static_cast<size_t>(i)].offset + c);
  };
  OperatorPtr current = std::move(ops[start]);
  joined.insert(static_cast<int>(start));
  add_leaf_layout(static_cast<int>(start));
  while (joined.size() < leaves.size()) {
    int next = -1;
    for (auto& c : conj) {
      if (c.used || c.late || c.leaves.size() != 2) continue;
      int a = *c.leaves.begin(), b = *c.leaves.rbegin();
      int other = joined.count(a) && !joined.count(b) ? b : (joined.count(b) && !joined.count(a) ? a : -1);
      if (other < 0) continue;
      auto side = [&](int32_t col) {
        int l = leaf_of(col);
        return joined.count(l) ? 1 : (l == other ? 2 : 4);
      };
      int lc;
      if (!equi_key(*c.expr, side, &lc)) continue;
      auto better = [&](int a, int b) {
        if (kept[static_cast<size_t>(a)] != kept[static_cast<size_t>(b)])
          return kept[static_cast<size_t>(a)] < kept[static_cast<size_t>(b)];
        return rows_of(*leaves[static_cast<size_t>(a)].plan) < rows_of(*leaves[static_cast<size_t>(b)].plan);
      };
      if (next < 0 || better(other, next)) next = other;
    }
    if (next < 0) {
      for (size_t i = 0; i < leaves.size(); ++i) {
        if (!joined.count(static_cast<int>(i))) {
          next = static_cast<int>(i);
          break;
        }
      }
    }
    // Maps for the current side and the new leaf.
    std::vector<int32_t> left_map(static_cast<size_t>(total), -1);
    for (size_t i = 0; i < layout.size(); ++i) left_map[static_cast<size_t>(layout[i])] = static_cast<int32_t>(i);
    std::vector<int32_t> right_map(static_cast<size_t>(total), -1);
    const Leaf& nl = leaves[static_cast<size_t>(next)];
    for (int32_t c = 0; c < nl.width; ++c) right_map[static_cast<size_t>(nl.offset + c)] = c;
    auto side = [&](int32_t col) {
      int l = leaf_of(col);
      return joined.count(l) ? 1 : (l == next ? 2 : 4);
    };
    std::vector<BoundExprPtr> left_keys, right_keys;
    for (auto& c : conj) {
      if (c.used || c.late) continue;
      int lc;
      if (!equi_key(*c.expr, side, &lc)) continue;
      BoundExprPtr lk = remap(*c.expr->children[static_cast<size_t>(lc)], left_map);
      BoundExprPtr rk = remap(*c.expr->children[static_cast<size_t>(1 - lc)], right_map);
      if (lk->type != rk->type) {
        Result<Type> t = sql::FunctionRegistry::common_type({lk->type, rk->type});
        if (!t.ok()) continue;
        lk = sql::make_cast(std::move(lk), *t);
        rk = sql::make_cast(std::move(rk), *t);
      }
      left_keys.push_back(std::move(lk));
      right_keys.push_back(std::move(rk));
      c.used = true;
    }
    OperatorPtr right = std::move(ops[static_cast<size_t>(next)]);
    int32_t lw = static_cast<int32_t>(layout.size());
    if (!left_keys.empty()) {
      // A key that is a column on both sides is joined on that column; other keys
      // are computed into columns appended to each side.
      std::vector<BoundExprPtr> left_extra, right_extra;
      std::vector<int> pk, bk;
      for (size_t k = 0; k < left_keys.size(); ++k) {
        if (left_keys[k]->kind == BoundExprKind::kColumnRef && right_keys[k]->kind == BoundExprKind::kColumnRef) {
          pk.push_back(left_keys[k]->column);
          bk.push_back(right_keys[k]->column);
          continue;
        }
        pk.push_back(lw + static_cast<int>(left_extra.size()));
        bk.push_back(nl.width + static_cast<int>(right_extra.size()));
        left_extra.push_back(std::move(left_keys[k]));
        right_extra.push_back(std::move(right_keys[k]));
      }
      const int32_t appended = static_cast<int32_t>(left_extra.size());
      current = append_columns(std::move(current), std::move(left_extra));
      right = append_columns(std::move(right), std::move(right_extra));
      current =
          std::make_unique<HashJoin>(std::move(current), std::move(right), pk, bk, JoinKind::kInner, nullptr, false);
      // Drop the appended key columns: probe keys sit after the probe's columns,
      // build keys after the build's.
      std::vector<int32_t> keep;
      for (int32_t c = 0; c < lw; ++c) keep.push_back(c);
      int32_t build_start = lw + appended;
      for (int32_t c = 0; c < nl.width; ++c) keep.push_back(build_start + c);
      current = keep_columns(std::move(current), keep);
    } else {
      current = nested_loop_join(std::move(current), std::move(right), JoinKind::kInner, nullptr);
    }
    joined.insert(next);
    add_leaf_layout(next);
    // Conjuncts now fully covered become filters.
    std::vector<int32_t> map(static_cast<size_t>(total), -1);
    for (size_t i = 0; i < layout.size(); ++i) map[static_cast<size_t>(layout[i])] = static_cast<int32_t>(i);
    std::vector<BoundExprPtr> ready;
    for (auto& c : conj) {
      if (c.used || c.late) continue;
      bool covered = std::all_of(c.leaves.begin(), c.leaves.end(), [&](int l) { return l < 0 || joined.count(l); });
      if (!covered) continue;
      ready.push_back(remap(*c.expr, map));
      c.used = true;
    }
    if (BoundExprPtr f = and_all(std::move(ready)))
      current = std::make_unique<Filter>(std::move(current), std::move(f));
  }
  // Restore the original column order.
  std::vector<int32_t> back(static_cast<size_t>(total));
  for (size_t i = 0; i < layout.size(); ++i) back[static_cast<size_t>(layout[i])] = static_cast<int32_t>(i);
  current = keep_columns(std::move(current), back);
  std::vector<BoundExprPtr> rest;
  for (auto& c : conj) {
    if (!c.used) rest.push_back(std::move(c.expr));
  }
  if (BoundExprPtr f = and_all(std::move(rest))) current = std::make_unique<Filter>(std::move(current), std::move(f));
  return current;
}

Result<OperatorPtr> PhysicalPlanner::plan_join(const LogicalPlan& j) {
  STRATA_ASSIGN_OR_RETURN(OperatorPtr left, plan(*j.children[0]));
  STRATA_ASSIGN_OR_RETURN(OperatorPtr right, plan(*j.children[1]));
  int32_t lw = static_cast<int32_t>(j.children[0]->types.size());
  int32_t rw = static_cast<int32_t>(j.children[1]->types.size());
  JoinKind kind = join_kind_of(j.join_kind);
  std::vector<BoundExprPtr> conj;
  if (j.predicate) split_conjuncts(*j.predicate, conj);
  auto side = [&](int32_t col) { return col < lw ? 1 : 2; };
  std::vector<BoundExprPtr> lkeys, rkeys, residual;
  std::vector<int32_t> right_map(static_cast<size_t>(lw + rw));
  for (int32_t c = 0; c < lw + rw; ++c) right_map[static_cast<size_t>(c)] = c - lw;
  for (auto& c : conj) {
    int lc;
    if (!has_correlated_subquery(*c) && equi_key(*c, side, &lc)) {
      BoundExprPtr lk = c->children[static_cast<size_t>(lc)]->clone();
      BoundExprPtr rk = remap(*c->children[static_cast<size_t>(1 - lc)], right_map);
      if (lk->type != rk->type) {
        Result<Type> t = sql::FunctionRegistry::common_type({lk->type, rk->type});
        if (t.ok()) {
          lk = sql::make_cast(std::move(lk), *t);
          rk = sql::make_cast(std::move(rk), *t);
        } else {
          residual.push_back(std::move(c));
          continue;
        }
      }
      lkeys.push_back(std::move(lk));
      rkeys.push_back(std::move(rk));
    } else {
      residual.push_back(std::move(c));
    }
  }
  if (lkeys.empty()) {
    // The residual sees (left ++ constant key ++ right ++ constant key).
    std::vector<int32_t> map(static_cast<size_t>(lw + rw));
    for (int32_t c = 0; c < lw; ++c) map[static_cast<size_t>(c)] = c;
    for (int32_t c = 0; c < rw; ++c) map[static_cast<size_t>(lw + c)] = lw + 1 + c;
    BoundExprPtr cond = and_all(std::move(residual));
    BatchExpressionPtr c = cond ? compile_expression(*remap(*cond, map)) : nullptr;
    return nested_loop_join(std::move(left), std::move(right), kind, std::move(c));
  }
  size_t nkeys = lkeys.size();
  left = append_columns(std::move(left), std::move(lkeys));
  right = append_columns(std::move(right), std::move(rkeys));
  // The residual sees (left ++ left keys ++ right ++ right keys).
  std::vector<int32_t> res_map(static_cast<size_t>(lw + rw));
  for (int32_t c = 0; c < lw; ++c) res_map[static_cast<size_t>(c)] = c;
  for (int32_t c = 0; c < rw; ++c) res_map[static_cast<size_t>(lw + c)] = lw + static_cast<int32_t>(nkeys) + c;
  BatchExpressionPtr res;
  if (BoundExprPtr r = and_all(std::move(residual))) res = compile_expression(*remap(*r, res_map));
  std::vector<int> pk, bk;
  for (size_t k = 0; k < nkeys; ++k) {
    pk.push_back(lw + static_cast<int>(k));
    bk.push_back(rw + static_cast<int>(k));
  }
  const bool null_aware = kind == JoinKind::kAnti && j.null_aware;
  OperatorPtr join =
      std::make_unique<HashJoin>(std::move(left), std::move(right), pk, bk, kind, std::move(res), null_aware);
  // Semi and anti joins return the probe side only (with its key columns).
  std::vector<int32_t> keep;
  for (int32_t c = 0; c < lw; ++c) keep.push_back(c);
  if (kind != JoinKind::kSemi && kind != JoinKind::kAnti) {
    for (int32_t c = 0; c < rw; ++c) keep.push_back(lw + static_cast<int32_t>(nkeys) + c);
  }
  return keep_columns(std::move(join), keep);
}

Result<OperatorPtr> PhysicalPlanner::plan_aggregate(const LogicalPlan& a) {
  // Project: groups, then per aggregate its arguments, filter and order keys.
  std::vector<BoundExprPtr> exprs;
  std::vector<int> group_cols;
  for (const auto& g : a.groups) {
    group_cols.push_back(static_cast<int>(exprs.size()));
    exprs.push_back(g->clone());
  }
  std::vector<AggregateSpec> specs;
  for (const auto& agg : a.aggregates) {
    AggregateSpec s;
    s.function = agg.function;
    s.distinct = agg.distinct;
    s.result_type = agg.type;
    s.direct_args = agg.direct_args;
    for (const auto& arg : agg.args) {
      s.arg_cols.push_back(static_cast<int>(exprs.size()));
      exprs.push_back(arg->clone());
    }
    if (agg.filter) {
      s.filter_col = static_cast<int>(exprs.size());
      exprs.push_back(agg.filter->clone());
    }
    for (const auto& o : agg.order_by) {
      s.order_by.push_back(SortKey{static_cast<int>(exprs.size()), o.descending, o.nulls_first});
      exprs.push_back(o.expr->clone());
    }
    specs.push_back(std::move(s));
  }
  // The argument projection runs inside the copies of a parallel input.
  auto project = [&exprs](OperatorPtr c) -> Result<OperatorPtr> {
    std::vector<BoundExprPtr> copy;
    for (const auto& e : exprs) copy.push_back(e->clone());
    return OperatorPtr(std::make_unique<Project>(std::move(c), std::move(copy)));
  };
  STRATA_ASSIGN_OR_RETURN(OperatorPtr two_phase, plan_parallel_aggregate(a, group_cols, specs, project));
  if (two_phase) return two_phase;
  STRATA_ASSIGN_OR_RETURN(OperatorPtr input, plan_parallel(*a.children[0], project));
  if (!input) {
    STRATA_ASSIGN_OR_RETURN(OperatorPtr child, plan(*a.children[0]));
    STRATA_ASSIGN_OR_RETURN(input, project(std::move(child)));
  }
  return OperatorPtr(std::make_unique<HashAggregate>(std::move(input), group_cols, std::move(specs)));
}

// Two-phase aggregation over a parallel input: each worker's copy aggregates its
// own rows (partial), a Gather collects the partial rows and a final HashAggregate
// combines them per group: count -> sum, sum -> sum, min -> min, max -> max,
// bool_and/every -> bool_and, bool_or -> bool_or. A final result of another type
// than the query's (sum of bigint counts is numeric) is cast back, exactly (the
// combined value is an integer). Only when every call is one of these, without
// DISTINCT or ORDER BY; anything else aggregates above the Gather on one thread.
Result<OperatorPtr> PhysicalPlanner::plan_parallel_aggregate(
    const LogicalPlan& a, const std::vector<int>& group_cols, const std::vector<AggregateSpec>& specs,
    const std::function<Result<OperatorPtr>(OperatorPtr)>& project) {
  if (functions_ == nullptr || workers_ < 2 || in_fragment_ || specs.empty()) return OperatorPtr();
  const size_t g = group_cols.size();
  std::vector<AggregateSpec> finals;
  for (size_t j = 0; j < specs.size(); ++j) {
    const AggregateSpec& s = specs[j];
    if (s.distinct || !s.order_by.empty() || !s.direct_args.empty()) return OperatorPtr();
    const std::string& name = s.function->name;
    std::string final_name;
    if (name == "count" || name == "sum") {
      final_name = "sum";
    } else if (name == "min" || name == "max" || name == "bool_and" || name == "bool_or") {
      final_name = name;
    } else if (name == "every") {
      final_name = "bool_and";
    } else {
      return OperatorPtr();
    }
    Result<sql::AggregateMatch> m = functions_->resolve_aggregate(final_name, {s.result_type});
    if (!m.ok() || m->arg_types.size() != 1 || m->arg_types[0] != s.result_type) return OperatorPtr();
    AggregateSpec f;
    f.function = m->function;
    f.arg_cols = {static_cast<int>(g + j)};
    f.result_type = m->return_type;
    finals.push_back(std::move(f));
  }
  auto partial = [&](OperatorPtr c) -> Result<OperatorPtr> {
    STRATA_ASSIGN_OR_RETURN(OperatorPtr p, project(std::move(c)));
    return OperatorPtr(std::make_unique<HashAggregate>(std::move(p), group_cols, specs));
  };
  STRATA_ASSIGN_OR_RETURN(OperatorPtr gathered, plan_parallel(*a.children[0], partial));
  if (!gathered) return OperatorPtr();
  std::vector<int> final_groups;
  for (size_t i = 0; i < g; ++i) final_groups.push_back(static_cast<int>(i));
  std::vector<Type> want;
  for (const auto& s : specs) want.push_back(s.result_type);
  bool casts = false;
  for (size_t j = 0; j < finals.size(); ++j) casts = casts || finals[j].result_type != want[j];
  std::vector<Type> final_types;
  for (size_t i = 0; i < g; ++i) final_types.push_back(a.types[i]);
  for (const auto& f : finals) final_types.push_back(f.result_type);
  OperatorPtr current = std::make_unique<HashAggregate>(std::move(gathered), final_groups, std::move(finals));
  if (!casts) return current;
  std::vector<BoundExprPtr> exprs;
  for (size_t i = 0; i < final_types.size(); ++i) {
    BoundExprPtr ref = sql::make_column_ref(static_cast<int32_t>(i), final_types[i]);
    if (i >= g && final_types[i] != want[i - g]) ref = sql::make_cast(std::move(ref), want[i - g]);
    exprs.push_back(std::move(ref));
  }
  return OperatorPtr(std::make_unique<Project>(std::move(current), std::move(exprs)));
}

Result<OperatorPtr> PhysicalPlanner::plan_window(const LogicalPlan& w) {
  STRATA_ASSIGN_OR_RETURN(OperatorPtr child, plan(*w.children[0]));
  size_t width = w.children[0]->types.size();
  std::vector<BoundExprPtr> extra;
  auto add = [&](const BoundExpr& e) {
    int col = static_cast<int>(width + extra.size());
    extra.push_back(e.clone());
    return col;
  };
  // All calls of one Window operator share partition and order keys: group calls
  // by their (partition, order) text and stack one Window per group.
  OperatorPtr current = std::move(child);
  std::vector<int32_t> result_cols(w.windows.size(), -1);
  std::vector<std::string> groups;
  for (const auto& win : w.windows) {
    std::string key;
    for (const auto& p : win.partition_by) key += p->to_string() + "|";
    key += "#";
    for (const auto& o : win.order_by)
      key += o.expr->to_string() + (o.descending ? " d" : " a") + (o.nulls_first ? "f|" : "l|");
    if (std::find(groups.begin(), groups.end(), key) == groups.end()) groups.push_back(key);
  }
  size_t current_width = width;
  for (const auto& gkey : groups) {
    extra.clear();
    width = current_width;
    std::vector<int> partition_cols;
    std::vector<SortKey> order;
    std::vector<WindowCall> calls;
    std::vector<size_t> call_index;
    bool keys_done = false;
    for (size_t i = 0; i < w.windows.size(); ++i) {
      const auto& win = w.windows[i];
      std::string key;
      for (const auto& p : win.partition_by) key += p->to_string() + "|";
      key += "#";
      for (const auto& o : win.order_by)
        key += o.expr->to_string() + (o.descending ? " d" : " a") + (o.nulls_first ? "f|" : "l|");
      if (key != gkey) continue;
      if (!keys_done) {
        for (const auto& p : win.partition_by) partition_cols.push_back(add(*p));
        for (const auto& o : win.order_by) order.push_back(SortKey{add(*o.expr), o.descending, o.nulls_first});
        keys_done = true;
      }
      WindowCall call;
      call.kind = win.kind;
      call.aggregate = win.aggregate;
      call.result_type = win.type;
      call.frame = win.frame;
      for (const auto& arg : win.args) call.arg_cols.push_back(add(*arg));
      calls.push_back(std::move(call));
      call_index.push_back(i);
    }
    size_t projected = width + extra.size();
    current = append_columns(std::move(current), std::move(extra));
    current = std::make_unique<Window>(std::move(current), partition_cols, order, std::move(calls));
    // Keep the previous columns and the new results; drop the helper columns.
    std::vector<int32_t> keep;
    for (size_t c = 0; c < current_width; ++c) keep.push_back(static_cast<int32_t>(c));
    for (size_t k = 0; k < call_index.size(); ++k) {
      result_cols[call_index[k]] = static_cast<int32_t>(keep.size());
      keep.push_back(static_cast<int32_t>(projected + k));
    }
    current = keep_columns(std::move(current), keep);
    current_width = keep.size();
  }
  // Output: child columns then windows in their declared order.
  std::vector<int32_t> order_cols;
  size_t child_width = w.children[0]->types.size();
  for (size_t c = 0; c < child_width; ++c) order_cols.push_back(static_cast<int32_t>(c));
  for (int32_t rc : result_cols) order_cols.push_back(rc);
  return keep_columns(std::move(current), order_cols);
}

Result<OperatorPtr> PhysicalPlanner::plan_sort(const LogicalPlan& s, int64_t limit, int64_t offset) {
  STRATA_ASSIGN_OR_RETURN(OperatorPtr child, plan(*s.children[0]));
  size_t width = s.children[0]->types.size();
  std::vector<BoundExprPtr> extra;
  std::vector<SortKey> keys;
  for (const auto& k : s.sort_keys) {
    int col;
    if (k.expr->kind == BoundExprKind::kColumnRef) {
      col = k.expr->column;
    } else {
      col = static_cast<int>(width + extra.size());
      extra.push_back(k.expr->clone());
    }
    keys.push_back(SortKey{col, k.descending, k.nulls_first});
  }
  bool added = !extra.empty();
  child = append_columns(std::move(child), std::move(extra));
  OperatorPtr sorted = limit != Limit::kNoLimit
                           ? OperatorPtr(std::make_unique<TopN>(std::move(child), keys, limit, offset))
                           : OperatorPtr(std::make_unique<Sort>(std::move(child), keys));
  if (!added) return sorted;
  std::vector<int32_t> keep;
  for (size_t c = 0; c < width; ++c) keep.push_back(static_cast<int32_t>(c));
  return keep_columns(std::move(sorted), keep);
}

std::string explain_operator_tree(const Operator& root, bool analyze) {
  std::string out;
  auto walk = [&](const Operator& op, int depth, auto&& self) -> void {
    std::string line(static_cast<size_t>(depth) * 2, ' ');
    if (depth > 0) line += "->  ";
    line += op.name();
    std::string d = op.detail();
    if (!d.empty()) line += " (" + d + ")";
    if (analyze) {
      const OperatorStats& s = op.stats();
      line += fmt::format(" (actual rows={} batches={} time={:.3f} ms", s.rows_out, s.batches_out,
                          static_cast<double>(s.time_ns) / 1e6);
      if (s.spilled_bytes > 0) line += fmt::format(" spilled={} bytes", s.spilled_bytes);
      line += ")";
    }
    out += line + "\n";
    for (const auto& c : op.children()) self(*c, depth + 1, self);
  };
  walk(root, 0, walk);
  return out;
}

}  // namespace strata::exec
