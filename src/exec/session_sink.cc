// Sinks: CREATE SINK, DROP SINK, SHOW SINKS (docs/streams.md, "Sinks").
//
// CREATE checks the view's shape against the mode (ViewSink::make), creates the
// topic when missing, writes the catalog entry and hands the sink to the view's
// runtime entry; its first emission (the view's whole result) comes at the view's
// next checkpoint. DROP removes the entry, then the sink and its file; the topic
// stays (it belongs to the log). Like other DDL here, neither is transactional.
#include <fmt/format.h>

#include <charconv>

#include "exec/session_internal.h"
#include "exec/stream_runtime.h"
#include "exec/topic_access.h"
#include "exec/view_sink.h"

namespace strata::exec {

namespace {

constexpr int32_t kSinkPartitionsMax = 10000;

Status error_at(std::string_view state, std::string msg, int32_t location) {
  Status s = Status::sql(state, std::move(msg));
  if (location >= 0) s.with_position(location + 1);
  return s;
}

Status no_runtime() {
  return Status::sql("0A000", "sinks are not available: this SQL engine runs without the broker's log");
}

std::string schema_part(const sql::QualifiedName& n) {
  return n.parts.size() >= 2 ? n.parts[n.parts.size() - 2] : "public";
}

}  // namespace

Result<StatementResult> Session::run_create_sink(const sql::CreateSinkStmt& c) {
  StatementResult r;
  r.command_tag = "CREATE SINK";
  StreamRuntime* runtime = engine_->stream_runtime();
  TopicAccess* access = engine_->options().topic_access;
  if (runtime == nullptr || access == nullptr) return no_runtime();
  auto& cat = engine_->catalog();
  const std::string schema = schema_part(c.name);
  const std::string& name = c.name.name();
  auto snap = cat.snapshot();
  if (!snap->has_schema(schema)) {
    return error_at("3F000", fmt::format("schema \"{}\" does not exist", schema), c.name.location);
  }
  if (snap->find_sink(schema, name) != nullptr) {
    if (c.if_not_exists) {
      r.notices.push_back(fmt::format("sink \"{}\" already exists, skipping", name));
      return r;
    }
    return error_at("42710", fmt::format("sink \"{}\" already exists", name), c.name.location);
  }
  const catalog::MaterializedViewDef* view = snap->find_materialized_view(schema_part(c.from), c.from.name());
  if (view == nullptr) {
    if (snap->relation_exists(schema_part(c.from), c.from.name())) {
      return error_at("42809", fmt::format("\"{}\" is not a materialized view: a sink reads one", c.from.name()),
                      c.from.location);
    }
    return error_at("42P01", fmt::format("materialized view \"{}\" does not exist", c.from.name()), c.from.location);
  }
  STRATA_RETURN_IF_ERROR(check_topic_name(c.topic, "topic", c.topic_location));
  const catalog::StreamDef* stream = snap->find_stream_by_oid(view->stream_oid);
  if (stream != nullptr && (stream->topic == c.topic || stream->dead_letter_topic == c.topic)) {
    return error_at("42P17",
                    fmt::format("sink \"{}\" would write topic \"{}\", which its own view reads: every emission "
                                "would feed the next",
                                name, c.topic),
                    c.topic_location);
  }

  auto def = std::make_shared<catalog::SinkDef>();
  def->schema = schema;
  def->name = name;
  def->view_oid = view->oid;
  def->topic = c.topic;
  std::shared_ptr<ViewMaintainer> m = runtime->find(view->oid);
  if (m == nullptr) {
    return Status::sql("55000", fmt::format("materialized view \"{}\" is not maintained", view->name));
  }
  def->mode = m->append_only() || m->emits_on_window_close() ? "append" : "upsert";
  for (const auto& o : c.options) {
    std::string value = o.values.size() == 1 ? o.values[0].text : "";
    if (o.name == "format") {
      def->format = value;
    } else if (o.name == "mode") {
      def->mode = value;
    } else if (o.name == "partitions") {
      int32_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size() || n < 1 || n > kSinkPartitionsMax) {
        return error_at("22023", fmt::format("partitions must be an integer from 1 to {}", kSinkPartitionsMax),
                        o.location);
      }
      def->partitions = n;
    } else {
      return error_at("22023",
                      fmt::format("unrecognized sink option \"{}\" (options: format, mode, partitions)", o.name),
                      o.location);
    }
  }
  // Checks mode and format against the view's shape (0A000, 22023).
  STRATA_RETURN_IF_ERROR(ViewSink::make(def, *m).status());
  STRATA_RETURN_IF_ERROR(access->ensure_topic(def->topic, def->partitions).status());

  bool skip = false;
  Status st = cat.update([&](catalog::CatalogSnapshot& next) -> Status {
    if (next.find_sink(schema, name) != nullptr) {
      if (c.if_not_exists) {
        skip = true;
        return Status::sql("00000", "skip");
      }
      return error_at("42710", fmt::format("sink \"{}\" already exists", name), c.name.location);
    }
    if (next.find_materialized_view_by_oid(def->view_oid) == nullptr) {
      return Status::sql("42P01", fmt::format("materialized view \"{}\" was dropped meanwhile", view->name));
    }
    def->oid = next.allocate_oid();
    next.sinks[catalog::CatalogSnapshot::key(schema, name)] = def;
    return Status::ok_status();
  });
  if (skip) {
    r.notices.push_back(fmt::format("sink \"{}\" already exists, skipping", name));
    return r;
  }
  STRATA_RETURN_IF_ERROR(st);
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<ViewSink> sink, ViewSink::make(def, *m));
  STRATA_RETURN_IF_ERROR(runtime->add_sink(std::move(sink)));
  return r;
}

Result<StatementResult> Session::run_drop_sink(const sql::DropStmt& d) {
  StatementResult r;
  r.command_tag = "DROP SINK";
  for (const auto& n : d.names) {
    const std::string schema = schema_part(n);
    const std::string& name = n.name();
    bool missing = false;
    std::shared_ptr<const catalog::SinkDef> dropped;
    Status st = engine_->catalog().update([&](catalog::CatalogSnapshot& next) -> Status {
      auto it = next.sinks.find(catalog::CatalogSnapshot::key(schema, name));
      if (it != next.sinks.end()) {
        dropped = it->second;
        next.sinks.erase(it);
        return Status::ok_status();
      }
      if (d.if_exists) {
        missing = true;
        return Status::sql("00000", "skip");
      }
      return error_at("42704", fmt::format("sink \"{}\" does not exist", name), n.location);
    });
    if (missing) {
      r.notices.push_back(fmt::format("sink \"{}\" does not exist, skipping", name));
      continue;
    }
    STRATA_RETURN_IF_ERROR(st);
    if (engine_->stream_runtime() != nullptr) {
      STRATA_RETURN_IF_ERROR(engine_->stream_runtime()->remove_sink(dropped->view_oid, dropped->oid));
    }
  }
  return r;
}

std::vector<std::string> Session::sinks_reading(const catalog::CatalogSnapshot& snap, catalog::Oid view) {
  std::vector<std::string> names;
  for (const auto& [key, s] : snap.sinks) {
    if (s->view_oid == view) names.push_back(s->name);
  }
  return names;
}

Result<StatementResult> Session::run_show_sinks() {
  StatementResult r;
  r.returns_rows = true;
  r.command_tag = "SHOW";
  r.column_names = {"schema", "name", "view", "topic", "mode", "format", "records", "emissions", "pending",
                    "checkpoint", "status"};
  r.column_types = {Type::text(),   Type::text(),   Type::text(),   Type::text(),   Type::text(), Type::text(),
                    Type::bigint(), Type::bigint(), Type::bigint(), Type::bigint(), Type::text()};
  Batch b(r.column_types);
  auto snap = engine_->catalog().snapshot();
  StreamRuntime* runtime = engine_->stream_runtime();
  for (const auto& [key, s] : snap->sinks) {
    const catalog::MaterializedViewDef* v = snap->find_materialized_view_by_oid(s->view_oid);
    std::shared_ptr<ViewSink> sink = runtime != nullptr ? runtime->find_sink(s->view_oid, s->oid) : nullptr;
    std::vector<Value> row = {Value::text(s->schema), Value::text(s->name),
                              v == nullptr ? Value::null(Type::text()) : Value::text(v->name),
                              Value::text(s->topic), Value::text(s->mode), Value::text(s->format)};
    if (sink == nullptr) {
      for (int i = 0; i < 4; ++i) row.push_back(Value::null(Type::bigint()));
      row.push_back(Value::text("not maintained"));
    } else {
      SinkStats st = sink->stats();
      row.push_back(Value::bigint(static_cast<int64_t>(st.records)));
      row.push_back(Value::bigint(static_cast<int64_t>(st.emissions)));
      row.push_back(Value::bigint(static_cast<int64_t>(st.pending)));
      row.push_back(Value::bigint(static_cast<int64_t>(st.sequence)));
      row.push_back(Value::text(st.status));
    }
    b.append_row(row);
  }
  r.batches.push_back(std::move(b));
  return r;
}

}  // namespace strata::exec
