#include "server/sql_backend.h"

#include <fmt/format.h>

namespace strata::server {

namespace {

// The parsed text of one Query/Parse message, shared by its statements.
struct ParsedText {
  std::string text;
  std::vector<sql::StatementPtr> statements;
};

class EngineStatement final : public pgwire::PreparedStatement {
 public:
  EngineStatement(pgwire::StatementDescription d, std::shared_ptr<ParsedText> parsed, const sql::Statement* stmt,
                  bool analysed)
      : pgwire::PreparedStatement(std::move(d)), parsed_(std::move(parsed)), stmt_(stmt), analysed_(analysed) {}
  bool analysed() const { return analysed_; }
  const sql::Statement& statement() const { return *stmt_; }
  const std::string& text() const { return parsed_->text; }

 private:
  std::shared_ptr<ParsedText> parsed_;
  const sql::Statement* stmt_;
  bool analysed_;
};

pgwire::StatementDescription to_wire(const exec::StatementDescription& d) {
  pgwire::StatementDescription w;
  w.kind = d.returns_rows ? pgwire::StatementKind::kRows : pgwire::StatementKind::kCommand;
  if (d.copy == exec::StatementDescription::Copy::kIn) w.kind = pgwire::StatementKind::kCopyIn;
  if (d.copy == exec::StatementDescription::Copy::kOut) w.kind = pgwire::StatementKind::kCopyOut;
  w.copy_column_count = d.copy_columns;
  w.param_types = d.param_types;
  for (size_t i = 0; i < d.column_names.size(); ++i) w.columns.push_back({d.column_names[i], d.column_types[i], 0, 0});
  return w;
}

class EnginePortal final : public pgwire::Portal {
 public:
  EnginePortal(exec::Session* session, std::shared_ptr<EngineStatement> stmt, std::vector<types::Value> params,
               std::vector<pgwire::Notice>* notices)
      : session_(session), stmt_(std::move(stmt)), params_(std::move(params)), notices_(notices) {
    description_ = stmt_->description();
  }

  const pgwire::StatementDescription& description() const override { return description_; }
  const std::vector<types::Value>& params() const { return params_; }
  void set_description(pgwire::StatementDescription d) { description_ = std::move(d); }

  Result<bool> fetch(types::Batch& out) override {
    if (!ran_) {
      ran_ = true;
      Result<exec::StatementResult> r = session_->execute(stmt_->statement(), stmt_->text(), params_);
      if (!r.ok()) return r.status();
      result_ = std::move(r).value();
      for (auto& n : result_.notices) {
        pgwire::Notice notice;
        notice.message = n;
        notices_->push_back(std::move(notice));
      }
      description_.kind = result_.returns_rows ? pgwire::StatementKind::kRows : pgwire::StatementKind::kCommand;
      description_.columns.clear();
      for (size_t i = 0; i < result_.column_names.size(); ++i) {
        description_.columns.push_back({result_.column_names[i], result_.column_types[i], 0, 0});
      }
    }
    while (next_ < result_.batches.size()) {
      types::Batch& b = result_.batches[next_++];
      if (b.rows == 0) continue;
      out = std::move(b);
      return true;
    }
    out = types::Batch();
    return false;
  }

  Result<bool> fetch_copy_out(std::string& out) override {
    if (!ran_) {
      ran_ = true;
      const auto& copy = stmt_->statement().as<sql::CopyStmt>();
      Result<std::pair<std::string, uint64_t>> r = session_->copy_out(copy);
      Status end = session_->end_statement(r.ok());
      if (!r.ok()) return r.status();
      STRATA_RETURN_IF_ERROR(end);
      copy_text_ = std::move(r->first);
      result_.command_tag = fmt::format("COPY {}", r->second);
    }
    if (copy_pos_ >= copy_text_.size()) {
      out.clear();
      return false;
    }
    // Hand out whole lines in chunks of about 64 KiB.
    size_t end = std::min(copy_text_.size(), copy_pos_ + (size_t{64} << 10));
    size_t nl = copy_text_.rfind('\n', end - 1);
    if (end < copy_text_.size() && nl != std::string::npos && nl >= copy_pos_) end = nl + 1;
    out.assign(copy_text_, copy_pos_, end - copy_pos_);
    copy_pos_ = end;
    return true;
  }

  Result<pgwire::CopyInSink*> copy_in() override {
    const auto& copy = stmt_->statement().as<sql::CopyStmt>();
    Result<std::unique_ptr<exec::CopyInStream>> in = session_->begin_copy_in(copy);
    if (!in.ok()) {
      (void)session_->end_statement(false);
      return in.status();
    }
    sink_ = std::make_unique<Sink>(this, std::move(in).value());
    return sink_.get();
  }

  std::string command_tag() const override { return result_.command_tag; }

 private:
  class Sink final : public pgwire::CopyInSink {
   public:
    Sink(EnginePortal* portal, std::unique_ptr<exec::CopyInStream> in) : portal_(portal), in_(std::move(in)) {}
    Status write(std::string_view data) override {
      Status s = in_->write(data);
      if (!s.ok()) failed_ = true;
      return s;
    }
    Status finish() override {
      if (failed_) {
        (void)portal_->session_->end_statement(false);
        return Status::sql("22P04", "COPY data was rejected earlier");
      }
      Result<uint64_t> n = in_->finish();
      Status end = portal_->session_->end_statement(n.ok());
      if (!n.ok()) return n.status();
      STRATA_RETURN_IF_ERROR(end);
      portal_->result_.command_tag = fmt::format("COPY {}", *n);
      return Status::ok_status();
    }
    void abort(std::string_view reason) override { (void)portal_->session_->end_statement(false); }

   private:
    EnginePortal* portal_;
    std::unique_ptr<exec::CopyInStream> in_;
    bool failed_ = false;
  };

  exec::Session* session_;
  std::string copy_text_;
  size_t copy_pos_ = 0;
  std::unique_ptr<Sink> sink_;
  std::shared_ptr<EngineStatement> stmt_;
  std::vector<types::Value> params_;
  std::vector<pgwire::Notice>* notices_;
  pgwire::StatementDescription description_;
  bool ran_ = false;
  exec::StatementResult result_;
  size_t next_ = 0;
};

class EngineSession final : public pgwire::Session {
 public:
  EngineSession(SqlBackend* backend, std::unique_ptr<exec::Session> session, int32_t secret,
                std::string application_name)
      : backend_(backend),
        session_(std::move(session)),
        secret_(secret),
        application_name_(std::move(application_name)) {}
  ~EngineSession() override { backend_->forget(session_->process_id()); }

  int32_t process_id() const override { return session_->process_id(); }
  int32_t secret_key() const override { return secret_; }
  std::vector<std::pair<std::string, std::string>> parameter_status() const override {
    return pgwire::default_parameter_status(application_name_, true);
  }
  char transaction_status() const override { return session_->transaction_status(); }

  Result<std::vector<std::shared_ptr<pgwire::PreparedStatement>>> prepare(std::string_view sql,
                                                                          const std::vector<types::Type>& param_types,
                                                                          PrepareMode mode) override {
    auto parsed = std::make_shared<ParsedText>();
    parsed->text = std::string(sql);
    STRATA_ASSIGN_OR_RETURN(parsed->statements, session_->parse(parsed->text));
    std::vector<std::shared_ptr<pgwire::PreparedStatement>> out;
    for (const auto& s : parsed->statements) {
      pgwire::StatementDescription d;
      if (mode == PrepareMode::kAnalyse) {
        STRATA_ASSIGN_OR_RETURN(exec::StatementDescription ed, session_->describe(*s, parsed->text, param_types));
        d = to_wire(ed);
      }
      out.push_back(std::make_shared<EngineStatement>(std::move(d), parsed, s.get(), mode == PrepareMode::kAnalyse));
    }
    return out;
  }

  Result<std::unique_ptr<pgwire::Portal>> bind(const std::shared_ptr<pgwire::PreparedStatement>& statement,
                                               std::vector<types::Value> params) override {
    auto stmt = std::static_pointer_cast<EngineStatement>(statement);
    auto portal = std::make_unique<EnginePortal>(session_.get(), stmt, std::move(params), &notices_);
    if (!stmt->analysed()) {
      // Simple protocol: analyse now, after the string's earlier statements ran.
      std::vector<types::Type> types;
      for (const auto& v : portal->params()) types.push_back(v.type());
      STRATA_ASSIGN_OR_RETURN(exec::StatementDescription d, session_->describe(stmt->statement(), stmt->text(), types));
      portal->set_description(to_wire(d));
    }
    return std::unique_ptr<pgwire::Portal>(std::move(portal));
  }

  std::vector<pgwire::Notice> take_notices() override { return std::exchange(notices_, {}); }

 private:
  SqlBackend* backend_;
  std::unique_ptr<exec::Session> session_;
  int32_t secret_;
  std::string application_name_;
  std::vector<pgwire::Notice> notices_;
};

}  // namespace

Result<std::unique_ptr<pgwire::Session>> SqlBackend::open_session(const pgwire::StartupParams& params) {
  std::unique_ptr<exec::Session> s = engine_->new_session();
  int32_t secret;
  {
    std::lock_guard<std::mutex> lock(mu_);
    secret = static_cast<int32_t>(rng_());
    keys_[s->process_id()] = secret;
  }
  return std::unique_ptr<pgwire::Session>(
      std::make_unique<EngineSession>(this, std::move(s), secret, params.application_name));
}

void SqlBackend::cancel(int32_t process_id, int32_t secret_key) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = keys_.find(process_id);
    if (it == keys_.end() || it->second != secret_key) return;
  }
  engine_->cancel(process_id);
}

void SqlBackend::forget(int32_t process_id) {
  std::lock_guard<std::mutex> lock(mu_);
  keys_.erase(process_id);
}

}  // namespace strata::server
