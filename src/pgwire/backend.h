// Backend, Session, PreparedStatement, Portal, CopyInSink: what the PostgreSQL
// protocol needs from a SQL engine. The engine implements these; pgwire never sees
// SQL internals (ASTs, plans, catalogs), and the engine never sees wire formats:
// parameters arrive as types::Value, rows leave as types::Batch, and pgwire does
// every text/binary encoding (docs/formats/pgwire.md).
//
// Call sequence on one connection (all through pgwire/pg_connection.cc):
//
//   Backend::open_session(startup)            once, after the startup packet
//   Session::prepare(sql, types, mode)         per Query ('Q') or Parse ('P')
//   Session::bind(statement, params)           per statement run (simple) or Bind ('B')
//   Portal::fetch(batch) ... until false       Execute ('E'); may stop early at a row
//     or Portal::fetch_copy_out(chunk) ...     limit and continue on the next Execute
//     or Portal::copy_in() -> sink             COPY FROM STDIN
//   Portal::command_tag()                      after the last fetch
//   Session::take_notices()                    after every call above
//   destroy portals, statements, then the session (connection closed)
//
// Errors: every failure is a Status; its sqlstate() (or, when empty, a code derived
// from code() by pgwire/sqlstate.h) and position() go to the client as an
// ErrorResponse. A failed call leaves the object usable (a portal that failed is
// dropped by pgwire and not fetched again).
//
// Threads: Backend methods may be called from any thread at once (open_session runs
// on the worker pool, cancel() on the event loop). A Session and everything it
// returned are used by one thread at a time, but not always the same one: every call
// runs on a worker-pool thread, never on the event loop (decision 0003), so a call
// may block for as long as the query takes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "types/batch.h"
#include "types/type.h"
#include "types/value.h"

namespace strata::pgwire {

// The startup packet's parameters. `user` is required by the protocol (pgwire
// refuses a startup packet without it); `database` defaults to `user`.
struct StartupParams {
  std::string user;
  std::string database;
  std::string application_name;
  // Every pair as sent, including the three above (e.g. "client_encoding",
  // "DateStyle", "options").
  std::vector<std::pair<std::string, std::string>> all;
};

// One result column as RowDescription reports it.
struct ColumnDescription {
  std::string name;
  types::Type type;
  uint32_t table_oid = 0;     // the source table's OID, 0 when not a plain column
  int16_t column_number = 0;  // its attribute number (1-based), 0 when not a plain column
};

enum class StatementKind : uint8_t {
  kCommand,  // no result rows (DDL, DML without RETURNING, BEGIN, SET): NoData
  kRows,     // returns rows described by `columns`
  kCopyIn,   // COPY ... FROM STDIN: the portal consumes bytes through copy_in()
  kCopyOut,  // COPY ... TO STDOUT: the portal yields bytes through fetch_copy_out()
};

struct StatementDescription {
  StatementKind kind = StatementKind::kCommand;
  // One type per $n parameter, with every parameter the client left unspecified
  // (OID 0) resolved by the engine. Its size is the number of parameters Bind
  // must supply.
  std::vector<types::Type> param_types;
  // kRows: the result columns (may be empty: SELECT with no columns).
  std::vector<ColumnDescription> columns;
  // kCopyIn/kCopyOut: the number of columns of the copied rows (CopyInResponse /
  // CopyOutResponse). Only the text COPY format is supported.
  int16_t copy_column_count = 0;
};

// A statement parsed and analysed, ready to bind. The engine derives from it and
// keeps whatever it needs to run the statement. Immutable after prepare(), so a
// portal may keep using it after the client closed the statement.
class PreparedStatement {
 public:
  explicit PreparedStatement(StatementDescription description) : description_(std::move(description)) {}
  virtual ~PreparedStatement() = default;
  const StatementDescription& description() const { return description_; }

 private:
  StatementDescription description_;
};

// Where COPY FROM STDIN data goes. write() receives the CopyData payloads in order,
// split anywhere (not at row boundaries); then exactly one of finish() (CopyDone)
// or abort() (CopyFail, or the connection was lost).
class CopyInSink {
 public:
  virtual ~CopyInSink() = default;
  virtual Status write(std::string_view data) = 0;
  // Parses what is left and applies the rows; the portal's command_tag() then
  // reports "COPY n".
  virtual Status finish() = 0;
  virtual void abort(std::string_view reason) = 0;
};

// A bound statement being run. Exactly one of the three paths is used, by the
// statement's kind:
//   kRows / kCommand: fetch() until it returns false, then command_tag().
//   kCopyOut:         fetch_copy_out() until it returns false, then command_tag().
//   kCopyIn:          copy_in() once, feed the sink, then command_tag().
// The first call runs the statement (for kCommand fetch() runs it and returns
// false). A portal dropped before it was finished is abandoned: the engine must
// release what it holds in the destructor (for DML, what was done stays done, as
// with PostgreSQL's Execute with a row limit).
class Portal {
 public:
  virtual ~Portal() = default;
  // The statement's final description (for a kParseOnly statement, the result of
  // its analysis at bind()). RowDescription and the COPY responses are built from it.
  virtual const StatementDescription& description() const = 0;
  // Replaces `out` with the next rows (out.rows > 0, columns of the statement's
  // column types); returns false, leaving `out` empty, when there are no more.
  virtual Result<bool> fetch(types::Batch& out) = 0;
  // Replaces `out` with the next bytes of COPY TO STDOUT output: one or more whole
  // lines in COPY's text format. Returns false when done.
  virtual Result<bool> fetch_copy_out(std::string& out) {
    return Status::sql("0A000", "COPY TO STDOUT is not supported by this statement");
  }
  // The sink for COPY FROM STDIN data; owned by the portal.
  virtual Result<CopyInSink*> copy_in() {
    return Status::sql("0A000", "COPY FROM STDIN is not supported by this statement");
  }
  // PostgreSQL's command tag: "SELECT 3", "INSERT 0 1", "UPDATE 2", "CREATE TABLE",
  // "BEGIN", "COPY 5". REQUIRES: the statement ran to completion.
  virtual std::string command_tag() const = 0;
};

// NoticeResponse contents: severity "NOTICE", "WARNING", "INFO", "DEBUG" or "LOG".
struct Notice {
  std::string severity = "NOTICE";
  std::string sqlstate = "00000";
  std::string message;
  std::string detail;  // optional
  std::string hint;    // optional
};

class Session {
 public:
  virtual ~Session() = default;

  // BackendKeyData: the pair a CancelRequest must present (Backend::cancel).
  virtual int32_t process_id() const = 0;
  virtual int32_t secret_key() const = 0;

  // ParameterStatus pairs sent after authentication. psql and drivers expect at
  // least: server_version, server_encoding, client_encoding, DateStyle,
  // IntervalStyle, TimeZone, integer_datetimes, standard_conforming_strings,
  // application_name, is_superuser. default_parameter_status() builds them.
  virtual std::vector<std::pair<std::string, std::string>> parameter_status() const = 0;

  // ReadyForQuery's status: 'I' idle, 'T' in a transaction block, 'E' in a failed
  // transaction block (statements refused until ROLLBACK).
  virtual char transaction_status() const = 0;

  // Parses `sql` into its statements, in order. Empty statements are dropped (so ""
  // and ";" give none). A syntax error anywhere fails the whole call (PostgreSQL
  // parses the whole string first).
  //
  // kAnalyse (extended protocol, Parse 'P'): each statement is also analysed now
  // (names resolved, parameter and result types known) and its description() is
  // final; `param_types` are the types the client gave, by position, and
  // Type::unknown() (OID 0, or fewer types than parameters) asks the engine to
  // infer the type.
  // kParseOnly (simple protocol, Query 'Q'): analysis may wait until bind(), because
  // a statement may depend on an earlier one of the same string (CREATE TABLE t ...;
  // INSERT INTO t ...). `param_types` is empty and pgwire reads the description from
  // the portal only.
  enum class PrepareMode : uint8_t { kAnalyse, kParseOnly };
  virtual Result<std::vector<std::shared_ptr<PreparedStatement>>> prepare(
      std::string_view sql, const std::vector<types::Type>& param_types, PrepareMode mode) = 0;

  // Binds parameter values (already decoded by pgwire into the statement's
  // param_types; NULLs are Value::null(type)) and returns a portal ready to run.
  // `params.size()` equals description().param_types.size().
  virtual Result<std::unique_ptr<Portal>> bind(const std::shared_ptr<PreparedStatement>& statement,
                                               std::vector<types::Value> params) = 0;

  // Called at a simple Query's end and at Sync (the end of an extended-protocol
  // batch): an implicit transaction (statements run outside BEGIN ... COMMIT) ends
  // here. `failed` says whether an error occurred in the batch (then roll back).
  // Default: nothing (every statement commits on its own).
  virtual void end_of_batch(bool failed) {}

  // Notices raised since the last call, in order (sent as NoticeResponse).
  virtual std::vector<Notice> take_notices() { return {}; }
  // Reported parameters that changed since the last call (SET application_name):
  // sent as ParameterStatus before the next ReadyForQuery.
  virtual std::vector<std::pair<std::string, std::string>> take_parameter_changes() { return {}; }
};

class Backend {
 public:
  virtual ~Backend() = default;
  // A session for one connection. An error (e.g. 3D000 database does not exist,
  // 28000 invalid authorization) is sent as a FATAL ErrorResponse and the
  // connection closed.
  virtual Result<std::unique_ptr<Session>> open_session(const StartupParams& params) = 0;
  // CancelRequest: asks the session with this key pair to stop its current
  // statement (which then fails with 57014 query_canceled). A wrong pair is ignored
  // silently. Runs on the event loop: it must only flag the session, never block.
  virtual void cancel(int32_t process_id, int32_t secret_key) = 0;
};

// The ParameterStatus list PostgreSQL 15 reports, with our fixed settings (UTF8,
// ISO dates, UTC) and the client's application_name.
std::vector<std::pair<std::string, std::string>> default_parameter_status(std::string_view application_name,
                                                                          bool is_superuser);

}  // namespace strata::pgwire
