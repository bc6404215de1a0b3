#include "kafka/connection.h"

#include "base/logging.h"
#include "kafka/api_keys.h"

namespace strata::kafka {

namespace asio = net::asio;

Connection::Connection(net::tcp::socket socket, Broker* broker, const KafkaOptions& options)
    : socket_(std::move(socket)),
      broker_(broker),
      options_(options),
      writer_wake_(socket_.get_executor()),
      reader_wake_(socket_.get_executor()) {
  boost::system::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  if (!ec) {
    peer_host_ = ep.address().to_string();
    peer_ = peer_host_ + ":" + std::to_string(ep.port());
  }
  writer_wake_.expires_at(asio::steady_timer::time_point::max());
  reader_wake_.expires_at(asio::steady_timer::time_point::max());
}

void Connection::close() {
  if (!open_) return;
  open_ = false;
  boost::system::error_code ec;
  socket_.shutdown(net::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  writer_wake_.cancel();
  reader_wake_.cancel();
}

net::Awaitable<void> Connection::wait(asio::steady_timer& t) {
  boost::system::error_code ec;
  co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

net::Awaitable<void> Connection::run() {
  auto self = shared_from_this();
  asio::co_spawn(socket_.get_executor(), [self]() { return self->write_loop(); }, asio::detached);
  std::string reason = "peer closed";
  while (open_) {
    while (open_ && static_cast<int32_t>(slots_.size()) >= options_.max_inflight_requests_per_connection) {
      co_await wait(reader_wake_);
    }
    if (!open_) break;
    uint8_t size_buf[4];
    boost::system::error_code ec;
    co_await asio::async_read(socket_, asio::buffer(size_buf, 4), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    int32_t size = static_cast<int32_t>(load_be32(size_buf));
    if (size <= 0 || size > options_.max_request_bytes) {
      reason = "bad frame size " + std::to_string(size);
      logging::warn("kafka connection closed", "peer", peer_, "reason", reason);
      break;
    }
    std::vector<uint8_t> frame(static_cast<size_t>(size));
    co_await asio::async_read(socket_, asio::buffer(frame), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    ByteReader r(frame.data(), frame.size());
    auto header = decode_request_header(r);
    if (!header.ok()) {
      logging::warn("kafka connection closed", "peer", peer_, "reason", header.status().to_string());
      break;
    }
    auto slot = std::make_shared<Slot>();
    slots_.push_back(slot);
    std::weak_ptr<Connection> weak = self;
    Status s = broker_->handle(*header, r, peer_host_, [weak, slot](std::optional<std::vector<uint8_t>> f) {
      slot->frame = std::move(f);
      slot->done = true;
      if (auto c = weak.lock()) c->writer_wake_.cancel();
    });
    if (!s.ok()) {
      logging::warn("kafka connection closed", "peer", peer_, "api", api_name(header->api_key), "version",
                    header->api_version, "reason", s.to_string());
      break;
    }
  }
  close();
}

net::Awaitable<void> Connection::write_loop() {
  auto self = shared_from_this();
  std::vector<uint8_t> out;
  while (open_) {
    out.clear();
    while (!slots_.empty() && slots_.front()->done) {
      auto& f = slots_.front()->frame;
      if (f) out.insert(out.end(), f->begin(), f->end());
      slots_.pop_front();
    }
    reader_wake_.cancel();
    if (!out.empty()) {
      boost::system::error_code ec;
      co_await asio::async_write(socket_, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        close();
        co_return;
      }
      continue;
    }
    co_await wait(writer_wake_);
  }
}

}  // namespace strata::kafka
