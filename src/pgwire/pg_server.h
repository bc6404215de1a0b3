// PgServer: the PostgreSQL-protocol listener. Owns the TCP listener, the worker
// pool that runs every Session call, and every Connection.
//
// Lifecycle: construct -> start(listen) (binds synchronously, so the port is known
// at once) -> stop() (stops accepting, closes every connection; a statement
// running on the pool is cancelled through Backend::cancel, then finds its socket
// closed) -> destroy (joins the pool: must happen before the io_context is
// destroyed).
// Threading (decision 0003): the listener and every connection coroutine run on
// the io_context's one thread; Backend/Session calls run on `worker_threads` pool
// threads and resume the coroutine on the io_context when done. Every method runs
// on the io_context's thread, except the constructor and destructor.
#pragma once

#include <memory>
#include <set>

#include <boost/asio/thread_pool.hpp>

#include "base/status.h"
#include "net/asio.h"
#include "net/endpoint.h"
#include "net/tcp_listener.h"
#include "pgwire/backend.h"
#include "pgwire/pg_options.h"

namespace strata::pgwire {

class Connection;

class PgServer {
 public:
  // `backend` may be null: every session then answers each query with 0A000 "SQL
  // engine not available". Otherwise it must outlive the server.
  PgServer(net::asio::io_context& io, Backend* backend, PgOptions options);
  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  Status start(const net::Endpoint& listen);
  net::Endpoint bound_endpoint() const;
  void stop();

  // Sessions open now (connections past their startup packet).
  int32_t session_count() const { return sessions_; }

  // For Connection: the shared parts.
  Backend* backend() const { return backend_; }
  const PgOptions& options() const { return options_; }
  boost::asio::thread_pool& pool() { return pool_; }
  // Takes a session slot; false at max_connections.
  bool acquire_session_slot();
  void release_session_slot();

 private:
  net::Awaitable<void> serve(net::tcp::socket socket);

  net::asio::io_context& io_;
  std::unique_ptr<Backend> unavailable_;  // used when no backend was given
  Backend* backend_;
  PgOptions options_;
  boost::asio::thread_pool pool_;
  std::unique_ptr<net::TcpListener> listener_;
  std::set<std::shared_ptr<Connection>> connections_;
  int32_t sessions_ = 0;
  std::shared_ptr<bool> running_ = std::make_shared<bool>(false);
};

}  // namespace strata::pgwire
