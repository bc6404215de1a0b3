// DDL: CREATE/DROP TABLE, VIEW, INDEX, SCHEMA; ALTER TABLE; COMMENT; TRUNCATE.
//
// DDL is not transactional: each statement is applied to the catalog (durably)
// when it runs, even inside BEGIN ... COMMIT (docs/sql.md). A table's catalog entry
// is written before its storage is created; Engine::open creates missing storage
// for an entry found without one, so a crash in between loses nothing committed.
#include <fmt/format.h>

#include <algorithm>

#include "exec/expression.h"
#include "exec/session_internal.h"
#include "sql/binder.h"
#include "sql/parser.h"
#include "types/cast.h"

namespace strata::exec {

namespace {

std::string schema_of(const sql::QualifiedName& n) {
  return n.parts.size() >= 2 ? n.parts[n.parts.size() - 2] : "public";
}

Status error_at(std::string_view state, std::string msg, int32_t location) {
  Status s = Status::sql(state, std::move(msg));
  if (location >= 0) s.with_position(location + 1);
  return s;
}

}  // namespace

Result<StatementResult> Session::run_ddl(const sql::Statement& stmt, std::string_view text) {
  StatementResult r;
  auto& cat = engine_->catalog();
  const sql::FunctionRegistry& fns = engine_->functions();
  switch (stmt.kind) {
    case sql::NodeKind::kCreateSchemaStmt: {
      const auto& s = stmt.as<sql::CreateSchemaStmt>();
      r.command_tag = "CREATE SCHEMA";
      bool skipped = false;
      Status st = cat.update([&](catalog::CatalogSnapshot& next) -> Status {
        if (next.has_schema(s.name)) {
          if (s.if_not_exists) {
            skipped = true;
            return Status::sql("00000", "skip");
          }
          return error_at("42P06", fmt::format("schema \"{}\" already exists", s.name), stmt.location);
        }
        next.schemas.push_back(s.name);
        return Status::ok_status();
      });
      if (!skipped) STRATA_RETURN_IF_ERROR(st);
      if (skipped) r.notices.push_back(fmt::format("schema \"{}\" already exists, skipping", s.name));
      return r;
    }
    case sql::NodeKind::kCreateTableStmt: {
      const auto& c = stmt.as<sql::CreateTableStmt>();
      std::string schema = schema_of(c.name);
      const std::string& name = c.name.name();
      auto snap = cat.snapshot();
      if (!snap->has_schema(schema)) {
        return error_at("3F000", fmt::format("schema \"{}\" does not exist", schema), c.name.location);
      }
      if (snap->relation_exists(schema, name)) {
        if (c.if_not_exists) {
          r.command_tag = "CREATE TABLE";
          r.notices.push_back(fmt::format("relation \"{}\" already exists, skipping", name));
          return r;
        }
        return error_at("42P07", fmt::format("relation \"{}\" already exists", name), c.name.location);
      }
      auto def = std::make_shared<catalog::TableDef>();
      def->schema = schema;
      def->name = name;
      sql::LogicalPlanPtr as_plan;
      if (c.as_query) {
        std::vector<Type> none;
        sql::Binder binder(snap, &fns, none);
        STRATA_ASSIGN_OR_RETURN(as_plan, binder.bind_query(*c.as_query));
        for (size_t i = 0; i < as_plan->types.size(); ++i) {
          catalog::ColumnDef col;
          col.name = i < c.as_columns.size() ? c.as_columns[i] : as_plan->names[i];
          col.type = as_plan->types[i];
          def->columns.push_back(std::move(col));
        }
      }
      for (const auto& col : c.columns) {
        if (def->column_index(col.name) >= 0) {
          return error_at("42701", fmt::format("column \"{}\" specified more than once", col.name), col.location);
        }
        catalog::ColumnDef cd;
        cd.name = col.name;
        STRATA_ASSIGN_OR_RETURN(cd.type, sql::Binder::resolve_type(col.type));
        if (cd.type.is_array()) return error_at("0A000", "array columns are not supported", col.type.location);
        for (const auto& con : col.constraints) {
          switch (con.constraint_kind) {
            case sql::ConstraintKind::kNotNull: cd.not_null = true; break;
            case sql::ConstraintKind::kNull: break;
            case sql::ConstraintKind::kDefault: cd.default_sql = con.expr_text; break;
            case sql::ConstraintKind::kPrimaryKey:
              if (!def->primary_key.empty()) {
                return error_at("42P16", fmt::format("multiple primary keys for table \"{}\" are not allowed", name),
                                con.location);
              }
              def->primary_key = {static_cast<int32_t>(def->columns.size())};
              cd.not_null = true;
              break;
            case sql::ConstraintKind::kUnique: def->unique_keys.push_back({static_cast<int32_t>(def->columns.size())}); break;
            case sql::ConstraintKind::kCheck:
              def->checks.push_back({con.name.empty() ? fmt::format("{}_{}_check", name, col.name) : con.name, con.expr_text});
              break;
            case sql::ConstraintKind::kForeignKey: break;  // accepted, not enforced (docs/sql.md)
            case sql::ConstraintKind::kGenerated:
              return error_at("0A000", "generated columns are not supported", con.location);
          }
        }
        def->columns.push_back(std::move(cd));
      }
      for (const auto& con : c.constraints) {
        std::vector<int32_t> cols;
        for (const auto& cn : con.columns) {
          int32_t idx = def->column_index(cn);
          if (idx < 0) {
            return error_at("42703", fmt::format("column \"{}\" named in key does not exist", cn), con.location);
          }
          cols.push_back(idx);
        }
        switch (con.constraint_kind) {
          case sql::ConstraintKind::kPrimaryKey:
            if (!def->primary_key.empty()) {
              return error_at("42P16", fmt::format("multiple primary keys for table \"{}\" are not allowed", name),
                              con.location);
            }
            def->primary_key = cols;
            for (int32_t i : cols) def->columns[static_cast<size_t>(i)].not_null = true;
            break;
          case sql::ConstraintKind::kUnique: def->unique_keys.push_back(cols); break;
          case sql::ConstraintKind::kCheck:
            def->checks.push_back({con.name.empty() ? fmt::format("{}_check", name) : con.name, con.expr_text});
            break;
          default: break;
        }
      }
      if (def->columns.empty() && !c.as_query) {
        // PostgreSQL allows zero-column tables; so do we.
      }
      // Validate defaults and checks by binding them now.
      {
        sql::Binder binder(snap, &fns);
        for (const auto& col : def->columns) {
          if (col.default_sql.empty()) continue;
          STRATA_ASSIGN_OR_RETURN(sql::ExprPtr e, sql::parse_expression(col.default_sql));
          catalog::TableDef empty;
          STRATA_ASSIGN_OR_RETURN(sql::BoundExprPtr b, binder.bind_table_expr(*e, empty));
          if (!types::cast_exists(b->type, col.type)) {
            return Status::sql("42804", fmt::format("column \"{}\" is of type {} but default expression is of type {}",
                                                    col.name, col.type.name(), b->type.name()));
          }
        }
        for (const auto& chk : def->checks) {
          STRATA_ASSIGN_OR_RETURN(sql::ExprPtr e, sql::parse_expression(chk.expr_sql));
          STRATA_ASSIGN_OR_RETURN(sql::BoundExprPtr b, binder.bind_table_expr(*e, *def));
          if (b->type.id() != types::TypeId::kBoolean && b->type.id() != types::TypeId::kUnknown) {
            return Status::sql("42804", "argument of CHECK must be type boolean");
          }
        }
      }
      catalog::Oid oid = 0;
      STRATA_RETURN_IF_ERROR(cat.update([&](catalog::CatalogSnapshot& next) -> Status {
        if (next.relation_exists(schema, name)) {
          return Status::sql("42P07", fmt::format("relation \"{}\" already exists", name));
        }
        def->oid = next.allocate_oid();
        oid = def->oid;
        next.tables[catalog::CatalogSnapshot::key(schema, name)] = def;
        if (!def->primary_key.empty()) {
          auto ix = std::make_shared<catalog::IndexDef>();
          ix->oid = next.allocate_oid();
          ix->schema = schema;
          ix->name = name + "_pkey";
          ix->table_oid = def->oid;
          ix->columns = def->primary_key;
          ix->unique = true;
          ix->primary = true;
          next.indexes[catalog::CatalogSnapshot::key(schema, ix->name)] = ix;
        }
        return Status::ok_status();
      }));
      Status st = engine_->create_storage(*def);
      if (!st.ok()) {
        (void)cat.update([&](catalog::CatalogSnapshot& next) {
          next.tables.erase(catalog::CatalogSnapshot::key(schema, name));
          return Status::ok_status();
        });
        return st;
      }
      r.command_tag = "CREATE TABLE";
      if (as_plan) {
        // CREATE TABLE AS: insert the query's rows through a normal INSERT.
        STRATA_ASSIGN_OR_RETURN(StatementResult rows, run_query(*c.as_query, {}, nullptr));
        STRATA_ASSIGN_OR_RETURN(TableState * ts, txn_->table(engine_, oid, *def));
        uint64_t n = 0;
        for (Batch& b : rows.batches) {
          ts->inserted.append_rows(b, 0, b.rows);
          ts->inserted_deleted.resize(ts->inserted.rows, 0);
          n += b.rows;
        }
        r.command_tag = fmt::format("SELECT {}", n);
      }
      return r;
    }
    case sql::NodeKind::kCreateViewStmt: {
      const auto& v = stmt.as<sql::CreateViewStmt>();
      if (v.materialized) return run_create_materialized_view(v);
      std::string schema = schema_of(v.name);
      const std::string& name = v.name.name();
      auto snap = cat.snapshot();
      sql::Binder binder(snap, &fns);
      STRATA_ASSIGN_OR_RETURN(sql::LogicalPlanPtr plan, binder.bind_query(*v.query));
      if (v.columns.size() > plan->types.size()) {
        return Status::sql("42601", "CREATE VIEW specifies more column names than columns");
      }
      auto def = std::make_shared<catalog::ViewDef>();
      def->schema = schema;
      def->name = name;
      def->query_sql = v.query_text;
      def->column_types = plan->types;
      def->column_names = plan->names;
      for (size_t i = 0; i < v.columns.size(); ++i) def->column_names[i] = v.columns[i];
      bool skipped = false;
      Status s = cat.update([&](catalog::CatalogSnapshot& next) -> Status {
        std::string key = catalog::CatalogSnapshot::key(schema, name);
        if (next.views.count(key)) {
          if (v.if_not_exists) {
            skipped = true;
            return Status::sql("00000", "skip");
          }
          if (!v.or_replace) return error_at("42P07", fmt::format("relation \"{}\" already exists", name), v.name.location);
          def->oid = next.views[key]->oid;
        } else if (next.relation_exists(schema, name)) {
          return error_at("42P07", fmt::format("relation \"{}\" already exists", name), v.name.location);
        } else {
          def->oid = next.allocate_oid();
        }
        next.views[key] = def;
        return Status::ok_status();
      });
      if (!skipped) STRATA_RETURN_IF_ERROR(s);
      r.command_tag = "CREATE VIEW";
      return r;
    }
    case sql::NodeKind::kCreateIndexStmt: {
      const auto& ix = stmt.as<sql::CreateIndexStmt>();
      std::string schema = schema_of(ix.table);
      auto snap = cat.snapshot();
      const catalog::TableDef* t = snap->find_table(schema, ix.table.name());
      if (t == nullptr) return error_at("42P01", fmt::format("relation \"{}\" does not exist", ix.table.to_string()), ix.table.location);
      auto def = std::make_shared<catalog::IndexDef>();
      def->schema = schema;
      def->table_oid = t->oid;
      def->unique = ix.unique;
      std::string auto_name = t->name;
      for (const auto& item : ix.items) {
        if (!item.column.empty()) {
          int32_t c = t->column_index(item.column);
          if (c < 0) return error_at("42703", fmt::format("column \"{}\" does not exist", item.column), item.location);
          def->columns.push_back(c);
          auto_name += "_" + item.column;
        } else {
          def->expression_sql.push_back(sql::to_debug_string(*item.expr));
          auto_name += "_expr";
        }
      }
      def->name = ix.name.empty() ? auto_name + "_idx" : ix.name;
      if (ix.unique && def->expression_sql.empty()) {
        // Existing rows must already be unique.
        STRATA_ASSIGN_OR_RETURN(TableState * st, txn_->table(engine_, t->oid, *t));
        std::vector<int32_t> all;
        for (size_t i = 0; i < t->columns.size(); ++i) all.push_back(static_cast<int32_t>(i));
        TransactionScan scan(st, all, false);
        std::unordered_set<std::string> seen;
        Batch b;
        while (true) {
          STRATA_ASSIGN_OR_RETURN(bool more, scan.next(b));
          if (!more) break;
          for (size_t row = 0; row < b.rows; ++row) {
            std::string key;
            bool has_null = false;
            for (int32_t c : def->columns) {
              if (b.columns[static_cast<size_t>(c)].is_null(row)) has_null = true;
              key += types::format_value(b.columns[static_cast<size_t>(c)].get_value(row)) + '\x1f';
            }
            if (!has_null && !seen.insert(key).second) {
              return Status::sql("23505", fmt::format("could not create unique index \"{}\"", def->name));
            }
          }
        }
      }
      bool skipped = false;
      Status s = cat.update([&](catalog::CatalogSnapshot& next) -> Status {
        if (next.relation_exists(schema, def->name)) {
          if (ix.if_not_exists) {
            skipped = true;
            return Status::sql("00000", "skip");
          }
          return Status::sql("42P07", fmt::format("relation \"{}\" already exists", def->name));
        }
        def->oid = next.allocate_oid();
        next.indexes[catalog::CatalogSnapshot::key(schema, def->name)] = def;
        if (def->unique && def->expression_sql.empty()) {
          auto key = catalog::CatalogSnapshot::key(schema, t->name);
          auto table = std::make_shared<catalog::TableDef>(*next.tables.at(key));
          table->unique_keys.push_back(def->columns);
          next.tables[key] = table;
        }
        return Status::ok_status();
      });
      if (skipped) {
        r.notices.push_back(fmt::format("relation \"{}\" already exists, skipping", def->name));
      } else {
        STRATA_RETURN_IF_ERROR(s);
      }
      r.command_tag = "CREATE INDEX";
      return r;
    }
    case sql::NodeKind::kCreateStreamStmt:
      return run_create_stream(stmt.as<sql::CreateStreamStmt>());
    case sql::NodeKind::kCreateSinkStmt:
      return run_create_sink(stmt.as<sql::CreateSinkStmt>());
    case sql::NodeKind::kDropStmt: {
      const auto& d = stmt.as<sql::DropStmt>();
      if (d.object_type == sql::ObjectType::kStream) return run_drop_stream(d);
      if (d.object_type == sql::ObjectType::kMaterializedView) return run_drop_materialized_view(d);
      if (d.object_type == sql::ObjectType::kSink) return run_drop_sink(d);
      std::string word = relation_kind_word(d.object_type);
      std::transform(word.begin(), word.end(), word.begin(), ::toupper);
      r.command_tag = "DROP " + word;
      for (const auto& n : d.names) {
        std::string schema = schema_of(n);
        const std::string& name = n.name();
        std::string key = catalog::CatalogSnapshot::key(schema, name);
        catalog::Oid dropped_table = 0;
        bool missing = false;
        Status s = cat.update([&](catalog::CatalogSnapshot& next) -> Status {
          switch (d.object_type) {
            case sql::ObjectType::kTable: {
              auto it = next.tables.find(key);
              if (it == next.tables.end()) {
                if (next.views.count(key)) {
                  return error_at("42809", fmt::format("\"{}\" is not a table", name), n.location);
                }
                if (next.streams.count(key)) {
                  return error_at("42809", fmt::format("\"{}\" is a stream: use DROP STREAM", name), n.location);
                }
                missing = true;
                return Status::sql("00000", "missing");
              }
              dropped_table = it->second->oid;
              if (std::string v = materialized_view_reading(next, dropped_table); !v.empty()) {
                return error_at("2BP01",
                                fmt::format("cannot drop table \"{}\" because materialized view \"{}\" depends on it",
                                            name, v),
                                n.location);
              }
              for (auto ix = next.indexes.begin(); ix != next.indexes.end();) {
                if (ix->second->table_oid == dropped_table) ix = next.indexes.erase(ix);
                else ++ix;
              }
              next.tables.erase(it);
              return Status::ok_status();
            }
            case sql::ObjectType::kView: {
              // Views that use this view keep their text and fail when queried, as in
              // SQLite (PostgreSQL would demand CASCADE; docs/sql.md).
              if (!next.views.erase(key)) {
                if (next.tables.count(key)) return error_at("42809", fmt::format("\"{}\" is not a view", name), n.location);
                missing = true;
                return Status::sql("00000", "missing");
              }
              return Status::ok_status();
            }
            case sql::ObjectType::kIndex: {
              auto it = next.indexes.find(key);
              if (it == next.indexes.end()) {
                missing = true;
                return Status::sql("00000", "missing");
              }
              if (it->second->primary) {
                return Status::sql("2BP01", fmt::format("cannot drop index {} because constraint {} on table requires it",
                                                        name, name));
              }
              if (it->second->unique) {
                const catalog::TableDef* t = next.find_table_by_oid(it->second->table_oid);
                if (t != nullptr) {
                  auto tkey = catalog::CatalogSnapshot::key(t->schema, t->name);
                  auto table = std::make_shared<catalog::TableDef>(*t);
                  auto u = std::find(table->unique_keys.begin(), table->unique_keys.end(), it->second->columns);
                  if (u != table->unique_keys.end()) table->unique_keys.erase(u);
                  next.tables[tkey] = table;
                }
              }
              next.indexes.erase(it);
              return Status::ok_status();
            }
            case sql::ObjectType::kSchema: {
              auto it = std::find(next.schemas.begin(), next.schemas.end(), name);
              if (it == next.schemas.end()) {
                missing = true;
                return Status::sql("00000", "missing");
              }
              for (const auto& [k, t] : next.tables) {
                if (t->schema == name) {
                  return Status::sql("2BP01", fmt::format("cannot drop schema {} because other objects depend on it", name));
                }
              }
              next.schemas.erase(it);
              return Status::ok_status();
            }
            default:
              return Status::sql("0A000", fmt::format("DROP {} is not supported", sql::object_type_name(d.object_type)));
          }
        });
        if (missing) {
          std::string what = relation_kind_word(d.object_type);
          if (!d.if_exists) {
            std::string state = d.object_type == sql::ObjectType::kSchema ? "3F000" : "42P01";
            if (d.object_type == sql::ObjectType::kTable || d.object_type == sql::ObjectType::kView ||
                d.object_type == sql::ObjectType::kIndex) {
              return error_at(state, fmt::format("{} \"{}\" does not exist", what, name), n.location);
            }
            return error_at(state, fmt::format("schema \"{}\" does not exist", name), n.location);
          }
          r.notices.push_back(fmt::format("{} \"{}\" does not exist, skipping", what, name));
          continue;
        }
        STRATA_RETURN_IF_ERROR(s);
        if (dropped_table != 0) {
          if (txn_) txn_->tables.erase(dropped_table);
          STRATA_RETURN_IF_ERROR(engine_->drop_storage(dropped_table));
        }
      }
      return r;
    }
    case sql::NodeKind::kTruncateStmt: {
      const auto& t = stmt.as<sql::TruncateStmt>();
      auto snap = cat.snapshot();
      for (const auto& n : t.tables) {
        const catalog::TableDef* def = snap->find_table(schema_of(n), n.name());
        if (def == nullptr) return error_at("42P01", fmt::format("relation \"{}\" does not exist", n.to_string()), n.location);
        STRATA_ASSIGN_OR_RETURN(TableState * st, txn_->table(engine_, def->oid, *def));
        st->truncated = true;
        st->deleted.clear();
        std::fill(st->inserted_deleted.begin(), st->inserted_deleted.end(), 1);
      }
      r.command_tag = "TRUNCATE TABLE";
      return r;
    }
    case sql::NodeKind::kCommentStmt: {
      const auto& c = stmt.as<sql::CommentStmt>();
      std::string comment = c.comment.value_or("");
      STRATA_RETURN_IF_ERROR(cat.update([&](catalog::CatalogSnapshot& next) -> Status {
        if (c.object_type == sql::ObjectType::kColumn) {
          if (c.name.parts.size() < 2) return Status::sql("42601", "column name must be qualified");
          std::string column = c.name.parts.back();
          std::string table = c.name.parts[c.name.parts.size() - 2];
          std::string schema = c.name.parts.size() >= 3 ? c.name.parts[c.name.parts.size() - 3] : "public";
          auto it = next.tables.find(catalog::CatalogSnapshot::key(schema, table));
          if (it == next.tables.end()) return Status::sql("42P01", fmt::format("relation \"{}\" does not exist", table));
          auto t = std::make_shared<catalog::TableDef>(*it->second);
          int32_t idx = t->column_index(column);
          if (idx < 0) {
            return Status::sql("42703", fmt::format("column \"{}\" of relation \"{}\" does not exist", column, table));
          }
          t->columns[static_cast<size_t>(idx)].comment = comment;
          it->second = t;
          return Status::ok_status();
        }
        std::string key = catalog::CatalogSnapshot::key(schema_of(c.name), c.name.name());
        if (c.object_type == sql::ObjectType::kTable) {
          auto it = next.tables.find(key);
          if (it == next.tables.end()) return Status::sql("42P01", fmt::format("relation \"{}\" does not exist", c.name.name()));
          auto t = std::make_shared<catalog::TableDef>(*it->second);
          t->comment = comment;
          it->second = t;
          return Status::ok_status();
        }
        if (c.object_type == sql::ObjectType::kView) {
          auto it = next.views.find(key);
          if (it == next.views.end()) return Status::sql("42P01", fmt::format("relation \"{}\" does not exist", c.name.name()));
          auto v = std::make_shared<catalog::ViewDef>(*it->second);
          v->comment = comment;
          it->second = v;
          return Status::ok_status();
        }
        return Status::sql("0A000", "COMMENT ON supports TABLE, VIEW and COLUMN");
      }));
      r.command_tag = "COMMENT";
      return r;
    }
    case sql::NodeKind::kAlterTableStmt: {
      const auto& a = stmt.as<sql::AlterTableStmt>();
      std::string schema = schema_of(a.table);
      std::string key = catalog::CatalogSnapshot::key(schema, a.table.name());
      auto snap = cat.snapshot();
      if (snap->find_table(schema, a.table.name()) == nullptr) {
        if (a.if_exists) {
          r.command_tag = "ALTER TABLE";
          r.notices.push_back(fmt::format("relation \"{}\" does not exist, skipping", a.table.name()));
          return r;
        }
        return error_at("42P01", fmt::format("relation \"{}\" does not exist", a.table.to_string()), a.table.location);
      }
      // A view's lookup join reads the table's columns by position and name.
      if (std::string v = materialized_view_reading(*snap, snap->find_table(schema, a.table.name())->oid);
          !v.empty()) {
        return error_at("2BP01",
                        fmt::format("cannot alter table \"{}\" because materialized view \"{}\" depends on it",
                                    a.table.name(), v),
                        a.table.location);
      }
      for (const auto& cmd : a.cmds) {
        auto cur = cat.snapshot();
        auto t = std::make_shared<catalog::TableDef>(*cur->find_table(schema, a.table.name()));
        std::shared_ptr<TableStorage> storage = engine_->storage(t->oid);
        switch (cmd.action) {
          case sql::AlterTableAction::kAddColumn: {
            const sql::ColumnDef& col = *cmd.column_def;
            if (t->column_index(col.name) >= 0) {
              if (cmd.if_not_exists) {
                r.notices.push_back(fmt::format("column \"{}\" of relation \"{}\" already exists, skipping", col.name, t->name));
                continue;
              }
              return Status::sql("42701", fmt::format("column \"{}\" of relation \"{}\" already exists", col.name, t->name));
            }
            catalog::ColumnDef cd;
            cd.name = col.name;
            STRATA_ASSIGN_OR_RETURN(cd.type, sql::Binder::resolve_type(col.type));
            if (cd.type.is_array()) return Status::sql("0A000", "array columns are not supported");
            for (const auto& con : col.constraints) {
              if (con.constraint_kind == sql::ConstraintKind::kDefault) cd.default_sql = con.expr_text;
              if (con.constraint_kind == sql::ConstraintKind::kNotNull) cd.not_null = true;
              if (con.constraint_kind == sql::ConstraintKind::kCheck) {
                t->checks.push_back({fmt::format("{}_{}_check", t->name, col.name), con.expr_text});
              }
            }
            Value fill = Value::null(cd.type);
            if (!cd.default_sql.empty()) {
              STRATA_ASSIGN_OR_RETURN(sql::ExprPtr e, sql::parse_expression(cd.default_sql));
              sql::Binder binder(cur, &fns);
              catalog::TableDef empty;
              STRATA_ASSIGN_OR_RETURN(sql::BoundExprPtr b, binder.bind_table_expr(*e, empty));
              MemoryBudget budget(engine_->options().query_memory_bytes);
              std::vector<Value> none;
              ExecContext ctx = make_context(none, &budget);
              STRATA_ASSIGN_OR_RETURN(Value v, evaluate_scalar(ctx, *b));
              STRATA_ASSIGN_OR_RETURN(fill, types::cast_value(v, cd.type, types::CastMode::kAssignment));
            }
            if (cd.not_null && fill.is_null() && storage && storage->snapshot()->row_count() > 0) {
              return Status::sql("23502", fmt::format("column \"{}\" of relation \"{}\" contains null values", cd.name, t->name));
            }
            if (txn_) txn_->tables.erase(t->oid);
            if (storage) STRATA_RETURN_IF_ERROR(storage->add_column(cd.name, cd.type, fill));
            t->columns.push_back(std::move(cd));
            break;
          }
          case sql::AlterTableAction::kDropColumn: {
            int32_t idx = t->column_index(cmd.column);
            if (idx < 0) {
              if (cmd.if_exists) {
                r.notices.push_back(fmt::format("column \"{}\" of relation \"{}\" does not exist, skipping", cmd.column, t->name));
                continue;
              }
              return Status::sql("42703", fmt::format("column \"{}\" of relation \"{}\" does not exist", cmd.column, t->name));
            }
            auto uses = [&](const std::vector<int32_t>& cols) {
              return std::find(cols.begin(), cols.end(), idx) != cols.end();
            };
            if (uses(t->primary_key)) t->primary_key.clear();
            t->unique_keys.erase(std::remove_if(t->unique_keys.begin(), t->unique_keys.end(), uses), t->unique_keys.end());
            auto shift = [&](std::vector<int32_t>& cols) {
              for (auto& c : cols) {
                if (c > idx) --c;
              }
            };
            shift(t->primary_key);
            for (auto& u : t->unique_keys) shift(u);
            if (txn_) txn_->tables.erase(t->oid);
            if (storage) STRATA_RETURN_IF_ERROR(storage->drop_column(static_cast<uint32_t>(idx)));
            t->columns.erase(t->columns.begin() + idx);
            break;
          }
          case sql::AlterTableAction::kRenameColumn: {
            int32_t idx = t->column_index(cmd.column);
            if (idx < 0) return Status::sql("42703", fmt::format("column \"{}\" does not exist", cmd.column));
            if (t->column_index(cmd.new_name) >= 0) {
              return Status::sql("42701", fmt::format("column \"{}\" of relation \"{}\" already exists", cmd.new_name, t->name));
            }
            t->columns[static_cast<size_t>(idx)].name = cmd.new_name;
            break;
          }
          case sql::AlterTableAction::kRenameTable: {
            std::string new_key = catalog::CatalogSnapshot::key(schema, cmd.new_name);
            STRATA_RETURN_IF_ERROR(cat.update([&](catalog::CatalogSnapshot& next) -> Status {
              if (next.relation_exists(schema, cmd.new_name)) {
                return Status::sql("42P07", fmt::format("relation \"{}\" already exists", cmd.new_name));
              }
              t->name = cmd.new_name;
              next.tables.erase(key);
              next.tables[new_key] = t;
              return Status::ok_status();
            }));
            r.command_tag = "ALTER TABLE";
            return r;
          }
          case sql::AlterTableAction::kSetDefault:
          case sql::AlterTableAction::kDropDefault: {
            int32_t idx = t->column_index(cmd.column);
            if (idx < 0) return Status::sql("42703", fmt::format("column \"{}\" does not exist", cmd.column));
            t->columns[static_cast<size_t>(idx)].default_sql =
                cmd.action == sql::AlterTableAction::kSetDefault ? cmd.expr_text : "";
            break;
          }
          case sql::AlterTableAction::kDropNotNull:
          case sql::AlterTableAction::kSetNotNull: {
            int32_t idx = t->column_index(cmd.column);
            if (idx < 0) return Status::sql("42703", fmt::format("column \"{}\" does not exist", cmd.column));
            t->columns[static_cast<size_t>(idx)].not_null = cmd.action == sql::AlterTableAction::kSetNotNull;
            break;
          }
          default: return Status::sql("0A000", "this ALTER TABLE action is not supported");
        }
        STRATA_RETURN_IF_ERROR(cat.update([&](catalog::CatalogSnapshot& next) -> Status {
          next.tables[key] = t;
          return Status::ok_status();
        }));
      }
      r.command_tag = "ALTER TABLE";
      return r;
    }
    default:
      return Status::sql("0A000", fmt::format("{} is not supported", sql::node_kind_name(stmt.kind)));
  }
}

}  // namespace strata::exec
