// Broker: decodes one request, runs it against the log and the group
// coordinator, and hands back the encoded response frame.
//
// Contract of handle(): returns non-ok only for input that cannot be
// answered (malformed body, unknown API or version where the schema has no
// error field); the connection is then closed. Otherwise `reply` is called
// exactly once, possibly later (acks=-1 produce waits for the fsync, fetch
// long-polls, JoinGroup/SyncGroup wait for the other members), with the
// whole response frame, or nullopt when the request gets no response
// (acks=0 produce).
// Threading: everything runs on the io_context's one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "io/clock.h"
#include "kafka/core_messages.h"
#include "kafka/error_code.h"
#include "kafka/group_coordinator.h"
#include "kafka/kafka_options.h"
#include "kafka/request_header.h"
#include "log/log_manager.h"
#include "net/asio.h"

namespace strata::kafka {

class Broker {
 public:
  using Reply = std::function<void(std::optional<std::vector<uint8_t>>)>;

  Broker(net::asio::io_context& io, log::LogManager* log, io::Clock* clock, KafkaOptions options,
         GroupCoordinator* groups);
  ~Broker();

  void set_advertised(std::string host, int32_t port);
  Status handle(const RequestHeader& h, ByteReader& body, const std::string& client_host, Reply reply);
  // Wakes long-polling fetches (called after every append).
  void notify_appended();
  // Answers every waiting fetch now.
  void stop();

 private:
  void handle_api_versions(const RequestHeader& h, ByteReader& body, const Reply& reply);
  Status handle_metadata(const RequestHeader& h, ByteReader& body, const Reply& reply);
  Status handle_produce(const RequestHeader& h, ByteReader& body, Reply reply);
  Status handle_fetch(const RequestHeader& h, ByteReader& body, Reply reply);
  Status handle_list_offsets(const RequestHeader& h, ByteReader& body, const Reply& reply);
  Status handle_group_api(const RequestHeader& h, ByteReader& body, const std::string& client_host, Reply reply);
  Status handle_admin_api(const RequestHeader& h, ByteReader& body, const Reply& reply);

  net::Awaitable<void> fetch_loop(RequestHeader h, FetchRequest req, Reply reply);
  // Fills `resp`; returns the record bytes gathered; sets *error when any
  // partition failed (a failed fetch is answered at once).
  int64_t collect_fetch(const FetchRequest& req, FetchResponse* resp, bool* error);
  // Finds `name`, creating it when auto-creation allows; the error otherwise.
  ErrorCode ensure_topic(const std::string& name, bool allow_create);

  net::asio::io_context& io_;
  log::LogManager* log_;
  io::Clock* clock_;
  KafkaOptions options_;
  GroupCoordinator* groups_;
  std::string advertised_host_ = "127.0.0.1";
  int32_t advertised_port_ = 0;
  int64_t next_producer_id_;
  std::set<net::asio::steady_timer*> fetch_waiters_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool stopping_ = false;
};

// Builds a whole response frame: size, header (v0 or v1), body.
template <class M, class Encode>
std::vector<uint8_t> response_frame(const RequestHeader& h, const M& m, Encode encode) {
  std::vector<uint8_t> out;
  begin_response_frame(h.correlation_id, response_header_flexible(h.api_key, h.api_version), &out);
  encode(m, h.api_version, &out);
  finish_response_frame(&out);
  return out;
}

// Topic names: 1-249 chars of [a-zA-Z0-9._-], not "." or "..".
bool valid_topic_name(const std::string& name);

}  // namespace strata::kafka
