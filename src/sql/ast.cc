#include "sql/ast.h"

#include <string>

namespace strata::sql {

std::string_view node_kind_name(NodeKind kind) {
  switch (kind) {
    case NodeKind::kColumnRef:
      return "column_ref";
    case NodeKind::kStar:
      return "star";
    case NodeKind::kConstant:
      return "constant";
    case NodeKind::kParam:
      return "param";
    case NodeKind::kUnaryOp:
      return "unary_op";
    case NodeKind::kBinaryOp:
      return "binary_op";
    case NodeKind::kBoolExpr:
      return "bool_expr";
    case NodeKind::kNullTest:
      return "null_test";
    case NodeKind::kBooleanTest:
      return "boolean_test";
    case NodeKind::kDistinctFrom:
      return "distinct_from";
    case NodeKind::kBetween:
      return "between";
    case NodeKind::kInList:
      return "in_list";
    case NodeKind::kLike:
      return "like";
    case NodeKind::kSubquery:
      return "subquery";
    case NodeKind::kArrayCompare:
      return "array_compare";
    case NodeKind::kCase:
      return "case";
    case NodeKind::kCast:
      return "cast";
    case NodeKind::kCollate:
      return "collate";
    case NodeKind::kFuncCall:
      return "func_call";
    case NodeKind::kSqlValueFunction:
      return "sql_value_function";
    case NodeKind::kArrayExpr:
      return "array_expr";
    case NodeKind::kSubscript:
      return "subscript";
    case NodeKind::kFieldSelect:
      return "field_select";
    case NodeKind::kRowExpr:
      return "row_expr";
    case NodeKind::kGroupingSet:
      return "grouping_set";
    case NodeKind::kDefault:
      return "default";
    case NodeKind::kAtTimeZone:
      return "at_time_zone";
    case NodeKind::kTableName:
      return "table_name";
    case NodeKind::kSubqueryRef:
      return "subquery_ref";
    case NodeKind::kFunctionRef:
      return "function_ref";
    case NodeKind::kJoin:
      return "join";
    case NodeKind::kQuery:
      return "query";
    case NodeKind::kSelectCore:
      return "select_core";
    case NodeKind::kSetOperation:
      return "set_operation";
    case NodeKind::kValues:
      return "values";
    case NodeKind::kSelectStmt:
      return "select_stmt";
    case NodeKind::kInsertStmt:
      return "insert_stmt";
    case NodeKind::kUpdateStmt:
      return "update_stmt";
    case NodeKind::kDeleteStmt:
      return "delete_stmt";
    case NodeKind::kTruncateStmt:
      return "truncate_stmt";
    case NodeKind::kCopyStmt:
      return "copy_stmt";
    case NodeKind::kCreateTableStmt:
      return "create_table_stmt";
    case NodeKind::kCreateViewStmt:
      return "create_view_stmt";
    case NodeKind::kCreateIndexStmt:
      return "create_index_stmt";
    case NodeKind::kCreateSchemaStmt:
      return "create_schema_stmt";
    case NodeKind::kDropStmt:
      return "drop_stmt";
    case NodeKind::kAlterTableStmt:
      return "alter_table_stmt";
    case NodeKind::kCommentStmt:
      return "comment_stmt";
    case NodeKind::kExplainStmt:
      return "explain_stmt";
    case NodeKind::kTransactionStmt:
      return "transaction_stmt";
    case NodeKind::kVariableSetStmt:
      return "variable_set_stmt";
    case NodeKind::kResetStmt:
      return "reset_stmt";
    case NodeKind::kShowStmt:
      return "show_stmt";
    case NodeKind::kDiscardStmt:
      return "discard_stmt";
    case NodeKind::kPrepareStmt:
      return "prepare_stmt";
    case NodeKind::kExecuteStmt:
      return "execute_stmt";
    case NodeKind::kDeallocateStmt:
      return "deallocate_stmt";
    case NodeKind::kDeclareCursorStmt:
      return "declare_cursor_stmt";
    case NodeKind::kFetchStmt:
      return "fetch_stmt";
    case NodeKind::kCloseCursorStmt:
      return "close_cursor_stmt";
    case NodeKind::kUnsupportedStmt:
      return "unsupported_stmt";
    case NodeKind::kCreateStreamStmt:
      return "create_stream_stmt";
    case NodeKind::kCreateMaterializedViewStmt:
      return "create_materialized_view_stmt";
    case NodeKind::kCreateSinkStmt:
      return "create_sink_stmt";
  }
  return "unknown";
}

std::string_view object_type_name(ObjectType type) {
  switch (type) {
    case ObjectType::kTable:
      return "TABLE";
    case ObjectType::kView:
      return "VIEW";
    case ObjectType::kIndex:
      return "INDEX";
    case ObjectType::kSchema:
      return "SCHEMA";
    case ObjectType::kMaterializedView:
      return "MATERIALIZED VIEW";
    case ObjectType::kStream:
      return "STREAM";
    case ObjectType::kSink:
      return "SINK";
    case ObjectType::kColumn:
      return "COLUMN";
    case ObjectType::kSequence:
      return "SEQUENCE";
    case ObjectType::kType:
      return "TYPE";
    case ObjectType::kFunction:
      return "FUNCTION";
    case ObjectType::kTrigger:
      return "TRIGGER";
    case ObjectType::kDatabase:
      return "DATABASE";
  }
  return "OBJECT";
}

std::string QualifiedName::to_string() const {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '.';
    out += parts[i];
  }
  return out;
}

std::string TypeName::to_string() const {
  std::string out;
  for (const std::string& s : schema) out += s + ".";
  out += name;
  if (!interval_fields.empty()) out += " " + interval_fields;
  if (!modifiers.empty()) {
    out += '(';
    for (size_t i = 0; i < modifiers.size(); ++i) {
      if (i > 0) out += ',';
      out += std::to_string(modifiers[i]);
    }
    out += ')';
  }
  for (int32_t i = 0; i < array_dims; ++i) out += "[]";
  return out;
}

namespace {

// Writes the S-expression form. Recursion is bounded by the tree depth, which the
// parser bounds (kMaxParseDepth).
class Printer {
 public:
  std::string take() { return std::move(out_); }

  void node(const Node& n) {
    if (n.is<Expr>()) return expr(n.as<Expr>());
    if (n.is<TableRef>()) return table_ref(n.as<TableRef>());
    if (n.is<QueryBody>()) return body(n.as<QueryBody>());
    return statement(n.as<Statement>());
  }

  void type(const TypeName& t) { out_ += t.to_string(); }

 private:
  void open(std::string_view head) {
    out_ += '(';
    out_ += head;
  }
  void close() { out_ += ')'; }
  void sp() { out_ += ' '; }
  void word(std::string_view w) {
    sp();
    out_ += w;
  }
  void str(const std::string& s) {
    out_ += '\'';
    for (char c : s) {
      if (c == '\'') out_ += '\'';
      out_ += c;
    }
    out_ += '\'';
  }
  void names(const std::vector<std::string>& v, char sep = '.') {
    for (size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out_ += sep;
      out_ += v[i];
    }
  }
  void opt_expr(const ExprPtr& e) {
    sp();
    if (e) {
      expr(*e);
    } else {
      out_ += '_';
    }
  }
  void exprs(const std::vector<ExprPtr>& v) {
    for (const ExprPtr& e : v) {
      sp();
      expr(*e);
    }
  }
  void list(std::string_view head, const std::vector<ExprPtr>& v) {
    sp();
    open(head);
    exprs(v);
    close();
  }
  void name_list(std::string_view head, const std::vector<std::string>& v) {
    sp();
    open(head);
    for (const std::string& s : v) word(s);
    close();
  }
  void alias(const Alias& a) {
    if (a.empty()) return;
    sp();
    open("as ");
    out_ += a.name;
    for (const std::string& c : a.columns) word(c);
    close();
  }
  void order_items(std::string_view head, const std::vector<OrderItem>& items) {
    if (items.empty()) return;
    sp();
    open(head);
    for (const OrderItem& it : items) {
      sp();
      bool decorated = it.direction != SortDirection::kDefault || it.nulls != NullsOrder::kDefault;
      if (!decorated) {
        expr(*it.expr);
        continue;
      }
      open(it.direction == SortDirection::kDesc ? "desc " : it.direction == SortDirection::kAsc ? "asc " : "sort ");
      expr(*it.expr);
      if (it.nulls == NullsOrder::kFirst) word("nulls-first");
      if (it.nulls == NullsOrder::kLast) word("nulls-last");
      close();
    }
    close();
  }
  void frame_bound(const FrameBound& b) {
    sp();
    switch (b.kind) {
      case FrameBoundKind::kUnboundedPreceding:
        out_ += "unbounded-preceding";
        break;
      case FrameBoundKind::kUnboundedFollowing:
        out_ += "unbounded-following";
        break;
      case FrameBoundKind::kCurrentRow:
        out_ += "current-row";
        break;
      case FrameBoundKind::kPreceding:
        open("preceding ");
        expr(*b.offset);
        close();
        break;
      case FrameBoundKind::kFollowing:
        open("following ");
        expr(*b.offset);
        close();
        break;
    }
  }
  void window_spec(std::string_view head, const WindowSpec& w) {
    sp();
    open(head);
    if (!w.ref_name.empty()) word(w.ref_name);
    if (!w.partition_by.empty()) list("partition-by", w.partition_by);
    order_items("order-by", w.order_by);
    if (w.frame) {
      const WindowFrame& f = *w.frame;
      sp();
      open(f.units == FrameUnits::kRows ? "rows" : f.units == FrameUnits::kRange ? "range" : "groups");
      frame_bound(f.start);
      frame_bound(f.end);
      if (f.exclusion == FrameExclusion::kCurrentRow) word("exclude-current-row");
      if (f.exclusion == FrameExclusion::kGroup) word("exclude-group");
      if (f.exclusion == FrameExclusion::kTies) word("exclude-ties");
      close();
    }
    close();
  }
  void targets(std::string_view head, const std::vector<SelectItem>& items) {
    if (items.empty()) return;
    sp();
    open(head);
    for (const SelectItem& it : items) {
      sp();
      if (it.alias.empty()) {
        expr(*it.expr);
      } else {
        open("as ");
        expr(*it.expr);
        word(it.alias);
        close();
      }
    }
    close();
  }
  void table_list(std::string_view head, const std::vector<TableRefPtr>& refs) {
    if (refs.empty()) return;
    sp();
    open(head);
    for (const TableRefPtr& r : refs) {
      sp();
      table_ref(*r);
    }
    close();
  }
  void set_clauses(const std::vector<SetClause>& set) {
    sp();
    open("set");
    for (const SetClause& s : set) {
      sp();
      open("= ");
      if (s.columns.size() == 1) {
        out_ += s.columns[0];
      } else {
        out_ += '(';
        names(s.columns, ' ');
        out_ += ')';
      }
      sp();
      expr(*s.value);
      close();
    }
    close();
  }
  void with_clause(const WithClause& w) {
    sp();
    open(w.recursive ? "with-recursive" : "with");
    for (const CommonTableExpr& c : w.ctes) {
      sp();
      open("cte ");
      out_ += c.name;
      if (!c.columns.empty()) name_list("columns", c.columns);
      if (c.materialized) word(*c.materialized ? "materialized" : "not-materialized");
      sp();
      body(*c.query);
      close();
    }
    close();
  }
  void options(std::string_view head, const std::vector<Option>& opts) {
    if (opts.empty()) return;
    sp();
    open(head);
    for (const Option& o : opts) {
      sp();
      if (o.values.empty()) {
        out_ += o.name;
        continue;
      }
      open(o.name);
      for (const OptionValue& v : o.values) {
        sp();
        if (v.kind == OptionValue::Kind::kString) {
          str(v.text);
        } else {
          out_ += v.text;
        }
      }
      close();
    }
    close();
  }
  void constraint(const Constraint& c) {
    sp();
    static constexpr std::string_view kNames[] = {"not-null",    "null",   "default",     "check",
                                                  "primary-key", "unique", "foreign-key", "generated"};
    open(kNames[static_cast<int>(c.constraint_kind)]);
    if (!c.name.empty()) {
      sp();
      open("name ");
      out_ += c.name;
      close();
    }
    if (!c.columns.empty()) name_list("columns", c.columns);
    if (c.expr) {
      sp();
      expr(*c.expr);
    }
    if (c.identity) word("identity");
    if (!c.ref_table.empty()) {
      sp();
      open("references ");
      out_ += c.ref_table.to_string();
      for (const std::string& r : c.ref_columns) word(r);
      close();
    }
    close();
  }
  void column_def(const ColumnDef& d) {
    sp();
    open("column ");
    out_ += d.name;
    sp();
    type(d.type);
    for (const Constraint& c : d.constraints) constraint(c);
    if (!d.collation.empty()) {
      sp();
      open("collate ");
      out_ += d.collation.to_string();
      close();
    }
    close();
  }

  void expr(const Expr& e) {
    switch (e.kind) {
      case NodeKind::kColumnRef:
        names(e.as<ColumnRef>().names);
        return;
      case NodeKind::kStar: {
        const Star& s = e.as<Star>();
        if (!s.qualifier.empty()) {
          names(s.qualifier);
          out_ += '.';
        }
        out_ += '*';
        return;
      }
      case NodeKind::kConstant: {
        const Constant& c = e.as<Constant>();
        switch (c.constant_kind) {
          case ConstantKind::kInteger:
          case ConstantKind::kNumeric:
            out_ += c.text;
            break;
          case ConstantKind::kString:
            str(c.text);
            break;
          case ConstantKind::kBool:
            out_ += c.bool_value ? "TRUE" : "FALSE";
            break;
          case ConstantKind::kNull:
            out_ += "NULL";
            break;
        }
        return;
      }
      case NodeKind::kParam:
        out_ += "$" + std::to_string(e.as<Param>().index);
        return;
      case NodeKind::kUnaryOp: {
        const UnaryOp& u = e.as<UnaryOp>();
        open(u.op_schema.empty() ? u.op : u.op_schema + "." + u.op);
        sp();
        expr(*u.operand);
        close();
        return;
      }
      case NodeKind::kBinaryOp: {
        const BinaryOp& b = e.as<BinaryOp>();
        open(b.op_schema.empty() ? b.op : b.op_schema + "." + b.op);
        sp();
        expr(*b.left);
        sp();
        expr(*b.right);
        close();
        return;
      }
      case NodeKind::kBoolExpr: {
        const BoolExpr& b = e.as<BoolExpr>();
        open(b.op == BoolOp::kAnd ? "and" : b.op == BoolOp::kOr ? "or" : "not");
        exprs(b.args);
        close();
        return;
      }
      case NodeKind::kNullTest: {
        const NullTest& n = e.as<NullTest>();
        open(n.negated ? "is-not-null " : "is-null ");
        expr(*n.arg);
        close();
        return;
      }
      case NodeKind::kBooleanTest: {
        const BooleanTest& b = e.as<BooleanTest>();
        std::string head = b.negated ? "is-not-" : "is-";
        head += b.test == BooleanTestKind::kTrue ? "true " : b.test == BooleanTestKind::kFalse ? "false " : "unknown ";
        open(head);
        expr(*b.arg);
        close();
        return;
      }
      case NodeKind::kDistinctFrom: {
        const DistinctFrom& d = e.as<DistinctFrom>();
        open(d.negated ? "is-not-distinct-from " : "is-distinct-from ");
        expr(*d.left);
        sp();
        expr(*d.right);
        close();
        return;
      }
      case NodeKind::kBetween: {
        const Between& b = e.as<Between>();
        std::string head = b.negated ? "not-between" : "between";
        if (b.symmetric) head += "-symmetric";
        open(head);
        sp();
        expr(*b.arg);
        sp();
        expr(*b.low);
        sp();
        expr(*b.high);
        close();
        return;
      }
      case NodeKind::kInList: {
        const InList& in = e.as<InList>();
        open(in.negated ? "not-in " : "in ");
        expr(*in.arg);
        exprs(in.list);
        close();
        return;
      }
      case NodeKind::kLike: {
        const Like& l = e.as<Like>();
        std::string head = l.negated ? "not-" : "";
        head += l.like_kind == LikeKind::kLike ? "like " : l.like_kind == LikeKind::kILike ? "ilike " : "similar-to ";
        open(head);
        expr(*l.arg);
        sp();
        expr(*l.pattern);
        if (l.escape) {
          sp();
          expr(*l.escape);
        }
        close();
        return;
      }
      case NodeKind::kSubquery: {
        const SubqueryExpr& s = e.as<SubqueryExpr>();
        switch (s.subquery_kind) {
          case SubqueryKind::kExists:
            open("exists");
            break;
          case SubqueryKind::kScalar:
            open("scalar");
            break;
          case SubqueryKind::kArray:
            open("array-subquery");
            break;
          case SubqueryKind::kIn:
            open(s.negated ? "not-in-subquery" : "in-subquery");
            break;
          case SubqueryKind::kAny:
            open("any " + s.op);
            break;
          case SubqueryKind::kAll:
            open("all " + s.op);
            break;
        }
        if (s.test_expr) {
          sp();
          expr(*s.test_expr);
        }
        sp();
        body(*s.query);
        close();
        return;
      }
      case NodeKind::kArrayCompare: {
        const ArrayCompare& a = e.as<ArrayCompare>();
        open((a.all ? "all-array " : "any-array ") + (a.op_schema.empty() ? a.op : a.op_schema + "." + a.op));
        sp();
        expr(*a.left);
        sp();
        expr(*a.array);
        close();
        return;
      }
      case NodeKind::kCase: {
        const CaseExpr& c = e.as<CaseExpr>();
        open("case");
        if (c.arg) {
          sp();
          expr(*c.arg);
        }
        for (const CaseWhen& w : c.whens) {
          sp();
          open("when ");
          expr(*w.when);
          sp();
          expr(*w.then);
          close();
        }
        if (c.else_expr) {
          sp();
          open("else ");
          expr(*c.else_expr);
          close();
        }
        close();
        return;
      }
      case NodeKind::kCast: {
        const Cast& c = e.as<Cast>();
        open(c.syntax == CastSyntax::kCast ? "cast " : c.syntax == CastSyntax::kDoubleColon ? ":: " : "literal ");
        expr(*c.arg);
        sp();
        type(c.type);
        close();
        return;
      }
      case NodeKind::kCollate: {
        const CollateExpr& c = e.as<CollateExpr>();
        open("collate ");
        expr(*c.arg);
        word(c.collation.to_string());
        close();
        return;
      }
      case NodeKind::kFuncCall:
        func_call(e.as<FuncCall>());
        return;
      case NodeKind::kSqlValueFunction: {
        const SqlValueFunction& f = e.as<SqlValueFunction>();
        static constexpr std::string_view kNames[] = {"current_date",    "current_time",   "current_timestamp",
                                                      "localtime",       "localtimestamp", "current_user",
                                                      "current_role",    "session_user",   "user",
                                                      "current_catalog", "current_schema"};
        std::string_view n = kNames[static_cast<int>(f.function)];
        if (f.precision < 0) {
          out_ += n;
        } else {
          open(n);
          word(std::to_string(f.precision));
          close();
        }
        return;
      }
      case NodeKind::kArrayExpr:
        open("array");
        exprs(e.as<ArrayExpr>().elements);
        close();
        return;
      case NodeKind::kSubscript: {
        const Subscript& s = e.as<Subscript>();
        open(s.is_slice ? "slice " : "subscript ");
        expr(*s.arg);
        opt_expr(s.index);
        if (s.is_slice) opt_expr(s.upper);
        close();
        return;
      }
      case NodeKind::kFieldSelect: {
        const FieldSelect& f = e.as<FieldSelect>();
        open("field ");
        expr(*f.arg);
        word(f.field);
        close();
        return;
      }
      case NodeKind::kRowExpr:
        open("row");
        exprs(e.as<RowExpr>().args);
        close();
        return;
      case NodeKind::kGroupingSet: {
        const GroupingSet& g = e.as<GroupingSet>();
        static constexpr std::string_view kNames[] = {"empty-set", "rollup", "cube", "grouping-sets"};
        open(kNames[static_cast<int>(g.set_kind)]);
        exprs(g.items);
        close();
        return;
      }
      case NodeKind::kDefault:
        out_ += "DEFAULT";
        return;
      case NodeKind::kAtTimeZone: {
        const AtTimeZone& a = e.as<AtTimeZone>();
        open("at-time-zone ");
        expr(*a.arg);
        sp();
        expr(*a.zone);
        close();
        return;
      }
      default:
        out_ += "?";
        return;
    }
  }

  void func_call(const FuncCall& f) {
    open("call ");
    out_ += f.name.to_string();
    if (f.distinct) word("distinct");
    if (f.star) word("*");
    if (f.variadic) word("variadic");
    exprs(f.args);
    order_items("order-by", f.order_by);
    if (f.within_group) order_items("within-group", f.within_group_order);
    if (f.filter) {
      sp();
      open("filter ");
      expr(*f.filter);
      close();
    }
    if (f.over) window_spec("over", *f.over);
    close();
  }

  void table_ref(const TableRef& r) {
    switch (r.kind) {
      case NodeKind::kTableName: {
        const TableName& t = r.as<TableName>();
        open(t.only ? "table-only " : "table ");
        out_ += t.name.to_string();
        alias(t.alias);
        close();
        return;
      }
      case NodeKind::kSubqueryRef: {
        const SubqueryRef& s = r.as<SubqueryRef>();
        open(s.lateral ? "subquery-lateral " : "subquery ");
        body(*s.query);
        alias(s.alias);
        close();
        return;
      }
      case NodeKind::kFunctionRef: {
        const FunctionRef& f = r.as<FunctionRef>();
        open(f.lateral ? "function-lateral " : "function ");
        func_call(*f.call);
        if (f.with_ordinality) word("ordinality");
        alias(f.alias);
        close();
        return;
      }
      case NodeKind::kJoin: {
        const JoinRef& j = r.as<JoinRef>();
        static constexpr std::string_view kTypes[] = {"inner", "left", "right", "full", "cross"};
        open("join ");
        out_ += kTypes[static_cast<int>(j.join_type)];
        if (j.natural) word("natural");
        sp();
        table_ref(*j.left);
        sp();
        table_ref(*j.right);
        if (j.on) {
          sp();
          open("on ");
          expr(*j.on);
          close();
        }
        if (!j.using_columns.empty()) name_list("using", j.using_columns);
        alias(j.alias);
        close();
        return;
      }
      default:
        out_ += "?";
        return;
    }
  }

  void body(const QueryBody& b) {
    switch (b.kind) {
      case NodeKind::kQuery: {
        const Query& q = b.as<Query>();
        bool bare = !q.with && q.order_by.empty() && !q.limit && !q.offset && !q.for_update && !q.fetch_with_ties &&
                    q.emit == EmitMode::kDefault;
        if (bare) return body(*q.body);
        open("query");
        if (q.with) with_clause(*q.with);
        sp();
        body(*q.body);
        order_items("order-by", q.order_by);
        if (q.limit) {
          sp();
          open(q.fetch_with_ties ? "limit-with-ties " : "limit ");
          expr(*q.limit);
          close();
        }
        if (q.offset) {
          sp();
          open("offset ");
          expr(*q.offset);
          close();
        }
        if (q.for_update) word("for-update");
        if (q.emit == EmitMode::kOnWindowClose) word("emit-on-window-close");
        close();
        return;
      }
      case NodeKind::kSelectCore: {
        const SelectCore& c = b.as<SelectCore>();
        open("select");
        if (c.distinct && c.distinct_on.empty()) word("distinct");
        if (!c.distinct_on.empty()) list("distinct-on", c.distinct_on);
        targets("targets", c.targets);
        table_list("from", c.from);
        if (c.where) {
          sp();
          open("where ");
          expr(*c.where);
          close();
        }
        if (!c.group_by.empty()) list(c.group_by_distinct ? "group-by-distinct" : "group-by", c.group_by);
        if (c.having) {
          sp();
          open("having ");
          expr(*c.having);
          close();
        }
        for (const WindowDef& w : c.windows) window_spec("window " + w.name, w.spec);
        close();
        return;
      }
      case NodeKind::kSetOperation: {
        const SetOperation& s = b.as<SetOperation>();
        std::string head = s.op == SetOpKind::kUnion ? "union" : s.op == SetOpKind::kIntersect ? "intersect" : "except";
        if (s.all) head += "-all";
        open(head);
        sp();
        body(*s.left);
        sp();
        body(*s.right);
        close();
        return;
      }
      case NodeKind::kValues: {
        const ValuesList& v = b.as<ValuesList>();
        open("values");
        for (const auto& row : v.rows) {
          sp();
          out_ += '(';
          for (size_t i = 0; i < row.size(); ++i) {
            if (i > 0) sp();
            expr(*row[i]);
          }
          out_ += ')';
        }
        close();
        return;
      }
      default:
        out_ += "?";
        return;
    }
  }

  void statement(const Statement& s) {
    switch (s.kind) {
      case NodeKind::kSelectStmt:
        body(*s.as<SelectStmt>().query);
        return;
      case NodeKind::kInsertStmt: {
        const InsertStmt& i = s.as<InsertStmt>();
        open(i.or_action == InsertOr::kReplace  ? "insert-or-replace "
             : i.or_action == InsertOr::kIgnore ? "insert-or-ignore "
                                                : "insert ");
        out_ += i.table.to_string();
        if (!i.alias.empty()) word("as " + i.alias);
        if (i.with) with_clause(*i.with);
        if (!i.columns.empty()) name_list("columns", i.columns);
        if (i.default_values) word("default-values");
        if (i.query) {
          sp();
          body(*i.query);
        }
        if (i.on_conflict) {
          const OnConflict& oc = *i.on_conflict;
          sp();
          open(oc.do_update ? "on-conflict-update" : "on-conflict-nothing");
          if (!oc.target_columns.empty()) name_list("target", oc.target_columns);
          if (!oc.constraint_name.empty()) word("constraint " + oc.constraint_name);
          if (oc.target_where) {
            sp();
            open("target-where ");
            expr(*oc.target_where);
            close();
          }
          if (oc.do_update) set_clauses(oc.set);
          if (oc.where) {
            sp();
            open("where ");
            expr(*oc.where);
            close();
          }
          close();
        }
        targets("returning", i.returning);
        close();
        return;
      }
      case NodeKind::kUpdateStmt: {
        const UpdateStmt& u = s.as<UpdateStmt>();
        open("update ");
        out_ += u.table.to_string();
        if (!u.alias.empty()) word("as " + u.alias);
        if (u.with) with_clause(*u.with);
        set_clauses(u.set);
        table_list("from", u.from);
        if (u.where) {
          sp();
          open("where ");
          expr(*u.where);
          close();
        }
        targets("returning", u.returning);
        close();
        return;
      }
      case NodeKind::kDeleteStmt: {
        const DeleteStmt& d = s.as<DeleteStmt>();
        open("delete ");
        out_ += d.table.to_string();
        if (!d.alias.empty()) word("as " + d.alias);
        if (d.with) with_clause(*d.with);
        table_list("using", d.using_tables);
        if (d.where) {
          sp();
          open("where ");
          expr(*d.where);
          close();
        }
        targets("returning", d.returning);
        close();
        return;
      }
      case NodeKind::kTruncateStmt: {
        const TruncateStmt& t = s.as<TruncateStmt>();
        open("truncate");
        for (const QualifiedName& n : t.tables) word(n.to_string());
        if (t.restart_identity) word("restart-identity");
        if (t.cascade) word("cascade");
        close();
        return;
      }
      case NodeKind::kCopyStmt: {
        const CopyStmt& c = s.as<CopyStmt>();
        open(c.is_from ? "copy-from" : "copy-to");
        sp();
        if (c.query) {
          body(*c.query);
        } else {
          out_ += c.table.to_string();
        }
        if (!c.columns.empty()) name_list("columns", c.columns);
        switch (c.target) {
          case CopyTarget::kStdin:
            word("stdin");
            break;
          case CopyTarget::kStdout:
            word("stdout");
            break;
          case CopyTarget::kFile:
            sp();
            str(c.filename);
            break;
          case CopyTarget::kProgram:
            word("program");
            sp();
            str(c.filename);
            break;
        }
        options("options", c.options);
        if (c.where) {
          sp();
          open("where ");
          expr(*c.where);
          close();
        }
        close();
        return;
      }
      case NodeKind::kCreateTableStmt: {
        const CreateTableStmt& c = s.as<CreateTableStmt>();
        open("create-table");
        if (c.temporary) word("temp");
        if (c.unlogged) word("unlogged");
        if (c.if_not_exists) word("if-not-exists");
        word(c.name.to_string());
        for (const ColumnDef& d : c.columns) column_def(d);
        for (const Constraint& k : c.constraints) constraint(k);
        if (c.watermark) {
          sp();
          open("watermark ");
          out_ += c.watermark->column;
          sp();
          expr(*c.watermark->expr);
          close();
        }
        options("with", c.options);
        if (!c.as_columns.empty()) name_list("columns", c.as_columns);
        if (c.as_query) {
          sp();
          open("as ");
          body(*c.as_query);
          close();
          if (c.with_no_data) word("no-data");
        }
        close();
        return;
      }
      case NodeKind::kCreateStreamStmt: {
        const CreateStreamStmt& c = s.as<CreateStreamStmt>();
        open("create-stream");
        if (c.if_not_exists) word("if-not-exists");
        word(c.name.to_string());
        for (const ColumnDef& d : c.columns) column_def(d);
        for (const Constraint& k : c.constraints) constraint(k);
        if (c.watermark) {
          sp();
          open("watermark ");
          out_ += c.watermark->column;
          sp();
          expr(*c.watermark->expr);
          close();
        }
        options("with", c.options);
        close();
        return;
      }
      case NodeKind::kCreateSinkStmt: {
        const CreateSinkStmt& c = s.as<CreateSinkStmt>();
        open("create-sink");
        if (c.if_not_exists) word("if-not-exists");
        word(c.name.to_string());
        word("from " + c.from.to_string());
        word("topic '" + c.topic + "'");
        options("with", c.options);
        close();
        return;
      }
      case NodeKind::kCreateViewStmt: {
        const CreateViewStmt& v = s.as<CreateViewStmt>();
        open(v.materialized ? "create-materialized-view" : "create-view");
        if (v.or_replace) word("or-replace");
        if (v.temporary) word("temp");
        if (v.if_not_exists) word("if-not-exists");
        word(v.name.to_string());
        if (!v.columns.empty()) name_list("columns", v.columns);
        sp();
        body(*v.query);
        close();
        return;
      }
      case NodeKind::kCreateIndexStmt: {
        const CreateIndexStmt& i = s.as<CreateIndexStmt>();
        open(i.unique ? "create-unique-index" : "create-index");
        if (i.if_not_exists) word("if-not-exists");
        if (!i.name.empty()) word(i.name);
        word("on " + i.table.to_string());
        if (!i.method.empty()) word("using " + i.method);
        for (const IndexItem& it : i.items) {
          sp();
          bool decorated = it.direction != SortDirection::kDefault || it.nulls != NullsOrder::kDefault;
          if (decorated) open(it.direction == SortDirection::kDesc ? "desc " : "asc ");
          if (it.expr) {
            expr(*it.expr);
          } else {
            out_ += it.column;
          }
          if (it.nulls == NullsOrder::kFirst) word("nulls-first");
          if (it.nulls == NullsOrder::kLast) word("nulls-last");
          if (decorated) close();
        }
        if (i.where) {
          sp();
          open("where ");
          expr(*i.where);
          close();
        }
        close();
        return;
      }
      case NodeKind::kCreateSchemaStmt: {
        const CreateSchemaStmt& c = s.as<CreateSchemaStmt>();
        open("create-schema");
        if (c.if_not_exists) word("if-not-exists");
        word(c.name);
        close();
        return;
      }
      case NodeKind::kDropStmt: {
        const DropStmt& d = s.as<DropStmt>();
        std::string head = "drop ";
        for (char ch : object_type_name(d.object_type)) head += ch == ' ' ? '-' : static_cast<char>(ch | 0x20);
        open(head);
        if (d.if_exists) word("if-exists");
        for (const QualifiedName& n : d.names) word(n.to_string());
        if (d.cascade) word("cascade");
        close();
        return;
      }
      case NodeKind::kAlterTableStmt: {
        const AlterTableStmt& a = s.as<AlterTableStmt>();
        open("alter-table");
        if (a.if_exists) word("if-exists");
        word(a.table.to_string());
        for (const AlterTableCmd& c : a.cmds) alter_cmd(c);
        close();
        return;
      }
      case NodeKind::kCommentStmt: {
        const CommentStmt& c = s.as<CommentStmt>();
        std::string head = "comment-on ";
        for (char ch : object_type_name(c.object_type)) head += ch == ' ' ? '-' : static_cast<char>(ch | 0x20);
        open(head);
        word(c.name.to_string());
        sp();
        if (c.comment) {
          str(*c.comment);
        } else {
          out_ += "NULL";
        }
        close();
        return;
      }
      case NodeKind::kExplainStmt: {
        const ExplainStmt& e = s.as<ExplainStmt>();
        open("explain");
        if (e.analyze) word("analyze");
        if (e.verbose) word("verbose");
        options("options", e.options);
        sp();
        statement(*e.stmt);
        close();
        return;
      }
      case NodeKind::kTransactionStmt: {
        const TransactionStmt& t = s.as<TransactionStmt>();
        static constexpr std::string_view kNames[] = {"begin",   "commit",      "rollback",       "savepoint",
                                                      "release", "rollback-to", "set-transaction"};
        open(kNames[static_cast<int>(t.transaction_kind)]);
        if (!t.savepoint.empty()) word(t.savepoint);
        if (!t.isolation_level.empty()) word("isolation=" + t.isolation_level);
        if (t.read_only) word(*t.read_only ? "read-only" : "read-write");
        if (t.deferrable) word(*t.deferrable ? "deferrable" : "not-deferrable");
        if (t.and_chain) word("and-chain");
        close();
        return;
      }
      case NodeKind::kVariableSetStmt: {
        const VariableSetStmt& v = s.as<VariableSetStmt>();
        open(v.is_local ? "set-local " : "set ");
        out_ += v.name;
        if (v.to_default) word("DEFAULT");
        for (const OptionValue& val : v.values) {
          sp();
          if (val.kind == OptionValue::Kind::kString) {
            str(val.text);
          } else {
            out_ += val.text;
          }
        }
        close();
        return;
      }
      case NodeKind::kResetStmt:
        open("reset");
        word(s.as<ResetStmt>().name);
        close();
        return;
      case NodeKind::kShowStmt:
        open("show");
        word(s.as<ShowStmt>().name);
        close();
        return;
      case NodeKind::kDiscardStmt:
        open("discard");
        word(s.as<DiscardStmt>().target);
        close();
        return;
      case NodeKind::kPrepareStmt: {
        const PrepareStmt& p = s.as<PrepareStmt>();
        open("prepare ");
        out_ += p.name;
        for (const TypeName& t : p.param_types) {
          sp();
          type(t);
        }
        sp();
        statement(*p.stmt);
        close();
        return;
      }
      case NodeKind::kExecuteStmt: {
        const ExecuteStmt& e = s.as<ExecuteStmt>();
        open("execute ");
        out_ += e.name;
        exprs(e.args);
        close();
        return;
      }
      case NodeKind::kDeallocateStmt: {
        const DeallocateStmt& d = s.as<DeallocateStmt>();
        open("deallocate");
        word(d.all ? "all" : d.name);
        close();
        return;
      }
      case NodeKind::kDeclareCursorStmt: {
        const DeclareCursorStmt& d = s.as<DeclareCursorStmt>();
        open("declare ");
        out_ += d.name;
        if (d.binary) word("binary");
        if (d.scroll) word("scroll");
        if (d.hold) word("hold");
        sp();
        body(*d.query);
        close();
        return;
      }
      case NodeKind::kFetchStmt: {
        const FetchStmt& f = s.as<FetchStmt>();
        static const char* kKinds[] = {"count", "absolute", "relative", "first", "last"};
        open(f.move ? "move " : "fetch ");
        out_ += f.name;
        word(kKinds[static_cast<int>(f.fetch_kind)]);
        word(f.all ? (f.count < 0 ? "-all" : "all") : std::to_string(f.count));
        close();
        return;
      }
      case NodeKind::kCloseCursorStmt: {
        const CloseCursorStmt& c = s.as<CloseCursorStmt>();
        open("close");
        word(c.all ? "all" : c.name);
        close();
        return;
      }
      case NodeKind::kUnsupportedStmt:
        open("unsupported");
        sp();
        str(s.as<UnsupportedStmt>().what);
        close();
        return;
      default:
        out_ += "?";
        return;
    }
  }

  void alter_cmd(const AlterTableCmd& c) {
    sp();
    switch (c.action) {
      case AlterTableAction::kAddColumn:
        open(c.if_not_exists ? "add-column-if-not-exists" : "add-column");
        column_def(*c.column_def);
        break;
      case AlterTableAction::kDropColumn:
        open(c.if_exists ? "drop-column-if-exists " : "drop-column ");
        out_ += c.column;
        if (c.cascade) word("cascade");
        break;
      case AlterTableAction::kRenameColumn:
        open("rename-column ");
        out_ += c.column;
        word(c.new_name);
        break;
      case AlterTableAction::kRenameTable:
        open("rename-to ");
        out_ += c.new_name;
        break;
      case AlterTableAction::kSetDefault:
        open("set-default ");
        out_ += c.column;
        sp();
        expr(*c.expr);
        break;
      case AlterTableAction::kDropDefault:
        open("drop-default ");
        out_ += c.column;
        break;
      case AlterTableAction::kSetNotNull:
        open("set-not-null ");
        out_ += c.column;
        break;
      case AlterTableAction::kDropNotNull:
        open("drop-not-null ");
        out_ += c.column;
        break;
      case AlterTableAction::kAlterColumnType:
        open("alter-type ");
        out_ += c.column;
        sp();
        type(c.type);
        if (c.expr) {
          sp();
          expr(*c.expr);
        }
        break;
      case AlterTableAction::kAddConstraint:
        open("add-constraint");
        constraint(*c.constraint);
        break;
      case AlterTableAction::kDropConstraint:
        open(c.if_exists ? "drop-constraint-if-exists " : "drop-constraint ");
        out_ += c.column;
        break;
    }
    close();
  }

  std::string out_;
};

}  // namespace

std::string to_debug_string(const Node& node) {
  Printer p;
  p.node(node);
  return p.take();
}

std::string to_debug_string(const TypeName& type) { return type.to_string(); }

}  // namespace strata::sql
