// The extended query protocol: Parse, Bind, Describe, Execute, Close, Sync. The
// states and object lifetimes are listed in pg_connection.h.
#include <string>

#include "base/logging.h"
#include "pgwire/pg_connection.h"
#include "pgwire/pg_server.h"
#include "pgwire/sqlstate.h"
#include "pgwire/value_codec.h"

namespace strata::pgwire {

namespace {

std::string quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

Status no_statement(std::string_view name) {
  return Status::sql(sqlstate::kInvalidSqlStatementName, name.empty()
                                                              ? std::string("unnamed prepared statement does not exist")
                                                              : "prepared statement " + quoted(name) + " does not exist");
}

Status no_portal(std::string_view name) {
  return Status::sql(sqlstate::kInvalidCursorName, "portal " + quoted(name) + " does not exist");
}

Status protocol_violation(std::string message) {
  return Status::sql(sqlstate::kProtocolViolation, std::move(message));
}

// A Bind format-code list must have 0 entries (all text), 1 (for all) or `count`.
Status check_formats(const std::vector<int16_t>& formats, size_t count, const char* what) {
  if (formats.size() > 1 && formats.size() != count) {
    return protocol_violation("bind message has " + std::to_string(formats.size()) + " " + what + " formats but " +
                              std::to_string(count) + " " + what + "s");
  }
  for (int16_t f : formats) {
    if (f != kFormatText && f != kFormatBinary) return protocol_violation("unsupported format code: " + std::to_string(f));
  }
  return Status::ok_status();
}

int16_t format_at(const std::vector<int16_t>& formats, size_t i) {
  if (formats.empty()) return kFormatText;
  return formats.size() == 1 ? formats[0] : formats[i];
}

}  // namespace

void Connection::extended_error(const Status& status) {
  send_error(status);
  skip_until_sync_ = true;
  batch_failed_ = true;
}

net::Awaitable<void> Connection::drop_portal(std::string_view name) {
  auto it = portals_.find(name);
  if (it == portals_.end()) co_return;
  PortalEntry dropped = std::move(it->second);
  portals_.erase(it);
  if (dropped.portal) {
    co_await offload([&] {
      dropped.portal.reset();
      return 0;
    });
  }
}

net::Awaitable<bool> Connection::handle_parse(const msg::Parse& m) {
  if (m.name.empty()) {
    erase_statement(std::string_view());
  } else if (statements_.contains(m.name)) {
    extended_error(Status::sql(sqlstate::kDuplicatePreparedStatement,
                               "prepared statement " + quoted(m.name) + " already exists"));
    co_return true;
  } else if (static_cast<int32_t>(statements_.size()) >= server_->options().max_prepared_statements) {
    extended_error(Status::sql(sqlstate::kProgramLimitExceeded,
                               "too many prepared statements (max_prepared_statements = " +
                                   std::to_string(server_->options().max_prepared_statements) + ")"));
    co_return true;
  }
  std::vector<types::Type> param_types;
  param_types.reserve(m.param_oids.size());
  for (size_t i = 0; i < m.param_oids.size(); i++) {
    uint32_t oid = m.param_oids[i];
    types::Type t = oid == 0 ? types::Type::unknown() : types::type_from_pg_oid(oid);
    if (t.id() == types::TypeId::kUnknown && oid != 0 && oid != types::Type::unknown().pg_oid()) {
      extended_error(Status::sql(sqlstate::kFeatureNotSupported, "parameter $" + std::to_string(i + 1) +
                                                                     " has unsupported type OID " +
                                                                     std::to_string(oid)));
      co_return true;
    }
    param_types.push_back(t);
  }
  auto prepared = co_await offload(
      [&] { return session_->prepare(m.sql, param_types, Session::PrepareMode::kAnalyse); });
  if (!prepared.ok()) {
    extended_error(prepared.status());
    co_return true;
  }
  if (prepared->size() > 1) {
    extended_error(Status::sql(sqlstate::kSyntaxError, "cannot insert multiple commands into a prepared statement"));
    co_return true;
  }
  StatementEntry entry;
  if (!prepared->empty()) entry.statement = prepared->front();
  statements_[std::string(m.name)] = std::move(entry);
  writer_.parse_complete();
  co_return true;
}

net::Awaitable<bool> Connection::handle_bind(const msg::Bind& m) {
  auto st = statements_.find(m.statement);
  if (st == statements_.end()) {
    extended_error(no_statement(m.statement));
    co_return true;
  }
  if (m.portal.empty()) {
    co_await drop_portal(m.portal);
  } else if (portals_.contains(m.portal)) {
    extended_error(Status::sql(sqlstate::kDuplicateCursor, "portal " + quoted(m.portal) + " already exists"));
    co_return true;
  } else if (static_cast<int32_t>(portals_.size()) >= server_->options().max_portals) {
    extended_error(Status::sql(sqlstate::kProgramLimitExceeded,
                               "too many portals (max_portals = " + std::to_string(server_->options().max_portals) +
                                   ")"));
    co_return true;
  }
  std::shared_ptr<PreparedStatement> statement = st->second.statement;
  static const std::vector<types::Type> kNoParams;
  const std::vector<types::Type>& param_types = statement ? statement->description().param_types : kNoParams;
  if (m.params.size() != param_types.size()) {
    extended_error(protocol_violation("bind message supplies " + std::to_string(m.params.size()) +
                                      " parameters, but prepared statement " + quoted(m.statement) + " requires " +
                                      std::to_string(param_types.size())));
    co_return true;
  }
  if (Status s = check_formats(m.param_formats, m.params.size(), "parameter"); !s.ok()) {
    extended_error(s);
    co_return true;
  }
  for (int16_t f : m.result_formats) {
    if (f != kFormatText && f != kFormatBinary) {
      extended_error(protocol_violation("unsupported format code: " + std::to_string(f)));
      co_return true;
    }
  }

  PortalEntry entry;
  entry.statement = statement;
  if (statement) {
    // Decoding parameters (possibly megabytes of text) and binding are both work
    // for the pool.
    auto bound = co_await offload([&]() -> Result<std::unique_ptr<Portal>> {
      std::vector<types::Value> params;
      params.reserve(m.params.size());
      for (size_t i = 0; i < m.params.size(); i++) {
        const types::Type& type = param_types[i];
        if (!m.params[i]) {
          params.push_back(types::Value::null(type));
          continue;
        }
        std::string_view raw = *m.params[i];
        Result<types::Value> v =
            format_at(m.param_formats, i) == kFormatBinary
                ? decode_binary_value(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(raw.data()), raw.size()),
                                      type)
                : decode_text_value(raw, type);
        if (!v.ok()) {
          Status s = v.status();
          return Status(s.code(), s.message() + " (parameter $" + std::to_string(i + 1) + ")")
              .with_sqlstate(sqlstate::for_status(s));
        }
        params.push_back(std::move(v).value());
      }
      return session_->bind(statement, std::move(params));
    });
    if (!bound.ok()) {
      extended_error(bound.status());
      co_return true;
    }
    entry.portal = std::move(*bound);
    entry.description = entry.portal->description();
  }
  size_t columns = entry.description.kind == StatementKind::kRows ? entry.description.columns.size() : 0;
  if (entry.description.kind == StatementKind::kRows && m.result_formats.size() > 1 &&
      m.result_formats.size() != columns) {
    extended_error(protocol_violation("bind message has " + std::to_string(m.result_formats.size()) +
                                      " result formats but query has " + std::to_string(columns) + " columns"));
    co_await offload([&] {
      entry.portal.reset();
      return 0;
    });
    co_return true;
  }
  entry.result_formats.resize(columns);
  for (size_t i = 0; i < columns; i++) entry.result_formats[i] = format_at(m.result_formats, i);
  portals_[std::string(m.portal)] = std::move(entry);
  writer_.bind_complete();
  co_return true;
}

void Connection::handle_describe(const msg::Describe& m) {
  if (m.kind == 'S') {
    auto it = statements_.find(m.name);
    if (it == statements_.end()) {
      extended_error(no_statement(m.name));
      return;
    }
    const auto& statement = it->second.statement;
    if (!statement) {
      writer_.parameter_description({});
      writer_.no_data();
      return;
    }
    const StatementDescription& d = statement->description();
    std::vector<uint32_t> oids;
    oids.reserve(d.param_types.size());
    for (const types::Type& t : d.param_types) oids.push_back(t.pg_oid());
    writer_.parameter_description(oids);
    if (d.kind == StatementKind::kRows) {
      writer_.row_description(d.columns, {});
    } else {
      writer_.no_data();
    }
    return;
  }
  auto it = portals_.find(m.name);
  if (it == portals_.end()) {
    extended_error(no_portal(m.name));
    return;
  }
  const PortalEntry& entry = it->second;
  if (entry.portal && entry.description.kind == StatementKind::kRows) {
    writer_.row_description(entry.description.columns, entry.result_formats);
  } else {
    writer_.no_data();
  }
}

net::Awaitable<bool> Connection::handle_execute(const msg::Execute& m) {
  auto it = portals_.find(m.portal);
  if (it == portals_.end()) {
    extended_error(no_portal(m.portal));
    co_return true;
  }
  PortalEntry& entry = it->second;
  if (!entry.portal) {
    writer_.empty_query_response();
    co_return true;
  }
  if (entry.done && entry.description.kind != StatementKind::kRows &&
      entry.description.kind != StatementKind::kCommand) {
    // A finished COPY is not run again.
    writer_.command_complete(entry.tag);
    co_return true;
  }
  RunOutcome outcome = co_await execute_portal(entry, m.max_rows);
  switch (outcome) {
    case RunOutcome::kClosed: co_return false;
    case RunOutcome::kFailed:
      // The error is written; the portal cannot be resumed.
      skip_until_sync_ = true;
      batch_failed_ = true;
      co_await drop_portal(m.portal);
      co_return true;
    case RunOutcome::kCompleted:
    case RunOutcome::kSuspended: co_return true;
  }
  co_return true;
}

net::Awaitable<bool> Connection::handle_close(const msg::Close& m) {
  if (m.kind == 'S') {
    erase_statement(m.name);
  } else {
    co_await drop_portal(m.name);
  }
  writer_.close_complete();
  co_return true;
}

net::Awaitable<bool> Connection::handle_sync() {
  skip_until_sync_ = false;
  bool failed = batch_failed_;
  batch_failed_ = false;
  co_await offload([&] {
    session_->end_of_batch(failed);
    return 0;
  });
  co_await end_transaction_if_idle();
  ready_for_query();
  co_return co_await flush();
}

}  // namespace strata::pgwire
