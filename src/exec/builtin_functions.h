// The built-in scalar functions, operators and aggregates (PostgreSQL's names and
// semantics), registered into a FunctionRegistry once at startup. Kernels are
// vectorized over types::Vector; they live in functions_<family>.cc.
//
// Names the binder uses for SQL syntax (see exec/README.md, "Functions"):
//   a LIKE b            "~~"(a, b)          a ILIKE b     "~~*"(a, b)
//   a LIKE b ESCAPE e   like_escape(a, b, e) / ilike_escape(a, b, e)
//   NOT LIKE            "!~~", "!~~*" (or NOT over the above)
//   EXTRACT(f FROM x)   extract('f', x) → numeric; date_part('f', x) → double
//   POSITION(a IN b)    position(b, a)      SUBSTRING(s FROM f FOR n) substring(s, f, n)
//   TRIM(LEADING c FROM s) ltrim(s, c)      OVERLAY(s PLACING r FROM f FOR n) overlay(s, r, f, n)
//   x AT TIME ZONE z    timezone(z, x)
#pragma once

#include "sql/function_registry.h"

namespace strata::exec {

void register_builtin_functions(sql::FunctionRegistry& registry);

}  // namespace strata::exec
