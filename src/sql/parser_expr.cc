// Expressions (precedence climbing over PostgreSQL's operator table), function
// calls and their special forms, window specifications, and type names.
#include <charconv>
#include <utility>

#include "sql/parser_internal.h"

namespace strata::sql {
namespace {

bool is_comparison_op(std::string_view op) {
  return op == "=" || op == "<" || op == ">" || op == "<=" || op == ">=" || op == "<>";
}

std::optional<int64_t> parse_int64(std::string_view digits) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return v;
}

ExprPtr make_string(int32_t location, std::string text) {
  auto c = std::make_unique<Constant>(location, ConstantKind::kString);
  c->text = std::move(text);
  return c;
}

ExprPtr make_integer(int32_t location, int64_t v) {
  auto c = std::make_unique<Constant>(location, ConstantKind::kInteger);
  c->text = std::to_string(v);
  c->int_value = v;
  return c;
}

bool is_interval_field(const Token& t) {
  if (t.kind != TokenKind::kIdent) return false;
  const std::string& w = t.text;
  return w == "year" || w == "month" || w == "day" || w == "hour" || w == "minute" || w == "second";
}

}  // namespace

// ---------------------------------------------------------------------------
// Operators.

int Parser::infix_precedence() const {
  const Token& t = cur();
  if (t.kind == TokenKind::kOperator) {
    const std::string& op = t.text;
    if (is_comparison_op(op)) return kPrecComparison;
    if (op == "+" || op == "-") return kPrecAdd;
    if (op == "*" || op == "/" || op == "%") return kPrecMul;
    if (op == "^") return kPrecPow;
    return kPrecOther;
  }
  if (t.kind != TokenKind::kIdent) return kPrecNone;
  const std::string& w = t.text;
  if (w == "or") return kPrecOr;
  if (w == "and") return kPrecAnd;
  if (w == "is" || w == "isnull" || w == "notnull") return kPrecIs;
  if (w == "between" || w == "in" || w == "like" || w == "ilike" || (w == "similar" && peek_word("to"))) {
    return kPrecLike;
  }
  if (w == "not") {
    const Token& n = peek();
    if (n.is_word("null")) return kPrecIs;  // SQLite's `x NOT NULL`
    if (n.is_word("between") || n.is_word("in") || n.is_word("like") || n.is_word("ilike") ||
        (n.is_word("similar") && peek_word("to", 2))) {
      return kPrecLike;
    }
    return kPrecNone;
  }
  if (w == "at" && peek_word("time") && peek_word("zone", 2)) return kPrecAt;
  if (w == "collate") return kPrecCollate;
  if (w == "operator" && peek().kind == TokenKind::kLParen) return kPrecOther;
  return kPrecNone;
}

Result<ExprPtr> Parser::parse_expr(int min_prec) {
  STRATA_SQL_ENTER();
  STRATA_ASSIGN_OR_RETURN(ExprPtr left, parse_prefix());
  ChainGuard chain(&depth_);
  while (true) {
    int prec = infix_precedence();
    if (prec == kPrecNone || prec < min_prec) break;
    // AND/OR append to a flat list; everything else deepens the tree.
    bool flattens = (prec == kPrecOr || prec == kPrecAnd) && left->is<BoolExpr>() &&
                    left->as<BoolExpr>().op == (prec == kPrecOr ? BoolOp::kOr : BoolOp::kAnd);
    if (!flattens) STRATA_RETURN_IF_ERROR(chain_link(chain));
    STRATA_ASSIGN_OR_RETURN(left, parse_infix(std::move(left), prec));
  }
  return left;
}

// One infix operator application at the cursor (whose precedence is `prec`).
// Kept out of parse_expr so the recursive path's frames stay small.
Result<ExprPtr> Parser::parse_infix(ExprPtr left, int prec) {
  int32_t op_loc = loc();
  if (at_word("or") || at_word("and")) {
    BoolOp op = at_word("or") ? BoolOp::kOr : BoolOp::kAnd;
    advance();
    STRATA_ASSIGN_OR_RETURN(ExprPtr right, parse_expr(prec + 1));
    BoolExpr* b = left->as_if<BoolExpr>();
    if (b == nullptr || b->op != op) {
      auto node = std::make_unique<BoolExpr>(op_loc, op);
      node->args.push_back(std::move(left));
      left = std::move(node);
    }
    left->as<BoolExpr>().args.push_back(std::move(right));
    return left;
  }
  if (prec == kPrecIs) {
    std::string w = cur().text;
    advance();
    if (w == "not") {  // x NOT NULL
      advance();
      left = std::make_unique<NullTest>(op_loc, std::move(left), true);
      return left;
    }
    if (w != "is") {
      left = std::make_unique<NullTest>(op_loc, std::move(left), w == "notnull");
      return left;
    }
    bool negated = accept_word("not");
    if (accept_word("null")) {
      left = std::make_unique<NullTest>(op_loc, std::move(left), negated);
    } else if (accept_word("true")) {
      left = std::make_unique<BooleanTest>(op_loc, std::move(left), BooleanTestKind::kTrue, negated);
    } else if (accept_word("false")) {
      left = std::make_unique<BooleanTest>(op_loc, std::move(left), BooleanTestKind::kFalse, negated);
    } else if (accept_word("unknown")) {
      left = std::make_unique<BooleanTest>(op_loc, std::move(left), BooleanTestKind::kUnknown, negated);
    } else if (accept_words("distinct", "from")) {
      STRATA_ASSIGN_OR_RETURN(ExprPtr right, parse_expr(kPrecIs + 1));
      left = std::make_unique<DistinctFrom>(op_loc, std::move(left), std::move(right), negated);
    } else {
      return error();
    }
    return left;
  }
  if (prec == kPrecLike) {
    bool negated = accept_word("not");
    if (accept_word("between")) {
      auto node = std::make_unique<Between>(op_loc);
      node->negated = negated;
      if (accept_word("symmetric")) {
        node->symmetric = true;
      } else {
        accept_word("asymmetric");
      }
      node->arg = std::move(left);
      STRATA_ASSIGN_OR_RETURN(node->low, parse_expr(kPrecLike + 1));
      STRATA_RETURN_IF_ERROR(expect_word("and"));
      STRATA_ASSIGN_OR_RETURN(node->high, parse_expr(kPrecLike + 1));
      left = std::move(node);
      return left;
    }
    if (accept_word("in")) {
      if (!at(TokenKind::kLParen)) return error();
      if (at_parenthesised_query()) {
        // x IN (SELECT ...): the parentheses belong to the subquery.
        size_t save = pos_;
        auto attempt = parse_paren_query();
        if (attempt.ok()) {
          auto node = std::make_unique<SubqueryExpr>(op_loc, SubqueryKind::kIn);
          node->negated = negated;
          node->test_expr = std::move(left);
          node->query = std::move(attempt).value();
          left = std::move(node);
          return left;
        }
        STRATA_RETURN_IF_ERROR(rewind(save));
        if (peek().kind != TokenKind::kLParen) return attempt.status();  // `(SELECT` cannot be a list
      }
      advance();
      auto node = std::make_unique<InList>(op_loc);
      node->negated = negated;
      node->arg = std::move(left);
      if (!at(TokenKind::kRParen)) {  // SQLite allows an empty list: x IN ()
        STRATA_ASSIGN_OR_RETURN(node->list, parse_expr_list());
      }
      STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
      left = std::move(node);
      return left;
    }
    LikeKind kind = LikeKind::kLike;
    if (accept_word("like")) {
      kind = LikeKind::kLike;
    } else if (accept_word("ilike")) {
      kind = LikeKind::kILike;
    } else {
      STRATA_RETURN_IF_ERROR(expect_word("similar"));
      STRATA_RETURN_IF_ERROR(expect_word("to"));
      kind = LikeKind::kSimilarTo;
    }
    if (kind != LikeKind::kSimilarTo && (at_word("any") || at_word("some") || at_word("all")) &&
        peek().kind == TokenKind::kLParen) {
      std::string op = kind == LikeKind::kLike ? "~~" : "~~*";
      if (negated) op = "!" + op;
      STRATA_ASSIGN_OR_RETURN(left, parse_any_all(std::move(left), op, "", op_loc));
      return left;
    }
    auto node = std::make_unique<Like>(op_loc);
    node->like_kind = kind;
    node->negated = negated;
    node->arg = std::move(left);
    STRATA_ASSIGN_OR_RETURN(node->pattern, parse_expr(kPrecLike + 1));
    if (accept_word("escape")) {
      STRATA_ASSIGN_OR_RETURN(node->escape, parse_expr(kPrecLike + 1));
    }
    left = std::move(node);
    return left;
  }
  if (prec == kPrecAt) {
    advance();
    advance();
    advance();
    auto node = std::make_unique<AtTimeZone>(op_loc);
    node->arg = std::move(left);
    STRATA_ASSIGN_OR_RETURN(node->zone, parse_expr(kPrecAt + 1));
    left = std::move(node);
    return left;
  }
  if (prec == kPrecCollate) {
    advance();
    auto node = std::make_unique<CollateExpr>(op_loc);
    node->arg = std::move(left);
    STRATA_ASSIGN_OR_RETURN(node->collation, parse_qualified_name());
    left = std::move(node);
    return left;
  }
  // A symbolic operator or OPERATOR(schema.op).
  std::string op;
  std::string op_schema;
  if (at_word("operator")) {
    advance();
    advance();  // '('
    while (at_col_id() && peek().kind == TokenKind::kDot) {
      if (!op_schema.empty()) op_schema += ".";
      op_schema += cur().text;
      advance();
      advance();
    }
    if (!at(TokenKind::kOperator)) return error();
    op = cur().text;
    advance();
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
  } else {
    op = cur().text;
    advance();
  }
  if ((at_word("any") || at_word("some") || at_word("all")) && peek().kind == TokenKind::kLParen) {
    STRATA_ASSIGN_OR_RETURN(left, parse_any_all(std::move(left), op, op_schema, op_loc));
    return left;
  }
  STRATA_ASSIGN_OR_RETURN(ExprPtr right, parse_expr(prec + 1));
  auto node = std::make_unique<BinaryOp>(op_loc, op, std::move(left), std::move(right));
  node->op_schema = std::move(op_schema);
  left = std::move(node);
  return left;
}

Result<ExprPtr> Parser::parse_any_all(ExprPtr left, std::string op, std::string op_schema, int32_t location) {
  bool all = at_word("all");
  advance();  // ANY / SOME / ALL
  if (at_parenthesised_query()) {
    size_t save = pos_;
    auto attempt = parse_paren_query();
    if (attempt.ok()) {
      auto node = std::make_unique<SubqueryExpr>(location, all ? SubqueryKind::kAll : SubqueryKind::kAny);
      node->test_expr = std::move(left);
      node->op = std::move(op);
      node->query = std::move(attempt).value();
      return ExprPtr(std::move(node));
    }
    STRATA_RETURN_IF_ERROR(rewind(save));
    if (peek().kind != TokenKind::kLParen) return attempt.status();
  }
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
  auto node = std::make_unique<ArrayCompare>(location);
  node->op = std::move(op);
  node->op_schema = std::move(op_schema);
  node->all = all;
  node->left = std::move(left);
  STRATA_ASSIGN_OR_RETURN(node->array, parse_expr());
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
  return ExprPtr(std::move(node));
}

Result<ExprPtr> Parser::parse_prefix() {
  int32_t location = loc();
  if (at_word("not")) {
    advance();
    STRATA_SQL_ENTER();
    auto node = std::make_unique<BoolExpr>(location, BoolOp::kNot);
    STRATA_ASSIGN_OR_RETURN(ExprPtr arg, parse_expr(kPrecNot));
    node->args.push_back(std::move(arg));
    return ExprPtr(std::move(node));
  }
  if (at_op("-") || at_op("+")) {
    bool minus = at_op("-");
    advance();
    STRATA_ASSIGN_OR_RETURN(ExprPtr arg, parse_expr(kPrecUnary));
    if (minus) {
      Constant* c = arg->as_if<Constant>();
      if (c != nullptr && (c->constant_kind == ConstantKind::kInteger || c->constant_kind == ConstantKind::kNumeric) &&
          c->text[0] != '-') {
        c->text.insert(0, "-");
        c->location = location;
        if (c->constant_kind == ConstantKind::kInteger) c->int_value = parse_int64(c->text);
        return arg;
      }
    }
    return ExprPtr(std::make_unique<UnaryOp>(location, minus ? "-" : "+", std::move(arg)));
  }
  if (at(TokenKind::kOperator) || (at_word("operator") && peek().kind == TokenKind::kLParen)) {
    std::string op;
    std::string op_schema;
    if (accept_word("operator")) {
      advance();
      while (at_col_id() && peek().kind == TokenKind::kDot) {
        if (!op_schema.empty()) op_schema += ".";
        op_schema += cur().text;
        advance();
        advance();
      }
      if (!at(TokenKind::kOperator)) return error();
      op = cur().text;
      advance();
      STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
    } else {
      op = cur().text;
      if (op == "*" || op == "/" || op == "%" || op == "^" || is_comparison_op(op)) return error();
      advance();
    }
    STRATA_ASSIGN_OR_RETURN(ExprPtr arg, parse_expr(kPrecOther + 1));
    auto node = std::make_unique<UnaryOp>(location, std::move(op), std::move(arg));
    node->op_schema = std::move(op_schema);
    return ExprPtr(std::move(node));
  }
  return parse_primary();
}

// ---------------------------------------------------------------------------
// Primary expressions.

Result<ExprPtr> Parser::parse_primary() {
  STRATA_SQL_ENTER();
  const Token& t = cur();
  int32_t location = t.begin;
  switch (t.kind) {
    case TokenKind::kInteger: {
      auto c = std::make_unique<Constant>(location, ConstantKind::kInteger);
      c->text = t.text;
      c->int_value = parse_int64(t.text);
      advance();
      return parse_postfix(std::move(c), false);
    }
    case TokenKind::kNumeric: {
      auto c = std::make_unique<Constant>(location, ConstantKind::kNumeric);
      c->text = t.text;
      advance();
      return parse_postfix(std::move(c), false);
    }
    case TokenKind::kString: {
      ExprPtr c = make_string(location, t.text);
      advance();
      return parse_postfix(std::move(c), false);
    }
    case TokenKind::kParam: {
      auto n = parse_int64(t.text);
      if (!n || *n < 1 || *n > INT32_MAX) {
        return error_message(location, "42P02", "there is no parameter $" + t.text);
      }
      advance();
      return parse_postfix(std::make_unique<Param>(location, static_cast<int32_t>(*n)), false);
    }
    case TokenKind::kLParen: {
      STRATA_ASSIGN_OR_RETURN(ExprPtr e, parse_paren_expr());
      return parse_postfix(std::move(e), true);
    }
    case TokenKind::kQuotedIdent:
      return parse_name_expr();
    case TokenKind::kIdent:
      return parse_word_primary();
    default:
      return error();
  }
}

// A primary expression starting with a word: keywords with their own syntax,
// typed literals, names, function calls.
Result<ExprPtr> Parser::parse_word_primary() {
  const Token& t = cur();
  int32_t location = t.begin;
  const std::string w = t.text;
  if (w == "null" || w == "true" || w == "false") {
    auto c = std::make_unique<Constant>(location, w == "null" ? ConstantKind::kNull : ConstantKind::kBool);
    c->bool_value = w == "true";
    c->text = w;
    advance();
    return parse_postfix(std::move(c), false);
  }
  if (w == "default") {
    advance();
    return ExprPtr(std::make_unique<DefaultExpr>(location));
  }
  if (w == "case") {
    STRATA_ASSIGN_OR_RETURN(ExprPtr e, parse_case());
    return parse_postfix(std::move(e), false);
  }
  if (w == "cast") {
    advance();
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
    STRATA_ASSIGN_OR_RETURN(ExprPtr arg, parse_expr());
    STRATA_RETURN_IF_ERROR(expect_word("as"));
    STRATA_ASSIGN_OR_RETURN(TypeName type, parse_type());
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
    return parse_postfix(std::make_unique<Cast>(location, std::move(arg), std::move(type), CastSyntax::kCast), false);
  }
  if (w == "exists") {
    advance();
    if (!at(TokenKind::kLParen)) return error();
    auto node = std::make_unique<SubqueryExpr>(location, SubqueryKind::kExists);
    STRATA_ASSIGN_OR_RETURN(node->query, parse_paren_query());
    return ExprPtr(std::move(node));
  }
  if (w == "array") {
    advance();
    if (at(TokenKind::kLBracket)) {
      STRATA_ASSIGN_OR_RETURN(ExprPtr e, parse_array_brackets(location));
      return parse_postfix(std::move(e), false);
    }
    if (!at(TokenKind::kLParen)) return error();
    auto node = std::make_unique<SubqueryExpr>(location, SubqueryKind::kArray);
    STRATA_ASSIGN_OR_RETURN(node->query, parse_paren_query());
    return parse_postfix(std::move(node), false);
  }
  if (w == "row" && peek().kind == TokenKind::kLParen) {
    advance();
    advance();
    auto node = std::make_unique<RowExpr>(location);
    node->explicit_row = true;
    if (!at(TokenKind::kRParen)) {
      STRATA_ASSIGN_OR_RETURN(node->args, parse_expr_list());
    }
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
    return parse_postfix(std::move(node), true);
  }
  static constexpr std::pair<std::string_view, SqlValueFunctionKind> kValueFunctions[] = {
      {"current_date", SqlValueFunctionKind::kCurrentDate},
      {"current_time", SqlValueFunctionKind::kCurrentTime},
      {"current_timestamp", SqlValueFunctionKind::kCurrentTimestamp},
      {"localtime", SqlValueFunctionKind::kLocalTime},
      {"localtimestamp", SqlValueFunctionKind::kLocalTimestamp},
      {"current_user", SqlValueFunctionKind::kCurrentUser},
      {"current_role", SqlValueFunctionKind::kCurrentRole},
      {"session_user", SqlValueFunctionKind::kSessionUser},
      {"user", SqlValueFunctionKind::kUser},
      {"current_catalog", SqlValueFunctionKind::kCurrentCatalog},
      {"current_schema", SqlValueFunctionKind::kCurrentSchema},
  };
  for (const auto& [name, kind] : kValueFunctions) {
    if (w != name) continue;
    if (kind == SqlValueFunctionKind::kCurrentSchema && peek().kind == TokenKind::kLParen) break;  // a call
    advance();
    auto node = std::make_unique<SqlValueFunction>(location, kind);
    bool takes_precision = kind == SqlValueFunctionKind::kCurrentTime ||
                           kind == SqlValueFunctionKind::kCurrentTimestamp ||
                           kind == SqlValueFunctionKind::kLocalTime || kind == SqlValueFunctionKind::kLocalTimestamp;
    if (takes_precision && accept(TokenKind::kLParen)) {
      if (!at(TokenKind::kInteger)) return error();
      auto p = parse_int64(cur().text);
      if (!p || *p > INT32_MAX) return error();
      node->precision = static_cast<int32_t>(*p);
      advance();
      STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
    }
    return parse_postfix(std::move(node), false);
  }
  if ((w == "extract" || w == "position" || w == "substring" || w == "trim" || w == "overlay" || w == "coalesce" ||
       w == "nullif" || w == "greatest" || w == "least" || w == "grouping") &&
      peek().kind == TokenKind::kLParen) {
    STRATA_ASSIGN_OR_RETURN(ExprPtr e, parse_special_function(w));
    return parse_postfix(std::move(e), false);
  }
  if (at_type_keyword()) {
    size_t save = pos_;
    auto lit = parse_typed_literal();
    if (lit.ok()) return parse_postfix(std::move(lit).value(), false);
    STRATA_RETURN_IF_ERROR(rewind(save));
  }
  return parse_name_expr();
}

bool Parser::at_type_keyword() const {
  static constexpr std::string_view kTypeWords[] = {
      "bigint",   "bit",   "boolean", "char", "character", "dec",  "decimal",   "float",  "int", "integer", "interval",
      "national", "nchar", "numeric", "real", "smallint",  "time", "timestamp", "varchar"};
  if (!at(TokenKind::kIdent)) return false;
  if (at_word("double")) return peek_word("precision");
  for (std::string_view w : kTypeWords) {
    if (cur().text == w) return true;
  }
  return false;
}

// TYPE 'literal' for the SQL type keywords; INTERVAL also takes trailing fields.
Result<ExprPtr> Parser::parse_typed_literal() {
  int32_t location = loc();
  STRATA_ASSIGN_OR_RETURN(TypeName type, parse_type());
  if (!at(TokenKind::kString)) return error();
  ExprPtr value = make_string(loc(), cur().text);
  advance();
  if (type.name == "interval" && type.interval_fields.empty() && is_interval_field(cur())) {
    std::string fields = cur().text;
    advance();
    if (at_word("to") && is_interval_field(peek())) {
      advance();
      fields += " to " + cur().text;
      advance();
    }
    type.interval_fields = std::move(fields);
    if (at(TokenKind::kLParen) && type.modifiers.empty()) STRATA_RETURN_IF_ERROR(parse_type_modifiers(type));
  }
  return ExprPtr(std::make_unique<Cast>(location, std::move(value), std::move(type), CastSyntax::kTypedLiteral));
}

Result<ExprPtr> Parser::parse_postfix(ExprPtr e, bool parenthesised) {
  ChainGuard chain(&depth_);
  bool field_ok = parenthesised;
  while (true) {
    int32_t location = loc();
    if (accept(TokenKind::kDoubleColon)) {
      STRATA_RETURN_IF_ERROR(chain_link(chain));
      STRATA_ASSIGN_OR_RETURN(TypeName type, parse_type());
      e = std::make_unique<Cast>(location, std::move(e), std::move(type), CastSyntax::kDoubleColon);
      field_ok = false;
    } else if (accept(TokenKind::kLBracket)) {
      STRATA_RETURN_IF_ERROR(chain_link(chain));
      auto node = std::make_unique<Subscript>(location);
      node->arg = std::move(e);
      if (!at(TokenKind::kColon)) {
        STRATA_ASSIGN_OR_RETURN(node->index, parse_expr());
      }
      if (accept(TokenKind::kColon)) {
        node->is_slice = true;
        if (!at(TokenKind::kRBracket)) {
          STRATA_ASSIGN_OR_RETURN(node->upper, parse_expr());
        }
      }
      STRATA_RETURN_IF_ERROR(expect(TokenKind::kRBracket));
      e = std::move(node);
      field_ok = true;
    } else if (field_ok && at(TokenKind::kDot)) {
      advance();
      STRATA_RETURN_IF_ERROR(chain_link(chain));
      auto node = std::make_unique<FieldSelect>(location);
      node->arg = std::move(e);
      if (accept_op("*")) {
        node->field = "*";
      } else {
        STRATA_ASSIGN_OR_RETURN(node->field, parse_col_label());
      }
      e = std::move(node);
    } else {
      return e;
    }
  }
}

Result<ExprPtr> Parser::parse_paren_expr() {
  int32_t location = loc();
  if (at_parenthesised_query()) {
    size_t save = pos_;
    auto attempt = parse_paren_query();
    if (attempt.ok()) {
      auto node = std::make_unique<SubqueryExpr>(location, SubqueryKind::kScalar);
      node->query = std::move(attempt).value();
      return ExprPtr(std::move(node));
    }
    // Only '((' can start something other than a subquery: ((SELECT 1) + 1).
    STRATA_RETURN_IF_ERROR(rewind(save));
    if (peek().kind != TokenKind::kLParen) return attempt.status();
  }
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
  STRATA_ASSIGN_OR_RETURN(ExprPtr first, parse_expr());
  if (accept(TokenKind::kComma)) {
    auto row = std::make_unique<RowExpr>(location);
    row->args.push_back(std::move(first));
    do {
      STRATA_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
      row->args.push_back(std::move(e));
    } while (accept(TokenKind::kComma));
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
    return ExprPtr(std::move(row));
  }
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
  return first;
}

Result<ExprPtr> Parser::parse_name_expr() {
  int32_t location = loc();
  const Token& first = cur();
  if (!at_col_id() && !at_type_func_name()) return error();
  KeywordCategory category = first.kind == TokenKind::kIdent ? first.keyword : KeywordCategory::kNone;
  QualifiedName name;
  name.location = location;
  name.parts.push_back(first.text);
  advance();
  while (at(TokenKind::kDot)) {
    if (peek().is_op("*")) {
      advance();
      advance();
      auto star = std::make_unique<Star>(location);
      star->qualifier = std::move(name.parts);
      return ExprPtr(std::move(star));
    }
    if (peek().kind != TokenKind::kIdent && peek().kind != TokenKind::kQuotedIdent) break;
    advance();
    name.parts.push_back(cur().text);
    advance();
  }
  if (at(TokenKind::kLParen)) {
    if (name.parts.size() == 1 && category == KeywordCategory::kColName) return error_at(first);
    return parse_func_call(std::move(name));
  }
  if (at(TokenKind::kString) && category == KeywordCategory::kNone) {
    // Generic typed literal: date '2024-01-01', pg_catalog.text 'x'.
    TypeName type;
    type.location = location;
    type.name = name.parts.back();
    name.parts.pop_back();
    type.schema = std::move(name.parts);
    ExprPtr value = make_string(loc(), cur().text);
    advance();
    return parse_postfix(std::make_unique<Cast>(location, std::move(value), std::move(type), CastSyntax::kTypedLiteral),
                         false);
  }
  if (name.parts.size() == 1 && category == KeywordCategory::kTypeFuncName) return error_at(first);
  auto col = std::make_unique<ColumnRef>(location);
  col->names = std::move(name.parts);
  return parse_postfix(std::move(col), false);
}

Result<ExprPtr> Parser::parse_func_call(QualifiedName name) {
  auto call = std::make_unique<FuncCall>(name.location);
  call->name = std::move(name);
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
  if (at_op("*") && peek().kind == TokenKind::kRParen) {
    advance();
    advance();
    call->star = true;
    return parse_func_tail(std::move(call));
  }
  if (!at(TokenKind::kRParen)) {
    if (accept_word("distinct")) {
      call->distinct = true;
    } else {
      accept_word("all");
    }
    do {
      if (accept_word("variadic")) call->variadic = true;
      STRATA_ASSIGN_OR_RETURN(ExprPtr arg, parse_expr());
      call->args.push_back(std::move(arg));
      if (call->variadic) break;  // VARIADIC marks the last argument
    } while (accept(TokenKind::kComma));
    if (at_word("order") && peek_word("by")) {
      advance();
      advance();
      STRATA_ASSIGN_OR_RETURN(call->order_by, parse_order_by_list());
    }
  }
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
  return parse_func_tail(std::move(call));
}

Result<ExprPtr> Parser::parse_func_tail(std::unique_ptr<FuncCall> call) {
  if (at_word("within") && peek_word("group")) {
    advance();
    advance();
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
    STRATA_RETURN_IF_ERROR(expect_word("order"));
    STRATA_RETURN_IF_ERROR(expect_word("by"));
    call->within_group = true;
    STRATA_ASSIGN_OR_RETURN(call->within_group_order, parse_order_by_list());
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
  }
  if (at_word("filter") && peek().kind == TokenKind::kLParen) {
    advance();
    advance();
    STRATA_RETURN_IF_ERROR(expect_word("where"));
    STRATA_ASSIGN_OR_RETURN(call->filter, parse_expr());
    STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
  }
  if (at_word("over")) {
    advance();
    if (at(TokenKind::kLParen)) {
      STRATA_ASSIGN_OR_RETURN(WindowSpec spec, parse_window_spec());
      call->over = std::make_unique<WindowSpec>(std::move(spec));
    } else {
      auto spec = std::make_unique<WindowSpec>();
      spec->location = loc();
      STRATA_ASSIGN_OR_RETURN(spec->ref_name, parse_col_id());
      call->over = std::move(spec);
    }
  }
  return parse_postfix(std::move(call), false);
}

Result<ExprPtr> Parser::parse_special_function(const std::string& word) {
  int32_t location = loc();
  advance();  // the name
  advance();  // '('
  auto call = std::make_unique<FuncCall>(location);
  call->name.location = location;
  call->name.parts.push_back(word);
  if (word == "extract") {
    call->syntax = FuncSyntax::kExtract;
    int32_t field_loc = loc();
    std::string field;
    if (at(TokenKind::kIdent) || at(TokenKind::kString)) {
      field = cur().text;
      advance();
    } else {
      return error();
    }
    STRATA_RETURN_IF_ERROR(expect_word("from"));
    call->args.push_back(make_string(field_loc, std::move(field)));
    STRATA_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
    call->args.push_back(std::move(e));
  } else if (word == "position") {
    call->syntax = FuncSyntax::kPosition;
    STRATA_ASSIGN_OR_RETURN(ExprPtr needle, parse_expr(kPrecLike + 1));
    STRATA_RETURN_IF_ERROR(expect_word("in"));
    STRATA_ASSIGN_OR_RETURN(ExprPtr haystack, parse_expr());
    call->args.push_back(std::move(haystack));
    call->args.push_back(std::move(needle));
  } else if (word == "substring") {
    call->syntax = FuncSyntax::kSubstring;
    STRATA_ASSIGN_OR_RETURN(ExprPtr str, parse_expr());
    call->args.push_back(std::move(str));
    if (at_word("from") || at_word("for")) {
      ExprPtr from;
      ExprPtr for_len;
      for (int i = 0; i < 2; ++i) {
        if (!from && accept_word("from")) {
          STRATA_ASSIGN_OR_RETURN(from, parse_expr());
        } else if (!for_len && accept_word("for")) {
          STRATA_ASSIGN_OR_RETURN(for_len, parse_expr());
        }
      }
      call->args.push_back(from ? std::move(from) : make_integer(-1, 1));
      if (for_len) call->args.push_back(std::move(for_len));
    } else {
      while (accept(TokenKind::kComma)) {
        STRATA_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
        call->args.push_back(std::move(e));
      }
    }
  } else if (word == "trim") {
    call->syntax = FuncSyntax::kTrim;
    std::string fname = "btrim";
    if (accept_word("leading")) {
      fname = "ltrim";
    } else if (accept_word("trailing")) {
      fname = "rtrim";
    } else {
      accept_word("both");
    }
    call->name.parts[0] = fname;
    if (accept_word("from")) {
      STRATA_ASSIGN_OR_RETURN(call->args, parse_expr_list());
    } else {
      STRATA_ASSIGN_OR_RETURN(ExprPtr first, parse_expr());
      if (accept_word("from")) {
        STRATA_ASSIGN_OR_RETURN(call->args, parse_expr_list());
        call->args.push_back(std::move(first));
      } else {
        call->args.push_back(std::move(first));
        while (accept(TokenKind::kComma)) {
          STRATA_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
          call->args.push_back(std::move(e));
        }
      }
    }
  } else if (word == "overlay") {
    call->syntax = FuncSyntax::kOverlay;
    STRATA_ASSIGN_OR_RETURN(ExprPtr str, parse_expr());
    call->args.push_back(std::move(str));
    if (accept_word("placing")) {
      STRATA_ASSIGN_OR_RETURN(ExprPtr repl, parse_expr());
      call->args.push_back(std::move(repl));
      STRATA_RETURN_IF_ERROR(expect_word("from"));
      STRATA_ASSIGN_OR_RETURN(ExprPtr from, parse_expr());
      call->args.push_back(std::move(from));
      if (accept_word("for")) {
        STRATA_ASSIGN_OR_RETURN(ExprPtr len, parse_expr());
        call->args.push_back(std::move(len));
      }
    } else {
      while (accept(TokenKind::kComma)) {
        STRATA_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
        call->args.push_back(std::move(e));
      }
    }
  } else {
    // coalesce, nullif, greatest, least, grouping: plain argument lists.
    if (!at(TokenKind::kRParen)) {
      STRATA_ASSIGN_OR_RETURN(call->args, parse_expr_list());
    }
  }
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
  return ExprPtr(std::move(call));
}

Result<ExprPtr> Parser::parse_case() {
  auto node = std::make_unique<CaseExpr>(loc());
  advance();  // CASE
  if (!at_word("when")) {
    STRATA_ASSIGN_OR_RETURN(node->arg, parse_expr());
  }
  while (accept_word("when")) {
    CaseWhen w;
    STRATA_ASSIGN_OR_RETURN(w.when, parse_expr());
    STRATA_RETURN_IF_ERROR(expect_word("then"));
    STRATA_ASSIGN_OR_RETURN(w.then, parse_expr());
    node->whens.push_back(std::move(w));
  }
  if (node->whens.empty()) return error();
  if (accept_word("else")) {
    STRATA_ASSIGN_OR_RETURN(node->else_expr, parse_expr());
  }
  STRATA_RETURN_IF_ERROR(expect_word("end"));
  return ExprPtr(std::move(node));
}

Result<ExprPtr> Parser::parse_array_brackets(int32_t location) {
  STRATA_SQL_ENTER();
  auto node = std::make_unique<ArrayExpr>(location);
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kLBracket));
  if (!at(TokenKind::kRBracket)) {
    do {
      if (at(TokenKind::kLBracket)) {
        STRATA_ASSIGN_OR_RETURN(ExprPtr inner, parse_array_brackets(loc()));
        node->elements.push_back(std::move(inner));
      } else {
        STRATA_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
        node->elements.push_back(std::move(e));
      }
    } while (accept(TokenKind::kComma));
  }
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kRBracket));
  return ExprPtr(std::move(node));
}

Result<std::vector<ExprPtr>> Parser::parse_expr_list() {
  std::vector<ExprPtr> list;
  do {
    STRATA_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
    list.push_back(std::move(e));
  } while (accept(TokenKind::kComma));
  return list;
}

Result<std::vector<OrderItem>> Parser::parse_order_by_list() {
  std::vector<OrderItem> items;
  do {
    OrderItem item;
    item.location = loc();
    STRATA_ASSIGN_OR_RETURN(item.expr, parse_expr());
    if (accept_word("asc")) {
      item.direction = SortDirection::kAsc;
    } else if (accept_word("desc")) {
      item.direction = SortDirection::kDesc;
    } else if (accept_word("using")) {
      if (!at(TokenKind::kOperator)) return error();
      item.direction = (at_op(">") || at_op(">=")) ? SortDirection::kDesc : SortDirection::kAsc;
      advance();
    }
    if (accept_word("nulls")) {
      if (accept_word("first")) {
        item.nulls = NullsOrder::kFirst;
      } else {
        STRATA_RETURN_IF_ERROR(expect_word("last"));
        item.nulls = NullsOrder::kLast;
      }
    }
    items.push_back(std::move(item));
  } while (accept(TokenKind::kComma));
  return items;
}

// ---------------------------------------------------------------------------
// Windows.

Result<WindowSpec> Parser::parse_window_spec() {
  STRATA_SQL_ENTER();
  WindowSpec spec;
  spec.location = loc();
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
  if (at_col_id() && !at_word("partition") && !at_word("rows") && !at_word("range") && !at_word("groups")) {
    spec.ref_name = cur().text;
    advance();
  }
  if (accept_words("partition", "by")) {
    STRATA_ASSIGN_OR_RETURN(spec.partition_by, parse_expr_list());
  }
  if (accept_words("order", "by")) {
    STRATA_ASSIGN_OR_RETURN(spec.order_by, parse_order_by_list());
  }
  if (at_word("rows") || at_word("range") || at_word("groups")) {
    STRATA_ASSIGN_OR_RETURN(WindowFrame frame, parse_window_frame());
    spec.frame = std::move(frame);
  }
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kRParen));
  return spec;
}

Result<WindowFrame> Parser::parse_window_frame() {
  WindowFrame frame;
  frame.location = loc();
  frame.units = at_word("rows") ? FrameUnits::kRows : at_word("range") ? FrameUnits::kRange : FrameUnits::kGroups;
  advance();
  if (accept_word("between")) {
    STRATA_ASSIGN_OR_RETURN(frame.start, parse_frame_bound());
    STRATA_RETURN_IF_ERROR(expect_word("and"));
    STRATA_ASSIGN_OR_RETURN(frame.end, parse_frame_bound());
    frame.has_end = true;
  } else {
    STRATA_ASSIGN_OR_RETURN(frame.start, parse_frame_bound());
    frame.end.kind = FrameBoundKind::kCurrentRow;
  }
  if (accept_word("exclude")) {
    if (accept_words("current", "row")) {
      frame.exclusion = FrameExclusion::kCurrentRow;
    } else if (accept_word("group")) {
      frame.exclusion = FrameExclusion::kGroup;
    } else if (accept_word("ties")) {
      frame.exclusion = FrameExclusion::kTies;
    } else if (accept_words("no", "others")) {
      frame.exclusion = FrameExclusion::kNoOthers;
    } else {
      return error();
    }
  }
  return frame;
}

Result<FrameBound> Parser::parse_frame_bound() {
  FrameBound b;
  if (at_word("unbounded")) {
    advance();
    if (accept_word("preceding")) {
      b.kind = FrameBoundKind::kUnboundedPreceding;
    } else {
      STRATA_RETURN_IF_ERROR(expect_word("following"));
      b.kind = FrameBoundKind::kUnboundedFollowing;
    }
    return b;
  }
  if (accept_words("current", "row")) {
    b.kind = FrameBoundKind::kCurrentRow;
    return b;
  }
  STRATA_ASSIGN_OR_RETURN(b.offset, parse_expr());
  if (accept_word("preceding")) {
    b.kind = FrameBoundKind::kPreceding;
  } else {
    STRATA_RETURN_IF_ERROR(expect_word("following"));
    b.kind = FrameBoundKind::kFollowing;
  }
  return b;
}

// ---------------------------------------------------------------------------
// Type names.

Status Parser::parse_type_modifiers(TypeName& t) {
  STRATA_RETURN_IF_ERROR(expect(TokenKind::kLParen));
  do {
    bool negative = accept_op("-");
    if (!at(TokenKind::kInteger)) return error();
    auto v = parse_int64((negative ? "-" : "") + cur().text);
    if (!v) return error();
    t.modifiers.push_back(*v);
    advance();
  } while (accept(TokenKind::kComma));
  return expect(TokenKind::kRParen);
}

Status Parser::parse_array_bounds(TypeName& t) {
  while (true) {
    if (at(TokenKind::kLBracket) && (peek().kind == TokenKind::kRBracket ||
                                     (peek().kind == TokenKind::kInteger && peek(2).kind == TokenKind::kRBracket))) {
      advance();
      if (at(TokenKind::kInteger)) advance();
      advance();
      ++t.array_dims;
    } else if (at_word("array")) {
      advance();
      ++t.array_dims;
      if (at(TokenKind::kLBracket) && peek().kind == TokenKind::kInteger && peek(2).kind == TokenKind::kRBracket) {
        advance();
        advance();
        advance();
      }
      return Status::ok_status();
    } else {
      return Status::ok_status();
    }
    if (t.array_dims > kMaxParseDepth) return stack_depth_error();
  }
}

Result<TypeName> Parser::parse_type() {
  TypeName t;
  t.location = loc();
  auto with_zone = [&]() {
    if (at_word("with") && peek_word("time") && peek_word("zone", 2)) {
      advance();
      advance();
      advance();
      t.name += " with time zone";
    } else if (at_word("without") && peek_word("time") && peek_word("zone", 2)) {
      advance();
      advance();
      advance();
      t.name += " without time zone";
    }
  };
  if (at(TokenKind::kIdent)) {
    const std::string w = cur().text;
    if (w == "double" && peek_word("precision")) {
      advance();
      advance();
      t.name = "double precision";
    } else if (w == "character" || w == "char" || w == "nchar" || w == "national") {
      advance();
      if (w == "national") {
        if (!accept_word("character") && !accept_word("char")) return error();
      }
      t.name = accept_word("varying") ? "character varying" : "character";
      if (at(TokenKind::kLParen)) STRATA_RETURN_IF_ERROR(parse_type_modifiers(t));
    } else if (w == "bit") {
      advance();
      t.name = accept_word("varying") ? "bit varying" : "bit";
      if (at(TokenKind::kLParen)) STRATA_RETURN_IF_ERROR(parse_type_modifiers(t));
    } else if (w == "time" || w == "timestamp") {
      advance();
      t.name = w;
      if (at(TokenKind::kLParen)) STRATA_RETURN_IF_ERROR(parse_type_modifiers(t));
      with_zone();
    } else if (w == "interval") {
      advance();
      t.name = "interval";
      if (is_interval_field(cur())) {
        t.interval_fields = cur().text;
        advance();
        if (at_word("to") && is_interval_field(peek())) {
          advance();
          t.interval_fields += " to " + cur().text;
          advance();
        }
      }
      if (at(TokenKind::kLParen)) STRATA_RETURN_IF_ERROR(parse_type_modifiers(t));
    } else if (w == "int" || w == "integer" || w == "smallint" || w == "bigint" || w == "real" || w == "boolean" ||
               w == "float" || w == "dec" || w == "decimal" || w == "numeric" || w == "varchar") {
      advance();
      t.name = w;
      if (at(TokenKind::kLParen)) STRATA_RETURN_IF_ERROR(parse_type_modifiers(t));
    } else if (at_type_func_name()) {
      t.name = w;
      advance();
    } else {
      return error();
    }
  } else if (at(TokenKind::kQuotedIdent)) {
    t.name = cur().text;
    advance();
  } else {
    return error();
  }
  if (t.schema.empty() && t.modifiers.empty() && at(TokenKind::kDot)) {
    // A qualified name: pg_catalog.int4, "s"."t".
    while (accept(TokenKind::kDot)) {
      t.schema.push_back(std::move(t.name));
      STRATA_ASSIGN_OR_RETURN(t.name, parse_col_label());
    }
  }
  if (t.modifiers.empty() && at(TokenKind::kLParen) && t.name != "double precision") {
    STRATA_RETURN_IF_ERROR(parse_type_modifiers(t));
  }
  STRATA_RETURN_IF_ERROR(parse_array_bounds(t));
  return t;
}

}  // namespace strata::sql
