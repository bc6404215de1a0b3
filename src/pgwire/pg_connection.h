// Connection: one PostgreSQL client socket, from the startup packet to Terminate.
//
// States (docs/formats/pgwire.md has the message flow):
//
//   kStartup ── SSLRequest/GSSENCRequest: answer 'N', stay
//      │     ── CancelRequest: Backend::cancel, close
//      │     ── bad packet / no user / over max_connections / open_session error:
//      │        FATAL ErrorResponse, close
//      ▼ StartupMessage: AuthenticationOk (the authentication seam), ParameterStatus*,
//   kReady    BackendKeyData, ReadyForQuery
//      │  'Q' simple query: each statement RowDescription, DataRow*, CommandComplete
//      │      (or the COPY sub-protocol); first error stops; ReadyForQuery
//      │  'P' 'B' 'D' 'E' 'C' 'H': extended protocol; an error sets skip-until-Sync
//      │  'S' Sync: ends the implicit transaction, clears skip-until-Sync, ReadyForQuery
//      │  'F' FunctionCall: 0A000, ReadyForQuery
//      │  'd' 'c' 'f' outside COPY: ignored (what is left after a failed COPY)
//      ▼ 'X' Terminate, EOF, malformed message (FATAL 08P01), message over the
//   closed   size limit (FATAL 54000), or PgServer::stop()
//
// Extended-protocol object lifetimes (PostgreSQL's rules): the unnamed statement
// lives until the next Parse of the unnamed statement or the next Query; a named
// statement until Close (Parse of an existing name is 42P05). The unnamed portal
// lives until the next Bind of the unnamed portal, the next Query, or the end of
// the transaction; a named portal until Close or the end of the transaction (Bind
// of an existing name is 42P03). The transaction ends at a Sync or Query after
// which the session reports 'I'; then every portal is dropped.
//
// Threading: the coroutine runs on the io_context thread; every Backend/Session
// call is posted to the server's worker pool and the coroutine resumes on the
// io_context when it returns (offload()). One session call at a time.
#pragma once

#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/asio/thread_pool.hpp>

#include "net/asio.h"
#include "pgwire/backend.h"
#include "pgwire/backend_message.h"
#include "pgwire/frontend_message.h"
#include "types/batch.h"

namespace strata::pgwire {

class PgServer;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::tcp::socket socket, PgServer* server);
  ~Connection();

  // Serves the connection until it closes.
  net::Awaitable<void> run();
  // Closes the socket; run() ends at its next read or write.
  void close();
  // Asks the backend to cancel the running statement, if any (server shutdown).
  void cancel_statement();

 private:
  // A prepared statement; null `statement` is the empty query.
  struct StatementEntry {
    std::shared_ptr<PreparedStatement> statement;
  };
  // A portal and its progress through Execute calls.
  struct PortalEntry {
    std::shared_ptr<PreparedStatement> statement;  // null: the empty query
    std::unique_ptr<Portal> portal;
    StatementDescription description;
    std::vector<int16_t> result_formats;  // one per column
    types::Batch pending;                 // rows fetched but not yet sent
    size_t pending_row = 0;
    bool done = false;
    std::string tag;
  };
  enum class RunOutcome : uint8_t { kCompleted, kSuspended, kFailed, kClosed };

  // --- I/O (pg_connection.cc) ---
  // Makes `n` bytes available at in_[in_begin_]; false at EOF or error.
  net::Awaitable<bool> fill(size_t n);
  // Reads one regular message into *type / *body (valid until the next read).
  // Returns false when the connection is to close (EOF, or a FATAL was sent).
  net::Awaitable<bool> read_message(uint8_t* type, std::span<const uint8_t>* body);
  // Whether a whole regular message is already buffered.
  bool message_buffered() const;
  net::Awaitable<bool> flush();
  net::Awaitable<bool> flush_if_full();
  // FATAL ErrorResponse, flushed; the caller then closes.
  net::Awaitable<void> send_fatal(std::string_view sqlstate, std::string message);

  // Runs `f` on the worker pool, then drains the session's notices and parameter
  // changes into the send buffer (on the event loop). REQUIRES: f returns non-void.
  template <class F>
  net::Awaitable<std::invoke_result_t<F&>> offload(F f);
  boost::asio::thread_pool& server_pool();

  // --- phases (pg_connection.cc) ---
  net::Awaitable<bool> startup();
  net::Awaitable<bool> handle_query(std::string_view sql);
  net::Awaitable<bool> handle_function_call();
  void send_error(const Status& status);
  // Runs a bound portal: rows (at most max_rows when > 0), COPY in or out.
  net::Awaitable<RunOutcome> execute_portal(PortalEntry& entry, int32_t max_rows);
  net::Awaitable<RunOutcome> run_rows(PortalEntry& entry, int32_t max_rows);
  net::Awaitable<RunOutcome> run_copy_in(PortalEntry& entry);
  net::Awaitable<RunOutcome> run_copy_out(PortalEntry& entry);
  void write_rows(PortalEntry& entry, size_t count);
  void ready_for_query();
  // Drops every portal when the transaction ended (the session reports 'I').
  net::Awaitable<void> end_transaction_if_idle();
  net::Awaitable<bool> serve();

  // --- extended protocol (extended_query.cc) ---
  net::Awaitable<bool> handle_parse(const msg::Parse& m);
  net::Awaitable<bool> handle_bind(const msg::Bind& m);
  void handle_describe(const msg::Describe& m);
  net::Awaitable<bool> handle_execute(const msg::Execute& m);
  net::Awaitable<bool> handle_close(const msg::Close& m);
  // Destroys a portal off the event loop (it is the engine's object).
  net::Awaitable<void> drop_portal(std::string_view name);
  net::Awaitable<bool> handle_sync();
  void extended_error(const Status& status);
  void erase_statement(std::string_view name) {
    if (auto it = statements_.find(name); it != statements_.end()) statements_.erase(it);
  }

  net::tcp::socket socket_;
  PgServer* server_;
  std::string peer_;
  bool open_ = true;
  bool holds_session_slot_ = false;
  bool started_ = false;  // past the startup phase
  std::unique_ptr<net::asio::steady_timer> startup_timer_;
  std::unique_ptr<Session> session_;
  char transaction_status_ = 'I';  // the session's, read after every offloaded call
  std::optional<std::pair<int32_t, int32_t>> cancel_key_;  // process id, secret key

  std::vector<uint8_t> in_;
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  std::vector<uint8_t> out_;
  MessageWriter writer_{&out_};
  std::string scratch_;

  std::map<std::string, StatementEntry, std::less<>> statements_;
  std::map<std::string, PortalEntry, std::less<>> portals_;
  bool skip_until_sync_ = false;
  bool batch_failed_ = false;
};

template <class F>
net::Awaitable<std::invoke_result_t<F&>> Connection::offload(F f) {
  using R = std::invoke_result_t<F&>;
  static_assert(!std::is_void_v<R>, "offload() needs a result");
  std::optional<R> result;
  std::exception_ptr error;
  std::vector<Notice> notices;
  std::vector<std::pair<std::string, std::string>> changes;
  Session* session = session_.get();
  char status = transaction_status_;
  auto& pool = server_pool();
  co_await net::asio::async_initiate<const net::asio::use_awaitable_t<>&, void()>(
      [&](auto handler) {
        auto ex = net::asio::get_associated_executor(handler, socket_.get_executor());
        net::asio::post(pool, [h = std::move(handler), ex, &f, &result, &error, &notices, &changes, &status,
                               session]() mutable {
          try {
            result.emplace(f());
            if (session != nullptr) {
              notices = session->take_notices();
              changes = session->take_parameter_changes();
              status = session->transaction_status();
            }
          } catch (...) {
            error = std::current_exception();
          }
          net::asio::post(ex, std::move(h));
        });
      },
      net::asio::use_awaitable);
  if (error) std::rethrow_exception(error);
  transaction_status_ = status;
  for (const Notice& n : notices) writer_.notice_response(ErrorFields::from_notice(n));
  for (const auto& [name, value] : changes) writer_.parameter_status(name, value);
  co_return std::move(*result);
}

}  // namespace strata::pgwire
