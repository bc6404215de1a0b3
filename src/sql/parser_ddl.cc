// DDL (CREATE / DROP / ALTER TABLE / COMMENT ON), COPY, and generic option lists.
#include <utility>

#include "sql/parser_internal.h"

namespace strata::sql {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// CREATE/DROP/ALTER objects we recognise but do not support.
bool is_unsupported_object(std::string_view w) {
  static constexpr std::string_view kWords[] = {
      "trigger",    "function",  "procedure",  "sequence",    "type",         "extension", "role",
      "user",       "database",  "domain",     "rule",        "policy",       "aggregate", "cast",
      "operator",   "collation", "conversion", "publication", "subscription", "server",    "tablespace",
      "event",      "foreign",   "language",   "statistics",  "transform",    "access",    "group",
      "constraint", "default",   "text",       "routine",     "owned"};
  for (std::string_view k : kWords) {
    if (w == k) return true;
  }
  return false;
}

}  // namespace

// ---------------------------------------------------------------------------
// CREATE.

Result<StatementPtr> Parser::parse_create() {
  int32_t location = loc();
  STRATA_RETURN_IF_ERROR(expect_word("create"));
  bool or_replace = accept_words("or", "replace");
  bool temporary = false;
  bool unlogged = false;
  if ((at_word("local") || at_word("global")) && (peek_word("temp") || peek_word("temporary"))) advance();
  if (accept_word("temp") || accept_word("temporary")) {
    temporary = true;
  } else if (accept_word("unlogged")) {
    unlogged = true;
  }
  if (at_word("table")) return parse_create_table(location, temporary, unlogged);
  if (at_word("view") || (at_word("recursive") && peek_word("view"))) {
    return parse_create_view(location, or_replace, temporary);
  }
  if (at_word("index")) return parse_create_index(location, false);
  if (at_word("unique") && peek_word("index")) {
    advance();
    return parse_create_index(location, true);
  }
  if (accept_word("schema")) {
    auto stmt = std::make_unique<CreateSchemaStmt>(location);
    if (at_word("if") && peek_word("not") && peek_word("exists", 2)) {
      advance();
      advance();
      advance();
      stmt->if_not_exists = true;
    }
    if (accept_word("authorization")) {
      STRATA_ASSIGN_OR_RETURN(stmt->name, parse_col_id());
    } else {
      STRATA_ASSIGN_OR_RETURN(stmt->name, parse_col_id());
      if (accept_word("authorization")) {
        STRATA_ASSIGN_OR_RETURN(std::string owner, parse_col_id());
      }
    }
    return StatementPtr(std::move(stmt));
  }
  if (at_word("stream")) {
    if (or_replace || temporary || unlogged) return error();
    return parse_create_stream(location);
  }
  if (at_word("sink")) {
    if (or_replace || temporary || unlogged) return error();
    return parse_create_sink(location);
  }
  if (at_word("materialized") && peek_word("view")) {
    if (or_replace || temporary || unlogged) return error();
    advance();
    return parse_create_view(location, false, false, /*materialized=*/true);
  }
  if (at_word("constraint") && peek_word("trigger")) return parse_unsupported(location, "CREATE TRIGGER");
  if (at(TokenKind::kIdent) && is_unsupported_object(cur().text)) {
    return parse_unsupported(location, "CREATE " + upper(cur().text));
  }
  return error();
}

Result<StatementPtr> Parser::parse_create_table(int32_t location, bool temporary, bool unlogged) {
  auto stmt = std::make_unique<CreateTableStmt>(location);
  stmt->temporary = temporary;
  stmt->unlogged = unlogged;
  STRATA_RETURN_IF_ERROR(expect_word("table"));
  if (at_word("if") && peek_word("not") && peek_word("exists", 2)) {
    advance();
    advance();
    advance();
    stmt->if_not_exists = true;
  }
  STRATA_ASSIGN_OR_RETURN(stmt->name, parse_qualified_name());
  bool has_elements = false;
  if (at(TokenKind::kLParen)) {
    // CREATE TABLE t (a, b) AS query: a bare name list followed by AS.
    size_t p = pos_ + 1;
    bool names_only = true;
    while (p + 1 < tokens_.size()) {
      const Token& n = tokens_[p];
      if (n.kind != TokenKind::kIdent && n.kind != TokenKind::kQuotedIdent) {
        names_only = false;
        break;
      }
      if (tokens_[p + 1].kind == TokenKind::kRParen) break;
      if (tokens_[p + 1].kind != TokenKind::kComma) {
        names_only = false;
        break;
      }
      p += 2;
    }
    if (names_only && p + 2 < tokens_.size() && tokens_[p + 2].is_word("as")) {
      STRATA_ASSIGN_OR_RETURN(stmt->as_columns, parse_paren_name_list());
    } else {
      STRATA_RETURN_IF_ERROR(parse_table_elements(*stmt));
      has_elements = true;
    }
  }
  if (at_word("with") && peek().kind == TokenKind::kLParen) {
    advance();
    STRATA_ASSIGN_OR_RETURN(stmt->options, parse_option_list());
  }
  if (!has_elements) {
    STRATA_RETURN_IF_ERROR(expect_word("as"));
    STRATA_ASSIGN_OR_RETURN(stmt->as_query, parse_query());
    if (accept_word("with")) {
      stmt->with_no_data = accept_word("no");
      STRATA_RETURN_IF_ERROR(expect_word("data"));
    }
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_create_stream(int32_t location) {
  auto stmt = std::make_unique<CreateStreamStmt>(location);
  STRATA_RETURN_IF_ERROR(expect_word("stream"));
  if (at_word("if") && peek_word("not") && peek_word("exists", 2)) {
    advance();
    advance();
    advance();
    stmt->if_not_exists = true;
  }
  STRATA_ASSIGN_OR_RETURN(stmt->name, parse_qualified_name());
  // The element list is a table's (columns, constraints, WATERMARK FOR).
  CreateTableStmt elements(location);
  STRATA_RETURN_IF_ERROR(parse_table_elements(elements));
  stmt->columns = std::move(elements.columns);
  stmt->constraints = std::move(elements.constraints);
  stmt->watermark = std::move(elements.watermark);
  if (at_word("with") && peek().kind == TokenKind::kLParen) {
    advance();
    STRATA_ASSIGN_OR_RETURN(stmt->options, parse_option_list());
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_create_sink(int32_t location) {
  auto stmt = std::make_unique<CreateSinkStmt>(location);
  STRATA_RETURN_IF_ERROR(expect_word("sink"));
  if (at_word("if") && peek_word("not") && peek_word("exists", 2)) {
    advance();
    advance();
    advance();
    stmt->if_not_exists = true;
  }
  STRATA_ASSIGN_OR_RETURN(stmt->name, parse_qualified_name());
  STRATA_RETURN_IF_ERROR(expect_word("from"));
  STRATA_ASSIGN_OR_RETURN(stmt->from, parse_qualified_name());
  STRATA_RETURN_IF_ERROR(expect_word("into"));
  STRATA_RETURN_IF_ERROR(expect_word("topic"));
  if (!at(TokenKind::kString)) return error();
  stmt->topic = cur().text;
  stmt->topic_location = loc();
  advance();
  if (at_word("with") && peek().kind == TokenKind::kLParen) {
    advance();
    STRATA_ASSIGN_OR_RETURN(stmt->options, parse_option_list());
  }
  return StatementPtr(std::move(stmt));
}

Status Parser::parse_table_elements(CreateTableStmt& stmt) {
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
  if (accept(TokenKind::kRParen)) return Status::ok_status();
  do {
    if (at_word("constraint") || at_word("primary") || at_word("unique") || at_word("check") || at_word("foreign")) {
      STRATA_ASSIGN_OR_RETURN(Constraint c, parse_table_constraint());
      stmt.constraints.push_back(std::move(c));
    } else if (at_word("watermark") && peek_word("for")) {
      WatermarkDef wm;
      wm.location = loc();
      advance();
      advance();
      STRATA_ASSIGN_OR_RETURN(wm.column, parse_col_id());
      STRATA_RETURN_IF_ERROR(expect_word("as"));
      int32_t begin = loc();
      STRATA_ASSIGN_OR_RETURN(wm.expr, parse_expr());
      wm.expr_text = text_since(begin);
      if (stmt.watermark) return error_message(wm.location, "42601", "multiple WATERMARK clauses");
      stmt.watermark = std::move(wm);
    } else {
      STRATA_ASSIGN_OR_RETURN(ColumnDef def, parse_column_def());
      stmt.columns.push_back(std::move(def));
    }
  } while (accept(TokenKind::kComma));
  return expect(TokenKind::kRParen);
}

Result<ColumnDef> Parser::parse_column_def() {
  ColumnDef def;
  def.location = loc();
  STRATA_ASSIGN_OR_RETURN(def.name, parse_col_id());
  STRATA_ASSIGN_OR_RETURN(def.type, parse_type());
  STRATA_RETURN_IF_ERROR(parse_column_constraints(def));
  return def;
}

Status Parser::parse_references(Constraint& c) {
  STRATA_ASSIGN_OR_RETURN(c.ref_table, parse_qualified_name());
  if (at(TokenKind::kLParen)) {
    STRATA_ASSIGN_OR_RETURN(c.ref_columns, parse_paren_name_list());
  }
  while (true) {
    if (accept_word("match")) {
      if (!accept_word("full") && !accept_word("partial") && !accept_word("simple")) return error();
    } else if (at_word("on") && (peek_word("delete") || peek_word("update"))) {
      advance();
      advance();
      if (accept_words("no", "action") || accept_word("restrict") || accept_word("cascade")) continue;
      STRATA_RETURN_IF_ERROR(expect_word("set"));
      if (!accept_word("null") && !accept_word("default")) return error();
      if (at(TokenKind::kLParen)) {
        STRATA_ASSIGN_OR_RETURN(std::vector<std::string> ignored, parse_paren_name_list());
      }
    } else {
      return Status::ok_status();
    }
  }
}

bool Parser::skip_constraint_attribute() {
  return accept_word("deferrable") || accept_words("not", "deferrable") || accept_words("initially", "deferred") ||
         accept_words("initially", "immediate");
}

Status Parser::parse_column_constraints(ColumnDef& def) {
  while (true) {
    Constraint c;
    c.location = loc();
    bool named = false;
    if (accept_word("constraint")) {
      STRATA_ASSIGN_OR_RETURN(c.name, parse_col_id());
      named = true;
    }
    if (accept_words("not", "null")) {
      c.constraint_kind = ConstraintKind::kNotNull;
    } else if (accept_word("null")) {
      c.constraint_kind = ConstraintKind::kNull;
    } else if (accept_word("default")) {
      c.constraint_kind = ConstraintKind::kDefault;
      int32_t begin = loc();
      STRATA_ASSIGN_OR_RETURN(c.expr, parse_expr(kPrecComparison));
      c.expr_text = text_since(begin);
    } else if (accept_word("check")) {
      c.constraint_kind = ConstraintKind::kCheck;
      STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
      int32_t begin = loc();
      STRATA_ASSIGN_OR_RETURN(c.expr, parse_expr());
      c.expr_text = text_since(begin);
      STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
    } else if (accept_words("primary", "key")) {
      c.constraint_kind = ConstraintKind::kPrimaryKey;
      if (!accept_word("asc")) accept_word("desc");  // SQLite
      accept_word("autoincrement");                  // SQLite
    } else if (accept_word("unique")) {
      c.constraint_kind = ConstraintKind::kUnique;
    } else if (accept_word("references")) {
      c.constraint_kind = ConstraintKind::kForeignKey;
      STRATA_RETURN_IF_ERROR(parse_references(c));
    } else if (accept_word("generated")) {
      c.constraint_kind = ConstraintKind::kGenerated;
      if (!accept_word("always")) {
        STRATA_RETURN_IF_ERROR(expect_word("by"));
        STRATA_RETURN_IF_ERROR(expect_word("default"));
      }
      STRATA_RETURN_IF_ERROR(expect_word("as"));
      if (accept_word("identity")) {
        c.identity = true;
        if (at(TokenKind::kLParen)) {
          // Sequence options: skipped, parentheses balanced.
          int64_t depth = 0;
          do {
            if (at(TokenKind::kLParen)) ++depth;
            if (at(TokenKind::kRParen)) --depth;
            if (at(TokenKind::kEnd)) return error();
            advance();
          } while (depth > 0);
        }
      } else {
        STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
        int32_t begin = loc();
        STRATA_ASSIGN_OR_RETURN(c.expr, parse_expr());
        c.expr_text = text_since(begin);
        STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
        STRATA_RETURN_IF_ERROR(expect_word("stored"));
      }
    } else if (!named && accept_word("collate")) {
      STRATA_ASSIGN_OR_RETURN(def.collation, parse_qualified_name());
      continue;
    } else if (!named && skip_constraint_attribute()) {
      continue;
    } else {
      if (named) return error();
      return Status::ok_status();
    }
    def.constraints.push_back(std::move(c));
  }
}

Result<Constraint> Parser::parse_table_constraint() {
  Constraint c;
  c.location = loc();
  if (accept_word("constraint")) {
    STRATA_ASSIGN_OR_RETURN(c.name, parse_col_id());
  }
  if (accept_words("primary", "key")) {
    c.constraint_kind = ConstraintKind::kPrimaryKey;
    STRATA_ASSIGN_OR_RETURN(c.columns, parse_paren_name_list());
  } else if (accept_word("unique")) {
    c.constraint_kind = ConstraintKind::kUnique;
    STRATA_ASSIGN_OR_RETURN(c.columns, parse_paren_name_list());
  } else if (accept_word("check")) {
    c.constraint_kind = ConstraintKind::kCheck;
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
    int32_t begin = loc();
    STRATA_ASSIGN_OR_RETURN(c.expr, parse_expr());
    c.expr_text = text_since(begin);
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
  } else if (accept_words("foreign", "key")) {
    c.constraint_kind = ConstraintKind::kForeignKey;
    STRATA_ASSIGN_OR_RETURN(c.columns, parse_paren_name_list());
    STRATA_RETURN_IF_ERROR(expect_word("references"));
    STRATA_RETURN_IF_ERROR(parse_references(c));
  } else {
    return error();
  }
  while (skip_constraint_attribute()) {
  }
  return c;
}

Result<StatementPtr> Parser::parse_create_view(int32_t location, bool or_replace, bool temporary, bool materialized) {
  auto stmt = std::make_unique<CreateViewStmt>(location);
  stmt->or_replace = or_replace;
  stmt->temporary = temporary;
  stmt->materialized = materialized;
  if (!materialized) accept_word("recursive");
  STRATA_RETURN_IF_ERROR(expect_word("view"));
  if (at_word("if") && peek_word("not") && peek_word("exists", 2)) {
    advance();
    advance();
    advance();
    stmt->if_not_exists = true;
  }
  STRATA_ASSIGN_OR_RETURN(stmt->name, parse_qualified_name());
  if (at(TokenKind::kLParen)) {
    STRATA_ASSIGN_OR_RETURN(stmt->columns, parse_paren_name_list());
  }
  if (at_word("with") && peek().kind == TokenKind::kLParen) {
    advance();
    STRATA_ASSIGN_OR_RETURN(std::vector<Option> ignored, parse_option_list());
  }
  STRATA_RETURN_IF_ERROR(expect_word("as"));
  int32_t begin = loc();
  STRATA_ASSIGN_OR_RETURN(stmt->query, parse_query());
  stmt->query_text = text_since(begin);
  if (accept_word("with")) {
    if (!accept_word("cascaded")) accept_word("local");
    STRATA_RETURN_IF_ERROR(expect_word("check"));
    STRATA_RETURN_IF_ERROR(expect_word("option"));
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_create_index(int32_t location, bool unique) {
  auto stmt = std::make_unique<CreateIndexStmt>(location);
  stmt->unique = unique;
  STRATA_RETURN_IF_ERROR(expect_word("index"));
  stmt->concurrently = accept_word("concurrently");
  if (at_word("if") && peek_word("not") && peek_word("exists", 2)) {
    advance();
    advance();
    advance();
    stmt->if_not_exists = true;
  }
  if (!at_word("on")) {
    STRATA_ASSIGN_OR_RETURN(stmt->name, parse_col_id());
  }
  STRATA_RETURN_IF_ERROR(expect_word("on"));
  accept_word("only");
  STRATA_ASSIGN_OR_RETURN(stmt->table, parse_qualified_name());
  if (accept_word("using")) {
    STRATA_ASSIGN_OR_RETURN(stmt->method, parse_col_id());
  }
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
  do {
    IndexItem item;
    item.location = loc();
    if (at(TokenKind::kLParen)) {
      advance();
      STRATA_ASSIGN_OR_RETURN(item.expr, parse_expr());
      STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
    } else if ((at_col_id() || at_type_func_name()) && peek().kind == TokenKind::kLParen) {
      STRATA_ASSIGN_OR_RETURN(item.expr, parse_primary());
    } else {
      STRATA_ASSIGN_OR_RETURN(item.column, parse_col_id());
    }
    if (accept_word("collate")) {
      STRATA_ASSIGN_OR_RETURN(QualifiedName ignored, parse_qualified_name());
    }
    // An operator class name (text_pattern_ops).
    if (at_col_id() && !at_word("nulls")) {
      STRATA_ASSIGN_OR_RETURN(QualifiedName ignored, parse_qualified_name());
    }
    if (accept_word("asc")) {
      item.direction = SortDirection::kAsc;
    } else if (accept_word("desc")) {
      item.direction = SortDirection::kDesc;
    }
    if (accept_word("nulls")) {
      if (accept_word("first")) {
        item.nulls = NullsOrder::kFirst;
      } else {
        STRATA_RETURN_IF_ERROR(expect_word("last"));
        item.nulls = NullsOrder::kLast;
      }
    }
    stmt->items.push_back(std::move(item));
  } while (accept(TokenKind::kComma));
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
  if (accept_word("include")) {
    STRATA_ASSIGN_OR_RETURN(stmt->include_columns, parse_paren_name_list());
  }
  if (at_word("with") && peek().kind == TokenKind::kLParen) {
    advance();
    STRATA_ASSIGN_OR_RETURN(std::vector<Option> ignored, parse_option_list());
  }
  if (accept_word("where")) {
    STRATA_ASSIGN_OR_RETURN(stmt->where, parse_expr());
  }
  return StatementPtr(std::move(stmt));
}

// ---------------------------------------------------------------------------
// DROP, ALTER TABLE, COMMENT ON.

Result<StatementPtr> Parser::parse_drop() {
  int32_t location = loc();
  STRATA_RETURN_IF_ERROR(expect_word("drop"));
  auto stmt = std::make_unique<DropStmt>(location);
  if (accept_word("table")) {
    stmt->object_type = ObjectType::kTable;
  } else if (accept_word("view")) {
    stmt->object_type = ObjectType::kView;
  } else if (accept_word("index")) {
    stmt->object_type = ObjectType::kIndex;
    accept_word("concurrently");
  } else if (accept_word("schema")) {
    stmt->object_type = ObjectType::kSchema;
  } else if (accept_words("materialized", "view")) {
    stmt->object_type = ObjectType::kMaterializedView;
  } else if (accept_word("stream")) {
    stmt->object_type = ObjectType::kStream;
  } else if (accept_word("sink")) {
    stmt->object_type = ObjectType::kSink;
  } else if (accept_word("sequence")) {
    stmt->object_type = ObjectType::kSequence;
  } else if (at(TokenKind::kIdent) && is_unsupported_object(cur().text)) {
    return parse_unsupported(location, "DROP " + upper(cur().text));
  } else {
    return error();
  }
  if (accept_words("if", "exists")) stmt->if_exists = true;
  do {
    STRATA_ASSIGN_OR_RETURN(QualifiedName n, parse_qualified_name());
    stmt->names.push_back(std::move(n));
  } while (accept(TokenKind::kComma));
  if (accept_word("cascade")) {
    stmt->cascade = true;
  } else {
    accept_word("restrict");
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_alter() {
  int32_t location = loc();
  STRATA_RETURN_IF_ERROR(expect_word("alter"));
  if (!accept_word("table")) {
    if (at(TokenKind::kIdent) && (is_unsupported_object(cur().text) || at_word("view") || at_word("index") ||
                                  at_word("schema") || at_word("materialized") || at_word("system"))) {
      return parse_unsupported(location, "ALTER " + upper(cur().text));
    }
    return error();
  }
  auto stmt = std::make_unique<AlterTableStmt>(location);
  if (accept_words("if", "exists")) stmt->if_exists = true;
  accept_word("only");
  STRATA_ASSIGN_OR_RETURN(stmt->table, parse_qualified_name());
  do {
    AlterTableCmd cmd;
    cmd.location = loc();
    if (accept_word("add")) {
      if (at_word("constraint") || at_word("primary") || at_word("unique") || at_word("check") || at_word("foreign")) {
        cmd.action = AlterTableAction::kAddConstraint;
        STRATA_ASSIGN_OR_RETURN(Constraint c, parse_table_constraint());
        cmd.constraint = std::make_unique<Constraint>(std::move(c));
      } else {
        cmd.action = AlterTableAction::kAddColumn;
        accept_word("column");
        if (at_word("if") && peek_word("not") && peek_word("exists", 2)) {
          advance();
          advance();
          advance();
          cmd.if_not_exists = true;
        }
        STRATA_ASSIGN_OR_RETURN(ColumnDef def, parse_column_def());
        cmd.column = def.name;
        cmd.column_def = std::make_unique<ColumnDef>(std::move(def));
      }
    } else if (accept_word("drop")) {
      if (accept_word("constraint")) {
        cmd.action = AlterTableAction::kDropConstraint;
      } else {
        cmd.action = AlterTableAction::kDropColumn;
        accept_word("column");
      }
      if (accept_words("if", "exists")) cmd.if_exists = true;
      STRATA_ASSIGN_OR_RETURN(cmd.column, parse_col_id());
      if (accept_word("cascade")) {
        cmd.cascade = true;
      } else {
        accept_word("restrict");
      }
    } else if (accept_word("rename")) {
      if (accept_word("to")) {
        cmd.action = AlterTableAction::kRenameTable;
      } else {
        cmd.action = AlterTableAction::kRenameColumn;
        accept_word("column");
        STRATA_ASSIGN_OR_RETURN(cmd.column, parse_col_id());
        STRATA_RETURN_IF_ERROR(expect_word("to"));
      }
      STRATA_ASSIGN_OR_RETURN(cmd.new_name, parse_col_id());
    } else if (accept_word("alter")) {
      accept_word("column");
      STRATA_ASSIGN_OR_RETURN(cmd.column, parse_col_id());
      if (accept_words("set", "default")) {
        cmd.action = AlterTableAction::kSetDefault;
        int32_t begin = loc();
        STRATA_ASSIGN_OR_RETURN(cmd.expr, parse_expr(kPrecComparison));
        cmd.expr_text = text_since(begin);
      } else if (accept_words("drop", "default")) {
        cmd.action = AlterTableAction::kDropDefault;
      } else if (at_word("set") && peek_word("not") && peek_word("null", 2)) {
        advance();
        advance();
        advance();
        cmd.action = AlterTableAction::kSetNotNull;
      } else if (at_word("drop") && peek_word("not") && peek_word("null", 2)) {
        advance();
        advance();
        advance();
        cmd.action = AlterTableAction::kDropNotNull;
      } else {
        if (accept_word("set")) STRATA_RETURN_IF_ERROR(expect_word("data"));
        STRATA_RETURN_IF_ERROR(expect_word("type"));
        cmd.action = AlterTableAction::kAlterColumnType;
        STRATA_ASSIGN_OR_RETURN(cmd.type, parse_type());
        if (accept_word("collate")) {
          STRATA_ASSIGN_OR_RETURN(QualifiedName ignored, parse_qualified_name());
        }
        if (accept_word("using")) {
          int32_t begin = loc();
          STRATA_ASSIGN_OR_RETURN(cmd.expr, parse_expr());
          cmd.expr_text = text_since(begin);
        }
      }
    } else {
      return error();
    }
    stmt->cmds.push_back(std::move(cmd));
  } while (accept(TokenKind::kComma));
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::parse_comment() {
  auto stmt = std::make_unique<CommentStmt>(loc());
  STRATA_RETURN_IF_ERROR(expect_word("comment"));
  STRATA_RETURN_IF_ERROR(expect_word("on"));
  if (accept_word("table")) {
    stmt->object_type = ObjectType::kTable;
  } else if (accept_word("column")) {
    stmt->object_type = ObjectType::kColumn;
  } else if (accept_word("view")) {
    stmt->object_type = ObjectType::kView;
  } else if (accept_word("index")) {
    stmt->object_type = ObjectType::kIndex;
  } else if (accept_word("schema")) {
    stmt->object_type = ObjectType::kSchema;
  } else if (accept_words("materialized", "view")) {
    stmt->object_type = ObjectType::kMaterializedView;
  } else if (accept_word("stream")) {
    stmt->object_type = ObjectType::kStream;
  } else if (accept_word("sink")) {
    stmt->object_type = ObjectType::kSink;
  } else {
    return error();
  }
  STRATA_ASSIGN_OR_RETURN(stmt->name, parse_qualified_name());
  if (stmt->object_type == ObjectType::kColumn && stmt->name.parts.size() < 2) return error();
  STRATA_RETURN_IF_ERROR(expect_word("is"));
  if (accept_word("null")) {
    stmt->comment.reset();
  } else if (at(TokenKind::kString)) {
    stmt->comment = cur().text;
    advance();
  } else {
    return error();
  }
  return StatementPtr(std::move(stmt));
}

// ---------------------------------------------------------------------------
// COPY and options.

Result<OptionValue> Parser::parse_option_value() {
  if (at_op("*")) {
    OptionValue v;
    v.kind = OptionValue::Kind::kStar;
    v.text = "*";
    v.location = loc();
    advance();
    return v;
  }
  return parse_var_value();
}

Result<std::vector<Option>> Parser::parse_option_list() {
  std::vector<Option> options;
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
  do {
    Option o;
    o.location = loc();
    if (at(TokenKind::kString)) {
      o.name = cur().text;
      advance();
    } else {
      STRATA_ASSIGN_OR_RETURN(o.name, parse_var_name());
    }
    accept_op("=");
    if (at(TokenKind::kLParen)) {
      advance();
      do {
        STRATA_ASSIGN_OR_RETURN(OptionValue v, parse_option_value());
        o.values.push_back(std::move(v));
      } while (accept(TokenKind::kComma));
      STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
    } else if (!at(TokenKind::kComma) && !at(TokenKind::kRParen)) {
      STRATA_ASSIGN_OR_RETURN(OptionValue v, parse_option_value());
      o.values.push_back(std::move(v));
    }
    options.push_back(std::move(o));
  } while (accept(TokenKind::kComma));
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
  return options;
}

Status Parser::parse_copy_legacy_options(CopyStmt& stmt) {
  auto ident_option = [&](std::string name, std::string value, int32_t location) {
    Option o{std::move(name), {}, location};
    o.values.push_back(OptionValue{OptionValue::Kind::kIdent, std::move(value), location});
    stmt.options.push_back(std::move(o));
  };
  auto string_option = [&](std::string name) -> Status {
    int32_t location = prev().begin;
    accept_word("as");
    if (!at(TokenKind::kString)) return error();
    Option o{std::move(name), {}, location};
    o.values.push_back(OptionValue{OptionValue::Kind::kString, cur().text, loc()});
    advance();
    stmt.options.push_back(std::move(o));
    return Status::ok_status();
  };
  auto columns_option = [&](std::string name) -> Status {
    Option o{std::move(name), {}, prev().begin};
    if (accept_op("*")) {
      o.values.push_back(OptionValue{OptionValue::Kind::kStar, "*", prev().begin});
    } else {
      do {
        int32_t location = loc();
        STRATA_ASSIGN_OR_RETURN(std::string c, parse_col_id());
        o.values.push_back(OptionValue{OptionValue::Kind::kIdent, std::move(c), location});
      } while (accept(TokenKind::kComma));
    }
    stmt.options.push_back(std::move(o));
    return Status::ok_status();
  };
  while (true) {
    int32_t location = loc();
    if (accept_word("binary")) {
      ident_option("format", "binary", location);
    } else if (accept_word("csv")) {
      ident_option("format", "csv", location);
    } else if (accept_word("header")) {
      stmt.options.push_back(Option{"header", {}, location});
    } else if (accept_word("freeze")) {
      stmt.options.push_back(Option{"freeze", {}, location});
    } else if (accept_word("delimiter")) {
      STRATA_RETURN_IF_ERROR(string_option("delimiter"));
    } else if (accept_word("null")) {
      STRATA_RETURN_IF_ERROR(string_option("null"));
    } else if (accept_word("quote")) {
      STRATA_RETURN_IF_ERROR(string_option("quote"));
    } else if (accept_word("escape")) {
      STRATA_RETURN_IF_ERROR(string_option("escape"));
    } else if (accept_word("encoding")) {
      STRATA_RETURN_IF_ERROR(string_option("encoding"));
    } else if (accept_word("force")) {
      if (accept_word("quote")) {
        STRATA_RETURN_IF_ERROR(columns_option("force_quote"));
      } else if (accept_words("not", "null")) {
        STRATA_RETURN_IF_ERROR(columns_option("force_not_null"));
      } else if (accept_word("null")) {
        STRATA_RETURN_IF_ERROR(columns_option("force_null"));
      } else {
        return error();
      }
    } else {
      return Status::ok_status();
    }
  }
}

Result<StatementPtr> Parser::parse_copy() {
  auto stmt = std::make_unique<CopyStmt>(loc());
  STRATA_RETURN_IF_ERROR(expect_word("copy"));
  if (at_word("binary")) {
    int32_t location = loc();
    advance();
    Option o{"format", {}, location};
    o.values.push_back(OptionValue{OptionValue::Kind::kIdent, "binary", location});
    stmt->options.push_back(std::move(o));
  }
  if (at(TokenKind::kLParen)) {
    STRATA_ASSIGN_OR_RETURN(stmt->query, parse_paren_query());
  } else {
    STRATA_ASSIGN_OR_RETURN(stmt->table, parse_qualified_name());
    if (at(TokenKind::kLParen)) {
      STRATA_ASSIGN_OR_RETURN(stmt->columns, parse_paren_name_list());
    }
  }
  if (accept_word("from")) {
    stmt->is_from = true;
  } else {
    STRATA_RETURN_IF_ERROR(expect_word("to"));
  }
  if (stmt->query && stmt->is_from) return error_at(prev());
  if (accept_word("stdin")) {
    stmt->target = CopyTarget::kStdin;
  } else if (accept_word("stdout")) {
    stmt->target = CopyTarget::kStdout;
  } else {
    stmt->target = accept_word("program") ? CopyTarget::kProgram : CopyTarget::kFile;
    if (!at(TokenKind::kString)) return error();
    stmt->filename = cur().text;
    advance();
  }
  accept_word("with");
  if (at(TokenKind::kLParen)) {
    STRATA_ASSIGN_OR_RETURN(std::vector<Option> options, parse_option_list());
    for (Option& o : options) stmt->options.push_back(std::move(o));
  } else {
    STRATA_RETURN_IF_ERROR(parse_copy_legacy_options(*stmt));
  }
  if (stmt->is_from && accept_word("where")) {
    STRATA_ASSIGN_OR_RETURN(stmt->where, parse_expr());
  }
  return StatementPtr(std::move(stmt));
}

}  // namespace strata::sql
