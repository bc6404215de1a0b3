// Streams: CREATE STREAM, DROP STREAM, SHOW STREAMS, and the storage that lets
// SELECT and INSERT run over a stream's topic (stream_storage.h; docs/streams.md).
//
// Like other DDL, stream DDL is not transactional. CREATE STREAM creates the topic
// (when missing) before writing the catalog entry, so a failure in between leaves
// at most an unused topic, never a stream without its topic.
#include <fmt/format.h>

#include <charconv>

#include "exec/session_internal.h"
#include "exec/stream_storage.h"
#include "exec/topic_access.h"
#include "formats/record_format.h"
#include "sql/binder.h"
#include "types/cast.h"

namespace strata::exec {

namespace {

constexpr int32_t kStreamPartitionsMax = 10000;

Status error_at(std::string_view state, std::string msg, int32_t location) {
  Status s = Status::sql(state, std::move(msg));
  if (location >= 0) s.with_position(location + 1);
  return s;
}

Status no_topic_access() {
  return Status::sql("0A000", "streams are not available: this SQL engine runs without the broker's log");
}

// A non-negative interval of fixed length (no months) in microseconds.
Result<int64_t> fixed_interval_micros(std::string_view text, std::string_view what, int32_t location) {
  Result<Value> v = types::parse_value(text, Type::interval());
  if (!v.ok()) return error_at("22023", fmt::format("{}: {}", what, v.status().message()), location);
  const types::Interval& iv = v->as_interval();
  if (iv.months != 0) return error_at("22023", fmt::format("{} must not use months or years", what), location);
  int64_t micros = static_cast<int64_t>(iv.days) * 86'400'000'000 + iv.micros;
  if (micros < 0) return error_at("22023", fmt::format("{} must not be negative", what), location);
  return micros;
}

std::string option_text(const sql::Option& o) { return o.values.size() == 1 ? o.values[0].text : ""; }

// WATERMARK FOR col AS col [- INTERVAL '...']: the delay behind the column.
Result<int64_t> watermark_delay(const sql::WatermarkDef& wm) {
  const sql::Expr& e = *wm.expr;
  auto is_column = [&](const sql::Expr& x) {
    const auto* c = x.as_if<sql::ColumnRef>();
    return c != nullptr && c->names.size() == 1 && c->names[0] == wm.column;
  };
  if (is_column(e)) return int64_t{0};
  const auto* minus = e.as_if<sql::BinaryOp>();
  if (minus != nullptr && minus->op == "-" && is_column(*minus->left)) {
    const auto* cast = minus->right->as_if<sql::Cast>();
    const sql::Constant* lit = cast ? cast->arg->as_if<sql::Constant>() : nullptr;
    if (lit != nullptr && lit->constant_kind == sql::ConstantKind::kString && cast->type.name == "interval" &&
        cast->type.interval_fields.empty()) {
      return fixed_interval_micros(lit->text, "watermark delay", minus->right->location);
    }
  }
  return error_at("0A000",
                  fmt::format("WATERMARK FOR {0} must be \"{0}\" or \"{0} - INTERVAL '<duration>'\"", wm.column),
                  wm.location);
}

}  // namespace

Status check_topic_name(const std::string& name, std::string_view option, int32_t location) {
  bool ok = !name.empty() && name.size() <= 249 && name != "." && name != ".." && name.rfind("__", 0) != 0;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                c == '-');
  }
  if (ok) return Status::ok_status();
  return error_at("22023",
                  fmt::format("invalid {} \"{}\": topic names are 1-249 characters of [a-zA-Z0-9._-], not \".\", "
                              "\"..\" or starting with \"__\"",
                              option, name),
                  location);
}

Result<std::shared_ptr<TableStorage>> Engine::stream_storage(catalog::Oid stream_oid) {
  auto snap = catalog_->snapshot();
  const catalog::StreamDef* def = snap->find_stream_by_oid(stream_oid);
  if (def == nullptr) return std::shared_ptr<TableStorage>();
  if (options_.topic_access == nullptr) return no_topic_access();
  return make_stream_storage(snap->streams.at(catalog::CatalogSnapshot::key(def->schema, def->name)),
                             options_.topic_access);
}

Result<StatementResult> Session::run_create_stream(const sql::CreateStreamStmt& c) {
  StatementResult r;
  r.command_tag = "CREATE STREAM";
  TopicAccess* access = engine_->options().topic_access;
  if (access == nullptr) return no_topic_access();
  auto& cat = engine_->catalog();
  std::string schema = c.name.parts.size() >= 2 ? c.name.parts[c.name.parts.size() - 2] : "public";
  const std::string& name = c.name.name();
  auto snap = cat.snapshot();
  if (!snap->has_schema(schema)) {
    return error_at("3F000", fmt::format("schema \"{}\" does not exist", schema), c.name.location);
  }
  if (snap->relation_exists(schema, name)) {
    if (c.if_not_exists && snap->find_stream(schema, name) != nullptr) {
      r.notices.push_back(fmt::format("stream \"{}\" already exists, skipping", name));
      return r;
    }
    return error_at("42P07", fmt::format("relation \"{}\" already exists", name), c.name.location);
  }

  auto def = std::make_shared<catalog::StreamDef>();
  def->schema = schema;
  def->name = name;
  def->topic = name;
  for (const auto& col : c.columns) {
    if (def->column_index(col.name) >= 0) {
      return error_at("42701", fmt::format("column \"{}\" specified more than once", col.name), col.location);
    }
    catalog::ColumnDef cd;
    cd.name = col.name;
    STRATA_ASSIGN_OR_RETURN(cd.type, sql::Binder::resolve_type(col.type));
    for (const auto& con : col.constraints) {
      if (con.constraint_kind == sql::ConstraintKind::kNotNull) {
        cd.not_null = true;
      } else if (con.constraint_kind != sql::ConstraintKind::kNull) {
        return error_at("0A000", "stream columns take only NOT NULL constraints", con.location);
      }
    }
    def->columns.push_back(std::move(cd));
  }
  if (!c.constraints.empty()) {
    return error_at("0A000", "streams take no table constraints (keys, CHECK)", c.constraints[0].location);
  }
  if (def->columns.empty()) return error_at("42P16", "a stream needs at least one column", c.location);

  bool topic_given = false;
  bool dead_letter_given = false;
  for (const sql::Option& o : c.options) {
    std::string v = option_text(o);
    if (o.values.size() != 1) return error_at("22023", fmt::format("option \"{}\" needs one value", o.name), o.location);
    if (o.name == "topic") {
      STRATA_RETURN_IF_ERROR(check_topic_name(v, "topic", o.location));
      def->topic = v;
      topic_given = true;
    } else if (o.name == "format") {
      Result<formats::RecordFormat> f = formats::parse_record_format(v);
      if (!f.ok()) return error_at("22023", f.status().message(), o.location);
      def->format = std::string(formats::record_format_name(*f));
    } else if (o.name == "partitions") {
      int64_t n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || end != v.data() + v.size() || n < 1 || n > kStreamPartitionsMax) {
        return error_at("22023", fmt::format("partitions must be an integer from 1 to {}", kStreamPartitionsMax),
                        o.location);
      }
      def->partitions = static_cast<int32_t>(n);
    } else if (o.name == "allowed_lateness") {
      STRATA_ASSIGN_OR_RETURN(def->allowed_lateness_us, fixed_interval_micros(v, "allowed_lateness", o.location));
    } else if (o.name == "dead_letter_topic") {
      STRATA_RETURN_IF_ERROR(check_topic_name(v, "dead_letter_topic", o.location));
      def->dead_letter_topic = v;
      dead_letter_given = true;
    } else {
      return error_at("22023",
                      fmt::format("unrecognized stream option \"{}\" (expected topic, format, partitions, "
                                  "allowed_lateness, dead_letter_topic)",
                                  o.name),
                      o.location);
    }
  }
  if (!topic_given) STRATA_RETURN_IF_ERROR(check_topic_name(def->topic, "topic (the stream's name)", c.name.location));
  if (!dead_letter_given) def->dead_letter_topic = def->topic + ".dlq";
  if (def->dead_letter_topic == def->topic) {
    return error_at("22023", "dead_letter_topic must differ from the stream's topic", c.location);
  }

  if (c.watermark) {
    const sql::WatermarkDef& wm = *c.watermark;
    int32_t idx = def->column_index(wm.column);
    if (idx < 0) return error_at("42703", fmt::format("column \"{}\" does not exist", wm.column), wm.location);
    types::TypeId t = def->columns[static_cast<size_t>(idx)].type.id();
    if (t != types::TypeId::kTimestamp && t != types::TypeId::kTimestampTz) {
      return error_at("42804",
                      fmt::format("WATERMARK FOR column \"{}\" needs type timestamp or timestamptz, not {}", wm.column,
                                  def->columns[static_cast<size_t>(idx)].type.name()),
                      wm.location);
    }
    STRATA_ASSIGN_OR_RETURN(def->watermark_delay_us, watermark_delay(wm));
    def->watermark_column = wm.column;
    def->watermark_sql = wm.expr_text;
  }

  std::vector<formats::FieldSpec> fields;
  for (const auto& col : def->columns) fields.push_back({col.name, col.type, col.not_null});
  Result<formats::RecordFormat> format = formats::parse_record_format(def->format);
  STRATA_RETURN_IF_ERROR(format.status());
  STRATA_RETURN_IF_ERROR(formats::check_record_fields(*format, fields));

  STRATA_ASSIGN_OR_RETURN(int32_t partitions, access->ensure_topic(def->topic, def->partitions));
  if (partitions != def->partitions) {
    r.notices.push_back(
        fmt::format("topic \"{}\" already exists with {} partitions; the stream uses them", def->topic, partitions));
    def->partitions = partitions;
  }
  bool skipped = false;
  Status st = cat.update([&](catalog::CatalogSnapshot& next) -> Status {
    if (next.relation_exists(schema, name)) {
      if (c.if_not_exists && next.find_stream(schema, name) != nullptr) {
        skipped = true;
        return Status::sql("00000", "skip");
      }
      return error_at("42P07", fmt::format("relation \"{}\" already exists", name), c.name.location);
    }
    def->oid = next.allocate_oid();
    next.streams[catalog::CatalogSnapshot::key(schema, name)] = def;
    return Status::ok_status();
  });
  if (skipped) {
    r.notices.push_back(fmt::format("stream \"{}\" already exists, skipping", name));
    return r;
  }
  STRATA_RETURN_IF_ERROR(st);
  return r;
}

Result<StatementResult> Session::run_drop_stream(const sql::DropStmt& d) {
  StatementResult r;
  r.command_tag = "DROP STREAM";
  for (const auto& n : d.names) {
    std::string schema = n.parts.size() >= 2 ? n.parts[n.parts.size() - 2] : "public";
    const std::string& name = n.name();
    bool missing = false;
    Status dropped = engine_->catalog().update([&](catalog::CatalogSnapshot& next) -> Status {
      auto it = next.streams.find(catalog::CatalogSnapshot::key(schema, name));
      if (it != next.streams.end()) {
        for (const auto& [k, mv] : next.materialized_views) {
          if (mv->stream_oid == it->second->oid) {
            return error_at("2BP01",
                            fmt::format("cannot drop stream \"{}\" because materialized view \"{}\" depends on it",
                                        name, mv->name),
                            n.location);
          }
        }
        // A view joining this stream with its own (the view's query names it).
        if (std::string reader = materialized_view_reading(next, it->second->oid); !reader.empty()) {
          return error_at("2BP01",
                          fmt::format("cannot drop stream \"{}\" because materialized view \"{}\" depends on it",
                                      name, reader),
                          n.location);
        }
        next.streams.erase(it);
        return Status::ok_status();
      }
      if (next.relation_exists(schema, name)) {
        return error_at("42809", fmt::format("\"{}\" is not a stream", name), n.location);
      }
      if (d.if_exists) {
        missing = true;
        return Status::sql("00000", "skip");
      }
      return error_at("42P01", fmt::format("stream \"{}\" does not exist", name), n.location);
    });
    if (!missing) STRATA_RETURN_IF_ERROR(dropped);
    if (missing) r.notices.push_back(fmt::format("stream \"{}\" does not exist, skipping", name));
  }
  return r;
}

Result<StatementResult> Session::run_show_streams() {
  StatementResult r;
  r.returns_rows = true;
  r.command_tag = "SHOW";
  r.column_names = {"schema", "name", "topic", "format", "partitions", "watermark", "allowed_lateness",
                    "dead_letter_topic"};
  r.column_types = {Type::text(), Type::text(), Type::text(), Type::text(), Type::integer(), Type::text(),
                    Type::interval(), Type::text()};
  Batch b(r.column_types);
  for (const auto& [key, s] : engine_->catalog().snapshot()->streams) {
    Value watermark = s->watermark_column.empty()
                          ? Value::null(Type::text())
                          : Value::text(fmt::format("{} AS {}", s->watermark_column, s->watermark_sql));
    b.append_row({Value::text(s->schema), Value::text(s->name), Value::text(s->topic), Value::text(s->format),
                  Value::integer(s->partitions), watermark,
                  Value::interval(types::Interval{0, 0, s->allowed_lateness_us}), Value::text(s->dead_letter_topic)});
  }
  r.batches.push_back(std::move(b));
  return r;
}

void Session::report_skipped_records(StatementResult& r) {
  if (!txn_) return;
  for (const auto& [oid, st] : txn_->tables) {
    const auto* view = dynamic_cast<const StreamReadView*>(st.base.get());
    if (view == nullptr) continue;
    StreamReadView::Skipped skipped = view->take_skipped();
    if (skipped.count == 0) continue;
    r.notices.push_back(fmt::format("skipped {} record{} of stream \"{}\" that did not decode (first: {})",
                                    skipped.count, skipped.count == 1 ? "" : "s", view->stream_name(),
                                    skipped.first_reason));
  }
}

}  // namespace strata::exec
