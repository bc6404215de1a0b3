// UnavailableBackend: the Backend PgServer uses when the server has no SQL engine.
// Sessions open (so clients connect and see a clear error) and every query fails
// with 0A000 "SQL engine not available".
#pragma once

#include <atomic>

#include "pgwire/backend.h"

namespace strata::pgwire {

class UnavailableBackend : public Backend {
 public:
  Result<std::unique_ptr<Session>> open_session(const StartupParams& params) override;
  void cancel(int32_t process_id, int32_t secret_key) override {}

 private:
  std::atomic<int32_t> next_process_id_{1};
};

}  // namespace strata::pgwire
