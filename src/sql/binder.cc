#include "sql/binder.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "sql/parser.h"
#include "sql/system_tables.h"
#include "types/cast.h"

namespace strata::sql {

using types::Type;
using types::TypeId;
using types::Value;

namespace {

Status error_at(std::string_view sqlstate, std::string message, int32_t location) {
  Status s = Status::sql(sqlstate, std::move(message));
  if (location >= 0) s.with_position(location + 1);
  return s;
}

// Adds a position to an error that has none.
Status at(Status s, int32_t location) {
  if (!s.ok() && s.position() == 0 && location >= 0) s.with_position(location + 1);
  return s;
}

struct ScopeColumn {
  std::string table;  // the range variable's name (alias or table name); "" for none
  std::string name;
  Type type;
  bool hidden = false;  // not expanded by *, not found unqualified (USING duplicates, row ids)
};

struct Scope {
  std::vector<ScopeColumn> columns;
  const Scope* outer = nullptr;
};

// A CTE visible to a query: its AST and column names.
struct CteEntry {
  const CommonTableExpr* cte = nullptr;
  const std::vector<const CteEntry*>* visible = nullptr;
};

struct AggContext {
  const Scope* from = nullptr;
  std::vector<std::string> group_keys;  // debug strings of the GROUP BY ASTs
  std::vector<int32_t> group_columns;   // input column of a plain column group, else -1
  std::vector<BoundExprPtr> groups;
  std::vector<std::string> agg_keys;
  std::vector<BoundAggregate> aggs;
};

struct WindowContext {
  int32_t input_width = 0;
  std::vector<std::string> keys;
  std::vector<BoundWindow> windows;
};

// How an expression is being bound.
struct ExprMode {
  const Scope* scope = nullptr;  // names resolve here (and in scope->outer chain)
  AggContext* agg = nullptr;     // set: bind over the aggregate's output (groups ++ aggregates)
  WindowContext* window = nullptr;
  bool allow_aggregates = false;
  bool allow_windows = false;
  const char* clause = "";       // for messages: "WHERE", "GROUP BY", ...
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------

BoundExprPtr make_column_ref(int32_t column, Type type, std::string name) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kColumnRef;
  e->column = column;
  e->type = type;
  e->name = std::move(name);
  return e;
}

// Windows HOP may put one row in (size / slide): bounds the rows it multiplies.
constexpr int64_t kHopWindowsMax = 1000;

BoundExprPtr make_constant(Value v) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kConstant;
  e->type = v.type();
  e->value = std::move(v);
  return e;
}

BoundExprPtr make_cast(BoundExprPtr e, Type to) {
  if (e->type == to) return e;
  auto c = std::make_unique<BoundExpr>();
  c->kind = BoundExprKind::kCast;
  c->type = to;
  c->name = e->name;
  c->children.push_back(std::move(e));
  return c;
}

std::unique_ptr<BoundExpr> BoundExpr::clone() const {
  auto e = std::make_unique<BoundExpr>();
  e->kind = kind;
  e->type = type;
  for (const auto& c : children) e->children.push_back(c->clone());
  e->column = column;
  e->depth = depth;
  e->value = value;
  e->function = function;
  e->assignment = assignment;
  e->negated = negated;
  e->subquery_kind = subquery_kind;
  e->subquery = subquery;
  e->correlated = correlated;
  e->name = name;
  return e;
}

bool BoundExpr::has_volatile() const {
  if (kind == BoundExprKind::kFunction && function != nullptr && function->is_volatile) return true;
  if (kind == BoundExprKind::kSubquery) return true;
  for (const auto& c : children) {
    if (c->has_volatile()) return true;
  }
  return false;
}

std::string BoundExpr::to_string() const {
  auto list = [&](std::string_view sep) {
    std::string s;
    for (size_t i = 0; i < children.size(); ++i) {
      if (i) s += sep;
      s += children[i]->to_string();
    }
    return s;
  };
  switch (kind) {
    case BoundExprKind::kColumnRef: return name.empty() ? fmt::format("#{}", column) : name;
    case BoundExprKind::kOuterRef: return fmt::format("outer{}.#{}", depth, column);
    case BoundExprKind::kConstant:
      if (value.is_null()) return "NULL";
      if (type.is_string_like() || type.id() == TypeId::kUnknown) return "'" + types::format_value(value) + "'";
      return types::format_value(value);
    case BoundExprKind::kParameter: return fmt::format("${}", column + 1);
    case BoundExprKind::kFunction: {
      std::string fname = function ? function->name : "?";
      bool is_op = !fname.empty() && !std::isalpha(static_cast<unsigned char>(fname[0]));
      if (is_op && children.size() == 2) {
        return "(" + children[0]->to_string() + " " + fname + " " + children[1]->to_string() + ")";
      }
      if (is_op && children.size() == 1) return "(" + fname + children[0]->to_string() + ")";
      return fname + "(" + list(", ") + ")";
    }
    case BoundExprKind::kCast: return children[0]->to_string() + "::" + type.name();
    case BoundExprKind::kAnd: return "(" + list(" AND ") + ")";
    case BoundExprKind::kOr: return "(" + list(" OR ") + ")";
    case BoundExprKind::kNot: return "(NOT " + children[0]->to_string() + ")";
    case BoundExprKind::kIsNull: return "(" + children[0]->to_string() + " IS NULL)";
    case BoundExprKind::kIsNotNull: return "(" + children[0]->to_string() + " IS NOT NULL)";
    case BoundExprKind::kIsTrue: return "(" + children[0]->to_string() + (negated ? " IS NOT TRUE)" : " IS TRUE)");
    case BoundExprKind::kIsFalse: return "(" + children[0]->to_string() + (negated ? " IS NOT FALSE)" : " IS FALSE)");
    case BoundExprKind::kDistinctFrom:
      return "(" + children[0]->to_string() + (negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ") +
             children[1]->to_string() + ")";
    case BoundExprKind::kCase: return "CASE(" + list(", ") + ")";
    case BoundExprKind::kCoalesce: return "COALESCE(" + list(", ") + ")";
    case BoundExprKind::kInList: {
      std::string s = children[0]->to_string() + (negated ? " NOT IN (" : " IN (");
      for (size_t i = 1; i < children.size(); ++i) {
        if (i > 1) s += ", ";
        s += children[i]->to_string();
      }
      return s + ")";
    }
    case BoundExprKind::kArrayCompare:
      return "(" + children[0]->to_string() + " " + (function ? function->name : "?") +
             (subquery_kind == BoundSubqueryKind::kAll ? " ALL(" : " ANY(") + children[1]->to_string() + "))";
    case BoundExprKind::kSubquery: {
      static const char* kNames[] = {"SubPlan", "EXISTS", "IN", "ANY", "ALL", "ARRAY"};
      return fmt::format("({}{} subquery{})", negated ? "NOT " : "", kNames[static_cast<int>(subquery_kind)],
                         correlated ? ", correlated" : "");
    }
  }
  return "?";
}

std::string LogicalPlan::to_string(int indent) const {
  std::string pad(static_cast<size_t>(indent) * 2, ' ');
  std::string s = pad;
  auto exprs_text = [](const std::vector<BoundExprPtr>& v) {
    std::string t;
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) t += ", ";
      t += v[i] ? v[i]->to_string() : "-";
    }
    return t;
  };
  switch (kind) {
    case LogicalKind::kGet: s += "Get " + (table ? table->name : "?"); break;
    case LogicalKind::kValues: s += fmt::format("Values rows={}", rows.size()); break;
    case LogicalKind::kFilter: s += "Filter " + predicate->to_string(); break;
    case LogicalKind::kProject: s += "Project " + exprs_text(exprs); break;
    case LogicalKind::kJoin: s += "Join " + (predicate ? predicate->to_string() : std::string("cross")); break;
    case LogicalKind::kAggregate: s += "Aggregate groups=[" + exprs_text(groups) + "]"; break;
    case LogicalKind::kWindow: s += "Window"; break;
    case LogicalKind::kSort: s += "Sort"; break;
    case LogicalKind::kLimit: s += fmt::format("Limit {} offset {}", limit, offset); break;
    case LogicalKind::kDistinct: s += "Distinct"; break;
    case LogicalKind::kSetOp: s += "SetOp"; break;
    case LogicalKind::kInsert: s += "Insert " + table->name; break;
    case LogicalKind::kUpdate: s += "Update " + table->name; break;
    case LogicalKind::kDelete: s += "Delete " + table->name; break;
    case LogicalKind::kTableFunction:
      s += "TableFunction " + table_function + "(" + exprs_text(exprs) + ")";
      break;
  }
  s += "\n";
  for (const auto& c : children) s += c->to_string(indent + 1);
  return s;
}

// ---------------------------------------------------------------------------

struct Binder::Impl {
  std::shared_ptr<const catalog::CatalogSnapshot> catalog;
  const FunctionRegistry* functions;
  std::vector<Type> params;
  // Correlation tracking: one flag per query level being bound (innermost last).
  std::vector<bool> correlated;
  // CTEs visible at the current point (innermost last).
  std::vector<std::pair<std::string, const CommonTableExpr*>> ctes;
  int32_t depth_guard = 0;

  // --- types -------------------------------------------------------------

  Result<BoundExprPtr> coerce(BoundExprPtr e, const Type& to, int32_t location, bool assignment = false) {
    if (e->type == to) return e;
    if (to.id() == TypeId::kUnknown) return e;
    if (e->kind == BoundExprKind::kParameter && e->type.id() == TypeId::kUnknown) {
      set_param_type(e->column, to);
      e->type = to;
      return e;
    }
    if (!types::cast_exists(e->type, to)) {
      return error_at("42846", fmt::format("cannot cast type {} to {}", e->type.name(), to.name()), location);
    }
    if (e->kind == BoundExprKind::kConstant) {
      Result<Value> v = types::cast_value(e->value, to, assignment ? types::CastMode::kAssignment
                                                                   : types::CastMode::kExplicit);
      if (!v.ok()) return at(v.status(), location);
      auto c = make_constant(std::move(v).value());
      c->name = e->name;
      return c;
    }
    auto c = make_cast(std::move(e), to);
    c->assignment = assignment;
    return c;
  }

  void set_param_type(int32_t index, const Type& t) {
    if (static_cast<size_t>(index) >= params.size()) params.resize(static_cast<size_t>(index) + 1, Type::unknown());
    if (params[static_cast<size_t>(index)].id() == TypeId::kUnknown) params[static_cast<size_t>(index)] = t;
  }

  // Resolves `name(args)` and casts the arguments to the chosen signature.
  Result<BoundExprPtr> call(std::string_view name, std::vector<BoundExprPtr> args, int32_t location) {
    std::vector<Type> arg_types;
    for (auto& a : args) arg_types.push_back(a->type);
    Result<ScalarMatch> m = functions->resolve_scalar(name, arg_types);
    if (!m.ok()) return at(m.status(), location);
    auto e = std::make_unique<BoundExpr>();
    e->kind = BoundExprKind::kFunction;
    e->function = m->function;
    e->type = m->return_type;
    for (size_t i = 0; i < args.size(); ++i) {
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr a, coerce(std::move(args[i]), m->arg_types[i], location));
      e->children.push_back(std::move(a));
    }
    e->name = std::string(name);
    return e;
  }

  // Unknown-typed leaves (string literals, parameters) become text when nothing else
  // decided their type.
  Result<BoundExprPtr> resolve_unknown(BoundExprPtr e, int32_t location) {
    if (e->type.id() == TypeId::kUnknown) {
      if (e->kind == BoundExprKind::kConstant && e->value.is_null()) {
        auto c = make_constant(Value::null(Type::text()));
        c->name = e->name;
        return c;
      }
      return coerce(std::move(e), Type::text(), location);
    }
    return e;
  }

  Result<Type> common_type(std::vector<BoundExprPtr*> exprs, const char* context, int32_t location) {
    std::vector<Type> ts;
    for (auto* e : exprs) ts.push_back((*e)->type);
    Result<Type> t = FunctionRegistry::common_type(ts);
    if (!t.ok()) {
      std::string list;
      for (size_t i = 0; i < ts.size(); ++i) {
        if (i) list += " and ";
        list += ts[i].name();
      }
      return error_at("42804", fmt::format("{} types {} cannot be matched", context, list), location);
    }
    Type target = t->id() == TypeId::kUnknown ? Type::text() : *t;
    for (auto* e : exprs) {
      STRATA_ASSIGN_OR_RETURN(*e, coerce(std::move(*e), target, location));
    }
    return target;
  }

  Result<BoundExprPtr> to_boolean(BoundExprPtr e, const char* clause, int32_t location) {
    if (e->type.id() == TypeId::kBoolean) return e;
    if (e->type.id() == TypeId::kUnknown) return coerce(std::move(e), Type::boolean(), location);
    return error_at("42804", fmt::format("argument of {} must be type boolean, not type {}", clause, e->type.name()),
                    location);
  }

  // --- names -------------------------------------------------------------

  Result<BoundExprPtr> resolve_column(const ColumnRef& ref, const ExprMode& mode) {
    const std::vector<std::string>& parts = ref.names;
    std::string qualifier, column;
    if (parts.size() == 1) {
      column = parts[0];
    } else {
      column = parts.back();
      qualifier = parts[parts.size() - 2];
    }
    int32_t depth = 0;
    for (const Scope* s = mode.scope; s != nullptr; s = s->outer, ++depth) {
      int32_t found = -1;
      for (size_t i = 0; i < s->columns.size(); ++i) {
        const ScopeColumn& c = s->columns[i];
        if (c.name != column) continue;
        if (qualifier.empty() ? c.hidden : c.table != qualifier) continue;
        if (found >= 0) {
          return error_at("42702", fmt::format("column reference \"{}\" is ambiguous", column), ref.location);
        }
        found = static_cast<int32_t>(i);
      }
      if (found < 0) continue;
      const ScopeColumn& c = s->columns[static_cast<size_t>(found)];
      if (depth == 0) return make_column_ref(found, c.type, column);
      // A correlated reference: every query level between here and the owner reads
      // an outer row.
      for (int32_t d = 0; d < depth && static_cast<size_t>(d) < correlated.size(); ++d) {
        correlated[correlated.size() - 1 - static_cast<size_t>(d)] = true;
      }
      auto e = std::make_unique<BoundExpr>();
      e->kind = BoundExprKind::kOuterRef;
      e->column = found;
      e->depth = depth;
      e->type = c.type;
      e->name = column;
      return BoundExprPtr(std::move(e));
    }
    if (!qualifier.empty()) {
      bool table_known = false;
      for (const Scope* s = mode.scope; s != nullptr && !table_known; s = s->outer) {
        for (const auto& c : s->columns) table_known |= c.table == qualifier;
      }
      if (!table_known) {
        return error_at("42P01", fmt::format("missing FROM-clause entry for table \"{}\"", qualifier), ref.location);
      }
      return error_at("42703", fmt::format("column {}.{} does not exist", qualifier, column), ref.location);
    }
    return error_at("42703", fmt::format("column \"{}\" does not exist", column), ref.location);
  }

  // --- expressions -------------------------------------------------------

  Result<BoundExprPtr> bind_expr(const Expr& e, const ExprMode& mode) {
    if (++depth_guard > 2000) {
      --depth_guard;
      return error_at("54001", "stack depth limit exceeded", e.location);
    }
    Result<BoundExprPtr> r = bind_expr_inner(e, mode);
    --depth_guard;
    return r;
  }

  Result<BoundExprPtr> bind_expr_inner(const Expr& e, const ExprMode& mode) {
    // Over an aggregate's output: whole GROUP BY expressions first.
    if (mode.agg != nullptr && !e.is<Constant>()) {
      std::string key = to_debug_string(e);
      for (size_t i = 0; i < mode.agg->group_keys.size(); ++i) {
        if (mode.agg->group_keys[i] == key) {
          return make_column_ref(static_cast<int32_t>(i), mode.agg->groups[i]->type, mode.agg->groups[i]->name);
        }
      }
    }
    switch (e.kind) {
      case NodeKind::kColumnRef: {
        const auto& ref = e.as<ColumnRef>();
        if (mode.agg == nullptr) return resolve_column(ref, mode);
        // Over an aggregate: the column must be grouped (or come from an outer query).
        ExprMode from_mode = mode;
        from_mode.scope = mode.agg->from;
        from_mode.agg = nullptr;
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr c, resolve_column(ref, from_mode));
        if (c->kind == BoundExprKind::kOuterRef) {
          // Outer references keep their depth relative to the FROM scope, which is the
          // same query level.
          return c;
        }
        for (size_t i = 0; i < mode.agg->group_columns.size(); ++i) {
          if (mode.agg->group_columns[i] == c->column) {
            return make_column_ref(static_cast<int32_t>(i), c->type, c->name);
          }
        }
        std::string shown = ref.names.size() > 1 ? ref.names[ref.names.size() - 2] + "." + ref.names.back()
                                                 : ref.names.back();
        return error_at("42803",
                        fmt::format("column \"{}\" must appear in the GROUP BY clause or be used in an aggregate "
                                    "function",
                                    shown),
                        e.location);
      }
      case NodeKind::kStar:
        return error_at("42601", "\"*\" is not allowed here", e.location);
      case NodeKind::kConstant: return bind_constant(e.as<Constant>());
      case NodeKind::kParam: {
        const auto& p = e.as<Param>();
        if (p.index < 1 || p.index > 65535) {
          return error_at("42P02", fmt::format("there is no parameter ${}", p.index), e.location);
        }
        auto b = std::make_unique<BoundExpr>();
        b->kind = BoundExprKind::kParameter;
        b->column = p.index - 1;
        if (static_cast<size_t>(b->column) >= params.size()) params.resize(static_cast<size_t>(p.index), Type::unknown());
        b->type = params[static_cast<size_t>(b->column)];
        b->name = fmt::format("${}", p.index);
        return BoundExprPtr(std::move(b));
      }
      case NodeKind::kUnaryOp: {
        const auto& u = e.as<UnaryOp>();
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr a, bind_expr(*u.operand, mode));
        if (u.op == "+" ) {
          if (a->type.id() == TypeId::kUnknown) return coerce(std::move(a), Type::numeric(), e.location);
          return a;
        }
        if (a->kind == BoundExprKind::kConstant && a->type.id() == TypeId::kUnknown) {
          STRATA_ASSIGN_OR_RETURN(a, coerce(std::move(a), Type::numeric(), e.location));
        }
        std::vector<BoundExprPtr> args;
        args.push_back(std::move(a));
        return call(u.op, std::move(args), e.location);
      }
      case NodeKind::kBinaryOp: return bind_binary(e.as<BinaryOp>(), mode);
      case NodeKind::kBoolExpr: {
        const auto& b = e.as<BoolExpr>();
        auto out = std::make_unique<BoundExpr>();
        out->kind = b.op == BoolOp::kAnd ? BoundExprKind::kAnd : (b.op == BoolOp::kOr ? BoundExprKind::kOr : BoundExprKind::kNot);
        out->type = Type::boolean();
        const char* what = b.op == BoolOp::kAnd ? "AND" : (b.op == BoolOp::kOr ? "OR" : "NOT");
        for (const auto& a : b.args) {
          STRATA_ASSIGN_OR_RETURN(BoundExprPtr x, bind_expr(*a, mode));
          STRATA_ASSIGN_OR_RETURN(x, to_boolean(std::move(x), what, a->location));
          out->children.push_back(std::move(x));
        }
        return BoundExprPtr(std::move(out));
      }
      case NodeKind::kNullTest: {
        const auto& n = e.as<NullTest>();
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr a, bind_expr(*n.arg, mode));
        auto out = std::make_unique<BoundExpr>();
        out->kind = n.negated ? BoundExprKind::kIsNotNull : BoundExprKind::kIsNull;
        out->type = Type::boolean();
        out->children.push_back(std::move(a));
        return BoundExprPtr(std::move(out));
      }
      case NodeKind::kBooleanTest: {
        const auto& t = e.as<BooleanTest>();
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr a, bind_expr(*t.arg, mode));
        STRATA_ASSIGN_OR_RETURN(a, to_boolean(std::move(a), "IS TRUE", t.arg->location));
        auto out = std::make_unique<BoundExpr>();
        out->type = Type::boolean();
        if (t.test == BooleanTestKind::kUnknown) {
          out->kind = t.negated ? BoundExprKind::kIsNotNull : BoundExprKind::kIsNull;
        } else {
          out->kind = t.test == BooleanTestKind::kTrue ? BoundExprKind::kIsTrue : BoundExprKind::kIsFalse;
          out->negated = t.negated;
        }
        out->children.push_back(std::move(a));
        return BoundExprPtr(std::move(out));
      }
      case NodeKind::kDistinctFrom: {
        const auto& d = e.as<DistinctFrom>();
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr l, bind_expr(*d.left, mode));
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr r, bind_expr(*d.right, mode));
        std::vector<BoundExprPtr> args;
        args.push_back(std::move(l));
        args.push_back(std::move(r));
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr eq, call("=", std::move(args), e.location));
        eq->kind = BoundExprKind::kDistinctFrom;
        eq->type = Type::boolean();
        eq->negated = d.negated;
        return eq;
      }
      case NodeKind::kBetween: {
        const auto& b = e.as<Between>();
        auto cmp = [&](const Expr& low, const Expr& high) -> Result<BoundExprPtr> {
          STRATA_ASSIGN_OR_RETURN(BoundExprPtr a1, bind_expr(*b.arg, mode));
          STRATA_ASSIGN_OR_RETURN(BoundExprPtr lo, bind_expr(low, mode));
          STRATA_ASSIGN_OR_RETURN(BoundExprPtr a2, bind_expr(*b.arg, mode));
          STRATA_ASSIGN_OR_RETURN(BoundExprPtr hi, bind_expr(high, mode));
          std::vector<BoundExprPtr> x, y;
          x.push_back(std::move(a1));
          x.push_back(std::move(lo));
          y.push_back(std::move(a2));
          y.push_back(std::move(hi));
          STRATA_ASSIGN_OR_RETURN(BoundExprPtr ge, call(">=", std::move(x), e.location));
          STRATA_ASSIGN_OR_RETURN(BoundExprPtr le, call("<=", std::move(y), e.location));
          auto out = std::make_unique<BoundExpr>();
          out->kind = BoundExprKind::kAnd;
          out->type = Type::boolean();
          out->children.push_back(std::move(ge));
          out->children.push_back(std::move(le));
          return BoundExprPtr(std::move(out));
        };
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr r, cmp(*b.low, *b.high));
        if (b.symmetric) {
          STRATA_ASSIGN_OR_RETURN(BoundExprPtr r2, cmp(*b.high, *b.low));
          auto o = std::make_unique<BoundExpr>();
          o->kind = BoundExprKind::kOr;
          o->type = Type::boolean();
          o->children.push_back(std::move(r));
          o->children.push_back(std::move(r2));
          r = std::move(o);
        }
        if (b.negated) return negate(std::move(r));
        return r;
      }
      case NodeKind::kInList: {
        const auto& in = e.as<InList>();
        std::vector<BoundExprPtr> items;
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr a, bind_expr(*in.arg, mode));
        items.push_back(std::move(a));
        for (const auto& x : in.list) {
          STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(*x, mode));
          items.push_back(std::move(b));
        }
        std::vector<BoundExprPtr*> ptrs;
        for (auto& i : items) ptrs.push_back(&i);
        STRATA_ASSIGN_OR_RETURN(Type t, common_type(ptrs, "IN", e.location));
        std::vector<BoundExprPtr> eq_args;
        eq_args.push_back(make_constant(Value::null(t)));
        eq_args.push_back(make_constant(Value::null(t)));
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr eq, call("=", std::move(eq_args), e.location));
        auto out = std::make_unique<BoundExpr>();
        out->kind = BoundExprKind::kInList;
        out->type = Type::boolean();
        out->function = eq->function;
        out->negated = in.negated;
        for (auto& i : items) {
          STRATA_ASSIGN_OR_RETURN(i, coerce(std::move(i), eq->children[0]->type, e.location));
          out->children.push_back(std::move(i));
        }
        return BoundExprPtr(std::move(out));
      }
      case NodeKind::kLike: {
        const auto& l = e.as<Like>();
        if (l.like_kind == LikeKind::kSimilarTo) return error_at("0A000", "SIMILAR TO is not supported", e.location);
        std::vector<BoundExprPtr> args;
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr a, bind_expr(*l.arg, mode));
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr p, bind_expr(*l.pattern, mode));
        args.push_back(std::move(a));
        args.push_back(std::move(p));
        std::string op = l.like_kind == LikeKind::kILike ? "~~*" : "~~";
        if (l.escape) {
          STRATA_ASSIGN_OR_RETURN(BoundExprPtr esc, bind_expr(*l.escape, mode));
          args.push_back(std::move(esc));
          op = l.like_kind == LikeKind::kILike ? "ilike_escape" : "like_escape";
        }
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr r, call(op, std::move(args), e.location));
        if (l.negated) return negate(std::move(r));
        return r;
      }
      case NodeKind::kSubquery: return bind_subquery(e.as<SubqueryExpr>(), mode);
      case NodeKind::kCase: return bind_case(e.as<CaseExpr>(), mode);
      case NodeKind::kCast: {
        const auto& c = e.as<Cast>();
        if (c.type.array_dims == 0 && is_reg_type(c.type.name)) return bind_reg_cast(c, mode);
        STRATA_ASSIGN_OR_RETURN(Type t, at_result(Binder::resolve_type(c.type), c.type.location));
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr a, bind_expr(*c.arg, mode));
        return coerce(std::move(a), t, e.location);
      }
      case NodeKind::kCollate: return bind_expr(*e.as<CollateExpr>().arg, mode);
      case NodeKind::kArrayCompare:
        return bind_array_compare(e.as<ArrayCompare>(), mode);
      case NodeKind::kArrayExpr: {
        const auto& a = e.as<ArrayExpr>();
        std::vector<BoundExprPtr> items;
        for (const auto& x : a.elements) {
          STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(*x, mode));
          items.push_back(std::move(b));
        }
        if (items.empty()) {
          return error_at("42P18", "cannot determine type of empty array", e.location);
        }
        std::vector<BoundExprPtr*> ptrs;
        for (auto& i : items) ptrs.push_back(&i);
        STRATA_ASSIGN_OR_RETURN(Type t, common_type(ptrs, "ARRAY", e.location));
        if (t.is_array()) return error_at("0A000", "multidimensional arrays are not supported", e.location);
        for (auto& i : items) {
          STRATA_ASSIGN_OR_RETURN(i, coerce(std::move(i), t, e.location));
        }
        return call("array[]", std::move(items), e.location);
      }
      case NodeKind::kSubscript: {
        const auto& s = e.as<Subscript>();
        if (s.is_slice) return error_at("0A000", "array slices are not supported", e.location);
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr arr, bind_expr(*s.arg, mode));
        if (!arr->type.is_array()) {
          return error_at(
              "42804",
              fmt::format("cannot subscript type {} because it does not support subscripting", arr->type.name()),
              e.location);
        }
        Type element = arr->type.element();
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr index, bind_expr(*s.index, mode));
        STRATA_ASSIGN_OR_RETURN(index, coerce(std::move(index), Type::bigint(), e.location));
        std::vector<BoundExprPtr> args;
        args.push_back(std::move(arr));
        args.push_back(std::move(index));
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr item, call("[]", std::move(args), e.location));
        return coerce(std::move(item), element, e.location);
      }
      case NodeKind::kFuncCall: return bind_function(e.as<FuncCall>(), mode);
      case NodeKind::kSqlValueFunction: {
        const auto& f = e.as<SqlValueFunction>();
        switch (f.function) {
          case SqlValueFunctionKind::kCurrentDate: {
            STRATA_ASSIGN_OR_RETURN(BoundExprPtr now, call("now", {}, e.location));
            return coerce(std::move(now), Type::date(), e.location);
          }
          case SqlValueFunctionKind::kCurrentTimestamp: return call("now", {}, e.location);
          case SqlValueFunctionKind::kLocalTimestamp: {
            STRATA_ASSIGN_OR_RETURN(BoundExprPtr now, call("now", {}, e.location));
            return coerce(std::move(now), Type::timestamp(), e.location);
          }
          case SqlValueFunctionKind::kCurrentTime:
          case SqlValueFunctionKind::kLocalTime: {
            STRATA_ASSIGN_OR_RETURN(BoundExprPtr now, call("now", {}, e.location));
            return coerce(std::move(now), Type::time(), e.location);
          }
          case SqlValueFunctionKind::kCurrentCatalog: return call("current_database", {}, e.location);
          case SqlValueFunctionKind::kCurrentSchema: return call("current_schema", {}, e.location);
          default: return call("current_user", {}, e.location);
        }
      }
      case NodeKind::kDefault:
        return error_at("42601", "DEFAULT is not allowed in this context", e.location);
      case NodeKind::kAtTimeZone: {
        // x AT TIME ZONE z is timezone(z, x), as in PostgreSQL.
        const auto& a = e.as<AtTimeZone>();
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr zone, bind_expr(*a.zone, mode));
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr arg, bind_expr(*a.arg, mode));
        std::vector<BoundExprPtr> args;
        args.push_back(std::move(zone));
        args.push_back(std::move(arg));
        return call("timezone", std::move(args), e.location);
      }
      case NodeKind::kRowExpr: {
        const auto& r = e.as<RowExpr>();
        if (r.args.size() == 1) return bind_expr(*r.args[0], mode);
        return error_at("0A000", "row expressions are not supported", e.location);
      }
      default:
        return error_at("0A000", fmt::format("{} expressions are not supported", node_kind_name(e.kind)), e.location);
    }
  }

  template <class T>
  Result<T> at_result(Result<T> r, int32_t location) {
    if (!r.ok()) return at(r.status(), location);
    return r;
  }

  BoundExprPtr negate(BoundExprPtr e) {
    auto n = std::make_unique<BoundExpr>();
    n->kind = BoundExprKind::kNot;
    n->type = Type::boolean();
    n->children.push_back(std::move(e));
    return n;
  }

  Result<BoundExprPtr> bind_constant(const Constant& c) {
    BoundExprPtr e;
    switch (c.constant_kind) {
      case ConstantKind::kInteger:
        if (c.int_value.has_value()) {
          int64_t v = *c.int_value;
          e = make_constant(v >= INT32_MIN && v <= INT32_MAX ? Value::integer(static_cast<int32_t>(v)) : Value::bigint(v));
        } else {
          Result<Value> v = types::parse_value(c.text, Type::numeric());
          if (!v.ok()) return at(v.status(), c.location);
          e = make_constant(std::move(v).value());
        }
        break;
      case ConstantKind::kNumeric: {
        Result<Value> v = types::parse_value(c.text, Type::numeric());
        if (!v.ok()) return at(v.status(), c.location);
        e = make_constant(std::move(v).value());
        break;
      }
      case ConstantKind::kString: e = make_constant(Value::text(c.text, Type::unknown())); break;
      case ConstantKind::kBool: e = make_constant(Value::boolean(c.bool_value)); break;
      case ConstantKind::kNull: e = make_constant(Value::null(Type::unknown())); break;
    }
    return e;
  }

  Result<BoundExprPtr> bind_binary(const BinaryOp& b, const ExprMode& mode) {
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr l, bind_expr(*b.left, mode));
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr r, bind_expr(*b.right, mode));
    // A parameter next to a typed operand takes its type (PostgreSQL's inference).
    if (l->kind == BoundExprKind::kParameter && l->type.id() == TypeId::kUnknown && r->type.id() != TypeId::kUnknown) {
      STRATA_ASSIGN_OR_RETURN(l, coerce(std::move(l), r->type, b.location));
    }
    if (r->kind == BoundExprKind::kParameter && r->type.id() == TypeId::kUnknown && l->type.id() != TypeId::kUnknown) {
      STRATA_ASSIGN_OR_RETURN(r, coerce(std::move(r), l->type, b.location));
    }
    if (l->type.is_array() || r->type.is_array()) return bind_array_operator(b, std::move(l), std::move(r));
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(l));
    args.push_back(std::move(r));
    return call(b.op, std::move(args), b.location);
  }

  // Operators with an array operand: || (concatenation, appending or prepending an
  // element), and = / <> (arrays are stored in their normalised text form, so
  // equality is equality of the texts).
  Result<BoundExprPtr> bind_array_operator(const BinaryOp& b, BoundExprPtr l, BoundExprPtr r) {
    const Type array_type = l->type.is_array() ? l->type : r->type;
    std::vector<BoundExprPtr> args;
    if (b.op == "||") {
      std::string fn = "array_cat";
      if (!l->type.is_array() || !r->type.is_array()) {
        BoundExprPtr& elem = l->type.is_array() ? r : l;
        if (elem->type.id() == TypeId::kUnknown && elem->kind == BoundExprKind::kConstant && !elem->value.is_null()) {
          STRATA_ASSIGN_OR_RETURN(elem, coerce(std::move(elem), array_type, b.location));  // '{...}' literal
        } else {
          STRATA_ASSIGN_OR_RETURN(elem, coerce(std::move(elem), array_type.element(), b.location));
          fn = l->type.is_array() ? "array_append" : "array_prepend";
        }
      }
      if (fn == "array_cat" && !(l->type == r->type)) {
        STRATA_ASSIGN_OR_RETURN(r, coerce(std::move(r), l->type, b.location));
      }
      args.push_back(std::move(l));
      args.push_back(std::move(r));
      return call(fn, std::move(args), b.location);
    }
    if (b.op == "=" || b.op == "<>" || b.op == "!=") {
      STRATA_ASSIGN_OR_RETURN(l, coerce(std::move(l), array_type, b.location));
      STRATA_ASSIGN_OR_RETURN(r, coerce(std::move(r), array_type, b.location));
      // Same physical form as text: compare the normalised texts without a cast.
      l->type = Type::text();
      r->type = Type::text();
      args.push_back(std::move(l));
      args.push_back(std::move(r));
      return call(b.op == "=" ? "=" : "<>", std::move(args), b.location);
    }
    return error_at("42883", fmt::format("operator does not exist: {} {} {}", l->type.name(), b.op, r->type.name()),
                    b.location);
  }

  // x op ANY (array) / x op ALL (array).
  Result<BoundExprPtr> bind_array_compare(const ArrayCompare& a, const ExprMode& mode) {
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr left, bind_expr(*a.left, mode));
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr arr, bind_expr(*a.array, mode));
    if (!arr->type.is_array()) {
      if (arr->type.id() != TypeId::kUnknown) {
        return error_at("42809", fmt::format("op ANY/ALL (array) requires array on right side"), a.location);
      }
      // '{...}' literal: an array of the left side's type.
      STRATA_ASSIGN_OR_RETURN(left, resolve_unknown(std::move(left), a.location));
      STRATA_ASSIGN_OR_RETURN(arr, coerce(std::move(arr), Type::array(left->type.id()), a.location));
    }
    Type element = arr->type.element();
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(left));
    args.push_back(make_constant(Value::null(element)));
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr cmp, call(a.op, std::move(args), a.location));
    if (cmp->type.id() != TypeId::kBoolean) {
      return error_at("42809", "op ANY/ALL (array) requires operator to yield boolean", a.location);
    }
    auto out = std::make_unique<BoundExpr>();
    out->kind = BoundExprKind::kArrayCompare;
    out->type = Type::boolean();
    out->function = cmp->function;
    out->subquery_kind = a.all ? BoundSubqueryKind::kAll : BoundSubqueryKind::kAny;
    out->children.push_back(std::move(cmp->children[0]));
    Type want = Type::array(cmp->children[1]->type.id());
    STRATA_ASSIGN_OR_RETURN(arr, coerce(std::move(arr), want, a.location));
    out->children.push_back(std::move(arr));
    return BoundExprPtr(std::move(out));
  }

  static bool is_reg_type(std::string_view name) {
    return name == "regclass" || name == "regtype" || name == "regnamespace" || name == "regrole" ||
           name == "regproc" || name == "regprocedure";
  }

  // Casts to the OID alias types. A string constant is looked up now and becomes the
  // object's OID (42P01/42704 when there is none); any other value is an OID and
  // becomes the object's name (PostgreSQL's output form of these types).
  Result<BoundExprPtr> bind_reg_cast(const Cast& c, const ExprMode& mode) {
    const std::string& type = c.type.name;
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr a, bind_expr(*c.arg, mode));
    if (a->kind == BoundExprKind::kConstant && !a->value.is_null() &&
        (a->type.id() == TypeId::kUnknown || a->type.is_character())) {
      const std::string& text = a->value.as_string();
      int64_t number = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (!text.empty() && ec == std::errc() && end == text.data() + text.size() && number >= 0) {
        return make_constant(Value::bigint(number));
      }
      Result<int64_t> oid = lookup_reg_oid(type, text);
      if (!oid.ok()) return at(oid.status(), c.location);
      return make_constant(Value::bigint(*oid));
    }
    STRATA_ASSIGN_OR_RETURN(a, coerce(std::move(a), Type::bigint(), c.location));
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(a));
    if (type == "regtype") {
      args.push_back(make_constant(Value::null(Type::integer())));
      return call("format_type", std::move(args), c.location);
    }
    if (type == "regrole") return call("pg_get_userbyid", std::move(args), c.location);
    if (type == "regclass" || type == "regnamespace") return call(type, std::move(args), c.location);
    return coerce(std::move(args[0]), Type::text(), c.location);
  }

  Result<int64_t> lookup_reg_oid(const std::string& type, const std::string& text) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t i = 0; i <= text.size(); ++i) {
      if (i == text.size() || text[i] == '.') {
        std::string p = text.substr(start, i - start);
        if (p.size() >= 2 && p.front() == '"' && p.back() == '"')
          p = p.substr(1, p.size() - 2);
        else
          p = lower(p);
        parts.push_back(p);
        start = i + 1;
      }
    }
    if (type == "regclass") {
      std::optional<int64_t> oid =
          relation_oid(*catalog, parts.size() >= 2 ? parts[parts.size() - 2] : "", parts.back());
      if (!oid) return Status::sql("42P01", fmt::format("relation \"{}\" does not exist", text));
      return *oid;
    }
    if (type == "regnamespace") {
      std::optional<int64_t> oid = namespace_oid(*catalog, parts.back());
      if (!oid) return Status::sql("3F000", fmt::format("schema \"{}\" does not exist", text));
      return *oid;
    }
    if (type == "regtype") {
      Result<Type> t = types::type_from_name(text, nullptr, 0);
      if (!t.ok()) return t.status();
      return static_cast<int64_t>(t->pg_oid());
    }
    if (type == "regrole") {
      if (parts.back() != "strata") return Status::sql("42704", fmt::format("role \"{}\" does not exist", text));
      return 10;
    }
    return Status::sql("42883", fmt::format("function \"{}\" does not exist", text));
  }

  Result<BoundExprPtr> bind_case(const CaseExpr& c, const ExprMode& mode) {
    auto out = std::make_unique<BoundExpr>();
    out->kind = BoundExprKind::kCase;
    std::vector<BoundExprPtr> results;
    for (const auto& w : c.whens) {
      BoundExprPtr cond;
      if (c.arg) {
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr a, bind_expr(*c.arg, mode));
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr v, bind_expr(*w.when, mode));
        std::vector<BoundExprPtr> args;
        args.push_back(std::move(a));
        args.push_back(std::move(v));
        STRATA_ASSIGN_OR_RETURN(cond, call("=", std::move(args), w.when->location));
      } else {
        STRATA_ASSIGN_OR_RETURN(cond, bind_expr(*w.when, mode));
        STRATA_ASSIGN_OR_RETURN(cond, to_boolean(std::move(cond), "CASE/WHEN", w.when->location));
      }
      out->children.push_back(std::move(cond));
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr then, bind_expr(*w.then, mode));
      results.push_back(std::move(then));
    }
    if (c.else_expr) {
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr el, bind_expr(*c.else_expr, mode));
      results.push_back(std::move(el));
    } else {
      results.push_back(make_constant(Value::null(Type::unknown())));
    }
    std::vector<BoundExprPtr*> ptrs;
    for (auto& r : results) ptrs.push_back(&r);
    STRATA_ASSIGN_OR_RETURN(Type t, common_type(ptrs, "CASE", c.location));
    out->type = t;
    // Interleave: when0, then0, ..., else.
    std::vector<BoundExprPtr> conds = std::move(out->children);
    out->children.clear();
    for (size_t i = 0; i < conds.size(); ++i) {
      out->children.push_back(std::move(conds[i]));
      out->children.push_back(std::move(results[i]));
    }
    out->children.push_back(std::move(results.back()));
    return BoundExprPtr(std::move(out));
  }

  Result<BoundExprPtr> bind_subquery(const SubqueryExpr& s, const ExprMode& mode) {
    Scope inner_outer;
    // The subquery sees this query's columns: the scope expressions are bound over.
    const Scope* outer_scope = mode.agg != nullptr ? mode.agg->from : mode.scope;
    correlated.push_back(false);
    Result<LogicalPlanPtr> plan = bind_query_in(*s.query, outer_scope);
    bool is_correlated = correlated.back();
    correlated.pop_back();
    if (!plan.ok()) return plan.status();
    auto out = std::make_unique<BoundExpr>();
    out->kind = BoundExprKind::kSubquery;
    out->subquery = *plan;
    out->correlated = is_correlated;
    out->negated = s.negated;
    size_t width = (*plan)->types.size();
    switch (s.subquery_kind) {
      case SubqueryKind::kExists:
        out->subquery_kind = BoundSubqueryKind::kExists;
        out->type = Type::boolean();
        break;
      case SubqueryKind::kScalar:
        if (width != 1) return error_at("42601", "subquery must return only one column", s.location);
        out->subquery_kind = BoundSubqueryKind::kScalar;
        out->type = (*plan)->types[0].id() == TypeId::kUnknown ? Type::text() : (*plan)->types[0];
        break;
      case SubqueryKind::kIn:
      case SubqueryKind::kAny:
      case SubqueryKind::kAll: {
        if (width != 1) return error_at("42601", "subquery has too many columns", s.location);
        out->subquery_kind = s.subquery_kind == SubqueryKind::kAll ? BoundSubqueryKind::kAll
                             : s.subquery_kind == SubqueryKind::kAny ? BoundSubqueryKind::kAny
                                                                      : BoundSubqueryKind::kIn;
        out->type = Type::boolean();
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr test, bind_expr(*s.test_expr, mode));
        std::string op = s.subquery_kind == SubqueryKind::kIn ? "=" : s.op;
        std::vector<BoundExprPtr> args;
        Type sub_type = (*plan)->types[0].id() == TypeId::kUnknown ? Type::text() : (*plan)->types[0];
        args.push_back(std::move(test));
        args.push_back(make_constant(Value::null(sub_type)));
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr cmp, call(op, std::move(args), s.location));
        out->function = cmp->function;
        out->children.push_back(std::move(cmp->children[0]));
        // The subquery's column must have the comparison's right-hand type.
        Type want = cmp->children[1]->type;
        if (want != sub_type || (*plan)->types[0] != sub_type) {
          auto proj = std::make_shared<LogicalPlan>();
          proj->kind = LogicalKind::kProject;
          STRATA_ASSIGN_OR_RETURN(BoundExprPtr col,
                                  coerce(make_column_ref(0, (*plan)->types[0]), want, s.location));
          proj->exprs.push_back(std::move(col));
          proj->types = {want};
          proj->names = {(*plan)->names[0]};
          proj->children.push_back(*plan);
          out->subquery = proj;
        }
        break;
      }
      case SubqueryKind::kArray: {
        if (width != 1) return error_at("42601", "subquery must return only one column", s.location);
        Type t = (*plan)->types[0].id() == TypeId::kUnknown ? Type::text() : (*plan)->types[0];
        if (t.is_array()) return error_at("0A000", "multidimensional arrays are not supported", s.location);
        out->subquery_kind = BoundSubqueryKind::kArray;
        out->type = Type::array(t.id());
        break;
      }
    }
    return BoundExprPtr(std::move(out));
  }

  Result<BoundExprPtr> bind_function(const FuncCall& f, const ExprMode& mode) {
    std::string name = lower(f.name.name());
    if (f.name.parts.size() > 1 && f.name.parts[0] != "pg_catalog") {
      return error_at("42883", fmt::format("function {} does not exist", f.name.to_string()), f.location);
    }
    if (f.over) return bind_window_call(f, name, mode);
    bool is_agg = functions->has_aggregate(name) && !functions->has_scalar(name);
    if (is_agg || f.star || f.distinct || f.filter || !f.order_by.empty() || f.within_group) {
      if (functions->has_aggregate(name)) return bind_aggregate_call(f, name, mode);
    }
    if (f.star) return error_at("42809", fmt::format("{}(*) specified, but {} is not an aggregate function", name, name), f.location);
    std::vector<BoundExprPtr> args;
    for (const auto& a : f.args) {
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(*a, mode));
      args.push_back(std::move(b));
    }
    if (name == "coalesce" || name == "greatest" || name == "least") {
      if (args.empty()) return error_at("42601", fmt::format("{} needs arguments", name), f.location);
      std::vector<BoundExprPtr*> ptrs;
      for (auto& a : args) ptrs.push_back(&a);
      STRATA_ASSIGN_OR_RETURN(Type t, common_type(ptrs, name == "coalesce" ? "COALESCE" : "GREATEST/LEAST", f.location));
      if (name == "coalesce") {
        auto out = std::make_unique<BoundExpr>();
        out->kind = BoundExprKind::kCoalesce;
        out->type = t;
        out->children = std::move(args);
        out->name = "coalesce";
        return BoundExprPtr(std::move(out));
      }
      // greatest(a, b, ...) ignores NULLs: fold pairwise as
      // CASE WHEN x IS NULL THEN y WHEN y IS NULL THEN x WHEN x >= y THEN x ELSE y END.
      BoundExprPtr acc = std::move(args[0]);
      for (size_t i = 1; i < args.size(); ++i) {
        BoundExprPtr y = std::move(args[i]);
        auto c = std::make_unique<BoundExpr>();
        c->kind = BoundExprKind::kCase;
        c->type = t;
        auto isnull = [&](const BoundExprPtr& x) {
          auto n = std::make_unique<BoundExpr>();
          n->kind = BoundExprKind::kIsNull;
          n->type = Type::boolean();
          n->children.push_back(x->clone());
          return n;
        };
        std::vector<BoundExprPtr> cmp_args;
        cmp_args.push_back(acc->clone());
        cmp_args.push_back(y->clone());
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr cmp, call(name == "greatest" ? ">=" : "<=", std::move(cmp_args), f.location));
        c->children.push_back(isnull(acc));
        c->children.push_back(y->clone());
        c->children.push_back(isnull(y));
        c->children.push_back(acc->clone());
        c->children.push_back(std::move(cmp));
        c->children.push_back(acc->clone());
        c->children.push_back(std::move(y));
        c->name = name;
        acc = std::move(c);
      }
      return acc;
    }
    if (name == "nullif") {
      if (args.size() != 2) return error_at("42883", "function nullif needs two arguments", f.location);
      std::vector<BoundExprPtr*> ptrs = {&args[0], &args[1]};
      STRATA_ASSIGN_OR_RETURN(Type t, common_type(ptrs, "NULLIF", f.location));
      BoundExprPtr first = args[0]->clone();
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr eq, call("=", std::move(args), f.location));
      auto c = std::make_unique<BoundExpr>();
      c->kind = BoundExprKind::kCase;
      c->type = t;
      c->children.push_back(std::move(eq));
      c->children.push_back(make_constant(Value::null(t)));
      c->children.push_back(std::move(first));
      c->name = "nullif";
      return BoundExprPtr(std::move(c));
    }
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr r, call(name, std::move(args), f.location));
    r->name = name;
    return r;
  }

  Result<BoundExprPtr> bind_aggregate_call(const FuncCall& f, const std::string& name, const ExprMode& mode) {
    if (!mode.allow_aggregates || mode.agg == nullptr) {
      return error_at("42803", fmt::format("aggregate functions are not allowed in {}", mode.clause), f.location);
    }
    std::string key = to_debug_string(f);
    for (size_t i = 0; i < mode.agg->agg_keys.size(); ++i) {
      if (mode.agg->agg_keys[i] == key) {
        return make_column_ref(static_cast<int32_t>(mode.agg->groups.size() + i), mode.agg->aggs[i].type, name);
      }
    }
    // Arguments are bound over the FROM row, where aggregates may not nest.
    ExprMode inner;
    inner.scope = mode.agg->from;
    inner.clause = "aggregate function calls";
    BoundAggregate agg;
    std::vector<Type> arg_types;
    size_t direct = 0;
    if (f.within_group) {
      // percentile_cont(0.5) WITHIN GROUP (ORDER BY x): the direct arguments are
      // constants; the ordered column is the aggregated argument.
      for (const auto& a : f.args) {
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(*a, inner));
        if (b->kind != BoundExprKind::kConstant) {
          return error_at("0A000", "direct arguments of ordered-set aggregates must be constants", a->location);
        }
        STRATA_ASSIGN_OR_RETURN(b, coerce(std::move(b), Type::double_precision(), a->location));
        agg.direct_args.push_back(b->value);
        arg_types.push_back(Type::double_precision());
        ++direct;
      }
      for (const auto& o : f.within_group_order) {
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(*o.expr, inner));
        STRATA_ASSIGN_OR_RETURN(b, resolve_unknown(std::move(b), o.location));
        arg_types.push_back(b->type);
        BoundAggregate::Order ord;
        ord.descending = o.direction == SortDirection::kDesc;
        ord.nulls_first = o.nulls == NullsOrder::kDefault ? ord.descending : o.nulls == NullsOrder::kFirst;
        ord.expr = b->clone();
        agg.order_by.push_back(std::move(ord));
        agg.args.push_back(std::move(b));
      }
    } else {
      for (const auto& a : f.args) {
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(*a, inner));
        arg_types.push_back(b->type);
        agg.args.push_back(std::move(b));
      }
      for (const auto& o : f.order_by) {
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(*o.expr, inner));
        STRATA_ASSIGN_OR_RETURN(b, resolve_unknown(std::move(b), o.location));
        BoundAggregate::Order ord;
        ord.descending = o.direction == SortDirection::kDesc;
        ord.nulls_first = o.nulls == NullsOrder::kDefault ? ord.descending : o.nulls == NullsOrder::kFirst;
        ord.expr = std::move(b);
        agg.order_by.push_back(std::move(ord));
      }
    }
    Result<AggregateMatch> m = functions->resolve_aggregate(name, arg_types);
    if (!m.ok()) return at(m.status(), f.location);
    agg.function = m->function;
    agg.type = m->return_type;
    agg.distinct = f.distinct;
    agg.name = name;
    // Cast per-row arguments (after the direct ones) to the signature.
    for (size_t i = 0; i < agg.args.size(); ++i) {
      STRATA_ASSIGN_OR_RETURN(agg.args[i], coerce(std::move(agg.args[i]), m->arg_types[direct + i], f.location));
    }
    if (f.filter) {
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr flt, bind_expr(*f.filter, inner));
      STRATA_ASSIGN_OR_RETURN(agg.filter, to_boolean(std::move(flt), "FILTER", f.filter->location));
    }
    mode.agg->agg_keys.push_back(key);
    mode.agg->aggs.push_back(std::move(agg));
    size_t index = mode.agg->groups.size() + mode.agg->aggs.size() - 1;
    return make_column_ref(static_cast<int32_t>(index), mode.agg->aggs.back().type, name);
  }

  Result<BoundExprPtr> bind_window_call(const FuncCall& f, const std::string& name, const ExprMode& mode) {
    if (!mode.allow_windows || mode.window == nullptr) {
      return error_at("42P20", fmt::format("window functions are not allowed in {}", mode.clause), f.location);
    }
    std::string key = to_debug_string(f);
    for (size_t i = 0; i < mode.window->keys.size(); ++i) {
      if (mode.window->keys[i] == key) {
        return make_column_ref(mode.window->input_width + static_cast<int32_t>(i), mode.window->windows[i].type, name);
      }
    }
    if (!f.over->ref_name.empty()) return error_at("0A000", "named windows are not supported", f.location);
    // Window arguments are bound over the window's input (the aggregate's output
    // when the query aggregates).
    ExprMode inner = mode;
    inner.window = nullptr;
    inner.allow_windows = false;
    inner.clause = "window function calls";
    BoundWindow w;
    w.name = name;
    for (const auto& a : f.args) {
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(*a, inner));
      w.args.push_back(std::move(b));
    }
    for (const auto& p : f.over->partition_by) {
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(*p, inner));
      STRATA_ASSIGN_OR_RETURN(b, resolve_unknown(std::move(b), p->location));
      w.partition_by.push_back(std::move(b));
    }
    for (const auto& o : f.over->order_by) {
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(*o.expr, inner));
      STRATA_ASSIGN_OR_RETURN(b, resolve_unknown(std::move(b), o.location));
      BoundAggregate::Order ord;
      ord.descending = o.direction == SortDirection::kDesc;
      ord.nulls_first = o.nulls == NullsOrder::kDefault ? ord.descending : o.nulls == NullsOrder::kFirst;
      ord.expr = std::move(b);
      w.order_by.push_back(std::move(ord));
    }
    if (f.over->frame) {
      const WindowFrame& fr = *f.over->frame;
      w.frame.units = fr.units == FrameUnits::kRows ? BoundWindowFrame::Units::kRows
                      : fr.units == FrameUnits::kGroups ? BoundWindowFrame::Units::kGroups
                                                        : BoundWindowFrame::Units::kRange;
      auto bound = [&](const FrameBound& b, BoundWindowFrame::Bound* kind, int64_t* offset) -> Status {
        *kind = static_cast<BoundWindowFrame::Bound>(static_cast<int>(b.kind));
        if (b.offset) {
          STRATA_ASSIGN_OR_RETURN(BoundExprPtr o, bind_expr(*b.offset, inner));
          STRATA_ASSIGN_OR_RETURN(o, coerce(std::move(o), Type::bigint(), b.offset->location));
          if (o->kind != BoundExprKind::kConstant || o->value.is_null() || o->value.as_int() < 0) {
            return error_at("22013", "frame offset must be a non-negative constant", b.offset->location);
          }
          *offset = o->value.as_int();
        }
        return Status::ok_status();
      };
      STRATA_RETURN_IF_ERROR(bound(fr.start, &w.frame.start, &w.frame.start_offset));
      if (fr.has_end) {
        STRATA_RETURN_IF_ERROR(bound(fr.end, &w.frame.end, &w.frame.end_offset));
      } else {
        w.frame.end = BoundWindowFrame::Bound::kCurrentRow;
      }
    }
    static const std::map<std::string, WindowFunctionKind> kRanking = {
        {"row_number", WindowFunctionKind::kRowNumber}, {"rank", WindowFunctionKind::kRank},
        {"dense_rank", WindowFunctionKind::kDenseRank}, {"percent_rank", WindowFunctionKind::kPercentRank},
        {"cume_dist", WindowFunctionKind::kCumeDist},   {"ntile", WindowFunctionKind::kNtile},
        {"lag", WindowFunctionKind::kLag},              {"lead", WindowFunctionKind::kLead},
        {"first_value", WindowFunctionKind::kFirstValue}, {"last_value", WindowFunctionKind::kLastValue},
        {"nth_value", WindowFunctionKind::kNthValue},
    };
    auto it = kRanking.find(name);
    if (it != kRanking.end()) {
      w.kind = it->second;
      WindowFunctionKind k = w.kind;
      if (k == WindowFunctionKind::kRowNumber || k == WindowFunctionKind::kRank || k == WindowFunctionKind::kDenseRank) {
        w.type = Type::bigint();
      } else if (k == WindowFunctionKind::kPercentRank || k == WindowFunctionKind::kCumeDist) {
        w.type = Type::double_precision();
      } else if (k == WindowFunctionKind::kNtile) {
        if (w.args.size() != 1) return error_at("42883", "ntile needs one argument", f.location);
        STRATA_ASSIGN_OR_RETURN(w.args[0], coerce(std::move(w.args[0]), Type::integer(), f.location));
        w.type = Type::integer();
      } else if (k == WindowFunctionKind::kLag || k == WindowFunctionKind::kLead) {
        if (w.args.empty() || w.args.size() > 3) {
          return error_at("42883", fmt::format("function {} needs 1 to 3 arguments", name), f.location);
        }
        STRATA_ASSIGN_OR_RETURN(w.args[0], resolve_unknown(std::move(w.args[0]), f.location));
        w.type = w.args[0]->type;
        if (w.args.size() >= 2) {
          STRATA_ASSIGN_OR_RETURN(w.args[1], coerce(std::move(w.args[1]), Type::integer(), f.location));
        }
        if (w.args.size() == 3) {
          STRATA_ASSIGN_OR_RETURN(w.args[2], coerce(std::move(w.args[2]), w.type, f.location));
        }
      } else {
        if (k == WindowFunctionKind::kNthValue) {
          if (w.args.size() != 2) return error_at("42883", "nth_value needs two arguments", f.location);
          STRATA_ASSIGN_OR_RETURN(w.args[1], coerce(std::move(w.args[1]), Type::integer(), f.location));
        }
        if (w.args.empty()) return error_at("42883", fmt::format("function {} needs an argument", name), f.location);
        STRATA_ASSIGN_OR_RETURN(w.args[0], resolve_unknown(std::move(w.args[0]), f.location));
        w.type = w.args[0]->type;
      }
    } else if (functions->has_aggregate(name)) {
      std::vector<Type> arg_types;
      for (auto& a : w.args) arg_types.push_back(a->type);
      if (f.star) arg_types.clear();
      Result<AggregateMatch> m = functions->resolve_aggregate(name, arg_types);
      if (!m.ok()) return at(m.status(), f.location);
      w.kind = WindowFunctionKind::kAggregate;
      w.aggregate = m->function;
      w.type = m->return_type;
      if (f.star) w.args.clear();
      for (size_t i = 0; i < w.args.size(); ++i) {
        STRATA_ASSIGN_OR_RETURN(w.args[i], coerce(std::move(w.args[i]), m->arg_types[i], f.location));
      }
    } else {
      return error_at("42809", fmt::format("OVER specified, but {} is not a window function nor an aggregate function", name),
                      f.location);
    }
    mode.window->keys.push_back(key);
    mode.window->windows.push_back(std::move(w));
    return make_column_ref(mode.window->input_width + static_cast<int32_t>(mode.window->windows.size() - 1),
                           mode.window->windows.back().type, name);
  }

  // --- FROM --------------------------------------------------------------

  struct FromResult {
    LogicalPlanPtr plan;
    Scope scope;
  };

  static void rename_scope(Scope& scope, const Alias& alias, std::vector<std::string>* names, int32_t location,
                           Status* error) {
    if (alias.empty()) return;
    if (alias.columns.size() > scope.columns.size()) {
      *error = error_at("42P10", fmt::format("table \"{}\" has {} columns available but {} columns specified",
                                             alias.name, scope.columns.size(), alias.columns.size()),
                        location);
      return;
    }
    for (size_t i = 0; i < scope.columns.size(); ++i) {
      scope.columns[i].table = alias.name;
      if (i < alias.columns.size()) {
        scope.columns[i].name = alias.columns[i];
        if (names) (*names)[i] = alias.columns[i];
      }
    }
  }

  Result<FromResult> bind_table_ref(const TableRef& ref, const Scope* outer) {
    switch (ref.kind) {
      case NodeKind::kTableName: {
        const auto& t = ref.as<TableName>();
        std::string schema = t.name.parts.size() >= 2 ? t.name.parts[t.name.parts.size() - 2] : "public";
        const std::string& name = t.name.name();
        FromResult r;
        // CTEs shadow tables (innermost first).
        if (t.name.parts.size() == 1) {
          for (auto it = ctes.rbegin(); it != ctes.rend(); ++it) {
            if (it->first != name) continue;
            const CommonTableExpr* cte = it->second;
            // Bind the CTE with only the CTEs defined before it visible.
            auto saved = ctes;
            ctes.erase(ctes.begin() + (ctes.rend() - it - 1), ctes.end());
            Result<LogicalPlanPtr> plan = bind_query_in(*cte->query, outer);
            ctes = std::move(saved);
            if (!plan.ok()) return plan.status();
            r.plan = *plan;
            std::vector<std::string> names = r.plan->names;
            for (size_t i = 0; i < names.size(); ++i) {
              if (i < cte->columns.size()) names[i] = cte->columns[i];
              r.scope.columns.push_back({name, names[i], r.plan->types[i]});
            }
            Status err;
            rename_scope(r.scope, t.alias, nullptr, ref.location, &err);
            STRATA_RETURN_IF_ERROR(err);
            return r;
          }
        }
        if (const catalog::TableDef* def = catalog->find_table(schema, name)) {
          auto plan = std::make_shared<LogicalPlan>();
          plan->kind = LogicalKind::kGet;
          plan->table = catalog->tables.at(catalog::CatalogSnapshot::key(schema, name));
          for (size_t i = 0; i < def->columns.size(); ++i) {
            plan->columns.push_back(static_cast<int32_t>(i));
            plan->types.push_back(def->columns[i].type);
            plan->names.push_back(def->columns[i].name);
            r.scope.columns.push_back({name, def->columns[i].name, def->columns[i].type});
          }
          r.plan = plan;
          Status err;
          rename_scope(r.scope, t.alias, nullptr, ref.location, &err);
          STRATA_RETURN_IF_ERROR(err);
          return r;
        }
        if (const catalog::StreamDef* stream = catalog->find_stream(schema, name)) {
          // A stream reads as a table over its retained records (exec/stream_storage.h).
          auto plan = std::make_shared<LogicalPlan>();
          plan->kind = LogicalKind::kGet;
          plan->table = stream->as_table();
          for (size_t i = 0; i < stream->columns.size(); ++i) {
            plan->columns.push_back(static_cast<int32_t>(i));
            plan->types.push_back(stream->columns[i].type);
            plan->names.push_back(stream->columns[i].name);
            r.scope.columns.push_back({name, stream->columns[i].name, stream->columns[i].type});
          }
          r.plan = plan;
          Status err;
          rename_scope(r.scope, t.alias, nullptr, ref.location, &err);
          STRATA_RETURN_IF_ERROR(err);
          return r;
        }
        if (const catalog::MaterializedViewDef* mv = catalog->find_materialized_view(schema, name)) {
          // A materialized view reads as a table over its current result
          // (exec/view_maintainer.h).
          auto plan = std::make_shared<LogicalPlan>();
          plan->kind = LogicalKind::kGet;
          plan->table = mv->as_table();
          for (size_t i = 0; i < mv->column_names.size(); ++i) {
            plan->columns.push_back(static_cast<int32_t>(i));
            plan->types.push_back(mv->column_types[i]);
            plan->names.push_back(mv->column_names[i]);
            r.scope.columns.push_back({name, mv->column_names[i], mv->column_types[i]});
          }
          r.plan = plan;
          Status err;
          rename_scope(r.scope, t.alias, nullptr, ref.location, &err);
          STRATA_RETURN_IF_ERROR(err);
          return r;
        }
        if (const catalog::ViewDef* view = catalog->find_view(schema, name)) {
          Result<std::vector<StatementPtr>> parsed = parse_sql(view->query_sql);
          if (!parsed.ok() || parsed->size() != 1 || !(*parsed)[0]->is<SelectStmt>()) {
            return error_at("XX000", fmt::format("stored definition of view \"{}\" does not parse", name), ref.location);
          }
          view_asts.push_back(std::move((*parsed)[0]));
          const auto& sel = view_asts.back()->as<SelectStmt>();
          auto saved = std::move(ctes);
          ctes.clear();
          Result<LogicalPlanPtr> plan = bind_query_in(*sel.query, nullptr);
          ctes = std::move(saved);
          if (!plan.ok()) return plan.status();
          r.plan = *plan;
          for (size_t i = 0; i < r.plan->types.size(); ++i) {
            std::string col = i < view->column_names.size() ? view->column_names[i] : r.plan->names[i];
            r.plan->names[i] = col;
            r.scope.columns.push_back({name, col, r.plan->types[i]});
          }
          Status err;
          rename_scope(r.scope, t.alias, nullptr, ref.location, &err);
          STRATA_RETURN_IF_ERROR(err);
          return r;
        }
        // pg_catalog / information_schema tables, computed from the catalog.
        if (auto sys = system_table(t.name.parts.size() >= 2 ? schema : "", name, *catalog)) {
          auto plan = std::make_shared<LogicalPlan>();
          plan->kind = LogicalKind::kValues;
          plan->types = sys->column_types;
          plan->names = sys->column_names;
          for (auto& row : sys->rows) {
            std::vector<BoundExprPtr> out;
            for (auto& v : row) out.push_back(make_constant(std::move(v)));
            plan->rows.push_back(std::move(out));
          }
          for (size_t i = 0; i < plan->types.size(); ++i) r.scope.columns.push_back({name, plan->names[i], plan->types[i]});
          r.plan = plan;
          Status err;
          rename_scope(r.scope, t.alias, nullptr, ref.location, &err);
          STRATA_RETURN_IF_ERROR(err);
          return r;
        }
        return error_at("42P01", fmt::format("relation \"{}\" does not exist", t.name.to_string()), t.name.location >= 0 ? t.name.location : ref.location);
      }
      case NodeKind::kSubqueryRef: {
        const auto& s = ref.as<SubqueryRef>();
        Result<LogicalPlanPtr> plan = bind_query_in(*s.query, s.lateral ? outer : outer);
        if (!plan.ok()) return plan.status();
        FromResult r;
        r.plan = *plan;
        for (size_t i = 0; i < r.plan->types.size(); ++i) {
          r.scope.columns.push_back({s.alias.name, r.plan->names[i], r.plan->types[i]});
        }
        Status err;
        rename_scope(r.scope, s.alias, &r.plan->names, ref.location, &err);
        STRATA_RETURN_IF_ERROR(err);
        return r;
      }
      case NodeKind::kJoin: return bind_join(ref.as<JoinRef>(), outer);
      case NodeKind::kFunctionRef:
        return bind_function_ref(ref.as<FunctionRef>(), outer);
      default: return error_at("0A000", "unsupported FROM item", ref.location);
    }
  }

  // generate_series(start, stop[, step]) and unnest(array) in FROM. The arguments
  // may read enclosing queries' columns (LATERAL use in a subquery).
  // TUMBLE(relation, time_column, size): the relation's rows with window_start
  // (date_bin(size, time, epoch): windows aligned to 1970-01-01 00:00:00) and
  // window_end (window_start + size) appended. Expressions only, so a batch
  // SELECT and a materialized view over it compute the same windows.
  // The relation and time column of a window table function `name` taking
  // `args` arguments (relation, time column, then constants): bound, checked.
  struct WindowInput {
    FromResult in;
    BoundExprPtr ts;
    std::string range;  // the relation's name: the range of its columns
  };
  Result<WindowInput> bind_window_input(const FunctionRef& f, const Scope* outer, const char* name, size_t args,
                                        const char* usage) {
    const FuncCall& fc = *f.call;
    const auto* rel = fc.args.size() == args ? fc.args[0]->as_if<ColumnRef>() : nullptr;
    if (rel == nullptr || rel->names.empty() || rel->names.size() > 2 || f.with_ordinality) {
      return error_at("42883", fmt::format("{} takes {}", name, usage), f.location);
    }
    TableName tn(fc.args[0]->location);
    tn.name.parts = rel->names;
    tn.name.location = fc.args[0]->location;
    WindowInput w;
    STRATA_ASSIGN_OR_RETURN(w.in, bind_table_ref(tn, outer));
    ExprMode mode;
    mode.scope = &w.in.scope;
    mode.clause = name;
    STRATA_ASSIGN_OR_RETURN(w.ts, bind_expr(*fc.args[1], mode));
    if (w.ts->type.id() != TypeId::kTimestamp) {
      return error_at("42804", fmt::format("{} needs a timestamp column, not {}", name, w.ts->type.name()),
                      fc.args[1]->location);
    }
    w.range = rel->names.back();
    return w;
  }

  // A window table function's interval argument: no columns of the query (outer
  // ones allowed), coerced to interval.
  Result<BoundExprPtr> bind_window_interval(const Expr& arg, const Scope* outer, const char* name) {
    Scope empty;
    empty.outer = outer;
    ExprMode constant_mode;
    constant_mode.scope = &empty;
    constant_mode.clause = name;
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr e, bind_expr(arg, constant_mode));
    return coerce(std::move(e), Type::interval(), arg.location);
  }

  // The window table function's result: `below`'s columns of the relation, then
  // window_start and window_end.
  Result<FromResult> window_columns(const FunctionRef& f, const WindowInput& w, LogicalPlanPtr below,
                                    BoundExprPtr start, BoundExprPtr end) {
    auto plan = std::make_shared<LogicalPlan>();
    plan->kind = LogicalKind::kProject;
    FromResult r;
    for (size_t i = 0; i < w.in.scope.columns.size(); ++i) {
      const ScopeColumn& c = w.in.scope.columns[i];
      plan->exprs.push_back(make_column_ref(static_cast<int32_t>(i), c.type, c.name));
      plan->types.push_back(c.type);
      plan->names.push_back(c.name);
      r.scope.columns.push_back({w.range, c.name, c.type, c.hidden});
    }
    for (auto* e : {&start, &end}) {
      std::string col = e == &start ? "window_start" : "window_end";
      (*e)->name = col;
      plan->types.push_back((*e)->type);
      plan->names.push_back(col);
      r.scope.columns.push_back({w.range, col, (*e)->type});
      plan->exprs.push_back(std::move(*e));
    }
    plan->children.push_back(std::move(below));
    r.plan = plan;
    Status err;
    rename_scope(r.scope, f.alias, nullptr, f.location, &err);
    STRATA_RETURN_IF_ERROR(err);
    return r;
  }

  Result<FromResult> bind_tumble(const FunctionRef& f, const Scope* outer) {
    const FuncCall& fc = *f.call;
    STRATA_ASSIGN_OR_RETURN(WindowInput w,
                            bind_window_input(f, outer, "TUMBLE", 3, "(relation, time column, INTERVAL size)"));
    FromResult& in = w.in;
    BoundExprPtr ts = std::move(w.ts);
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr size, bind_window_interval(*fc.args[2], outer, "TUMBLE"));
    std::vector<BoundExprPtr> bin_args;
    bin_args.push_back(size->clone());
    bin_args.push_back(std::move(ts));
    bin_args.push_back(make_constant(types::Value::timestamp(0)));
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr start, call("date_bin", std::move(bin_args), f.location));
    std::vector<BoundExprPtr> end_args;
    end_args.push_back(start->clone());
    end_args.push_back(std::move(size));
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr end, call("+", std::move(end_args), f.location));
    return window_columns(f, w, in.plan, std::move(start), std::move(end));
  }

  // HOP(relation, time_column, slide, size): each row once per window
  // [window_start, window_start + size) that holds it, windows starting every
  // `slide` from 1970-01-01 00:00:00. Bound as a cross join of the relation with
  // the n = ceil(size / slide) constant offsets {0, slide, ..., (n-1) slide}:
  //   window_start = date_bin(slide, time, epoch) - offset,
  //   window_end = window_start + size,
  // filtered to time < window_end when slide does not divide size. Constants
  // and expressions only, so a batch SELECT and a materialized view agree.
  Result<FromResult> bind_hop(const FunctionRef& f, const Scope* outer) {
    const FuncCall& fc = *f.call;
    STRATA_ASSIGN_OR_RETURN(
        WindowInput w,
        bind_window_input(f, outer, "HOP", 4, "(relation, time column, INTERVAL slide, INTERVAL size)"));
    FromResult& in = w.in;
    BoundExprPtr ts = std::move(w.ts);
    int64_t us[2] = {0, 0};  // slide, size
    BoundExprPtr bound[2];
    for (int k = 0; k < 2; ++k) {
      const Expr& arg = *fc.args[static_cast<size_t>(2 + k)];
      STRATA_ASSIGN_OR_RETURN(bound[k], bind_window_interval(arg, outer, "HOP"));
      const BoundExpr& e = *bound[k];
      bool fixed = e.kind == BoundExprKind::kConstant && !e.value.is_null() && e.value.as_interval().months == 0;
      if (fixed) {
        const types::Interval& iv = e.value.as_interval();
        us[k] = int64_t{iv.days} * 86'400'000'000 + iv.micros;
      }
      if (!fixed || us[k] <= 0) {
        return error_at("22023",
                        fmt::format("HOP's {} must be a constant positive interval without months",
                                    k == 0 ? "slide" : "size"),
                        arg.location);
      }
    }
    const int64_t windows = us[1] / us[0] + (us[1] % us[0] != 0 ? 1 : 0);
    if (windows > kHopWindowsMax) {
      return error_at("22023",
                      fmt::format("HOP puts each row in {} windows (size / slide); at most {} are allowed", windows,
                                  kHopWindowsMax),
                      fc.args[3]->location);
    }
    const auto m = static_cast<int32_t>(in.plan->types.size());
    auto offsets = std::make_shared<LogicalPlan>();
    offsets->kind = LogicalKind::kValues;
    offsets->types = {Type::interval()};
    offsets->names = {"hop_offset"};
    for (int64_t i = 0; i < windows; ++i) {
      std::vector<BoundExprPtr> row;
      row.push_back(make_constant(types::Value::interval(types::Interval{0, 0, i * us[0]})));
      offsets->rows.push_back(std::move(row));
    }
    auto join = std::make_shared<LogicalPlan>();
    join->kind = LogicalKind::kJoin;
    join->join_kind = LogicalJoinKind::kCross;
    join->types = in.plan->types;
    join->types.push_back(Type::interval());
    join->names = in.plan->names;
    join->names.push_back("hop_offset");
    join->children = {in.plan, offsets};

    std::vector<BoundExprPtr> bin_args;
    bin_args.push_back(bound[0]->clone());
    bin_args.push_back(ts->clone());
    bin_args.push_back(make_constant(types::Value::timestamp(0)));
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr bin, call("date_bin", std::move(bin_args), f.location));
    std::vector<BoundExprPtr> start_args;
    start_args.push_back(std::move(bin));
    start_args.push_back(make_column_ref(m, Type::interval(), "hop_offset"));
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr start, call("-", std::move(start_args), f.location));
    std::vector<BoundExprPtr> end_args;
    end_args.push_back(start->clone());
    end_args.push_back(std::move(bound[1]));
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr end, call("+", std::move(end_args), f.location));

    LogicalPlanPtr below = join;
    if (us[1] % us[0] != 0) {
      auto filter = std::make_shared<LogicalPlan>();
      filter->kind = LogicalKind::kFilter;
      filter->types = join->types;
      filter->names = join->names;
      std::vector<BoundExprPtr> lt_args;
      lt_args.push_back(ts->clone());
      lt_args.push_back(end->clone());
      STRATA_ASSIGN_OR_RETURN(filter->predicate, call("<", std::move(lt_args), f.location));
      filter->children.push_back(join);
      below = filter;
    }
    return window_columns(f, w, below, std::move(start), std::move(end));
  }

  // SESSION(relation, time_column, gap[, key, ...]): each row with the session
  // window that holds it. Rows of one key (all rows without keys) ordered by
  // time form sessions: a row more than `gap` after the previous one starts a
  // new session; window_start is the session's first time, window_end its last
  // time + gap. Bound as window functions over the relation (so a batch SELECT
  // and a materialized view, recomputed, agree):
  //   prev  = lag(t) OVER (PARTITION BY keys ORDER BY t)
  //   first = CASE WHEN prev IS NULL OR t - prev > gap THEN 1 ELSE 0 END
  //   n     = sum(first) OVER (PARTITION BY keys ORDER BY t)   (RANGE: ties share n)
  //   window_start = min(t) OVER (PARTITION BY keys, n),
  //   window_end   = max(t) OVER (PARTITION BY keys, n) + gap.
  Result<FromResult> bind_session(const FunctionRef& f, const Scope* outer) {
    const FuncCall& fc = *f.call;
    const char* usage = "(relation, time column, INTERVAL gap[, key column, ...])";
    if (fc.args.size() < 3) return error_at("42883", fmt::format("SESSION takes {}", usage), f.location);
    STRATA_ASSIGN_OR_RETURN(WindowInput w, bind_window_input(f, outer, "SESSION", fc.args.size(), usage));
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr gap, bind_window_interval(*fc.args[2], outer, "SESSION"));
    const bool fixed = gap->kind == BoundExprKind::kConstant && !gap->value.is_null() &&
                       gap->value.as_interval().months == 0;
    if (!fixed || int64_t{gap->value.as_interval().days} * 86'400'000'000 + gap->value.as_interval().micros <= 0) {
      return error_at("22023", "SESSION's gap must be a constant positive interval without months",
                      fc.args[2]->location);
    }
    ExprMode mode;
    mode.scope = &w.in.scope;
    mode.clause = "SESSION";
    std::vector<BoundExprPtr> keys;
    for (size_t i = 3; i < fc.args.size(); ++i) {
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr k, bind_expr(*fc.args[i], mode));
      STRATA_ASSIGN_OR_RETURN(k, resolve_unknown(std::move(k), fc.args[i]->location));
      keys.push_back(std::move(k));
    }
    const BoundExpr& ts = *w.ts;
    const auto width = static_cast<int32_t>(w.in.plan->types.size());
    // A window node over `below` adding `calls`.
    auto window_node = [](LogicalPlanPtr below, std::vector<BoundWindow> calls) {
      auto node = std::make_shared<LogicalPlan>();
      node->kind = LogicalKind::kWindow;
      node->types = below->types;
      node->names = below->names;
      for (const BoundWindow& c : calls) {
        node->types.push_back(c.type);
        node->names.push_back(c.name);
      }
      node->windows = std::move(calls);
      node->children.push_back(std::move(below));
      return node;
    };
    auto by_time = [&](BoundWindow& c) {
      for (const auto& k : keys) c.partition_by.push_back(k->clone());
      c.order_by.push_back({ts.clone(), false, false});
    };
    BoundWindow lag;
    lag.kind = WindowFunctionKind::kLag;
    lag.args.push_back(ts.clone());
    lag.type = Type::timestamp();
    lag.name = "session_prev";
    by_time(lag);
    std::vector<BoundWindow> first_calls;
    first_calls.push_back(std::move(lag));
    LogicalPlanPtr with_prev = window_node(w.in.plan, std::move(first_calls));

    // first: the relation's columns, then whether the row starts a session.
    auto prev = make_column_ref(width, Type::timestamp(), "session_prev");
    std::vector<BoundExprPtr> diff_args;
    diff_args.push_back(ts.clone());
    diff_args.push_back(prev->clone());
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr diff, call("-", std::move(diff_args), f.location));
    std::vector<BoundExprPtr> gt_args;
    gt_args.push_back(std::move(diff));
    gt_args.push_back(gap->clone());
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr after_gap, call(">", std::move(gt_args), f.location));
    auto is_first = std::make_unique<BoundExpr>();
    is_first->kind = BoundExprKind::kOr;
    is_first->type = Type::boolean();
    auto prev_null = std::make_unique<BoundExpr>();
    prev_null->kind = BoundExprKind::kIsNull;
    prev_null->type = Type::boolean();
    prev_null->children.push_back(std::move(prev));
    is_first->children.push_back(std::move(prev_null));
    is_first->children.push_back(std::move(after_gap));
    auto flag = std::make_unique<BoundExpr>();
    flag->kind = BoundExprKind::kCase;
    flag->type = Type::bigint();
    flag->children.push_back(std::move(is_first));
    flag->children.push_back(make_constant(types::Value::bigint(1)));
    flag->children.push_back(make_constant(types::Value::bigint(0)));
    auto flagged = std::make_shared<LogicalPlan>();
    flagged->kind = LogicalKind::kProject;
    for (int32_t i = 0; i < width; ++i) {
      flagged->exprs.push_back(make_column_ref(i, w.in.plan->types[static_cast<size_t>(i)],
                                               w.in.plan->names[static_cast<size_t>(i)]));
      flagged->types.push_back(w.in.plan->types[static_cast<size_t>(i)]);
      flagged->names.push_back(w.in.plan->names[static_cast<size_t>(i)]);
    }
    flag->name = "session_first";
    flagged->exprs.push_back(std::move(flag));
    flagged->types.push_back(Type::bigint());
    flagged->names.push_back("session_first");
    flagged->children.push_back(with_prev);

    STRATA_ASSIGN_OR_RETURN(AggregateMatch sum, functions->resolve_aggregate("sum", {Type::bigint()}));
    BoundWindow number;
    number.kind = WindowFunctionKind::kAggregate;
    number.aggregate = sum.function;
    BoundExprPtr flag_ref = make_column_ref(width, Type::bigint(), "session_first");
    if (flag_ref->type != sum.arg_types[0]) flag_ref = make_cast(std::move(flag_ref), sum.arg_types[0]);
    number.args.push_back(std::move(flag_ref));
    number.type = sum.return_type;
    number.name = "session_number";
    by_time(number);
    std::vector<BoundWindow> number_calls;
    number_calls.push_back(std::move(number));
    LogicalPlanPtr numbered = window_node(flagged, std::move(number_calls));

    STRATA_ASSIGN_OR_RETURN(AggregateMatch lo, functions->resolve_aggregate("min", {Type::timestamp()}));
    STRATA_ASSIGN_OR_RETURN(AggregateMatch hi, functions->resolve_aggregate("max", {Type::timestamp()}));
    std::vector<BoundWindow> bounds;
    for (const AggregateMatch* m : {&lo, &hi}) {
      BoundWindow b;
      b.kind = WindowFunctionKind::kAggregate;
      b.aggregate = m->function;
      b.args.push_back(ts.clone());
      b.type = m->return_type;
      b.name = m == &lo ? "session_start" : "session_last";
      for (const auto& k : keys) b.partition_by.push_back(k->clone());
      b.partition_by.push_back(make_column_ref(width + 1, numbered->types[static_cast<size_t>(width + 1)]));
      bounds.push_back(std::move(b));
    }
    LogicalPlanPtr bounded = window_node(numbered, std::move(bounds));
    BoundExprPtr start = make_column_ref(width + 2, Type::timestamp(), "window_start");
    std::vector<BoundExprPtr> end_args;
    end_args.push_back(make_column_ref(width + 3, Type::timestamp(), "session_last"));
    end_args.push_back(std::move(gap));
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr end, call("+", std::move(end_args), f.location));
    return window_columns(f, w, bounded, std::move(start), std::move(end));
  }

  Result<FromResult> bind_function_ref(const FunctionRef& f, const Scope* outer) {
    const FuncCall& call_ast = *f.call;
    std::string name = lower(call_ast.name.name());
    if (name == "tumble" && call_ast.name.parts.size() == 1) return bind_tumble(f, outer);
    if (name == "hop" && call_ast.name.parts.size() == 1) return bind_hop(f, outer);
    if (name == "session" && call_ast.name.parts.size() == 1) return bind_session(f, outer);
    if ((call_ast.name.parts.size() > 1 && call_ast.name.parts[0] != "pg_catalog") || f.with_ordinality ||
        (name != "generate_series" && name != "unnest")) {
      return error_at("0A000", fmt::format("function {} in FROM is not supported", call_ast.name.to_string()),
                      f.location);
    }
    Scope empty;
    empty.outer = outer;
    ExprMode mode;
    mode.scope = &empty;
    mode.clause = "FROM";
    auto plan = std::make_shared<LogicalPlan>();
    plan->kind = LogicalKind::kTableFunction;
    plan->table_function = name;
    for (const auto& a : call_ast.args) {
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(*a, mode));
      plan->exprs.push_back(std::move(b));
    }
    Type out_type;
    if (name == "unnest") {
      if (plan->exprs.size() != 1) return error_at("0A000", "unnest takes one array", f.location);
      BoundExprPtr& a = plan->exprs[0];
      if (!a->type.is_array()) {
        if (a->type.id() != TypeId::kUnknown) {
          return error_at("42883", fmt::format("function unnest({}) does not exist", a->type.name()), f.location);
        }
        STRATA_ASSIGN_OR_RETURN(a, coerce(std::move(a), Type::array(TypeId::kText), f.location));
      }
      out_type = a->type.element();
    } else {
      if (plan->exprs.size() != 2 && plan->exprs.size() != 3) {
        return error_at("42883", "function generate_series needs 2 or 3 arguments", f.location);
      }
      std::vector<BoundExprPtr*> ptrs;
      for (auto& a : plan->exprs) ptrs.push_back(&a);
      STRATA_ASSIGN_OR_RETURN(out_type, common_type(ptrs, "generate_series", f.location));
      if (!out_type.is_integer()) {
        if (out_type.id() != TypeId::kUnknown && !out_type.is_character()) {
          return error_at("0A000", fmt::format("generate_series over {} is not supported", out_type.name()),
                          f.location);
        }
        out_type = Type::integer();
      }
      if (out_type.id() == TypeId::kSmallInt) out_type = Type::integer();
      for (auto& a : plan->exprs) {
        STRATA_ASSIGN_OR_RETURN(a, coerce(std::move(a), out_type, f.location));
      }
    }
    // A one-column function's column takes the table alias's name (PostgreSQL's rule).
    std::string column = !f.alias.columns.empty() ? f.alias.columns[0] : !f.alias.name.empty() ? f.alias.name : name;
    if (f.alias.columns.size() > 1) {
      return error_at("42601", fmt::format("too many column aliases specified for function {}", name), f.location);
    }
    plan->types = {out_type};
    plan->names = {column};
    FromResult r;
    r.plan = plan;
    r.scope.columns.push_back({f.alias.name.empty() ? name : f.alias.name, column, out_type});
    return r;
  }

  Result<FromResult> bind_join(const JoinRef& j, const Scope* outer) {
    STRATA_ASSIGN_OR_RETURN(FromResult left, bind_table_ref(*j.left, outer));
    STRATA_ASSIGN_OR_RETURN(FromResult right, bind_table_ref(*j.right, outer));
    FromResult r;
    auto plan = std::make_shared<LogicalPlan>();
    plan->kind = LogicalKind::kJoin;
    switch (j.join_type) {
      case JoinType::kInner: plan->join_kind = LogicalJoinKind::kInner; break;
      case JoinType::kLeft: plan->join_kind = LogicalJoinKind::kLeft; break;
      case JoinType::kRight: plan->join_kind = LogicalJoinKind::kRight; break;
      case JoinType::kFull: plan->join_kind = LogicalJoinKind::kFull; break;
      case JoinType::kCross: plan->join_kind = LogicalJoinKind::kCross; break;
    }
    r.scope.columns = left.scope.columns;
    r.scope.columns.insert(r.scope.columns.end(), right.scope.columns.begin(), right.scope.columns.end());
    r.scope.outer = outer;
    plan->types = left.plan->types;
    plan->types.insert(plan->types.end(), right.plan->types.begin(), right.plan->types.end());
    plan->names = left.plan->names;
    plan->names.insert(plan->names.end(), right.plan->names.begin(), right.plan->names.end());
    plan->children = {left.plan, right.plan};
    std::vector<std::string> using_cols = j.using_columns;
    if (j.natural) {
      for (const auto& lc : left.scope.columns) {
        if (lc.hidden) continue;
        for (const auto& rc : right.scope.columns) {
          if (!rc.hidden && rc.name == lc.name) using_cols.push_back(lc.name);
        }
      }
    }
    if (!using_cols.empty()) {
      std::vector<BoundExprPtr> conds;
      size_t lw = left.scope.columns.size();
      for (const auto& name : using_cols) {
        int32_t li = -1, ri = -1;
        for (size_t i = 0; i < left.scope.columns.size(); ++i) {
          if (!left.scope.columns[i].hidden && left.scope.columns[i].name == name) li = static_cast<int32_t>(i);
        }
        for (size_t i = 0; i < right.scope.columns.size(); ++i) {
          if (!right.scope.columns[i].hidden && right.scope.columns[i].name == name) ri = static_cast<int32_t>(i);
        }
        if (li < 0 || ri < 0) {
          return error_at("42703", fmt::format("column \"{}\" specified in USING clause does not exist in {} table", name,
                                               li < 0 ? "left" : "right"),
                          j.location);
        }
        std::vector<BoundExprPtr> args;
        args.push_back(make_column_ref(li, left.scope.columns[static_cast<size_t>(li)].type, name));
        args.push_back(make_column_ref(static_cast<int32_t>(lw) + ri, right.scope.columns[static_cast<size_t>(ri)].type, name));
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr eq, call("=", std::move(args), j.location));
        conds.push_back(std::move(eq));
        // The merged column is visible once, unqualified, from the left side.
        r.scope.columns[lw + static_cast<size_t>(ri)].hidden = true;
      }
      if (plan->join_kind == LogicalJoinKind::kCross) plan->join_kind = LogicalJoinKind::kInner;
      if (conds.size() == 1) {
        plan->predicate = std::move(conds[0]);
      } else {
        auto a = std::make_unique<BoundExpr>();
        a->kind = BoundExprKind::kAnd;
        a->type = Type::boolean();
        a->children = std::move(conds);
        plan->predicate = std::move(a);
      }
    } else if (j.on) {
      ExprMode mode;
      mode.scope = &r.scope;
      mode.clause = "JOIN conditions";
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr cond, bind_expr(*j.on, mode));
      STRATA_ASSIGN_OR_RETURN(plan->predicate, to_boolean(std::move(cond), "JOIN/ON", j.on->location));
    }
    r.plan = plan;
    if (!j.alias.empty()) {
      Status err;
      rename_scope(r.scope, j.alias, &r.plan->names, j.location, &err);
      STRATA_RETURN_IF_ERROR(err);
    }
    return r;
  }

  // --- queries -----------------------------------------------------------

  Result<LogicalPlanPtr> bind_query_in(const Query& q, const Scope* outer) {
    if (++depth_guard > 200) {
      --depth_guard;
      return error_at("54001", "stack depth limit exceeded", q.location);
    }
    size_t cte_mark = ctes.size();
    if (q.with) {
      if (q.with->recursive) {
        ctes.resize(cte_mark);
        --depth_guard;
        return error_at("0A000", "WITH RECURSIVE is not supported", q.with->location);
      }
      for (const auto& c : q.with->ctes) ctes.emplace_back(c.name, &c);
    }
    Result<LogicalPlanPtr> r = bind_query_body_with_order(q, outer);
    ctes.resize(cte_mark);
    --depth_guard;
    return r;
  }

  Result<LogicalPlanPtr> bind_query_body_with_order(const Query& q, const Scope* outer) {
    LogicalPlanPtr plan;
    if (const auto* core = q.body->as_if<SelectCore>()) {
      STRATA_ASSIGN_OR_RETURN(plan, bind_select(*core, q.order_by, outer));
    } else {
      STRATA_ASSIGN_OR_RETURN(plan, bind_body(*q.body, outer));
      if (!q.order_by.empty()) {
        // ORDER BY over a set operation or VALUES: output names and ordinals only.
        auto sort = std::make_shared<LogicalPlan>();
        sort->kind = LogicalKind::kSort;
        sort->types = plan->types;
        sort->names = plan->names;
        Scope out_scope;
        for (size_t i = 0; i < plan->types.size(); ++i) out_scope.columns.push_back({"", plan->names[i], plan->types[i]});
        for (const auto& o : q.order_by) {
          SortKey k;
          k.descending = o.direction == SortDirection::kDesc;
          k.nulls_first = o.nulls == NullsOrder::kDefault ? k.descending : o.nulls == NullsOrder::kFirst;
          const auto* c = o.expr->as_if<Constant>();
          if (c != nullptr && c->constant_kind == ConstantKind::kInteger) {
            int64_t n = c->int_value.value_or(0);
            if (n < 1 || n > static_cast<int64_t>(plan->types.size())) {
              return error_at("42P10", fmt::format("ORDER BY position {} is not in select list", n), o.expr->location);
            }
            k.expr = make_column_ref(static_cast<int32_t>(n - 1), plan->types[static_cast<size_t>(n - 1)]);
          } else {
            ExprMode mode;
            mode.scope = &out_scope;
            mode.clause = "ORDER BY";
            STRATA_ASSIGN_OR_RETURN(k.expr, bind_expr(*o.expr, mode));
          }
          sort->sort_keys.push_back(std::move(k));
        }
        sort->children.push_back(plan);
        plan = sort;
      }
    }
    return apply_limit(q, plan);
  }

  Result<LogicalPlanPtr> apply_limit(const Query& q, LogicalPlanPtr plan) {
    if (!q.limit && !q.offset) return plan;
    auto lim = std::make_shared<LogicalPlan>();
    lim->kind = LogicalKind::kLimit;
    lim->types = plan->types;
    lim->names = plan->names;
    ExprMode mode;
    Scope empty;
    mode.scope = &empty;
    mode.clause = "LIMIT";
    auto eval = [&](const Expr& e, int64_t* out, BoundExprPtr* dynamic, const char* what) -> Status {
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(e, mode));
      STRATA_ASSIGN_OR_RETURN(b, coerce(std::move(b), Type::bigint(), e.location));
      if (b->kind == BoundExprKind::kConstant) {
        if (b->value.is_null()) {
          *out = -2;  // LIMIT NULL = no limit; OFFSET NULL = 0
          return Status::ok_status();
        }
        if (b->value.as_int() < 0) {
          return error_at("2201W", fmt::format("{} must not be negative", what), e.location);
        }
        *out = b->value.as_int();
        return Status::ok_status();
      }
      *dynamic = std::move(b);
      return Status::ok_status();
    };
    if (q.limit) {
      STRATA_RETURN_IF_ERROR(eval(*q.limit, &lim->limit, &lim->limit_expr, "LIMIT"));
      if (lim->limit == -2) lim->limit = -1;
    }
    if (q.offset) {
      STRATA_RETURN_IF_ERROR(eval(*q.offset, &lim->offset, &lim->offset_expr, "OFFSET"));
      if (lim->offset == -2) lim->offset = 0;
    }
    lim->children.push_back(plan);
    return lim;
  }

  Result<LogicalPlanPtr> bind_body(const QueryBody& body, const Scope* outer) {
    switch (body.kind) {
      case NodeKind::kQuery: return bind_query_in(body.as<Query>(), outer);
      case NodeKind::kSelectCore: return bind_select(body.as<SelectCore>(), {}, outer);
      case NodeKind::kValues: return bind_values(body.as<ValuesList>(), outer, nullptr);
      case NodeKind::kSetOperation: {
        const auto& s = body.as<SetOperation>();
        STRATA_ASSIGN_OR_RETURN(LogicalPlanPtr l, bind_body(*s.left, outer));
        STRATA_ASSIGN_OR_RETURN(LogicalPlanPtr r, bind_body(*s.right, outer));
        const char* opname = s.op == SetOpKind::kUnion ? "UNION" : (s.op == SetOpKind::kIntersect ? "INTERSECT" : "EXCEPT");
        if (l->types.size() != r->types.size()) {
          return error_at("42601", fmt::format("each {} query must have the same number of columns", opname), s.location);
        }
        std::vector<Type> target;
        for (size_t i = 0; i < l->types.size(); ++i) {
          Result<Type> t = FunctionRegistry::common_type({l->types[i], r->types[i]});
          if (!t.ok()) {
            return error_at("42804", fmt::format("{} types {} and {} cannot be matched", opname, l->types[i].name(),
                                                 r->types[i].name()),
                            s.location);
          }
          target.push_back(t->id() == TypeId::kUnknown ? Type::text() : *t);
        }
        STRATA_ASSIGN_OR_RETURN(l, cast_plan(l, target, s.location));
        STRATA_ASSIGN_OR_RETURN(r, cast_plan(r, target, s.location));
        auto plan = std::make_shared<LogicalPlan>();
        plan->kind = LogicalKind::kSetOp;
        plan->set_op = s.op == SetOpKind::kUnion ? LogicalSetOp::kUnion
                       : s.op == SetOpKind::kIntersect ? LogicalSetOp::kIntersect
                                                       : LogicalSetOp::kExcept;
        plan->set_all = s.all;
        plan->types = target;
        plan->names = l->names;
        plan->children = {l, r};
        return LogicalPlanPtr(plan);
      }
      default: return error_at("0A000", "unsupported query", body.location);
    }
  }

  // Wraps `plan` in a projection casting its columns to `target` when they differ.
  Result<LogicalPlanPtr> cast_plan(LogicalPlanPtr plan, const std::vector<Type>& target, int32_t location) {
    if (plan->types == target) return plan;
    auto proj = std::make_shared<LogicalPlan>();
    proj->kind = LogicalKind::kProject;
    for (size_t i = 0; i < target.size(); ++i) {
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr c, coerce(make_column_ref(static_cast<int32_t>(i), plan->types[i], plan->names[i]),
                                                     target[i], location));
      proj->exprs.push_back(std::move(c));
    }
    proj->types = target;
    proj->names = plan->names;
    proj->children.push_back(plan);
    return LogicalPlanPtr(proj);
  }

  // VALUES rows; `target_types` (INSERT) gives each column's type, else the common
  // type per column.
  Result<LogicalPlanPtr> bind_values(const ValuesList& v, const Scope* outer, const std::vector<Type>* target_types) {
    auto plan = std::make_shared<LogicalPlan>();
    plan->kind = LogicalKind::kValues;
    Scope empty;
    empty.outer = outer;
    ExprMode mode;
    mode.scope = &empty;
    mode.clause = "VALUES";
    size_t width = v.rows.empty() ? 0 : v.rows[0].size();
    for (const auto& row : v.rows) {
      if (row.size() != width) return error_at("42601", "VALUES lists must all be the same length", v.location);
      std::vector<BoundExprPtr> out;
      for (const auto& e : row) {
        if (e->is<DefaultExpr>()) {
          out.push_back(nullptr);  // filled by INSERT with the column default
          continue;
        }
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(*e, mode));
        out.push_back(std::move(b));
      }
      plan->rows.push_back(std::move(out));
    }
    for (size_t c = 0; c < width; ++c) {
      Type t;
      if (target_types != nullptr) {
        t = (*target_types)[c];
      } else {
        std::vector<BoundExprPtr*> ptrs;
        for (auto& row : plan->rows) {
          if (row[c]) ptrs.push_back(&row[c]);
        }
        STRATA_ASSIGN_OR_RETURN(t, common_type(ptrs, "VALUES", v.location));
      }
      for (auto& row : plan->rows) {
        if (row[c]) {
          STRATA_ASSIGN_OR_RETURN(row[c], coerce(std::move(row[c]), t, v.location, target_types != nullptr));
        }
      }
      plan->types.push_back(t);
      plan->names.push_back(fmt::format("column{}", c + 1));
    }
    return LogicalPlanPtr(plan);
  }

  // Whether an AST contains an aggregate call (not inside a subquery).
  bool contains_aggregate(const Node& n) {
    if (const auto* f = n.as_if<FuncCall>()) {
      std::string name = lower(f->name.name());
      if (!f->over && functions->has_aggregate(name) && (f->star || !functions->has_scalar(name))) return true;
      for (const auto& a : f->args) {
        if (contains_aggregate(*a)) return true;
      }
      return f->filter && contains_aggregate(*f->filter);
    }
    bool found = false;
    visit_children(n, [&](const Node& c) { found = found || contains_aggregate(c); });
    return found;
  }

  template <class F>
  static void visit_children(const Node& n, F&& f) {
    switch (n.kind) {
      case NodeKind::kUnaryOp: f(*n.as<UnaryOp>().operand); break;
      case NodeKind::kBinaryOp: f(*n.as<BinaryOp>().left); f(*n.as<BinaryOp>().right); break;
      case NodeKind::kBoolExpr: for (const auto& a : n.as<BoolExpr>().args) f(*a); break;
      case NodeKind::kNullTest: f(*n.as<NullTest>().arg); break;
      case NodeKind::kBooleanTest: f(*n.as<BooleanTest>().arg); break;
      case NodeKind::kDistinctFrom: f(*n.as<DistinctFrom>().left); f(*n.as<DistinctFrom>().right); break;
      case NodeKind::kBetween: {
        const auto& b = n.as<Between>();
        f(*b.arg); f(*b.low); f(*b.high);
        break;
      }
      case NodeKind::kInList: {
        const auto& i = n.as<InList>();
        f(*i.arg);
        for (const auto& x : i.list) f(*x);
        break;
      }
      case NodeKind::kLike: {
        const auto& l = n.as<Like>();
        f(*l.arg); f(*l.pattern);
        if (l.escape) f(*l.escape);
        break;
      }
      case NodeKind::kSubquery: {
        const auto& s = n.as<SubqueryExpr>();
        if (s.test_expr) f(*s.test_expr);
        break;
      }
      case NodeKind::kCase: {
        const auto& c = n.as<CaseExpr>();
        if (c.arg) f(*c.arg);
        for (const auto& w : c.whens) { f(*w.when); f(*w.then); }
        if (c.else_expr) f(*c.else_expr);
        break;
      }
      case NodeKind::kCast: f(*n.as<Cast>().arg); break;
      case NodeKind::kCollate: f(*n.as<CollateExpr>().arg); break;
      case NodeKind::kRowExpr: for (const auto& a : n.as<RowExpr>().args) f(*a); break;
      default: break;
    }
  }

  Result<LogicalPlanPtr> bind_select(const SelectCore& core, const std::vector<OrderItem>& order_by, const Scope* outer) {
    // FROM: comma items are cross joins (the optimizer turns filters into join keys).
    FromResult from;
    from.scope.outer = outer;
    if (core.from.empty()) {
      auto one = std::make_shared<LogicalPlan>();
      one->kind = LogicalKind::kValues;
      one->rows.emplace_back();  // one row, no columns
      from.plan = one;
    }
    for (const auto& item : core.from) {
      STRATA_ASSIGN_OR_RETURN(FromResult r, bind_table_ref(*item, outer));
      if (!from.plan) {
        from.plan = r.plan;
        from.scope.columns = r.scope.columns;
        continue;
      }
      auto join = std::make_shared<LogicalPlan>();
      join->kind = LogicalKind::kJoin;
      join->join_kind = LogicalJoinKind::kCross;
      join->types = from.plan->types;
      join->types.insert(join->types.end(), r.plan->types.begin(), r.plan->types.end());
      join->names = from.plan->names;
      join->names.insert(join->names.end(), r.plan->names.begin(), r.plan->names.end());
      join->children = {from.plan, r.plan};
      from.plan = join;
      from.scope.columns.insert(from.scope.columns.end(), r.scope.columns.begin(), r.scope.columns.end());
    }
    for (size_t i = 0; i < from.scope.columns.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        const auto& a = from.scope.columns[i];
        const auto& b = from.scope.columns[j];
        (void)a;
        (void)b;
      }
    }
    LogicalPlanPtr plan = from.plan;
    ExprMode base;
    base.scope = &from.scope;
    if (core.where) {
      ExprMode m = base;
      m.clause = "WHERE";
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr w, bind_expr(*core.where, m));
      STRATA_ASSIGN_OR_RETURN(w, to_boolean(std::move(w), "WHERE", core.where->location));
      auto f = std::make_shared<LogicalPlan>();
      f->kind = LogicalKind::kFilter;
      f->predicate = std::move(w);
      f->types = plan->types;
      f->names = plan->names;
      f->children.push_back(plan);
      plan = f;
    }
    // Expand the select list (stars) into (AST, name) pairs.
    struct Target {
      const Expr* expr = nullptr;
      int32_t star_column = -1;  // from a * expansion
      std::string name;
      int32_t location = -1;
    };
    std::vector<Target> targets;
    for (const auto& item : core.targets) {
      if (const auto* star = item.expr->as_if<Star>()) {
        bool any = false;
        std::string qual = star->qualifier.empty() ? "" : star->qualifier.back();
        for (size_t i = 0; i < from.scope.columns.size(); ++i) {
          const auto& c = from.scope.columns[i];
          if (qual.empty() ? c.hidden : c.table != qual) continue;
          targets.push_back({nullptr, static_cast<int32_t>(i), c.name, item.location});
          any = true;
        }
        if (!any && !qual.empty()) {
          return error_at("42P01", fmt::format("missing FROM-clause entry for table \"{}\"", qual), item.location);
        }
        if (!any && core.from.empty()) return error_at("42601", "SELECT * with no tables specified is not valid", item.location);
        continue;
      }
      std::string name = item.alias;
      if (name.empty()) name = default_column_name(*item.expr);
      targets.push_back({item.expr.get(), -1, name, item.location});
    }
    // Aggregation.
    bool aggregating = !core.group_by.empty() || (core.having != nullptr);
    for (const auto& t : targets) {
      if (t.expr && contains_aggregate(*t.expr)) aggregating = true;
    }
    for (const auto& o : order_by) {
      if (contains_aggregate(*o.expr)) aggregating = true;
    }
    AggContext agg;
    agg.from = &from.scope;
    Scope agg_scope;  // placeholder scope for expressions over the aggregate output
    agg_scope.outer = outer;
    if (aggregating) {
      for (const auto& g : core.group_by) {
        if (g->is<GroupingSet>()) return error_at("0A000", "GROUPING SETS, ROLLUP and CUBE are not supported", g->location);
        const Expr* ge = g.get();
        // GROUP BY 2 / GROUP BY alias refer to select-list items.
        if (const auto* c = ge->as_if<Constant>(); c != nullptr && c->constant_kind == ConstantKind::kInteger) {
          int64_t n = c->int_value.value_or(0);
          if (n < 1 || n > static_cast<int64_t>(targets.size())) {
            return error_at("42P10", fmt::format("GROUP BY position {} is not in select list", n), g->location);
          }
          const Target& t = targets[static_cast<size_t>(n - 1)];
          if (t.expr == nullptr) {
            agg.group_keys.push_back("");
            agg.group_columns.push_back(t.star_column);
            agg.groups.push_back(make_column_ref(t.star_column, from.scope.columns[static_cast<size_t>(t.star_column)].type, t.name));
            continue;
          }
          ge = t.expr;
        } else if (const auto* cr = ge->as_if<ColumnRef>(); cr != nullptr && cr->names.size() == 1) {
          bool is_input_column = false;
          for (const auto& c : from.scope.columns) is_input_column |= !c.hidden && c.name == cr->names[0];
          if (!is_input_column) {
            for (const auto& t : targets) {
              if (t.expr && t.name == cr->names[0]) {
                ge = t.expr;
                break;
              }
            }
          }
        }
        ExprMode m = base;
        m.clause = "GROUP BY";
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(*ge, m));
        STRATA_ASSIGN_OR_RETURN(b, resolve_unknown(std::move(b), ge->location));
        agg.group_keys.push_back(to_debug_string(*ge));
        agg.group_columns.push_back(b->kind == BoundExprKind::kColumnRef ? b->column : -1);
        if (b->name.empty()) b->name = default_column_name(*ge);
        agg.groups.push_back(std::move(b));
      }
    }
    WindowContext win;
    ExprMode select_mode = base;
    select_mode.clause = "SELECT";
    select_mode.allow_windows = true;
    select_mode.window = &win;
    if (aggregating) {
      select_mode.agg = &agg;
      select_mode.allow_aggregates = true;
    }
    // Bind the select list (window calls and aggregates are collected on the way).
    // Widths are fixed only after every aggregate is known, so bind into a
    // provisional form and patch window column numbers afterwards.
    std::vector<BoundExprPtr> exprs;
    std::vector<std::string> names;
    win.input_width = 1 << 20;  // provisional: window refs are renumbered below
    for (const auto& t : targets) {
      if (t.expr == nullptr) {
        if (aggregating) {
          bool grouped = false;
          for (size_t i = 0; i < agg.group_columns.size(); ++i) {
            if (agg.group_columns[i] == t.star_column) {
              exprs.push_back(make_column_ref(static_cast<int32_t>(i), agg.groups[i]->type, t.name));
              grouped = true;
              break;
            }
          }
          if (!grouped) {
            return error_at("42803",
                            fmt::format("column \"{}\" must appear in the GROUP BY clause or be used in an aggregate function",
                                        t.name),
                            t.location);
          }
        } else {
          exprs.push_back(make_column_ref(t.star_column, from.scope.columns[static_cast<size_t>(t.star_column)].type, t.name));
        }
      } else {
        STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(*t.expr, select_mode));
        exprs.push_back(std::move(b));
      }
      names.push_back(t.name);
    }
    BoundExprPtr having;
    if (core.having) {
      ExprMode m = select_mode;
      m.clause = "HAVING";
      m.allow_windows = false;
      STRATA_ASSIGN_OR_RETURN(having, bind_expr(*core.having, m));
      STRATA_ASSIGN_OR_RETURN(having, to_boolean(std::move(having), "HAVING", core.having->location));
    }
    // ORDER BY: output columns by ordinal or name, else expressions over the input.
    struct OrderBinding {
      int32_t output = -1;  // select-list position
      BoundExprPtr expr;    // else an extra expression
      bool descending = false;
      bool nulls_first = false;
    };
    std::vector<OrderBinding> orders;
    for (const auto& o : order_by) {
      OrderBinding ob;
      ob.descending = o.direction == SortDirection::kDesc;
      ob.nulls_first = o.nulls == NullsOrder::kDefault ? ob.descending : o.nulls == NullsOrder::kFirst;
      const auto* c = o.expr->as_if<Constant>();
      if (c != nullptr && c->constant_kind == ConstantKind::kInteger) {
        int64_t n = c->int_value.value_or(0);
        if (n < 1 || n > static_cast<int64_t>(exprs.size())) {
          return error_at("42P10", fmt::format("ORDER BY position {} is not in select list", n), o.expr->location);
        }
        ob.output = static_cast<int32_t>(n - 1);
      } else if (const auto* cr = o.expr->as_if<ColumnRef>(); cr != nullptr && cr->names.size() == 1) {
        int matches = 0;
        for (size_t i = 0; i < names.size(); ++i) {
          if (names[i] == cr->names[0]) {
            if (matches == 0) ob.output = static_cast<int32_t>(i);
            ++matches;
          }
        }
        if (matches > 1) {
          // Several outputs share the name: fine when they are the same column.
          bool same = true;
          for (size_t i = 0; i < names.size(); ++i) {
            if (names[i] == cr->names[0] && exprs[i]->to_string() != exprs[static_cast<size_t>(ob.output)]->to_string()) same = false;
          }
          if (!same) return error_at("42702", fmt::format("ORDER BY \"{}\" is ambiguous", cr->names[0]), o.expr->location);
        }
      }
      if (ob.output < 0) {
        // Match a select-list expression written the same way.
        std::string key = to_debug_string(*o.expr);
        for (size_t i = 0; i < targets.size(); ++i) {
          if (targets[i].expr && to_debug_string(*targets[i].expr) == key) {
            ob.output = static_cast<int32_t>(i);
            break;
          }
        }
      }
      if (ob.output < 0) {
        if (core.distinct) {
          return error_at("42P10", "for SELECT DISTINCT, ORDER BY expressions must appear in select list", o.expr->location);
        }
        ExprMode m = select_mode;
        m.clause = "ORDER BY";
        STRATA_ASSIGN_OR_RETURN(ob.expr, bind_expr(*o.expr, m));
        STRATA_ASSIGN_OR_RETURN(ob.expr, resolve_unknown(std::move(ob.expr), o.expr->location));
      }
      orders.push_back(std::move(ob));
    }
    // Build: [Aggregate] -> [Filter having] -> [Window] -> Project -> [Distinct] -> [Sort] -> Project.
    int32_t pre_window_width;
    if (aggregating) {
      auto a = std::make_shared<LogicalPlan>();
      a->kind = LogicalKind::kAggregate;
      for (auto& g : agg.groups) {
        a->types.push_back(g->type);
        a->names.push_back(g->name);
      }
      for (auto& x : agg.aggs) {
        a->types.push_back(x.type);
        a->names.push_back(x.name);
      }
      a->groups = std::move(agg.groups);
      a->aggregates = std::move(agg.aggs);
      a->children.push_back(plan);
      plan = a;
      if (having) {
        auto f = std::make_shared<LogicalPlan>();
        f->kind = LogicalKind::kFilter;
        f->predicate = std::move(having);
        f->types = plan->types;
        f->names = plan->names;
        f->children.push_back(plan);
        plan = f;
      }
      pre_window_width = static_cast<int32_t>(plan->types.size());
    } else {
      pre_window_width = static_cast<int32_t>(plan->types.size());
    }
    auto renumber = [&](BoundExpr& e, auto&& self) -> void {
      if (e.kind == BoundExprKind::kColumnRef && e.column >= (1 << 20)) e.column = e.column - (1 << 20) + pre_window_width;
      for (auto& c : e.children) self(*c, self);
    };
    if (!win.windows.empty()) {
      auto w = std::make_shared<LogicalPlan>();
      w->kind = LogicalKind::kWindow;
      w->types = plan->types;
      w->names = plan->names;
      for (auto& x : win.windows) {
        w->types.push_back(x.type);
        w->names.push_back(x.name);
      }
      w->windows = std::move(win.windows);
      w->children.push_back(plan);
      plan = w;
    }
    for (auto& e : exprs) renumber(*e, renumber);
    for (auto& o : orders) {
      if (o.expr) renumber(*o.expr, renumber);
    }
    // Projection: select list then hidden sort expressions.
    auto proj = std::make_shared<LogicalPlan>();
    proj->kind = LogicalKind::kProject;
    for (size_t i = 0; i < exprs.size(); ++i) {
      STRATA_ASSIGN_OR_RETURN(exprs[i], resolve_unknown(std::move(exprs[i]), targets[i].location));
      proj->types.push_back(exprs[i]->type);
      proj->names.push_back(names[i]);
      proj->exprs.push_back(std::move(exprs[i]));
    }
    size_t visible = proj->exprs.size();
    std::vector<SortKey> keys;
    for (auto& o : orders) {
      SortKey k;
      k.descending = o.descending;
      k.nulls_first = o.nulls_first;
      if (o.output >= 0) {
        k.expr = make_column_ref(o.output, proj->types[static_cast<size_t>(o.output)]);
      } else {
        k.expr = make_column_ref(static_cast<int32_t>(proj->exprs.size()), o.expr->type);
        proj->types.push_back(o.expr->type);
        proj->names.push_back("?sort?");
        proj->exprs.push_back(std::move(o.expr));
      }
      keys.push_back(std::move(k));
    }
    proj->children.push_back(plan);
    plan = proj;
    if (core.distinct) {
      if (!core.distinct_on.empty()) return error_at("0A000", "DISTINCT ON is not supported", core.location);
      auto d = std::make_shared<LogicalPlan>();
      d->kind = LogicalKind::kDistinct;
      d->types = plan->types;
      d->names = plan->names;
      d->children.push_back(plan);
      plan = d;
    }
    if (!keys.empty()) {
      auto s = std::make_shared<LogicalPlan>();
      s->kind = LogicalKind::kSort;
      s->types = plan->types;
      s->names = plan->names;
      s->sort_keys = std::move(keys);
      s->children.push_back(plan);
      plan = s;
    }
    if (plan->types.size() != visible) {
      auto trim = std::make_shared<LogicalPlan>();
      trim->kind = LogicalKind::kProject;
      for (size_t i = 0; i < visible; ++i) {
        trim->exprs.push_back(make_column_ref(static_cast<int32_t>(i), plan->types[i], plan->names[i]));
        trim->types.push_back(plan->types[i]);
        trim->names.push_back(plan->names[i]);
      }
      trim->children.push_back(plan);
      plan = trim;
    }
    return plan;
  }

  static std::string default_column_name(const Expr& e) {
    switch (e.kind) {
      case NodeKind::kColumnRef: return e.as<ColumnRef>().names.back();
      case NodeKind::kFuncCall: return lower(e.as<FuncCall>().name.name());
      case NodeKind::kCast: {
        const auto& c = e.as<Cast>();
        if (c.syntax == CastSyntax::kTypedLiteral) return c.type.name;
        std::string inner = default_column_name(*c.arg);
        return inner == "?column?" ? c.type.name : inner;
      }
      case NodeKind::kCase: return "case";
      case NodeKind::kSubquery: {
        const auto& s = e.as<SubqueryExpr>();
        if (s.subquery_kind == SubqueryKind::kExists) return "exists";
        return "?column?";
      }
      case NodeKind::kSqlValueFunction: {
        switch (e.as<SqlValueFunction>().function) {
          case SqlValueFunctionKind::kCurrentDate: return "current_date";
          case SqlValueFunctionKind::kCurrentTimestamp: return "current_timestamp";
          case SqlValueFunctionKind::kCurrentUser: return "current_user";
          default: return "?column?";
        }
      }
      default: return "?column?";
    }
  }

  // --- DML ---------------------------------------------------------------

  // The table a DML statement changes. Streams take INSERT and COPY FROM only
  // (`appendable_streams`): their records are appended, never changed.
  Result<std::shared_ptr<const catalog::TableDef>> find_table(const QualifiedName& name, bool appendable_streams = false) {
    std::string schema = name.parts.size() >= 2 ? name.parts[name.parts.size() - 2] : "public";
    auto it = catalog->tables.find(catalog::CatalogSnapshot::key(schema, name.name()));
    if (it == catalog->tables.end()) {
      if (const catalog::StreamDef* stream = catalog->find_stream(schema, name.name())) {
        if (appendable_streams) return stream->as_table();
        return error_at("42809", fmt::format("\"{}\" is a stream: it takes only INSERT", name.name()), name.location);
      }
      if (catalog->find_view(schema, name.name())) {
        return error_at("55000", fmt::format("cannot change view \"{}\"", name.name()), name.location);
      }
      if (catalog->find_materialized_view(schema, name.name())) {
        return error_at("42809",
                        fmt::format("cannot change materialized view \"{}\": it is maintained from its stream",
                                    name.name()),
                        name.location);
      }
      return error_at("42P01", fmt::format("relation \"{}\" does not exist", name.to_string()), name.location);
    }
    return it->second;
  }

  Status bind_table_constraints(LogicalPlan& plan, const catalog::TableDef& table) {
    for (const auto& chk : table.checks) {
      Result<ExprPtr> e = parse_expression(chk.expr_sql);
      if (!e.ok()) return Status::sql("XX000", fmt::format("stored CHECK of \"{}\" does not parse", table.name));
      check_asts.push_back(std::move(e).value());
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_over_table(*check_asts.back(), table));
      b->name = chk.name;
      plan.checks.push_back(std::move(b));
    }
    return Status::ok_status();
  }

  Result<BoundExprPtr> bind_over_table(const Expr& e, const catalog::TableDef& table, const std::string& alias = "") {
    Scope s;
    for (const auto& c : table.columns) s.columns.push_back({alias.empty() ? table.name : alias, c.name, c.type});
    ExprMode m;
    m.scope = &s;
    m.clause = "CHECK constraints";
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(e, m));
    return b;
  }

  Result<BoundExprPtr> column_default(const catalog::TableDef& table, size_t column) {
    const auto& col = table.columns[column];
    if (col.default_sql.empty()) return make_constant(Value::null(col.type));
    Result<ExprPtr> e = parse_expression(col.default_sql);
    if (!e.ok()) return Status::sql("XX000", fmt::format("stored DEFAULT of \"{}\" does not parse", col.name));
    check_asts.push_back(std::move(e).value());
    Scope empty;
    ExprMode m;
    m.scope = &empty;
    m.clause = "DEFAULT expressions";
    STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_expr(*check_asts.back(), m));
    return coerce(std::move(b), col.type, -1, true);
  }

  Result<BoundExprPtr> bind_returning_item(const Expr& e, const catalog::TableDef& table, const std::string& alias) {
    return bind_over_table(e, table, alias);
  }

  Status bind_returning(LogicalPlan& plan, const std::vector<SelectItem>& items, const catalog::TableDef& table,
                        const std::string& alias) {
    for (const auto& item : items) {
      if (const auto* star = item.expr->as_if<Star>()) {
        (void)star;
        for (size_t i = 0; i < table.columns.size(); ++i) {
          plan.returning.push_back(make_column_ref(static_cast<int32_t>(i), table.columns[i].type, table.columns[i].name));
          plan.returning_names.push_back(table.columns[i].name);
        }
        continue;
      }
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr b, bind_returning_item(*item.expr, table, alias));
      STRATA_ASSIGN_OR_RETURN(b, resolve_unknown(std::move(b), item.location));
      plan.returning_names.push_back(item.alias.empty() ? default_column_name(*item.expr) : item.alias);
      plan.returning.push_back(std::move(b));
    }
    return Status::ok_status();
  }

  Result<LogicalPlanPtr> bind_insert(const InsertStmt& s) {
    if (s.with) for (const auto& c : s.with->ctes) ctes.emplace_back(c.name, &c);
    STRATA_ASSIGN_OR_RETURN(auto table, find_table(s.table, /*appendable_streams=*/true));
    auto plan = std::make_shared<LogicalPlan>();
    plan->kind = LogicalKind::kInsert;
    plan->table = table;
    plan->or_replace = s.or_action == InsertOr::kReplace;
    plan->or_ignore = s.or_action == InsertOr::kIgnore;
    // Target columns.
    std::vector<int32_t> targets;
    if (s.columns.empty()) {
      for (size_t i = 0; i < table->columns.size(); ++i) targets.push_back(static_cast<int32_t>(i));
    } else {
      for (const auto& c : s.columns) {
        int32_t idx = table->column_index(c);
        if (idx < 0) {
          return error_at("42703", fmt::format("column \"{}\" of relation \"{}\" does not exist", c, table->name), s.location);
        }
        if (std::find(targets.begin(), targets.end(), idx) != targets.end()) {
          return error_at("42701", fmt::format("column \"{}\" specified more than once", c), s.location);
        }
        targets.push_back(idx);
      }
    }
    std::vector<Type> target_types;
    for (int32_t t : targets) target_types.push_back(table->columns[static_cast<size_t>(t)].type);
    LogicalPlanPtr source;
    if (s.default_values || !s.query) {
      auto v = std::make_shared<LogicalPlan>();
      v->kind = LogicalKind::kValues;
      v->rows.emplace_back();
      source = v;
      targets.clear();
      target_types.clear();
    } else if (const auto* values = s.query->body->as_if<ValuesList>();
               values != nullptr && s.query->order_by.empty() && !s.query->limit && !s.query->offset) {
      for (const auto& row : values->rows) {
        if (row.size() > targets.size()) {
          return error_at("42601", "INSERT has more expressions than target columns", values->location);
        }
        if (row.size() < targets.size()) {
          return error_at("42601", "INSERT has more target columns than expressions", values->location);
        }
      }
      STRATA_ASSIGN_OR_RETURN(source, bind_values(*values, nullptr, &target_types));
    } else {
      STRATA_ASSIGN_OR_RETURN(source, bind_query_in(*s.query, nullptr));
      if (source->types.size() > targets.size()) {
        return error_at("42601", "INSERT has more expressions than target columns", s.location);
      }
      if (source->types.size() < targets.size()) {
        return error_at("42601", "INSERT has more target columns than expressions", s.location);
      }
    }
    // Project the source into table order: targets from the source (assignment
    // casts), others from their defaults.
    auto proj = std::make_shared<LogicalPlan>();
    proj->kind = LogicalKind::kProject;
    for (size_t col = 0; col < table->columns.size(); ++col) {
      auto pos = std::find(targets.begin(), targets.end(), static_cast<int32_t>(col));
      BoundExprPtr e;
      if (pos == targets.end()) {
        STRATA_ASSIGN_OR_RETURN(e, column_default(*table, col));
      } else {
        size_t src = static_cast<size_t>(pos - targets.begin());
        e = make_column_ref(static_cast<int32_t>(src), source->types[src]);
        STRATA_ASSIGN_OR_RETURN(e, coerce(std::move(e), table->columns[col].type, s.location, true));
      }
      proj->types.push_back(table->columns[col].type);
      proj->names.push_back(table->columns[col].name);
      proj->exprs.push_back(std::move(e));
    }
    // VALUES rows with DEFAULT: substitute the column default in place.
    if (source->kind == LogicalKind::kValues) {
      for (auto& row : source->rows) {
        for (size_t i = 0; i < row.size(); ++i) {
          if (!row[i]) {
            STRATA_ASSIGN_OR_RETURN(row[i], column_default(*table, static_cast<size_t>(targets[i])));
          }
        }
      }
    }
    proj->children.push_back(source);
    plan->children.push_back(proj);
    plan->types = proj->types;
    plan->names = proj->names;
    STRATA_RETURN_IF_ERROR(bind_table_constraints(*plan, *table));
    if (s.on_conflict) {
      auto oc = std::make_unique<OnConflictPlan>();
      for (const auto& c : s.on_conflict->target_columns) {
        int32_t idx = table->column_index(c);
        if (idx < 0) return error_at("42703", fmt::format("column \"{}\" does not exist", c), s.on_conflict->location);
        oc->key_columns.push_back(idx);
      }
      if (oc->key_columns.empty()) oc->key_columns = table->primary_key;
      if (oc->key_columns.empty() || (oc->key_columns != table->primary_key &&
                                      std::find(table->unique_keys.begin(), table->unique_keys.end(), oc->key_columns) ==
                                          table->unique_keys.end())) {
        return error_at("42P10", "there is no unique or exclusion constraint matching the ON CONFLICT specification",
                        s.on_conflict->location);
      }
      oc->do_update = s.on_conflict->do_update;
      if (oc->do_update) {
        // SET expressions see the existing row (by table name / alias) and EXCLUDED.
        Scope sc;
        std::string alias = s.alias.empty() ? table->name : s.alias;
        for (const auto& c : table->columns) sc.columns.push_back({alias, c.name, c.type});
        for (const auto& c : table->columns) sc.columns.push_back({"excluded", c.name, c.type, true});
        ExprMode m;
        m.scope = &sc;
        m.clause = "ON CONFLICT DO UPDATE";
        oc->set.resize(table->columns.size());
        for (const auto& sc_item : s.on_conflict->set) {
          if (sc_item.columns.size() != 1) return error_at("0A000", "multi-column SET is not supported", sc_item.location);
          int32_t idx = table->column_index(sc_item.columns[0]);
          if (idx < 0) return error_at("42703", fmt::format("column \"{}\" does not exist", sc_item.columns[0]), sc_item.location);
          STRATA_ASSIGN_OR_RETURN(BoundExprPtr v, bind_expr(*sc_item.value, m));
          STRATA_ASSIGN_OR_RETURN(v, coerce(std::move(v), table->columns[static_cast<size_t>(idx)].type, sc_item.location, true));
          oc->set[static_cast<size_t>(idx)] = std::move(v);
        }
        if (s.on_conflict->where) {
          STRATA_ASSIGN_OR_RETURN(BoundExprPtr w, bind_expr(*s.on_conflict->where, m));
          STRATA_ASSIGN_OR_RETURN(oc->where, to_boolean(std::move(w), "WHERE", s.on_conflict->where->location));
        }
      }
      plan->on_conflict = std::move(oc);
    }
    STRATA_RETURN_IF_ERROR(bind_returning(*plan, s.returning, *table, s.alias));
    return LogicalPlanPtr(plan);
  }

  // COPY t (cols) FROM ...: an INSERT whose source is a placeholder kValues node
  // (no rows, the target columns' types) that the executor replaces with the parsed
  // rows.
  Result<LogicalPlanPtr> bind_copy_from(const QualifiedName& name, const std::vector<std::string>& columns) {
    STRATA_ASSIGN_OR_RETURN(auto table, find_table(name, /*appendable_streams=*/true));
    std::vector<int32_t> targets;
    if (columns.empty()) {
      for (size_t i = 0; i < table->columns.size(); ++i) targets.push_back(static_cast<int32_t>(i));
    } else {
      for (const auto& c : columns) {
        int32_t idx = table->column_index(c);
        if (idx < 0) {
          return error_at("42703", fmt::format("column \"{}\" of relation \"{}\" does not exist", c, table->name),
                          name.location);
        }
        targets.push_back(idx);
      }
    }
    auto source = std::make_shared<LogicalPlan>();
    source->kind = LogicalKind::kValues;
    for (int32_t t : targets) {
      source->types.push_back(table->columns[static_cast<size_t>(t)].type);
      source->names.push_back(table->columns[static_cast<size_t>(t)].name);
    }
    auto proj = std::make_shared<LogicalPlan>();
    proj->kind = LogicalKind::kProject;
    for (size_t col = 0; col < table->columns.size(); ++col) {
      auto pos = std::find(targets.begin(), targets.end(), static_cast<int32_t>(col));
      BoundExprPtr e;
      if (pos == targets.end()) {
        STRATA_ASSIGN_OR_RETURN(e, column_default(*table, col));
      } else {
        e = make_column_ref(static_cast<int32_t>(pos - targets.begin()), table->columns[col].type);
      }
      proj->types.push_back(table->columns[col].type);
      proj->names.push_back(table->columns[col].name);
      proj->exprs.push_back(std::move(e));
    }
    proj->children.push_back(source);
    auto plan = std::make_shared<LogicalPlan>();
    plan->kind = LogicalKind::kInsert;
    plan->table = table;
    plan->types = proj->types;
    plan->names = proj->names;
    plan->children.push_back(proj);
    STRATA_RETURN_IF_ERROR(bind_table_constraints(*plan, *table));
    return LogicalPlanPtr(plan);
  }

  // The scan under UPDATE/DELETE: every table column plus the row id, filtered.
  Result<std::pair<LogicalPlanPtr, Scope>> bind_dml_source(const catalog::TableDef& table,
                                                           std::shared_ptr<const catalog::TableDef> table_ptr,
                                                           const std::string& alias, const Expr* where) {
    auto get = std::make_shared<LogicalPlan>();
    get->kind = LogicalKind::kGet;
    get->table = table_ptr;
    get->with_row_id = true;
    Scope scope;
    std::string rv = alias.empty() ? table.name : alias;
    for (size_t i = 0; i < table.columns.size(); ++i) {
      get->columns.push_back(static_cast<int32_t>(i));
      get->types.push_back(table.columns[i].type);
      get->names.push_back(table.columns[i].name);
      scope.columns.push_back({rv, table.columns[i].name, table.columns[i].type});
    }
    get->types.push_back(Type::bigint());
    get->names.push_back("?row_id?");
    scope.columns.push_back({rv, "?row_id?", Type::bigint(), true});
    LogicalPlanPtr plan = get;
    if (where) {
      ExprMode m;
      m.scope = &scope;
      m.clause = "WHERE";
      STRATA_ASSIGN_OR_RETURN(BoundExprPtr w, bind_expr(*where, m));
      STRATA_ASSIGN_OR_RETURN(w, to_boolean(std::move(w), "WHERE", where->location));
      auto f = std::make_shared<LogicalPlan>();
      f->kind = LogicalKind::kFilter;
      f->predicate = std::move(w);
      f->types = plan->types;
      f->names = plan->names;
      f->children.push_back(plan);
      plan = f;
    }
    return std::make_pair(plan, std::move(scope));
  }

  Result<LogicalPlanPtr> bind_update(const UpdateStmt& s) {
    if (!s.from.empty()) return error_at("0A000", "UPDATE ... FROM is not supported", s.location);
    STRATA_ASSIGN_OR_RETURN(auto table, find_table(s.table));
    STRATA_ASSIGN_OR_RETURN(auto src, bind_dml_source(*table, table, s.alias, s.where.get()));
    auto& [source, scope] = src;
    auto proj = std::make_shared<LogicalPlan>();
    proj->kind = LogicalKind::kProject;
    std::vector<BoundExprPtr> values(table->columns.size());
    ExprMode m;
    m.scope = &scope;
    m.clause = "UPDATE";
    for (const auto& set : s.set) {
      if (set.columns.size() != 1) return error_at("0A000", "multi-column SET is not supported", set.location);
      int32_t idx = table->column_index(set.columns[0]);
      if (idx < 0) {
        return error_at("42703", fmt::format("column \"{}\" of relation \"{}\" does not exist", set.columns[0], table->name),
                        set.location);
      }
      BoundExprPtr v;
      if (set.value->is<DefaultExpr>()) {
        STRATA_ASSIGN_OR_RETURN(v, column_default(*table, static_cast<size_t>(idx)));
      } else {
        STRATA_ASSIGN_OR_RETURN(v, bind_expr(*set.value, m));
      }
      STRATA_ASSIGN_OR_RETURN(v, coerce(std::move(v), table->columns[static_cast<size_t>(idx)].type, set.location, true));
      values[static_cast<size_t>(idx)] = std::move(v);
    }
    for (size_t i = 0; i < table->columns.size(); ++i) {
      BoundExprPtr e = values[i] ? std::move(values[i]) : make_column_ref(static_cast<int32_t>(i), table->columns[i].type);
      proj->types.push_back(table->columns[i].type);
      proj->names.push_back(table->columns[i].name);
      proj->exprs.push_back(std::move(e));
    }
    proj->exprs.push_back(make_column_ref(static_cast<int32_t>(table->columns.size()), Type::bigint()));
    proj->types.push_back(Type::bigint());
    proj->names.push_back("?row_id?");
    proj->children.push_back(source);
    auto plan = std::make_shared<LogicalPlan>();
    plan->kind = LogicalKind::kUpdate;
    plan->table = table;
    plan->children.push_back(proj);
    STRATA_RETURN_IF_ERROR(bind_table_constraints(*plan, *table));
    STRATA_RETURN_IF_ERROR(bind_returning(*plan, s.returning, *table, s.alias));
    return LogicalPlanPtr(plan);
  }

  Result<LogicalPlanPtr> bind_delete(const DeleteStmt& s) {
    if (!s.using_tables.empty()) return error_at("0A000", "DELETE ... USING is not supported", s.location);
    STRATA_ASSIGN_OR_RETURN(auto table, find_table(s.table));
    STRATA_ASSIGN_OR_RETURN(auto src, bind_dml_source(*table, table, s.alias, s.where.get()));
    auto plan = std::make_shared<LogicalPlan>();
    plan->kind = LogicalKind::kDelete;
    plan->table = table;
    plan->children.push_back(src.first);
    STRATA_RETURN_IF_ERROR(bind_returning(*plan, s.returning, *table, s.alias));
    return LogicalPlanPtr(plan);
  }

  // ASTs parsed from stored text (views, defaults, checks) that bound expressions
  // were built from; kept alive for the binder's lifetime.
  std::vector<StatementPtr> view_asts;
  std::vector<ExprPtr> check_asts;
};

Binder::Binder(std::shared_ptr<const catalog::CatalogSnapshot> catalog, const FunctionRegistry* functions,
               std::vector<types::Type> param_types)
    : impl_(std::make_unique<Impl>()) {
  impl_->catalog = std::move(catalog);
  impl_->functions = functions;
  impl_->params = std::move(param_types);
}

Binder::~Binder() = default;

Result<LogicalPlanPtr> Binder::bind_query(const Query& query) { return impl_->bind_query_in(query, nullptr); }
Result<LogicalPlanPtr> Binder::bind_insert(const InsertStmt& stmt) { return impl_->bind_insert(stmt); }
Result<LogicalPlanPtr> Binder::bind_update(const UpdateStmt& stmt) { return impl_->bind_update(stmt); }
Result<LogicalPlanPtr> Binder::bind_delete(const DeleteStmt& stmt) { return impl_->bind_delete(stmt); }
Result<LogicalPlanPtr> Binder::bind_copy_from(const QualifiedName& table, const std::vector<std::string>& columns) {
  return impl_->bind_copy_from(table, columns);
}

Result<BoundExprPtr> Binder::bind_table_expr(const Expr& expr, const catalog::TableDef& table) {
  return impl_->bind_over_table(expr, table);
}

std::vector<types::Type> Binder::param_types() const {
  std::vector<Type> out = impl_->params;
  for (auto& t : out) {
    if (t.id() == TypeId::kUnknown) t = Type::text();
  }
  return out;
}

Result<types::Type> Binder::resolve_type(const TypeName& name) {
  if (name.array_dims > 1) return error_at("0A000", "multidimensional arrays are not supported", name.location);
  std::vector<int32_t> mods;
  for (int64_t m : name.modifiers) mods.push_back(static_cast<int32_t>(m));
  Result<Type> t = types::type_from_name(name.name, mods.data(), mods.size());
  if (!t.ok()) return at(t.status(), name.location);
  if (name.array_dims == 1) return Type::array(t->id());
  return t;
}

}  // namespace strata::sql
