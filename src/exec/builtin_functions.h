// The built-in scalar functions, operators and aggregates (PostgreSQL's names and
// semantics), registered into a FunctionRegistry once at startup. Kernels are
// vectorized over types::Vector; they live in functions_<family>.cc:
//   arithmetic  + - * / % ^ unary -, bitwise & | # ~ << >>
//   comparison  = <> < > <= >= for every type
//   string      length, substring, trim family, pad, split_part, concat, format, md5, ...
//   pattern     LIKE/ILIKE and regular expressions
//   math        round, trunc, sqrt, ln, log, power, trigonometry, random, ...
//   datetime    date/time arithmetic, date_trunc, extract, age, make_*, date_bin, timezone
//   datetime_format  to_char/to_timestamp/to_date for timestamps and intervals
//   numeric_format   to_char for numbers
//   jsonb       -> ->> @> <@ ? || and jsonb_* functions
//   system      version(), current_user, format_type, has_*_privilege, pg_typeof, ...
//   cast        int4(x), text(x), date(x), ... (explicit casts in call syntax)
//   aggregate   count, sum, avg, min, max, string_agg, bool_and/or, variance family,
//               percentile_cont/disc, mode, approx_count_distinct, approx_percentile
//
// Names the binder uses for SQL syntax:
//   a LIKE b            "~~"(a, b)            a ILIKE b        "~~*"(a, b)
//   a NOT LIKE b        "!~~"(a, b)           a NOT ILIKE b    "!~~*"(a, b)
//   a LIKE b ESCAPE e   like_escape(a, b, e)  ILIKE ... ESCAPE ilike_escape(a, b, e)
//                       (e = '' means no escape character)
//   a ~ b, ~*, !~, !~*  regex match operators by symbol
//   EXTRACT(f FROM x)   extract('f', x) -> numeric; date_part('f', x) -> double precision
//   POSITION(a IN b)    position(b, a)
//   SUBSTRING(s FROM f FOR n)  substring(s, f, n); SUBSTRING(s FROM 'regex') substring(s, 'regex')
//   TRIM(LEADING c FROM s)     ltrim(s, c) (btrim, rtrim likewise)
//   OVERLAY(s PLACING r FROM f FOR n)  overlay(s, r, f, n)
//   x AT TIME ZONE z    timezone(z, x) (z text: UTC/GMT/Z or a POSIX offset; or interval)
//   CURRENT_TIMESTAMP   now()             CURRENT_USER     current_user()
//   agg(...) WITHIN GROUP (ORDER BY x)  the direct arguments first, then x:
//                       percentile_cont(fraction, x), percentile_disc(fraction, x), mode(x)
#pragma once

#include "sql/function_registry.h"

namespace strata::exec {

void register_builtin_functions(sql::FunctionRegistry& registry);

}  // namespace strata::exec
