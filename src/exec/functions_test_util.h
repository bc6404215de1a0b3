// Test helpers for the built-in functions: resolve a call the way the binder does,
// cast constant arguments to the chosen signature, run the kernel on Vectors and read
// the result back as PostgreSQL's text form.
#pragma once

#include <string>
#include <vector>

#include "exec/builtin_functions.h"
#include "types/cast.h"
#include "types/decimal.h"
#include "types/value.h"
#include "types/vector.h"

namespace strata::exec::testing {

using types::Type;
using types::Value;

inline const sql::FunctionRegistry& registry() {
  static const sql::FunctionRegistry* r = [] {
    auto* reg = new sql::FunctionRegistry();
    register_builtin_functions(*reg);
    return reg;
  }();
  return *r;
}

// An untyped literal ('...' in SQL).
inline Value lit(std::string s) { return Value::text(std::move(s), Type::unknown()); }
inline Value num(std::string_view s) { return Value::numeric(types::parse_decimal(s).value()); }
inline Value txt(std::string s) { return Value::text(std::move(s)); }
inline Value i4(int32_t v) { return Value::integer(v); }
inline Value i8(int64_t v) { return Value::bigint(v); }
inline Value f8(double v) { return Value::double_precision(v); }
inline Value null_of(Type t) { return Value::null(t); }
inline Value typed(std::string_view text, Type t) { return types::parse_value(text, t).value(); }

inline std::string error_text(const Status& s) { return "ERROR " + std::string(s.sqlstate()) + ": " + s.message(); }

// Calls `name` on columns of equal length (one Vector per argument) and returns the
// result vector's rows, after the binder-equivalent casts and strict NULL handling.
inline Result<types::Vector> call_rows(std::string_view name, const std::vector<std::vector<Value>>& columns,
                                       Type* result_type = nullptr, sql::FunctionContext ctx = {}) {
  std::vector<Type> arg_types;
  for (const auto& c : columns) arg_types.push_back(c.empty() ? Type::unknown() : c[0].type());
  STRATA_ASSIGN_OR_RETURN(sql::ScalarMatch m, registry().resolve_scalar(name, arg_types));
  size_t rows = columns.empty() ? 1 : columns[0].size();
  std::vector<types::Vector> vecs;
  for (size_t a = 0; a < columns.size(); ++a) {
    types::Vector v(m.arg_types[a]);
    for (const Value& x : columns[a]) {
      STRATA_ASSIGN_OR_RETURN(Value c, types::cast_value(x, m.arg_types[a]));
      v.append_value(c);
    }
    vecs.push_back(std::move(v));
  }
  std::vector<const types::Vector*> args;
  for (const auto& v : vecs) args.push_back(&v);
  types::Vector out(m.return_type, rows);
  STRATA_RETURN_IF_ERROR(m.function->kernel(ctx, args, rows, out));
  if (m.function->strict) {
    for (size_t i = 0; i < rows; ++i) {
      for (const auto* a : args) {
        if (a->is_null(i)) out.set_null(i);
      }
    }
  }
  if (result_type) *result_type = m.return_type;
  return out;
}

// One call on constants: the result's text form, "NULL", or "ERROR sqlstate: message".
inline std::string eval(std::string_view name, const std::vector<Value>& args, sql::FunctionContext ctx = {}) {
  std::vector<std::vector<Value>> cols;
  for (const Value& v : args) cols.push_back({v});
  Result<types::Vector> out = call_rows(name, cols, nullptr, ctx);
  if (!out.ok()) return error_text(out.status());
  Value v = out->get_value(0);
  return v.is_null() ? "NULL" : types::format_value(v);
}

// The result type's name of a call.
inline std::string result_type(std::string_view name, const std::vector<Type>& args) {
  Result<sql::ScalarMatch> m = registry().resolve_scalar(name, args);
  if (!m.ok()) return error_text(m.status());
  return m->return_type.name();
}

}  // namespace strata::exec::testing
