// Parser core (tokens, names, depth limits), the statement dispatch, DML other than
// queries, and the utility statements (transactions, SET/SHOW, EXPLAIN, PREPARE).
#include "sql/parser.h"

#include <charconv>
#include <cstdlib>
#include <optional>
#include <utility>

#include "sql/parser_internal.h"

namespace strata::sql {

// ---------------------------------------------------------------------------
// Tokens and names.

Status Parser::init() {
  STRATA_ASSIGN_OR_RETURN(tokens_, tokenize(text_));
  pos_ = 0;
  return Status::ok_status();
}

bool Parser::accept(TokenKind kind) {
  if (!at(kind)) return false;
  advance();
  return true;
}

bool Parser::accept_word(std::string_view w) {
  if (!at_word(w)) return false;
  advance();
  return true;
}

bool Parser::accept_words(std::string_view w1, std::string_view w2) {
  if (!at_word(w1) || !peek_word(w2)) return false;
  advance();
  advance();
  return true;
}

bool Parser::accept_op(std::string_view op) {
  if (!at_op(op)) return false;
  advance();
  return true;
}

Status Parser::expect(TokenKind kind) {
  if (!accept(kind)) return error();
  return Status::ok_status();
}

Status Parser::expect_word(std::string_view w) {
  if (!accept_word(w)) return error();
  return Status::ok_status();
}

Status Parser::expect_op(std::string_view op) {
  if (!accept_op(op)) return error();
  return Status::ok_status();
}

Status Parser::error_message(int32_t location, std::string sqlstate, std::string message) const {
  Status s = Status::sql(sqlstate, std::move(message));
  s.with_position(char_position(text_, location));
  return s;
}

std::string Parser::text_since(int32_t begin) const {
  int32_t end = pos_ > 0 ? prev().end : begin;
  if (end < begin) end = begin;
  return std::string(text_.substr(static_cast<size_t>(begin), static_cast<size_t>(end - begin)));
}

bool Parser::at_col_id() const {
  const Token& t = cur();
  if (t.kind == TokenKind::kQuotedIdent) return true;
  return t.kind == TokenKind::kIdent && (t.keyword == KeywordCategory::kNone || t.keyword == KeywordCategory::kColName);
}

bool Parser::at_type_func_name() const {
  const Token& t = cur();
  if (t.kind == TokenKind::kQuotedIdent) return true;
  return t.kind == TokenKind::kIdent &&
         (t.keyword == KeywordCategory::kNone || t.keyword == KeywordCategory::kTypeFuncName);
}

bool Parser::at_col_label() const { return at(TokenKind::kIdent) || at(TokenKind::kQuotedIdent); }

Result<std::string> Parser::parse_col_id() {
  if (!at_col_id()) return error();
  std::string s = cur().text;
  advance();
  return s;
}

Result<std::string> Parser::parse_col_label() {
  if (!at_col_label()) return error();
  std::string s = cur().text;
  advance();
  return s;
}

Result<QualifiedName> Parser::parse_qualified_name() {
  QualifiedName name;
  name.location = loc();
  STRATA_ASSIGN_OR_RETURN(std::string first, parse_col_id());
  name.parts.push_back(std::move(first));
  while (at(TokenKind::kDot) && (peek().kind == TokenKind::kIdent || peek().kind == TokenKind::kQuotedIdent)) {
    advance();
    STRATA_ASSIGN_OR_RETURN(std::string part, parse_col_label());
    name.parts.push_back(std::move(part));
  }
  return name;
}

Result<std::vector<std::string>> Parser::parse_name_list() {
  std::vector<std::string> names;
  do {
    STRATA_ASSIGN_OR_RETURN(std::string n, parse_col_id());
    names.push_back(std::move(n));
  } while (accept(TokenKind::kComma));
  return names;
}

Result<std::vector<std::string>> Parser::parse_paren_name_list() {
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
  STRATA_ASSIGN_OR_RETURN(std::vector<std::string> names, parse_name_list());
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
  return names;
}

// Words that may follow a FROM item or target without being its alias: SET (UPDATE
// t SET), EMIT (streaming EMIT ON WINDOW CLOSE).
bool Parser::at_bare_alias() const {
  if (at(TokenKind::kQuotedIdent)) return true;
  if (!at_col_id()) return false;
  return !at_word("set") && !at_word("emit");
}

Result<Alias> Parser::parse_opt_alias() {
  Alias alias;
  if (accept_word("as")) {
    STRATA_ASSIGN_OR_RETURN(alias.name, parse_col_label());
  } else if (at_bare_alias()) {
    alias.name = cur().text;
    advance();
  } else {
    return alias;
  }
  if (at(TokenKind::kLParen)) {
    STRATA_ASSIGN_OR_RETURN(alias.columns, parse_paren_name_list());
  }
  return alias;
}

// ---------------------------------------------------------------------------
// Depth limits.

Status Parser::stack_depth_error() const { return error_message(loc(), "54001", "stack depth limit exceeded"); }

Status Parser::enter() {
  // The stack grows down on every platform we build for; compare frame addresses
  // as PostgreSQL's check_stack_depth does.
  const char* addr = static_cast<const char*>(__builtin_frame_address(0));
  size_t used = stack_base_ > addr ? static_cast<size_t>(stack_base_ - addr) : static_cast<size_t>(addr - stack_base_);
  if (depth_ + 1 > kMaxParseDepth || used > kMaxParseStackBytes) return stack_depth_error();
  ++depth_;
  return Status::ok_status();
}

Status Parser::rewind(size_t save) {
  if (pos_ > save) rewound_tokens_ += static_cast<int64_t>(pos_ - save);
  pos_ = save;
  if (rewound_tokens_ > kMaxRewoundTokensPerToken * static_cast<int64_t>(tokens_.size()) + 4096) {
    return error_message(loc(), "54001", "statement too complex to parse");
  }
  return Status::ok_status();
}

Status Parser::chain_link(ChainGuard& chain) {
  chain.add();
  if (depth_ > kMaxParseDepth) return stack_depth_error();
  return Status::ok_status();
}

// ---------------------------------------------------------------------------
// Entry points.

Result<std::vector<StatementPtr>> Parser::parse_statements() {
  stack_base_ = static_cast<const char*>(__builtin_frame_address(0));
  std::vector<StatementPtr> out;
  while (true) {
    while (accept(TokenKind::kSemicolon)) {
    }
    if (at(TokenKind::kEnd)) break;
    int32_t begin = loc();
    STRATA_ASSIGN_OR_RETURN(StatementPtr stmt, parse_statement());
    stmt->source_begin = begin;
    stmt->source_end = prev().end;
    if (!at(TokenKind::kSemicolon) && !at(TokenKind::kEnd)) return error();
    out.push_back(std::move(stmt));
  }
  return out;
}

Result<ExprPtr> Parser::parse_single_expression() {
  stack_base_ = static_cast<const char*>(__builtin_frame_address(0));
  STRATA_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
  if (!at(TokenKind::kEnd)) return error();
  return e;
}

Result<TypeName> Parser::parse_single_type_name() {
  stack_base_ = static_cast<const char*>(__builtin_frame_address(0));
  STRATA_ASSIGN_OR_RETURN(TypeName t, parse_type());
  if (!at(TokenKind::kEnd)) return error();
  return t;
}

Result<std::vector<StatementPtr>> parse_sql(std::string_view text) {
  Parser p(text);
  STRATA_RETURN_IF_ERROR(p.init());
  return p.parse_statements();
}

Result<ExprPtr> parse_expression(std::string_view text) {
  Parser p(text);
  STRATA_RETURN_IF_ERROR(p.init());
  return p.parse_single_expression();
}

Result<TypeName> parse_type_name(std::string_view text) {
  Parser p(text);
  STRATA_RETURN_IF_ERROR(p.init());
  return p.parse_single_type_name();
}

// ---------------------------------------------------------------------------
// Statements.

Result<StatementPtr> Parser::parse_statement() {
  STRATA_SQL_ENTER();
  const Token& t = cur();
  int32_t location = t.begin;
  if (t.kind == TokenKind::kLParen) {
    auto stmt = std::make_unique<SelectStmt>(location);
    STRATA_ASSIGN_OR_RETURN(stmt->query, parse_query());
    return StatementPtr(std::move(stmt));
  }
  if (t.kind != TokenKind::kIdent) return error();
  const std::string& w = t.text;
  if (w == "select" || w == "values" || w == "table") {
    auto stmt = std::make_unique<SelectStmt>(location);
    STRATA_ASSIGN_OR_RETURN(stmt->query, parse_query());
    return StatementPtr(std::move(stmt));
  }
  if (w == "with") {
    // WITH ... SELECT, or WITH ... INSERT/UPDATE/DELETE.
    size_t save = pos_;
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<WithClause> with, parse_with());
    if (at_word("insert")) return parse_insert(std::move(with));
    if (at_word("update")) return parse_update(std::move(with));
    if (at_word("delete")) return parse_delete(std::move(with));
    pos_ = save;
    auto stmt = std::make_unique<SelectStmt>(location);
    STRATA_ASSIGN_OR_RETURN(stmt->query, parse_query());
    return StatementPtr(std::move(stmt));
  }
  if (w == "insert" || w == "replace") return parse_insert(nullptr);
  if (w == "update") return parse_update(nullptr);
  if (w == "delete") return parse_delete(nullptr);
  if (w == "truncate") return parse_truncate();
  if (w == "copy") return parse_copy();
  if (w == "create") return parse_create();
  if (w == "drop") return parse_drop();
  if (w == "alter") return parse_alter();
  if (w == "comment") return parse_comment();
  if (w == "explain") return parse_explain();
  if (w == "begin" || w == "start" || w == "commit" || w == "end" || w == "rollback" || w == "abort" ||
      w == "savepoint" || w == "release") {
    return parse_transaction();
  }
  if (w == "set") return parse_set();
  if (w == "reset") return parse_reset_or_show(false);
  if (w == "show") return parse_reset_or_show(true);
  if (w == "discard") return parse_discard();
  if (w == "prepare") return parse_prepare();
  if (w == "execute") return parse_execute();
  if (w == "deallocate") return parse_deallocate();
  if (w == "declare") return parse_declare_cursor();
  if (w == "fetch" || w == "move") return parse_fetch();
  if (w == "close") return parse_close_cursor();
  static constexpr std::string_view kUnsupported[] = {
      "reindex",    "vacuum",  "analyze", "analyse", "grant", "revoke",  "lock",     "listen",   "notify", "unlisten",
      "checkpoint", "cluster", "do",      "call",    "load",  "refresh", "security", "reassign", "import"};
  for (std::string_view u : kUnsupported) {
    if (w == u) {
      std::string what;
      for (char c : u) what += static_cast<char>(c - 'a' + 'A');
      return parse_unsupported(location, what);
    }
  }
  return error();
}

Result<StatementPtr> Parser::parse_unsupported(int32_t location, std::string what) {
  auto stmt = std::make_unique<UnsupportedStmt>(location);
  stmt->what = std::move(what);
  // Skip to the ';' that ends the statement. A SQLite trigger body
  // (BEGIN ... ; ... END) holds semicolons: BEGIN/CASE ... END pairs are skipped
  // as units. Parentheses are counted too.
  int64_t parens = 0;
  int64_t blocks = 0;
  while (!at(TokenKind::kEnd)) {
    if (at(TokenKind::kSemicolon) && parens == 0 && blocks == 0) break;
    if (at(TokenKind::kLParen)) ++parens;
    if (at(TokenKind::kRParen) && parens > 0) --parens;
    if (stmt->what == "CREATE TRIGGER" && (at_word("begin") || at_word("case"))) ++blocks;
    if (at_word("end") && blocks > 0) --blocks;
    advance();
  }
  return StatementPtr(std::move(stmt));
}

Result<std::vector<SelectItem>> Parser::parse_opt_returning() {
  std::vector<SelectItem> items;
  if (!accept_word("returning")) return items;
  return parse_target_list();
}

Result<std::vector<SetClause>> Parser::parse_set_clauses() {
  std::vector<SetClause> out;
  do {
    SetClause sc;
    sc.location = loc();
    if (at(TokenKind::kLParen)) {
      STRATA_ASSIGN_OR_RETURN(sc.columns, parse_paren_name_list());
    } else {
      STRATA_ASSIGN_OR_RETURN(std::string c, parse_col_id());
      sc.columns.push_back(std::move(c));
    }
    STRATA_RETURN_IF_ERROR(expect_op("="));
    STRATA_ASSIGN_OR_RETURN(sc.value, parse_expr());
    out.push_back(std::move(sc));
  } while (accept(TokenKind::kComma));
  return out;
}

Result<StatementPtr> Parser::parse_insert(std::unique_ptr<WithClause> with) {
  auto stmt = std::make_unique<InsertStmt>(loc());
  stmt->with = std::move(with);
  if (accept_word("replace")) {
    stmt->or_action = InsertOr::kReplace;
  } else {
    STRATA_RETURN_IF_ERROR(expect_word("insert"));
    if (accept_word("or")) {
      if (accept_word("replace")) {
        stmt->or_action = InsertOr::kReplace;
      } else if (accept_word("ignore")) {
        stmt->or_action = InsertOr::kIgnore;
      } else {
        return error();
      }
    }
  }
  STRATA_RETURN_IF_ERROR(expect_word("into"));
  STRATA_ASSIGN_OR_RETURN(stmt->table, parse_qualified_name());
  if (accept_word("as")) {
    STRATA_ASSIGN_OR_RETURN(stmt->alias, parse_col_id());
  }
  if (at(TokenKind::kLParen) && !at_parenthesised_query()) {
    STRATA_ASSIGN_OR_RETURN(stmt->columns, parse_paren_name_list());
  }
  if (accept_word("overriding")) {
    if (!accept_word("system") && !accept_word("user")) return error();
    STRATA_RETURN_IF_ERROR(expect_word("value"));
  }
  if (accept_words("default", "values")) {
    stmt->default_values = true;
  } else {
    STRATA_ASSIGN_OR_RETURN(stmt->query, parse_query());
  }
  if (at_word("on") && peek_word("conflict")) {
    auto oc = std::make_unique<OnConflict>();
    oc->location = loc();
    advance();
    advance();
    if (at(TokenKind::kLParen)) {
      advance();
      do {
        STRATA_ASSIGN_OR_RETURN(std::string c, parse_col_id());
        oc->target_columns.push_back(std::move(c));
      } while (accept(TokenKind::kComma));
      STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
      if (accept_word("where")) {
        STRATA_ASSIGN_OR_RETURN(oc->target_where, parse_expr());
      }
    } else if (accept_words("on", "constraint")) {
      STRATA_ASSIGN_OR_RETURN(oc->constraint_name, parse_col_id());
    }
    STRATA_RETURN_IF_ERROR(expect_word("do"));
    if (accept_word("nothing")) {
      oc->do_update = false;
    } else {
      STRATA_RETURN_IF_ERROR(expect_word("update"));
      STRATA_RETURN_IF_ERROR(expect_word("set"));
      oc->do_update = true;
      STRATA_ASSIGN_OR_RETURN(oc->set, parse_set_clauses());
      if (accept_word("where")) {
        STRATA_ASSIGN_OR_RETURN(oc->where, parse_expr());
      }
    }
    stmt->on_conflict = std::move(oc);
  }
  STRATA_ASSIGN_OR_RETURN(stmt->returning, parse_opt_returning());
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_update(std::unique_ptr<WithClause> with) {
  auto stmt = std::make_unique<UpdateStmt>(loc());
  stmt->with = std::move(with);
  STRATA_RETURN_IF_ERROR(expect_word("update"));
  accept_word("only");
  STRATA_ASSIGN_OR_RETURN(stmt->table, parse_qualified_name());
  if (accept_word("as")) {
    STRATA_ASSIGN_OR_RETURN(stmt->alias, parse_col_id());
  } else if (at_bare_alias()) {
    stmt->alias = cur().text;
    advance();
  }
  STRATA_RETURN_IF_ERROR(expect_word("set"));
  STRATA_ASSIGN_OR_RETURN(stmt->set, parse_set_clauses());
  if (accept_word("from")) {
    STRATA_ASSIGN_OR_RETURN(stmt->from, parse_from_list());
  }
  if (accept_word("where")) {
    STRATA_ASSIGN_OR_RETURN(stmt->where, parse_expr());
  }
  STRATA_ASSIGN_OR_RETURN(stmt->returning, parse_opt_returning());
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_delete(std::unique_ptr<WithClause> with) {
  auto stmt = std::make_unique<DeleteStmt>(loc());
  stmt->with = std::move(with);
  STRATA_RETURN_IF_ERROR(expect_word("delete"));
  STRATA_RETURN_IF_ERROR(expect_word("from"));
  accept_word("only");
  STRATA_ASSIGN_OR_RETURN(stmt->table, parse_qualified_name());
  if (accept_word("as")) {
    STRATA_ASSIGN_OR_RETURN(stmt->alias, parse_col_id());
  } else if (at_bare_alias()) {
    stmt->alias = cur().text;
    advance();
  }
  if (accept_word("using")) {
    STRATA_ASSIGN_OR_RETURN(stmt->using_tables, parse_from_list());
  }
  if (accept_word("where")) {
    STRATA_ASSIGN_OR_RETURN(stmt->where, parse_expr());
  }
  STRATA_ASSIGN_OR_RETURN(stmt->returning, parse_opt_returning());
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_truncate() {
  auto stmt = std::make_unique<TruncateStmt>(loc());
  STRATA_RETURN_IF_ERROR(expect_word("truncate"));
  accept_word("table");
  do {
    accept_word("only");
    STRATA_ASSIGN_OR_RETURN(QualifiedName n, parse_qualified_name());
    accept_op("*");
    stmt->tables.push_back(std::move(n));
  } while (accept(TokenKind::kComma));
  if (accept_words("restart", "identity")) {
    stmt->restart_identity = true;
  } else if (accept_words("continue", "identity")) {
    stmt->restart_identity = false;
  }
  if (accept_word("cascade")) {
    stmt->cascade = true;
  } else {
    accept_word("restrict");
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_explain() {
  auto stmt = std::make_unique<ExplainStmt>(loc());
  STRATA_RETURN_IF_ERROR(expect_word("explain"));
  auto truthy = [](const Option& o) {
    if (o.values.empty()) return true;
    const std::string& v = o.values[0].text;
    return v == "true" || v == "on" || v == "1" || v == "yes";
  };
  if (at(TokenKind::kLParen)) {
    STRATA_ASSIGN_OR_RETURN(stmt->options, parse_option_list());
    for (const Option& o : stmt->options) {
      if (o.name == "analyze" || o.name == "analyse") stmt->analyze = truthy(o);
      if (o.name == "verbose") stmt->verbose = truthy(o);
    }
  } else {
    if (accept_word("analyze") || accept_word("analyse")) {
      stmt->analyze = true;
      stmt->options.push_back(Option{"analyze", {}, prev().begin});
    }
    if (accept_word("verbose")) {
      stmt->verbose = true;
      stmt->options.push_back(Option{"verbose", {}, prev().begin});
    }
  }
  int32_t begin = loc();
  STRATA_ASSIGN_OR_RETURN(stmt->stmt, parse_statement());
  stmt->stmt->source_begin = begin;
  stmt->stmt->source_end = prev().end;
  return StatementPtr(std::move(stmt));
}

Status Parser::parse_transaction_modes(TransactionStmt& stmt) {
  while (true) {
    if (accept_words("isolation", "level")) {
      if (accept_word("serializable")) {
        stmt.isolation_level = "serializable";
      } else if (accept_words("repeatable", "read")) {
        stmt.isolation_level = "repeatable read";
      } else if (accept_words("read", "committed")) {
        stmt.isolation_level = "read committed";
      } else if (accept_words("read", "uncommitted")) {
        stmt.isolation_level = "read uncommitted";
      } else {
        return error();
      }
    } else if (accept_words("read", "only")) {
      stmt.read_only = true;
    } else if (accept_words("read", "write")) {
      stmt.read_only = false;
    } else if (accept_word("deferrable")) {
      stmt.deferrable = true;
    } else if (accept_words("not", "deferrable")) {
      stmt.deferrable = false;
    } else {
      return Status::ok_status();
    }
    accept(TokenKind::kComma);
  }
}

Result<StatementPtr> Parser::parse_transaction() {
  int32_t location = loc();
  std::string w = cur().text;
  advance();
  auto make = [&](TransactionKind k) { return std::make_unique<TransactionStmt>(location, k); };
  auto opt_work = [&] {
    if (!accept_word("work")) accept_word("transaction");
  };
  auto opt_chain = [&](TransactionStmt& s) -> Status {
    if (accept_word("and")) {
      s.and_chain = !accept_word("no");
      STRATA_RETURN_IF_ERROR(expect_word("chain"));
    }
    return Status::ok_status();
  };
  if (w == "begin" || w == "start") {
    if (w == "start") {
      STRATA_RETURN_IF_ERROR(expect_word("transaction"));
    } else {
      opt_work();
    }
    auto s = make(TransactionKind::kBegin);
    STRATA_RETURN_IF_ERROR(parse_transaction_modes(*s));
    return StatementPtr(std::move(s));
  }
  if (w == "commit" || w == "end") {
    opt_work();
    auto s = make(TransactionKind::kCommit);
    STRATA_RETURN_IF_ERROR(opt_chain(*s));
    return StatementPtr(std::move(s));
  }
  if (w == "rollback" || w == "abort") {
    opt_work();
    if (w == "rollback" && accept_word("to")) {
      accept_word("savepoint");
      auto s = make(TransactionKind::kRollbackTo);
      STRATA_ASSIGN_OR_RETURN(s->savepoint, parse_col_id());
      return StatementPtr(std::move(s));
    }
    auto s = make(TransactionKind::kRollback);
    STRATA_RETURN_IF_ERROR(opt_chain(*s));
    return StatementPtr(std::move(s));
  }
  if (w == "savepoint") {
    auto s = make(TransactionKind::kSavepoint);
    STRATA_ASSIGN_OR_RETURN(s->savepoint, parse_col_id());
    return StatementPtr(std::move(s));
  }
  // release
  accept_word("savepoint");
  auto s = make(TransactionKind::kRelease);
  STRATA_ASSIGN_OR_RETURN(s->savepoint, parse_col_id());
  return StatementPtr(std::move(s));
}

Result<std::string> Parser::parse_var_name() {
  STRATA_ASSIGN_OR_RETURN(std::string name, parse_col_label());
  while (accept(TokenKind::kDot)) {
    STRATA_ASSIGN_OR_RETURN(std::string part, parse_col_label());
    name += "." + part;
  }
  return name;
}

Result<OptionValue> Parser::parse_var_value() {
  OptionValue v;
  v.location = loc();
  std::string sign;
  if (at_op("-") || at_op("+")) {
    sign = cur().text == "-" ? "-" : "";
    advance();
    if (!at(TokenKind::kInteger) && !at(TokenKind::kNumeric)) return error();
  }
  switch (cur().kind) {
    case TokenKind::kString:
      v.kind = OptionValue::Kind::kString;
      break;
    case TokenKind::kInteger:
    case TokenKind::kNumeric:
      v.kind = OptionValue::Kind::kNumber;
      break;
    case TokenKind::kIdent:
    case TokenKind::kQuotedIdent:
      v.kind = OptionValue::Kind::kIdent;
      break;
    default:
      return error();
  }
  v.text = sign + cur().text;
  advance();
  return v;
}

Result<StatementPtr> Parser::parse_set() {
  int32_t location = loc();
  STRATA_RETURN_IF_ERROR(expect_word("set"));
  auto stmt = std::make_unique<VariableSetStmt>(location);
  if (accept_word("local")) {
    stmt->is_local = true;
  } else {
    accept_word("session");
  }
  if (at_word("transaction") || (at_word("characteristics") && peek_word("as"))) {
    if (accept_word("characteristics")) advance();  // AS
    advance();                                      // TRANSACTION
    auto t = std::make_unique<TransactionStmt>(location, TransactionKind::kSetTransaction);
    STRATA_RETURN_IF_ERROR(parse_transaction_modes(*t));
    return StatementPtr(std::move(t));
  }
  if (accept_words("time", "zone")) {
    stmt->name = "timezone";
    if (accept_word("local") || accept_word("default")) {
      stmt->to_default = true;
    } else if (at_word("interval")) {
      OptionValue v;
      v.location = loc();
      advance();
      if (!at(TokenKind::kString)) return error();
      v.kind = OptionValue::Kind::kString;
      v.text = cur().text;
      advance();
      // Optional interval fields (HOUR TO MINUTE) or precision.
      while (at(TokenKind::kIdent) && (at_word("hour") || at_word("minute") || at_word("to"))) advance();
      stmt->values.push_back(std::move(v));
    } else {
      STRATA_ASSIGN_OR_RETURN(OptionValue v, parse_var_value());
      stmt->values.push_back(std::move(v));
    }
    return StatementPtr(std::move(stmt));
  }
  if (at_word("names") || at_word("schema") || at_word("role") || (at_word("session") && peek_word("authorization"))) {
    std::string w = cur().text;
    advance();
    if (w == "session") advance();
    stmt->name = w == "names"    ? "client_encoding"
                 : w == "schema" ? "search_path"
                 : w == "role"   ? "role"
                                 : "session_authorization";
    if (accept_word("default")) {
      stmt->to_default = true;
    } else {
      STRATA_ASSIGN_OR_RETURN(OptionValue v, parse_var_value());
      stmt->values.push_back(std::move(v));
    }
    return StatementPtr(std::move(stmt));
  }
  STRATA_ASSIGN_OR_RETURN(stmt->name, parse_var_name());
  if (!accept_word("to") && !accept_op("=")) return error();
  if (accept_word("default")) {
    stmt->to_default = true;
    return StatementPtr(std::move(stmt));
  }
  do {
    STRATA_ASSIGN_OR_RETURN(OptionValue v, parse_var_value());
    stmt->values.push_back(std::move(v));
  } while (accept(TokenKind::kComma));
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_reset_or_show(bool show) {
  int32_t location = loc();
  advance();  // RESET / SHOW
  std::string name;
  if (accept_words("time", "zone")) {
    name = "timezone";
  } else if (accept_words("transaction", "isolation")) {
    STRATA_RETURN_IF_ERROR(expect_word("level"));
    name = "transaction_isolation";
  } else if (accept_words("session", "authorization")) {
    name = "session_authorization";
  } else if (accept_word("all")) {
    name = "all";
  } else if (show && accept_words("materialized", "views")) {
    name = "materialized_views";
  } else {
    STRATA_ASSIGN_OR_RETURN(name, parse_var_name());
  }
  if (show) {
    auto stmt = std::make_unique<ShowStmt>(location);
    stmt->name = std::move(name);
    return StatementPtr(std::move(stmt));
  }
  auto stmt = std::make_unique<ResetStmt>(location);
  stmt->name = std::move(name);
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_discard() {
  auto stmt = std::make_unique<DiscardStmt>(loc());
  advance();
  if (accept_word("all")) {
    stmt->target = "all";
  } else if (accept_word("plans")) {
    stmt->target = "plans";
  } else if (accept_word("sequences")) {
    stmt->target = "sequences";
  } else if (accept_word("temp") || accept_word("temporary")) {
    stmt->target = "temp";
  } else {
    return error();
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_prepare() {
  auto stmt = std::make_unique<PrepareStmt>(loc());
  advance();
  STRATA_ASSIGN_OR_RETURN(stmt->name, parse_col_id());
  if (accept(TokenKind::kLParen)) {
    do {
      STRATA_ASSIGN_OR_RETURN(TypeName t, parse_type());
      stmt->param_types.push_back(std::move(t));
    } while (accept(TokenKind::kComma));
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
  }
  STRATA_RETURN_IF_ERROR(expect_word("as"));
  int32_t begin = loc();
  STRATA_ASSIGN_OR_RETURN(stmt->stmt, parse_statement());
  stmt->stmt->source_begin = begin;
  stmt->stmt->source_end = prev().end;
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_execute() {
  auto stmt = std::make_unique<ExecuteStmt>(loc());
  advance();
  STRATA_ASSIGN_OR_RETURN(stmt->name, parse_col_id());
  if (accept(TokenKind::kLParen)) {
    STRATA_ASSIGN_OR_RETURN(stmt->args, parse_expr_list());
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_deallocate() {
  auto stmt = std::make_unique<DeallocateStmt>(loc());
  advance();
  accept_word("prepare");
  if (accept_word("all")) {
    stmt->all = true;
  } else {
    STRATA_ASSIGN_OR_RETURN(stmt->name, parse_col_id());
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_declare_cursor() {
  auto stmt = std::make_unique<DeclareCursorStmt>(loc());
  advance();
  STRATA_ASSIGN_OR_RETURN(stmt->name, parse_col_id());
  while (true) {
    if (accept_word("binary")) {
      stmt->binary = true;
    } else if (accept_word("asensitive") || accept_word("insensitive")) {
    } else if (accept_words("no", "scroll")) {
      stmt->scroll = false;
    } else if (accept_word("scroll")) {
      stmt->scroll = true;
    } else {
      break;
    }
  }
  STRATA_RETURN_IF_ERROR(expect_word("cursor"));
  if (accept_word("with")) {
    STRATA_RETURN_IF_ERROR(expect_word("hold"));
    stmt->hold = true;
  } else if (accept_word("without")) {
    STRATA_RETURN_IF_ERROR(expect_word("hold"));
  }
  STRATA_RETURN_IF_ERROR(expect_word("for"));
  STRATA_ASSIGN_OR_RETURN(stmt->query, parse_query());
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_fetch() {
  auto stmt = std::make_unique<FetchStmt>(loc());
  stmt->move = at_word("move");
  advance();
  // An optionally signed integer count.
  auto signed_count = [&]() -> Result<std::optional<int64_t>> {
    bool negative = false;
    size_t save = pos_;
    if (at(TokenKind::kOperator) && (cur().text == "-" || cur().text == "+")) {
      negative = cur().text == "-";
      advance();
    }
    if (!at(TokenKind::kInteger)) {
      pos_ = save;
      return std::optional<int64_t>();
    }
    int64_t v = 0;
    auto [p, ec] = std::from_chars(cur().text.data(), cur().text.data() + cur().text.size(), v);
    if (ec != std::errc()) return error();
    advance();
    return std::optional<int64_t>(negative ? -v : v);
  };
  if (accept_word("next")) {
    stmt->count = 1;
  } else if (accept_word("prior")) {
    stmt->count = -1;
  } else if (accept_word("first")) {
    stmt->fetch_kind = FetchKind::kFirst;
  } else if (accept_word("last")) {
    stmt->fetch_kind = FetchKind::kLast;
  } else if (at_word("absolute") || at_word("relative")) {
    stmt->fetch_kind = at_word("absolute") ? FetchKind::kAbsolute : FetchKind::kRelative;
    advance();
    STRATA_ASSIGN_OR_RETURN(std::optional<int64_t> n, signed_count());
    if (!n) return error();
    stmt->count = *n;
  } else if (accept_word("all")) {
    stmt->all = true;
  } else if (at_word("forward") || at_word("backward")) {
    int64_t sign = at_word("forward") ? 1 : -1;
    advance();
    if (accept_word("all")) {
      stmt->all = true;
      stmt->count = sign;
    } else {
      STRATA_ASSIGN_OR_RETURN(std::optional<int64_t> n, signed_count());
      stmt->count = sign * n.value_or(1);
    }
  } else {
    STRATA_ASSIGN_OR_RETURN(std::optional<int64_t> n, signed_count());
    if (n) stmt->count = *n;
  }
  if (!accept_word("from")) accept_word("in");
  STRATA_ASSIGN_OR_RETURN(stmt->name, parse_col_id());
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_close_cursor() {
  auto stmt = std::make_unique<CloseCursorStmt>(loc());
  advance();
  if (accept_word("all")) {
    stmt->all = true;
  } else {
    STRATA_ASSIGN_OR_RETURN(stmt->name, parse_col_id());
  }
  return StatementPtr(std::move(stmt));
}

}  // namespace strata::sql
