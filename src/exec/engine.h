// Engine and Session: the SQL engine's front door. The engine owns the catalog, the
// function registry and every table's storage; a Session runs statements for one
// client connection (pgwire adapts it to the wire protocol).
//
// Statement lifecycle: parse (sql/parser.h) -> prepare (bind against a catalog
// snapshot; reports parameter and result types) -> execute (plan, run, apply
// writes). Each statement outside a transaction block is atomic on its own
// (autocommit); see docs/sql.md for transaction blocks and isolation.
//
// Threads: the Engine is shared by all sessions and is thread-safe. A Session is
// used by one thread at a time; request_cancel() may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "exec/operator.h"
#include "io/file_system.h"
#include "sql/ast.h"
#include "sql/function_registry.h"
#include "types/batch.h"

namespace strata::exec {

class TopicAccess;     // topic_access.h
class StreamRuntime;   // stream_runtime.h
class ViewMaintainer;  // view_maintainer.h

struct EngineOptions {
  std::string data_dir;                       // tables live in data_dir/tables, catalog in data_dir/catalog
  size_t query_memory_bytes = 512ull << 20;   // per statement, before operators spill
  size_t result_rows_max = 50'000'000;        // rows one statement may return
  bool synchronous_commit = true;             // fdatasync before a commit is acknowledged
  // Worker threads per parallel query fragment (session setting
  // max_parallel_workers_per_gather); 1 runs every plan on the session's thread.
  int parallel_workers = default_parallel_workers();
  // Tables with fewer rows are scanned on one thread (min_parallel_table_scan_rows).
  uint64_t parallel_rows_min = 131072;
  // The broker's topics, for streams (CREATE STREAM, SELECT and INSERT over them).
  // Null: stream statements fail with 0A000. Not owned; must outlive the engine.
  TopicAccess* topic_access = nullptr;
  // Materialized views (stream_runtime.h): how often each view commits its input
  // offsets and state to its checkpoint file (data_dir/views/<oid>.ckpt), and how
  // many bytes of records one view reads per step.
  int64_t checkpoint_interval_ms = 1000;
  int32_t view_step_bytes = 1 << 20;
  int64_t view_state_bytes_max = int64_t{1} << 30;  // per view (StreamRuntimeOptions::state_bytes_max)
  int32_t stream_runtime_threads = 0;  // StreamRuntimeOptions::threads; 0 = the core count (max 16)

  static int default_parallel_workers();
};

class TableStorage;  // engine.cc: one table's data

// The result of one statement.
struct StatementResult {
  bool returns_rows = false;
  std::vector<std::string> column_names;
  std::vector<types::Type> column_types;
  std::vector<types::Batch> batches;
  std::string command_tag;             // "SELECT 3", "INSERT 0 1", "CREATE TABLE", ...
  std::vector<std::string> notices;    // NOTICE messages, e.g. "table \"t\" does not exist, skipping"
};

// What Describe reports before execution.
struct StatementDescription {
  enum class Copy : uint8_t { kNone, kIn, kOut };  // COPY FROM STDIN / TO STDOUT
  Copy copy = Copy::kNone;
  int16_t copy_columns = 0;
  std::vector<types::Type> param_types;
  bool returns_rows = false;
  std::vector<std::string> column_names;
  std::vector<types::Type> column_types;
};

class Engine;

// COPY ... FROM STDIN in progress: data arrives in chunks split anywhere.
class CopyInStream {
 public:
  virtual ~CopyInStream() = default;
  virtual Status write(std::string_view data) = 0;
  // Parses what is left and inserts every row (atomically with the statement);
  // returns the row count.
  virtual Result<uint64_t> finish() = 0;
};

class Session {
 public:
  Session(Engine* engine, int32_t process_id);
  ~Session();

  // Parses a query string into statements (empty statements dropped).
  Result<std::vector<sql::StatementPtr>> parse(std::string_view text) const;
  // Binds without executing. `param_types` may hold Type::unknown() for $n whose
  // type the engine should infer.
  Result<StatementDescription> describe(const sql::Statement& stmt, std::string_view text,
                                        const std::vector<types::Type>& param_types);
  // Executes one statement. On error inside a transaction block the block is failed
  // (25P02 for later statements until ROLLBACK).
  Result<StatementResult> execute(const sql::Statement& stmt, std::string_view text,
                                  const std::vector<types::Value>& params);
  // COPY ... FROM STDIN: the stream to feed; its rows are inserted by finish(), which
  // commits like any statement outside a transaction block.
  Result<std::unique_ptr<CopyInStream>> begin_copy_in(const sql::CopyStmt& stmt);
  // COPY ... TO STDOUT: the whole output in COPY format and the row count.
  Result<std::pair<std::string, uint64_t>> copy_out(const sql::CopyStmt& stmt);
  // Ends a statement run outside execute() (COPY FROM STDIN): commits or rolls back
  // the implicit transaction.
  Status end_statement(bool ok);

  // Parses and executes every statement of `text` in order, stopping at the first
  // error (the simple query protocol; used by tests).
  Result<std::vector<StatementResult>> execute_all(std::string_view text);

  // 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block.
  char transaction_status() const;
  void request_cancel() { cancel_.store(true); }
  int32_t process_id() const { return process_id_; }
  // Session settings (SET/SHOW): name -> value.
  const std::map<std::string, std::string>& settings() const { return settings_; }

 private:
  struct Transaction;
  struct Cursor;
  // Cursors (session_cursor.cc): DECLARE, FETCH/MOVE, CLOSE, and the end of a
  // transaction block closing the cursors that do not outlive it.
  Result<StatementResult> run_declare_cursor(const sql::DeclareCursorStmt& stmt,
                                             const std::vector<types::Value>& params);
  Result<StatementResult> run_fetch(const sql::FetchStmt& stmt);
  Result<StatementResult> run_close_cursor(const sql::CloseCursorStmt& stmt);
  Result<StatementDescription> describe_fetch(const sql::FetchStmt& stmt) const;
  void close_transaction_cursors(bool committed);
  Result<StatementResult> execute_inner(const sql::Statement& stmt, std::string_view text,
                                        const std::vector<types::Value>& params);
  Result<StatementResult> run_query(const sql::Query& query, const std::vector<types::Value>& params,
                                    const sql::ExplainStmt* explain);
  Result<StatementResult> run_dml(const sql::Statement& stmt, const std::vector<types::Value>& params,
                                  const sql::ExplainStmt* explain);
  Result<StatementResult> run_ddl(const sql::Statement& stmt, std::string_view text);
  Result<StatementResult> run_copy(const sql::CopyStmt& stmt);
  // Streams (session_stream.cc).
  Result<StatementResult> run_create_stream(const sql::CreateStreamStmt& stmt);
  Result<StatementResult> run_drop_stream(const sql::DropStmt& stmt);
  Result<StatementResult> run_show_streams();
  // Materialized views (session_view.cc).
  Result<StatementResult> run_create_materialized_view(const sql::CreateViewStmt& stmt);
  // EXPLAIN CREATE MATERIALIZED VIEW: the dataflow it would run; creates nothing.
  Result<StatementResult> run_explain_materialized_view(const sql::CreateViewStmt& stmt);
  // The name of a materialized view of `snap` whose query reads table `table`
  // (a lookup join), or "" (DROP and ALTER TABLE refuse such tables: 2BP01).
  std::string materialized_view_reading(const catalog::CatalogSnapshot& snap, catalog::Oid table);
  Result<StatementResult> run_drop_materialized_view(const sql::DropStmt& stmt);
  Result<StatementResult> run_show_materialized_views();
  // Sinks (session_sink.cc).
  Result<StatementResult> run_create_sink(const sql::CreateSinkStmt& stmt);
  Result<StatementResult> run_drop_sink(const sql::DropStmt& stmt);
  Result<StatementResult> run_show_sinks();
  // The names of the sinks of `snap` reading materialized view `view`.
  std::vector<std::string> sinks_reading(const catalog::CatalogSnapshot& snap, catalog::Oid view);
  // NOTICEs for the records the statement's stream scans skipped.
  void report_skipped_records(StatementResult& r);
  // Runs a bound kInsert/kUpdate/kDelete plan; `rows`, when given, replaces the plan's
  // innermost kValues source (COPY FROM).
  Result<StatementResult> execute_dml_plan(const sql::LogicalPlan& plan, const std::vector<types::Value>& params,
                                           const sql::ExplainStmt* explain, std::vector<types::Batch>* rows);
  Result<StatementResult> run_transaction(const sql::TransactionStmt& stmt);
  Result<StatementResult> run_set_show(const sql::Statement& stmt);
  Result<StatementResult> run_explain(const sql::ExplainStmt& stmt, const std::vector<types::Value>& params);
  ExecContext make_context(const std::vector<types::Value>& params, MemoryBudget* budget);
  // A numeric session setting, or `fallback` when unset or not an integer.
  int64_t setting_int(const std::string& name, int64_t fallback) const;
  Status commit_pending();
  void abort_pending();

  Engine* engine_;
  int32_t process_id_;
  std::atomic<bool> cancel_{false};
  std::map<std::string, std::string> settings_;
  std::unique_ptr<Transaction> txn_;  // set inside BEGIN ... COMMIT
  // Open cursors by name. Declared after txn_ so destroyed before it: a streaming
  // cursor reads the transaction's tables (commit_pending/abort_pending close those
  // that end with the transaction first).
  std::map<std::string, std::unique_ptr<Cursor>> cursors_;
  bool txn_failed_ = false;
  int64_t statement_micros_ = 0;
};

class Engine {
 public:
  // Opens the engine over `options.data_dir` (created if missing): loads the catalog
  // and opens every table's storage, recovering what the last run left.
  static Result<std::unique_ptr<Engine>> open(io::FileSystem* fs, EngineOptions options);
  ~Engine();

  std::unique_ptr<Session> new_session();
  catalog::Catalog& catalog() { return *catalog_; }
  const sql::FunctionRegistry& functions() const { return functions_; }
  const EngineOptions& options() const { return options_; }
  // Where queries write spill files: data_dir/spill, emptied at open; empty (no
  // spilling: 53200 past the memory budget) for an engine without a data directory.
  std::string spill_dir() const { return options_.data_dir.empty() ? "" : options_.data_dir + "/spill"; }
  // A table's storage, or null when the table has none (dropped meanwhile).
  std::shared_ptr<TableStorage> storage(catalog::Oid table_oid);
  Status create_storage(const catalog::TableDef& table);
  // The storage of stream `oid` (stream_storage.h); null when no stream has that
  // OID; 0A000 when the engine has no TopicAccess.
  Result<std::shared_ptr<TableStorage>> stream_storage(catalog::Oid stream_oid);
  Status drop_storage(catalog::Oid table_oid);
  // The storage of materialized view `oid`: reads its current result
  // (view_maintainer.h). Null when no view has that OID; the view's error when it
  // is not maintained (a damaged checkpoint); 0A000 without TopicAccess.
  Result<std::shared_ptr<TableStorage>> materialized_view_storage(catalog::Oid view_oid);
  // The runtime that maintains materialized views; null without TopicAccess.
  StreamRuntime* stream_runtime() { return runtime_.get(); }
  // Stops the materialized views' thread after a last checkpoint (idempotent;
  // the destructor calls it). The server calls it before closing the log.
  void stop_streams();
  // Background work: flush small writes into parts, merge parts. Called by the
  // server's maintenance timer (off the event loop).
  void maintenance();
  // Cancels the session with this process id and secret (pgwire CancelRequest).
  void cancel(int32_t process_id);

 private:
  friend class Session;
  Engine(io::FileSystem* fs, EngineOptions options);
  // Creates the runtime and hands it every materialized view of the catalog.
  Status start_streams();

  io::FileSystem* fs_;
  EngineOptions options_;
  std::unique_ptr<catalog::Catalog> catalog_;
  sql::FunctionRegistry functions_;
  std::mutex mu_;  // guards storages_, sessions_
  std::map<catalog::Oid, std::shared_ptr<TableStorage>> storages_;
  std::map<int32_t, Session*> sessions_;
  std::atomic<int32_t> next_process_id_{1000};
  // Views the runtime could not take at open (their definition no longer binds).
  std::map<catalog::Oid, Status> broken_views_;  // guarded by mu_
  // Last member: stopped and destroyed first, while the catalog and functions it
  // uses still exist.
  std::unique_ptr<StreamRuntime> runtime_;
};

}  // namespace strata::exec
