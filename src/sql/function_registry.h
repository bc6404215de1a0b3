// FunctionRegistry: the scalar functions, operators and aggregates the binder can
// call, with PostgreSQL-style overload resolution. Kernels are vectorized and live
// in exec/ (exec/builtin_functions.h registers them); this module only stores and
// resolves them, so the binder stays free of execution code.
//
// Operators are functions named by their symbol ("+", "=", "||", "~~" for LIKE,
// "~" for regex match); unary minus is "-" with one argument.
//
// Thread safety: filled once at startup, then read-only and shared by every session.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "types/type.h"
#include "types/vector.h"

namespace strata::catalog {
struct CatalogSnapshot;
}

namespace strata::sql {

// What a kernel may know about the statement running it.
struct FunctionContext {
  int64_t statement_timestamp_micros = 0;    // now(), current_timestamp: fixed per statement
  int64_t transaction_timestamp_micros = 0;  // transaction_timestamp()
  uint64_t random_seed = 0;                  // random(): per statement, from the session
  std::string_view current_user = "strata";
  std::string_view current_database = "strata";
  int32_t backend_pid = 0;                   // pg_backend_pid(): the session's id
  // The statement's catalog snapshot, for the catalog functions (obj_description,
  // pg_get_indexdef, regclass output, ...); null outside a session.
  const catalog::CatalogSnapshot* catalog = nullptr;
  // Set when the statement is cancelled (pg_sleep polls it); null outside a session.
  const std::atomic<bool>* cancel = nullptr;
};

// Computes rows [0, rows) of `out` from the argument vectors (each `rows` long).
// REQUIRES: out has the function's return type and is sized to `rows` by the caller.
// For strict functions the caller sets NULL rows afterwards wherever an argument is
// NULL, so a kernel may compute garbage (never UB: no division by zero traps, no
// out-of-bounds reads) for those rows; errors found on NULL rows must be ignored, so
// kernels check `nulls` of the arguments before reporting a data error.
using ScalarKernel = std::function<Status(const FunctionContext& ctx, const std::vector<const types::Vector*>& args,
                                          size_t rows, types::Vector& out)>;

// Picks the return type from the (already coerced) argument types; for functions
// whose result depends on modifiers (numeric scales) or on a polymorphic argument.
using ReturnTypeFn = std::function<Result<types::Type>(const std::vector<types::Type>& args)>;

struct ScalarFunction {
  std::string name;               // lower case; operators by symbol
  std::vector<types::Type> args;  // parameter types (modifiers ignored); Type::unknown() = any type
  bool variadic = false;          // the last parameter repeats zero or more times
  types::Type return_type;        // used when `bind` is empty
  ReturnTypeFn bind;              // optional
  ScalarKernel kernel;
  bool strict = true;             // NULL in any argument gives NULL
  bool is_volatile = false;       // random(), clock_timestamp(): never constant-folded
};

// Aggregate state lives in memory the caller allocates: `state_size` bytes aligned to
// 16. init() constructs, destroy() (when set) destructs. Hash aggregation keeps one
// state per group; window frames and spilling reuse the same functions.
struct AggregateFunction {
  std::string name;
  std::vector<types::Type> args;  // count(*) has none; Type::unknown() = any type
  types::Type return_type;
  ReturnTypeFn bind;              // optional, as for scalars
  size_t state_size = 0;
  std::function<void(uint8_t* state)> init;
  // Adds row i of `args` to states[i] for i in [0, rows). Rows where an argument is
  // NULL are skipped when `strict` (count(x) ignores NULLs; count(*) has no args).
  std::function<Status(uint8_t** states, const std::vector<const types::Vector*>& args, size_t rows)> update;
  // Merges `source` into `target` (partial aggregation, spilling). Both initialised.
  std::function<Status(uint8_t* target, const uint8_t* source)> combine;
  // Writes the state's result into row `row` of `out` (of the return type).
  std::function<Status(const uint8_t* state, types::Vector& out, size_t row)> finalize;
  std::function<void(uint8_t* state)> destroy;  // empty when the state is trivially destructible
  bool strict = true;
  // The result depends on input order (string_agg, array_agg, percentile_*): the
  // caller feeds rows sorted by the call's ORDER BY / WITHIN GROUP keys.
  bool order_sensitive = false;
  // percentile_cont(fraction) WITHIN GROUP (ORDER BY x): `direct_args` is the count
  // of leading arguments that are constants per call (the fraction), not per row.
  size_t direct_args = 0;
};

// A resolved call: the function and the argument types the binder must cast each
// actual argument to (same length as the actual arguments).
struct ScalarMatch {
  const ScalarFunction* function = nullptr;
  std::vector<types::Type> arg_types;
  types::Type return_type;
};
struct AggregateMatch {
  const AggregateFunction* function = nullptr;
  std::vector<types::Type> arg_types;
  types::Type return_type;
};

class FunctionRegistry {
 public:
  void add_scalar(ScalarFunction f);
  void add_aggregate(AggregateFunction f);

  bool has_scalar(std::string_view name) const;
  bool has_aggregate(std::string_view name) const;

  // PostgreSQL's resolution (docs: "Type Conversion: Functions/Operators"): an exact
  // match wins; else candidates reachable by implicit casts, preferring the most
  // exact matches, then preferred types of the category (double precision for
  // numbers, text for strings); an argument of type unknown (an untyped literal)
  // matches any parameter, preferring text. Errors: 42883 "function f(integer, text)
  // does not exist" / "operator does not exist: integer + text", 42725 ambiguous.
  Result<ScalarMatch> resolve_scalar(std::string_view name, const std::vector<types::Type>& args) const;
  Result<AggregateMatch> resolve_aggregate(std::string_view name, const std::vector<types::Type>& args) const;

  // Whether `from` converts implicitly to `to` in function calls and assignments
  // (the implicit casts of pg_cast: integer widening, integers to numeric/float,
  // numeric to float, character types to each other, unknown to anything, date to
  // timestamp[tz], timestamp to timestamptz).
  static bool can_implicitly_cast(const types::Type& from, const types::Type& to);
  // The common type of UNION/CASE/COALESCE/IN branches (PostgreSQL's
  // select_common_type): 42804 when there is none.
  static Result<types::Type> common_type(const std::vector<types::Type>& types);

 private:
  std::unordered_map<std::string, std::vector<std::unique_ptr<ScalarFunction>>> scalars_;
  std::unordered_map<std::string, std::vector<std::unique_ptr<AggregateFunction>>> aggregates_;
};

}  // namespace strata::sql
