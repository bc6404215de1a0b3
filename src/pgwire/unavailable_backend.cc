#include "pgwire/unavailable_backend.h"

#include "pgwire/sqlstate.h"

namespace strata::pgwire {

namespace {

class UnavailableSession : public Session {
 public:
  UnavailableSession(int32_t process_id, std::string application_name)
      : process_id_(process_id), application_name_(std::move(application_name)) {}

  int32_t process_id() const override { return process_id_; }
  int32_t secret_key() const override { return 0; }
  std::vector<std::pair<std::string, std::string>> parameter_status() const override {
    return default_parameter_status(application_name_, false);
  }
  char transaction_status() const override { return 'I'; }
  Result<std::vector<std::shared_ptr<PreparedStatement>>> prepare(std::string_view, const std::vector<types::Type>&,
                                                                  PrepareMode) override {
    return Status::sql(sqlstate::kFeatureNotSupported, "SQL engine not available");
  }
  Result<std::unique_ptr<Portal>> bind(const std::shared_ptr<PreparedStatement>&, std::vector<types::Value>) override {
    return Status::sql(sqlstate::kFeatureNotSupported, "SQL engine not available");
  }

 private:
  int32_t process_id_;
  std::string application_name_;
};

}  // namespace

Result<std::unique_ptr<Session>> UnavailableBackend::open_session(const StartupParams& params) {
  return std::unique_ptr<Session>(std::make_unique<UnavailableSession>(next_process_id_++, params.application_name));
}

}  // namespace strata::pgwire
