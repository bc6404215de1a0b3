// The SQL parser: query text → AST (ast.h). PostgreSQL's dialect plus the SQLite
// forms the SQL logic tests use (INSERT OR REPLACE, REPLACE INTO). Pure: depends
// only on base/.
//
// Errors: syntax errors are SQLSTATE 42601 "syntax error at or near \"X\"" (or "at
// end of input") with Status::position() = the 1-based character offset of the
// offending token. Nesting deeper than kMaxParseDepth, or using more than
// kMaxParseStackBytes of stack, is 54001 "stack depth limit exceeded"; no input can
// make the parser (or a recursive walk of its tree) overflow the stack.
//
// REQUIRES: called on a thread with at least 2 × kMaxParseStackBytes of stack.
// Thread-safety: the functions are reentrant; the returned trees are not shared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/ast.h"

namespace strata::sql {

// Nesting limit: parenthesised expressions, subqueries, and the length of
// left-associative chains (a + b + c ..., UNION chains, JOIN chains) all count.
inline constexpr int32_t kMaxParseDepth = 1000;
// Stack the parser may use below its entry frame.
inline constexpr size_t kMaxParseStackBytes = size_t{2} << 20;

// One or more statements separated by ';'; empty statements are skipped. Each
// statement's source_begin/source_end span its text (without the ';').
Result<std::vector<StatementPtr>> parse_sql(std::string_view text);

// A single expression (DEFAULT and CHECK expressions stored as text).
Result<ExprPtr> parse_expression(std::string_view text);

// A single type name, e.g. "numeric(10,2)", "timestamp with time zone", "int[]".
Result<TypeName> parse_type_name(std::string_view text);

}  // namespace strata::sql
