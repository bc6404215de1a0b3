#include "exec/view_maintainer.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <unordered_set>

#include "exec/basic_operators.h"
#include "exec/physical_planner.h"
#include "exec/table_storage.h"
#include "exec/view_checkpoint.h"
#include "sql/binder.h"
#include "sql/column_pruning.h"
#include "sql/parser.h"
#include "sql/subquery_rewrite.h"

namespace strata::exec {

namespace {

using sql::BoundExpr;
using sql::BoundExprKind;
using sql::LogicalKind;
using sql::LogicalPlan;
using sql::LogicalPlanPtr;

// What unsupported() says of the part it names (make() looks for it).
constexpr std::string_view kNotIncremental = " cannot be maintained incrementally";

Status unsupported(const std::string& view, const std::string& what) {
  return Status::sql("0A000", fmt::format("materialized view \"{}\": {}{} (supported: "
                                          "one stream or a join of two, lookup joins with tables, WHERE, "
                                          "scalar expressions, GROUP BY with count, sum, avg, min, max, HAVING, "
                                          "top-N per group, single-input operators above an aggregate; any other "
                                          "query over one or two streams without subqueries, parameters or "
                                          "volatile or time-dependent functions is recomputed at each step)",
                                          view, what, kNotIncremental));
}

// The first part of `e` that a view cannot hold, or "".
std::string unsupported_in(const BoundExpr& e) {
  switch (e.kind) {
    case BoundExprKind::kSubquery: return "a subquery";
    case BoundExprKind::kOuterRef: return "a correlated reference";
    case BoundExprKind::kParameter: return "a parameter";
    case BoundExprKind::kFunction:
      if (e.function != nullptr && e.function->is_volatile) {
        return fmt::format("the volatile function {}()", e.function->name);
      }
      // The statement's time has no meaning for a view that outlives statements.
      if (e.function != nullptr) {
        for (std::string_view f : {"now", "current_timestamp", "current_date", "current_time", "localtime",
                                   "localtimestamp", "statement_timestamp", "transaction_timestamp"}) {
          if (e.function->name == f) return fmt::format("the time-dependent function {}()", e.function->name);
        }
      }
      break;
    default: break;
  }
  for (const auto& c : e.children) {
    std::string s = unsupported_in(*c);
    if (!s.empty()) return s;
  }
  return "";
}

std::string kind_word(const LogicalPlan& p) {
  switch (p.kind) {
    case LogicalKind::kJoin: return "a join";
    case LogicalKind::kWindow: return "a window function";
    case LogicalKind::kSort: return "ORDER BY";
    case LogicalKind::kLimit: return "LIMIT/OFFSET";
    case LogicalKind::kDistinct: return "DISTINCT";
    case LogicalKind::kSetOp: return "UNION/INTERSECT/EXCEPT";
    case LogicalKind::kValues: return "a query without a stream (VALUES, system tables)";
    case LogicalKind::kTableFunction: return "a table function in FROM";
    case LogicalKind::kAggregate: return "a second level of aggregation";
    default: return "this query shape";
  }
}

sql::BoundAggregate clone_aggregate(const sql::BoundAggregate& a) {
  sql::BoundAggregate c;
  c.function = a.function;
  for (const auto& x : a.args) c.args.push_back(x->clone());
  c.direct_args = a.direct_args;
  c.distinct = a.distinct;
  if (a.filter) c.filter = a.filter->clone();
  c.type = a.type;
  c.name = a.name;
  return c;
}

sql::BoundWindow clone_window(const sql::BoundWindow& w);

// `top` under copies of the post nodes (the single-input operators above the
// aggregate: Projects and Filters, or also aggregates, windows, sorts, limits and
// DISTINCT above the deepest aggregate; innermost last in `post`).
LogicalPlanPtr with_post(LogicalPlanPtr top, const std::vector<LogicalPlan*>& post) {
  for (auto it = post.rbegin(); it != post.rend(); ++it) {
    const LogicalPlan& p = **it;
    auto copy = std::make_shared<LogicalPlan>();
    copy->kind = p.kind;
    copy->types = p.types;
    copy->names = p.names;
    if (p.predicate) copy->predicate = p.predicate->clone();
    for (const auto& e : p.exprs) copy->exprs.push_back(e->clone());
    for (const auto& g : p.groups) copy->groups.push_back(g->clone());
    for (const auto& a : p.aggregates) copy->aggregates.push_back(clone_aggregate(a));
    for (const auto& w : p.windows) copy->windows.push_back(clone_window(w));
    for (const auto& k : p.sort_keys) copy->sort_keys.push_back({k.expr->clone(), k.descending, k.nulls_first});
    copy->limit = p.limit;
    copy->offset = p.offset;
    if (p.limit_expr) copy->limit_expr = p.limit_expr->clone();
    if (p.offset_expr) copy->offset_expr = p.offset_expr->clone();
    copy->distinct_on = p.distinct_on;
    copy->children.push_back(std::move(top));
    top = copy;
  }
  return top;
}

// The kGet that reads the view's state: a relation with oid 0 (no catalog object).
LogicalPlanPtr state_get(const std::vector<types::Type>& types) {
  auto table = std::make_shared<catalog::TableDef>();
  table->oid = 0;
  table->name = "view state";
  auto get = std::make_shared<LogicalPlan>();
  get->kind = LogicalKind::kGet;
  for (size_t i = 0; i < types.size(); ++i) {
    catalog::ColumnDef c;
    c.name = fmt::format("s{}", i);
    c.type = types[i];
    table->columns.push_back(c);
    get->columns.push_back(static_cast<int32_t>(i));
    get->names.push_back(c.name);
  }
  get->types = types;
  get->table = std::move(table);
  return get;
}

// The kGet of one input of a join of two streams: a relation with oid
// kJoinLeftOid or kJoinRightOid (no catalog object) over `side`'s columns.
LogicalPlanPtr join_input_get(catalog::Oid oid, const LogicalPlan& side) {
  auto table = std::make_shared<catalog::TableDef>();
  table->oid = oid;
  table->name = oid == kJoinLeftOid ? "join left input" : "join right input";
  auto get = std::make_shared<LogicalPlan>();
  get->kind = LogicalKind::kGet;
  for (size_t i = 0; i < side.types.size(); ++i) {
    catalog::ColumnDef c;
    c.name = i < side.names.size() && !side.names[i].empty() ? side.names[i] : fmt::format("c{}", i);
    c.type = side.types[i];
    table->columns.push_back(c);
    get->columns.push_back(static_cast<int32_t>(i));
    get->names.push_back(c.name);
  }
  get->types = side.types;
  get->table = std::move(table);
  return get;
}

sql::BoundExprPtr cast_if_needed(sql::BoundExprPtr e, const types::Type& to) {
  if (e->type == to) return e;
  return sql::make_cast(std::move(e), to);
}

// Aggregate `fn`'s partials in state column `col` merged: count partials add up,
// sum, min, max and bool_or merge as themselves.
Result<sql::BoundAggregate> merge_partial(const sql::FunctionRegistry* functions, const std::string& fn,
                                          const std::vector<types::Type>& state_types, size_t col) {
  const std::string merged = fn == "count" ? "sum" : fn;
  const types::Type& t = state_types[col];
  STRATA_ASSIGN_OR_RETURN(sql::AggregateMatch match, functions->resolve_aggregate(merged, {t}));
  sql::BoundAggregate c;
  c.function = match.function;
  c.args.push_back(cast_if_needed(sql::make_column_ref(static_cast<int32_t>(col), t), match.arg_types[0]));
  c.type = match.return_type;
  c.name = merged;
  return c;
}

// The combine plan: state rows (the state ++ a step's partial rows, grouped by
// their first `keys` columns) merged into one row per group, in the state's types.
Result<LogicalPlanPtr> combine_plan(const sql::FunctionRegistry* functions, const LogicalPlan& partial, size_t keys,
                                    const std::vector<types::Type>& state_types) {
  auto combine = std::make_shared<LogicalPlan>();
  combine->kind = LogicalKind::kAggregate;
  combine->children.push_back(state_get(state_types));
  for (size_t i = 0; i < keys; ++i) {
    combine->groups.push_back(sql::make_column_ref(static_cast<int32_t>(i), state_types[i]));
    combine->types.push_back(state_types[i]);
    combine->names.push_back(partial.names[i]);
  }
  for (size_t j = 0; j < partial.aggregates.size(); ++j) {
    STRATA_ASSIGN_OR_RETURN(sql::BoundAggregate c,
                            merge_partial(functions, partial.aggregates[j].function->name, state_types, keys + j));
    combine->types.push_back(c.type);
    combine->names.push_back(c.name);
    combine->aggregates.push_back(std::move(c));
  }
  auto cast_back = std::make_shared<LogicalPlan>();
  cast_back->kind = LogicalKind::kProject;
  cast_back->children.push_back(combine);
  for (size_t i = 0; i < state_types.size(); ++i) {
    cast_back->exprs.push_back(
        cast_if_needed(sql::make_column_ref(static_cast<int32_t>(i), combine->types[i]), state_types[i]));
  }
  cast_back->types = state_types;
  cast_back->names = combine->names;
  return LogicalPlanPtr(cast_back);
}

// Per-row reasons in a dead-letter record are JSON strings.
void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += n;
  }
  return true;
}

std::string base64(std::string_view s) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t v = (uint32_t{static_cast<uint8_t>(s[i])} << 16) | (uint32_t{static_cast<uint8_t>(s[i + 1])} << 8) |
                 static_cast<uint8_t>(s[i + 2]);
    for (int k = 3; k >= 0; --k) out.push_back(kAlphabet[(v >> (6 * k)) & 63]);
  }
  if (i < s.size()) {
    uint32_t v = uint32_t{static_cast<uint8_t>(s[i])} << 16;
    if (i + 1 < s.size()) v |= uint32_t{static_cast<uint8_t>(s[i + 1])} << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < s.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

// What `e` (over the output of `*at`) is once column references are followed
// down through Projects and Filters; `*at` becomes the node whose output it reads.
const BoundExpr* follow(const BoundExpr* e, const LogicalPlan** at) {
  const LogicalPlan* node = *at;
  while (e->kind == BoundExprKind::kColumnRef &&
         (node->kind == LogicalKind::kProject || node->kind == LogicalKind::kFilter)) {
    if (node->kind == LogicalKind::kProject) e = node->exprs[static_cast<size_t>(e->column)].get();
    node = node->children[0].get();
  }
  *at = node;
  return e;
}

// follow(), and also down through joins into the left input for its columns (a
// cross, inner or left join passes them through unchanged).
const BoundExpr* follow_deep(const BoundExpr* e, const LogicalPlan** at) {
  while (true) {
    e = follow(e, at);
    const LogicalPlan* node = *at;
    if (e->kind != BoundExprKind::kColumnRef || node->kind != LogicalKind::kJoin || node->children.size() != 2) {
      return e;
    }
    const auto k = node->join_kind;
    if (k != sql::LogicalJoinKind::kCross && k != sql::LogicalJoinKind::kInner && k != sql::LogicalJoinKind::kLeft) {
      return e;
    }
    if (static_cast<size_t>(e->column) >= node->children[0]->types.size()) return e;
    *at = node->children[0].get();
  }
}

// A constant positive interval without months, in microseconds.
std::optional<int64_t> fixed_interval_us(const BoundExpr* e) {
  if (e->kind != BoundExprKind::kConstant || e->value.is_null() || e->type.id() != types::TypeId::kInterval) {
    return std::nullopt;
  }
  const types::Interval& iv = e->value.as_interval();
  int64_t us = int64_t{iv.days} * 86'400'000'000 + iv.micros;
  if (iv.months != 0 || us <= 0) return std::nullopt;
  return us;
}

// The size of a window when `e` is date_bin(size, <stream column event_col>,
// origin) (TUMBLE's window_start), else nullopt.
std::optional<int64_t> window_start_size(const BoundExpr* e, const LogicalPlan* at, int32_t event_col) {
  if (e->kind != BoundExprKind::kFunction || e->function == nullptr || e->function->name != "date_bin" ||
      e->children.size() != 3) {
    return std::nullopt;
  }
  const LogicalPlan* size_at = at;
  std::optional<int64_t> size = fixed_interval_us(follow(e->children[0].get(), &size_at));
  const LogicalPlan* ts_at = at;
  const BoundExpr* ts = follow_deep(e->children[1].get(), &ts_at);
  const LogicalPlan* origin_at = at;
  const BoundExpr* origin = follow(e->children[2].get(), &origin_at);
  if (!size || ts->kind != BoundExprKind::kColumnRef || ts_at->kind != LogicalKind::kGet ||
      ts_at->columns[static_cast<size_t>(ts->column)] != event_col || origin->kind != BoundExprKind::kConstant) {
    return std::nullopt;
  }
  return size;
}

// HOP's window_start, as the binder writes it (docs/streams.md, "Hopping
// windows"): date_bin(slide, <event_col>, origin) - hop_offset, hop_offset the
// column of constant non-negative intervals that HOP cross-joins. Returns the
// slide and the largest offset, or nullopt.
struct HopStart {
  int64_t slide = 0;
  int64_t max_offset = 0;
};
std::optional<HopStart> hop_window_start(const BoundExpr* e, const LogicalPlan* at, int32_t event_col) {
  if (e->kind != BoundExprKind::kFunction || e->function == nullptr || e->function->name != "-" ||
      e->children.size() != 2) {
    return std::nullopt;
  }
  std::optional<int64_t> slide = window_start_size(e->children[0].get(), at, event_col);
  const LogicalPlan* off_at = at;
  const BoundExpr* off = follow_deep(e->children[1].get(), &off_at);
  if (!slide || off->kind != BoundExprKind::kColumnRef || off_at->kind != LogicalKind::kJoin ||
      off_at->join_kind != sql::LogicalJoinKind::kCross || off_at->children.size() != 2 ||
      off_at->children[1]->kind != LogicalKind::kValues) {
    return std::nullopt;
  }
  const size_t col = static_cast<size_t>(off->column) - off_at->children[0]->types.size();
  HopStart h;
  h.slide = *slide;
  for (const auto& row : off_at->children[1]->rows) {
    if (col >= row.size() || row[col]->kind != BoundExprKind::kConstant || row[col]->value.is_null() ||
        row[col]->type.id() != types::TypeId::kInterval) {
      return std::nullopt;
    }
    const types::Interval& iv = row[col]->value.as_interval();
    const int64_t us = int64_t{iv.days} * 86'400'000'000 + iv.micros;
    if (iv.months != 0 || us < 0) return std::nullopt;
    h.max_offset = std::max(h.max_offset, us);
  }
  return h;
}

// A view's query, bound: its plan, output columns (CREATE's column names
// applied) and emit mode.
struct BoundDefinition {
  LogicalPlanPtr root;
  std::vector<types::Type> types;
  std::vector<std::string> names;
  bool emit_on_close = false;
};

Result<BoundDefinition> bind_definition(const catalog::MaterializedViewDef& def,
                                        std::shared_ptr<const catalog::CatalogSnapshot> catalog,
                                        const sql::FunctionRegistry* functions) {
  STRATA_ASSIGN_OR_RETURN(std::vector<sql::StatementPtr> parsed, sql::parse_sql(def.query_sql));
  if (parsed.size() != 1 || !parsed[0]->is<sql::SelectStmt>()) {
    return Status::sql("42601", fmt::format("materialized view \"{}\": the definition must be one SELECT", def.name));
  }
  const sql::SelectStmt& select = parsed[0]->as<sql::SelectStmt>();
  sql::Binder binder(std::move(catalog), functions);
  BoundDefinition b;
  STRATA_ASSIGN_OR_RETURN(b.root, binder.bind_query(*select.query));
  b.types = b.root->types;
  b.names = b.root->names;
  for (size_t i = 0; i < def.column_names.size() && i < b.names.size(); ++i) b.names[i] = def.column_names[i];
  b.emit_on_close = select.query->emit == sql::EmitMode::kOnWindowClose;
  return b;
}

// The column types of `stream` and a decoder of its records into them.
Status stream_decoder(const catalog::StreamDef& stream, std::vector<types::Type>* types,
                      std::unique_ptr<formats::RecordDecoder>* decoder) {
  std::vector<formats::FieldSpec> fields;
  for (const auto& c : stream.columns) {
    types->push_back(c.type);
    fields.push_back({c.name, c.type, c.not_null});
  }
  STRATA_ASSIGN_OR_RETURN(formats::RecordFormat format, formats::parse_record_format(stream.format));
  STRATA_ASSIGN_OR_RETURN(formats::RecordDecoder d, formats::RecordDecoder::make(format, fields));
  *decoder = std::make_unique<formats::RecordDecoder>(std::move(d));
  return Status::ok_status();
}

// The first part of node `p`'s own expressions that a view cannot hold, or "".
std::string unsupported_in_node(const LogicalPlan& p) {
  std::string what;
  sql::for_each_node_expression(p, [&](const BoundExpr& e) {
    if (what.empty()) what = unsupported_in(e);
  });
  return what;
}

// The conjuncts of `e` (its kAnd children, recursively).
void conjuncts_of(const BoundExpr& e, std::vector<const BoundExpr*>* out) {
  if (e.kind == BoundExprKind::kAnd) {
    for (const auto& c : e.children) conjuncts_of(*c, out);
  } else {
    out->push_back(&e);
  }
}

// A join of two streams `join` (in `root`), whose left input `left_plan` reads
// the view's stream `stream_oid` with event time column `event_col`: the rules
// by which rows of the right input can be dropped once the left stream's late
// bound passes them. A conjunct of the join's condition (or of a filter right
// above it) of the form `right.c >= left.t [+/- interval]` (also >, <=, <,
// BETWEEN's halves), with t the event time, holds for no later left row (its
// t >= the bound) when c < bound [+/- interval]. Only timestamp columns c.
std::vector<ViewMaintainer::JoinPrune> join_prune_rules(LogicalPlan* root, LogicalPlan* join,
                                                        const LogicalPlan& left_plan, catalog::Oid stream_oid,
                                                        int32_t event_col) {
  std::vector<const BoundExpr*> parts;
  if (join->predicate) conjuncts_of(*join->predicate, &parts);
  // Filters directly above the join read its columns as they are.
  std::function<bool(LogicalPlan*, std::vector<LogicalPlan*>&)> path = [&](LogicalPlan* p,
                                                                          std::vector<LogicalPlan*>& up) {
    if (p == join) return true;
    for (const auto& c : p->children) {
      up.push_back(p);
      if (path(c.get(), up)) return true;
      up.pop_back();
    }
    return false;
  };
  std::vector<LogicalPlan*> up;
  if (path(root, up)) {
    for (auto it = up.rbegin(); it != up.rend() && (*it)->kind == LogicalKind::kFilter; ++it) {
      if ((*it)->predicate) conjuncts_of(*(*it)->predicate, &parts);
    }
  }
  const auto left_width = static_cast<int32_t>(join->children[0]->types.size());
  // `e` as the left input's event time plus a constant (µs), if it is one.
  auto left_time = [&](const BoundExpr* e) -> std::optional<int64_t> {
    int64_t offset = 0;
    if (e->kind == BoundExprKind::kFunction && e->function != nullptr && e->children.size() == 2 &&
        (e->function->name == "+" || e->function->name == "-")) {
      std::optional<int64_t> k = fixed_interval_us(e->children[1].get());
      if (!k) return std::nullopt;
      offset = e->function->name == "+" ? *k : -*k;
      e = e->children[0].get();
    }
    if (e->kind != BoundExprKind::kColumnRef || e->column >= left_width) return std::nullopt;
    const LogicalPlan* at = &left_plan;
    const BoundExpr* src = follow_deep(e, &at);
    if (src->kind != BoundExprKind::kColumnRef || at->kind != LogicalKind::kGet || at->table == nullptr ||
        at->table->oid != stream_oid || at->columns[static_cast<size_t>(src->column)] != event_col) {
      return std::nullopt;
    }
    return offset;
  };
  std::vector<ViewMaintainer::JoinPrune> rules;
  for (const BoundExpr* c : parts) {
    if (c->kind != BoundExprKind::kFunction || c->function == nullptr || c->children.size() != 2) continue;
    const std::string& op = c->function->name;
    const BoundExpr* hi = nullptr;
    const BoundExpr* lo = nullptr;
    if (op == ">=" || op == ">") {
      hi = c->children[0].get();
      lo = c->children[1].get();
    } else if (op == "<=" || op == "<") {
      hi = c->children[1].get();
      lo = c->children[0].get();
    } else {
      continue;
    }
    if (hi->kind != BoundExprKind::kColumnRef || hi->column < left_width ||
        hi->type.id() != types::TypeId::kTimestamp) {
      continue;
    }
    if (std::optional<int64_t> offset = left_time(lo)) rules.push_back({hi->column - left_width, *offset});
  }
  return rules;
}

// A data exception (SQLSTATE class 22: division by zero, out of range, a bad
// cast) is a property of the rows, not of the view: those rows are dead-lettered.
bool is_row_error(const Status& s) { return s.sqlstate().substr(0, 2) == "22"; }

}  // namespace

ViewMaintainer::~ViewMaintainer() = default;

namespace {

// The output column of each key column of `bottom` (the aggregate, or a top-N's
// window: positions in its output), following column references up through the
// post nodes (`post`, top first); nullopt when a key is not output.
std::optional<std::vector<int32_t>> output_keys(const std::vector<LogicalPlan*>& post, const LogicalPlan& bottom,
                                                const std::vector<int32_t>& keys) {
  const size_t outputs = post.empty() ? bottom.types.size() : post.front()->types.size();
  std::vector<int32_t> key_column(keys.size(), -1);
  for (size_t out = 0; out < outputs; ++out) {
    int32_t col = static_cast<int32_t>(out);
    for (const LogicalPlan* p : post) {
      if (p->kind != LogicalKind::kProject) continue;  // filters pass columns through
      const BoundExpr& e = *p->exprs[static_cast<size_t>(col)];
      col = e.kind == BoundExprKind::kColumnRef && e.depth == 0 ? e.column : -1;
      if (col < 0) break;
    }
    for (size_t k = 0; k < keys.size() && col >= 0; ++k) {
      if (keys[k] == col && key_column[k] < 0) key_column[k] = static_cast<int32_t>(out);
    }
  }
  if (std::any_of(key_column.begin(), key_column.end(), [](int32_t c) { return c < 0; })) return std::nullopt;
  return key_column;
}

// An integer constant (possibly under casts), or nullopt.
std::optional<int64_t> integer_constant(const BoundExpr& e) {
  const BoundExpr* x = &e;
  while (x->kind == BoundExprKind::kCast && !x->children.empty()) x = x->children[0].get();
  if (x->kind != BoundExprKind::kConstant || x->value.is_null() || !x->type.is_integer()) return std::nullopt;
  return x->value.as_int();
}

bool is_column(const BoundExpr& e, int32_t col) {
  const BoundExpr* x = &e;
  while (x->kind == BoundExprKind::kCast && !x->children.empty()) x = x->children[0].get();
  return x->kind == BoundExprKind::kColumnRef && x->depth == 0 && x->column == col;
}

// The largest rank that conjunct `e` lets through when it bounds column `col`
// (col <= N, col < N, col = N, or mirrored), or nullopt.
std::optional<int64_t> rank_bound(const BoundExpr& e, int32_t col) {
  if (e.kind != BoundExprKind::kFunction || e.function == nullptr || e.children.size() != 2) return std::nullopt;
  std::string op = e.function->name;
  const BoundExpr* c = e.children[0].get();
  const BoundExpr* k = e.children[1].get();
  if (!is_column(*c, col)) {
    std::swap(c, k);
    if (op == ">=") op = "<=";
    else if (op == ">") op = "<";
    else if (op != "=") return std::nullopt;
  }
  std::optional<int64_t> n = is_column(*c, col) ? integer_constant(*k) : std::nullopt;
  if (!n) return std::nullopt;
  if (op == "<=" || op == "=") return n;
  if (op == "<") return *n - 1;
  return std::nullopt;
}

sql::BoundWindow clone_window(const sql::BoundWindow& w) {
  sql::BoundWindow c;
  c.kind = w.kind;
  c.aggregate = w.aggregate;
  for (const auto& a : w.args) c.args.push_back(a->clone());
  for (const auto& p : w.partition_by) c.partition_by.push_back(p->clone());
  for (const auto& o : w.order_by) c.order_by.push_back({o.expr->clone(), o.descending, o.nulls_first});
  c.frame = w.frame;
  c.type = w.type;
  c.name = w.name;
  return c;
}

}  // namespace

namespace {

// Top-N per group: `window` holds one row_number(), rank() or dense_rank() with
// an ORDER BY, and a Filter among `post` bounds it by a constant. Returns that
// bound N, or 0A000 naming what is missing.
Result<int64_t> top_n_bound(const LogicalPlan& window, const std::vector<LogicalPlan*>& post, const std::string& view) {
  if (window.windows.size() != 1) {
    return unsupported(view, "more than one window function (a top-N takes one row_number(), rank() or dense_rank())");
  }
  const sql::BoundWindow& w = window.windows[0];
  if (w.kind != sql::WindowFunctionKind::kRowNumber && w.kind != sql::WindowFunctionKind::kRank &&
      w.kind != sql::WindowFunctionKind::kDenseRank) {
    return unsupported(view, fmt::format("the window function {}() (a top-N takes row_number(), rank() or "
                                         "dense_rank())",
                                         w.name));
  }
  if (w.order_by.empty()) return unsupported(view, fmt::format("{}() without ORDER BY in its OVER clause", w.name));
  int32_t col = static_cast<int32_t>(window.children[0]->types.size());
  std::optional<int64_t> bound;
  for (auto it = post.rbegin(); it != post.rend() && col >= 0; ++it) {
    const LogicalPlan& p = **it;
    if (p.kind == LogicalKind::kFilter) {
      std::vector<const BoundExpr*> conjuncts = {p.predicate.get()};
      for (size_t i = 0; i < conjuncts.size(); ++i) {
        const BoundExpr* c = conjuncts[i];
        if (c->kind == BoundExprKind::kAnd) {
          for (const auto& x : c->children) conjuncts.push_back(x.get());
          continue;
        }
        if (std::optional<int64_t> n = rank_bound(*c, col)) bound = bound ? std::min(*bound, *n) : *n;
      }
      continue;
    }
    int32_t next = -1;
    for (size_t i = 0; i < p.exprs.size() && next < 0; ++i) {
      if (is_column(*p.exprs[i], col) && p.exprs[i]->kind == BoundExprKind::kColumnRef) next = static_cast<int32_t>(i);
    }
    col = next;
  }
  if (!bound) {
    return unsupported(view, fmt::format("{}() OVER (...) without a filter bounding it, such as \"WHERE rn <= N\" "
                                         "in the query around it (a top-N per group)",
                                         w.name));
  }
  if (*bound < 1) return unsupported(view, fmt::format("a top-N whose filter lets no rank through ({})", *bound));
  if (*bound > kTopNMax) {
    return unsupported(view, fmt::format("a top-N of more than {} rows per group ({})", kTopNMax, *bound));
  }
  return *bound;
}

}  // namespace

Result<std::unique_ptr<ViewMaintainer>> ViewMaintainer::make(std::shared_ptr<const catalog::MaterializedViewDef> def,
                                                             std::shared_ptr<const catalog::CatalogSnapshot> catalog,
                                                             const sql::FunctionRegistry* functions,
                                                             size_t memory_bytes, std::string spill_dir,
                                                             TableSource tables, ViewSource views) {
  Result<std::unique_ptr<ViewMaintainer>> m =
      make_incremental(def, catalog, functions, memory_bytes, spill_dir, tables);
  if (m.ok() || m.status().sqlstate() != "0A000") return m;
  // The refusal names the part no incremental rule covers (unsupported()).
  const std::string& message = m.status().message();
  const std::string prefix = fmt::format("materialized view \"{}\": ", def->name);
  const size_t end = message.find(kNotIncremental);
  if (!message.starts_with(prefix) || end == std::string::npos) return m;
  Result<std::unique_ptr<ViewMaintainer>> whole =
      make_recomputed(def, catalog, functions, memory_bytes, std::move(spill_dir), std::move(tables),
                      std::move(views), message.substr(prefix.size(), end - prefix.size()));
  if (whole.ok()) return whole;
  return m;  // (what the incremental rules miss is the more useful answer)
}

std::unique_ptr<ViewMaintainer> ViewMaintainer::blank(std::shared_ptr<const catalog::MaterializedViewDef> def,
                                                     std::shared_ptr<const catalog::CatalogSnapshot> catalog,
                                                     const sql::FunctionRegistry* functions, size_t memory_bytes,
                                                     std::string spill_dir, TableSource tables, ViewSource views) {
  std::unique_ptr<ViewMaintainer> m(new ViewMaintainer());
  m->def_ = std::move(def);
  m->catalog_ = std::move(catalog);
  m->functions_ = functions;
  m->memory_bytes_ = memory_bytes;
  m->spill_dir_ = std::move(spill_dir);
  m->tables_ = std::move(tables);
  m->views_ = std::move(views);
  return m;
}

Result<std::unique_ptr<ViewMaintainer>> ViewMaintainer::make_incremental(
    std::shared_ptr<const catalog::MaterializedViewDef> def, std::shared_ptr<const catalog::CatalogSnapshot> catalog,
    const sql::FunctionRegistry* functions, size_t memory_bytes, std::string spill_dir, TableSource tables) {
  std::unique_ptr<ViewMaintainer> m =
      blank(def, catalog, functions, memory_bytes, std::move(spill_dir), std::move(tables), {});
  const std::string& name = def->name;

  STRATA_ASSIGN_OR_RETURN(BoundDefinition bound, bind_definition(*def, catalog, functions));
  LogicalPlanPtr root = bound.root;
  m->column_types_ = bound.types;
  m->column_names_ = bound.names;

  // UNION is DISTINCT over UNION ALL.
  if (root->kind == LogicalKind::kSetOp && root->set_op == sql::LogicalSetOp::kUnion && !root->set_all) {
    auto all = std::make_shared<LogicalPlan>();
    all->kind = LogicalKind::kSetOp;
    all->set_op = sql::LogicalSetOp::kUnion;
    all->set_all = true;
    all->types = root->types;
    all->names = root->names;
    all->children = root->children;
    auto distinct = std::make_shared<LogicalPlan>();
    distinct->kind = LogicalKind::kDistinct;
    distinct->types = root->types;
    distinct->names = root->names;
    distinct->children.push_back(all);
    root = distinct;
  }
  // SELECT DISTINCT is GROUP BY every output column without aggregates.
  if (root->kind == LogicalKind::kDistinct && root->distinct_on == 0) {
    auto group = std::make_shared<LogicalPlan>();
    group->kind = LogicalKind::kAggregate;
    group->children = root->children;
    group->types = root->types;
    group->names = root->names;
    for (size_t i = 0; i < root->types.size(); ++i) {
      group->groups.push_back(sql::make_column_ref(static_cast<int32_t>(i), root->types[i], root->names[i]));
    }
    root = group;
  }

  // Split the plan: post nodes, the aggregate, pre nodes, the stream's kGet.
  std::vector<LogicalPlan*> post;
  LogicalPlan* node = root.get();
  auto check_exprs = [&](const LogicalPlan& p) -> Status {
    std::vector<const BoundExpr*> exprs;
    if (p.predicate) exprs.push_back(p.predicate.get());
    for (const auto& e : p.exprs) exprs.push_back(e.get());
    for (const auto& e : p.groups) exprs.push_back(e.get());
    for (const auto& a : p.aggregates) {
      for (const auto& x : a.args) exprs.push_back(x.get());
      if (a.filter) exprs.push_back(a.filter.get());
    }
    for (const BoundExpr* e : exprs) {
      std::string what = unsupported_in(*e);
      if (!what.empty()) return unsupported(name, what);
    }
    return Status::ok_status();
  };
  auto walk_chain = [&](std::vector<LogicalPlan*>* chain) -> Status {
    while (node->kind == LogicalKind::kProject || node->kind == LogicalKind::kFilter) {
      STRATA_RETURN_IF_ERROR(check_exprs(*node));
      if (chain) chain->push_back(node);
      node = node->children[0].get();
    }
    return Status::ok_status();
  };
  // Below the aggregate (or in a view without one) a join of the stream side with
  // a side that reads no stream is a lookup join: each step's new rows are joined
  // with that side as it is when the step runs (tables read then; constant rows
  // such as HOP's window offsets). Rows already joined never change (no
  // retractions). Inner and cross joins, and outer joins that keep the stream's
  // rows, qualify. Walks down to the stream side.
  std::function<bool(const LogicalPlan&)> reads_stream = [&](const LogicalPlan& p) -> bool {
    if (p.kind == LogicalKind::kGet && p.table != nullptr && catalog->find_stream_by_oid(p.table->oid) != nullptr) {
      return true;
    }
    return std::any_of(p.children.begin(), p.children.end(), [&](const LogicalPlanPtr& c) { return reads_stream(*c); });
  };
  std::string side_problem;  // why a side cannot be a lookup side
  std::function<bool(const LogicalPlan&)> lookup_side = [&](const LogicalPlan& p) -> bool {
    switch (p.kind) {
      case LogicalKind::kValues:
        for (const auto& row : p.rows) {
          for (const auto& e : row) {
            if (e->kind != BoundExprKind::kConstant) {
              side_problem = "VALUES with expressions that are not constants";
              return false;
            }
          }
        }
        return true;
      case LogicalKind::kGet:
        if (p.table != nullptr && catalog->find_table_by_oid(p.table->oid) != nullptr) {
          if (std::find(m->lookup_tables_.begin(), m->lookup_tables_.end(), p.table->oid) == m->lookup_tables_.end()) {
            m->lookup_tables_.push_back(p.table->oid);
          }
          return true;
        }
        side_problem = p.table != nullptr && catalog->find_stream_by_oid(p.table->oid) != nullptr
                           ? "a join of two streams"
                           : fmt::format("a join with \"{}\" (only tables can be looked up)",
                                         p.table != nullptr ? p.table->name : std::string("?"));
        return false;
      case LogicalKind::kProject:
      case LogicalKind::kFilter:
      case LogicalKind::kJoin:
      case LogicalKind::kAggregate:
      case LogicalKind::kDistinct:
      case LogicalKind::kSort:
      case LogicalKind::kLimit:
      case LogicalKind::kSetOp:
        if (!check_exprs(p).ok()) {
          side_problem = "a volatile or time-dependent function in a joined table's subquery";
          return false;
        }
        for (const auto& c : p.children) {
          if (!lookup_side(*c)) return false;
        }
        return true;
      default:
        side_problem = fmt::format("{} on the looked-up side of a join", kind_word(p));
        return false;
    }
  };
  LogicalPlan* stream_join = nullptr;  // the join of two streams, if any
  std::function<Status()> walk_pre = [&]() -> Status {
    while (true) {
      STRATA_RETURN_IF_ERROR(walk_chain(nullptr));
      // UNION ALL of branches that all read the stream: each step's new records
      // go through every branch (each branch's scan reads them).
      if (node->kind == LogicalKind::kSetOp && node->set_op == sql::LogicalSetOp::kUnion && node->set_all) {
        LogicalPlan* first = nullptr;
        for (const auto& c : std::vector<LogicalPlanPtr>(node->children)) {
          node = c.get();
          STRATA_RETURN_IF_ERROR(walk_pre());
          if (node->kind != LogicalKind::kGet) return unsupported(name, kind_word(*node));
          if (first != nullptr && (first->table == nullptr || node->table == nullptr ||
                                   first->table->oid != node->table->oid)) {
            return unsupported(name, "UNION ALL of different relations (the input must be one stream)");
          }
          if (first == nullptr) first = node;
        }
        node = first;
        return Status::ok_status();
      }
      if (node->kind != LogicalKind::kJoin || node->children.size() != 2) return Status::ok_status();
      STRATA_RETURN_IF_ERROR(check_exprs(*node));
      const sql::LogicalJoinKind k = node->join_kind;
      // A join of two streams: the right side is filters and projections of a
      // stream, the left side reads the view's (other) stream.
      if (reads_stream(*node->children[1]) && reads_stream(*node->children[0])) {
        const LogicalPlan* right = node->children[1].get();
        while (right->kind == LogicalKind::kProject || right->kind == LogicalKind::kFilter) {
          STRATA_RETURN_IF_ERROR(check_exprs(*right));
          right = right->children[0].get();
        }
        if (right->kind != LogicalKind::kGet || catalog->find_stream_by_oid(right->table->oid) == nullptr) {
          return unsupported(name, "a join of two streams whose right side is more than filters and projections "
                                   "of one stream");
        }
        if (m->join_right_plan_ != nullptr) return unsupported(name, "more than one join of two streams");
        // Outer, semi and anti joins would retract rows as the other side grows:
        // such a view is recomputed from both inputs at each step instead.
        m->join_recompute_ = k != sql::LogicalJoinKind::kInner && k != sql::LogicalJoinKind::kCross;
        const catalog::StreamDef* other = catalog->find_stream_by_oid(right->table->oid);
        m->join_stream_ = catalog->streams.at(catalog::CatalogSnapshot::key(other->schema, other->name));
        m->join_left_plan_ = node->children[0];
        m->join_right_plan_ = node->children[1];
        stream_join = node;
        node->children = {join_input_get(kJoinLeftOid, *m->join_left_plan_),
                          join_input_get(kJoinRightOid, *m->join_right_plan_)};
        node = m->join_left_plan_.get();
        continue;
      }
      side_problem.clear();
      const bool right_looked_up = lookup_side(*node->children[1]);
      const std::string right_problem = side_problem;
      side_problem.clear();
      const bool left_looked_up = !right_looked_up && lookup_side(*node->children[0]);
      if (!right_looked_up && !left_looked_up) {
        return unsupported(name, !right_problem.empty() ? right_problem : side_problem);
      }
      // The stream's rows must be the preserved side (or no side is preserved).
      const bool ok_kind = k == sql::LogicalJoinKind::kInner || k == sql::LogicalJoinKind::kCross ||
                           (right_looked_up && (k == sql::LogicalJoinKind::kLeft || k == sql::LogicalJoinKind::kSemi ||
                                                k == sql::LogicalJoinKind::kAnti)) ||
                           (left_looked_up && k == sql::LogicalJoinKind::kRight);
      if (!ok_kind) {
        return unsupported(name, "an outer join that keeps the looked-up table's unmatched rows");
      }
      node = node->children[right_looked_up ? 0 : 1].get();
    }
  };
  // Above the deepest aggregate any chain of single-input operators may sit (a
  // second level of aggregation, window functions, ORDER BY, LIMIT, DISTINCT):
  // the view's rows are recomputed from the state at every step, so they are
  // part of the final plan (and cost what the state's size costs).
  bool general_post = false;
  LogicalPlanPtr recompute_input;  // set: the view is recomputed from every row this subtree yields
  {
    std::vector<LogicalPlan*> chain;
    for (LogicalPlan* p = node; p->children.size() == 1; p = p->children[0].get()) {
      const LogicalKind k = p->kind;
      if (k != LogicalKind::kProject && k != LogicalKind::kFilter && k != LogicalKind::kAggregate &&
          k != LogicalKind::kWindow && k != LogicalKind::kSort && k != LogicalKind::kLimit &&
          k != LogicalKind::kDistinct) {
        break;
      }
      chain.push_back(p);
    }
    size_t deepest = chain.size();
    for (size_t i = 0; i < chain.size(); ++i) {
      if (chain[i]->kind == LogicalKind::kAggregate) deepest = i;
    }
    // Below every aggregate, an operator that no incremental rule covers (a window
    // function other than a bounded rank, ORDER BY, LIMIT, DISTINCT ON): the view
    // is recomputed from every input row at each step (its state), the whole
    // chain from that operator up being the final plan.
    size_t blocker = chain.size();
    for (size_t i = (deepest < chain.size() ? deepest + 1 : 0); i < chain.size(); ++i) {
      const LogicalKind k = chain[i]->kind;
      if (k == LogicalKind::kWindow || k == LogicalKind::kSort || k == LogicalKind::kLimit ||
          k == LogicalKind::kDistinct) {
        blocker = i;
      }
    }
    if (blocker < chain.size()) {
      bool top_n = false;
      if (deepest == chain.size() && chain[blocker]->kind == LogicalKind::kWindow) {
        std::vector<LogicalPlan*> above(chain.begin(), chain.begin() + static_cast<std::ptrdiff_t>(blocker));
        const bool plain_above = std::all_of(above.begin(), above.end(), [](const LogicalPlan* p) {
          return p->kind == LogicalKind::kProject || p->kind == LogicalKind::kFilter;
        });
        top_n = plain_above && top_n_bound(*chain[blocker], above, name).ok();
      }
      if (!top_n) {
        for (size_t i = 0; i <= blocker; ++i) {
          STRATA_RETURN_IF_ERROR(check_exprs(*chain[i]));
          for (const auto& w : chain[i]->windows) {
            for (const auto& x : w.partition_by) {
              if (std::string what = unsupported_in(*x); !what.empty()) return unsupported(name, what);
            }
            for (const auto& o : w.order_by) {
              if (std::string what = unsupported_in(*o.expr); !what.empty()) return unsupported(name, what);
            }
            for (const auto& x : w.args) {
              if (std::string what = unsupported_in(*x); !what.empty()) return unsupported(name, what);
            }
          }
          post.push_back(chain[i]);
        }
        recompute_input = chain[blocker]->children[0];
        m->recompute_reason_ = kind_word(*chain[blocker]);
        node = recompute_input.get();
        general_post = true;
        deepest = chain.size();  // (no aggregate is maintained)
      }
    }
    const bool plain = std::all_of(chain.begin(), chain.begin() + static_cast<std::ptrdiff_t>(std::min(deepest, chain.size())),
                                   [](const LogicalPlan* p) {
                                     return p->kind == LogicalKind::kProject || p->kind == LogicalKind::kFilter;
                                   });
    if (recompute_input == nullptr && deepest < chain.size() && !plain) {
      for (size_t i = 0; i < deepest; ++i) {
        STRATA_RETURN_IF_ERROR(check_exprs(*chain[i]));
        post.push_back(chain[i]);
      }
      node = chain[deepest];
      general_post = true;
    }
  }
  if (!general_post) STRATA_RETURN_IF_ERROR(walk_chain(&post));
  LogicalPlan* agg = nullptr;
  if (node->kind == LogicalKind::kAggregate) {
    agg = node;
    STRATA_RETURN_IF_ERROR(check_exprs(*agg));
    node = agg->children[0].get();
  }
  // Top-N per group (dedup is N = 1): a window function bounded by a filter.
  LogicalPlan* top = nullptr;
  int64_t top_n = 0;
  if (agg == nullptr && recompute_input == nullptr && node->kind == LogicalKind::kWindow) {
    top = node;
    STRATA_ASSIGN_OR_RETURN(top_n, top_n_bound(*top, post, name));
    for (const auto& p : top->windows[0].partition_by) {
      std::string what = unsupported_in(*p);
      if (!what.empty()) return unsupported(name, what);
    }
    for (const auto& o : top->windows[0].order_by) {
      std::string what = unsupported_in(*o.expr);
      if (!what.empty()) return unsupported(name, what);
    }
    node = top->children[0].get();
  }
  STRATA_RETURN_IF_ERROR(walk_pre());
  if (node->kind != LogicalKind::kGet) return unsupported(name, kind_word(*node));
  const catalog::StreamDef* stream = catalog->find_stream_by_oid(node->table->oid);
  if (stream == nullptr) {
    if (catalog->find_materialized_view_by_oid(node->table->oid) != nullptr) {
      return unsupported(name, fmt::format("reading materialized view \"{}\" (cascades)", node->table->name));
    }
    return unsupported(name, fmt::format("reading table \"{}\" (the input must be one stream)", node->table->name));
  }
  m->stream_ = catalog->streams.at(catalog::CatalogSnapshot::key(stream->schema, stream->name));
  STRATA_RETURN_IF_ERROR(stream_decoder(*stream, &m->stream_types_, &m->decoder_));
  if (m->join_stream_ != nullptr) {
    const catalog::StreamDef& other = *m->join_stream_;
    if (other.oid == stream->oid) return unsupported(name, fmt::format("a join of stream \"{}\" with itself", other.name));
    STRATA_RETURN_IF_ERROR(stream_decoder(other, &m->join_stream_types_, &m->join_decoder_));
    m->join_left_types_ = m->join_left_plan_->types;
    m->join_right_types_ = m->join_right_plan_->types;
  }
  if (agg != nullptr && !general_post) {
    std::vector<int32_t> keys(agg->groups.size());
    for (size_t i = 0; i < keys.size(); ++i) keys[i] = static_cast<int32_t>(i);
    m->key_columns_ = output_keys(post, *agg, keys);
  } else if (top != nullptr && top->windows[0].kind == sql::WindowFunctionKind::kRowNumber) {
    // (partition columns, row_number) identifies a row; rank() has ties.
    std::vector<int32_t> keys;
    for (const auto& p : top->windows[0].partition_by) keys.push_back(p->kind == BoundExprKind::kColumnRef ? p->column : -1);
    keys.push_back(static_cast<int32_t>(top->children[0]->types.size()));
    if (std::none_of(keys.begin(), keys.end(), [](int32_t k) { return k < 0; })) {
      m->key_columns_ = output_keys(post, *top, keys);
    }
  }
  // In an inner join of two streams the view's (left) stream's watermark
  // applies, the other stream's does not (rows of the right are never late);
  // outer joins, recomputed, apply none.
  for (size_t i = 0; i < stream->columns.size() && !stream->watermark_column.empty() && !m->join_recompute_; ++i) {
    if (stream->columns[i].name == stream->watermark_column) m->event_time_column_ = static_cast<int32_t>(i);
  }
  if (stream_join != nullptr && !m->join_recompute_ && m->event_time_column_ >= 0) {
    m->join_prune_ = join_prune_rules(root.get(), stream_join, *m->join_left_plan_, stream->oid,
                                      m->event_time_column_);
  }
  m->watermark_delay_us_ = stream->watermark_delay_us;
  m->allowed_lateness_us_ = stream->allowed_lateness_us;

  // EMIT ON WINDOW CLOSE: a group key must be a window bound over the event time.
  // A group key that is a window bound over the event time: the window closes
  // (gets no more rows) once the late bound passes its end.
  for (size_t i = 0; agg != nullptr && m->event_time_column_ >= 0 && m->join_stream_ == nullptr &&
                     i < agg->groups.size() && m->window_key_ < 0;
       ++i) {
    {
      const LogicalPlan* at = agg->children[0].get();
      const BoundExpr* e = follow(agg->groups[i].get(), &at);
      if (std::optional<int64_t> size = window_start_size(e, at, m->event_time_column_)) {
        m->window_key_ = static_cast<int32_t>(i);
        m->window_end_offset_us_ = *size;  // window_start + size
      } else if (e->kind == BoundExprKind::kFunction && e->function != nullptr && e->function->name == "+" &&
                 e->children.size() == 2) {
        const LogicalPlan* plus_at = at;
        const BoundExpr* size_e = follow(e->children[1].get(), &plus_at);
        std::optional<int64_t> start = window_start_size(e->children[0].get(), at, m->event_time_column_);
        std::optional<int64_t> size = fixed_interval_us(size_e);
        if (start && size == start) {
          m->window_key_ = static_cast<int32_t>(i);
          m->window_end_offset_us_ = 0;  // the key is window_end itself
        } else if (std::optional<HopStart> hop = hop_window_start(e->children[0].get(), at, m->event_time_column_);
                   hop && size && *size % hop->slide == 0 && hop->max_offset + hop->slide <= *size) {
          // HOP's window_end: every row's window ends after the row's event time
          // (offsets below size - slide + 1), so a closed window gets no more rows.
          m->window_key_ = static_cast<int32_t>(i);
          m->window_end_offset_us_ = 0;
        }
      }
    }
  }
  if (bound.emit_on_close) {
    auto refuse = [&](const std::string& why) {
      return Status::sql("0A000", fmt::format("materialized view \"{}\": EMIT ON WINDOW CLOSE {}", name, why));
    };
    if (m->join_stream_ != nullptr) return refuse("over a join of two streams");
    if (m->event_time_column_ < 0) {
      return refuse(fmt::format("needs a WATERMARK on stream \"{}\"", stream->name));
    }
    if (m->window_key_ < 0) {
      return refuse(fmt::format("needs GROUP BY window_start or window_end of TUMBLE({0}, {1}, ...), or window_end "
                                "of HOP({0}, {1}, slide, size) with size a multiple of slide",
                                stream->name, stream->watermark_column));
    }
    m->emit_on_close_ = true;
  }

  if (m->join_recompute_) {
    // Planned below, as the whole plan over both join inputs (no split: the
    // split's plans would share, and prune, nodes of that plan).
  } else if (recompute_input != nullptr) {
    if (m->emit_on_close_) return unsupported(name, "EMIT ON WINDOW CLOSE over a recomputed view");
    // State = every row the input subtree yields; a step appends the new ones and
    // recomputes the view from all of them.
    m->aggregate_ = true;
    m->recompute_ = true;
    m->delta_plan_ = recompute_input;
    sql::prune_columns(*m->delta_plan_);
    m->state_types_ = m->delta_plan_->types;
    m->combine_plan_ = state_get(m->state_types_);
    m->final_plan_ = with_post(state_get(m->state_types_), post);
  } else if (top != nullptr) {
    if (m->emit_on_close_) return unsupported(name, "EMIT ON WINDOW CLOSE over a top-N");
    // The state is the rows within the bound per group, as of the last step; a
    // step ranks state ++ the new rows and keeps those within it again. Rows only
    // arrive, so a row ranked out never comes back.
    m->aggregate_ = true;
    m->top_n_ = top_n;
    m->delta_plan_ = top->children[0];
    sql::prune_columns(*m->delta_plan_);
    m->state_types_ = m->delta_plan_->types;
    auto window_over_state = [&]() {
      auto w = std::make_shared<LogicalPlan>();
      w->kind = LogicalKind::kWindow;
      w->types = top->types;
      w->names = top->names;
      w->windows.push_back(clone_window(top->windows[0]));
      w->children.push_back(state_get(m->state_types_));
      return w;
    };
    const int32_t rank_col = static_cast<int32_t>(m->state_types_.size());
    const types::Type& rank_type = top->types[static_cast<size_t>(rank_col)];
    STRATA_ASSIGN_OR_RETURN(sql::ScalarMatch le, functions->resolve_scalar("<=", {rank_type, rank_type}));
    auto keep = std::make_shared<LogicalPlan>();
    keep->kind = LogicalKind::kFilter;
    keep->types = top->types;
    keep->names = top->names;
    keep->predicate = std::make_unique<BoundExpr>();
    keep->predicate->kind = BoundExprKind::kFunction;
    keep->predicate->function = le.function;
    keep->predicate->type = le.return_type;
    keep->predicate->children.push_back(sql::make_column_ref(rank_col, rank_type));
    keep->predicate->children.push_back(
        cast_if_needed(sql::make_constant(types::Value::bigint(top_n)), le.arg_types[1]));
    keep->children.push_back(window_over_state());
    auto back = std::make_shared<LogicalPlan>();
    back->kind = LogicalKind::kProject;
    back->types = m->state_types_;
    for (size_t i = 0; i < m->state_types_.size(); ++i) {
      back->exprs.push_back(sql::make_column_ref(static_cast<int32_t>(i), m->state_types_[i]));
      back->names.push_back(top->names[i]);
    }
    back->children.push_back(keep);
    m->combine_plan_ = back;
    m->final_plan_ = with_post(window_over_state(), post);
  } else if (agg == nullptr) {
    m->delta_plan_ = root;
    sql::prune_columns(*m->delta_plan_);
    m->state_types_ = root->types;
  } else if (std::any_of(agg->aggregates.begin(), agg->aggregates.end(),
                         [](const sql::BoundAggregate& a) { return a.distinct; })) {
    STRATA_RETURN_IF_ERROR(m->split_distinct_aggregate(*agg, post, name));
  } else {
    m->aggregate_ = true;
    const size_t g = agg->groups.size();
    // Partial aggregates: which partial columns each original aggregate reads.
    auto partial = std::make_shared<LogicalPlan>();
    partial->kind = LogicalKind::kAggregate;
    partial->children = agg->children;
    for (size_t i = 0; i < g; ++i) {
      partial->groups.push_back(agg->groups[i]->clone());
      partial->types.push_back(agg->types[i]);
      partial->names.push_back(agg->names[i]);
    }
    std::vector<std::vector<size_t>> uses;
    for (const sql::BoundAggregate& a : agg->aggregates) {
      std::string fn = a.function != nullptr ? a.function->name : a.name;
      if (a.distinct) return unsupported(name, fmt::format("{}(DISTINCT ...)", fn));
      if (!a.order_by.empty()) return unsupported(name, fmt::format("{}(... ORDER BY ...)", fn));
      if (!a.direct_args.empty()) return unsupported(name, fmt::format("the ordered-set aggregate {}", fn));
      if (fn == "count" || fn == "sum" || fn == "min" || fn == "max") {
        uses.push_back({partial->aggregates.size()});
        partial->aggregates.push_back(clone_aggregate(a));
        continue;
      }
      if (fn != "avg") return unsupported(name, fmt::format("the aggregate {}()", fn));
      const types::Type& t = a.args[0]->type;
      if (!t.is_numeric()) return unsupported(name, fmt::format("avg() of {}", t.name()));
      sql::BoundExprPtr arg = a.args[0]->clone();
      if (t.id() == types::TypeId::kReal) arg = sql::make_cast(std::move(arg), types::Type::double_precision());
      STRATA_ASSIGN_OR_RETURN(sql::AggregateMatch sum, functions->resolve_aggregate("sum", {arg->type}));
      STRATA_ASSIGN_OR_RETURN(sql::AggregateMatch count, functions->resolve_aggregate("count", {t}));
      sql::BoundAggregate s;
      s.function = sum.function;
      s.args.push_back(cast_if_needed(std::move(arg), sum.arg_types[0]));
      if (a.filter) s.filter = a.filter->clone();
      s.type = sum.return_type;
      s.name = "sum";
      sql::BoundAggregate c;
      c.function = count.function;
      c.args.push_back(cast_if_needed(a.args[0]->clone(), count.arg_types[0]));
      if (a.filter) c.filter = a.filter->clone();
      c.type = count.return_type;
      c.name = "count";
      uses.push_back({partial->aggregates.size(), partial->aggregates.size() + 1});
      partial->aggregates.push_back(std::move(s));
      partial->aggregates.push_back(std::move(c));
    }
    for (const auto& a : partial->aggregates) {
      partial->types.push_back(a.type);
      partial->names.push_back(a.name);
    }
    m->state_types_ = partial->types;
    sql::prune_columns(*partial);
    m->delta_plan_ = partial;

    // Combine: state rows and partial rows of the same group into one row.
    STRATA_ASSIGN_OR_RETURN(m->combine_plan_, combine_plan(functions, *partial, g, m->state_types_));

    // Final: the aggregate's output computed from the state, then the post nodes.
    auto from_state = std::make_shared<LogicalPlan>();
    from_state->kind = LogicalKind::kProject;
    from_state->children.push_back(state_get(m->state_types_));
    for (size_t i = 0; i < g; ++i) {
      from_state->exprs.push_back(sql::make_column_ref(static_cast<int32_t>(i), m->state_types_[i]));
    }
    for (size_t k = 0; k < agg->aggregates.size(); ++k) {
      const sql::BoundAggregate& a = agg->aggregates[k];
      auto ref = [&](size_t j) {
        return sql::make_column_ref(static_cast<int32_t>(g + j), m->state_types_[g + j]);
      };
      if (uses[k].size() == 1) {
        from_state->exprs.push_back(cast_if_needed(ref(uses[k][0]), a.type));
        continue;
      }
      // avg = sum / count in the avg's type (numeric division as the avg kernel's,
      // or double division).
      STRATA_ASSIGN_OR_RETURN(sql::ScalarMatch div, functions->resolve_scalar("/", {a.type, a.type}));
      auto e = std::make_unique<BoundExpr>();
      e->kind = BoundExprKind::kFunction;
      e->function = div.function;
      e->type = div.return_type;
      e->name = "avg";
      e->children.push_back(cast_if_needed(cast_if_needed(ref(uses[k][0]), a.type), div.arg_types[0]));
      e->children.push_back(cast_if_needed(cast_if_needed(ref(uses[k][1]), a.type), div.arg_types[1]));
      from_state->exprs.push_back(cast_if_needed(std::move(e), a.type));
    }
    from_state->types = agg->types;
    from_state->names = agg->names;
    m->final_plan_ = with_post(from_state, post);
  }

  if (m->join_recompute_) {
    // The whole plan, over both join inputs, is the view's final plan.
    m->aggregate_ = true;
    m->key_columns_.reset();
    m->state_types_.clear();
    m->delta_plan_ = nullptr;
    m->combine_plan_ = nullptr;
    m->final_plan_ = root;
  }
  // Closed windows leave the state: their rows are final (no later row is below
  // the late bound), so they move to final_rows_ and the rows file. Only where
  // the final plan works group by group (no operator above the aggregate but
  // filters and projections) and the state is per group (no top-N, no join).
  m->prune_closed_ = m->window_key_ >= 0 && m->aggregate_ && !general_post && m->top_n_ == 0 && !m->recompute_ &&
                     !m->join_recompute_ && m->join_stream_ == nullptr;
  // A view without groups has one row even before any input (count 0, sum NULL).
  BatchList result;
  if (m->join_recompute_) {
    STRATA_ASSIGN_OR_RETURN(result, m->result_of({}));
  } else if (m->aggregate_) {
    STRATA_ASSIGN_OR_RETURN(m->state_, m->run_plan(*m->delta_plan_, {}, {}));
    STRATA_ASSIGN_OR_RETURN(result, m->result_of(m->state_));
  }
  STRATA_RETURN_IF_ERROR(m->publish(result));
  return m;
}

Result<std::unique_ptr<ViewMaintainer>> ViewMaintainer::make_recomputed(
    std::shared_ptr<const catalog::MaterializedViewDef> def, std::shared_ptr<const catalog::CatalogSnapshot> catalog,
    const sql::FunctionRegistry* functions, size_t memory_bytes, std::string spill_dir, TableSource tables,
    ViewSource views, std::string reason) {
  std::unique_ptr<ViewMaintainer> m =
      blank(def, catalog, functions, memory_bytes, std::move(spill_dir), std::move(tables), std::move(views));
  m->recompute_reason_ = std::move(reason);
  const std::string& name = def->name;
  STRATA_ASSIGN_OR_RETURN(BoundDefinition bound, bind_definition(*def, catalog, functions));
  if (bound.emit_on_close) return unsupported(name, "EMIT ON WINDOW CLOSE over a recomputed view");
  LogicalPlanPtr root = bound.root;
  m->column_types_ = bound.types;
  m->column_names_ = bound.names;

  // What the plan reads: one or two streams (each maybe more than once), tables.
  std::vector<const catalog::StreamDef*> streams;
  std::string problem;
  std::unordered_set<const LogicalPlan*> seen;  // (a CTE read twice is one node)
  std::function<void(const LogicalPlan&)> check = [&](const LogicalPlan& p) {
    if (!problem.empty() || !seen.insert(&p).second) return;
    problem = unsupported_in_node(p);
    if (p.kind == LogicalKind::kGet && problem.empty()) {
      const catalog::Oid oid = p.table != nullptr ? p.table->oid : 0;
      if (const catalog::StreamDef* st = catalog->find_stream_by_oid(oid)) {
        if (std::find(streams.begin(), streams.end(), st) == streams.end()) streams.push_back(st);
      } else if (catalog->find_table_by_oid(oid) != nullptr) {
        if (std::find(m->lookup_tables_.begin(), m->lookup_tables_.end(), oid) == m->lookup_tables_.end()) {
          m->lookup_tables_.push_back(oid);
        }
      } else if (catalog->find_materialized_view_by_oid(oid) != nullptr) {
        if (std::find(m->upstream_views_.begin(), m->upstream_views_.end(), oid) == m->upstream_views_.end()) {
          m->upstream_views_.push_back(oid);
        }
      } else {
        problem = fmt::format("reading \"{}\"", p.table != nullptr ? p.table->name : std::string("?"));
      }
    }
    for (const auto& c : p.children) check(*c);
  };
  check(*root);
  if (!problem.empty()) return unsupported(name, problem);
  if (!m->upstream_views_.empty()) {
    // A view over views: the whole plan over their current rows.
    if (!streams.empty()) return unsupported(name, "a query over both a stream and a materialized view");
    m->recompute_reason_.clear();
    sql::prune_columns(*root);
    m->aggregate_ = true;
    m->final_plan_ = root;
    // Its stream (what DROP STREAM and SHOW name) is the first upstream view's.
    const catalog::MaterializedViewDef* first = catalog->find_materialized_view_by_oid(m->upstream_views_[0]);
    const catalog::StreamDef* st = catalog->find_stream_by_oid(first->stream_oid);
    if (st == nullptr) return unsupported(name, fmt::format("reading \"{}\", whose stream is gone", first->name));
    m->stream_ = catalog->streams.at(catalog::CatalogSnapshot::key(st->schema, st->name));
    STRATA_RETURN_IF_ERROR(m->step_derived(true).status());
    return m;
  }
  if (streams.empty()) return unsupported(name, "a query that reads no stream");
  if (streams.size() > 2) return unsupported(name, "a query over more than two streams");

  // Each stream's input rows: the union of the columns its scans read.
  sql::prune_columns(*root);
  std::vector<std::vector<int32_t>> used(streams.size());
  std::vector<std::shared_ptr<const catalog::TableDef>> relation(streams.size());
  auto stream_index = [&](const LogicalPlan& p) -> int {
    if (p.kind != LogicalKind::kGet || p.table == nullptr) return -1;
    for (size_t i = 0; i < streams.size(); ++i) {
      if (streams[i]->oid == p.table->oid) return static_cast<int>(i);
    }
    return -1;
  };
  seen.clear();
  std::function<void(const LogicalPlan&)> collect = [&](const LogicalPlan& p) {
    if (!seen.insert(&p).second) return;
    if (int i = stream_index(p); i >= 0) {
      relation[static_cast<size_t>(i)] = p.table;
      for (int32_t c : p.columns) {
        std::vector<int32_t>& u = used[static_cast<size_t>(i)];
        if (std::find(u.begin(), u.end(), c) == u.end()) u.push_back(c);
      }
    }
    for (const auto& c : p.children) collect(*c);
  };
  collect(*root);
  auto input_get = [&](size_t i) {
    std::sort(used[i].begin(), used[i].end());
    auto get = std::make_shared<LogicalPlan>();
    get->kind = LogicalKind::kGet;
    get->table = relation[i];
    get->columns = used[i];
    for (int32_t c : used[i]) {
      get->types.push_back(relation[i]->columns[static_cast<size_t>(c)].type);
      get->names.push_back(relation[i]->columns[static_cast<size_t>(c)].name);
    }
    return get;
  };
  std::vector<LogicalPlanPtr> inputs;
  for (size_t i = 0; i < streams.size(); ++i) inputs.push_back(input_get(i));
  // Every scan of a stream reads its input's rows instead: the state (oid 0) of
  // a view over one stream, the join inputs of one over two.
  const bool two = streams.size() == 2;
  std::unordered_map<const LogicalPlan*, LogicalPlanPtr> replaced;
  auto placeholder = [&](const LogicalPlanPtr& get) -> LogicalPlanPtr {
    auto [it, fresh] = replaced.try_emplace(get.get());
    if (!fresh) return it->second;
    const size_t i = static_cast<size_t>(stream_index(*get));
    LogicalPlanPtr p = two ? join_input_get(i == 0 ? kJoinLeftOid : kJoinRightOid, *inputs[i])
                           : state_get(inputs[i]->types);
    p->columns.clear();
    for (int32_t c : get->columns) {
      p->columns.push_back(static_cast<int32_t>(std::find(used[i].begin(), used[i].end(), c) - used[i].begin()));
    }
    p->types = get->types;
    p->names = get->names;
    it->second = p;
    return p;
  };
  seen.clear();
  std::function<void(LogicalPlan&)> replace = [&](LogicalPlan& p) {
    if (!seen.insert(&p).second) return;
    for (auto& c : p.children) {
      if (stream_index(*c) >= 0) {
        c = placeholder(c);
      } else {
        replace(*c);
      }
    }
  };
  if (stream_index(*root) >= 0) {
    root = placeholder(root);
  } else {
    replace(*root);
  }

  m->aggregate_ = true;  // (rows change as they are recomputed: keyed, without keys)
  m->final_plan_ = root;
  m->stream_ = catalog->streams.at(catalog::CatalogSnapshot::key(streams[0]->schema, streams[0]->name));
  STRATA_RETURN_IF_ERROR(stream_decoder(*streams[0], &m->stream_types_, &m->decoder_));
  BatchList result;
  if (two) {
    m->join_recompute_ = true;
    m->join_stream_ = catalog->streams.at(catalog::CatalogSnapshot::key(streams[1]->schema, streams[1]->name));
    STRATA_RETURN_IF_ERROR(stream_decoder(*streams[1], &m->join_stream_types_, &m->join_decoder_));
    m->join_left_plan_ = inputs[0];
    m->join_right_plan_ = inputs[1];
    m->join_left_types_ = inputs[0]->types;
    m->join_right_types_ = inputs[1]->types;
    STRATA_ASSIGN_OR_RETURN(result, m->result_of({}));
  } else {
    m->recompute_ = true;
    m->delta_plan_ = inputs[0];
    m->state_types_ = inputs[0]->types;
    m->combine_plan_ = state_get(m->state_types_);
    // One stream: its watermark applies (late rows are dead-lettered).
    const catalog::StreamDef& st = *streams[0];
    for (size_t i = 0; i < st.columns.size() && !st.watermark_column.empty(); ++i) {
      if (st.columns[i].name == st.watermark_column) m->event_time_column_ = static_cast<int32_t>(i);
    }
    m->watermark_delay_us_ = st.watermark_delay_us;
    m->allowed_lateness_us_ = st.allowed_lateness_us;
    STRATA_ASSIGN_OR_RETURN(result, m->result_of({}));
  }
  STRATA_RETURN_IF_ERROR(m->publish(result));
  return m;
}

// count(DISTINCT x): the state keeps one row per (group keys, distinct
// arguments), so the distinct values are the state's own rows:
//   partial:  GROUP BY keys, d1..dn with the other aggregates' partials and, per
//             filtered distinct aggregate, bool_or(its filter);
//   combine:  the same keys; partials merged (sum of counts, min, max, sum, bool_or);
//   final:    GROUP BY keys over the state: count(DISTINCT d) [FILTER (WHERE flag)],
//             the others merged again (count = coalesce(sum, 0), avg = sum / count),
//             then the post nodes.
// The state is as large as the number of distinct (keys, arguments) seen.
Status ViewMaintainer::split_distinct_aggregate(const LogicalPlan& agg, const std::vector<LogicalPlan*>& post,
                                                const std::string& name) {
  aggregate_ = true;
  distinct_state_ = true;
  const size_t g = agg.groups.size();
  auto partial = std::make_shared<LogicalPlan>();
  partial->kind = LogicalKind::kAggregate;
  partial->children = agg.children;
  for (size_t i = 0; i < g; ++i) {
    partial->groups.push_back(agg.groups[i]->clone());
    partial->types.push_back(agg.types[i]);
    partial->names.push_back(agg.names[i]);
  }
  // The distinct arguments, each once, as extra group keys.
  std::vector<std::string> distinct_texts;
  std::vector<size_t> distinct_key(agg.aggregates.size(), 0);
  for (size_t k = 0; k < agg.aggregates.size(); ++k) {
    const sql::BoundAggregate& a = agg.aggregates[k];
    std::string fn = a.function != nullptr ? a.function->name : a.name;
    if (!a.order_by.empty()) return unsupported(name, fmt::format("{}(... ORDER BY ...)", fn));
    if (!a.direct_args.empty()) return unsupported(name, fmt::format("the ordered-set aggregate {}", fn));
    if (fn != "count" && fn != "sum" && fn != "min" && fn != "max" && fn != "avg") {
      return unsupported(name, fmt::format("the aggregate {}()", fn));
    }
    if (a.distinct && a.args.size() != 1) return unsupported(name, fmt::format("{}(DISTINCT ...) of several arguments", fn));
    if (fn == "avg" && !a.args[0]->type.is_numeric()) {
      return unsupported(name, fmt::format("avg() of {}", a.args[0]->type.name()));
    }
    if (!a.distinct) continue;
    std::string text = a.args[0]->to_string();
    auto it = std::find(distinct_texts.begin(), distinct_texts.end(), text);
    distinct_key[k] = g + static_cast<size_t>(it - distinct_texts.begin());
    if (it == distinct_texts.end()) {
      distinct_texts.push_back(text);
      partial->groups.push_back(a.args[0]->clone());
      partial->types.push_back(a.args[0]->type);
      partial->names.push_back(fmt::format("distinct_{}", distinct_texts.size()));
    }
  }
  const size_t keys = partial->groups.size();
  // Per original aggregate: its partial column (a flag for filtered distinct
  // counts; none for unfiltered ones).
  std::vector<int64_t> partial_col(agg.aggregates.size(), -1);
  for (size_t k = 0; k < agg.aggregates.size(); ++k) {
    const sql::BoundAggregate& a = agg.aggregates[k];
    if (!a.distinct && a.function->name == "avg") {
      // avg as a sum and a count (the count right after the sum), as the plain path's.
      const types::Type& t = a.args[0]->type;
      sql::BoundExprPtr arg = a.args[0]->clone();
      if (t.id() == types::TypeId::kReal) arg = sql::make_cast(std::move(arg), types::Type::double_precision());
      STRATA_ASSIGN_OR_RETURN(sql::AggregateMatch sum, functions_->resolve_aggregate("sum", {arg->type}));
      STRATA_ASSIGN_OR_RETURN(sql::AggregateMatch count, functions_->resolve_aggregate("count", {t}));
      sql::BoundAggregate ps;
      ps.function = sum.function;
      ps.args.push_back(cast_if_needed(std::move(arg), sum.arg_types[0]));
      if (a.filter) ps.filter = a.filter->clone();
      ps.type = sum.return_type;
      ps.name = "sum";
      sql::BoundAggregate pc;
      pc.function = count.function;
      pc.args.push_back(cast_if_needed(a.args[0]->clone(), count.arg_types[0]));
      if (a.filter) pc.filter = a.filter->clone();
      pc.type = count.return_type;
      pc.name = "count";
      partial_col[k] = static_cast<int64_t>(keys + partial->aggregates.size());
      partial->aggregates.push_back(std::move(ps));
      partial->aggregates.push_back(std::move(pc));
      continue;
    }
    if (!a.distinct) {
      partial_col[k] = static_cast<int64_t>(keys + partial->aggregates.size());
      partial->aggregates.push_back(clone_aggregate(a));
      continue;
    }
    if (!a.filter) continue;
    STRATA_ASSIGN_OR_RETURN(sql::AggregateMatch any, functions_->resolve_aggregate("bool_or", {types::Type::boolean()}));
    sql::BoundAggregate flag;
    flag.function = any.function;
    flag.args.push_back(cast_if_needed(a.filter->clone(), any.arg_types[0]));
    flag.type = any.return_type;
    flag.name = "bool_or";
    partial_col[k] = static_cast<int64_t>(keys + partial->aggregates.size());
    partial->aggregates.push_back(std::move(flag));
  }
  for (const auto& a : partial->aggregates) {
    partial->types.push_back(a.type);
    partial->names.push_back(a.name);
  }
  state_types_ = partial->types;
  sql::prune_columns(*partial);
  delta_plan_ = partial;

  STRATA_ASSIGN_OR_RETURN(combine_plan_, combine_plan(functions_, *partial, keys, state_types_));

  // Final: GROUP BY the view's keys over the state, then its output types.
  auto final_agg = std::make_shared<LogicalPlan>();
  final_agg->kind = LogicalKind::kAggregate;
  final_agg->children.push_back(state_get(state_types_));
  for (size_t i = 0; i < g; ++i) {
    final_agg->groups.push_back(sql::make_column_ref(static_cast<int32_t>(i), state_types_[i]));
    final_agg->types.push_back(state_types_[i]);
    final_agg->names.push_back(agg.names[i]);
  }
  // Where each original aggregate's value is among final_agg's columns (avg: its
  // sum, then its count).
  std::vector<size_t> final_col(agg.aggregates.size());
  for (size_t k = 0; k < agg.aggregates.size(); ++k) {
    const sql::BoundAggregate& a = agg.aggregates[k];
    final_col[k] = final_agg->types.size();
    sql::BoundAggregate c;
    if (!a.distinct && a.function->name == "avg") {
      for (const char* part : {"sum", "count"}) {
        const size_t col = static_cast<size_t>(partial_col[k]) + (part[0] == 's' ? 0 : 1);
        STRATA_ASSIGN_OR_RETURN(sql::BoundAggregate m, merge_partial(functions_, part, state_types_, col));
        final_agg->types.push_back(m.type);
        final_agg->names.push_back(m.name);
        final_agg->aggregates.push_back(std::move(m));
      }
      continue;
    }
    if (a.distinct) {
      // fn(DISTINCT d) over the state's rows, one per distinct value of d.
      const size_t col = distinct_key[k];
      const std::string fn = a.function->name;
      STRATA_ASSIGN_OR_RETURN(sql::AggregateMatch match, functions_->resolve_aggregate(fn, {state_types_[col]}));
      c.function = match.function;
      c.args.push_back(
          cast_if_needed(sql::make_column_ref(static_cast<int32_t>(col), state_types_[col]), match.arg_types[0]));
      c.distinct = true;
      if (partial_col[k] >= 0) {
        auto is_true = std::make_unique<BoundExpr>();
        is_true->kind = BoundExprKind::kIsTrue;
        is_true->type = types::Type::boolean();
        is_true->children.push_back(sql::make_column_ref(static_cast<int32_t>(partial_col[k]),
                                                         state_types_[static_cast<size_t>(partial_col[k])]));
        c.filter = std::move(is_true);
      }
      c.type = match.return_type;
      c.name = fn;
    } else {
      STRATA_ASSIGN_OR_RETURN(
          c, merge_partial(functions_, a.function->name, state_types_, static_cast<size_t>(partial_col[k])));
    }
    final_agg->types.push_back(c.type);
    final_agg->names.push_back(c.name);
    final_agg->aggregates.push_back(std::move(c));
  }
  auto out = std::make_shared<LogicalPlan>();
  out->kind = LogicalKind::kProject;
  out->children.push_back(final_agg);
  for (size_t i = 0; i < g + agg.aggregates.size(); ++i) {
    const size_t col = i < g ? i : final_col[i - g];
    sql::BoundExprPtr e = sql::make_column_ref(static_cast<int32_t>(col), final_agg->types[col]);
    const sql::BoundAggregate* a = i < g ? nullptr : &agg.aggregates[i - g];
    if (a != nullptr && !a->distinct && a->function->name == "count") {
      // A count over no state rows (no GROUP BY, no input yet) is 0, not NULL.
      auto zero = std::make_unique<BoundExpr>();
      zero->kind = BoundExprKind::kCoalesce;
      zero->type = final_agg->types[col];
      zero->children.push_back(std::move(e));
      zero->children.push_back(cast_if_needed(sql::make_constant(types::Value::bigint(0)), final_agg->types[col]));
      e = std::move(zero);
    } else if (a != nullptr && !a->distinct && a->function->name == "avg") {
      // avg = sum / count in the avg's type, as the plain path divides.
      STRATA_ASSIGN_OR_RETURN(sql::ScalarMatch div, functions_->resolve_scalar("/", {a->type, a->type}));
      auto d = std::make_unique<BoundExpr>();
      d->kind = BoundExprKind::kFunction;
      d->function = div.function;
      d->type = div.return_type;
      d->name = "avg";
      d->children.push_back(cast_if_needed(cast_if_needed(std::move(e), a->type), div.arg_types[0]));
      d->children.push_back(cast_if_needed(
          cast_if_needed(sql::make_column_ref(static_cast<int32_t>(col + 1), final_agg->types[col + 1]), a->type),
          div.arg_types[1]));
      e = std::move(d);
    }
    out->exprs.push_back(cast_if_needed(std::move(e), agg.types[i]));
  }
  out->types = agg.types;
  out->names = agg.names;
  final_plan_ = with_post(out, post);
  return Status::ok_status();
}

Result<OperatorPtr> ViewMaintainer::plan_operators(const sql::LogicalPlan& plan, const PlanInputs& in) const {
  static const BatchList kNone;
  PhysicalPlanner::ScanFactory scan = [&](const sql::LogicalPlan& get, const ScanHints&) -> Result<OperatorPtr> {
    const catalog::Oid oid = get.table->oid;
    const bool join_stream = join_stream_ != nullptr && oid == join_stream_->oid;
    const auto upstream = in.views != nullptr ? in.views->find(oid) : decltype(in.views->end()){};
    const bool view = in.views != nullptr && upstream != in.views->end();
    if (oid != 0 && oid != stream_->oid && oid != kJoinLeftOid && oid != kJoinRightOid && !join_stream && !view) {
      // A lookup join's table, as it is now.
      std::shared_ptr<TableStorage> storage = tables_ ? tables_(get.table->oid) : nullptr;
      std::shared_ptr<const TableReadView> view = storage ? storage->snapshot() : nullptr;
      auto it = std::make_shared<std::unique_ptr<RowBatchIterator>>();
      std::vector<int32_t> columns = get.columns;
      std::string table = get.table->name;
      return OperatorPtr(std::make_unique<BatchFunctionSource>(
          get.types, "Scan", get.table->name,
          [view, it, columns, table](ExecContext&, types::Batch& out) -> Result<bool> {
            if (view == nullptr) {
              return Status::sql("42P01", fmt::format("table \"{}\" of a lookup join is not available", table));
            }
            if (*it == nullptr) {
              ScanRequest req;
              req.columns = columns;
              STRATA_ASSIGN_OR_RETURN(*it, view->open(req));
            }
            return (*it)->next(out);
          }));
    }
    const BatchList* source = view                  ? &upstream->second->batches
                              : oid == 0             ? in.state
                              : oid == kJoinLeftOid  ? in.left
                              : oid == kJoinRightOid ? in.right
                              : join_stream          ? in.join_delta
                                                     : in.delta;
    if (source == nullptr) source = &kNone;
    auto next = std::make_shared<size_t>(0);
    std::vector<int32_t> columns = get.columns;
    std::vector<types::Type> types = get.types;
    return OperatorPtr(std::make_unique<BatchFunctionSource>(
        get.types, "Scan", oid == 0 ? "view state" : get.table->name,
        [source, next, columns, types](ExecContext&, types::Batch& out) -> Result<bool> {
          while (*next < source->size()) {
            const types::Batch& in = *(*source)[(*next)++];
            if (in.rows == 0) continue;
            out = types::Batch(types);
            for (size_t k = 0; k < columns.size(); ++k) {
              out.columns[k].append_rows(in.columns[static_cast<size_t>(columns[k])], 0, in.rows);
            }
            out.rows = in.rows;
            return true;
          }
          return false;
        }));
  };
  PhysicalPlanner planner(scan);
  return planner.plan(plan);
}

Result<ViewMaintainer::BatchList> ViewMaintainer::run_plan(const sql::LogicalPlan& plan, const BatchList& delta,
                                                           const BatchList& state) const {
  PlanInputs in;
  in.delta = &delta;
  in.state = &state;
  return run_plan(plan, in);
}

Result<ViewMaintainer::BatchList> ViewMaintainer::run_plan(const sql::LogicalPlan& plan, const PlanInputs& in) const {
  STRATA_ASSIGN_OR_RETURN(OperatorPtr root, plan_operators(plan, in));
  MemoryBudget budget(memory_bytes_);
  ExecContext ctx;
  ctx.catalog = catalog_;
  ctx.functions.catalog = catalog_.get();
  ctx.memory = &budget;
  ctx.spill_dir = spill_dir_;
  STRATA_RETURN_IF_ERROR(root->open(ctx));
  BatchList out;
  while (true) {
    types::Batch b;
    Result<bool> more = root->pull(b);
    if (!more.ok()) {
      root->close();
      return more.status();
    }
    if (!*more) break;
    if (b.rows > 0) out.push_back(std::make_shared<const types::Batch>(std::move(b)));
  }
  root->close();
  return out;
}

Result<ViewMaintainer::BatchList> ViewMaintainer::recompute_join(const BatchList& left, const BatchList& right) const {
  PlanInputs in;
  in.left = &left;
  in.right = &right;
  return run_plan(*final_plan_, in);
}

Status ViewMaintainer::apply(const StepState& base, const BatchList& delta, const BatchList& join_delta,
                             StepState* next, BatchList* result) const {
  BatchList rows;
  next->left = base.left;
  next->right = base.right;
  if (join_recompute_) {
    // Both inputs grow; the view is recomputed from all of them.
    STRATA_ASSIGN_OR_RETURN(BatchList left_new, run_plan(*join_left_plan_, delta, {}));
    PlanInputs right_in;
    right_in.join_delta = &join_delta;
    STRATA_ASSIGN_OR_RETURN(BatchList right_new, run_plan(*join_right_plan_, right_in));
    next->left.insert(next->left.end(), left_new.begin(), left_new.end());
    next->right.insert(next->right.end(), right_new.begin(), right_new.end());
    next->state.clear();
    STRATA_ASSIGN_OR_RETURN(*result, recompute_join(next->left, next->right));
    return Status::ok_status();
  }
  if (join_stream_ == nullptr) {
    STRATA_ASSIGN_OR_RETURN(rows, run_plan(*delta_plan_, delta, {}));
  } else {
    // delta(L join R) = dL join (R ++ dR)  ++  L join dR, with L and R every row
    // each input has fed the join so far (inner joins only: no retractions).
    STRATA_ASSIGN_OR_RETURN(BatchList left_new, run_plan(*join_left_plan_, delta, {}));
    PlanInputs right_in;
    right_in.join_delta = &join_delta;
    STRATA_ASSIGN_OR_RETURN(BatchList right_new, run_plan(*join_right_plan_, right_in));
    next->right.insert(next->right.end(), right_new.begin(), right_new.end());
    PlanInputs first;
    first.left = &left_new;
    first.right = &next->right;
    if (!left_new.empty()) {
      STRATA_ASSIGN_OR_RETURN(rows, run_plan(*delta_plan_, first));
    }
    if (!right_new.empty()) {
      PlanInputs second;
      second.left = &base.left;
      second.right = &right_new;
      STRATA_ASSIGN_OR_RETURN(BatchList more, run_plan(*delta_plan_, second));
      rows.insert(rows.end(), more.begin(), more.end());
    }
    next->left.insert(next->left.end(), left_new.begin(), left_new.end());
  }
  if (!aggregate_) {
    next->state = base.state;
    next->state.insert(next->state.end(), rows.begin(), rows.end());
    *result = next->state;
    return Status::ok_status();
  }
  BatchList both = base.state;
  both.insert(both.end(), rows.begin(), rows.end());
  STRATA_ASSIGN_OR_RETURN(next->state, run_plan(*combine_plan_, {}, both));
  STRATA_ASSIGN_OR_RETURN(*result, run_plan(*final_plan_, {}, next->state));
  return Status::ok_status();
}

Result<std::vector<std::string>> ViewMaintainer::explain() const {
  std::vector<std::string> lines;
  auto interval = [](int64_t us) { return types::Value::interval(types::Interval{0, 0, us}).to_text(); };
  lines.push_back(fmt::format("Materialized view \"{}\" over stream \"{}\" (topic \"{}\", format {})", def_->name,
                              stream_->name, stream_->topic, stream_->format));
  lines.push_back(fmt::format("  Input: every partition from the view's next offsets, one bounded step at a time; "
                              "records that do not decode -> \"{}\"",
                              stream_->dead_letter_topic));
  if (event_time_column_ >= 0) {
    lines.push_back(fmt::format("  Event time: {} (watermark delay {}, allowed lateness {}); late rows -> \"{}\" "
                                "(reason late)",
                                stream_->watermark_column, interval(watermark_delay_us_),
                                interval(allowed_lateness_us_), stream_->dead_letter_topic));
  } else {
    lines.push_back("  Event time: none (the stream has no WATERMARK)");
  }
  if (prune_closed_) {
    lines.push_back(fmt::format("  Closed windows: once the late bound passes a window's end (state column {}), its "
                                "rows are final: they leave the state for the view's rows file",
                                window_key_ + 1));
  }
  if (emit_on_close_) {
    lines.push_back(fmt::format("  Emit: on window close (groups whose window_end <= the late bound; state column {} "
                                "is the window's {})",
                                window_key_ + 1, window_end_offset_us_ == 0 ? "end" : "start"));
  } else {
    lines.push_back("  Emit: on update (every step publishes the whole result)");
  }
  auto tree = [&](const std::string& title, const sql::LogicalPlan& plan) -> Status {
    STRATA_ASSIGN_OR_RETURN(OperatorPtr root, plan_operators(plan, PlanInputs{}));
    lines.push_back("  " + title);
    std::string text = explain_operator_tree(*root, false);
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      if (end > start) lines.push_back("    " + text.substr(start, end - start));
      start = end + 1;
    }
    return Status::ok_status();
  };
  if (!upstream_views_.empty()) {
    lines.clear();  // (no stream input)
    std::string names;
    for (catalog::Oid oid : upstream_views_) {
      const catalog::MaterializedViewDef* v = catalog_->find_materialized_view_by_oid(oid);
      names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", v != nullptr ? v->name : std::to_string(oid));
    }
    lines.push_back(fmt::format("Materialized view \"{}\" over materialized views {} (a cascade)", def_->name, names));
    lines.push_back("  Input: the current rows of each view it reads; a step runs when one of them published new "
                    "rows and recomputes the view from all of their rows (no state, no checkpoint: after a restart "
                    "it is recomputed from theirs)");
    STRATA_RETURN_IF_ERROR(tree("Step, the views' rows -> the view's rows:", *final_plan_));
    return lines;
  }
  if (join_recompute_) {
    lines.push_back(
        recompute_reason_.empty()
            ? fmt::format("  Join of two streams: \"{}\" (left input) with \"{}\" (right input, topic \"{}\"), "
                          "an outer, semi or anti join: its rows change as either side grows, so each step "
                          "recomputes the view from every row both inputs took in (kept in the state)",
                          stream_->name, join_stream_->name, join_stream_->topic)
            : fmt::format("  Two streams: \"{}\" (left input) and \"{}\" (right input, topic \"{}\"); no "
                          "incremental rule covers {}, so each step recomputes the view from every row both "
                          "inputs took in (kept in the state; no watermark)",
                          stream_->name, join_stream_->name, join_stream_->topic, recompute_reason_));
    STRATA_RETURN_IF_ERROR(tree(fmt::format("Left input, new records of {} -> rows:", stream_->name), *join_left_plan_));
    STRATA_RETURN_IF_ERROR(
        tree(fmt::format("Right input, new records of {} -> rows:", join_stream_->name), *join_right_plan_));
    STRATA_RETURN_IF_ERROR(tree("Step, both inputs -> the view's rows:", *final_plan_));
    lines.push_back("  Checkpoint: next offsets of both streams and every row of both inputs in one file, every "
                    "streams.checkpoint_interval_ms (docs/formats/view-checkpoint.md)");
    return lines;
  }
  if (recompute_) {
    lines.push_back(fmt::format("  State: every input row ({} columns); each step recomputes the view from all of "
                                "them (no incremental rule covers {})",
                                state_types_.size(), recompute_reason_));
    STRATA_RETURN_IF_ERROR(tree(fmt::format("Step 1, new records -> input rows (Scan ({}) reads the step's records):",
                                            stream_->name),
                                *delta_plan_));
    STRATA_RETURN_IF_ERROR(tree("Step 2, state ++ input rows -> the view's rows:", *final_plan_));
    lines.push_back("  Checkpoint: next offsets and every input row in one file, every "
                    "streams.checkpoint_interval_ms (docs/formats/view-checkpoint.md)");
    return lines;
  }
  if (join_stream_ != nullptr) {
    lines.push_back(fmt::format("  Join of two streams: \"{}\" (left input) with \"{}\" (right input, topic \"{}\"); "
                                "each step joins each side's new rows with every row the other side took in "
                                "(inner; kept in the state; {})",
                                stream_->name, join_stream_->name, join_stream_->topic,
                                event_time_column_ >= 0 ? "the left stream's watermark applies, the right's does not"
                                                        : "no watermark"));
    for (const JoinPrune& r : join_prune_) {
      const std::string& col = join_right_plan_->names[static_cast<size_t>(r.column)];
      lines.push_back(fmt::format("  State pruning: right input rows whose {} is below {}'s late bound{} are dropped "
                                  "(no later row of \"{}\" can join them)",
                                  col.empty() ? fmt::format("column {}", r.column + 1) : col, stream_->name,
                                  r.offset_us == 0 ? std::string()
                                  : r.offset_us > 0 ? " + " + interval(r.offset_us)
                                                    : " - " + interval(-r.offset_us),
                                  stream_->name));
    }
    STRATA_RETURN_IF_ERROR(tree(fmt::format("Left input, new records of {} -> rows:", stream_->name), *join_left_plan_));
    STRATA_RETURN_IF_ERROR(
        tree(fmt::format("Right input, new records of {} -> rows:", join_stream_->name), *join_right_plan_));
  }
  if (top_n_ > 0) {
    lines.push_back(fmt::format("  State: the rows ranked within the top {} of their group, {} columns", top_n_,
                                state_types_.size()));
    STRATA_RETURN_IF_ERROR(tree(fmt::format("Step 1, new records -> candidate rows (Scan ({}) reads the step's "
                                            "records):",
                                            stream_->name),
                                *delta_plan_));
    STRATA_RETURN_IF_ERROR(tree("Step 2, state ++ candidates -> the top rows per group (state):", *combine_plan_));
    STRATA_RETURN_IF_ERROR(tree("Step 3, state -> the view's rows:", *final_plan_));
  } else if (aggregate_) {
    lines.push_back(fmt::format("  State: one row per {}, {} columns (group keys, then partial aggregates)",
                                distinct_state_ ? "group and distinct argument values" : "group",
                                state_types_.size()));
    STRATA_RETURN_IF_ERROR(tree(fmt::format("Step 1, new records -> partial aggregates (Scan ({}) reads the step's "
                                            "records):",
                                            stream_->name),
                                *delta_plan_));
    STRATA_RETURN_IF_ERROR(tree("Step 2, state ++ partial aggregates -> state:", *combine_plan_));
    STRATA_RETURN_IF_ERROR(tree("Step 3, state -> the view's rows:", *final_plan_));
  } else {
    lines.push_back("  State: the view's rows, appended to (append-only)");
    STRATA_RETURN_IF_ERROR(tree("Step, new records -> new rows:", *delta_plan_));
  }
  lines.push_back(aggregate_ ? "  Checkpoint: next offsets, event times and the whole state in one file, every "
                               "streams.checkpoint_interval_ms (docs/formats/view-checkpoint.md)"
                             : "  Checkpoint: next offsets and event times in one file, the new rows appended to "
                               "the view's rows file, every streams.checkpoint_interval_ms "
                               "(docs/formats/view-checkpoint.md)");
  return lines;
}

ViewMaintainer::BatchList ViewMaintainer::split_closed(const BatchList& state, int64_t bound, BatchList* open) const {
  BatchList closed;
  std::vector<uint32_t> rows, rest;
  for (const auto& b : state) {
    rows.clear();
    rest.clear();
    const types::Vector& key = b->columns[static_cast<size_t>(window_key_)];
    const int64_t* k = key.data<int64_t>();
    for (size_t i = 0; i < b->rows; ++i) {
      // end <= bound, written so that it cannot overflow.
      const bool done = !key.is_null(i) && k[i] <= bound - window_end_offset_us_;
      (done ? rows : rest).push_back(static_cast<uint32_t>(i));
    }
    for (auto [ids, out] : {std::pair{&rows, &closed}, std::pair{&rest, open}}) {
      if (out == nullptr || ids->empty()) continue;
      if (ids->size() == b->rows) {
        out->push_back(b);
      } else {
        auto part = std::make_shared<types::Batch>(state_types_);
        part->append_selected(*b, ids->data(), ids->size());
        out->push_back(std::move(part));
      }
    }
  }
  return closed;
}

Result<ViewMaintainer::BatchList> ViewMaintainer::take_closed_windows(int64_t bound, BatchList* state) const {
  BatchList open;
  BatchList closed = split_closed(*state, bound, &open);
  if (closed.empty()) return BatchList{};
  STRATA_ASSIGN_OR_RETURN(BatchList rows, run_plan(*final_plan_, {}, closed));
  *state = std::move(open);
  return rows;
}

Result<ViewMaintainer::BatchList> ViewMaintainer::result_of(const BatchList& state) const {
  if (join_recompute_) return recompute_join(join_left_, join_right_);
  if (!aggregate_) return state;
  BatchList out = prune_closed_ ? final_rows_ : BatchList{};
  BatchList rows;
  if (!emit_on_close_) {
    STRATA_ASSIGN_OR_RETURN(rows, run_plan(*final_plan_, {}, state));
  } else if (closed_us_) {
    STRATA_ASSIGN_OR_RETURN(rows, run_plan(*final_plan_, {}, split_closed(state, *closed_us_, nullptr)));
  } else {
    STRATA_ASSIGN_OR_RETURN(rows, run_plan(*final_plan_, {}, {}));
  }
  out.insert(out.end(), rows.begin(), rows.end());
  return out;
}

std::optional<int64_t> ViewMaintainer::raised_close(const std::vector<PartitionOffsets>& parts,
                                                    const std::map<int32_t, int64_t>& next,
                                                    const std::map<int32_t, int64_t>& max_event,
                                                    std::optional<int64_t> floor) const {
  if (event_time_column_ < 0 || max_event.empty()) return floor;
  int64_t watermark = INT64_MIN;
  for (const auto& [partition, t] : max_event) watermark = std::max(watermark, t);
  for (const PartitionOffsets& p : parts) {
    auto it = next.find(p.partition);
    int64_t from = std::max(it == next.end() ? int64_t{0} : it->second, p.start_offset);
    if (from >= p.end_offset) continue;  // caught up: does not hold the watermark back
    auto seen = max_event.find(p.partition);
    if (seen == max_event.end()) return floor;  // unread records of unknown time
    watermark = std::min(watermark, seen->second);
  }
  // Event times are timestamps (|t| < 2^62 µs) and the delays intervals of days at
  // most millions of years: the difference cannot overflow.
  int64_t close = watermark - watermark_delay_us_ - allowed_lateness_us_;
  return floor ? std::max(*floor, close) : close;
}

Status ViewMaintainer::publish(const BatchList& result) {
  auto r = std::make_shared<ViewResult>();
  r->types = column_types_;
  r->batches = result;
  for (const auto& b : result) r->rows += b->rows;
  std::lock_guard<std::mutex> lock(mu_);
  result_ = std::move(r);
  stats_.input_records = input_records_;
  stats_.dead_letters = dead_letters_;
  stats_.rows = result_->rows;
  stats_.checkpoints = sequence_;
  stats_.closed_us = closed_us_;
  stats_.state_bytes = 0;
  for (const BatchList* part : {&state_, &join_left_, &join_right_}) {
    for (const auto& b : *part) stats_.state_bytes += b->size_bytes();
  }
  return Status::ok_status();
}

std::shared_ptr<const ViewResult> ViewMaintainer::result() const {
  std::lock_guard<std::mutex> lock(mu_);
  return result_;
}

ViewStats ViewMaintainer::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  ViewStats s = stats_;
  if (!failure_.ok()) s.status = failure_.to_string();
  return s;
}

void ViewMaintainer::fail(Status error) {
  std::lock_guard<std::mutex> lock(mu_);
  failure_ = std::move(error);
}

Status ViewMaintainer::failure() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failure_;
}

Status ViewMaintainer::send_dead_letters(TopicAccess* access, const std::vector<DeadLetter>& dead) {
  for (const bool join_side : {false, true}) {
    const catalog::StreamDef* from = join_side ? join_stream_.get() : stream_.get();
    std::vector<ProducedRecord> records;
    for (const DeadLetter& d : dead) {
      if (d.join_stream != join_side) continue;
      std::string json = "{\"reason\":";
      append_json_string(json, d.reason);
      if (!d.detail.empty()) {
        json += ",\"detail\":";
        append_json_string(json, d.detail);
      }
      json += ",\"stream\":";
      append_json_string(json, from->name);
      json += ",\"view\":";
      append_json_string(json, def_->name);
      json += fmt::format(",\"topic\":");
      append_json_string(json, from->topic);
      json += fmt::format(",\"partition\":{},\"offset\":{},\"timestamp_ms\":{}", d.partition, d.record->offset,
                          d.record->timestamp_ms);
      if (!d.record->value) {
        json += ",\"value\":null";
      } else if (valid_utf8(*d.record->value)) {
        json += ",\"value\":";
        append_json_string(json, *d.record->value);
      } else {
        json += ",\"value_base64\":\"" + base64(*d.record->value) + "\"";
      }
      json += "}";
      ProducedRecord rec;
      rec.key = d.record->key;
      rec.value = std::move(json);
      rec.timestamp_ms = d.record->timestamp_ms;
      records.push_back(std::move(rec));
    }
    if (records.empty()) continue;
    bool& ready = join_side ? join_dead_letter_topic_ready_ : dead_letter_topic_ready_;
    if (!ready) {
      STRATA_RETURN_IF_ERROR(access->ensure_topic(from->dead_letter_topic, 1).status());
      ready = true;
    }
    STRATA_RETURN_IF_ERROR(access->append(from->dead_letter_topic, 0, std::move(records)).status());
  }
  return Status::ok_status();
}

Result<bool> ViewMaintainer::step_derived(bool starting) {
  std::map<catalog::Oid, std::shared_ptr<const ViewResult>> now;
  bool changed = upstream_seen_.empty();
  for (catalog::Oid oid : upstream_views_) {
    std::shared_ptr<ViewMaintainer> up = views_ ? views_(oid) : nullptr;
    const catalog::MaterializedViewDef* def = catalog_->find_materialized_view_by_oid(oid);
    const std::string up_name = def != nullptr ? def->name : std::to_string(oid);
    if (up == nullptr || !up->failure().ok()) {
      if (starting) {
        now[oid] = std::make_shared<const ViewResult>();
        continue;
      }
      return Status::sql("55000", fmt::format("materialized view \"{}\" reads \"{}\", which is not maintained{}",
                                              def_->name, up_name,
                                              up == nullptr ? "" : ": " + up->failure().message()));
    }
    now[oid] = up->result();
    auto seen = upstream_seen_.find(oid);
    if (seen == upstream_seen_.end() || seen->second != now[oid]) changed = true;
  }
  if (!changed) return false;
  PlanInputs in;
  in.views = &now;
  STRATA_ASSIGN_OR_RETURN(BatchList result, run_plan(*final_plan_, in));
  STRATA_RETURN_IF_ERROR(publish(result));
  upstream_seen_ = std::move(now);
  return true;
}

Result<bool> ViewMaintainer::step(TopicAccess* access, int32_t max_bytes, int64_t state_bytes_max) {
  STRATA_RETURN_IF_ERROR(failure());
  if (!upstream_views_.empty()) return step_derived(false);
  STRATA_ASSIGN_OR_RETURN(std::vector<PartitionOffsets> parts, access->partitions(stream_->topic));
  // Fetched records stay alive for the step: dead letters point into them.
  std::vector<std::pair<int32_t, std::vector<FetchedRecord>>> fetched;
  std::map<int32_t, int64_t> next = next_offsets_;
  if (aggregate_) {
    // A step of an aggregate costs O(state + new records): the state is combined
    // with the new partial rows and the result recomputed from it. Reading at
    // least about as many bytes as the state holds keeps the cost per record
    // bounded as the state grows (only when records are waiting: a step never
    // waits for more).
    int64_t state_bytes = 0;
    for (const BatchList* part : {&state_, &join_left_, &join_right_}) {
      for (const auto& b : *part) state_bytes += static_cast<int64_t>(b->size_bytes());
    }
    // A recomputed view's state can be much narrower than the records it came
    // from (the columns it reads): reading at least as many bytes as all its
    // earlier steps of this process did makes the recomputations' total cost
    // a geometric series, O(state) per doubling of the input.
    if (recompute_ || join_recompute_) state_bytes = std::max(state_bytes, input_bytes_);
    max_bytes = static_cast<int32_t>(std::max<int64_t>(max_bytes, std::min(state_bytes, kStepBytesAdaptiveMax)));
  }
  // At most `max_bytes` of records of `topic`'s partitions `ps` from `at`.
  auto fetch = [&](const std::string& topic, const std::vector<PartitionOffsets>& ps, std::map<int32_t, int64_t>& at,
                   std::vector<std::pair<int32_t, std::vector<FetchedRecord>>>& out) -> Status {
    int64_t budget = max_bytes;
    for (const PartitionOffsets& p : ps) {
      if (budget <= 0) break;
      auto it = at.find(p.partition);
      int64_t from = std::max(it == at.end() ? int64_t{0} : it->second, p.start_offset);
      if (from >= p.end_offset) continue;
      STRATA_ASSIGN_OR_RETURN(std::vector<FetchedRecord> recs,
                              access->read(topic, p.partition, from, p.end_offset,
                                           static_cast<int32_t>(std::min<int64_t>(budget, max_bytes))));
      if (recs.empty()) continue;
      at[p.partition] = recs.back().offset + 1;
      for (const auto& r : recs) budget -= static_cast<int64_t>((r.value ? r.value->size() : 0) + 16);
      out.emplace_back(p.partition, std::move(recs));
    }
    return Status::ok_status();
  };
  STRATA_RETURN_IF_ERROR(fetch(stream_->topic, parts, next, fetched));
  // A join of two streams reads its other stream in the same step, as much again.
  std::vector<std::pair<int32_t, std::vector<FetchedRecord>>> join_fetched;
  std::map<int32_t, int64_t> join_next = join_next_offsets_;
  if (join_stream_ != nullptr) {
    STRATA_ASSIGN_OR_RETURN(std::vector<PartitionOffsets> join_parts, access->partitions(join_stream_->topic));
    STRATA_RETURN_IF_ERROR(fetch(join_stream_->topic, join_parts, join_next, join_fetched));
  }
  if (fetched.empty() && join_fetched.empty()) return false;
  // Lateness (the header's rule, applied row by row): a row of partition p is late
  // below max(closed_us_ raised at the step's start, min(the largest event time
  // read so far from p, `others` for p) - delay - lateness), where `others` is the
  // smallest largest-event-time, at the step's start, of the other partitions with
  // unread records (INT64_MIN for one not read yet; INT64_MAX when there are none).
  // On a one-partition stream a row's bound thus depends only on the records
  // before it, not on where steps begin.
  std::optional<int64_t> late_floor = raised_close(parts, next_offsets_, max_event_us_, closed_us_);
  int64_t min1 = INT64_MAX, min2 = INT64_MAX;
  int32_t min1_partition = -1;
  for (const PartitionOffsets& p : parts) {
    auto it = next_offsets_.find(p.partition);
    if (std::max(it == next_offsets_.end() ? int64_t{0} : it->second, p.start_offset) >= p.end_offset) continue;
    auto seen = max_event_us_.find(p.partition);
    const int64_t t = seen == max_event_us_.end() ? INT64_MIN : seen->second;
    if (t < min1) {
      min2 = min1;
      min1 = t;
      min1_partition = p.partition;
    } else if (t < min2) {
      min2 = t;
    }
  }
  std::map<int32_t, int64_t> max_event = max_event_us_;
  auto late_bound = [&](int32_t partition) -> std::optional<int64_t> {
    auto m = max_event.find(partition);
    if (m == max_event.end()) return late_floor;
    const int64_t w = std::min(m->second, partition == min1_partition ? min2 : min1);
    if (w == INT64_MIN) return late_floor;
    // Event times are timestamps (|t| < 2^62 µs) and the delays fixed intervals:
    // the difference cannot overflow.
    const int64_t bound = w - watermark_delay_us_ - allowed_lateness_us_;
    return late_floor ? std::max(*late_floor, bound) : bound;
  };

  // Decode into batches of kBatchRows; remember each decoded row's record.
  struct Origin {
    int32_t partition;
    const FetchedRecord* record;
  };
  std::vector<Origin> origins;
  std::vector<DeadLetter> dead;
  std::vector<types::Batch> decoded;
  uint64_t consumed = 0;
  for (const auto& [partition, recs] : fetched) {
    for (const FetchedRecord& rec : recs) {
      ++consumed;
      if (decoded.empty() || decoded.back().rows >= types::kBatchRows) decoded.emplace_back(stream_types_);
      std::optional<std::string_view> value;
      if (rec.value) value = std::string_view(*rec.value);
      Status s = decoder_->decode(value, decoded.back());
      if (s.ok() && event_time_column_ >= 0) {
        types::Batch& b = decoded.back();
        const size_t row = b.rows - 1;
        const types::Vector& v = b.columns[static_cast<size_t>(event_time_column_)];
        if (!v.is_null(row)) {
          const int64_t t = v.data<int64_t>()[row];
          const std::optional<int64_t> late_before = late_bound(partition);
          if (late_before && t < *late_before) {
            b.resize(row);
            dead.push_back({false, partition, &rec, "late",
                            fmt::format("event time {} is before {} (the watermark minus the allowed lateness)",
                                        types::Value::timestamp(t).to_text(),
                                        types::Value::timestamp(*late_before).to_text())});
            continue;
          }
          // Bounds only rise (closed_us_ is monotone).
          if (late_before) late_floor = late_before;
          auto [it, fresh] = max_event.emplace(partition, t);
          if (!fresh) it->second = std::max(it->second, t);
        }
      }
      if (s.ok()) {
        origins.push_back({partition, &rec});
      } else {
        dead.push_back({false, partition, &rec, s.message(), {}});
      }
    }
  }
  BatchList delta;
  for (auto& b : decoded) {
    if (b.rows > 0) delta.push_back(std::make_shared<const types::Batch>(std::move(b)));
  }
  // The join stream's records (no event time: a join applies no watermark).
  std::vector<Origin> join_origins;
  BatchList join_delta;
  {
    std::vector<types::Batch> join_decoded;
    for (const auto& [partition, recs] : join_fetched) {
      for (const FetchedRecord& rec : recs) {
        ++consumed;
        if (join_decoded.empty() || join_decoded.back().rows >= types::kBatchRows) {
          join_decoded.emplace_back(join_stream_types_);
        }
        std::optional<std::string_view> value;
        if (rec.value) value = std::string_view(*rec.value);
        Status s = join_decoder_->decode(value, join_decoded.back());
        if (s.ok()) {
          join_origins.push_back({partition, &rec});
        } else {
          dead.push_back({true, partition, &rec, s.message(), {}});
        }
      }
    }
    for (auto& b : join_decoded) {
      if (b.rows > 0) join_delta.push_back(std::make_shared<const types::Batch>(std::move(b)));
    }
  }

  const StepState base{state_, join_left_, join_right_};
  StepState next_state;
  BatchList result;
  Status applied = apply(base, delta, join_delta, &next_state, &result);
  if (!applied.ok() && is_row_error(applied)) {
    // Some row fails in an expression (division by zero, a bad cast): apply row by
    // row and dead-letter the rows that fail, so one bad record cannot stop the view.
    StepState cur = base;
    result.clear();
    bool any = false;
    auto one_by_one = [&](const BatchList& rows_in, const std::vector<types::Type>& types,
                          const std::vector<Origin>& from, bool join_side) -> Status {
      size_t row_index = 0;
      for (const auto& b : rows_in) {
        for (size_t i = 0; i < b->rows; ++i, ++row_index) {
          auto one = std::make_shared<types::Batch>(types);
          one->append_rows(*b, i, 1);
          StepState s1;
          BatchList r1;
          const BatchList single = {one};
          Status st = join_side ? apply(cur, {}, single, &s1, &r1) : apply(cur, single, {}, &s1, &r1);
          if (st.ok()) {
            cur = std::move(s1);
            result = std::move(r1);
            any = true;
          } else if (is_row_error(st)) {
            dead.push_back({join_side, from[row_index].partition, from[row_index].record, st.message(), {}});
          } else {
            return st;
          }
        }
      }
      return Status::ok_status();
    };
    STRATA_RETURN_IF_ERROR(one_by_one(delta, stream_types_, origins, false));
    STRATA_RETURN_IF_ERROR(one_by_one(join_delta, join_stream_types_, join_origins, true));
    if (!any) {
      result = cur.state;
      if (join_recompute_) {
        STRATA_ASSIGN_OR_RETURN(result, recompute_join(cur.left, cur.right));
      } else if (aggregate_) {
        STRATA_ASSIGN_OR_RETURN(result, run_plan(*final_plan_, {}, cur.state));
      }
    }
    next_state = std::move(cur);
    applied = Status::ok_status();
  }
  STRATA_RETURN_IF_ERROR(applied);
  // The late bound after this step. No later row of the view's stream is below
  // it, so rows of a join's right input that a prune rule puts below it can join
  // none: they leave the state.
  const std::optional<int64_t> closed_after = raised_close(parts, next, max_event, late_floor);
  if (!join_prune_.empty() && closed_after) prune_join_right(*closed_after, &next_state.right);
  BatchList newly_final;  // the rows of windows this step closed (they leave the state)
  if (prune_closed_ && closed_after) {
    STRATA_ASSIGN_OR_RETURN(newly_final, take_closed_windows(*closed_after, &next_state.state));
  }
  int64_t state_bytes = 0;
  for (const BatchList* part : {&next_state.state, &next_state.left, &next_state.right}) {
    for (const auto& b : *part) state_bytes += static_cast<int64_t>(b->size_bytes());
  }
  if (state_bytes > state_bytes_max) {
    Status over = Status::sql("53200", fmt::format("materialized view \"{}\": its state would grow to {} bytes, over "
                                                   "streams.view_state_bytes_max ({} bytes); the view stopped",
                                                   def_->name, state_bytes, state_bytes_max));
    fail(over);
    return over;
  }
  // Dead letters are durable before the offsets past them are taken.
  std::sort(dead.begin(), dead.end(), [](const DeadLetter& a, const DeadLetter& b) {
    if (a.join_stream != b.join_stream) return b.join_stream;
    return a.partition != b.partition ? a.partition < b.partition : a.record->offset < b.record->offset;
  });
  STRATA_RETURN_IF_ERROR(send_dead_letters(access, dead));
  closed_us_ = closed_after;
  state_ = std::move(next_state.state);
  join_left_ = std::move(next_state.left);
  join_right_ = std::move(next_state.right);
  join_next_offsets_ = std::move(join_next);
  next_offsets_ = std::move(next);
  max_event_us_ = std::move(max_event);
  final_rows_.insert(final_rows_.end(), newly_final.begin(), newly_final.end());
  if (emit_on_close_ || prune_closed_) {
    STRATA_ASSIGN_OR_RETURN(result, result_of(state_));
  }
  input_records_ += consumed;
  for (const auto* part : {&fetched, &join_fetched}) {
    for (const auto& [partition, recs] : *part) {
      for (const FetchedRecord& r : recs) input_bytes_ += static_cast<int64_t>(r.value ? r.value->size() : 0);
    }
  }
  dead_letters_ += dead.size();
  dirty_ = true;
  STRATA_RETURN_IF_ERROR(publish(result));
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  std::lock_guard<std::mutex> lock(mu_);
  note_freshness(fetched, now_ms);
  if (!join_fetched.empty()) note_freshness(join_fetched, now_ms);
  return true;
}

void ViewMaintainer::prune_join_right(int64_t bound, BatchList* rows) const {
  auto limit = [bound](int64_t offset) {
    int64_t v = 0;
    return __builtin_add_overflow(bound, offset, &v) ? (offset > 0 ? INT64_MAX : INT64_MIN) : v;
  };
  BatchList kept;
  size_t rows_kept = 0;
  std::vector<uint32_t> keep;
  for (const auto& b : *rows) {
    keep.clear();
    for (size_t i = 0; i < b->rows; ++i) {
      bool ok = true;
      for (const JoinPrune& r : join_prune_) {
        const types::Vector& v = b->columns[static_cast<size_t>(r.column)];
        if (v.is_null(i) || v.data<int64_t>()[i] < limit(r.offset_us)) {
          ok = false;
          break;
        }
      }
      if (ok) keep.push_back(static_cast<uint32_t>(i));
    }
    rows_kept += keep.size();
    if (keep.size() == b->rows) {
      kept.push_back(b);
    } else if (!keep.empty()) {
      auto part = std::make_shared<types::Batch>(join_right_types_);
      part->append_selected(*b, keep.data(), keep.size());
      kept.push_back(std::move(part));
    }
  }
  // Pruning leaves partial batches: once they are many, the rows are packed again.
  if (kept.size() > 2 * (rows_kept / types::kBatchRows + 1)) {
    std::vector<std::shared_ptr<types::Batch>> packed;
    for (const auto& b : kept) {
      if (packed.empty() || packed.back()->rows + b->rows > types::kBatchRows) {
        packed.push_back(std::make_shared<types::Batch>(join_right_types_));
      }
      packed.back()->append_rows(*b, 0, b->rows);
    }
    kept.assign(packed.begin(), packed.end());
  }
  *rows = std::move(kept);
}

void ViewMaintainer::note_freshness(const std::vector<std::pair<int32_t, std::vector<FetchedRecord>>>& fetched,
                                    int64_t now_ms) {
  int64_t last = 0;
  for (const auto& [partition, recs] : fetched) {
    for (const FetchedRecord& rec : recs) {
      const int64_t lag = rec.timestamp_ms < now_ms ? now_ms - rec.timestamp_ms : 0;
      last = std::max(last, lag);
      if (freshness_ms_.size() < kFreshnessWindow) {
        freshness_ms_.push_back(lag);
      } else {
        freshness_ms_[freshness_next_] = lag;
        freshness_next_ = (freshness_next_ + 1) % kFreshnessWindow;
      }
    }
  }
  if (freshness_ms_.empty()) return;
  std::vector<int64_t> sorted = freshness_ms_;
  auto at = [&](double q) {
    auto k = static_cast<size_t>(q * static_cast<double>(sorted.size() - 1));
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<ptrdiff_t>(k), sorted.end());
    return sorted[k];
  };
  stats_.freshness_last_ms = last;
  stats_.freshness_p50_ms = at(0.50);
  stats_.freshness_p99_ms = at(0.99);
}

Status ViewMaintainer::load_checkpoint(io::FileSystem* fs, const std::string& path) {
  if (!fs->exists(path)) return Status::ok_status();
  Result<std::vector<uint8_t>> bytes = fs->read_file(path, kViewCheckpointBytesMax);
  Status bad;
  if (!bytes.ok()) {
    bad = bytes.status();
  } else {
    Result<ViewCheckpoint> c = decode_view_checkpoint(*bytes);
    if (!c.ok()) {
      bad = c.status();
    } else if (c->view_oid != def_->oid) {
      bad = Status::corruption(fmt::format("view checkpoint: written for view oid {}, not {}", c->view_oid, def_->oid));
    } else if (c->state_types != state_types_) {
      bad = Status::corruption("view checkpoint: its state columns do not match the view's definition");
    } else if (c->rows_file_bytes && aggregate_) {
      bad = Status::corruption("view checkpoint: a rows file for an aggregate view");
    } else if (c->final_rows && (!prune_closed_ || c->final_rows->types != column_types_)) {
      bad = Status::corruption("view checkpoint: its closed windows' rows do not match the view's definition");
    } else if (c->join.has_value() != (join_stream_ != nullptr) ||
               (c->join && (c->join->left_types != join_left_types_ || c->join->right_types != join_right_types_))) {
      bad = Status::corruption("view checkpoint: its join inputs do not match the view's definition");
    } else {
      // The rows file's prefix the checkpoint names (bytes after it are from a
      // write no checkpoint names): the state of an append-only view, or the
      // closed windows' rows of an aggregate view.
      auto read_rows = [&](uint64_t bytes, const std::vector<types::Type>& types, BatchList* out) -> Status {
        STRATA_ASSIGN_OR_RETURN(std::unique_ptr<io::RandomAccessFile> f, fs->open_readable(rows_path_of(path)));
        std::vector<uint8_t> rows(bytes);
        STRATA_ASSIGN_OR_RETURN(size_t n, f->read(0, rows));
        if (n < rows.size()) {
          return Status::corruption(fmt::format("rows file: {} bytes, the checkpoint names {}", n, rows.size()));
        }
        return decode_rows_chunks(rows, types, out);
      };
      BatchList final_rows;
      if (c->rows_file_bytes) {
        Status read = read_rows(*c->rows_file_bytes, state_types_, &c->state);
        if (!read.ok()) return fail_load(path, read);
        rows_file_bytes_ = *c->rows_file_bytes;
      } else if (c->final_rows) {
        Status read = read_rows(c->final_rows->rows_file_bytes, column_types_, &final_rows);
        if (!read.ok()) return fail_load(path, read);
        rows_file_bytes_ = c->final_rows->rows_file_bytes;
      } else {
        rows_file_bytes_ = 0;  // (before v3 or v5: the next checkpoint writes the rows file from its start)
      }
      rows_file_batches_ = c->rows_file_bytes ? c->state.size() : final_rows.size();
      final_rows_ = std::move(final_rows);
      next_offsets_ = std::move(c->next_offsets);
      if (c->join) {
        join_next_offsets_ = std::move(c->join->next_offsets);
        join_left_ = std::move(c->join->left);
        join_right_ = std::move(c->join->right);
      }
      max_event_us_ = std::move(c->max_event_us);
      closed_us_ = c->closed_us;
      state_ = std::move(c->state);
      input_records_ = c->input_records;
      dead_letters_ = c->dead_letters;
      sequence_ = c->sequence;
      STRATA_ASSIGN_OR_RETURN(BatchList result, result_of(state_));
      return publish(result);
    }
  }
  return fail_load(path, bad);
}

Status ViewMaintainer::fail_load(const std::string& path, const Status& bad) {
  Status s = Status(bad.code(), fmt::format("materialized view \"{}\": {}: {}", def_->name, path, bad.message()));
  fail(s);
  return s;
}

std::string ViewMaintainer::rows_path_of(const std::string& checkpoint_path) {
  const std::string_view ext = ".ckpt";
  if (checkpoint_path.size() > ext.size() && checkpoint_path.ends_with(ext)) {
    return checkpoint_path.substr(0, checkpoint_path.size() - ext.size()) + ".rows";
  }
  return checkpoint_path + ".rows";
}

Status ViewMaintainer::write_checkpoint(io::FileSystem* fs, const std::string& path) {
  if (!dirty_) return Status::ok_status();
  ViewCheckpoint c;
  c.view_oid = def_->oid;
  c.sequence = sequence_ + 1;
  c.input_records = input_records_;
  c.dead_letters = dead_letters_;
  c.next_offsets = next_offsets_;
  c.max_event_us = max_event_us_;
  c.closed_us = closed_us_;
  c.state_types = state_types_;
  if (join_stream_ != nullptr) {
    ViewCheckpoint::Join j;
    j.next_offsets = join_next_offsets_;
    j.left_types = join_left_types_;
    j.left = join_left_;
    j.right_types = join_right_types_;
    j.right = join_right_;
    c.join = std::move(j);
  }
  uint64_t rows_bytes = rows_file_bytes_;
  // The rows file grows only: the batches since the last checkpoint go to its
  // end (first cut back to what the last checkpoint names: a crash or a failed
  // write may have left a tail), durably, before the checkpoint that names the
  // new length replaces the old one.
  auto append_rows = [&](const std::vector<types::Type>& types, const BatchList& rows) -> Status {
    const std::string rows_path = rows_path_of(path);
    const bool fresh = !fs->exists(rows_path);
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<io::WritableFile> f, fs->open_writable(rows_path));
    if (f->size_bytes() != rows_file_bytes_) STRATA_RETURN_IF_ERROR(f->truncate(rows_file_bytes_));
    if (rows.size() > rows_file_batches_) {
      std::vector<uint8_t> chunk = encode_rows_chunk(types, std::span(rows).subspan(rows_file_batches_));
      STRATA_RETURN_IF_ERROR(f->append(chunk));
      rows_bytes += chunk.size();
    }
    STRATA_RETURN_IF_ERROR(f->sync());
    STRATA_RETURN_IF_ERROR(f->close());
    if (fresh) {
      const size_t slash = rows_path.rfind('/');
      STRATA_RETURN_IF_ERROR(fs->sync_dir(slash == std::string::npos ? "." : rows_path.substr(0, slash)));
    }
    return Status::ok_status();
  };
  if (aggregate_) {
    c.state = state_;
    if (prune_closed_) {
      // The closed windows' rows: appended like an append-only view's.
      STRATA_RETURN_IF_ERROR(append_rows(column_types_, final_rows_));
      c.final_rows = ViewCheckpoint::FinalRows{rows_bytes, column_types_};
    }
  } else {
    STRATA_RETURN_IF_ERROR(append_rows(state_types_, state_));
    c.rows_file_bytes = rows_bytes;
  }
  std::vector<uint8_t> bytes = encode_view_checkpoint(c);
  STRATA_RETURN_IF_ERROR(fs->write_file_atomic(path, bytes));
  rows_file_bytes_ = rows_bytes;
  rows_file_batches_ = prune_closed_ ? final_rows_.size() : aggregate_ ? 0 : state_.size();
  sequence_ = c.sequence;
  dirty_ = false;
  std::lock_guard<std::mutex> lock(mu_);
  stats_.checkpoints = sequence_;
  return Status::ok_status();
}

}  // namespace strata::exec
