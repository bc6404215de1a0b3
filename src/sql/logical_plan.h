// The binder's output: bound expressions (names resolved to input column positions,
// types known, functions resolved) and logical plans (what to compute, not how).
// exec/physical_planner turns a LogicalPlan into Operators.
//
// Column positions: an expression inside a plan node refers to the output columns
// of that node's (first) child, or for joins to the left child's columns followed by
// the right child's. kOuterRef reads a column of an enclosing query's current row
// (correlated subqueries), `depth` levels out.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "sql/function_registry.h"
#include "types/type.h"
#include "types/value.h"

namespace strata::sql {

struct LogicalPlan;

enum class BoundExprKind : uint8_t {
  kColumnRef,     // column: input position
  kOuterRef,      // column, depth: a column of an enclosing query's row
  kConstant,      // value
  kParameter,     // column: 0-based parameter index ($1 is 0)
  kFunction,      // function(children)
  kCast,          // children[0] to type
  kAnd,           // children (2+), three-valued
  kOr,            // children (2+), three-valued
  kNot,           // children[0]
  kIsNull,        // children[0] IS NULL
  kIsNotNull,     // children[0] IS NOT NULL
  kIsTrue,        // children[0] IS TRUE  (negate for IS NOT TRUE)
  kIsFalse,       // children[0] IS FALSE
  kDistinctFrom,  // children[0] IS DISTINCT FROM children[1] (function = the "=" used)
  kCase,          // children: when0, then0, when1, then1, ..., else (always present)
  kCoalesce,      // children: first non-NULL
  kInList,        // children[0] IN (children[1..]); function = the "=" used
  kSubquery,      // subquery_kind over `subquery`; children[0] = tested expr for IN/ANY/ALL
  kArrayCompare,  // children[0] op ANY/ALL (children[1], an array); function = the op over
                  // (children[0]'s type, the element type); subquery_kind kAny or kAll
};

// kArray: ARRAY(subquery), the one column's values as an array.
enum class BoundSubqueryKind : uint8_t { kScalar, kExists, kIn, kAny, kAll, kArray };

struct BoundExpr {
  BoundExprKind kind = BoundExprKind::kConstant;
  types::Type type;
  std::vector<std::unique_ptr<BoundExpr>> children;
  int32_t column = -1;
  int32_t depth = 0;
  types::Value value;
  const ScalarFunction* function = nullptr;
  bool assignment = false;  // kCast: assignment rules (22001 for overlong strings, no truncation)
  bool negated = false;  // kInList NOT IN, kSubquery NOT IN / NOT EXISTS, kIsTrue/kIsFalse IS NOT
  BoundSubqueryKind subquery_kind = BoundSubqueryKind::kScalar;
  std::shared_ptr<LogicalPlan> subquery;
  bool correlated = false;  // the subquery reads kOuterRef columns of this query
  std::string name;         // for EXPLAIN and column naming

  std::unique_ptr<BoundExpr> clone() const;
  std::string to_string() const;
  bool has_volatile() const;
};
using BoundExprPtr = std::unique_ptr<BoundExpr>;

BoundExprPtr make_column_ref(int32_t column, types::Type type, std::string name = "");
BoundExprPtr make_constant(types::Value v);
BoundExprPtr make_cast(BoundExprPtr e, types::Type to);

struct BoundAggregate {
  const AggregateFunction* function = nullptr;
  std::vector<BoundExprPtr> args;
  std::vector<types::Value> direct_args;  // percentile fractions
  bool distinct = false;
  BoundExprPtr filter;                    // FILTER (WHERE ...)
  struct Order {
    BoundExprPtr expr;
    bool descending = false;
    bool nulls_first = false;
  };
  std::vector<Order> order_by;            // ORDER BY / WITHIN GROUP
  types::Type type;
  std::string name;
};

enum class WindowFunctionKind : uint8_t {
  kAggregate, kRowNumber, kRank, kDenseRank, kPercentRank, kCumeDist, kNtile,
  kLag, kLead, kFirstValue, kLastValue, kNthValue,
};

struct BoundWindowFrame {
  enum class Units : uint8_t { kRows, kRange, kGroups } units = Units::kRange;
  enum class Bound : uint8_t { kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing };
  Bound start = Bound::kUnboundedPreceding;
  Bound end = Bound::kCurrentRow;
  int64_t start_offset = 0;
  int64_t end_offset = 0;
};

struct BoundWindow {
  WindowFunctionKind kind = WindowFunctionKind::kRowNumber;
  const AggregateFunction* aggregate = nullptr;  // kAggregate
  std::vector<BoundExprPtr> args;
  std::vector<BoundExprPtr> partition_by;
  std::vector<BoundAggregate::Order> order_by;
  BoundWindowFrame frame;
  types::Type type;
  std::string name;
};

enum class LogicalKind : uint8_t {
  kGet,            // table scan: table, columns
  kValues,         // rows of expressions (no input columns; may use parameters/outer refs)
  kFilter,         // predicate
  kProject,        // exprs
  kJoin,           // join_kind, condition over left ++ right
  kAggregate,      // groups then aggregates
  kWindow,         // child columns then windows
  kSort,           // sort_keys
  kLimit,          // limit, offset
  kDistinct,       // all columns (distinct_on: first n columns of child decide)
  kSetOp,          // set_op over children[0], children[1]
  kInsert,         // into table from children[0]; exprs = per-table-column source
  kUpdate,         // table; child yields row_id + new values
  kDelete,         // table; child yields row_id
  kTableFunction,  // table_function over exprs (no input columns; may use parameters/outer refs)
};

enum class LogicalJoinKind : uint8_t { kInner, kLeft, kRight, kFull, kSemi, kAnti, kCross };
enum class LogicalSetOp : uint8_t { kUnion, kIntersect, kExcept };

struct SortKey {
  BoundExprPtr expr;
  bool descending = false;
  bool nulls_first = false;
};

struct OnConflictPlan {
  std::vector<int32_t> key_columns;  // table positions of the conflict target
  bool do_update = false;
  // DO UPDATE SET: per table column, an expression over (existing row ++ excluded
  // row), or null to keep the column.
  std::vector<BoundExprPtr> set;
  BoundExprPtr where;
};

struct LogicalPlan {
  LogicalKind kind = LogicalKind::kValues;
  std::vector<types::Type> types;  // output columns
  std::vector<std::string> names;
  std::vector<std::shared_ptr<LogicalPlan>> children;

  // kGet / kInsert / kUpdate / kDelete
  std::shared_ptr<const catalog::TableDef> table;
  std::vector<int32_t> columns;  // kGet: table column positions read
  bool with_row_id = false;      // kGet: append a bigint row id column (DML)
  // kValues
  std::vector<std::vector<BoundExprPtr>> rows;
  // kTableFunction: "generate_series" (2 or 3 integer arguments) or "unnest" (one
  // array); the arguments are in `exprs`, the one output column in types[0].
  std::string table_function;
  // kFilter (predicate), kJoin (condition; null = cross)
  BoundExprPtr predicate;
  // kProject
  std::vector<BoundExprPtr> exprs;
  LogicalJoinKind join_kind = LogicalJoinKind::kInner;
  bool null_aware = false;  // kJoin kAnti: NOT IN's rules (no row passes when the right side has a NULL key)
  // kAggregate
  std::vector<BoundExprPtr> groups;
  std::vector<BoundAggregate> aggregates;
  // kWindow
  std::vector<BoundWindow> windows;
  // kSort
  std::vector<SortKey> sort_keys;
  // kLimit: -1 = none
  int64_t limit = -1;
  int64_t offset = 0;
  BoundExprPtr limit_expr;   // when LIMIT/OFFSET use parameters
  BoundExprPtr offset_expr;
  // kDistinct: 0 = all columns
  int32_t distinct_on = 0;
  // kSetOp
  LogicalSetOp set_op = LogicalSetOp::kUnion;
  bool set_all = false;
  // kInsert
  std::unique_ptr<OnConflictPlan> on_conflict;
  bool or_replace = false;  // SQLite's INSERT OR REPLACE
  bool or_ignore = false;
  // kUpdate: exprs has one expression per table column over the child's columns;
  // the child's last column is the row id. kInsert/kUpdate/kDelete RETURNING: exprs
  // over the table row, in `returning`.
  std::vector<BoundExprPtr> returning;
  std::vector<std::string> returning_names;
  std::vector<BoundExprPtr> checks;  // CHECK constraints over the table row
  std::vector<BoundExprPtr> defaults;  // kInsert: per table column default (may be null)

  std::string to_string(int indent = 0) const;
};
using LogicalPlanPtr = std::shared_ptr<LogicalPlan>;

}  // namespace strata::sql
