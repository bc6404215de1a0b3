// Server: wires the modules into one process and owns its lifecycle.
//
// Lifecycle: open() recovers the log and binds every listener (so the bound
// ports are known and logged, as `msg=ready kafka=HOST:PORT pg=HOST:PORT`), run() serves on
// the calling thread until SIGTERM/SIGINT or request_stop(), then shuts down
// cleanly: listeners closed, log synced and closed.
#pragma once

#include <memory>

#include "server/server_config.h"

namespace strata::pgwire {
class Backend;
}

namespace strata::server {

class Server {
 public:
  explicit Server(ServerConfig config);
  ~Server();

  // The SQL engine behind the PostgreSQL listener; must outlive the server.
  // REQUIRES: called before open(). Without one, every query is answered with
  // 0A000 "SQL engine not available".
  void set_pg_backend(pgwire::Backend* backend) { pg_backend_ = backend; }

  Status open();
  // Blocks until stopped; returns the shutdown status.
  Status run();
  // Safe from any thread.
  void request_stop();

 private:
  struct State;
  ServerConfig config_;
  pgwire::Backend* pg_backend_ = nullptr;
  std::unique_ptr<State> state_;
};

}  // namespace strata::server
