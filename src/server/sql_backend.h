// SqlBackend: the pgwire::Backend over the SQL engine (exec::Engine). It turns
// the protocol's prepare/bind/fetch calls into Session::describe/execute calls and
// keeps the cancel keys.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <random>

#include "exec/engine.h"
#include "pgwire/backend.h"

namespace strata::server {

class SqlBackend final : public pgwire::Backend {
 public:
  explicit SqlBackend(exec::Engine* engine) : engine_(engine), rng_(std::random_device{}()) {}

  Result<std::unique_ptr<pgwire::Session>> open_session(const pgwire::StartupParams& params) override;
  void cancel(int32_t process_id, int32_t secret_key) override;

  // Called by a session when it closes.
  void forget(int32_t process_id);

 private:
  exec::Engine* engine_;
  std::mutex mu_;
  std::mt19937 rng_;
  std::map<int32_t, int32_t> keys_;  // process id -> secret key
};

}  // namespace strata::server
