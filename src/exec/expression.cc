#include "exec/expression.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "types/array.h"
#include "types/cast.h"

namespace strata::exec {

using sql::BoundExpr;
using sql::BoundExprKind;
using types::Batch;
using types::Type;
using types::TypeId;
using types::Value;
using types::Vector;

namespace {

// n rows of one value. Strings are stored once and shared by every row's slot.
void fill_constant(Vector& out, const Value& v, size_t n) {
  out = Vector(v.is_null() ? out.type() : out.type(), n);
  if (n == 0) return;
  if (v.is_null()) {
    for (size_t i = 0; i < n; ++i) out.set_null(i);
    return;
  }
  out.set_value(0, v);
  size_t width = out.type().physical_size();
  uint8_t* d = out.raw_data();
  auto fill = [&](auto* slots) { std::fill(slots + 1, slots + n, slots[0]); };
  switch (width) {
    case 1:
      fill(reinterpret_cast<uint8_t*>(d));
      break;
    case 2:
      fill(reinterpret_cast<uint16_t*>(d));
      break;
    case 4:
      fill(reinterpret_cast<uint32_t*>(d));
      break;
    case 8:
      fill(reinterpret_cast<uint64_t*>(d));
      break;
    default:
      for (size_t i = 1; i < n; ++i) std::memcpy(d + i * width, d, width);
  }
}

Status call_function(ExecContext& ctx, const sql::ScalarFunction& fn, const std::vector<const Vector*>& args, size_t n,
                     Vector& out) {
  out = Vector(out.type(), n);  // fresh: no NULL flags left from an earlier call
  STRATA_RETURN_IF_ERROR(fn.kernel(ctx.functions, args, n, out));
  if (fn.strict) {
    // NULL in, NULL out: OR the flags (a loop that vectorizes), then zero the data
    // slots of NULL rows only when there are any.
    uint8_t* on = out.nulls();
    uint8_t any = 0;
    for (const Vector* a : args) {
      const uint8_t* an = a->nulls();
      for (size_t i = 0; i < n; ++i) {
        on[i] |= an[i];
        any |= an[i];
      }
    }
    if (any) {
      for (size_t i = 0; i < n; ++i) {
        if (on[i]) out.set_null(i);
      }
    }
  }
  return Status::ok_status();
}

// Rows of `input` selected by `rows` as a new batch.
Batch select_rows(const Batch& input, const std::vector<uint32_t>& rows) {
  Batch b;
  for (const Vector& c : input.columns) b.columns.emplace_back(c.type());
  b.append_selected(input, rows.data(), rows.size());
  b.rows = rows.size();
  return b;
}

// Writes row i of `part` into row rows[i] of `out`.
void scatter(const Vector& part, const std::vector<uint32_t>& rows, Vector& out) {
  for (size_t i = 0; i < rows.size(); ++i) out.copy_row(part, i, rows[i]);
}

std::vector<Value> row_values(const Batch& b, size_t row) {
  std::vector<Value> v;
  v.reserve(b.columns.size());
  for (const Vector& c : b.columns) v.push_back(c.get_value(row));
  return v;
}

Status eval(ExecContext& ctx, const BoundExpr& e, const Batch& in, Vector& out);

// The input column a bare column reference reads (same type), or null.
const Vector* input_column(const BoundExpr& e, const Batch& in) {
  if (e.kind != BoundExprKind::kColumnRef || e.column < 0 || static_cast<size_t>(e.column) >= in.columns.size()) {
    return nullptr;
  }
  const Vector& v = in.columns[static_cast<size_t>(e.column)];
  return v.type() == e.type && v.size() == in.rows ? &v : nullptr;
}

// Truth of a boolean vector's row: 1 true, 0 false, -1 NULL.
inline int truth(const Vector& v, size_t i) { return v.is_null(i) ? -1 : (v.data<uint8_t>()[i] ? 1 : 0); }

Status eval_logic(ExecContext& ctx, const BoundExpr& e, const Batch& in, Vector& out) {
  const size_t n = in.rows;
  const bool is_and = e.kind == BoundExprKind::kAnd;
  // Three-valued fold, branch-free over bytes: `decided` rows have met the
  // dominant value (FALSE for AND, TRUE for OR); `unknown` rows have met a NULL.
  // Result: decided -> dominant; else unknown -> NULL; else the identity.
  const uint8_t dominant = is_and ? 0 : 1;
  std::vector<Vector> values(e.children.size());
  std::vector<const Vector*> args;
  uint8_t any_null = 0;
  for (size_t k = 0; k < e.children.size(); ++k) {
    const Vector* arg = input_column(*e.children[k], in);
    if (arg == nullptr) {
      values[k] = Vector(Type::boolean());
      STRATA_RETURN_IF_ERROR(eval(ctx, *e.children[k], in, values[k]));
      arg = &values[k];
    }
    const uint8_t* nul = arg->nulls();
    for (size_t i = 0; i < n; ++i) any_null |= nul[i];
    args.push_back(arg);
  }
  if (!any_null) {
    // Two-valued: a plain AND/OR of the bytes.
    out = Vector(Type::boolean(), n);
    uint8_t* o = out.data<uint8_t>();
    const uint8_t* first = args[0]->data<uint8_t>();
    for (size_t i = 0; i < n; ++i) o[i] = first[i] != 0;
    for (size_t k = 1; k < args.size(); ++k) {
      const uint8_t* val = args[k]->data<uint8_t>();
      if (is_and) {
        for (size_t i = 0; i < n; ++i) o[i] &= static_cast<uint8_t>(val[i] != 0);
      } else {
        for (size_t i = 0; i < n; ++i) o[i] |= static_cast<uint8_t>(val[i] != 0);
      }
    }
    return Status::ok_status();
  }
  std::vector<uint8_t> decided(n, 0), unknown(n, 0);
  for (const Vector* arg : args) {
    const uint8_t* val = arg->data<uint8_t>();
    const uint8_t* nul = arg->nulls();
    uint8_t* d = decided.data();
    uint8_t* u = unknown.data();
    for (size_t i = 0; i < n; ++i) {
      const uint8_t is_null = nul[i] != 0;
      const uint8_t is_dominant =
          static_cast<uint8_t>((val[i] != 0) == (dominant != 0)) & static_cast<uint8_t>(!is_null);
      d[i] |= is_dominant;
      u[i] |= is_null;
    }
  }
  out = Vector(Type::boolean(), n);
  uint8_t* o = out.data<uint8_t>();
  uint8_t* on = out.nulls();
  for (size_t i = 0; i < n; ++i) {
    const uint8_t null = static_cast<uint8_t>(unknown[i] & static_cast<uint8_t>(!decided[i]));
    on[i] = null;
    // decided: dominant; NULL: 0 (the layout's NULL slot); else: !dominant.
    o[i] = decided[i] ? dominant : static_cast<uint8_t>(null ? 0 : !dominant);
  }
  return Status::ok_status();
}

Status eval_case(ExecContext& ctx, const BoundExpr& e, const Batch& in, Vector& out) {
  const size_t n = in.rows;
  out = Vector(e.type, n);
  std::vector<uint32_t> remaining(n);
  for (size_t i = 0; i < n; ++i) remaining[i] = static_cast<uint32_t>(i);
  size_t pairs = (e.children.size() - 1) / 2;
  for (size_t p = 0; p < pairs && !remaining.empty(); ++p) {
    bool all = remaining.size() == n;
    Batch sub = all ? Batch() : select_rows(in, remaining);
    const Batch& src = all ? in : sub;
    Vector cond(Type::boolean());
    STRATA_RETURN_IF_ERROR(eval(ctx, *e.children[2 * p], src, cond));
    std::vector<uint32_t> hit_local, hit, rest;
    for (size_t i = 0; i < remaining.size(); ++i) {
      if (truth(cond, i) == 1) {
        hit_local.push_back(static_cast<uint32_t>(i));
        hit.push_back(remaining[i]);
      } else {
        rest.push_back(remaining[i]);
      }
    }
    if (!hit.empty()) {
      Batch hb = select_rows(src, hit_local);
      Vector val(e.type);
      STRATA_RETURN_IF_ERROR(eval(ctx, *e.children[2 * p + 1], hb, val));
      scatter(val, hit, out);
    }
    remaining = std::move(rest);
  }
  if (!remaining.empty()) {
    Batch rb = remaining.size() == n ? Batch() : select_rows(in, remaining);
    const Batch& src = remaining.size() == n ? in : rb;
    Vector val(e.type);
    STRATA_RETURN_IF_ERROR(eval(ctx, *e.children.back(), src, val));
    scatter(val, remaining, out);
  }
  return Status::ok_status();
}

Status eval_coalesce(ExecContext& ctx, const BoundExpr& e, const Batch& in, Vector& out) {
  const size_t n = in.rows;
  out = Vector(e.type, n);
  std::vector<uint32_t> remaining(n);
  for (size_t i = 0; i < n; ++i) {
    remaining[i] = static_cast<uint32_t>(i);
    out.set_null(i);
  }
  for (const auto& c : e.children) {
    if (remaining.empty()) break;
    bool all = remaining.size() == n;
    Batch sub = all ? Batch() : select_rows(in, remaining);
    const Batch& src = all ? in : sub;
    Vector v(e.type);
    STRATA_RETURN_IF_ERROR(eval(ctx, *c, src, v));
    std::vector<uint32_t> rest;
    for (size_t i = 0; i < remaining.size(); ++i) {
      if (v.is_null(i))
        rest.push_back(remaining[i]);
      else
        out.copy_row(v, i, remaining[i]);
    }
    remaining = std::move(rest);
  }
  return Status::ok_status();
}

// Compares `left` (n rows) with each value of `set` through `fn`, folding the
// results as ANY (or ALL): 1 true, 0 false, -1 NULL per row.
Status fold_comparisons(ExecContext& ctx, const sql::ScalarFunction& fn, const Vector& left, const Vector& set,
                        bool all, std::vector<int8_t>& acc) {
  const size_t n = left.size();
  acc.assign(n, all ? 1 : 0);
  Vector right(set.type());
  Vector cmp(Type::boolean());
  for (size_t j = 0; j < set.size(); ++j) {
    fill_constant(right, set.get_value(j), n);
    STRATA_RETURN_IF_ERROR(call_function(ctx, fn, {&left, &right}, n, cmp));
    for (size_t i = 0; i < n; ++i) {
      int t = truth(cmp, i);
      if (all) {
        if (acc[i] == 0 || t == 0)
          acc[i] = 0;
        else if (t == -1)
          acc[i] = -1;
      } else {
        if (acc[i] == 1 || t == 1)
          acc[i] = 1;
        else if (t == -1)
          acc[i] = -1;
      }
    }
  }
  return Status::ok_status();
}

Status run_subquery(ExecContext& ctx, const BoundExpr& e, std::shared_ptr<Batch>* result) {
  if (!e.correlated) {
    auto it = ctx.subquery_cache.find(e.subquery.get());
    if (it != ctx.subquery_cache.end()) {
      *result = it->second;
      return Status::ok_status();
    }
  }
  if (!ctx.run_subquery) return Status::sql("XX000", "subqueries are not available in this context");
  auto b = std::make_shared<Batch>();
  STRATA_RETURN_IF_ERROR(ctx.run_subquery(ctx, *e.subquery, b.get()));
  if (!e.correlated) ctx.subquery_cache[e.subquery.get()] = b;
  *result = std::move(b);
  return Status::ok_status();
}

// Evaluates a subquery expression for rows [0, n) of `in` whose subquery result is
// `res` (the same for every row when uncorrelated).
Status subquery_rows(ExecContext& ctx, const BoundExpr& e, const Batch& in, const Batch& res, const Vector* tested,
                     Vector& out, size_t out_row_begin, size_t n) {
  switch (e.subquery_kind) {
    case sql::BoundSubqueryKind::kScalar: {
      if (res.rows > 1) return Status::sql("21000", "more than one row returned by a subquery used as an expression");
      for (size_t i = 0; i < n; ++i) {
        if (res.rows == 0)
          out.set_null(out_row_begin + i);
        else
          out.copy_row(res.columns[0], 0, out_row_begin + i);
      }
      return Status::ok_status();
    }
    case sql::BoundSubqueryKind::kArray: {
      // The one column's values, NULLs included, in the subquery's order.
      types::ArrayElements items;
      std::string buf;
      if (!res.columns.empty()) {
        for (size_t r = 0; r < res.rows; ++r) {
          if (res.columns[0].is_null(r)) {
            items.emplace_back(std::nullopt);
            continue;
          }
          buf.clear();
          types::append_text(res.columns[0], r, buf);
          items.emplace_back(buf);
        }
      }
      Value v = Value::text(types::format_array_text(items), e.type);
      for (size_t i = 0; i < n; ++i) out.set_value(out_row_begin + i, v);
      return Status::ok_status();
    }
    case sql::BoundSubqueryKind::kExists: {
      for (size_t i = 0; i < n; ++i) {
        bool r = res.rows > 0;
        out.data<uint8_t>()[out_row_begin + i] = (r != e.negated) ? 1 : 0;
      }
      return Status::ok_status();
    }
    default: {
      bool all = e.subquery_kind == sql::BoundSubqueryKind::kAll;
      std::vector<int8_t> acc;
      Vector left(tested->type());
      left.append_rows(*tested, out_row_begin, n);
      Vector set = res.columns.empty() ? Vector(tested->type()) : Vector(res.columns[0].type());
      if (!res.columns.empty()) set.append_rows(res.columns[0], 0, res.rows);
      STRATA_RETURN_IF_ERROR(fold_comparisons(ctx, *e.function, left, set, all, acc));
      for (size_t i = 0; i < n; ++i) {
        int8_t t = acc[i];
        if (e.negated && t >= 0) t = static_cast<int8_t>(1 - t);
        if (t < 0)
          out.set_null(out_row_begin + i);
        else
          out.data<uint8_t>()[out_row_begin + i] = static_cast<uint8_t>(t);
      }
      return Status::ok_status();
    }
  }
}

Status eval_subquery(ExecContext& ctx, const BoundExpr& e, const Batch& in, Vector& out) {
  const size_t n = in.rows;
  out = Vector(e.type, n);
  Vector tested;
  if (!e.children.empty()) {
    tested = Vector(e.children[0]->type);
    STRATA_RETURN_IF_ERROR(eval(ctx, *e.children[0], in, tested));
  }
  if (!e.correlated) {
    std::shared_ptr<Batch> res;
    STRATA_RETURN_IF_ERROR(run_subquery(ctx, e, &res));
    return subquery_rows(ctx, e, in, *res, e.children.empty() ? nullptr : &tested, out, 0, n);
  }
  for (size_t r = 0; r < n; ++r) {
    STRATA_RETURN_IF_ERROR(ctx.check_cancel());
    ctx.outer_rows.push_back(row_values(in, r));
    std::shared_ptr<Batch> res;
    Status s = run_subquery(ctx, e, &res);
    ctx.outer_rows.pop_back();
    STRATA_RETURN_IF_ERROR(s);
    STRATA_RETURN_IF_ERROR(subquery_rows(ctx, e, in, *res, e.children.empty() ? nullptr : &tested, out, r, 1));
  }
  return Status::ok_status();
}

// x op ANY/ALL (array), row by row: each row's array is read into a vector of the
// element type and folded as the subquery form folds its set.
Status eval_array_compare(ExecContext& ctx, const BoundExpr& e, const Batch& in, Vector& out) {
  const size_t n = in.rows;
  Vector left(e.children[0]->type), arrays(e.children[1]->type);
  STRATA_RETURN_IF_ERROR(eval(ctx, *e.children[0], in, left));
  STRATA_RETURN_IF_ERROR(eval(ctx, *e.children[1], in, arrays));
  out = Vector(Type::boolean(), n);
  const Type element = e.children[1]->type.element();
  const bool all = e.subquery_kind == sql::BoundSubqueryKind::kAll;
  std::vector<int8_t> acc;
  for (size_t i = 0; i < n; ++i) {
    if (arrays.is_null(i)) {
      out.set_null(i);
      continue;
    }
    STRATA_ASSIGN_OR_RETURN(types::ArrayElements items, types::parse_array_text(arrays.data<std::string_view>()[i]));
    Vector set(element, items.size());
    for (size_t j = 0; j < items.size(); ++j) {
      if (!items[j]) {
        set.set_null(j);
        continue;
      }
      STRATA_ASSIGN_OR_RETURN(Value v, types::parse_value(*items[j], element));
      set.set_value(j, v);
    }
    Vector one(left.type());
    one.append_rows(left, i, 1);
    STRATA_RETURN_IF_ERROR(fold_comparisons(ctx, *e.function, one, set, all, acc));
    if (acc[0] < 0)
      out.set_null(i);
    else
      out.data<uint8_t>()[i] = static_cast<uint8_t>(acc[0]);
  }
  return Status::ok_status();
}

Status eval(ExecContext& ctx, const BoundExpr& e, const Batch& in, Vector& out) {
  const size_t n = in.rows;
  switch (e.kind) {
    case BoundExprKind::kColumnRef: {
      if (e.column < 0 || static_cast<size_t>(e.column) >= in.columns.size()) {
        return Status::sql("XX000", fmt::format("column #{} is outside the input", e.column));
      }
      out = Vector(in.columns[static_cast<size_t>(e.column)].type());
      out.append_rows(in.columns[static_cast<size_t>(e.column)], 0, n);
      return Status::ok_status();
    }
    case BoundExprKind::kOuterRef: {
      if (static_cast<size_t>(e.depth) > ctx.outer_rows.size() || e.depth <= 0) {
        return Status::sql("XX000", "outer reference without an outer row");
      }
      const auto& row = ctx.outer_rows[ctx.outer_rows.size() - static_cast<size_t>(e.depth)];
      out = Vector(e.type);
      fill_constant(out, row.at(static_cast<size_t>(e.column)), n);
      return Status::ok_status();
    }
    case BoundExprKind::kConstant:
      out = Vector(e.type);
      fill_constant(out, e.value, n);
      return Status::ok_status();
    case BoundExprKind::kParameter: {
      if (ctx.params == nullptr || static_cast<size_t>(e.column) >= ctx.params->size()) {
        return Status::sql("08P01", fmt::format("no value given for parameter ${}", e.column + 1));
      }
      Value v = (*ctx.params)[static_cast<size_t>(e.column)];
      if (!v.is_null() && v.type() != e.type) {
        STRATA_ASSIGN_OR_RETURN(v, types::cast_value(v, e.type));
      }
      out = Vector(e.type);
      fill_constant(out, v.is_null() ? Value::null(e.type) : v, n);
      return Status::ok_status();
    }
    case BoundExprKind::kFunction: {
      std::vector<Vector> args(e.children.size());
      std::vector<const Vector*> ptrs;
      for (size_t i = 0; i < e.children.size(); ++i) {
        // A column argument is read in place, not copied.
        if (const Vector* col = input_column(*e.children[i], in)) {
          ptrs.push_back(col);
          continue;
        }
        args[i] = Vector(e.children[i]->type);
        STRATA_RETURN_IF_ERROR(eval(ctx, *e.children[i], in, args[i]));
        ptrs.push_back(&args[i]);
      }
      out = Vector(e.type, n);
      return call_function(ctx, *e.function, ptrs, n, out);
    }
    case BoundExprKind::kCast: {
      const auto mode = e.assignment ? types::CastMode::kAssignment : types::CastMode::kExplicit;
      if (const Vector* col = input_column(*e.children[0], in)) return types::cast_vector(*col, e.type, out, mode);
      Vector a(e.children[0]->type);
      STRATA_RETURN_IF_ERROR(eval(ctx, *e.children[0], in, a));
      return types::cast_vector(a, e.type, out, mode);
    }
    case BoundExprKind::kAnd:
    case BoundExprKind::kOr:
      return eval_logic(ctx, e, in, out);
    case BoundExprKind::kNot: {
      Vector a(Type::boolean());
      STRATA_RETURN_IF_ERROR(eval(ctx, *e.children[0], in, a));
      out = Vector(Type::boolean(), n);
      for (size_t i = 0; i < n; ++i) {
        if (a.is_null(i))
          out.set_null(i);
        else
          out.data<uint8_t>()[i] = a.data<uint8_t>()[i] ? 0 : 1;
      }
      return Status::ok_status();
    }
    case BoundExprKind::kIsNull:
    case BoundExprKind::kIsNotNull: {
      Vector a(e.children[0]->type);
      STRATA_RETURN_IF_ERROR(eval(ctx, *e.children[0], in, a));
      out = Vector(Type::boolean(), n);
      bool want_null = e.kind == BoundExprKind::kIsNull;
      for (size_t i = 0; i < n; ++i) out.data<uint8_t>()[i] = (a.is_null(i) == want_null) ? 1 : 0;
      return Status::ok_status();
    }
    case BoundExprKind::kIsTrue:
    case BoundExprKind::kIsFalse: {
      Vector a(Type::boolean());
      STRATA_RETURN_IF_ERROR(eval(ctx, *e.children[0], in, a));
      out = Vector(Type::boolean(), n);
      int want = e.kind == BoundExprKind::kIsTrue ? 1 : 0;
      for (size_t i = 0; i < n; ++i) {
        bool r = truth(a, i) == want;
        out.data<uint8_t>()[i] = (r != e.negated) ? 1 : 0;
      }
      return Status::ok_status();
    }
    case BoundExprKind::kDistinctFrom: {
      Vector a(e.children[0]->type), b(e.children[1]->type), eq(Type::boolean());
      STRATA_RETURN_IF_ERROR(eval(ctx, *e.children[0], in, a));
      STRATA_RETURN_IF_ERROR(eval(ctx, *e.children[1], in, b));
      STRATA_RETURN_IF_ERROR(call_function(ctx, *e.function, {&a, &b}, n, eq));
      out = Vector(Type::boolean(), n);
      for (size_t i = 0; i < n; ++i) {
        bool distinct;
        if (a.is_null(i) || b.is_null(i))
          distinct = a.is_null(i) != b.is_null(i);
        else
          distinct = eq.data<uint8_t>()[i] == 0;
        out.data<uint8_t>()[i] = (distinct != e.negated) ? 1 : 0;
      }
      return Status::ok_status();
    }
    case BoundExprKind::kCase:
      return eval_case(ctx, e, in, out);
    case BoundExprKind::kCoalesce:
      return eval_coalesce(ctx, e, in, out);
    case BoundExprKind::kInList: {
      Vector left(e.children[0]->type);
      STRATA_RETURN_IF_ERROR(eval(ctx, *e.children[0], in, left));
      std::vector<int8_t> acc(n, 0);
      Vector item, cmp(Type::boolean());
      for (size_t j = 1; j < e.children.size(); ++j) {
        item = Vector(e.children[j]->type);
        STRATA_RETURN_IF_ERROR(eval(ctx, *e.children[j], in, item));
        STRATA_RETURN_IF_ERROR(call_function(ctx, *e.function, {&left, &item}, n, cmp));
        for (size_t i = 0; i < n; ++i) {
          int t = truth(cmp, i);
          if (acc[i] == 1 || t == 1)
            acc[i] = 1;
          else if (t == -1)
            acc[i] = -1;
        }
      }
      out = Vector(Type::boolean(), n);
      for (size_t i = 0; i < n; ++i) {
        int8_t t = acc[i];
        if (e.negated && t >= 0) t = static_cast<int8_t>(1 - t);
        if (t < 0)
          out.set_null(i);
        else
          out.data<uint8_t>()[i] = static_cast<uint8_t>(t);
      }
      return Status::ok_status();
    }
    case BoundExprKind::kSubquery: return eval_subquery(ctx, e, in, out);
    case BoundExprKind::kArrayCompare:
      return eval_array_compare(ctx, e, in, out);
  }
  return Status::sql("XX000", "unknown expression kind");
}

class CompiledExpression final : public BatchExpression {
 public:
  explicit CompiledExpression(sql::BoundExprPtr e) : e_(std::move(e)) {}
  const Type& type() const override { return e_->type; }
  Status evaluate(ExecContext& ctx, const Batch& input, Vector& out) const override {
    return eval(ctx, *e_, input, out);
  }
  std::string to_string() const override { return e_->to_string(); }

 private:
  sql::BoundExprPtr e_;
};

}  // namespace

BatchExpressionPtr compile_expression(const sql::BoundExpr& expr) {
  return std::make_unique<CompiledExpression>(expr.clone());
}

Status evaluate_expression(ExecContext& ctx, const sql::BoundExpr& expr, const Batch& input, Vector& out) {
  return eval(ctx, expr, input, out);
}

Result<Value> evaluate_scalar(ExecContext& ctx, const sql::BoundExpr& expr) {
  Batch one;
  one.rows = 1;
  Vector out(expr.type);
  STRATA_RETURN_IF_ERROR(eval(ctx, expr, one, out));
  return out.get_value(0);
}

}  // namespace strata::exec
