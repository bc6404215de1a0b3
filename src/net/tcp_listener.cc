#include "net/tcp_listener.h"

#include "base/logging.h"

namespace strata::net {

TcpListener::TcpListener(asio::io_context& io, std::string name, ListenerLimits limits, Handler handler)
    : io_(io), acceptor_(io), name_(std::move(name)), limits_(limits), handler_(std::move(handler)) {}

TcpListener::~TcpListener() {
  *alive_ = false;
  boost::system::error_code ec;
  acceptor_.close(ec);
}

Result<std::unique_ptr<TcpListener>> TcpListener::bind(asio::io_context& io, const Endpoint& endpoint,
                                                       std::string name, ListenerLimits limits, Handler handler) {
  std::unique_ptr<TcpListener> l(new TcpListener(io, std::move(name), limits, std::move(handler)));
  boost::system::error_code ec;
  tcp::resolver resolver(io);
  auto results = resolver.resolve(endpoint.host, std::to_string(endpoint.port), tcp::resolver::passive, ec);
  if (ec || results.empty())
    return Status::invalid_argument("cannot resolve " + endpoint.to_string() + ": " + ec.message());
  tcp::endpoint ep = results.begin()->endpoint();
  l->acceptor_.open(ep.protocol(), ec);
  if (!ec) l->acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) l->acceptor_.bind(ep, ec);
  if (!ec) l->acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::io_error("cannot listen on " + endpoint.to_string() + ": " + ec.message());
  auto local = l->acceptor_.local_endpoint(ec);
  l->bound_.host = local.address().to_string();
  l->bound_.port = local.port();
  return l;
}

void TcpListener::start() {
  asio::co_spawn(io_, accept_loop(), asio::detached);
}

void TcpListener::stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

Awaitable<void> TcpListener::accept_loop() {
  auto alive = alive_;
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (!*alive) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      logging::warn("accept failed", "listener", name_, "error", ec.message());
      continue;
    }
    if (connections_ >= limits_.max_connections) {
      rejected_++;
      logging::warn("connection refused: limit reached", "listener", name_, "max_connections",
                    limits_.max_connections);
      socket.close(ec);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    connections_++;
    asio::co_spawn(
        io_,
        [this, alive, s = std::move(socket)]() mutable -> Awaitable<void> {
          try {
            co_await handler_(std::move(s));
          } catch (const std::exception& e) {
            logging::warn("connection handler failed", "listener", name_, "error", e.what());
          }
          if (*alive) connections_--;
        },
        asio::detached);
  }
}

}  // namespace strata::net
