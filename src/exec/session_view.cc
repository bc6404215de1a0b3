// Materialized views: CREATE/DROP/SHOW MATERIALIZED VIEW, and the storage through
// which SELECT reads a view's current result (docs/streams.md).
//
// CREATE binds and checks the query (ViewMaintainer::make: 0A000 for what cannot
// be maintained), writes the catalog entry, and hands a maintainer to the
// engine's StreamRuntime, which fills the view from the stream's retained history
// onwards. DROP removes the entry, stops the maintainer and deletes its
// checkpoint. Like other DDL here, neither is transactional.
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "exec/session_internal.h"
#include "exec/stream_runtime.h"
#include "exec/topic_access.h"
#include "exec/view_maintainer.h"
#include "sql/binder.h"
#include "sql/parser.h"

namespace strata::exec {

namespace {

// What a view's lookup joins read: the engine's tables as they are at each step.
TableSource table_source(Engine* engine) {
  return [engine](catalog::Oid oid) { return engine->storage(oid); };
}

ViewSource view_source(Engine* engine) {
  return [engine](catalog::Oid oid) -> std::shared_ptr<ViewMaintainer> {
    return engine->stream_runtime() != nullptr ? engine->stream_runtime()->find(oid) : nullptr;
  };
}

}  // namespace

namespace {

Status error_at(std::string_view state, std::string msg, int32_t location) {
  Status s = Status::sql(state, std::move(msg));
  if (location >= 0) s.with_position(location + 1);
  return s;
}

// A read view over one published result (immutable: a step publishes a new one).
class ViewResultReadView final : public TableReadView {
 public:
  explicit ViewResultReadView(std::shared_ptr<const ViewResult> result) : result_(std::move(result)) {}
  uint64_t row_count() const override { return result_->rows; }
  Status scan(const std::vector<int32_t>& columns, bool with_row_id,
              const std::function<Status(types::Batch&)>& sink) const override {
    int64_t row_id = 0;
    for (const auto& b : result_->batches) {
      types::Batch out;
      for (int32_t c : columns) {
        const types::Vector& src = b->columns[static_cast<size_t>(c)];
        types::Vector v(src.type());
        v.append_rows(src, 0, b->rows);
        out.columns.push_back(std::move(v));
      }
      if (with_row_id) {
        types::Vector ids(Type::bigint(), b->rows);
        for (size_t i = 0; i < b->rows; ++i) ids.data<int64_t>()[i] = row_id++;
        out.columns.push_back(std::move(ids));
      }
      out.rows = b->rows;
      STRATA_RETURN_IF_ERROR(sink(out));
    }
    return Status::ok_status();
  }

 private:
  std::shared_ptr<const ViewResult> result_;
};

class MaterializedViewStorage final : public TableStorage {
 public:
  MaterializedViewStorage(std::shared_ptr<ViewMaintainer> view, std::string name)
      : view_(std::move(view)), name_(std::move(name)) {}
  std::shared_ptr<const TableReadView> snapshot() override {
    return std::make_shared<ViewResultReadView>(view_->result());
  }
  Status commit(const TableReadView&, const TableWriteSet& writes, bool) override {
    if (writes.empty()) return Status::ok_status();
    return Status::sql("42809", fmt::format("cannot change materialized view \"{}\"", name_));
  }
  Status destroy() override { return Status::ok_status(); }

 private:
  std::shared_ptr<ViewMaintainer> view_;
  std::string name_;
};

Status no_runtime() {
  return Status::sql("0A000", "materialized views are not available: this SQL engine runs without the broker's log");
}

}  // namespace

Result<std::shared_ptr<TableStorage>> Engine::materialized_view_storage(catalog::Oid oid) {
  auto snap = catalog_->snapshot();
  const catalog::MaterializedViewDef* def = snap->find_materialized_view_by_oid(oid);
  if (def == nullptr) return std::shared_ptr<TableStorage>();
  if (runtime_ == nullptr) return no_runtime();
  std::shared_ptr<ViewMaintainer> m = runtime_->find(oid);
  if (m == nullptr) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = broken_views_.find(oid);
    std::string why = it == broken_views_.end() ? "it is being created or dropped" : it->second.message();
    return Status::sql("55000", fmt::format("materialized view \"{}\" is not maintained: {}", def->name, why));
  }
  Status failed = m->failure();
  if (!failed.ok()) {
    return Status::sql(failed.sqlstate().empty() ? "XX001" : failed.sqlstate(),
                       fmt::format("materialized view \"{}\" is not maintained: {}", def->name, failed.message()));
  }
  return std::shared_ptr<TableStorage>(std::make_shared<MaterializedViewStorage>(m, def->name));
}

Result<StatementResult> Session::run_create_materialized_view(const sql::CreateViewStmt& v) {
  StatementResult r;
  r.command_tag = "CREATE MATERIALIZED VIEW";
  StreamRuntime* runtime = engine_->stream_runtime();
  TopicAccess* access = engine_->options().topic_access;
  if (runtime == nullptr || access == nullptr) return no_runtime();
  auto& cat = engine_->catalog();
  std::string schema = v.name.parts.size() >= 2 ? v.name.parts[v.name.parts.size() - 2] : "public";
  const std::string& name = v.name.name();
  auto snap = cat.snapshot();
  if (!snap->has_schema(schema)) {
    return error_at("3F000", fmt::format("schema \"{}\" does not exist", schema), v.name.location);
  }
  auto exists = [&](const catalog::CatalogSnapshot& s, bool* skip) -> Status {
    if (!s.relation_exists(schema, name)) return Status::ok_status();
    if (v.if_not_exists && s.find_materialized_view(schema, name) != nullptr) {
      *skip = true;
      return Status::ok_status();
    }
    return error_at("42P07", fmt::format("relation \"{}\" already exists", name), v.name.location);
  };
  bool skip = false;
  STRATA_RETURN_IF_ERROR(exists(*snap, &skip));
  if (skip) {
    r.notices.push_back(fmt::format("materialized view \"{}\" already exists, skipping", name));
    return r;
  }

  auto def = std::make_shared<catalog::MaterializedViewDef>();
  def->schema = schema;
  def->name = name;
  def->query_sql = v.query_text;
  def->column_names = v.columns;
  const EngineOptions& o = engine_->options();
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<ViewMaintainer> checked,
                          ViewMaintainer::make(def, snap, &engine_->functions(), o.query_memory_bytes,
                                               engine_->spill_dir(), table_source(engine_), view_source(engine_)));
  if (v.columns.size() > checked->column_types().size()) {
    return error_at("42601", "CREATE MATERIALIZED VIEW specifies more column names than columns", v.location);
  }
  def->column_names = checked->column_names();
  def->column_types = checked->column_types();
  def->stream_oid = checked->stream().oid;
  for (size_t i = 0; i < def->column_names.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (def->column_names[i] == def->column_names[j]) {
        return error_at("42701", fmt::format("column \"{}\" specified more than once", def->column_names[i]),
                        v.location);
      }
    }
  }
  // The dead-letter topic exists from the start, so consumers can subscribe.
  STRATA_RETURN_IF_ERROR(access->ensure_topic(checked->stream().dead_letter_topic, 1).status());

  Status st = cat.update([&](catalog::CatalogSnapshot& next) -> Status {
    STRATA_RETURN_IF_ERROR(exists(next, &skip));
    if (skip) return Status::sql("00000", "skip");
    if (next.find_stream_by_oid(def->stream_oid) == nullptr) {
      return Status::sql("42P01", fmt::format("stream \"{}\" was dropped meanwhile", checked->stream().name));
    }
    for (catalog::Oid up : checked->upstream_views()) {
      if (next.find_materialized_view_by_oid(up) == nullptr) {
        return Status::sql("42P01", "a materialized view the definition reads was dropped meanwhile");
      }
    }
    def->oid = next.allocate_oid();
    next.materialized_views[catalog::CatalogSnapshot::key(schema, name)] = def;
    return Status::ok_status();
  });
  if (skip) {
    r.notices.push_back(fmt::format("materialized view \"{}\" already exists, skipping", name));
    return r;
  }
  STRATA_RETURN_IF_ERROR(st);
  Result<std::unique_ptr<ViewMaintainer>> m =
      ViewMaintainer::make(def, cat.snapshot(), &engine_->functions(), o.query_memory_bytes, engine_->spill_dir(),
                           table_source(engine_), view_source(engine_));
  STRATA_RETURN_IF_ERROR(m.status());
  if (!(*m)->recomputed_because().empty()) {
    r.notices.push_back(fmt::format("materialized view \"{}\" is recomputed from every input row at each step: no "
                                    "incremental rule covers {}",
                                    name, (*m)->recomputed_because()));
  }
  runtime->add(std::move(m).value());
  return r;
}

Result<StatementResult> Session::run_explain_materialized_view(const sql::CreateViewStmt& v) {
  auto snap = engine_->catalog().snapshot();
  auto def = std::make_shared<catalog::MaterializedViewDef>();
  def->schema = v.name.parts.size() >= 2 ? v.name.parts[v.name.parts.size() - 2] : "public";
  def->name = v.name.name();
  def->query_sql = v.query_text;
  def->column_names = v.columns;
  const EngineOptions& o = engine_->options();
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<ViewMaintainer> m,
                          ViewMaintainer::make(def, snap, &engine_->functions(), o.query_memory_bytes,
                                               engine_->spill_dir(), table_source(engine_), view_source(engine_)));
  STRATA_ASSIGN_OR_RETURN(std::vector<std::string> lines, m->explain());
  StatementResult r;
  r.returns_rows = true;
  r.command_tag = "EXPLAIN";
  r.column_names = {"QUERY PLAN"};
  r.column_types = {Type::text()};
  Batch b(r.column_types);
  for (std::string& line : lines) b.append_row({Value::text(std::move(line))});
  r.batches.push_back(std::move(b));
  return r;
}

std::string Session::materialized_view_reading(const catalog::CatalogSnapshot& snap, catalog::Oid table) {
  if (snap.materialized_views.empty()) return "";
  auto copy = std::make_shared<const catalog::CatalogSnapshot>(snap);
  std::function<bool(const sql::LogicalPlan&)> reads = [&](const sql::LogicalPlan& p) {
    if (p.kind == sql::LogicalKind::kGet && p.table != nullptr && p.table->oid == table) return true;
    for (const auto& c : p.children) {
      if (reads(*c)) return true;
    }
    return false;
  };
  for (const auto& [key, v] : snap.materialized_views) {
    Result<std::vector<sql::StatementPtr>> parsed = sql::parse_sql(v->query_sql);
    if (!parsed.ok() || parsed->size() != 1 || !(*parsed)[0]->is<sql::SelectStmt>()) continue;
    sql::Binder binder(copy, &engine_->functions());
    Result<sql::LogicalPlanPtr> plan = binder.bind_query(*(*parsed)[0]->as<sql::SelectStmt>().query);
    if (plan.ok() && reads(**plan)) return v->name;
  }
  return "";
}

Result<StatementResult> Session::run_drop_materialized_view(const sql::DropStmt& d) {
  StatementResult r;
  r.command_tag = "DROP MATERIALIZED VIEW";
  for (const auto& n : d.names) {
    std::string schema = n.parts.size() >= 2 ? n.parts[n.parts.size() - 2] : "public";
    const std::string& name = n.name();
    bool missing = false;
    std::vector<std::shared_ptr<const catalog::MaterializedViewDef>> dropped;  // views over it first
    std::vector<std::shared_ptr<const catalog::SinkDef>> dropped_sinks;
    Status st = engine_->catalog().update([&](catalog::CatalogSnapshot& next) -> Status {
      dropped.clear();
      dropped_sinks.clear();
      // Drops the view under `key`; with CASCADE, first its sinks and the views
      // that read it (transitively), else 2BP01 while any exists.
      std::function<Status(const std::string&)> drop = [&](const std::string& key) -> Status {
        auto it = next.materialized_views.find(key);
        if (it == next.materialized_views.end()) return Status::ok_status();
        const std::shared_ptr<const catalog::MaterializedViewDef> view = it->second;
        std::vector<std::string> sinks = sinks_reading(next, view->oid);
        if (!sinks.empty() && !d.cascade) {
          return error_at("2BP01",
                          fmt::format("cannot drop materialized view \"{}\" because sink \"{}\" depends on it "
                                      "(DROP SINK first, or DROP MATERIALIZED VIEW ... CASCADE)",
                                      view->name, sinks[0]),
                          n.location);
        }
        while (true) {
          const std::string reader = materialized_view_reading(next, view->oid);
          if (reader.empty()) break;
          if (!d.cascade) {
            return error_at("2BP01",
                            fmt::format("cannot drop materialized view \"{}\" because materialized view \"{}\" "
                                        "depends on it (DROP it first, or DROP MATERIALIZED VIEW ... CASCADE)",
                                        view->name, reader),
                            n.location);
          }
          auto r = std::find_if(next.materialized_views.begin(), next.materialized_views.end(),
                                [&](const auto& kv) { return kv.second->name == reader && kv.second != view; });
          if (r == next.materialized_views.end()) break;
          STRATA_RETURN_IF_ERROR(drop(r->first));
        }
        for (auto s = next.sinks.begin(); s != next.sinks.end();) {
          if (s->second->view_oid != view->oid) {
            ++s;
            continue;
          }
          dropped_sinks.push_back(s->second);
          s = next.sinks.erase(s);
        }
        next.materialized_views.erase(key);
        dropped.push_back(view);
        return Status::ok_status();
      };
      const std::string key = catalog::CatalogSnapshot::key(schema, name);
      if (next.materialized_views.count(key) != 0) return drop(key);
      if (next.relation_exists(schema, name)) {
        return error_at("42809", fmt::format("\"{}\" is not a materialized view", name), n.location);
      }
      if (d.if_exists) {
        missing = true;
        return Status::sql("00000", "skip");
      }
      return error_at("42P01", fmt::format("materialized view \"{}\" does not exist", name), n.location);
    });
    if (missing) {
      r.notices.push_back(fmt::format("materialized view \"{}\" does not exist, skipping", name));
      continue;
    }
    STRATA_RETURN_IF_ERROR(st);
    for (const auto& s : dropped_sinks) {
      r.notices.push_back(fmt::format("drop cascades to sink {}", s->name));
      if (engine_->stream_runtime() != nullptr) {
        STRATA_RETURN_IF_ERROR(engine_->stream_runtime()->remove_sink(s->view_oid, s->oid));
      }
    }
    for (const auto& v : dropped) {
      if (v != dropped.back()) r.notices.push_back(fmt::format("drop cascades to materialized view {}", v->name));
      if (engine_->stream_runtime() != nullptr) STRATA_RETURN_IF_ERROR(engine_->stream_runtime()->remove(v->oid));
    }
  }
  return r;
}

Result<StatementResult> Session::run_show_materialized_views() {
  StatementResult r;
  r.returns_rows = true;
  r.command_tag = "SHOW";
  r.column_names = {"schema", "name", "stream", "rows", "input_records", "dead_letters", "checkpoints", "status",
                    "definition", "late_before", "freshness_ms", "freshness_p50_ms", "freshness_p99_ms",
                    "state_bytes"};
  r.column_types = {Type::text(),   Type::text(),   Type::text(),      Type::bigint(), Type::bigint(),
                    Type::bigint(), Type::bigint(), Type::text(),      Type::text(),   Type::timestamp(),
                    Type::bigint(), Type::bigint(), Type::bigint(),    Type::bigint()};
  auto ms = [](const std::optional<int64_t>& v) { return v ? Value::bigint(*v) : Value::null(Type::bigint()); };
  Batch b(r.column_types);
  auto snap = engine_->catalog().snapshot();
  for (const auto& [key, v] : snap->materialized_views) {
    const catalog::StreamDef* s = snap->find_stream_by_oid(v->stream_oid);
    Value stream = s == nullptr ? Value::null(Type::text()) : Value::text(s->name);
    std::shared_ptr<ViewMaintainer> m =
        engine_->stream_runtime() != nullptr ? engine_->stream_runtime()->find(v->oid) : nullptr;
    if (m == nullptr) {
      b.append_row({Value::text(v->schema), Value::text(v->name), stream, Value::null(Type::bigint()),
                    Value::null(Type::bigint()), Value::null(Type::bigint()), Value::null(Type::bigint()),
                    Value::text("not maintained"), Value::text(v->query_sql), Value::null(Type::timestamp()),
                    Value::null(Type::bigint()), Value::null(Type::bigint()), Value::null(Type::bigint()),
                    Value::null(Type::bigint())});
      continue;
    }
    ViewStats st = m->stats();
    b.append_row({Value::text(v->schema), Value::text(v->name), stream, Value::bigint(static_cast<int64_t>(st.rows)),
                  Value::bigint(static_cast<int64_t>(st.input_records)),
                  Value::bigint(static_cast<int64_t>(st.dead_letters)),
                  Value::bigint(static_cast<int64_t>(st.checkpoints)), Value::text(st.status),
                  Value::text(v->query_sql),
                  st.closed_us ? Value::timestamp(*st.closed_us) : Value::null(Type::timestamp()),
                  ms(st.freshness_last_ms), ms(st.freshness_p50_ms), ms(st.freshness_p99_ms),
                  Value::bigint(static_cast<int64_t>(st.state_bytes))});
  }
  r.batches.push_back(std::move(b));
  return r;
}

}  // namespace strata::exec
