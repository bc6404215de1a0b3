// Binder: resolves an AST (ast.h) against a catalog snapshot and the function
// registry into a LogicalPlan (logical_plan.h): names to column positions, types
// checked and coerced (PostgreSQL's rules), functions and operators resolved,
// aggregates and window functions separated from scalar expressions.
//
// Errors carry PostgreSQL's SQLSTATE and the 1-based position of the offending
// token: 42P01 undefined_table, 42703 undefined_column, 42702 ambiguous_column,
// 42803 grouping_error, 42883 undefined_function, 42804 datatype_mismatch,
// 42601 syntax_error, 0A000 feature_not_supported.
//
// A Binder binds one statement; it is not thread-safe and not reusable.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "sql/ast.h"
#include "sql/function_registry.h"
#include "sql/logical_plan.h"

namespace strata::sql {

class Binder {
 public:
  // `param_types` holds the types of $1..$n known up front (from the client);
  // unknown ones (Type::unknown()) are inferred from use and can be read back.
  Binder(std::shared_ptr<const catalog::CatalogSnapshot> catalog, const FunctionRegistry* functions,
         std::vector<types::Type> param_types = {});
  ~Binder();

  Result<LogicalPlanPtr> bind_query(const Query& query);
  Result<LogicalPlanPtr> bind_insert(const InsertStmt& stmt);
  Result<LogicalPlanPtr> bind_update(const UpdateStmt& stmt);
  Result<LogicalPlanPtr> bind_delete(const DeleteStmt& stmt);
  // COPY t (columns) FROM ...: a kInsert plan whose innermost source is a kValues
  // node with no rows and the copied columns' types; the executor feeds the parsed
  // rows in its place (defaults fill the other columns, constraints apply).
  Result<LogicalPlanPtr> bind_copy_from(const QualifiedName& table, const std::vector<std::string>& columns);
  // An expression over a table's columns (DEFAULT with no columns, CHECK over the row).
  Result<BoundExprPtr> bind_table_expr(const Expr& expr, const catalog::TableDef& table);

  // Parameter types after binding: every $n used, unknowns defaulted to text.
  std::vector<types::Type> param_types() const;

  // Maps an AST type name to a type (aliases, modifiers).
  static Result<types::Type> resolve_type(const TypeName& name);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::sql
