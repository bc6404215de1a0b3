// The SQL abstract syntax tree produced by the parser (parser.h) and consumed by the
// binder. Pure syntax: no name resolution, no types; PostgreSQL's dialect.
//
// Shape: every node derives from Node, which carries a NodeKind and `location`, the
// 0-based byte offset of the node's first token in the query text (-1 when the node
// was synthesised). Four families derive from Node: Expr, TableRef, QueryBody and
// Statement; concrete nodes are plain structs with public fields and own their
// children through std::unique_ptr. Downcast with `node.as<T>()` (asserts the kind)
// or `node.as_if<T>()` (nullptr when the kind differs).
//
// Conventions:
//  - Names are already case-folded: unquoted identifiers are lower-cased, quoted
//    identifiers keep their case. Keywords used as names appear in lower case.
//  - Optional children are null pointers; optional lists are empty.
//  - The tree's depth is bounded by the parser (kMaxParseDepth in parser.h), so
//    recursive walks (and the recursive destructors) cannot exhaust the stack.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/assert.h"

namespace strata::sql {

enum class NodeKind : uint8_t {
  // Expressions (Expr).
  kColumnRef,
  kStar,
  kConstant,
  kParam,
  kUnaryOp,
  kBinaryOp,
  kBoolExpr,
  kNullTest,
  kBooleanTest,
  kDistinctFrom,
  kBetween,
  kInList,
  kLike,
  kSubquery,
  kArrayCompare,
  kCase,
  kCast,
  kCollate,
  kFuncCall,
  kSqlValueFunction,
  kArrayExpr,
  kSubscript,
  kFieldSelect,
  kRowExpr,
  kGroupingSet,
  kDefault,
  kAtTimeZone,
  // Table references in FROM (TableRef).
  kTableName,
  kSubqueryRef,
  kFunctionRef,
  kJoin,
  // Query bodies (QueryBody).
  kQuery,
  kSelectCore,
  kSetOperation,
  kValues,
  // Statements (Statement).
  kSelectStmt,
  kInsertStmt,
  kUpdateStmt,
  kDeleteStmt,
  kTruncateStmt,
  kCopyStmt,
  kCreateTableStmt,
  kCreateViewStmt,
  kCreateIndexStmt,
  kCreateSchemaStmt,
  kDropStmt,
  kAlterTableStmt,
  kCommentStmt,
  kExplainStmt,
  kTransactionStmt,
  kVariableSetStmt,
  kResetStmt,
  kShowStmt,
  kDiscardStmt,
  kPrepareStmt,
  kExecuteStmt,
  kDeallocateStmt,
  kDeclareCursorStmt,
  kFetchStmt,
  kCloseCursorStmt,
  kUnsupportedStmt,
  // Streaming statements (next milestone; kinds reserved so switch statements over
  // NodeKind keep compiling when they arrive).
  kCreateStreamStmt,
  kCreateMaterializedViewStmt,
  kCreateSinkStmt,
};

// A stable lower-case name of the kind, e.g. "column_ref", "select_stmt".
std::string_view node_kind_name(NodeKind kind);

inline bool is_expr_kind(NodeKind k) { return k >= NodeKind::kColumnRef && k <= NodeKind::kAtTimeZone; }
inline bool is_table_ref_kind(NodeKind k) { return k >= NodeKind::kTableName && k <= NodeKind::kJoin; }
inline bool is_query_body_kind(NodeKind k) { return k >= NodeKind::kQuery && k <= NodeKind::kValues; }
inline bool is_statement_kind(NodeKind k) { return k >= NodeKind::kSelectStmt; }

struct Node {
  Node(NodeKind kind_in, int32_t location_in) : kind(kind_in), location(location_in) {}
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const NodeKind kind;
  int32_t location;  // 0-based byte offset in the query text; -1 when synthesised

  template <class T>
  bool is() const {
    return T::matches(kind);
  }
  template <class T>
  T& as() {
    STRATA_ASSERT(T::matches(kind), "AST node kind mismatch");
    return static_cast<T&>(*this);
  }
  template <class T>
  const T& as() const {
    STRATA_ASSERT(T::matches(kind), "AST node kind mismatch");
    return static_cast<const T&>(*this);
  }
  template <class T>
  T* as_if() {
    return T::matches(kind) ? static_cast<T*>(this) : nullptr;
  }
  template <class T>
  const T* as_if() const {
    return T::matches(kind) ? static_cast<const T*>(this) : nullptr;
  }
};

// Declares kKind and matches() for a concrete node type.
#define STRATA_SQL_NODE(KIND)                       \
  static constexpr NodeKind kKind = NodeKind::KIND; \
  static bool matches(NodeKind k) { return k == kKind; }

struct Expr : Node {
  using Node::Node;
  static bool matches(NodeKind k) { return is_expr_kind(k); }
};
struct TableRef : Node {
  using Node::Node;
  static bool matches(NodeKind k) { return is_table_ref_kind(k); }
};
struct QueryBody : Node {
  using Node::Node;
  static bool matches(NodeKind k) { return is_query_body_kind(k); }
};
struct Statement : Node {
  using Node::Node;
  static bool matches(NodeKind k) { return is_statement_kind(k); }
  // The statement's source span [source_begin, source_end) in the text given to
  // parse_sql, without the terminating ';' and surrounding whitespace.
  int32_t source_begin = 0;
  int32_t source_end = 0;
  std::string_view source_text(std::string_view query) const {
    return query.substr(static_cast<size_t>(source_begin), static_cast<size_t>(source_end - source_begin));
  }
};

using NodePtr = std::unique_ptr<Node>;
using ExprPtr = std::unique_ptr<Expr>;
using TableRefPtr = std::unique_ptr<TableRef>;
using QueryBodyPtr = std::unique_ptr<QueryBody>;
using StatementPtr = std::unique_ptr<Statement>;
struct Query;
using QueryPtr = std::unique_ptr<Query>;

// ---------------------------------------------------------------------------
// Shared pieces (not nodes).

// A possibly qualified name: "t", "s.t", "db.s.t"; each part already case-folded.
struct QualifiedName {
  std::vector<std::string> parts;
  int32_t location = -1;

  bool empty() const { return parts.empty(); }
  const std::string& name() const { return parts.back(); }  // REQUIRES: !empty()
  std::string to_string() const;                            // parts joined by '.'
};

// A type as written. `name` is the last part, normalised: multi-word SQL names are
// joined by single spaces and spelled in full ("double precision", "character
// varying", "timestamp with time zone", "time without time zone", "bit varying");
// other names are kept as written (folded), e.g. "int4", "varchar", "text", so the
// binder owns every alias mapping (int → integer, varchar → character varying).
struct TypeName {
  std::vector<std::string> schema;  // qualifier parts, e.g. {"pg_catalog"}; usually empty
  std::string name;
  std::vector<int64_t> modifiers;  // varchar(20) → {20}; numeric(10,2) → {10,2}
  std::string interval_fields;     // INTERVAL DAY TO SECOND → "day to second"; else ""
  int32_t array_dims = 0;          // number of [] suffixes (or ARRAY)
  int32_t location = -1;

  std::string to_string() const;  // e.g. "pg_catalog.numeric(10,2)[]"
};

enum class SortDirection : uint8_t { kDefault, kAsc, kDesc };
enum class NullsOrder : uint8_t { kDefault, kFirst, kLast };

struct OrderItem {
  ExprPtr expr;
  SortDirection direction = SortDirection::kDefault;
  NullsOrder nulls = NullsOrder::kDefault;
  int32_t location = -1;
};

enum class FrameUnits : uint8_t { kRows, kRange, kGroups };
enum class FrameBoundKind : uint8_t { kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing };
enum class FrameExclusion : uint8_t { kNoOthers, kCurrentRow, kGroup, kTies };

struct FrameBound {
  FrameBoundKind kind = FrameBoundKind::kUnboundedPreceding;
  ExprPtr offset;  // for kPreceding / kFollowing
};

// A frame: `ROWS start` is stored as start = start, end = CURRENT ROW (PostgreSQL's
// meaning); `has_end` records whether BETWEEN ... AND ... was written.
struct WindowFrame {
  FrameUnits units = FrameUnits::kRange;
  FrameBound start;
  FrameBound end;
  bool has_end = false;
  FrameExclusion exclusion = FrameExclusion::kNoOthers;
  int32_t location = -1;
};

// OVER (...) or WINDOW w AS (...). `ref_name` is the referenced window: for `OVER w`
// it is "w" and nothing else is set; for `OVER (w ORDER BY x)` it names the base.
struct WindowSpec {
  std::string ref_name;
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  std::optional<WindowFrame> frame;
  int32_t location = -1;
};

struct WindowDef {
  std::string name;
  WindowSpec spec;
  int32_t location = -1;
};

// A table or column alias: `AS x (a, b)`. Empty name = no alias.
struct Alias {
  std::string name;
  std::vector<std::string> columns;
  bool empty() const { return name.empty(); }
};

// One value of an option or of SET: `'text'`, `42`, `on`, `csv`, `*`.
struct OptionValue {
  enum class Kind : uint8_t { kString, kNumber, kIdent, kStar };
  Kind kind = Kind::kIdent;
  std::string text;  // string contents, number text, folded identifier/keyword
  int32_t location = -1;
};

// A named option: EXPLAIN (ANALYZE, FORMAT text), COPY ... WITH (FORMAT csv,
// FORCE_QUOTE (a, b)), CREATE STREAM ... WITH (k = 'v'). Names are folded to lower
// case; multi-word legacy names use '_' ("force_quote"). No value → values empty.
struct Option {
  std::string name;
  std::vector<OptionValue> values;
  int32_t location = -1;
};

// ---------------------------------------------------------------------------
// Expressions.

// a, t.a, s.t.a, db.s.t.a (parts in order).
struct ColumnRef : Expr {
  STRATA_SQL_NODE(kColumnRef)
  explicit ColumnRef(int32_t loc) : Expr(kKind, loc) {}
  std::vector<std::string> names;
};

// `*` (qualifier empty) or `t.*` / `s.t.*`.
struct Star : Expr {
  STRATA_SQL_NODE(kStar)
  explicit Star(int32_t loc) : Expr(kKind, loc) {}
  std::vector<std::string> qualifier;
};

enum class ConstantKind : uint8_t { kInteger, kNumeric, kString, kBool, kNull };

// A literal. kInteger: digits only; `int_value` is set when it fits in int64 (else
// the binder treats it as numeric). kNumeric: has '.' or an exponent. A unary minus
// directly before a numeric literal is folded into it ("-5", int_value -5), as
// PostgreSQL does, so INT64_MIN is representable.
struct Constant : Expr {
  STRATA_SQL_NODE(kConstant)
  Constant(int32_t loc, ConstantKind k) : Expr(kKind, loc), constant_kind(k) {}
  ConstantKind constant_kind;
  std::string text;                  // digits / numeric text / string contents
  std::optional<int64_t> int_value;  // kInteger only, when it fits
  bool bool_value = false;           // kBool only
};

// $n (1-based).
struct Param : Expr {
  STRATA_SQL_NODE(kParam)
  Param(int32_t loc, int32_t n) : Expr(kKind, loc), index(n) {}
  int32_t index;
};

// Prefix operator: "-", "+", "~", "@", "|/", "||/" (NOT is a BoolExpr).
struct UnaryOp : Expr {
  STRATA_SQL_NODE(kUnaryOp)
  UnaryOp(int32_t loc, std::string o, ExprPtr a) : Expr(kKind, loc), op(std::move(o)), operand(std::move(a)) {}
  std::string op;
  std::string op_schema;  // OPERATOR(pg_catalog.-) → "pg_catalog"; usually ""
  ExprPtr operand;
};

// Infix operator, spelled as written except "!=" which becomes "<>": arithmetic
// + - * / % ^, comparisons = <> < > <= >=, ||, regex ~ ~* !~ !~*, jsonb -> ->> @> <@
// ? ?| ?& #> #>>, bitwise & | # << >>, LIKE operators ~~ !~~ ~~* !~~*, and any other
// operator character sequence. OPERATOR(schema.op) sets op_schema.
struct BinaryOp : Expr {
  STRATA_SQL_NODE(kBinaryOp)
  BinaryOp(int32_t loc, std::string o, ExprPtr l, ExprPtr r)
      : Expr(kKind, loc), op(std::move(o)), left(std::move(l)), right(std::move(r)) {}
  std::string op;
  std::string op_schema;
  ExprPtr left;
  ExprPtr right;
};

// AND / OR with two or more flattened arguments (a AND b AND c → one node), or NOT
// with one argument.
enum class BoolOp : uint8_t { kAnd, kOr, kNot };
struct BoolExpr : Expr {
  STRATA_SQL_NODE(kBoolExpr)
  BoolExpr(int32_t loc, BoolOp o) : Expr(kKind, loc), op(o) {}
  BoolOp op;
  std::vector<ExprPtr> args;
};

// x IS [NOT] NULL, x ISNULL, x NOTNULL.
struct NullTest : Expr {
  STRATA_SQL_NODE(kNullTest)
  NullTest(int32_t loc, ExprPtr a, bool neg) : Expr(kKind, loc), arg(std::move(a)), negated(neg) {}
  ExprPtr arg;
  bool negated;  // IS NOT NULL / NOTNULL
};

// x IS [NOT] TRUE | FALSE | UNKNOWN.
enum class BooleanTestKind : uint8_t { kTrue, kFalse, kUnknown };
struct BooleanTest : Expr {
  STRATA_SQL_NODE(kBooleanTest)
  BooleanTest(int32_t loc, ExprPtr a, BooleanTestKind t, bool neg)
      : Expr(kKind, loc), arg(std::move(a)), test(t), negated(neg) {}
  ExprPtr arg;
  BooleanTestKind test;
  bool negated;
};

// a IS [NOT] DISTINCT FROM b.
struct DistinctFrom : Expr {
  STRATA_SQL_NODE(kDistinctFrom)
  DistinctFrom(int32_t loc, ExprPtr l, ExprPtr r, bool neg)
      : Expr(kKind, loc), left(std::move(l)), right(std::move(r)), negated(neg) {}
  ExprPtr left;
  ExprPtr right;
  bool negated;  // IS NOT DISTINCT FROM
};

// x [NOT] BETWEEN [SYMMETRIC] low AND high.
struct Between : Expr {
  STRATA_SQL_NODE(kBetween)
  explicit Between(int32_t loc) : Expr(kKind, loc) {}
  ExprPtr arg;
  ExprPtr low;
  ExprPtr high;
  bool negated = false;
  bool symmetric = false;
};

// x [NOT] IN (e1, e2, ...). (IN (subquery) is a SubqueryExpr.)
struct InList : Expr {
  STRATA_SQL_NODE(kInList)
  explicit InList(int32_t loc) : Expr(kKind, loc) {}
  ExprPtr arg;
  std::vector<ExprPtr> list;
  bool negated = false;
};

// x [NOT] LIKE | ILIKE | SIMILAR TO pattern [ESCAPE e].
enum class LikeKind : uint8_t { kLike, kILike, kSimilarTo };
struct Like : Expr {
  STRATA_SQL_NODE(kLike)
  explicit Like(int32_t loc) : Expr(kKind, loc) {}
  LikeKind like_kind = LikeKind::kLike;
  ExprPtr arg;
  ExprPtr pattern;
  ExprPtr escape;  // null when no ESCAPE
  bool negated = false;
};

// Subquery uses:
//   kExists: EXISTS (q)                 (test_expr null, op "")
//   kScalar: (q)
//   kIn:     x [NOT] IN (q)             (negated for NOT IN)
//   kAny:    x op ANY|SOME (q)
//   kAll:    x op ALL (q)
//   kArray:  ARRAY(q)
enum class SubqueryKind : uint8_t { kExists, kScalar, kIn, kAny, kAll, kArray };
struct SubqueryExpr : Expr {
  STRATA_SQL_NODE(kSubquery)
  SubqueryExpr(int32_t loc, SubqueryKind k) : Expr(kKind, loc), subquery_kind(k) {}
  SubqueryKind subquery_kind;
  ExprPtr test_expr;  // kIn / kAny / kAll
  std::string op;     // kAny / kAll: the comparison operator
  bool negated = false;
  QueryPtr query;
};

// x op ANY|SOME|ALL (array expression), e.g. a = ANY('{1,2}'::int[]).
struct ArrayCompare : Expr {
  STRATA_SQL_NODE(kArrayCompare)
  explicit ArrayCompare(int32_t loc) : Expr(kKind, loc) {}
  std::string op;
  std::string op_schema;
  bool all = false;  // ALL vs ANY/SOME
  ExprPtr left;
  ExprPtr array;
};

// CASE [arg] WHEN ... THEN ... [ELSE ...] END. With `arg` (simple CASE) each `when`
// is compared to it; otherwise each `when` is a condition.
struct CaseWhen {
  ExprPtr when;
  ExprPtr then;
};
struct CaseExpr : Expr {
  STRATA_SQL_NODE(kCase)
  explicit CaseExpr(int32_t loc) : Expr(kKind, loc) {}
  ExprPtr arg;
  std::vector<CaseWhen> whens;
  ExprPtr else_expr;
};

// CAST(x AS t), x::t, or a typed literal `DATE '2024-01-01'` / `INTERVAL '1' DAY` /
// `int4 '1'` (arg is then a string Constant and syntax kTypedLiteral).
enum class CastSyntax : uint8_t { kCast, kDoubleColon, kTypedLiteral };
struct Cast : Expr {
  STRATA_SQL_NODE(kCast)
  Cast(int32_t loc, ExprPtr a, TypeName t, CastSyntax s)
      : Expr(kKind, loc), arg(std::move(a)), type(std::move(t)), syntax(s) {}
  ExprPtr arg;
  TypeName type;
  CastSyntax syntax;
};

// x COLLATE "C".
struct CollateExpr : Expr {
  STRATA_SQL_NODE(kCollate)
  explicit CollateExpr(int32_t loc) : Expr(kKind, loc) {}
  ExprPtr arg;
  QualifiedName collation;
};

// A function call, aggregate or window call. The SQL special forms are normalised
// to plain calls (PostgreSQL's own mapping), with `syntax` recording the form:
//   EXTRACT(f FROM x)              → extract('f', x)          [f as a string Constant]
//   POSITION(a IN b)               → position(b, a)
//   SUBSTRING(x FROM a FOR b)      → substring(x, a, b); FOR only → substring(x, 1, b)
//   TRIM([BOTH] [c] FROM x)        → btrim(x[, c]); LEADING → ltrim, TRAILING → rtrim
//   OVERLAY(x PLACING y FROM a [FOR b]) → overlay(x, y, a[, b])
//   COALESCE / NULLIF / GREATEST / LEAST (...) → calls of those names
enum class FuncSyntax : uint8_t { kNormal, kExtract, kPosition, kSubstring, kTrim, kOverlay };
struct FuncCall : Expr {
  STRATA_SQL_NODE(kFuncCall)
  explicit FuncCall(int32_t loc) : Expr(kKind, loc) {}
  QualifiedName name;  // e.g. {"pg_catalog", "format_type"}
  std::vector<ExprPtr> args;
  bool star = false;                // count(*)
  bool distinct = false;            // f(DISTINCT x)
  bool variadic = false;            // f(VARIADIC arr): the last argument is the array
  std::vector<OrderItem> order_by;  // string_agg(x, ',' ORDER BY y)
  bool within_group = false;        // WITHIN GROUP (ORDER BY ...) given
  std::vector<OrderItem> within_group_order;
  ExprPtr filter;                    // FILTER (WHERE ...)
  std::unique_ptr<WindowSpec> over;  // OVER (...) / OVER w
  FuncSyntax syntax = FuncSyntax::kNormal;
};

// Keyword-like niladic functions: CURRENT_DATE, CURRENT_TIMESTAMP(3), USER, ...
enum class SqlValueFunctionKind : uint8_t {
  kCurrentDate,
  kCurrentTime,
  kCurrentTimestamp,
  kLocalTime,
  kLocalTimestamp,
  kCurrentUser,
  kCurrentRole,
  kSessionUser,
  kUser,
  kCurrentCatalog,
  kCurrentSchema,
};
struct SqlValueFunction : Expr {
  STRATA_SQL_NODE(kSqlValueFunction)
  SqlValueFunction(int32_t loc, SqlValueFunctionKind f) : Expr(kKind, loc), function(f) {}
  SqlValueFunctionKind function;
  int32_t precision = -1;  // CURRENT_TIMESTAMP(3) → 3; -1 when not given
};

// ARRAY[a, b] (or a nested bracket list inside one: ARRAY[[1,2],[3,4]]).
struct ArrayExpr : Expr {
  STRATA_SQL_NODE(kArrayExpr)
  explicit ArrayExpr(int32_t loc) : Expr(kKind, loc) {}
  std::vector<ExprPtr> elements;
};

// x[i] or a slice x[lo:hi] (either bound may be null for a slice).
struct Subscript : Expr {
  STRATA_SQL_NODE(kSubscript)
  explicit Subscript(int32_t loc) : Expr(kKind, loc) {}
  ExprPtr arg;
  ExprPtr index;  // x[i]; for slices: lower bound (may be null)
  ExprPtr upper;  // slices only
  bool is_slice = false;
};

// (x).field or (x).* (field "*").
struct FieldSelect : Expr {
  STRATA_SQL_NODE(kFieldSelect)
  explicit FieldSelect(int32_t loc) : Expr(kKind, loc) {}
  ExprPtr arg;
  std::string field;
};

// (a, b) or ROW(a, b) or ROW().
struct RowExpr : Expr {
  STRATA_SQL_NODE(kRowExpr)
  explicit RowExpr(int32_t loc) : Expr(kKind, loc) {}
  std::vector<ExprPtr> args;
  bool explicit_row = false;  // ROW keyword written
};

// GROUP BY ROLLUP(...), CUBE(...), GROUPING SETS(...), or () (empty set). Elements
// of ROLLUP/CUBE that are parenthesised lists are RowExprs.
enum class GroupingSetKind : uint8_t { kEmpty, kRollup, kCube, kSets };
struct GroupingSet : Expr {
  STRATA_SQL_NODE(kGroupingSet)
  GroupingSet(int32_t loc, GroupingSetKind k) : Expr(kKind, loc), set_kind(k) {}
  GroupingSetKind set_kind;
  std::vector<ExprPtr> items;
};

// DEFAULT in INSERT ... VALUES or UPDATE ... SET c = DEFAULT.
struct DefaultExpr : Expr {
  STRATA_SQL_NODE(kDefault)
  explicit DefaultExpr(int32_t loc) : Expr(kKind, loc) {}
};

// x AT TIME ZONE zone.
struct AtTimeZone : Expr {
  STRATA_SQL_NODE(kAtTimeZone)
  explicit AtTimeZone(int32_t loc) : Expr(kKind, loc) {}
  ExprPtr arg;
  ExprPtr zone;
};

// ---------------------------------------------------------------------------
// FROM items.

struct TableName : TableRef {
  STRATA_SQL_NODE(kTableName)
  explicit TableName(int32_t loc) : TableRef(kKind, loc) {}
  QualifiedName name;
  Alias alias;
  bool only = false;  // ONLY t
};

struct SubqueryRef : TableRef {
  STRATA_SQL_NODE(kSubqueryRef)
  explicit SubqueryRef(int32_t loc) : TableRef(kKind, loc) {}
  QueryPtr query;
  Alias alias;
  bool lateral = false;
};

// A set-returning function in FROM: generate_series(1, 10) AS g(x), TUMBLE(...).
struct FunctionRef : TableRef {
  STRATA_SQL_NODE(kFunctionRef)
  explicit FunctionRef(int32_t loc) : TableRef(kKind, loc) {}
  std::unique_ptr<FuncCall> call;
  Alias alias;
  bool lateral = false;
  bool with_ordinality = false;
};

enum class JoinType : uint8_t { kInner, kLeft, kRight, kFull, kCross };
struct JoinRef : TableRef {
  STRATA_SQL_NODE(kJoin)
  explicit JoinRef(int32_t loc) : TableRef(kKind, loc) {}
  JoinType join_type = JoinType::kInner;
  bool natural = false;
  TableRefPtr left;
  TableRefPtr right;
  ExprPtr on;                              // ON condition
  std::vector<std::string> using_columns;  // USING (...)
  Alias alias;                             // (a JOIN b) AS x
};

// ---------------------------------------------------------------------------
// Queries.

struct CommonTableExpr {
  std::string name;
  std::vector<std::string> columns;
  QueryPtr query;
  std::optional<bool> materialized;  // AS [NOT] MATERIALIZED
  int32_t location = -1;
};

struct WithClause {
  bool recursive = false;
  std::vector<CommonTableExpr> ctes;
  int32_t location = -1;
};

struct SelectItem {
  ExprPtr expr;       // a Star for * and t.*
  std::string alias;  // "" when none
  int32_t location = -1;
};

// EMIT clause of streaming queries (next milestone).
enum class EmitMode : uint8_t { kDefault, kOnWindowClose };

// A full query expression: [WITH] body [ORDER BY] [LIMIT/OFFSET/FETCH] [FOR UPDATE].
// Also a QueryBody, so a parenthesised operand of a set operation that has its own
// ORDER BY/LIMIT/WITH is a nested Query.
struct Query : QueryBody {
  STRATA_SQL_NODE(kQuery)
  explicit Query(int32_t loc) : QueryBody(kKind, loc) {}
  std::unique_ptr<WithClause> with;
  QueryBodyPtr body;
  std::vector<OrderItem> order_by;
  ExprPtr limit;  // null: no LIMIT or LIMIT ALL
  ExprPtr offset;
  bool fetch_with_ties = false;  // FETCH FIRST n ROWS WITH TIES
  bool for_update = false;       // FOR UPDATE/SHARE/... (parsed, otherwise ignored)
  EmitMode emit = EmitMode::kDefault;
};

// SELECT [DISTINCT [ON (...)]] targets [FROM] [WHERE] [GROUP BY] [HAVING] [WINDOW].
struct SelectCore : QueryBody {
  STRATA_SQL_NODE(kSelectCore)
  explicit SelectCore(int32_t loc) : QueryBody(kKind, loc) {}
  bool distinct = false;
  std::vector<ExprPtr> distinct_on;  // DISTINCT ON (...): distinct is true too
  std::vector<SelectItem> targets;   // may be empty: SELECT FROM t
  std::vector<TableRefPtr> from;     // comma list
  ExprPtr where;
  std::vector<ExprPtr> group_by;   // expressions, ordinals (integer Constants), GroupingSets
  bool group_by_distinct = false;  // GROUP BY DISTINCT
  ExprPtr having;
  std::vector<WindowDef> windows;
};

enum class SetOpKind : uint8_t { kUnion, kIntersect, kExcept };
struct SetOperation : QueryBody {
  STRATA_SQL_NODE(kSetOperation)
  SetOperation(int32_t loc, SetOpKind k) : QueryBody(kKind, loc), op(k) {}
  SetOpKind op;
  bool all = false;
  QueryBodyPtr left;
  QueryBodyPtr right;
};

// VALUES (...), (...). Rows may contain DefaultExpr.
struct ValuesList : QueryBody {
  STRATA_SQL_NODE(kValues)
  explicit ValuesList(int32_t loc) : QueryBody(kKind, loc) {}
  std::vector<std::vector<ExprPtr>> rows;
};

// ---------------------------------------------------------------------------
// Statements.

struct SelectStmt : Statement {
  STRATA_SQL_NODE(kSelectStmt)
  explicit SelectStmt(int32_t loc) : Statement(kKind, loc) {}
  QueryPtr query;
};

// c = e, or (a, b) = (e1, e2) / (a, b) = (subquery): `value` is then a RowExpr or
// a scalar SubqueryExpr.
struct SetClause {
  std::vector<std::string> columns;
  ExprPtr value;
  int32_t location = -1;
};

// ON CONFLICT [(cols) [WHERE p] | ON CONSTRAINT name] DO NOTHING | DO UPDATE SET ... [WHERE].
struct OnConflict {
  std::vector<std::string> target_columns;
  std::string constraint_name;
  ExprPtr target_where;
  bool do_update = false;  // else DO NOTHING
  std::vector<SetClause> set;
  ExprPtr where;
  int32_t location = -1;
};

// SQLite's INSERT OR REPLACE / REPLACE INTO and INSERT OR IGNORE.
enum class InsertOr : uint8_t { kNone, kReplace, kIgnore };

struct InsertStmt : Statement {
  STRATA_SQL_NODE(kInsertStmt)
  explicit InsertStmt(int32_t loc) : Statement(kKind, loc) {}
  std::unique_ptr<WithClause> with;
  QualifiedName table;
  std::string alias;
  std::vector<std::string> columns;
  QueryPtr query;  // VALUES or SELECT; null with DEFAULT VALUES
  bool default_values = false;
  std::unique_ptr<OnConflict> on_conflict;
  std::vector<SelectItem> returning;
  InsertOr or_action = InsertOr::kNone;
};

struct UpdateStmt : Statement {
  STRATA_SQL_NODE(kUpdateStmt)
  explicit UpdateStmt(int32_t loc) : Statement(kKind, loc) {}
  std::unique_ptr<WithClause> with;
  QualifiedName table;
  std::string alias;
  std::vector<SetClause> set;
  std::vector<TableRefPtr> from;
  ExprPtr where;
  std::vector<SelectItem> returning;
};

struct DeleteStmt : Statement {
  STRATA_SQL_NODE(kDeleteStmt)
  explicit DeleteStmt(int32_t loc) : Statement(kKind, loc) {}
  std::unique_ptr<WithClause> with;
  QualifiedName table;
  std::string alias;
  std::vector<TableRefPtr> using_tables;
  ExprPtr where;
  std::vector<SelectItem> returning;
};

struct TruncateStmt : Statement {
  STRATA_SQL_NODE(kTruncateStmt)
  explicit TruncateStmt(int32_t loc) : Statement(kKind, loc) {}
  std::vector<QualifiedName> tables;
  bool restart_identity = false;
  bool cascade = false;
};

// COPY t [(cols)] FROM|TO 'file'|STDIN|STDOUT [WITH] options, or COPY (query) TO ...
// The legacy option syntax (WITH CSV HEADER DELIMITER ',' ...) is normalised to
// the same options as the parenthesised one: format, header, delimiter, null,
// quote, escape, force_quote, force_not_null, force_null, encoding, freeze.
enum class CopyTarget : uint8_t { kFile, kStdin, kStdout, kProgram };
struct CopyStmt : Statement {
  STRATA_SQL_NODE(kCopyStmt)
  explicit CopyStmt(int32_t loc) : Statement(kKind, loc) {}
  QualifiedName table;  // empty when `query` is set
  std::vector<std::string> columns;
  QueryPtr query;
  bool is_from = false;  // FROM (load) vs TO (dump)
  CopyTarget target = CopyTarget::kStdout;
  std::string filename;  // kFile / kProgram
  std::vector<Option> options;
  ExprPtr where;  // COPY ... FROM ... WHERE
};

enum class ConstraintKind : uint8_t {
  kNotNull,
  kNull,
  kDefault,
  kCheck,
  kPrimaryKey,
  kUnique,
  kForeignKey,
  kGenerated,  // GENERATED ALWAYS AS (expr) STORED / AS IDENTITY
};

// A column or table constraint. Column constraints leave `columns` empty (the
// column is implied); table constraints list their columns.
struct Constraint {
  ConstraintKind constraint_kind = ConstraintKind::kNotNull;
  std::string name;                  // CONSTRAINT name; "" when unnamed
  ExprPtr expr;                      // DEFAULT / CHECK / GENERATED expression
  std::string expr_text;             // that expression's source text, for the catalog
  std::vector<std::string> columns;  // table PRIMARY KEY/UNIQUE/FOREIGN KEY columns
  QualifiedName ref_table;           // REFERENCES / FOREIGN KEY
  std::vector<std::string> ref_columns;
  bool identity = false;  // GENERATED ... AS IDENTITY
  int32_t location = -1;
};

struct ColumnDef {
  std::string name;
  TypeName type;
  std::vector<Constraint> constraints;
  QualifiedName collation;  // COLLATE x; empty when absent
  int32_t location = -1;
};

// WATERMARK FOR col AS expr (CREATE STREAM; CREATE TABLE parses it too).
struct WatermarkDef {
  std::string column;
  ExprPtr expr;
  std::string expr_text;
  int32_t location = -1;
};

struct CreateTableStmt : Statement {
  STRATA_SQL_NODE(kCreateTableStmt)
  explicit CreateTableStmt(int32_t loc) : Statement(kKind, loc) {}
  QualifiedName name;
  bool if_not_exists = false;
  bool temporary = false;
  bool unlogged = false;
  std::vector<ColumnDef> columns;
  std::vector<Constraint> constraints;  // table constraints
  QueryPtr as_query;                    // CREATE TABLE ... AS query
  std::vector<std::string> as_columns;  // CREATE TABLE t (a, b) AS query
  bool with_no_data = false;
  std::vector<Option> options;  // WITH (k = v)
  std::optional<WatermarkDef> watermark;
};

// CREATE STREAM [IF NOT EXISTS] name (columns, [WATERMARK FOR ...]) [WITH (options)]:
// a typed stream over a topic. Table constraints parse (so the engine can name them
// in its error) but streams accept only NOT NULL.
struct CreateStreamStmt : Statement {
  STRATA_SQL_NODE(kCreateStreamStmt)
  explicit CreateStreamStmt(int32_t loc) : Statement(kKind, loc) {}
  QualifiedName name;
  bool if_not_exists = false;
  std::vector<ColumnDef> columns;
  std::vector<Constraint> constraints;
  std::optional<WatermarkDef> watermark;
  std::vector<Option> options;  // WITH (topic = 'x', format = 'json', ...)
};

// CREATE SINK [IF NOT EXISTS] name FROM view INTO TOPIC 'topic' [WITH (...)].
struct CreateSinkStmt : Statement {
  STRATA_SQL_NODE(kCreateSinkStmt)
  explicit CreateSinkStmt(int32_t loc) : Statement(kKind, loc) {}
  QualifiedName name;
  bool if_not_exists = false;
  QualifiedName from;  // the materialized view
  std::string topic;
  int32_t topic_location = -1;
  std::vector<Option> options;  // WITH (format = 'json', mode = 'upsert', partitions = 1)
};

struct CreateViewStmt : Statement {
  STRATA_SQL_NODE(kCreateViewStmt)
  explicit CreateViewStmt(int32_t loc) : Statement(kKind, loc) {}
  QualifiedName name;
  bool or_replace = false;
  bool temporary = false;
  bool if_not_exists = false;  // SQLite's CREATE VIEW IF NOT EXISTS
  bool materialized = false;   // CREATE MATERIALIZED VIEW: maintained over a stream
  std::vector<std::string> columns;
  QueryPtr query;
  std::string query_text;  // the query's source text (the view definition)
};

struct IndexItem {
  std::string column;  // set for a plain column
  ExprPtr expr;        // set for (expr) or a function call
  SortDirection direction = SortDirection::kDefault;
  NullsOrder nulls = NullsOrder::kDefault;
  int32_t location = -1;
};

struct CreateIndexStmt : Statement {
  STRATA_SQL_NODE(kCreateIndexStmt)
  explicit CreateIndexStmt(int32_t loc) : Statement(kKind, loc) {}
  std::string name;  // "" when omitted
  QualifiedName table;
  bool unique = false;
  bool if_not_exists = false;
  bool concurrently = false;
  std::string method;  // USING btree; "" when omitted
  std::vector<IndexItem> items;
  std::vector<std::string> include_columns;
  ExprPtr where;  // partial index
};

struct CreateSchemaStmt : Statement {
  STRATA_SQL_NODE(kCreateSchemaStmt)
  explicit CreateSchemaStmt(int32_t loc) : Statement(kKind, loc) {}
  std::string name;
  bool if_not_exists = false;
};

enum class ObjectType : uint8_t {
  kTable,
  kView,
  kIndex,
  kSchema,
  kMaterializedView,
  kStream,
  kSink,
  kColumn,  // COMMENT ON COLUMN
  kSequence,
  kType,
  kFunction,
  kTrigger,
  kDatabase,
};
std::string_view object_type_name(ObjectType type);  // "TABLE", "MATERIALIZED VIEW", ...

struct DropStmt : Statement {
  STRATA_SQL_NODE(kDropStmt)
  explicit DropStmt(int32_t loc) : Statement(kKind, loc) {}
  ObjectType object_type = ObjectType::kTable;
  std::vector<QualifiedName> names;
  bool if_exists = false;
  bool cascade = false;  // CASCADE (RESTRICT is the default)
};

enum class AlterTableAction : uint8_t {
  kAddColumn,
  kDropColumn,
  kRenameColumn,
  kRenameTable,
  kSetDefault,
  kDropDefault,
  kSetNotNull,
  kDropNotNull,
  kAlterColumnType,
  kAddConstraint,
  kDropConstraint,
};

struct AlterTableCmd {
  AlterTableAction action = AlterTableAction::kAddColumn;
  std::string column;                      // the column acted on (or constraint name for kDropConstraint)
  std::string new_name;                    // kRenameColumn / kRenameTable
  std::unique_ptr<ColumnDef> column_def;   // kAddColumn
  std::unique_ptr<Constraint> constraint;  // kAddConstraint
  ExprPtr expr;                            // kSetDefault; kAlterColumnType's USING
  std::string expr_text;
  TypeName type;               // kAlterColumnType
  bool if_exists = false;      // DROP COLUMN IF EXISTS
  bool if_not_exists = false;  // ADD COLUMN IF NOT EXISTS
  bool cascade = false;
  int32_t location = -1;
};

struct AlterTableStmt : Statement {
  STRATA_SQL_NODE(kAlterTableStmt)
  explicit AlterTableStmt(int32_t loc) : Statement(kKind, loc) {}
  QualifiedName table;
  bool if_exists = false;
  std::vector<AlterTableCmd> cmds;
};

// COMMENT ON TABLE|VIEW|COLUMN|... name IS 'text' | NULL. For COLUMN, `name` is the
// column's qualified name (its last part is the column).
struct CommentStmt : Statement {
  STRATA_SQL_NODE(kCommentStmt)
  explicit CommentStmt(int32_t loc) : Statement(kKind, loc) {}
  ObjectType object_type = ObjectType::kTable;
  QualifiedName name;
  std::optional<std::string> comment;  // nullopt for IS NULL
};

// EXPLAIN [ANALYZE] [VERBOSE] stmt, or EXPLAIN (option [value], ...) stmt. The
// flags are set from either form; every option is also kept in `options`.
struct ExplainStmt : Statement {
  STRATA_SQL_NODE(kExplainStmt)
  explicit ExplainStmt(int32_t loc) : Statement(kKind, loc) {}
  bool analyze = false;
  bool verbose = false;
  std::vector<Option> options;
  StatementPtr stmt;
};

enum class TransactionKind : uint8_t { kBegin, kCommit, kRollback, kSavepoint, kRelease, kRollbackTo, kSetTransaction };
struct TransactionStmt : Statement {
  STRATA_SQL_NODE(kTransactionStmt)
  TransactionStmt(int32_t loc, TransactionKind k) : Statement(kKind, loc), transaction_kind(k) {}
  TransactionKind transaction_kind;
  std::string savepoint;        // kSavepoint / kRelease / kRollbackTo
  std::string isolation_level;  // "serializable", "repeatable read", "read committed", "read uncommitted"
  std::optional<bool> read_only;
  std::optional<bool> deferrable;
  bool and_chain = false;  // COMMIT AND CHAIN
};

// SET [SESSION|LOCAL] name {=|TO} value[, ...] | DEFAULT. The special forms map to
// names: SET TIME ZONE x → "timezone"; SET NAMES x → "client_encoding"; SET SCHEMA x
// → "search_path"; SET SESSION AUTHORIZATION / ROLE → "session_authorization" / "role".
// SET TIME ZONE LOCAL / DEFAULT → to_default. Dotted names ("a.b") keep the dot.
struct VariableSetStmt : Statement {
  STRATA_SQL_NODE(kVariableSetStmt)
  explicit VariableSetStmt(int32_t loc) : Statement(kKind, loc) {}
  std::string name;
  std::vector<OptionValue> values;
  bool to_default = false;
  bool is_local = false;
};

struct ResetStmt : Statement {
  STRATA_SQL_NODE(kResetStmt)
  explicit ResetStmt(int32_t loc) : Statement(kKind, loc) {}
  std::string name;  // "all" for RESET ALL
};

struct ShowStmt : Statement {
  STRATA_SQL_NODE(kShowStmt)
  explicit ShowStmt(int32_t loc) : Statement(kKind, loc) {}
  std::string name;  // "all" for SHOW ALL; SHOW TIME ZONE → "timezone";
                     // SHOW MATERIALIZED VIEWS → "materialized_views";
                     // SHOW TRANSACTION ISOLATION LEVEL → "transaction_isolation"
};

struct DiscardStmt : Statement {
  STRATA_SQL_NODE(kDiscardStmt)
  explicit DiscardStmt(int32_t loc) : Statement(kKind, loc) {}
  std::string target;  // "all", "plans", "sequences", "temp"
};

struct PrepareStmt : Statement {
  STRATA_SQL_NODE(kPrepareStmt)
  explicit PrepareStmt(int32_t loc) : Statement(kKind, loc) {}
  std::string name;
  std::vector<TypeName> param_types;
  StatementPtr stmt;
};

struct ExecuteStmt : Statement {
  STRATA_SQL_NODE(kExecuteStmt)
  explicit ExecuteStmt(int32_t loc) : Statement(kKind, loc) {}
  std::string name;
  std::vector<ExprPtr> args;
};

struct DeallocateStmt : Statement {
  STRATA_SQL_NODE(kDeallocateStmt)
  explicit DeallocateStmt(int32_t loc) : Statement(kKind, loc) {}
  std::string name;  // "" with ALL
  bool all = false;
};

// DECLARE name [BINARY] [ASENSITIVE | INSENSITIVE] [[NO] SCROLL] CURSOR
//   [{WITH | WITHOUT} HOLD] FOR query
struct DeclareCursorStmt : Statement {
  STRATA_SQL_NODE(kDeclareCursorStmt)
  explicit DeclareCursorStmt(int32_t loc) : Statement(kKind, loc) {}
  std::string name;
  bool binary = false;
  bool scroll = false;
  bool hold = false;
  std::unique_ptr<Query> query;
};

// FETCH / MOVE [direction] [FROM | IN] name. Directions normalise to a signed count:
// NEXT = FORWARD = 1, PRIOR = BACKWARD = -1, n, FORWARD n, BACKWARD n (-n), ALL,
// FORWARD ALL, BACKWARD ALL; FIRST, LAST, ABSOLUTE n and RELATIVE n keep their kind.
enum class FetchKind : uint8_t { kRelativeCount, kAbsolute, kRelative, kFirst, kLast };
struct FetchStmt : Statement {
  STRATA_SQL_NODE(kFetchStmt)
  explicit FetchStmt(int32_t loc) : Statement(kKind, loc) {}
  std::string name;
  FetchKind fetch_kind = FetchKind::kRelativeCount;
  int64_t count = 1;  // kRelativeCount: rows (negative: backward); kAbsolute/kRelative: n
  bool all = false;   // ALL / FORWARD ALL (count 1) or BACKWARD ALL (count -1)
  bool move = false;  // MOVE: position only, no rows
};

// CLOSE name | CLOSE ALL
struct CloseCursorStmt : Statement {
  STRATA_SQL_NODE(kCloseCursorStmt)
  explicit CloseCursorStmt(int32_t loc) : Statement(kKind, loc) {}
  std::string name;  // "" with ALL
  bool all = false;
};

// A statement recognised but not supported (CREATE TRIGGER, REINDEX, VACUUM, GRANT,
// ...). The parser skips its body; the binder reports 0A000 naming `what`.
struct UnsupportedStmt : Statement {
  STRATA_SQL_NODE(kUnsupportedStmt)
  explicit UnsupportedStmt(int32_t loc) : Statement(kKind, loc) {}
  std::string what;  // e.g. "CREATE TRIGGER"
};

// ---------------------------------------------------------------------------
// Debug printing: a compact S-expression of the tree, stable for tests, e.g.
//   (select (core (targets (col a)) (from (table t)) (where (op = (col a) (int 1)))))
std::string to_debug_string(const Node& node);
std::string to_debug_string(const TypeName& type);

}  // namespace strata::sql
