// TcpListener: accepts connections on one endpoint and runs a coroutine per
// connection on the owning io_context.
//
// Lifecycle: bind() (synchronously binds, so the bound port is known at once;
// port 0 picks a free one) -> start() -> stop(). stop() closes the acceptor;
// connections end when their handler returns (handlers watch the stopping()
// flag or their socket being closed by close_all()).
// Limits: at most `max_connections` open at once; beyond it new connections
// are accepted and closed immediately (logged at warn, counted).
// Threading: every method runs on the io_context's thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "net/asio.h"
#include "net/endpoint.h"

namespace strata::net {

struct ListenerLimits {
  int32_t max_connections = 10000;
};

class TcpListener {
 public:
  using Handler = std::function<Awaitable<void>(tcp::socket)>;

  static Result<std::unique_ptr<TcpListener>> bind(asio::io_context& io, const Endpoint& endpoint, std::string name,
                                                   ListenerLimits limits, Handler handler);
  ~TcpListener();

  // The address actually bound (the real port when 0 was asked).
  Endpoint local_endpoint() const { return bound_; }
  const std::string& name() const { return name_; }
  void start();
  void stop();
  int32_t connection_count() const { return connections_; }
  int64_t rejected_connections() const { return rejected_; }

 private:
  TcpListener(asio::io_context& io, std::string name, ListenerLimits limits, Handler handler);
  Awaitable<void> accept_loop();

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  std::string name_;
  ListenerLimits limits_;
  Handler handler_;
  Endpoint bound_;
  int32_t connections_ = 0;
  int64_t rejected_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace strata::net
