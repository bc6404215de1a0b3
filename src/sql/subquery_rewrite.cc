#include "sql/subquery_rewrite.h"

#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace strata::sql {

void for_each_node_expression(const LogicalPlan& p, const std::function<void(const BoundExpr&)>& f) {
  auto one = [&](const BoundExprPtr& e) {
    if (e) f(*e);
  };
  one(p.predicate);
  one(p.limit_expr);
  one(p.offset_expr);
  for (const auto& e : p.exprs) one(e);
  for (const auto& e : p.groups) one(e);
  for (const auto& r : p.rows) {
    for (const auto& e : r) one(e);
  }
  for (const auto& a : p.aggregates) {
    one(a.filter);
    for (const auto& e : a.args) one(e);
    for (const auto& o : a.order_by) one(o.expr);
  }
  for (const auto& w : p.windows) {
    for (const auto& e : w.args) one(e);
    for (const auto& e : w.partition_by) one(e);
    for (const auto& o : w.order_by) one(o.expr);
  }
  for (const auto& k : p.sort_keys) one(k.expr);
  for (const auto& e : p.returning) one(e);
  for (const auto& e : p.checks) one(e);
  for (const auto& e : p.defaults) one(e);
}

void split_and(BoundExprPtr e, std::vector<BoundExprPtr>& out) {
  if (e->kind == BoundExprKind::kAnd) {
    for (auto& c : e->children) split_and(std::move(c), out);
    return;
  }
  out.push_back(std::move(e));
}

BoundExprPtr and_of(std::vector<BoundExprPtr> v) {
  if (v.empty()) return nullptr;
  if (v.size() == 1) return std::move(v[0]);
  auto a = std::make_unique<BoundExpr>();
  a->kind = BoundExprKind::kAnd;
  a->type = types::Type::boolean();
  a->children = std::move(v);
  return a;
}

namespace {

// Flags of what an expression reads.
struct Reads {
  bool columns = false;  // kColumnRef
  bool outer1 = false;   // kOuterRef at depth 1
  bool other = false;    // deeper outer references, subqueries, volatile functions
};

void reads_of(const BoundExpr& e, Reads& r) {
  switch (e.kind) {
    case BoundExprKind::kColumnRef:
      r.columns = true;
      break;
    case BoundExprKind::kOuterRef:
      if (e.depth == 1) {
        r.outer1 = true;
      } else {
        r.other = true;
      }
      break;
    case BoundExprKind::kSubquery:
      r.other = true;
      break;
    default:
      break;
  }
  for (const auto& c : e.children) reads_of(*c, r);
}

Reads reads_of(const BoundExpr& e) {
  Reads r;
  reads_of(e, r);
  if (e.has_volatile()) r.other = true;
  return r;
}

// True when no expression of the tree reads an outer row or holds a subquery.
bool self_contained(const LogicalPlan& p) {
  bool ok = true;
  for_each_node_expression(p, [&](const BoundExpr& e) {
    Reads r = reads_of(e);
    if (r.outer1 || r.other) ok = false;
  });
  if (!ok) return false;
  for (const auto& c : p.children) {
    if (!self_contained(*c)) return false;
  }
  return true;
}

// Rewrites column references: outer depth-1 refs become columns of the left
// side; the inner side's columns shift past the left side's `left_width`.
void to_join_layout(BoundExpr& e, int32_t left_width) {
  if (e.kind == BoundExprKind::kOuterRef && e.depth == 1) {
    e.kind = BoundExprKind::kColumnRef;
    e.depth = 0;
  } else if (e.kind == BoundExprKind::kColumnRef) {
    e.column += left_width;
  }
  for (auto& c : e.children) to_join_layout(*c, left_width);
}

BoundExprPtr equality(const BoundExpr& like, BoundExprPtr left, BoundExprPtr right) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kFunction;
  e->type = types::Type::boolean();
  e->function = like.function;
  e->name = "=";
  e->children.push_back(std::move(left));
  e->children.push_back(std::move(right));
  return e;
}

// A subquery conjunct turned into a join with the filter's input.
struct JoinRewrite {
  LogicalJoinKind kind = LogicalJoinKind::kSemi;
  bool null_aware = false;
  std::shared_ptr<LogicalPlan> inner;
  BoundExprPtr condition;  // over left ++ inner
};

// The join replacing conjunct `c` of a filter whose input has `left_width`
// columns, or false when `c` is not of a rewritable form.
bool rewrite_conjunct(const BoundExpr& c, int32_t left_width, JoinRewrite* out) {
  if (c.kind != BoundExprKind::kSubquery || c.subquery == nullptr) return false;
  const bool is_exists = c.subquery_kind == BoundSubqueryKind::kExists;
  const bool is_in = c.subquery_kind == BoundSubqueryKind::kIn;
  if (!is_exists && !is_in) return false;
  if (is_in && (c.children.size() != 1 || c.function == nullptr || c.function->name != "=")) return false;
  // Peel the select list (and what does not change which rows exist).
  std::shared_ptr<LogicalPlan> top = c.subquery;
  const BoundExpr* value = nullptr;  // IN: the compared column of the subquery
  while (top->kind == LogicalKind::kDistinct || top->kind == LogicalKind::kSort) top = top->children[0];
  if (is_in) {
    if (top->kind != LogicalKind::kProject || top->exprs.size() != 1) return false;
    value = top->exprs[0].get();
    Reads r = reads_of(*value);
    if (r.outer1 || r.other) return false;
    top = top->children[0];
  } else {
    while (top->kind == LogicalKind::kProject) top = top->children[0];
  }
  std::shared_ptr<LogicalPlan> x = top;
  std::vector<BoundExprPtr> inner_rest;
  std::vector<BoundExprPtr> keys;  // over left ++ inner
  if (top->kind == LogicalKind::kFilter && top->predicate) {
    x = top->children[0];
    std::vector<BoundExprPtr> conj;
    split_and(top->predicate->clone(), conj);
    for (auto& e : conj) {
      Reads r = reads_of(*e);
      if (r.other) return false;
      if (!r.outer1) {
        inner_rest.push_back(std::move(e));
        continue;
      }
      // outer expression = inner expression, either order.
      if (e->kind != BoundExprKind::kFunction || e->function == nullptr || e->function->name != "=" ||
          e->children.size() != 2) {
        return false;
      }
      Reads a = reads_of(*e->children[0]);
      Reads b = reads_of(*e->children[1]);
      bool a_outer = a.outer1 && !a.columns, b_outer = b.outer1 && !b.columns;
      bool a_inner = !a.outer1, b_inner = !b.outer1;
      if (!((a_outer && b_inner && b.columns) || (b_outer && a_inner && a.columns))) return false;
      to_join_layout(*e, left_width);
      keys.push_back(std::move(e));
    }
  }
  if (!self_contained(*x)) return false;
  if (is_exists && keys.empty()) return false;  // uncorrelated EXISTS runs once already
  if (is_in) {
    if (c.negated && !keys.empty()) return false;  // NOT IN's NULL rule needs the whole subquery
    // Both sides must read columns, so the equality becomes the hash key (a NOT IN
    // with its condition as a residual would lose its NULL rule).
    Reads t = reads_of(*c.children[0]);
    if (t.outer1 || t.other || !t.columns || !reads_of(*value).columns) return false;
    BoundExprPtr v = value->clone();
    to_join_layout(*v, left_width);
    keys.push_back(equality(c, c.children[0]->clone(), std::move(v)));
  }
  // The join's right side: x, under the subquery's conditions that do not read
  // the outer row. x is shared with the subquery plan, which the rewritten filter
  // no longer uses.
  std::shared_ptr<LogicalPlan> inner = x;
  if (!inner_rest.empty()) {
    inner = std::make_shared<LogicalPlan>();
    inner->kind = LogicalKind::kFilter;
    inner->types = x->types;
    inner->names = x->names;
    inner->predicate = and_of(std::move(inner_rest));
    inner->children = {x};
  }
  out->kind = c.negated ? LogicalJoinKind::kAnti : LogicalJoinKind::kSemi;
  out->null_aware = is_in && c.negated;
  out->inner = std::move(inner);
  out->condition = and_of(std::move(keys));
  return true;
}

void rewrite_filter(LogicalPlan& node) {
  if (node.kind != LogicalKind::kFilter || !node.predicate || node.children.size() != 1) return;
  const int32_t left_width = static_cast<int32_t>(node.children[0]->types.size());
  std::vector<BoundExprPtr> conj;
  split_and(node.predicate->clone(), conj);
  std::vector<BoundExprPtr> rest;
  std::vector<JoinRewrite> joins;
  for (auto& c : conj) {
    JoinRewrite j;
    if (rewrite_conjunct(*c, left_width, &j)) {
      joins.push_back(std::move(j));
    } else {
      rest.push_back(std::move(c));
    }
  }
  if (joins.empty()) return;
  // Filter(rest) first, so a WHERE over a join tree keeps its join conditions next
  // to the joins; the semi/anti joins go on top of it, in conjunct order.
  std::shared_ptr<LogicalPlan> base = node.children[0];
  if (!rest.empty()) {
    auto f = std::make_shared<LogicalPlan>();
    f->kind = LogicalKind::kFilter;
    f->types = node.types;
    f->names = node.names;
    f->predicate = and_of(std::move(rest));
    f->children = {base};
    base = f;
  }
  for (auto& j : joins) {
    auto join = std::make_shared<LogicalPlan>();
    join->kind = LogicalKind::kJoin;
    join->join_kind = j.kind;
    join->null_aware = j.null_aware;
    join->types = node.types;
    join->names = node.names;
    join->predicate = std::move(j.condition);
    join->children = {base, std::move(j.inner)};
    base = join;
  }
  LogicalPlan replacement = std::move(*base);
  node = std::move(replacement);
}

void rewrite_tree(LogicalPlan& p, int depth_guard) {
  if (depth_guard > 10000) return;
  rewrite_filter(p);
  for_each_node_expression(p, [&](const BoundExpr& e) {
    std::function<void(const BoundExpr&)> walk = [&](const BoundExpr& x) {
      if (x.kind == BoundExprKind::kSubquery && x.subquery) rewrite_tree(*x.subquery, depth_guard + 1);
      for (const auto& c : x.children) walk(*c);
    };
    walk(e);
  });
  for (auto& c : p.children) rewrite_tree(*c, depth_guard + 1);
}

}  // namespace

void decorrelate_subqueries(LogicalPlan& root) { rewrite_tree(root, 0); }

}  // namespace strata::sql
