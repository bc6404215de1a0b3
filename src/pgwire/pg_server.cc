#include "pgwire/pg_server.h"

#include <thread>

#include "base/logging.h"
#include "pgwire/pg_connection.h"
#include "pgwire/unavailable_backend.h"

namespace strata::pgwire {

namespace asio = net::asio;

namespace {
size_t worker_count(const PgOptions& options) {
  if (options.worker_threads > 0) return static_cast<size_t>(options.worker_threads);
  return std::max(1u, std::thread::hardware_concurrency());
}
}  // namespace

PgServer::PgServer(asio::io_context& io, Backend* backend, PgOptions options)
    : io_(io),
      unavailable_(backend == nullptr ? std::make_unique<UnavailableBackend>() : nullptr),
      backend_(backend != nullptr ? backend : unavailable_.get()),
      options_(options),
      pool_(worker_count(options)) {}

PgServer::~PgServer() {
  stop();
  // Statements still running finish first; their completions are posted to io_,
  // which must still exist (Server destroys PgServer before the io_context).
  pool_.join();
}

Status PgServer::start(const net::Endpoint& listen) {
  net::ListenerLimits limits;
  limits.max_connections = options_.max_connections + options_.max_startup_connections;
  STRATA_ASSIGN_OR_RETURN(listener_, net::TcpListener::bind(io_, listen, "pg", limits,
                                                            [this](net::tcp::socket s) { return serve(std::move(s)); }));
  *running_ = true;
  listener_->start();
  logging::info("pg listening", "endpoint", listener_->local_endpoint().to_string(), "worker_threads",
                worker_count(options_), "max_connections", options_.max_connections);
  return Status::ok_status();
}

net::Endpoint PgServer::bound_endpoint() const {
  return listener_ ? listener_->local_endpoint() : net::Endpoint{};
}

void PgServer::stop() {
  if (!*running_) return;
  *running_ = false;
  if (listener_) listener_->stop();
  // Running statements are cancelled so that joining the pool does not wait for them.
  auto connections = connections_;
  for (const auto& c : connections) {
    c->cancel_statement();
    c->close();
  }
}

bool PgServer::acquire_session_slot() {
  if (sessions_ >= options_.max_connections) return false;
  sessions_++;
  return true;
}

void PgServer::release_session_slot() { sessions_--; }

net::Awaitable<void> PgServer::serve(net::tcp::socket socket) {
  auto running = running_;
  if (!*running) co_return;
  auto connection = std::make_shared<Connection>(std::move(socket), this);
  connections_.insert(connection);
  co_await connection->run();
  if (*running) connections_.erase(connection);
}

}  // namespace strata::pgwire
