// KafkaServer: the Kafka-protocol listener. Owns the TCP listener, the
// Broker (request handling), the GroupCoordinator and every Connection.
//
// Lifecycle: construct -> start(listen) (binds synchronously, loads the
// consumer offsets, then serves on `io`) -> stop() (stops accepting, closes
// connections, answers waiting fetches) -> destroy.
// Threading: one event loop; every method runs on `io`'s thread.
#pragma once

#include <memory>
#include <set>

#include "base/status.h"
#include "io/clock.h"
#include "kafka/kafka_options.h"
#include "log/log_manager.h"
#include "net/asio.h"
#include "net/endpoint.h"
#include "net/tcp_listener.h"

namespace strata::kafka {

class Broker;
class Connection;
class GroupCoordinator;

class KafkaServer {
 public:
  KafkaServer(net::asio::io_context& io, log::LogManager* log, io::Clock* clock, KafkaOptions options);
  ~KafkaServer();

  Status start(const net::Endpoint& listen);
  net::Endpoint bound_endpoint() const;
  void stop();
  // Wakes long-polling fetches after an append made outside the Kafka protocol
  // (INSERT into a stream). Event-loop thread only.
  void notify_appended();

 private:
  net::Awaitable<void> serve(net::tcp::socket socket);
  net::Awaitable<void> tick_loop();

  net::asio::io_context& io_;
  log::LogManager* log_;
  io::Clock* clock_;
  KafkaOptions options_;
  std::unique_ptr<GroupCoordinator> groups_;
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<net::TcpListener> listener_;
  std::set<std::shared_ptr<Connection>> connections_;
  std::shared_ptr<bool> running_ = std::make_shared<bool>(false);
  std::unique_ptr<net::asio::steady_timer> tick_timer_;
};

}  // namespace strata::kafka
