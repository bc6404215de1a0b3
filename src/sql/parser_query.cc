// Queries: WITH, set operations, SELECT cores, VALUES, FROM items and joins,
// GROUP BY, ORDER BY / LIMIT / OFFSET / FETCH tails.
#include <utility>

#include "sql/parser_internal.h"

namespace strata::sql {
namespace {

bool query_has_modifiers(const Query& q) {
  return q.with != nullptr || !q.order_by.empty() || q.limit != nullptr || q.offset != nullptr || q.for_update ||
         q.fetch_with_ties || q.emit != EmitMode::kDefault;
}

}  // namespace

bool Parser::at_parenthesised_query() const {
  size_t p = pos_;
  if (tokens_[p].kind != TokenKind::kLParen) return false;
  while (p < tokens_.size() && tokens_[p].kind == TokenKind::kLParen) ++p;
  if (p >= tokens_.size()) return false;
  const Token& t = tokens_[p];
  return t.is_word("select") || t.is_word("values") || t.is_word("with") || t.is_word("table");
}

Result<QueryPtr> Parser::parse_paren_query() {
  STRATA_SQL_ENTER();
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
  STRATA_ASSIGN_OR_RETURN(QueryPtr q, parse_query());
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
  return q;
}

Result<QueryPtr> Parser::parse_query() {
  STRATA_SQL_ENTER();
  auto q = std::make_unique<Query>(loc());
  if (at_word("with")) {
    STRATA_ASSIGN_OR_RETURN(q->with, parse_with());
  }
  STRATA_ASSIGN_OR_RETURN(q->body, parse_set_expr(0));
  STRATA_RETURN_IF_ERROR(parse_query_tail(*q));
  // ((SELECT ... ORDER BY x)) with nothing outside: the inner query is the query.
  if (!query_has_modifiers(*q) && q->body->is<Query>()) {
    return QueryPtr(static_cast<Query*>(q->body.release()));
  }
  return q;
}

Result<std::unique_ptr<WithClause>> Parser::parse_with() {
  auto with = std::make_unique<WithClause>();
  with->location = loc();
  STRATA_RETURN_IF_ERROR(expect_word("with"));
  with->recursive = accept_word("recursive");
  do {
    CommonTableExpr cte;
    cte.location = loc();
    STRATA_ASSIGN_OR_RETURN(cte.name, parse_col_id());
    if (at(TokenKind::kLParen)) {
      STRATA_ASSIGN_OR_RETURN(cte.columns, parse_paren_name_list());
    }
    STRATA_RETURN_IF_ERROR(expect_word("as"));
    if (accept_words("not", "materialized")) {
      cte.materialized = false;
    } else if (accept_word("materialized")) {
      cte.materialized = true;
    }
    if (!at(TokenKind::kLParen)) return error();
    STRATA_ASSIGN_OR_RETURN(cte.query, parse_paren_query());
    with->ctes.push_back(std::move(cte));
  } while (accept(TokenKind::kComma));
  return with;
}

Result<QueryBodyPtr> Parser::parse_set_expr(int min_prec) {
  STRATA_SQL_ENTER();
  STRATA_ASSIGN_OR_RETURN(QueryBodyPtr left, parse_set_primary());
  ChainGuard chain(&depth_);
  while (true) {
    int prec = (at_word("union") || at_word("except")) ? 1 : at_word("intersect") ? 2 : 0;
    if (prec == 0 || prec < min_prec) break;
    STRATA_RETURN_IF_ERROR(chain_link(chain));
    SetOpKind kind = at_word("union")    ? SetOpKind::kUnion
                     : at_word("except") ? SetOpKind::kExcept
                                         : SetOpKind::kIntersect;
    auto node = std::make_unique<SetOperation>(loc(), kind);
    advance();
    if (accept_word("all")) {
      node->all = true;
    } else {
      accept_word("distinct");
    }
    STRATA_ASSIGN_OR_RETURN(node->right, parse_set_expr(prec + 1));
    node->left = std::move(left);
    left = std::move(node);
  }
  return left;
}

Result<QueryBodyPtr> Parser::parse_set_primary() {
  if (at(TokenKind::kLParen)) {
    STRATA_ASSIGN_OR_RETURN(QueryPtr inner, parse_paren_query());
    if (!query_has_modifiers(*inner)) return std::move(inner->body);
    return QueryBodyPtr(std::move(inner));
  }
  if (at_word("select")) return parse_select_core();
  if (at_word("values")) return parse_values();
  if (at_word("table")) {
    auto core = std::make_unique<SelectCore>(loc());
    advance();
    core->targets.push_back(SelectItem{std::make_unique<Star>(core->location), "", core->location});
    auto table = std::make_unique<TableName>(loc());
    STRATA_ASSIGN_OR_RETURN(table->name, parse_qualified_name());
    core->from.push_back(std::move(table));
    return QueryBodyPtr(std::move(core));
  }
  return error();
}

Result<QueryBodyPtr> Parser::parse_values() {
  auto values = std::make_unique<ValuesList>(loc());
  STRATA_RETURN_IF_ERROR(expect_word("values"));
  do {
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
    STRATA_ASSIGN_OR_RETURN(std::vector<ExprPtr> row, parse_expr_list());
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
    values->rows.push_back(std::move(row));
  } while (accept(TokenKind::kComma));
  return QueryBodyPtr(std::move(values));
}

Status Parser::parse_query_tail(Query& q) {
  if (accept_words("order", "by")) {
    STRATA_ASSIGN_OR_RETURN(q.order_by, parse_order_by_list());
  }
  bool seen_limit = false;
  bool seen_offset = false;
  while (true) {
    if (!seen_limit && accept_word("limit")) {
      seen_limit = true;
      if (!accept_word("all")) {
        STRATA_ASSIGN_OR_RETURN(q.limit, parse_expr());
      }
    } else if (!seen_offset && accept_word("offset")) {
      seen_offset = true;
      STRATA_ASSIGN_OR_RETURN(q.offset, parse_expr());
      if (!accept_word("row")) accept_word("rows");
    } else if (!seen_limit && at_word("fetch")) {
      seen_limit = true;
      advance();
      if (!accept_word("first") && !accept_word("next")) return error();
      if (!at_word("row") && !at_word("rows")) {
        STRATA_ASSIGN_OR_RETURN(q.limit, parse_expr(kPrecUnary));
      } else {
        auto one = std::make_unique<Constant>(loc(), ConstantKind::kInteger);
        one->text = "1";
        one->int_value = 1;
        q.limit = std::move(one);
      }
      if (!accept_word("row") && !accept_word("rows")) return error();
      if (accept_words("with", "ties")) {
        q.fetch_with_ties = true;
      } else {
        STRATA_RETURN_IF_ERROR(expect_word("only"));
      }
    } else if (at_word("for") && (peek_word("update") || peek_word("share") || peek_word("no") || peek_word("key"))) {
      advance();
      if (accept_word("no")) {
        STRATA_RETURN_IF_ERROR(expect_word("key"));
        STRATA_RETURN_IF_ERROR(expect_word("update"));
      } else if (accept_word("key")) {
        STRATA_RETURN_IF_ERROR(expect_word("share"));
      } else if (!accept_word("update")) {
        STRATA_RETURN_IF_ERROR(expect_word("share"));
      }
      q.for_update = true;
      if (accept_word("of")) {
        do {
          STRATA_ASSIGN_OR_RETURN(QualifiedName ignored, parse_qualified_name());
        } while (accept(TokenKind::kComma));
      }
      if (!accept_word("nowait")) accept_words("skip", "locked");
    } else if (at_word("emit") && peek_word("on")) {
      advance();
      advance();
      STRATA_RETURN_IF_ERROR(expect_word("window"));
      STRATA_RETURN_IF_ERROR(expect_word("close"));
      q.emit = EmitMode::kOnWindowClose;
    } else {
      return Status::ok_status();
    }
  }
}

bool Parser::at_target_list_end() const {
  if (at(TokenKind::kEnd) || at(TokenKind::kSemicolon) || at(TokenKind::kRParen)) return true;
  static constexpr std::string_view kClauseWords[] = {"from",  "where",     "group",  "having", "window",
                                                      "order", "limit",     "offset", "fetch",  "for",
                                                      "union", "intersect", "except", "into",   "on"};
  for (std::string_view w : kClauseWords) {
    if (at_word(w)) return true;
  }
  return false;
}

Result<std::vector<SelectItem>> Parser::parse_target_list() {
  std::vector<SelectItem> items;
  do {
    SelectItem item;
    item.location = loc();
    if (at_op("*")) {
      item.expr = std::make_unique<Star>(loc());
      advance();
    } else {
      STRATA_ASSIGN_OR_RETURN(item.expr, parse_expr());
      if (accept_word("as")) {
        STRATA_ASSIGN_OR_RETURN(item.alias, parse_col_label());
      } else if (at(TokenKind::kQuotedIdent) ||
                 (at(TokenKind::kIdent) &&
                  (cur().keyword == KeywordCategory::kNone || cur().keyword == KeywordCategory::kColName))) {
        item.alias = cur().text;
        advance();
      }
    }
    items.push_back(std::move(item));
  } while (accept(TokenKind::kComma));
  return items;
}

Result<QueryBodyPtr> Parser::parse_select_core() {
  STRATA_SQL_ENTER();
  auto core = std::make_unique<SelectCore>(loc());
  STRATA_RETURN_IF_ERROR(expect_word("select"));
  if (accept_word("distinct")) {
    core->distinct = true;
    if (accept_word("on")) {
      STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
      STRATA_ASSIGN_OR_RETURN(core->distinct_on, parse_expr_list());
      STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
    }
  } else {
    accept_word("all");
  }
  if (!at_target_list_end()) {
    STRATA_ASSIGN_OR_RETURN(core->targets, parse_target_list());
  }
  if (at_word("into")) return error();  // SELECT INTO is not supported
  if (accept_word("from")) {
    STRATA_ASSIGN_OR_RETURN(core->from, parse_from_list());
  }
  if (accept_word("where")) {
    STRATA_ASSIGN_OR_RETURN(core->where, parse_expr());
  }
  if (accept_words("group", "by")) {
    STRATA_ASSIGN_OR_RETURN(core->group_by, parse_group_by(core->group_by_distinct));
  }
  if (accept_word("having")) {
    STRATA_ASSIGN_OR_RETURN(core->having, parse_expr());
  }
  if (accept_word("window")) {
    do {
      WindowDef def;
      def.location = loc();
      STRATA_ASSIGN_OR_RETURN(def.name, parse_col_id());
      STRATA_RETURN_IF_ERROR(expect_word("as"));
      STRATA_ASSIGN_OR_RETURN(def.spec, parse_window_spec());
      core->windows.push_back(std::move(def));
    } while (accept(TokenKind::kComma));
  }
  return QueryBodyPtr(std::move(core));
}

Result<std::vector<ExprPtr>> Parser::parse_group_by(bool& distinct) {
  if (accept_word("distinct")) {
    distinct = true;
  } else {
    accept_word("all");
  }
  std::vector<ExprPtr> items;
  do {
    STRATA_ASSIGN_OR_RETURN(ExprPtr e, parse_grouping_element());
    items.push_back(std::move(e));
  } while (accept(TokenKind::kComma));
  return items;
}

Result<ExprPtr> Parser::parse_grouping_element() {
  STRATA_SQL_ENTER();
  int32_t location = loc();
  if (at(TokenKind::kLParen) && peek().kind == TokenKind::kRParen) {
    advance();
    advance();
    return ExprPtr(std::make_unique<GroupingSet>(location, GroupingSetKind::kEmpty));
  }
  if ((at_word("rollup") || at_word("cube")) && peek().kind == TokenKind::kLParen) {
    auto set =
        std::make_unique<GroupingSet>(location, at_word("rollup") ? GroupingSetKind::kRollup : GroupingSetKind::kCube);
    advance();
    advance();
    STRATA_ASSIGN_OR_RETURN(set->items, parse_expr_list());
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
    return ExprPtr(std::move(set));
  }
  if (at_word("grouping") && peek_word("sets")) {
    auto set = std::make_unique<GroupingSet>(location, GroupingSetKind::kSets);
    advance();
    advance();
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
    do {
      STRATA_ASSIGN_OR_RETURN(ExprPtr e, parse_grouping_element());
      set->items.push_back(std::move(e));
    } while (accept(TokenKind::kComma));
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
    return ExprPtr(std::move(set));
  }
  return parse_expr();
}

Result<std::vector<TableRefPtr>> Parser::parse_from_list() {
  std::vector<TableRefPtr> from;
  do {
    STRATA_ASSIGN_OR_RETURN(TableRefPtr t, parse_table_ref());
    from.push_back(std::move(t));
  } while (accept(TokenKind::kComma));
  return from;
}

Result<TableRefPtr> Parser::parse_table_ref() {
  STRATA_SQL_ENTER();
  STRATA_ASSIGN_OR_RETURN(TableRefPtr left, parse_table_primary());
  ChainGuard chain(&depth_);
  while (true) {
    int32_t location = loc();
    auto join = std::make_unique<JoinRef>(location);
    if (at_word("cross") && peek_word("join")) {
      advance();
      advance();
      join->join_type = JoinType::kCross;
    } else {
      size_t save = pos_;
      join->natural = accept_word("natural");
      if (accept_word("inner")) {
        join->join_type = JoinType::kInner;
      } else if (at_word("left") || at_word("right") || at_word("full")) {
        join->join_type = at_word("left") ? JoinType::kLeft : at_word("right") ? JoinType::kRight : JoinType::kFull;
        advance();
        accept_word("outer");
      } else if (!at_word("join")) {
        if (join->natural) return error();
        STRATA_RETURN_IF_ERROR(rewind(save));
        break;
      }
      STRATA_RETURN_IF_ERROR(expect_word("join"));
    }
    STRATA_RETURN_IF_ERROR(chain_link(chain));
    STRATA_ASSIGN_OR_RETURN(join->right, parse_table_primary());
    if (join->join_type != JoinType::kCross && !join->natural) {
      if (accept_word("on")) {
        STRATA_ASSIGN_OR_RETURN(join->on, parse_expr());
      } else if (accept_word("using")) {
        STRATA_ASSIGN_OR_RETURN(join->using_columns, parse_paren_name_list());
      } else {
        return error();
      }
    }
    join->left = std::move(left);
    left = std::move(join);
  }
  return left;
}

Result<TableRefPtr> Parser::parse_table_primary() {
  STRATA_SQL_ENTER();
  int32_t location = loc();
  bool lateral = accept_word("lateral");
  if (at(TokenKind::kLParen)) {
    if (at_parenthesised_query()) {
      size_t save = pos_;
      auto attempt = parse_paren_query();
      if (attempt.ok()) {
        auto ref = std::make_unique<SubqueryRef>(location);
        ref->lateral = lateral;
        ref->query = std::move(attempt).value();
        STRATA_ASSIGN_OR_RETURN(ref->alias, parse_opt_alias());
        return TableRefPtr(std::move(ref));
      }
      STRATA_RETURN_IF_ERROR(rewind(save));
      if (peek().kind != TokenKind::kLParen) return attempt.status();
    }
    if (lateral) return error();
    advance();
    STRATA_ASSIGN_OR_RETURN(TableRefPtr inner, parse_table_ref());
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
    STRATA_ASSIGN_OR_RETURN(Alias alias, parse_opt_alias());
    if (!alias.empty()) {
      if (auto* j = inner->as_if<JoinRef>()) {
        j->alias = std::move(alias);
      } else if (auto* t = inner->as_if<TableName>()) {
        t->alias = std::move(alias);
      } else if (auto* s = inner->as_if<SubqueryRef>()) {
        s->alias = std::move(alias);
      } else if (auto* f = inner->as_if<FunctionRef>()) {
        f->alias = std::move(alias);
      }
    }
    return inner;
  }
  bool only = accept_word("only");
  if (!at_col_id() && !at_type_func_name()) return error();
  const Token& first = cur();
  QualifiedName name;
  name.location = first.begin;
  name.parts.push_back(first.text);
  advance();
  while (at(TokenKind::kDot) && (peek().kind == TokenKind::kIdent || peek().kind == TokenKind::kQuotedIdent)) {
    advance();
    name.parts.push_back(cur().text);
    advance();
  }
  if (at(TokenKind::kLParen) && !only) {
    STRATA_ASSIGN_OR_RETURN(ExprPtr e, parse_func_call(std::move(name)));
    if (!e->is<FuncCall>()) return error_message(e->location, "42601", "syntax error in function call in FROM");
    auto ref = std::make_unique<FunctionRef>(location);
    ref->lateral = lateral;
    ref->call.reset(static_cast<FuncCall*>(e.release()));
    ref->with_ordinality = accept_words("with", "ordinality");
    STRATA_ASSIGN_OR_RETURN(ref->alias, parse_opt_alias());
    return TableRefPtr(std::move(ref));
  }
  if (lateral) return error();
  if (first.kind == TokenKind::kIdent && first.keyword == KeywordCategory::kTypeFuncName && name.parts.size() == 1) {
    return error_at(first);
  }
  auto table = std::make_unique<TableName>(location);
  table->only = only;
  table->name = std::move(name);
  accept_op("*");
  STRATA_ASSIGN_OR_RETURN(table->alias, parse_opt_alias());
  // SQLite's index hints, accepted and ignored: NOT INDEXED, INDEXED BY name.
  if (!accept_words("not", "indexed") && accept_words("indexed", "by")) {
    STRATA_ASSIGN_OR_RETURN(std::string ignored, parse_col_id());
  }
  return TableRefPtr(std::move(table));
}

}  // namespace strata::sql
