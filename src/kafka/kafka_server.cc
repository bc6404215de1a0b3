#include "kafka/kafka_server.h"

#include <chrono>

#include "base/logging.h"
#include "kafka/broker.h"
#include "kafka/connection.h"
#include "kafka/group_coordinator.h"

namespace strata::kafka {

namespace asio = net::asio;

namespace {
constexpr int64_t kGroupTickIntervalMs = 100;
}

KafkaServer::KafkaServer(asio::io_context& io, log::LogManager* log, io::Clock* clock, KafkaOptions options)
    : io_(io), log_(log), clock_(clock), options_(std::move(options)) {
  GroupCoordinatorOptions go;
  go.min_session_timeout_ms = options_.group_min_session_timeout_ms;
  go.max_session_timeout_ms = options_.group_max_session_timeout_ms;
  go.initial_rebalance_delay_ms = options_.group_initial_rebalance_delay_ms;
  groups_ = std::make_unique<GroupCoordinator>(clock_, go, log_,
                                               [&io](std::function<void()> fn) { asio::post(io, std::move(fn)); });
  broker_ = std::make_unique<Broker>(io_, log_, clock_, options_, groups_.get());
}

KafkaServer::~KafkaServer() { stop(); }

Status KafkaServer::start(const net::Endpoint& listen) {
  STRATA_RETURN_IF_ERROR(groups_->load());
  net::ListenerLimits limits;
  limits.max_connections = options_.max_connections;
  STRATA_ASSIGN_OR_RETURN(listener_, net::TcpListener::bind(io_, listen, "kafka", limits,
                                                            [this](net::tcp::socket s) { return serve(std::move(s)); }));
  net::Endpoint bound = listener_->local_endpoint();
  std::string host = options_.advertised_host;
  if (host.empty()) host = (bound.host == "0.0.0.0" || bound.host == "::" || bound.host.empty()) ? "127.0.0.1" : bound.host;
  broker_->set_advertised(host, bound.port);
  *running_ = true;
  listener_->start();
  tick_timer_ = std::make_unique<asio::steady_timer>(io_);
  asio::co_spawn(io_, tick_loop(), asio::detached);
  logging::info("kafka listening", "endpoint", bound.to_string(), "advertised", host + ":" + std::to_string(bound.port));
  return Status::ok_status();
}

net::Endpoint KafkaServer::bound_endpoint() const {
  return listener_ ? listener_->local_endpoint() : net::Endpoint{};
}

void KafkaServer::notify_appended() { broker_->notify_appended(); }

void KafkaServer::stop() {
  if (!*running_) return;
  *running_ = false;
  if (listener_) listener_->stop();
  if (tick_timer_) tick_timer_->cancel();
  broker_->stop();
  auto conns = connections_;
  for (const auto& c : conns) c->close();
}

net::Awaitable<void> KafkaServer::serve(net::tcp::socket socket) {
  auto running = running_;
  if (!*running) co_return;
  auto conn = std::make_shared<Connection>(std::move(socket), broker_.get(), options_);
  connections_.insert(conn);
  co_await conn->run();
  if (*running) connections_.erase(conn);
}

net::Awaitable<void> KafkaServer::tick_loop() {
  auto running = running_;
  while (*running) {
    tick_timer_->expires_after(std::chrono::milliseconds(kGroupTickIntervalMs));
    boost::system::error_code ec;
    co_await tick_timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!*running) co_return;
    groups_->tick();
  }
}

}  // namespace strata::kafka
