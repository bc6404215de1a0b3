// FakeBackend: a Backend with a few canned statements, for pgwire's unit tests and
// the tests/pgwire fake server that real clients (psql, psycopg) talk to. Not an
// engine: statements are recognised by their text (case-insensitive, split at ';').
//
//   select 1                      one int4 column "?column?", one row
//   select $1, $2 ...             echoes its parameters (types as given, unknown -> text)
//   select * from types           one column per supported type; a row of values, a row of NULLs
//   select generate_series(1, N)  int8 rows 1..N, in batches of 1000
//   select boom                   42703 at analysis (prepare with kAnalyse, else bind), position 8
//   select 1/0                    22012 at the first fetch
//   select pg_sleep(S)            sleeps S seconds, 57014 when cancelled
//   begin / commit / end / rollback, insert ..., set application_name = 'x'
//   drop table if exists NAME     a NOTICE, then "DROP TABLE"
//   copy t from stdin / copy t to stdout   COPY through a buffer shared by all sessions
// Anything else is 42601 at prepare. Statements other than COMMIT/ROLLBACK in a
// failed transaction block are 25P02.
#pragma once

#include <atomic>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "pgwire/backend.h"
#include "types/cast.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace strata::pgwire::testing {

class FakeBackend;

inline std::string fake_lower_trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The rows of "select * from types": every type pgwire encodes.
inline types::Batch fake_types_batch(std::vector<ColumnDescription>* columns) {
  using types::Type;
  using types::Value;
  std::vector<std::pair<std::string, Value>> cells = {
      {"b", Value::boolean(true)},
      {"i2", Value::smallint(-2)},
      {"i4", Value::integer(123456)},
      {"i8", Value::bigint(-9000000000LL)},
      {"f4", Value::real(1.5f)},
      {"f8", Value::double_precision(-2.25)},
      {"n", Value::numeric(*types::parse_decimal("12345.678"), Type::numeric(10, 3))},
      {"t", Value::text("héllo")},
      {"vc", Value::text("abc", Type::varchar(10))},
      {"bp", Value::text("xy  ", Type::character(4))},
      {"by", Value::bytea(std::string("\x00\x01\xff", 3))},
      {"d", Value::date(*types::parse_date("2024-02-29"))},
      {"tm", Value::time(*types::parse_time("13:45:06.5"))},
      {"ts", Value::timestamp(*types::parse_timestamp("2000-01-02 03:04:05.006"))},
      {"tz", Value::timestamptz(*types::parse_timestamptz("1999-12-31 23:59:59+00"))},
      {"iv", Value::interval(*types::parse_interval("1 year 2 mons 3 days 04:05:06"))},
      {"j", Value::jsonb("{\"a\": 1}")},
  };
  std::vector<Type> types_list;
  for (auto& [name, v] : cells) {
    columns->push_back(ColumnDescription{name, v.type(), 16384, static_cast<int16_t>(columns->size() + 1)});
    types_list.push_back(v.type());
  }
  types::Batch batch(types_list);
  std::vector<Value> row, nulls;
  for (auto& [name, v] : cells) {
    row.push_back(v);
    nulls.push_back(Value::null(v.type()));
  }
  batch.append_row(row);
  batch.append_row(nulls);
  return batch;
}

class FakeStatement : public PreparedStatement {
 public:
  FakeStatement(StatementDescription d, std::string text) : PreparedStatement(std::move(d)), text(std::move(text)) {}
  std::string text;  // lower-cased, trimmed
};

class FakeSession;

class FakeBackend : public Backend {
 public:
  Result<std::unique_ptr<Session>> open_session(const StartupParams& params) override;
  void cancel(int32_t process_id, int32_t secret_key) override;

  std::atomic<int32_t> sessions_opened{0};
  std::atomic<int32_t> cancels_received{0};

  // COPY's shared table: lines received by COPY FROM STDIN.
  std::mutex mu;
  std::string copy_buffer;
  std::map<int32_t, FakeSession*> sessions;
  int32_t next_process_id = 100;
};

class FakeSession : public Session {
 public:
  FakeSession(FakeBackend* backend, int32_t pid, std::string app) : backend_(backend), pid_(pid), app_(std::move(app)) {}
  ~FakeSession() override {
    std::lock_guard lock(backend_->mu);
    backend_->sessions.erase(pid_);
  }

  int32_t process_id() const override { return pid_; }
  int32_t secret_key() const override { return pid_ * 7919 + 13; }
  std::vector<std::pair<std::string, std::string>> parameter_status() const override {
    return default_parameter_status(app_, true);
  }
  char transaction_status() const override { return status_; }

  Result<std::vector<std::shared_ptr<PreparedStatement>>> prepare(std::string_view sql,
                                                                  const std::vector<types::Type>& param_types,
                                                                  PrepareMode mode) override;
  Result<std::unique_ptr<Portal>> bind(const std::shared_ptr<PreparedStatement>& statement,
                                       std::vector<types::Value> params) override;
  void end_of_batch(bool failed) override { batches_ended++; }
  std::vector<Notice> take_notices() override { return std::exchange(notices_, {}); }
  std::vector<std::pair<std::string, std::string>> take_parameter_changes() override {
    return std::exchange(changes_, {});
  }

  std::atomic<bool> cancel_requested{false};
  int batches_ended = 0;

 private:
  friend class FakePortal;
  Result<StatementDescription> describe(const std::string& text, const std::vector<types::Type>& param_types);

  FakeBackend* backend_;
  int32_t pid_;
  std::string app_;
  char status_ = 'I';
  std::vector<Notice> notices_;
  std::vector<std::pair<std::string, std::string>> changes_;
};

// One run of a FakeStatement.
class FakePortal : public Portal, public CopyInSink {
 public:
  FakePortal(FakeSession* session, StatementDescription d, std::string text, std::vector<types::Value> params)
      : session_(session), d_(std::move(d)), text_(std::move(text)), params_(std::move(params)) {}

  const StatementDescription& description() const override { return d_; }

  Result<bool> fetch(types::Batch& out) override {
    out = types::Batch();
    if (!started_) {
      started_ = true;
      Status s = start(out);
      if (!s.ok()) {
        if (session_->status_ == 'T') session_->status_ = 'E';
        return s;
      }
      if (out.rows > 0) return true;
    }
    if (text_.starts_with("select generate_series")) {
      if (next_ > limit_) return false;
      types::Batch b({types::Type::bigint()});
      for (int64_t i = 0; i < 1000 && next_ <= limit_; i++) b.append_row({types::Value::bigint(next_++)});
      out = std::move(b);
      return true;
    }
    return false;
  }

  Result<bool> fetch_copy_out(std::string& out) override {
    if (!started_) {
      started_ = true;
      std::lock_guard lock(session_->backend_->mu);
      copy_lines_ = session_->backend_->copy_buffer;
    }
    if (copy_pos_ >= copy_lines_.size()) {
      tag_ = "COPY " + std::to_string(rows_);
      return false;
    }
    size_t nl = copy_lines_.find('\n', copy_pos_);
    size_t end = nl == std::string::npos ? copy_lines_.size() : nl + 1;
    out = copy_lines_.substr(copy_pos_, end - copy_pos_);
    copy_pos_ = end;
    rows_++;
    return true;
  }

  Result<CopyInSink*> copy_in() override { return static_cast<CopyInSink*>(this); }
  Status write(std::string_view data) override {
    received_ += data;
    return Status::ok_status();
  }
  Status finish() override {
    if (received_.find("bad") != std::string::npos) {
      return Status::sql("22P02", "invalid input syntax for type integer: \"bad\"");
    }
    int64_t lines = 0;
    for (char c : received_) lines += c == '\n';
    std::lock_guard lock(session_->backend_->mu);
    session_->backend_->copy_buffer += received_;
    tag_ = "COPY " + std::to_string(lines);
    return Status::ok_status();
  }
  void abort(std::string_view reason) override { aborted_ = true; }

  std::string command_tag() const override { return tag_; }

 private:
  Status start(types::Batch& out) {
    const std::string& t = text_;
    auto& status = session_->status_;
    bool ends_block = t == "commit" || t == "end" || t == "rollback";
    if (status == 'E' && !ends_block) {
      return Status::sql("25P02", "current transaction is aborted, commands ignored until end of transaction block");
    }
    if (t == "begin") {
      if (status == 'I') status = 'T';
      tag_ = "BEGIN";
    } else if (ends_block) {
      tag_ = (t == "rollback" || status == 'E') ? "ROLLBACK" : "COMMIT";
      status = 'I';
    } else if (t.starts_with("insert")) {
      tag_ = "INSERT 0 1";
    } else if (t.starts_with("set application_name")) {
      size_t q = t.find('\'');
      std::string value = q == std::string::npos ? "" : t.substr(q + 1, t.rfind('\'') - q - 1);
      session_->app_ = value;
      session_->changes_.emplace_back("application_name", value);
      tag_ = "SET";
    } else if (t.starts_with("drop table if exists")) {
      Notice n;
      n.message = "table \"" + fake_lower_trim(t.substr(20)) + "\" does not exist, skipping";
      session_->notices_.push_back(n);
      tag_ = "DROP TABLE";
    } else if (t == "select 1") {
      types::Batch b({types::Type::integer()});
      b.append_row({types::Value::integer(1)});
      out = std::move(b);
      tag_ = "SELECT 1";
    } else if (t.starts_with("select $")) {
      std::vector<types::Type> ts;
      for (const auto& p : params_) ts.push_back(p.type());
      types::Batch b(ts);
      b.append_row(params_);
      out = std::move(b);
      tag_ = "SELECT 1";
    } else if (t == "select * from types") {
      std::vector<ColumnDescription> cols;
      out = fake_types_batch(&cols);
      tag_ = "SELECT 2";
    } else if (t.starts_with("select generate_series")) {
      size_t comma = t.find(',');
      limit_ = std::stoll(t.substr(comma + 1));
      tag_ = "SELECT " + std::to_string(limit_);
    } else if (t == "select 1/0") {
      return Status::sql("22012", "division by zero");
    } else if (t.starts_with("select pg_sleep")) {
      double seconds = std::stod(t.substr(t.find('(') + 1));
      auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
      while (std::chrono::steady_clock::now() < until) {
        if (session_->cancel_requested.exchange(false)) {
          return Status::sql("57014", "canceling statement due to user request");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      types::Batch b({types::Type::text()});
      b.append_row({types::Value::text("")});
      out = std::move(b);
      tag_ = "SELECT 1";
    }
    return Status::ok_status();
  }

  FakeSession* session_;
  StatementDescription d_;
  std::string text_;
  std::vector<types::Value> params_;
  bool started_ = false;
  int64_t next_ = 1;
  int64_t limit_ = 0;
  std::string tag_;
  std::string received_;
  bool aborted_ = false;
  std::string copy_lines_;
  size_t copy_pos_ = 0;
  int64_t rows_ = 0;
};

inline Result<std::unique_ptr<Session>> FakeBackend::open_session(const StartupParams& params) {
  if (params.user == "reject") return Status::sql("28000", "role \"reject\" is not permitted to log in");
  if (params.database == "nodb") return Status::sql("3D000", "database \"nodb\" does not exist");
  std::lock_guard lock(mu);
  int32_t pid = next_process_id++;
  auto s = std::make_unique<FakeSession>(this, pid, params.application_name);
  sessions[pid] = s.get();
  sessions_opened++;
  return std::unique_ptr<Session>(std::move(s));
}

inline void FakeBackend::cancel(int32_t process_id, int32_t secret_key) {
  cancels_received++;
  std::lock_guard lock(mu);
  auto it = sessions.find(process_id);
  if (it != sessions.end() && it->second->secret_key() == secret_key) it->second->cancel_requested = true;
}

inline Result<StatementDescription> FakeSession::describe(const std::string& t,
                                                          const std::vector<types::Type>& param_types) {
  using types::Type;
  StatementDescription d;
  if (t == "select 1") {
    d.kind = StatementKind::kRows;
    d.columns.push_back({"?column?", Type::integer()});
  } else if (t.starts_with("select $")) {
    d.kind = StatementKind::kRows;
    int max_param = 0;
    for (size_t i = 0; i + 1 < t.size(); i++) {
      if (t[i] == '$') max_param = std::max(max_param, std::atoi(t.c_str() + i + 1));
    }
    for (int i = 0; i < max_param; i++) {
      Type type = static_cast<size_t>(i) < param_types.size() ? param_types[i] : Type::unknown();
      if (type.id() == types::TypeId::kUnknown) type = Type::text();
      d.param_types.push_back(type);
      d.columns.push_back({"p" + std::to_string(i + 1), type});
    }
  } else if (t == "select * from types") {
    d.kind = StatementKind::kRows;
    (void)fake_types_batch(&d.columns);
  } else if (t.starts_with("select generate_series")) {
    d.kind = StatementKind::kRows;
    d.columns.push_back({"generate_series", Type::bigint()});
  } else if (t == "select 1/0") {
    d.kind = StatementKind::kRows;
    d.columns.push_back({"?column?", Type::integer()});
  } else if (t.starts_with("select pg_sleep")) {
    d.kind = StatementKind::kRows;
    d.columns.push_back({"pg_sleep", Type::text()});
  } else if (t == "select boom") {
    return Status::sql("42703", "column \"boom\" does not exist").with_position(8);
  } else if (t == "copy t from stdin") {
    d.kind = StatementKind::kCopyIn;
    d.copy_column_count = 2;
  } else if (t == "copy t to stdout") {
    d.kind = StatementKind::kCopyOut;
    d.copy_column_count = 2;
  } else if (t == "begin" || t == "commit" || t == "end" || t == "rollback" || t.starts_with("insert") ||
             t.starts_with("set application_name") || t.starts_with("drop table if exists")) {
    d.kind = StatementKind::kCommand;
  } else {
    size_t word_end = t.find_first_of(" \t\n");
    return Status::sql("42601", "syntax error at or near \"" + t.substr(0, word_end) + "\"").with_position(1);
  }
  return d;
}

inline Result<std::vector<std::shared_ptr<PreparedStatement>>> FakeSession::prepare(
    std::string_view sql, const std::vector<types::Type>& param_types, PrepareMode mode) {
  std::vector<std::shared_ptr<PreparedStatement>> out;
  size_t start = 0;
  while (start <= sql.size()) {
    size_t semi = sql.find(';', start);
    if (semi == std::string_view::npos) semi = sql.size();
    std::string t = fake_lower_trim(sql.substr(start, semi - start));
    start = semi + 1;
    if (t.empty()) continue;
    auto d = describe(t, param_types);
    if (!d.ok()) {
      // Errors of analysis wait for bind() in the simple protocol; syntax errors not.
      if (mode == PrepareMode::kParseOnly && d.status().sqlstate() != "42601") {
        out.push_back(std::make_shared<FakeStatement>(StatementDescription{}, t));
        continue;
      }
      return d.status();
    }
    out.push_back(std::make_shared<FakeStatement>(std::move(d).value(), t));
  }
  return out;
}

inline Result<std::unique_ptr<Portal>> FakeSession::bind(const std::shared_ptr<PreparedStatement>& statement,
                                                         std::vector<types::Value> params) {
  const auto& st = static_cast<const FakeStatement&>(*statement);
  if (status_ == 'E' && st.text != "commit" && st.text != "end" && st.text != "rollback") {
    return Status::sql("25P02", "current transaction is aborted, commands ignored until end of transaction block");
  }
  std::vector<types::Type> given;
  for (const auto& p : params) given.push_back(p.type());
  auto d = describe(st.text, given);
  if (!d.ok()) {
    if (status_ == 'T') status_ = 'E';
    return d.status();
  }
  return std::unique_ptr<Portal>(std::make_unique<FakePortal>(this, std::move(d).value(), st.text, std::move(params)));
}

}  // namespace strata::pgwire::testing
