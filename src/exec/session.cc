#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <unordered_map>
#include <unordered_set>

#include "exec/basic_operators.h"
#include "exec/engine.h"
#include "exec/expression.h"
#include "exec/physical_planner.h"
#include "exec/session_internal.h"
#include "sql/binder.h"
#include "sql/column_pruning.h"
#include "sql/filter_pushdown.h"
#include "sql/parser.h"
#include "sql/subquery_rewrite.h"
#include "types/cast.h"
#include "types/value.h"

namespace strata::exec {

using catalog::TableDef;
using sql::LogicalKind;
using sql::LogicalPlan;
using types::Batch;
using types::Type;
using types::Value;
using types::Vector;

Session::Session(Engine* engine, int32_t process_id) : engine_(engine), process_id_(process_id) {
  if (process_id != 0) {
    std::lock_guard<std::mutex> lock(engine->mu_);
    engine->sessions_[process_id] = this;
  }
  settings_ = {
      {"application_name", ""},
      {"client_encoding", "UTF8"},
      {"datestyle", "ISO, MDY"},
      {"default_transaction_isolation", "repeatable read"},
      {"extra_float_digits", "1"},
      {"integer_datetimes", "on"},
      {"max_parallel_workers_per_gather", std::to_string(engine->options().parallel_workers)},
      {"min_parallel_table_scan_rows", std::to_string(engine->options().parallel_rows_min)},
      {"intervalstyle", "postgres"},
      {"is_superuser", "on"},
      {"search_path", "\"$user\", public"},
      {"server_encoding", "UTF8"},
      {"server_version", "15.0"},
      {"server_version_num", "150000"},
      {"standard_conforming_strings", "on"},
      {"statement_timeout", "0"},
      {"synchronous_commit", engine->options().synchronous_commit ? "on" : "off"},
      {"timezone", "UTC"},
      {"transaction_isolation", "repeatable read"},
  };
}

int64_t Session::setting_int(const std::string& name, int64_t fallback) const {
  auto it = settings_.find(name);
  if (it == settings_.end()) return fallback;
  char* end = nullptr;
  long long v = std::strtoll(it->second.c_str(), &end, 10);
  return end != nullptr && *end == '\0' && !it->second.empty() ? static_cast<int64_t>(v) : fallback;
}

Session::~Session() {
  abort_pending();
  if (process_id_ != 0) {
    std::lock_guard<std::mutex> lock(engine_->mu_);
    engine_->sessions_.erase(process_id_);
  }
}

char Session::transaction_status() const {
  if (txn_ && txn_->explicit_block) return txn_failed_ ? 'E' : 'T';
  return 'I';
}

Result<std::vector<sql::StatementPtr>> Session::parse(std::string_view text) const { return sql::parse_sql(text); }

ExecContext Session::make_context(const std::vector<Value>& params, MemoryBudget* budget) {
  ExecContext ctx;
  ctx.functions.statement_timestamp_micros = statement_micros_;
  ctx.functions.transaction_timestamp_micros = statement_micros_;
  ctx.functions.random_seed = static_cast<uint64_t>(statement_micros_) ^ static_cast<uint64_t>(process_id_);
  ctx.functions.backend_pid = process_id_;
  ctx.catalog = engine_->catalog().snapshot();
  ctx.functions.catalog = ctx.catalog.get();
  ctx.params = &params;
  ctx.memory = budget;
  ctx.cancel = &cancel_;
  ctx.functions.cancel = &cancel_;
  ctx.spill_dir = engine_->spill_dir();
  return ctx;
}

Result<std::vector<StatementResult>> Session::execute_all(std::string_view text) {
  STRATA_ASSIGN_OR_RETURN(auto stmts, parse(text));
  std::vector<StatementResult> results;
  for (const auto& s : stmts) {
    STRATA_ASSIGN_OR_RETURN(StatementResult r, execute(*s, text, {}));
    results.push_back(std::move(r));
  }
  return results;
}

Result<StatementDescription> Session::describe(const sql::Statement& stmt, std::string_view text,
                                               const std::vector<Type>& param_types) {
  StatementDescription d;
  auto cat = engine_->catalog().snapshot();
  sql::Binder binder(cat, &engine_->functions(), param_types);
  const sql::Statement* s = &stmt;
  if (stmt.is<sql::ExplainStmt>()) {
    d.returns_rows = true;
    d.column_names = {"QUERY PLAN"};
    d.column_types = {Type::text()};
    d.param_types = param_types;
    return d;
  }
  Result<sql::LogicalPlanPtr> plan = Status::internal("unbound");
  bool rows = false;
  if (const auto* sel = s->as_if<sql::SelectStmt>()) {
    plan = binder.bind_query(*sel->query);
    rows = true;
  } else if (const auto* ins = s->as_if<sql::InsertStmt>()) {
    plan = binder.bind_insert(*ins);
    rows = !ins->returning.empty();
  } else if (const auto* up = s->as_if<sql::UpdateStmt>()) {
    plan = binder.bind_update(*up);
    rows = !up->returning.empty();
  } else if (const auto* del = s->as_if<sql::DeleteStmt>()) {
    plan = binder.bind_delete(*del);
    rows = !del->returning.empty();
  } else if (const auto* copy = s->as_if<sql::CopyStmt>()) {
    d.param_types = param_types;
    if (copy->target == sql::CopyTarget::kStdin) d.copy = StatementDescription::Copy::kIn;
    if (copy->target == sql::CopyTarget::kStdout) d.copy = StatementDescription::Copy::kOut;
    if (copy->query) {
      STRATA_ASSIGN_OR_RETURN(sql::LogicalPlanPtr qp, binder.bind_query(*copy->query));
      d.copy_columns = static_cast<int16_t>(qp->types.size());
    } else if (!copy->columns.empty()) {
      d.copy_columns = static_cast<int16_t>(copy->columns.size());
    } else {
      std::string schema = copy->table.parts.size() >= 2 ? copy->table.parts[copy->table.parts.size() - 2] : "public";
      const catalog::TableDef* t = cat->find_table(schema, copy->table.name());
      const catalog::StreamDef* stream = cat->find_stream(schema, copy->table.name());
      if (t == nullptr && stream == nullptr) {
        return Status::sql("42P01", fmt::format("relation \"{}\" does not exist", copy->table.to_string()));
      }
      d.copy_columns = static_cast<int16_t>(t != nullptr ? t->columns.size() : stream->columns.size());
    }
    return d;
  } else if (const auto* fetch = s->as_if<sql::FetchStmt>()) {
    STRATA_ASSIGN_OR_RETURN(d, describe_fetch(*fetch));
    d.param_types = param_types;
    return d;
  } else if (const auto* show = s->as_if<sql::ShowStmt>()) {
    d.returns_rows = true;
    if (show->name == "streams" || show->name == "materialized_views" || show->name == "sinks") {
      STRATA_ASSIGN_OR_RETURN(StatementResult streams, show->name == "streams"   ? run_show_streams()
                                                       : show->name == "sinks" ? run_show_sinks()
                                                                               : run_show_materialized_views());
      d.column_names = std::move(streams.column_names);
      d.column_types = std::move(streams.column_types);
    } else {
      d.column_names = {show->name};
      d.column_types = {Type::text()};
    }
    d.param_types = param_types;
    return d;
  } else {
    d.param_types = param_types;
    return d;
  }
  if (!plan.ok()) return plan.status();
  d.param_types = binder.param_types();
  d.returns_rows = rows;
  if (rows) {
    const LogicalPlan& p = **plan;
    if (p.kind == LogicalKind::kInsert || p.kind == LogicalKind::kUpdate || p.kind == LogicalKind::kDelete) {
      d.column_names = p.returning_names;
      for (const auto& e : p.returning) d.column_types.push_back(e->type);
    } else {
      d.column_names = p.names;
      d.column_types = p.types;
    }
  }
  (void)text;
  return d;
}

Result<StatementResult> Session::execute(const sql::Statement& stmt, std::string_view text,
                                         const std::vector<Value>& params) {
  cancel_.store(false);
  statement_micros_ = now_micros();
  if (txn_failed_) {
    const auto* t = stmt.as_if<sql::TransactionStmt>();
    bool ends = t != nullptr && (t->transaction_kind == sql::TransactionKind::kRollback ||
                                 t->transaction_kind == sql::TransactionKind::kCommit);
    if (!ends) {
      return Status::sql("25P02", "current transaction is aborted, commands ignored until end of transaction block");
    }
  }
  Result<StatementResult> r = execute_inner(stmt, text, params);
  if (!r.ok()) {
    if (txn_ && txn_->explicit_block) {
      txn_failed_ = true;
    } else {
      abort_pending();
    }
  } else if (txn_ && !txn_->explicit_block) {
    Status c = commit_pending();
    if (!c.ok()) return c;
  }
  return r;
}

Status Session::commit_pending() {
  close_transaction_cursors(true);
  if (!txn_) return Status::ok_status();
  std::unique_ptr<Transaction> t = std::move(txn_);
  bool sync = settings_["synchronous_commit"] != "off";
  for (auto& [oid, st] : t->tables) {
    TableWriteSet w;
    w.truncated = st.truncated;
    w.deleted.assign(st.deleted.begin(), st.deleted.end());
    std::sort(w.deleted.begin(), w.deleted.end());
    std::vector<uint32_t> live;
    for (size_t i = 0; i < st.inserted.rows; ++i) {
      if (!st.inserted_deleted[i]) live.push_back(static_cast<uint32_t>(i));
    }
    if (!live.empty()) {
      Batch b;
      for (const Vector& c : st.inserted.columns) b.columns.emplace_back(c.type());
      b.append_selected(st.inserted, live.data(), live.size());
      w.inserted.push_back(std::move(b));
    }
    if (w.empty()) continue;
    // Tables are committed one by one: a multi-table transaction is atomic per table
    // (docs/sql.md names this limit).
    STRATA_RETURN_IF_ERROR(st.storage->commit(*st.base, w, sync));
  }
  return Status::ok_status();
}

void Session::abort_pending() {
  close_transaction_cursors(false);
  txn_.reset();
  txn_failed_ = false;
}

Result<StatementResult> Session::run_transaction(const sql::TransactionStmt& t) {
  StatementResult r;
  switch (t.transaction_kind) {
    case sql::TransactionKind::kBegin:
      r.command_tag = "BEGIN";
      if (txn_ && txn_->explicit_block) {
        r.notices.push_back("there is already a transaction in progress");
        return r;
      }
      txn_ = std::make_unique<Transaction>();
      txn_->explicit_block = true;
      txn_failed_ = false;
      return r;
    case sql::TransactionKind::kCommit: {
      if (!txn_ || !txn_->explicit_block) {
        r.command_tag = "COMMIT";
        r.notices.push_back("there is no transaction in progress");
        return r;
      }
      if (txn_failed_) {
        abort_pending();
        r.command_tag = "ROLLBACK";
        return r;
      }
      Status s = commit_pending();
      txn_.reset();
      txn_failed_ = false;
      STRATA_RETURN_IF_ERROR(s);
      r.command_tag = "COMMIT";
      return r;
    }
    case sql::TransactionKind::kRollback:
      if (!txn_ || !txn_->explicit_block) r.notices.push_back("there is no transaction in progress");
      abort_pending();
      r.command_tag = "ROLLBACK";
      return r;
    case sql::TransactionKind::kSetTransaction:
      r.command_tag = "SET";
      return r;
    default:
      return Status::sql("0A000", "savepoints are not supported");
  }
}

Result<StatementResult> Session::execute_inner(const sql::Statement& stmt, std::string_view text,
                                               const std::vector<Value>& params) {
  if (!txn_) txn_ = std::make_unique<Transaction>();
  switch (stmt.kind) {
    case sql::NodeKind::kSelectStmt:
      return run_query(*stmt.as<sql::SelectStmt>().query, params, nullptr);
    case sql::NodeKind::kInsertStmt:
    case sql::NodeKind::kUpdateStmt:
    case sql::NodeKind::kDeleteStmt:
      return run_dml(stmt, params, nullptr);
    case sql::NodeKind::kExplainStmt:
      return run_explain(stmt.as<sql::ExplainStmt>(), params);
    case sql::NodeKind::kTransactionStmt: {
      // A transaction statement replaces the implicit per-statement transaction.
      if (txn_ && !txn_->explicit_block) txn_.reset();
      return run_transaction(stmt.as<sql::TransactionStmt>());
    }
    case sql::NodeKind::kVariableSetStmt:
    case sql::NodeKind::kResetStmt:
    case sql::NodeKind::kShowStmt:
      return run_set_show(stmt);
    case sql::NodeKind::kDiscardStmt: {
      StatementResult r;
      r.command_tag = "DISCARD ALL";
      return r;
    }
    case sql::NodeKind::kUnsupportedStmt:
      return Status::sql("0A000", fmt::format("{} is not supported", stmt.as<sql::UnsupportedStmt>().what))
          .with_position(stmt.location + 1);
    case sql::NodeKind::kCopyStmt:
      return run_copy(stmt.as<sql::CopyStmt>());
    case sql::NodeKind::kDeclareCursorStmt:
      return run_declare_cursor(stmt.as<sql::DeclareCursorStmt>(), params);
    case sql::NodeKind::kFetchStmt:
      return run_fetch(stmt.as<sql::FetchStmt>());
    case sql::NodeKind::kCloseCursorStmt:
      return run_close_cursor(stmt.as<sql::CloseCursorStmt>());
    default:
      return run_ddl(stmt, text);
  }
}

Result<StatementResult> Session::run_set_show(const sql::Statement& stmt) {
  StatementResult r;
  if (const auto* set = stmt.as_if<sql::VariableSetStmt>()) {
    std::string name = set->name;
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string value;
    for (size_t i = 0; i < set->values.size(); ++i) {
      if (i) value += ", ";
      value += set->values[i].text;
    }
    if (name == "timezone" && !set->to_default) {
      std::string v = value;
      std::transform(v.begin(), v.end(), v.begin(), ::tolower);
      if (v != "utc" && v != "etc/utc" && v != "gmt" && v != "0" && v != "z" && v != "+00" && v != "00:00") {
        return Status::sql("0A000",
                           fmt::format("time zone \"{}\" is not supported: the session time zone is UTC", value));
      }
      value = "UTC";
    }
    if (set->to_default) {
      auto fresh = Session(engine_, 0).settings_;
      auto it = fresh.find(name);
      value = it == fresh.end() ? "" : it->second;
    }
    settings_[name] = value;
    r.command_tag = "SET";
    return r;
  }
  if (const auto* reset = stmt.as_if<sql::ResetStmt>()) {
    auto fresh = Session(engine_, 0).settings_;
    if (reset->name == "all") {
      settings_ = fresh;
    } else if (fresh.count(reset->name)) {
      settings_[reset->name] = fresh[reset->name];
    } else {
      settings_.erase(reset->name);
    }
    r.command_tag = "RESET";
    return r;
  }
  const auto& show = stmt.as<sql::ShowStmt>();
  r.returns_rows = true;
  r.command_tag = "SHOW";
  if (show.name == "all") {
    r.column_names = {"name", "setting", "description"};
    r.column_types = {Type::text(), Type::text(), Type::text()};
    Batch b(r.column_types);
    for (const auto& [k, v] : settings_) b.append_row({Value::text(k), Value::text(v), Value::text("")});
    r.batches.push_back(std::move(b));
    return r;
  }
  if (show.name == "streams") return run_show_streams();
  if (show.name == "materialized_views") return run_show_materialized_views();
  if (show.name == "sinks") return run_show_sinks();
  auto it = settings_.find(show.name);
  if (it == settings_.end()) {
    return Status::sql("42704", fmt::format("unrecognized configuration parameter \"{}\"", show.name));
  }
  r.column_names = {show.name};
  r.column_types = {Type::text()};
  Batch b(r.column_types);
  b.append_row({Value::text(it->second)});
  r.batches.push_back(std::move(b));
  return r;
}

// ---------------------------------------------------------------------------
// Queries.

Result<StatementResult> Session::run_query(const sql::Query& query, const std::vector<Value>& params,
                                           const sql::ExplainStmt* explain) {
  auto cat = engine_->catalog().snapshot();
  std::vector<Type> ptypes;
  for (const Value& v : params) ptypes.push_back(v.type());
  sql::Binder binder(cat, &engine_->functions(), ptypes);
  STRATA_ASSIGN_OR_RETURN(sql::LogicalPlanPtr plan, binder.bind_query(query));
  sql::decorrelate_subqueries(*plan);
  sql::push_down_filters(*plan);
  sql::prune_columns(*plan);
  MemoryBudget budget(engine_->options().query_memory_bytes);
  ExecContext ctx = make_context(params, &budget);
  auto lookup = [this](const catalog::TableDef& t) { return txn_->table(engine_, t.oid, t); };
  PhysicalPlanner::ScanFactory scan = make_scan_factory(lookup);
  install_subquery_runner(ctx, scan);
  PhysicalPlanner planner(scan, &params);
  planner.set_functions(&engine_->functions());
  planner.set_scan_info(make_scan_info(lookup), setting_int("max_parallel_workers_per_gather", 1),
                        static_cast<uint64_t>(std::max<int64_t>(0, setting_int("min_parallel_table_scan_rows", 0))));
  STRATA_ASSIGN_OR_RETURN(OperatorPtr root, planner.plan(*plan));
  if (explain != nullptr) {
    if (!explain->analyze) return explain_result("", explain_operator_tree(*root, false), "");
    uint64_t rows = 0;
    auto start = std::chrono::steady_clock::now();
    STRATA_RETURN_IF_ERROR(drain(*root, ctx, nullptr, SIZE_MAX, &rows));
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return explain_result("", explain_operator_tree(*root, true), fmt::format("Execution Time: {:.3f} ms", ms));
  }
  StatementResult r;
  uint64_t rows = 0;
  STRATA_RETURN_IF_ERROR(drain(*root, ctx, &r.batches, engine_->options().result_rows_max, &rows));
  r.returns_rows = true;
  r.column_names = plan->names;
  r.column_types = plan->types;
  r.command_tag = fmt::format("SELECT {}", rows);
  report_skipped_records(r);
  return r;
}

Result<StatementResult> Session::run_explain(const sql::ExplainStmt& stmt, const std::vector<Value>& params) {
  if (const auto* sel = stmt.stmt->as_if<sql::SelectStmt>()) return run_query(*sel->query, params, &stmt);
  if (stmt.stmt->is<sql::InsertStmt>() || stmt.stmt->is<sql::UpdateStmt>() || stmt.stmt->is<sql::DeleteStmt>()) {
    return run_dml(*stmt.stmt, params, &stmt);
  }
  if (const auto* v = stmt.stmt->as_if<sql::CreateViewStmt>(); v != nullptr && v->materialized) {
    if (stmt.analyze) return Status::sql("0A000", "EXPLAIN ANALYZE of CREATE MATERIALIZED VIEW is not supported");
    return run_explain_materialized_view(*v);
  }
  return Status::sql("0A000", "EXPLAIN supports SELECT, INSERT, UPDATE, DELETE and CREATE MATERIALIZED VIEW");
}

}  // namespace strata::exec
