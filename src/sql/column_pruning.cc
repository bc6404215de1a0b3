#include "sql/column_pruning.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sql/subquery_rewrite.h"

namespace strata::sql {
namespace {

// old output position -> new output position, -1 when dropped.
using ColumnMap = std::vector<int32_t>;

ColumnMap identity(size_t n) {
  ColumnMap m(n);
  for (size_t i = 0; i < n; ++i) m[i] = static_cast<int32_t>(i);
  return m;
}

// Marks the input columns `e` reads (not inside subquery plans: those read their
// own inputs, and the outer row only through kOuterRef).
void mark_columns(const BoundExpr& e, std::vector<bool>& used) {
  if (e.kind == BoundExprKind::kColumnRef && e.column >= 0 && static_cast<size_t>(e.column) < used.size()) {
    used[static_cast<size_t>(e.column)] = true;
  }
  for (const auto& c : e.children) mark_columns(*c, used);
}

void mark_columns(const BoundExprPtr& e, std::vector<bool>& used) {
  if (e) mark_columns(*e, used);
}

void remap(BoundExpr& e, const ColumnMap& map) {
  if (e.kind == BoundExprKind::kColumnRef && e.column >= 0 && static_cast<size_t>(e.column) < map.size()) {
    e.column = map[static_cast<size_t>(e.column)];
  }
  for (auto& c : e.children) remap(*c, map);
}

void remap(BoundExprPtr& e, const ColumnMap& map) {
  if (e) remap(*e, map);
}

bool holds_subquery(const BoundExpr& e) {
  if (e.kind == BoundExprKind::kSubquery) return true;
  for (const auto& c : e.children) {
    if (holds_subquery(*c)) return true;
  }
  return false;
}

// True when one of the node's own expressions holds a subquery.
bool node_holds_subquery(const LogicalPlan& p) {
  bool found = false;
  for_each_node_expression(p, [&](const BoundExpr& e) { found = found || holds_subquery(e); });
  return found;
}

void for_each_subquery(const BoundExpr& e, const std::function<void(LogicalPlan&)>& f) {
  if (e.kind == BoundExprKind::kSubquery && e.subquery) f(*e.subquery);
  for (const auto& c : e.children) for_each_subquery(*c, f);
}

bool none(const std::vector<bool>& v) {
  return std::none_of(v.begin(), v.end(), [](bool b) { return b; });
}

// Rebuilds a pass-through node's types and names after its output was renumbered.
void apply_map(LogicalPlan& p, const ColumnMap& map) {
  int32_t width = 0;
  for (int32_t m : map) width = std::max(width, m + 1);
  std::vector<types::Type> types(static_cast<size_t>(width));
  std::vector<std::string> names(static_cast<size_t>(width));
  for (size_t i = 0; i < map.size(); ++i) {
    if (map[i] < 0) continue;
    types[static_cast<size_t>(map[i])] = p.types[i];
    if (i < p.names.size()) names[static_cast<size_t>(map[i])] = p.names[i];
  }
  p.types = std::move(types);
  p.names = std::move(names);
}

// A cheap column to keep when a scan needs none (count(*)): fixed width if any.
size_t cheapest_column(const LogicalPlan& get) {
  for (size_t i = 0; i < get.columns.size(); ++i) {
    const types::Type& t = get.types[i];
    if (t.is_integer() || t.is_float() || t.is_temporal() || t.id() == types::TypeId::kBoolean) return i;
  }
  return 0;
}

class Pruner {
 public:
  explicit Pruner(LogicalPlan& root) { count_uses(root); }

  // Prunes `p` so it produces at least the `need` columns of its output; returns
  // where its old output columns went.
  ColumnMap prune(LogicalPlan& p, std::vector<bool> need) {
    const size_t width = p.types.size();
    need.resize(width, false);
    if (done_.count(&p) != 0) return identity(width);
    done_.insert(&p);
    if (uses_[&p] > 1) need.assign(width, true);
    prune_subqueries(p);
    const bool pinned = node_holds_subquery(p);
    switch (p.kind) {
      case LogicalKind::kGet:
        return prune_get(p, need);
      case LogicalKind::kValues:
      case LogicalKind::kTableFunction:
        return identity(width);
      case LogicalKind::kFilter:
      case LogicalKind::kSort:
      case LogicalKind::kLimit:
        return prune_pass_through(p, std::move(need), pinned);
      case LogicalKind::kProject:
        return prune_project(p, std::move(need), pinned);
      case LogicalKind::kAggregate:
        return prune_aggregate(p, std::move(need), pinned);
      case LogicalKind::kWindow:
        return prune_window(p, std::move(need), pinned);
      case LogicalKind::kJoin:
        return prune_join(p, std::move(need), pinned);
      case LogicalKind::kDistinct:
      case LogicalKind::kSetOp:
      case LogicalKind::kInsert:
      case LogicalKind::kUpdate:
      case LogicalKind::kDelete:
        for (auto& c : p.children) prune_all(*c);
        return identity(width);
    }
    return identity(width);
  }

  void prune_all(LogicalPlan& p) { prune(p, std::vector<bool>(p.types.size(), true)); }

 private:
  void count_uses(LogicalPlan& p) {
    if (++uses_[&p] > 1) return;
    for (auto& c : p.children) count_uses(*c);
    for_each_node_expression(p,
                             [&](const BoundExpr& e) { for_each_subquery(e, [&](LogicalPlan& s) { count_uses(s); }); });
  }

  void prune_subqueries(LogicalPlan& p) {
    for_each_node_expression(p,
                             [&](const BoundExpr& e) { for_each_subquery(e, [&](LogicalPlan& s) { prune_all(s); }); });
  }

  static ColumnMap prune_get(LogicalPlan& p, std::vector<bool>& need) {
    const size_t n = p.columns.size();
    if (none(need) && !need.empty()) need[n > 0 ? cheapest_column(p) : 0] = true;
    ColumnMap map(need.size(), -1);
    std::vector<int32_t> columns;
    std::vector<types::Type> types;
    std::vector<std::string> names;
    for (size_t i = 0; i < need.size(); ++i) {
      if (!need[i]) continue;
      if (i < n) columns.push_back(p.columns[i]);
      map[i] = static_cast<int32_t>(types.size());
      types.push_back(p.types[i]);
      names.push_back(i < p.names.size() ? p.names[i] : std::string());
    }
    if (p.with_row_id && !need[n]) p.with_row_id = false;
    p.columns = std::move(columns);
    p.types = std::move(types);
    p.names = std::move(names);
    return map;
  }

  // Filter, Sort, Limit: the output is the child's; the node's expressions read it.
  ColumnMap prune_pass_through(LogicalPlan& p, std::vector<bool> need, bool pinned) {
    LogicalPlan& child = *p.children[0];
    if (child.types.size() != p.types.size()) {
      prune_all(child);
      return identity(p.types.size());
    }
    if (pinned) need.assign(need.size(), true);
    mark_columns(p.predicate, need);
    for (const auto& k : p.sort_keys) mark_columns(k.expr, need);
    ColumnMap map = prune(child, std::move(need));
    remap(p.predicate, map);
    for (auto& k : p.sort_keys) remap(k.expr, map);
    apply_map(p, map);
    return map;
  }

  ColumnMap prune_project(LogicalPlan& p, std::vector<bool> need, bool pinned) {
    if (none(need) && !need.empty()) need[0] = true;
    LogicalPlan& child = *p.children[0];
    std::vector<bool> child_need(child.types.size(), pinned);
    ColumnMap map(p.exprs.size(), -1);
    std::vector<BoundExprPtr> exprs;
    std::vector<types::Type> types;
    std::vector<std::string> names;
    for (size_t i = 0; i < p.exprs.size(); ++i) {
      if (!need[i] && !p.exprs[i]->has_volatile()) continue;
      mark_columns(p.exprs[i], child_need);
      map[i] = static_cast<int32_t>(exprs.size());
      exprs.push_back(std::move(p.exprs[i]));
      types.push_back(p.types[i]);
      names.push_back(i < p.names.size() ? p.names[i] : std::string());
    }
    ColumnMap cmap = prune(child, std::move(child_need));
    for (auto& e : exprs) remap(e, cmap);
    p.exprs = std::move(exprs);
    p.types = std::move(types);
    p.names = std::move(names);
    return map;
  }

  // Output: groups, then aggregates. Groups always stay (they decide the rows).
  ColumnMap prune_aggregate(LogicalPlan& p, std::vector<bool> need, bool pinned) {
    const size_t g = p.groups.size();
    if (g == 0 && !p.aggregates.empty() && none(need)) need[0] = true;
    LogicalPlan& child = *p.children[0];
    std::vector<bool> child_need(child.types.size(), pinned);
    for (const auto& e : p.groups) mark_columns(e, child_need);
    ColumnMap map(p.types.size(), -1);
    std::vector<BoundAggregate> aggregates;
    std::vector<types::Type> types(p.types.begin(), p.types.begin() + static_cast<std::ptrdiff_t>(g));
    std::vector<std::string> names(p.names.begin(),
                                   p.names.begin() + static_cast<std::ptrdiff_t>(std::min(g, p.names.size())));
    for (size_t i = 0; i < g; ++i) map[i] = static_cast<int32_t>(i);
    for (size_t j = 0; j < p.aggregates.size(); ++j) {
      BoundAggregate& a = p.aggregates[j];
      bool volatile_args =
          std::any_of(a.args.begin(), a.args.end(), [](const BoundExprPtr& e) { return e->has_volatile(); });
      if (!need[g + j] && !volatile_args) continue;
      for (const auto& e : a.args) mark_columns(e, child_need);
      mark_columns(a.filter, child_need);
      for (const auto& o : a.order_by) mark_columns(o.expr, child_need);
      map[g + j] = static_cast<int32_t>(types.size());
      types.push_back(p.types[g + j]);
      names.push_back(g + j < p.names.size() ? p.names[g + j] : std::string());
      aggregates.push_back(std::move(a));
    }
    ColumnMap cmap = prune(child, std::move(child_need));
    for (auto& e : p.groups) remap(e, cmap);
    for (auto& a : aggregates) {
      for (auto& e : a.args) remap(e, cmap);
      remap(a.filter, cmap);
      for (auto& o : a.order_by) remap(o.expr, cmap);
    }
    p.aggregates = std::move(aggregates);
    p.types = std::move(types);
    p.names = std::move(names);
    return map;
  }

  // Output: the child's columns, then one per window function.
  ColumnMap prune_window(LogicalPlan& p, std::vector<bool> need, bool pinned) {
    LogicalPlan& child = *p.children[0];
    const size_t n = child.types.size();
    std::vector<bool> child_need(n, pinned);
    for (size_t i = 0; i < n && i < need.size(); ++i) child_need[i] = child_need[i] || need[i];
    for (const auto& w : p.windows) {
      for (const auto& e : w.args) mark_columns(e, child_need);
      for (const auto& e : w.partition_by) mark_columns(e, child_need);
      for (const auto& o : w.order_by) mark_columns(o.expr, child_need);
    }
    ColumnMap cmap = prune(child, std::move(child_need));
    for (auto& w : p.windows) {
      for (auto& e : w.args) remap(e, cmap);
      for (auto& e : w.partition_by) remap(e, cmap);
      for (auto& o : w.order_by) remap(o.expr, cmap);
    }
    const int32_t nc = static_cast<int32_t>(child.types.size());
    ColumnMap map(p.types.size(), -1);
    for (size_t i = 0; i < n; ++i) map[i] = cmap[i];
    for (size_t j = n; j < p.types.size(); ++j) map[j] = nc + static_cast<int32_t>(j - n);
    apply_map(p, map);
    return map;
  }

  ColumnMap prune_join(LogicalPlan& p, std::vector<bool> need, bool pinned) {
    LogicalPlan& left = *p.children[0];
    LogicalPlan& right = *p.children[1];
    const size_t nl = left.types.size();
    const size_t nr = right.types.size();
    const bool left_only = p.join_kind == LogicalJoinKind::kSemi || p.join_kind == LogicalJoinKind::kAnti;
    if (p.types.size() != (left_only ? nl : nl + nr)) {
      prune_all(left);
      prune_all(right);
      return identity(p.types.size());
    }
    std::vector<bool> both(nl + nr, pinned);
    for (size_t i = 0; i < need.size(); ++i) both[i] = both[i] || need[i];
    mark_columns(p.predicate, both);
    std::vector<bool> lneed(both.begin(), both.begin() + static_cast<std::ptrdiff_t>(nl));
    std::vector<bool> rneed(both.begin() + static_cast<std::ptrdiff_t>(nl), both.end());
    ColumnMap lmap = prune(left, lneed);
    ColumnMap rmap = prune(right, rneed);
    narrow_filtered_input(p.children[0], lneed, lmap);
    narrow_filtered_input(p.children[1], rneed, rmap);
    LogicalPlan& new_left = *p.children[0];
    const int32_t nl2 = static_cast<int32_t>(new_left.types.size());
    ColumnMap combined(nl + nr, -1);
    for (size_t i = 0; i < nl; ++i) combined[i] = lmap[i];
    for (size_t i = 0; i < nr; ++i) combined[nl + i] = rmap[i] < 0 ? -1 : nl2 + rmap[i];
    remap(p.predicate, combined);
    ColumnMap map = left_only ? lmap : combined;
    apply_map(p, map);
    return map;
  }

  // A join input that is a Filter keeps the columns its condition reads (prune
  // passes them through); the join needs only `need` of them. Puts a projection to
  // those between the Filter and the join, so columns read only by the condition
  // (after filter pushdown, s_region in `s_region = 'ASIA'`) do not flow through the
  // join. `map` (the input's old columns -> new) is updated to the projection's.
  static void narrow_filtered_input(std::shared_ptr<LogicalPlan>& slot, const std::vector<bool>& need,
                                    ColumnMap& map) {
    LogicalPlan& f = *slot;
    if (f.kind != LogicalKind::kFilter) return;
    std::vector<bool> keep(f.types.size(), false);
    for (size_t i = 0; i < need.size() && i < map.size(); ++i) {
      if (need[i] && map[i] >= 0) keep[static_cast<size_t>(map[i])] = true;
    }
    if (none(keep) && !keep.empty()) keep[0] = true;  // a batch's row count lives in its columns
    if (std::all_of(keep.begin(), keep.end(), [](bool b) { return b; })) return;
    auto project = std::make_shared<LogicalPlan>();
    project->kind = LogicalKind::kProject;
    ColumnMap to_project(f.types.size(), -1);
    for (size_t c = 0; c < keep.size(); ++c) {
      if (!keep[c]) continue;
      to_project[c] = static_cast<int32_t>(project->exprs.size());
      std::string name = c < f.names.size() ? f.names[c] : std::string();
      project->exprs.push_back(make_column_ref(static_cast<int32_t>(c), f.types[c], name));
      project->types.push_back(f.types[c]);
      project->names.push_back(std::move(name));
    }
    for (int32_t& m : map) m = m < 0 ? -1 : to_project[static_cast<size_t>(m)];
    project->children.push_back(std::move(slot));
    slot = std::move(project);
  }

  std::unordered_map<const LogicalPlan*, int> uses_;
  std::unordered_set<const LogicalPlan*> done_;
};

}  // namespace

void prune_columns(LogicalPlan& root) {
  Pruner pruner(root);
  pruner.prune_all(root);
}

}  // namespace strata::sql
