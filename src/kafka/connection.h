// Connection: one client socket. Reads size-prefixed request frames, hands
// each to the Broker and writes the responses strictly in request order.
//
// Pipelining: requests keep being read while earlier ones are pending; each
// gets a slot in an ordered queue, completed in any order, flushed from the
// front. At max_inflight_requests_per_connection pending slots the reader
// stops reading the socket (backpressure) until the writer drains one.
// Frames with size <= 0 or > max_request_bytes and undecodable requests
// close the connection (logged at warn) before anything is allocated.
// Lifecycle: run() returns when the peer closes, on error, or close().
// Threading: the io_context's thread only.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kafka/broker.h"
#include "kafka/kafka_options.h"
#include "net/asio.h"

namespace strata::kafka {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::tcp::socket socket, Broker* broker, const KafkaOptions& options);

  net::Awaitable<void> run();
  void close();

 private:
  struct Slot {
    bool done = false;
    std::optional<std::vector<uint8_t>> frame;  // nullopt = no response
  };

  net::Awaitable<void> write_loop();
  net::Awaitable<void> wait(net::asio::steady_timer& t);

  net::tcp::socket socket_;
  Broker* broker_;
  const KafkaOptions& options_;
  std::string peer_;
  std::string peer_host_;
  std::deque<std::shared_ptr<Slot>> slots_;
  net::asio::steady_timer writer_wake_;
  net::asio::steady_timer reader_wake_;
  bool open_ = true;
};

}  // namespace strata::kafka
