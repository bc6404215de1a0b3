#include "sql/filter_pushdown.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sql/subquery_rewrite.h"

namespace strata::sql {
namespace {

bool is_inner_join(const LogicalPlan& p) {
  return p.kind == LogicalKind::kJoin &&
         (p.join_kind == LogicalJoinKind::kInner || p.join_kind == LogicalJoinKind::kCross);
}

// One input of a tree of inner/cross joins: the parent's pointer to it (so it can
// be replaced) and its columns' range in the tree's output.
struct Leaf {
  std::shared_ptr<LogicalPlan>* slot;
  int32_t offset;
  int32_t width;
  std::vector<BoundExprPtr> pushed;  // conditions moved here, over the leaf's own columns
};

void collect_leaves(std::shared_ptr<LogicalPlan>& slot, int32_t offset, std::vector<Leaf>& out) {
  LogicalPlan& n = *slot;
  // A join node shared by another part of the tree (a CTE read twice) is a leaf:
  // conditions of this reader must not reach the other one.
  if (is_inner_join(n) && slot.use_count() == 1) {
    int32_t left_width = static_cast<int32_t>(n.children[0]->types.size());
    collect_leaves(n.children[0], offset, out);
    collect_leaves(n.children[1], offset + left_width, out);
    return;
  }
  out.push_back(Leaf{&slot, offset, static_cast<int32_t>(n.types.size()), {}});
}

// The columns a condition reads, or false when it must stay where it is.
bool movable_columns(const BoundExpr& e, std::vector<int32_t>& columns) {
  if (e.kind == BoundExprKind::kSubquery || e.kind == BoundExprKind::kOuterRef) return false;
  if (e.kind == BoundExprKind::kColumnRef) columns.push_back(e.column);
  for (const auto& c : e.children) {
    if (!movable_columns(*c, columns)) return false;
  }
  return true;
}

void shift_columns(BoundExpr& e, int32_t by) {
  if (e.kind == BoundExprKind::kColumnRef) e.column -= by;
  for (auto& c : e.children) shift_columns(*c, by);
}

class Pusher {
 public:
  // `slot` is null for the root, which cannot be replaced.
  void visit(LogicalPlan& p, std::shared_ptr<LogicalPlan>* slot) {
    if (!seen_.insert(&p).second) return;
    for_each_node_expression(p, [&](const BoundExpr& e) { visit_subqueries(e); });
    if (p.kind == LogicalKind::kFilter && p.predicate && is_inner_join(*p.children[0]) &&
        p.children[0].use_count() == 1) {
      push(p);
      if (!p.predicate && slot == nullptr) {
        // The root cannot be replaced by its child: it keeps a TRUE condition.
        p.predicate = make_constant(types::Value::boolean(true));
      } else if (!p.predicate) {
        std::shared_ptr<LogicalPlan> child = p.children[0];
        removed_.push_back(*slot);  // kept alive: seen_ holds its address
        *slot = std::move(child);
        visit(**slot, slot);
        return;
      }
    }
    for (auto& c : p.children) visit(*c, &c);
  }

 private:
  void visit_subqueries(const BoundExpr& e) {
    if (e.kind == BoundExprKind::kSubquery && e.subquery) visit(*e.subquery, nullptr);
    for (const auto& c : e.children) visit_subqueries(*c);
  }

  // Moves the movable conjuncts of filter `f` (over a join tree) onto the leaves;
  // leaves `f.predicate` null when none is left.
  static void push(LogicalPlan& f) {
    std::vector<Leaf> leaves;
    collect_leaves(f.children[0], 0, leaves);
    std::vector<BoundExprPtr> conj;
    split_and(std::move(f.predicate), conj);
    std::vector<BoundExprPtr> kept;
    for (auto& c : conj) {
      std::vector<int32_t> cols;
      int leaf = -1;
      if (!c->has_volatile() && movable_columns(*c, cols) && !cols.empty()) {
        for (size_t i = 0; i < leaves.size(); ++i) {
          if (cols[0] >= leaves[i].offset && cols[0] < leaves[i].offset + leaves[i].width) leaf = static_cast<int>(i);
        }
        for (int32_t col : cols) {
          const Leaf& l = leaves[static_cast<size_t>(leaf)];
          if (col < l.offset || col >= l.offset + l.width) leaf = -1;
          if (leaf < 0) break;
        }
      }
      if (leaf < 0) {
        kept.push_back(std::move(c));
        continue;
      }
      shift_columns(*c, leaves[static_cast<size_t>(leaf)].offset);
      leaves[static_cast<size_t>(leaf)].pushed.push_back(std::move(c));
    }
    for (Leaf& l : leaves) {
      if (l.pushed.empty()) continue;
      std::shared_ptr<LogicalPlan>& slot = *l.slot;
      if (slot->kind == LogicalKind::kFilter && slot->predicate && slot.use_count() == 1 &&
          !slot->predicate->has_volatile()) {
        // One Filter per leaf: the planner reads a leaf's conditions from it.
        l.pushed.insert(l.pushed.begin(), std::move(slot->predicate));
        slot->predicate = and_of(std::move(l.pushed));
        continue;
      }
      auto filter = std::make_shared<LogicalPlan>();
      filter->kind = LogicalKind::kFilter;
      filter->types = slot->types;
      filter->names = slot->names;
      filter->predicate = and_of(std::move(l.pushed));
      filter->children.push_back(std::move(slot));
      slot = std::move(filter);
    }
    f.predicate = and_of(std::move(kept));
  }

  std::unordered_set<const LogicalPlan*> seen_;
  std::vector<std::shared_ptr<LogicalPlan>> removed_;
};

}  // namespace

void push_down_filters(LogicalPlan& root) {
  Pusher pusher;
  pusher.visit(root, nullptr);
}

}  // namespace strata::sql
