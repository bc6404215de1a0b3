#include "pgwire/pg_connection.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "base/logging.h"
#include "pgwire/pg_server.h"
#include "pgwire/sqlstate.h"
#include "pgwire/value_codec.h"

// g++ 12 reports -Wmismatched-new-delete inside Asio's coroutine frames (its
// awaitable_frame_base has matching class-level operator new and delete); a false
// positive of the compiler's inlining of the frame allocation.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace strata::pgwire {

namespace asio = net::asio;

namespace {
// Socket reads ask for this much at a time.
constexpr size_t kReadChunkBytes = 64 * 1024;
// A receive buffer grown past this (by one large message) is released once empty.
constexpr size_t kReadBufferKeepBytes = 1024 * 1024;
// Results stream out whenever the send buffer holds this much.
constexpr size_t kSendBufferFlushBytes = 64 * 1024;
// COPY FROM STDIN data is handed to the sink in pieces of about this size.
constexpr size_t kCopyChunkBytes = 1024 * 1024;
// SSLRequest / GSSENCRequest answers before a StartupMessage must come.
constexpr int kMaxNegotiationPackets = 2;
}  // namespace

Connection::Connection(net::tcp::socket socket, PgServer* server) : socket_(std::move(socket)), server_(server) {
  boost::system::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  if (!ec) peer_ = ep.address().to_string() + ":" + std::to_string(ep.port());
}

Connection::~Connection() = default;

boost::asio::thread_pool& Connection::server_pool() { return server_->pool(); }

void Connection::close() {
  if (!open_) return;
  open_ = false;
  boost::system::error_code ec;
  socket_.shutdown(net::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  if (startup_timer_) startup_timer_->cancel();
}

void Connection::cancel_statement() {
  if (cancel_key_) server_->backend()->cancel(cancel_key_->first, cancel_key_->second);
}

// --- I/O ---

net::Awaitable<bool> Connection::fill(size_t n) {
  if (in_end_ - in_begin_ >= n) co_return true;
  if (in_.size() - in_begin_ < n) {
    // Move the unread bytes to the front, then grow to fit n.
    if (in_end_ > in_begin_) std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
    in_end_ -= in_begin_;
    in_begin_ = 0;
    if (in_.size() < n) in_.resize(std::max(n, kReadChunkBytes));
  }
  while (in_end_ - in_begin_ < n) {
    if (!open_) co_return false;
    boost::system::error_code ec;
    size_t got = co_await socket_.async_read_some(asio::buffer(in_.data() + in_end_, in_.size() - in_end_),
                                                  asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
    in_end_ += got;
  }
  co_return true;
}

bool Connection::message_buffered() const {
  size_t have = in_end_ - in_begin_;
  if (have < 5) return false;
  int32_t len = static_cast<int32_t>(load_be32(in_.data() + in_begin_ + 1));
  return len >= 4 && have >= static_cast<size_t>(len) + 1;
}

net::Awaitable<bool> Connection::read_message(uint8_t* type, std::span<const uint8_t>* body) {
  if (in_begin_ == in_end_ && in_.size() > kReadBufferKeepBytes) {
    in_ = std::vector<uint8_t>(kReadChunkBytes);
    in_begin_ = in_end_ = 0;
  }
  if (!co_await fill(5)) co_return false;
  *type = in_[in_begin_];
  int32_t len = static_cast<int32_t>(load_be32(in_.data() + in_begin_ + 1));
  if (len < 4) {
    co_await send_fatal(sqlstate::kProtocolViolation, "invalid message length " + std::to_string(len));
    co_return false;
  }
  if (len - 4 > server_->options().max_message_bytes) {
    co_await send_fatal(sqlstate::kProgramLimitExceeded,
                        "message of " + std::to_string(len - 4) + " bytes exceeds the limit of " +
                            std::to_string(server_->options().max_message_bytes) + " bytes (max_message_bytes)");
    co_return false;
  }
  size_t total = static_cast<size_t>(len) + 1;
  if (!co_await fill(total)) co_return false;
  *body = std::span<const uint8_t>(in_.data() + in_begin_ + 5, static_cast<size_t>(len) - 4);
  in_begin_ += total;
  co_return true;
}

net::Awaitable<bool> Connection::flush() {
  if (out_.empty()) co_return open_;
  if (!open_) co_return false;
  boost::system::error_code ec;
  co_await asio::async_write(socket_, asio::buffer(out_), asio::redirect_error(asio::use_awaitable, ec));
  out_.clear();
  if (out_.capacity() > 4 * kSendBufferFlushBytes) out_.shrink_to_fit();
  if (ec) {
    close();
    co_return false;
  }
  co_return true;
}

net::Awaitable<bool> Connection::flush_if_full() {
  if (out_.size() < kSendBufferFlushBytes) co_return open_;
  co_return co_await flush();
}

net::Awaitable<void> Connection::send_fatal(std::string_view state, std::string message) {
  logging::warn("pg connection closed", "peer", peer_, "sqlstate", state, "reason", message);
  ErrorFields e;
  e.severity = "FATAL";
  e.sqlstate = std::string(state);
  e.message = std::move(message);
  writer_.error_response(e);
  co_await flush();
}

void Connection::send_error(const Status& status) {
  logging::debug("pg statement failed", "peer", peer_, "error", status.to_string());
  writer_.error_response(ErrorFields::from_status(status));
}

void Connection::ready_for_query() { writer_.ready_for_query(transaction_status_); }

net::Awaitable<void> Connection::end_transaction_if_idle() {
  if (transaction_status_ != 'I' || portals_.empty()) co_return;
  // Portals are the engine's objects: release them off the event loop.
  co_await offload([this] {
    portals_.clear();
    return 0;
  });
}

// --- startup ---

net::Awaitable<bool> Connection::startup() {
  const PgOptions& options = server_->options();
  startup_timer_ = std::make_unique<asio::steady_timer>(socket_.get_executor());
  startup_timer_->expires_after(std::chrono::milliseconds(options.startup_timeout_ms));
  std::weak_ptr<Connection> weak = weak_from_this();
  startup_timer_->async_wait([weak](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto c = weak.lock(); c && !c->started_) {
      logging::warn("pg connection closed", "peer", c->peer_, "reason", "startup timeout");
      c->close();
    }
  });

  StartupPacket packet;
  for (int negotiations = 0;; negotiations++) {
    if (!co_await fill(4)) co_return false;
    int32_t len = static_cast<int32_t>(load_be32(in_.data() + in_begin_));
    if (len < 8 || len > options.max_startup_packet_bytes) {
      co_await send_fatal(sqlstate::kProtocolViolation, "invalid length of startup packet");
      co_return false;
    }
    if (!co_await fill(static_cast<size_t>(len))) co_return false;
    auto decoded = decode_startup_packet(std::span<const uint8_t>(in_.data() + in_begin_ + 4, len - 4));
    in_begin_ += static_cast<size_t>(len);
    if (!decoded.ok()) {
      co_await send_fatal(sqlstate::for_status(decoded.status()), decoded.status().message());
      co_return false;
    }
    packet = std::move(*decoded);
    if (packet.kind == StartupPacket::Kind::kCancel) {
      // No answer: the client closes after sending it.
      server_->backend()->cancel(packet.process_id, packet.secret_key);
      co_return false;
    }
    if (packet.kind == StartupPacket::Kind::kStartup) break;
    if (negotiations >= kMaxNegotiationPackets) {
      co_await send_fatal(sqlstate::kProtocolViolation, "too many encryption requests");
      co_return false;
    }
    // SSLRequest / GSSENCRequest: we speak neither; the client continues in the clear
    // (or gives up, as sslmode=require does). The answer is one unframed byte.
    out_.push_back('N');
    if (!co_await flush()) co_return false;
    if (in_end_ != in_begin_) {
      // Data sent after the request before our answer: a man-in-the-middle attempt
      // (CVE-2021-23214); PostgreSQL refuses it too.
      co_await send_fatal(sqlstate::kProtocolViolation, "received unencrypted data after SSL request");
      co_return false;
    }
  }

  StartupParams params;
  for (const auto& [k, v] : packet.params) {
    if (k == "user") params.user = v;
    if (k == "database") params.database = v;
    if (k == "application_name") params.application_name = v;
  }
  params.all = std::move(packet.params);
  if (params.user.empty()) {
    co_await send_fatal(sqlstate::kInvalidAuthorizationSpecification,
                        "no PostgreSQL user name specified in startup packet");
    co_return false;
  }
  if (params.database.empty()) params.database = params.user;
  if (!server_->acquire_session_slot()) {
    co_await send_fatal(sqlstate::kTooManyConnections, "sorry, too many clients already");
    co_return false;
  }
  holds_session_slot_ = true;
  started_ = true;
  startup_timer_->cancel();

  Backend* backend = server_->backend();
  auto opened = co_await offload([&] { return backend->open_session(params); });
  if (!opened.ok()) {
    co_await send_fatal(sqlstate::for_status(opened.status()), opened.status().message());
    co_return false;
  }
  session_ = std::move(*opened);

  // Authentication: trust. SCRAM-SHA-256 (AuthenticationSASL ... SASLFinal) goes
  // here, before AuthenticationOk, with the user from `params`.
  writer_.authentication_ok();
  struct Hello {
    std::vector<std::pair<std::string, std::string>> parameters;
    int32_t process_id;
    int32_t secret_key;
  };
  Hello hello = co_await offload([this] {
    return Hello{session_->parameter_status(), session_->process_id(), session_->secret_key()};
  });
  for (const auto& [name, value] : hello.parameters) writer_.parameter_status(name, value);
  writer_.backend_key_data(hello.process_id, hello.secret_key);
  cancel_key_.emplace(hello.process_id, hello.secret_key);
  ready_for_query();
  logging::debug("pg session opened", "peer", peer_, "user", params.user, "database", params.database,
                 "process_id", hello.process_id);
  co_return co_await flush();
}

// --- the message loop ---

net::Awaitable<void> Connection::run() {
  auto self = shared_from_this();
  bool failed = false;
  try {
    if (co_await startup()) co_await serve();
  } catch (const std::exception& e) {
    logging::error("pg connection failed", "peer", peer_, "error", e.what());
    failed = true;
  }
  if (failed) {
    ErrorFields e;
    e.severity = "FATAL";
    e.sqlstate = std::string(sqlstate::kInternalError);
    e.message = "internal error; connection closed";
    writer_.error_response(e);
    co_await flush();
  }
  close();
  // Release the engine's objects off the event loop (a session may roll back).
  if (session_ || !portals_.empty() || !statements_.empty()) {
    std::unique_ptr<Session> session = std::move(session_);
    co_await offload([&] {
      portals_.clear();
      statements_.clear();
      session.reset();
      return 0;
    });
  }
  if (holds_session_slot_) {
    holds_session_slot_ = false;
    server_->release_session_slot();
  }
}

net::Awaitable<bool> Connection::serve() {
  for (;;) {
    uint8_t type = 0;
    std::span<const uint8_t> body;
    if (!co_await read_message(&type, &body)) co_return false;
    auto decoded = decode_frontend_message(type, body);
    if (!decoded.ok()) {
      co_await send_fatal(sqlstate::for_status(decoded.status()), decoded.status().message());
      co_return false;
    }
    FrontendMessage& m = *decoded;
    if (std::holds_alternative<msg::Terminate>(m)) co_return true;
    if (skip_until_sync_ && !std::holds_alternative<msg::Sync>(m)) continue;
    bool keep = true;
    if (auto* q = std::get_if<msg::Query>(&m)) {
      keep = co_await handle_query(q->sql);
    } else if (auto* p = std::get_if<msg::Parse>(&m)) {
      keep = co_await handle_parse(*p);
    } else if (auto* b = std::get_if<msg::Bind>(&m)) {
      keep = co_await handle_bind(*b);
    } else if (auto* d = std::get_if<msg::Describe>(&m)) {
      handle_describe(*d);
    } else if (auto* e = std::get_if<msg::Execute>(&m)) {
      keep = co_await handle_execute(*e);
    } else if (auto* c = std::get_if<msg::Close>(&m)) {
      keep = co_await handle_close(*c);
    } else if (std::holds_alternative<msg::Sync>(m)) {
      keep = co_await handle_sync();
    } else if (std::holds_alternative<msg::Flush>(m)) {
      keep = co_await flush();
    } else if (std::holds_alternative<msg::FunctionCall>(m)) {
      keep = co_await handle_function_call();
    }
    // CopyData / CopyDone / CopyFail outside COPY: ignored (left over after a COPY
    // failed, as the protocol allows).
    if (!keep || !open_) co_return false;
  }
}

net::Awaitable<bool> Connection::handle_function_call() {
  send_error(Status::sql(sqlstate::kFeatureNotSupported, "the FunctionCall message is not supported"));
  ready_for_query();
  co_return co_await flush();
}

net::Awaitable<bool> Connection::handle_query(std::string_view sql) {
  erase_statement(std::string_view());
  bool failed = false;
  {
    // The unnamed portal goes too (off the event loop: it is the engine's).
    auto unnamed = portals_.find(std::string_view());
    if (unnamed != portals_.end()) {
      PortalEntry dropped = std::move(unnamed->second);
      portals_.erase(unnamed);
      co_await offload([&] {
        dropped.portal.reset();
        return 0;
      });
    }
  }
  auto prepared = co_await offload(
      [&] { return session_->prepare(sql, {}, Session::PrepareMode::kParseOnly); });
  if (!prepared.ok()) {
    send_error(prepared.status());
    failed = true;
  } else if (prepared->empty()) {
    writer_.empty_query_response();
  } else {
    for (const auto& statement : *prepared) {
      auto bound = co_await offload([&] { return session_->bind(statement, {}); });
      if (!bound.ok()) {
        send_error(bound.status());
        failed = true;
        break;
      }
      PortalEntry entry;
      entry.statement = statement;
      entry.portal = std::move(*bound);
      entry.description = entry.portal->description();
      entry.result_formats.assign(entry.description.columns.size(), kFormatText);
      if (entry.description.kind == StatementKind::kRows) {
        writer_.row_description(entry.description.columns, entry.result_formats);
      }
      RunOutcome outcome = co_await execute_portal(entry, 0);
      co_await offload([&] {
        entry.portal.reset();
        return 0;
      });
      if (outcome == RunOutcome::kClosed) co_return false;
      if (outcome == RunOutcome::kFailed) {
        failed = true;
        break;
      }
    }
  }
  co_await offload([&] {
    session_->end_of_batch(failed);
    return 0;
  });
  co_await end_transaction_if_idle();
  ready_for_query();
  co_return co_await flush();
}

// --- running portals ---

net::Awaitable<Connection::RunOutcome> Connection::execute_portal(PortalEntry& entry, int32_t max_rows) {
  switch (entry.description.kind) {
    case StatementKind::kCopyIn: co_return co_await run_copy_in(entry);
    case StatementKind::kCopyOut: co_return co_await run_copy_out(entry);
    case StatementKind::kRows:
    case StatementKind::kCommand: break;
  }
  co_return co_await run_rows(entry, max_rows);
}

void Connection::write_rows(PortalEntry& entry, size_t count) {
  const types::Batch& batch = entry.pending;
  const size_t columns = batch.column_count();
  for (size_t row = entry.pending_row; row < entry.pending_row + count; row++) {
    writer_.begin_data_row(static_cast<int16_t>(columns));
    for (size_t c = 0; c < columns; c++) {
      const types::Vector& v = batch.columns[c];
      if (v.is_null(row)) {
        writer_.null_field();
        continue;
      }
      writer_.begin_field();
      if (entry.result_formats[c] == kFormatBinary && has_binary_format(v.type())) {
        append_binary_value(v, row, out_);
      } else {
        scratch_.clear();
        append_text_value(v, row, scratch_);
        out_.insert(out_.end(), scratch_.begin(), scratch_.end());
      }
      writer_.end_field();
    }
    writer_.end_message();
  }
  entry.pending_row += count;
}

net::Awaitable<Connection::RunOutcome> Connection::run_rows(PortalEntry& entry, int32_t max_rows) {
  const size_t limit = max_rows > 0 ? static_cast<size_t>(max_rows) : std::numeric_limits<size_t>::max();
  size_t sent = 0;
  for (;;) {
    if (entry.pending_row < entry.pending.rows) {
      size_t n = std::min(entry.pending.rows - entry.pending_row, limit - sent);
      write_rows(entry, n);
      sent += n;
      if (!co_await flush_if_full()) co_return RunOutcome::kClosed;
      if (sent == limit) {
        writer_.portal_suspended();
        co_return RunOutcome::kSuspended;
      }
      continue;
    }
    if (entry.done) break;
    struct Fetched {
      Result<bool> more;
      std::string tag;
    };
    Fetched fetched = co_await offload([&] {
      Fetched f{entry.portal->fetch(entry.pending), {}};
      if (f.more.ok() && !*f.more) f.tag = entry.portal->command_tag();
      return f;
    });
    entry.pending_row = 0;
    if (!fetched.more.ok()) {
      entry.pending = types::Batch();
      send_error(fetched.more.status());
      co_return RunOutcome::kFailed;
    }
    if (!*fetched.more) {
      entry.done = true;
      entry.tag = std::move(fetched.tag);
      entry.pending = types::Batch();
      continue;
    }
    bool shape_ok = entry.pending.column_count() == entry.result_formats.size();
    for (const auto& column : entry.pending.columns) shape_ok = shape_ok && column.size() >= entry.pending.rows;
    if (!shape_ok) {
      entry.pending = types::Batch();
      send_error(Status::internal("the engine returned rows that do not match the statement's columns"));
      co_return RunOutcome::kFailed;
    }
  }
  writer_.command_complete(entry.tag);
  co_return RunOutcome::kCompleted;
}

net::Awaitable<Connection::RunOutcome> Connection::run_copy_out(PortalEntry& entry) {
  writer_.copy_out_response(entry.description.copy_column_count);
  std::string chunk;
  for (;;) {
    struct Fetched {
      Result<bool> more;
      std::string tag;
    };
    Fetched fetched = co_await offload([&] {
      Fetched f{entry.portal->fetch_copy_out(chunk), {}};
      if (f.more.ok() && !*f.more) f.tag = entry.portal->command_tag();
      return f;
    });
    if (!fetched.more.ok()) {
      send_error(fetched.more.status());
      co_return RunOutcome::kFailed;
    }
    if (!*fetched.more) {
      entry.done = true;
      entry.tag = std::move(fetched.tag);
      break;
    }
    writer_.copy_data(chunk);
    if (!co_await flush_if_full()) co_return RunOutcome::kClosed;
  }
  writer_.copy_done();
  writer_.command_complete(entry.tag);
  co_return RunOutcome::kCompleted;
}

net::Awaitable<Connection::RunOutcome> Connection::run_copy_in(PortalEntry& entry) {
  auto sink_or = co_await offload([&] { return entry.portal->copy_in(); });
  if (!sink_or.ok()) {
    send_error(sink_or.status());
    co_return RunOutcome::kFailed;
  }
  CopyInSink* sink = *sink_or;
  auto abort = [&](std::string reason) -> net::Awaitable<void> {
    co_await offload([&] {
      sink->abort(reason);
      return 0;
    });
  };
  writer_.copy_in_response(entry.description.copy_column_count);
  if (!co_await flush()) {
    co_await abort("connection closed");
    co_return RunOutcome::kClosed;
  }
  std::string chunk;
  for (;;) {
    uint8_t type = 0;
    std::span<const uint8_t> body;
    if (!co_await read_message(&type, &body)) {
      co_await abort("connection closed");
      co_return RunOutcome::kClosed;
    }
    switch (type) {
      case 'd': {
        chunk.append(reinterpret_cast<const char*>(body.data()), body.size());
        if (chunk.size() < kCopyChunkBytes && message_buffered()) continue;
        Status written = co_await offload([&] { return sink->write(chunk); });
        chunk.clear();
        if (!written.ok()) {
          co_await abort(written.message());
          send_error(written);
          co_return RunOutcome::kFailed;
        }
        continue;
      }
      case 'c': {
        struct Finished {
          Status status;
          std::string tag;
        };
        Finished finished = co_await offload([&] {
          if (!chunk.empty()) {
            Status written = sink->write(chunk);
            if (!written.ok()) {
              sink->abort(written.message());
              return Finished{written, {}};
            }
          }
          Status s = sink->finish();
          return Finished{s, s.ok() ? entry.portal->command_tag() : std::string()};
        });
        if (!finished.status.ok()) {
          send_error(finished.status);
          co_return RunOutcome::kFailed;
        }
        entry.done = true;
        entry.tag = std::move(finished.tag);
        writer_.command_complete(entry.tag);
        co_return RunOutcome::kCompleted;
      }
      case 'f': {
        auto decoded = decode_frontend_message(type, body);
        std::string reason = decoded.ok() ? std::string(std::get<msg::CopyFail>(*decoded).message) : "";
        co_await abort(reason);
        send_error(Status::sql(sqlstate::kQueryCanceled, "COPY from stdin failed: " + reason));
        co_return RunOutcome::kFailed;
      }
      case 'H':
      case 'S':
        // Flush and Sync are ignored during COPY FROM STDIN (the protocol says so,
        // for clients that send them after an extended-protocol Execute).
        continue;
      default: {
        co_await abort("protocol violation");
        char hex[8];
        std::snprintf(hex, sizeof(hex), "0x%02X", type);
        co_await send_fatal(sqlstate::kProtocolViolation,
                            std::string("unexpected message type ") + hex + " during COPY from stdin");
        co_return RunOutcome::kClosed;
      }
    }
  }
}

}  // namespace strata::pgwire
