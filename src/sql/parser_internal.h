// Private to the parser's .cc files: the recursive-descent Parser over the token
// vector. Expressions use precedence climbing (parser_expr.cc); queries are in
// parser_query.cc, DDL and COPY in parser_ddl.cc, the rest in parser.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/ast.h"
#include "sql/lexer.h"
#include "sql/parser.h"
#include "sql/token.h"

namespace strata::sql {

// Binding strength of expression operators, PostgreSQL 15's table (higher binds
// tighter). `::`, `[ ]` and `.` bind tightest and are handled as postfixes.
enum Prec : int {
  kPrecNone = 0,
  kPrecOr = 1,
  kPrecAnd = 2,
  kPrecNot = 3,
  kPrecIs = 4,          // IS ..., ISNULL, NOTNULL
  kPrecComparison = 5,  // < > = <= >= <>
  kPrecLike = 6,        // BETWEEN IN LIKE ILIKE SIMILAR
  kPrecOther = 7,       // any other operator
  kPrecAdd = 8,         // + -
  kPrecMul = 9,         // * / %
  kPrecPow = 10,        // ^
  kPrecAt = 11,         // AT TIME ZONE
  kPrecCollate = 12,
  kPrecUnary = 13,  // prefix + -
};

class ChainGuard;

inline constexpr int64_t kMaxRewoundTokensPerToken = 64;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  // Tokenizes; must succeed before any parse_* call.
  Status init();

  Result<std::vector<StatementPtr>> parse_statements();
  Result<ExprPtr> parse_single_expression();
  Result<TypeName> parse_single_type_name();

 private:
  friend class DepthGuard;

  // ---- tokens
  const Token& cur() const { return tokens_[pos_]; }
  const Token& peek(size_t ahead = 1) const {
    return pos_ + ahead < tokens_.size() ? tokens_[pos_ + ahead] : tokens_.back();
  }
  const Token& prev() const { return tokens_[pos_ > 0 ? pos_ - 1 : 0]; }
  void advance() {
    if (cur().kind != TokenKind::kEnd) ++pos_;
  }
  bool at(TokenKind kind) const { return cur().kind == kind; }
  bool at_word(std::string_view w) const { return cur().is_word(w); }
  bool peek_word(std::string_view w, size_t ahead = 1) const { return peek(ahead).is_word(w); }
  bool at_op(std::string_view op) const { return cur().is_op(op); }
  bool accept(TokenKind kind);
  bool accept_word(std::string_view w);
  bool accept_words(std::string_view w1, std::string_view w2);  // both or nothing
  bool accept_op(std::string_view op);
  Status expect(TokenKind kind);
  Status expect_word(std::string_view w);
  Status expect_op(std::string_view op);
  Status error() const { return syntax_error_near(text_, cur()); }
  Status error_at(const Token& t) const { return syntax_error_near(text_, t); }
  Status error_message(int32_t location, std::string sqlstate, std::string message) const;
  int32_t loc() const { return cur().begin; }
  // Source text from byte `begin` to the end of the last consumed token.
  std::string text_since(int32_t begin) const;

  // ---- names
  // Any non-reserved word or quoted identifier usable as a column/table name.
  bool at_col_id() const;
  // A function or type name: plain words, type/function-name keywords, quoted.
  bool at_type_func_name() const;
  // Any word at all (after AS, after '.').
  bool at_col_label() const;
  Result<std::string> parse_col_id();
  Result<std::string> parse_col_label();
  Result<QualifiedName> parse_qualified_name();              // ColId ('.' ColLabel)*
  Result<std::vector<std::string>> parse_name_list();        // ColId (',' ColId)*
  Result<std::vector<std::string>> parse_paren_name_list();  // '(' name_list ')'
  // [AS] alias ['(' names ')'], for FROM items; `require_as_for_keywords` rejects
  // words that could start the next clause.
  Result<Alias> parse_opt_alias();
  bool at_bare_alias() const;

  // ---- depth
  Status enter();                        // counts one nesting level; 54001 beyond the limits
  Status chain_link(ChainGuard& chain);  // counts one link of a loop-built chain
  Status stack_depth_error() const;
  // Backtracking: returns to token `save` after a failed attempt. The tokens given
  // back are counted; past kMaxRewoundTokensPerToken per token the statement is
  // refused (54001), so nested ambiguous parentheses cannot take exponential time.
  Status rewind(size_t save);

  // ---- statements (parser.cc)
  Result<StatementPtr> parse_statement();
  Result<StatementPtr> parse_insert(std::unique_ptr<WithClause> with);
  Result<StatementPtr> parse_update(std::unique_ptr<WithClause> with);
  Result<StatementPtr> parse_delete(std::unique_ptr<WithClause> with);
  Result<std::vector<SetClause>> parse_set_clauses();
  Result<std::vector<SelectItem>> parse_opt_returning();
  Result<StatementPtr> parse_truncate();
  Result<StatementPtr> parse_explain();
  Result<StatementPtr> parse_transaction();
  Status parse_transaction_modes(TransactionStmt& stmt);
  Result<StatementPtr> parse_set();
  Result<StatementPtr> parse_reset_or_show(bool show);
  Result<std::string> parse_var_name();
  Result<OptionValue> parse_var_value();
  Result<StatementPtr> parse_discard();
  Result<StatementPtr> parse_prepare();
  Result<StatementPtr> parse_execute();
  Result<StatementPtr> parse_deallocate();
  Result<StatementPtr> parse_declare_cursor();
  Result<StatementPtr> parse_fetch();
  Result<StatementPtr> parse_close_cursor();
  // Skips to the end of the statement; `what` names it for the binder's error.
  Result<StatementPtr> parse_unsupported(int32_t location, std::string what);

  // ---- DDL and COPY (parser_ddl.cc)
  Result<StatementPtr> parse_create();
  Result<StatementPtr> parse_create_table(int32_t location, bool temporary, bool unlogged);
  Status parse_table_elements(CreateTableStmt& stmt);
  Result<StatementPtr> parse_create_stream(int32_t location);
  Result<StatementPtr> parse_create_sink(int32_t location);
  Result<ColumnDef> parse_column_def();
  Status parse_column_constraints(ColumnDef& def);
  Result<Constraint> parse_table_constraint();
  Status parse_references(Constraint& c);
  // DEFERRABLE, NOT DEFERRABLE, INITIALLY DEFERRED|IMMEDIATE: accepted, ignored.
  bool skip_constraint_attribute();
  Result<StatementPtr> parse_create_view(int32_t location, bool or_replace, bool temporary, bool materialized = false);
  Result<StatementPtr> parse_create_index(int32_t location, bool unique);
  Result<StatementPtr> parse_drop();
  Result<StatementPtr> parse_alter();
  Result<StatementPtr> parse_comment();
  Result<StatementPtr> parse_copy();
  Status parse_copy_legacy_options(CopyStmt& stmt);
  Result<std::vector<Option>> parse_option_list();  // '(' name [value] , ... ')'
  Result<OptionValue> parse_option_value();

  // ---- queries (parser_query.cc)
  Result<QueryPtr> parse_query();
  Result<std::unique_ptr<WithClause>> parse_with();
  Result<QueryBodyPtr> parse_set_expr(int min_prec);
  Result<QueryBodyPtr> parse_set_primary();
  Result<QueryBodyPtr> parse_select_core();
  Result<QueryBodyPtr> parse_values();
  Result<std::vector<SelectItem>> parse_target_list();
  bool at_target_list_end() const;
  Result<std::vector<TableRefPtr>> parse_from_list();
  Result<TableRefPtr> parse_table_ref();
  Result<TableRefPtr> parse_table_primary();
  Result<std::vector<ExprPtr>> parse_group_by(bool& distinct);
  Result<ExprPtr> parse_grouping_element();
  Status parse_query_tail(Query& q);
  // True when the tokens from `pos_` are '('* followed by SELECT/VALUES/WITH/TABLE.
  bool at_parenthesised_query() const;
  // Parses '(' query ')' and returns the Query.
  Result<QueryPtr> parse_paren_query();

  // ---- expressions (parser_expr.cc)
  Result<ExprPtr> parse_expr(int min_prec = kPrecNone);
  Result<ExprPtr> parse_prefix();
  Result<ExprPtr> parse_infix(ExprPtr left, int prec);
  Result<ExprPtr> parse_primary();
  Result<ExprPtr> parse_word_primary();
  Result<ExprPtr> parse_postfix(ExprPtr e, bool parenthesised);
  Result<ExprPtr> parse_paren_expr();
  Result<ExprPtr> parse_name_expr();
  Result<ExprPtr> parse_func_call(QualifiedName name);
  Result<ExprPtr> parse_func_tail(std::unique_ptr<FuncCall> call);
  Result<ExprPtr> parse_special_function(const std::string& word);
  Result<ExprPtr> parse_case();
  Result<ExprPtr> parse_array_brackets(int32_t location);
  Result<ExprPtr> parse_typed_literal();
  Result<ExprPtr> parse_infix_special(ExprPtr left, int& prec_out, bool& handled);
  Result<ExprPtr> parse_any_all(ExprPtr left, std::string op, std::string op_schema, int32_t location);
  Result<std::vector<ExprPtr>> parse_expr_list();        // expr (',' expr)*
  Result<std::vector<OrderItem>> parse_order_by_list();  // after ORDER BY
  Result<WindowSpec> parse_window_spec();                // '(' ... ')'
  Result<WindowFrame> parse_window_frame();
  Result<FrameBound> parse_frame_bound();
  // Infix operator at the cursor: its precedence, or kPrecNone.
  int infix_precedence() const;
  // Whether the cursor starts a type name that can begin a typed literal.
  bool at_type_keyword() const;

  // ---- types (parser_expr.cc)
  Result<TypeName> parse_type();
  Status parse_type_modifiers(TypeName& t);
  Status parse_array_bounds(TypeName& t);

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int32_t depth_ = 0;
  int64_t rewound_tokens_ = 0;
  const char* stack_base_ = nullptr;
};

// Counts one nesting level for its scope: `STRATA_SQL_ENTER();` at the top of each
// recursive parse function.
class DepthGuard {
 public:
  explicit DepthGuard(Parser* p) : p_(p) {}
  ~DepthGuard() { --p_->depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;

 private:
  Parser* p_;
};

#define STRATA_SQL_ENTER()               \
  STRATA_RETURN_IF_ERROR(this->enter()); \
  DepthGuard strata_depth_guard_(this)

// Chains built by loops (a + b + c, UNION chains, JOIN chains, x::a::b) deepen the
// tree without recursion; each link counts one level until the loop ends.
class ChainGuard {
 public:
  explicit ChainGuard(int32_t* depth) : depth_(depth) {}
  ~ChainGuard() { *depth_ -= links_; }
  void add() {
    ++links_;
    ++*depth_;
  }
  ChainGuard(const ChainGuard&) = delete;
  ChainGuard& operator=(const ChainGuard&) = delete;

 private:
  int32_t* depth_;
  int32_t links_ = 0;
};

}  // namespace strata::sql
