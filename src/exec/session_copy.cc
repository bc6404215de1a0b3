// COPY: FROM STDIN / TO STDOUT (streamed through pgwire) and FROM/TO a server-side
// file. Rows loaded by COPY FROM go through the same path as INSERT (defaults,
// NOT NULL, CHECK, unique keys) and commit atomically with the statement.
#include <fmt/format.h>

#include "exec/copy_format.h"
#include "exec/session_internal.h"
#include "sql/binder.h"
#include "sql/parser.h"

namespace strata::exec {

namespace {

constexpr size_t kCopyFileBytesMax = size_t{1} << 30;

class SessionCopyIn final : public CopyInStream {
 public:
  SessionCopyIn(Session* session, sql::LogicalPlanPtr plan, CopyParser parser,
                std::function<Result<StatementResult>(const sql::LogicalPlan&, std::vector<Batch>*)> run)
      : session_(session), plan_(std::move(plan)), parser_(std::move(parser)), run_(std::move(run)) {}

  Status write(std::string_view data) override {
    STRATA_RETURN_IF_ERROR(parser_.write(data));
    if (parser_.pending_rows() >= types::kBatchRows) rows_.push_back(parser_.take_rows());
    return Status::ok_status();
  }

  Result<uint64_t> finish() override {
    STRATA_RETURN_IF_ERROR(parser_.finish());
    if (parser_.pending_rows() > 0) rows_.push_back(parser_.take_rows());
    STRATA_ASSIGN_OR_RETURN(StatementResult r, run_(*plan_, &rows_));
    (void)r;
    (void)session_;
    return parser_.rows_parsed();
  }

 private:
  Session* session_;
  sql::LogicalPlanPtr plan_;
  CopyParser parser_;
  std::function<Result<StatementResult>(const sql::LogicalPlan&, std::vector<Batch>*)> run_;
  std::vector<Batch> rows_;
};

}  // namespace

Result<std::unique_ptr<CopyInStream>> Session::begin_copy_in(const sql::CopyStmt& stmt) {
  if (!stmt.is_from || stmt.query) return Status::sql("42601", "COPY FROM needs a table");
  if (stmt.where) return Status::sql("0A000", "COPY FROM ... WHERE is not supported");
  cancel_.store(false);
  statement_micros_ = now_micros();
  if (txn_failed_) {
    return Status::sql("25P02", "current transaction is aborted, commands ignored until end of transaction block");
  }
  if (!txn_) txn_ = std::make_unique<Transaction>();
  sql::Binder binder(engine_->catalog().snapshot(), &engine_->functions());
  STRATA_ASSIGN_OR_RETURN(sql::LogicalPlanPtr plan, binder.bind_copy_from(stmt.table, stmt.columns));
  STRATA_ASSIGN_OR_RETURN(CopyOptions options, CopyOptions::from_statement(stmt.options));
  const sql::LogicalPlan* leaf = plan->children[0]->children[0].get();
  CopyParser parser(leaf->types, options);
  parser.set_column_names(leaf->names);
  auto run = [this](const sql::LogicalPlan& p, std::vector<Batch>* rows) {
    static const std::vector<Value> kNoParams;
    return execute_dml_plan(p, kNoParams, nullptr, rows);
  };
  return std::unique_ptr<CopyInStream>(std::make_unique<SessionCopyIn>(this, plan, std::move(parser), run));
}

Status Session::end_statement(bool ok) {
  if (!ok) {
    if (txn_ && txn_->explicit_block) {
      txn_failed_ = true;
    } else {
      abort_pending();
    }
    return Status::ok_status();
  }
  if (txn_ && !txn_->explicit_block) return commit_pending();
  return Status::ok_status();
}

Result<std::pair<std::string, uint64_t>> Session::copy_out(const sql::CopyStmt& stmt) {
  if (stmt.is_from) return Status::sql("42601", "COPY TO needs TO");
  cancel_.store(false);
  statement_micros_ = now_micros();
  if (txn_failed_) {
    return Status::sql("25P02", "current transaction is aborted, commands ignored until end of transaction block");
  }
  if (!txn_) txn_ = std::make_unique<Transaction>();
  STRATA_ASSIGN_OR_RETURN(CopyOptions options, CopyOptions::from_statement(stmt.options));
  StatementResult rows;
  if (stmt.query) {
    STRATA_ASSIGN_OR_RETURN(rows, run_query(*stmt.query, {}, nullptr));
  } else {
    // COPY t (cols) TO: SELECT cols FROM t.
    std::string cols;
    for (size_t i = 0; i < stmt.columns.size(); ++i) {
      if (i) cols += ", ";
      cols += "\"" + stmt.columns[i] + "\"";
    }
    std::string q = fmt::format("SELECT {} FROM {}", cols.empty() ? "*" : cols,
                                stmt.table.parts.size() >= 2
                                    ? fmt::format("\"{}\".\"{}\"", stmt.table.parts[stmt.table.parts.size() - 2],
                                                  stmt.table.name())
                                    : fmt::format("\"{}\"", stmt.table.name()));
    STRATA_ASSIGN_OR_RETURN(auto parsed, sql::parse_sql(q));
    STRATA_ASSIGN_OR_RETURN(rows, run_query(*parsed[0]->as<sql::SelectStmt>().query, {}, nullptr));
  }
  std::string out;
  uint64_t n = 0;
  if (options.header) {
    for (size_t i = 0; i < rows.column_names.size(); ++i) {
      if (i) out.push_back(options.delimiter);
      out += rows.column_names[i];
    }
    out.push_back('\n');
  }
  for (const Batch& b : rows.batches) {
    for (size_t r = 0; r < b.rows; ++r) format_copy_row(b, r, options, out);
    n += b.rows;
  }
  return std::make_pair(std::move(out), n);
}

Result<StatementResult> Session::run_copy(const sql::CopyStmt& stmt) {
  StatementResult r;
  if (stmt.target == sql::CopyTarget::kProgram) return Status::sql("0A000", "COPY ... PROGRAM is not supported");
  if (stmt.target == sql::CopyTarget::kStdin || stmt.target == sql::CopyTarget::kStdout) {
    return Status::sql("0A000", "COPY FROM STDIN / TO STDOUT runs only through the PostgreSQL protocol");
  }
  io::FileSystem* fs = engine_->fs_;
  if (stmt.is_from) {
    STRATA_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, fs->read_file(stmt.filename, kCopyFileBytesMax));
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<CopyInStream> in, begin_copy_in(stmt));
    STRATA_RETURN_IF_ERROR(in->write(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())));
    STRATA_ASSIGN_OR_RETURN(uint64_t n, in->finish());
    r.command_tag = fmt::format("COPY {}", n);
    return r;
  }
  STRATA_ASSIGN_OR_RETURN(auto out, copy_out(stmt));
  std::vector<uint8_t> data(out.first.begin(), out.first.end());
  STRATA_RETURN_IF_ERROR(fs->write_file_atomic(stmt.filename, data));
  r.command_tag = fmt::format("COPY {}", out.second);
  return r;
}

}  // namespace strata::exec
