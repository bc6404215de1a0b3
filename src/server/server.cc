#include "server/server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/signal_set.hpp>

#include "base/logging.h"
#include "io/clock.h"
#include "io/file_system.h"
#include "net/asio.h"
#include "pgwire/pg_server.h"
#include "server/log_topic_access.h"
#include "server/sql_backend.h"

namespace strata::server {

struct Server::State {
  net::asio::io_context io{1};
  std::unique_ptr<log::LogManager> log;
  std::unique_ptr<kafka::KafkaServer> kafka;
  // The engine's way to the log (streams); declared before `engine`, which uses it.
  std::unique_ptr<LogTopicAccess> topics;
  // The SQL engine and its pgwire adapter; declared before `pg` so they outlive it.
  std::unique_ptr<exec::Engine> engine;
  std::unique_ptr<SqlBackend> sql;
  std::atomic<bool> engine_maintenance_running{false};
  std::unique_ptr<pgwire::PgServer> pg;  // destroyed before io: joins its worker pool
  std::unique_ptr<net::asio::steady_timer> maintenance_timer;
  std::unique_ptr<net::asio::signal_set> signals;
};

Server::Server(ServerConfig config) : config_(std::move(config)), state_(std::make_unique<State>()) {}
Server::~Server() = default;

Status Server::open() {
  STRATA_RETURN_IF_ERROR(config_.validate());
  logging::set_level(config_.log_level);
  io::FileSystem* fs = io::posix_file_system();
  STRATA_RETURN_IF_ERROR(fs->create_dirs(config_.data_dir));

  log::LogOptions log_options = config_.log;
  log_options.data_dir = config_.data_dir;
  STRATA_ASSIGN_OR_RETURN(state_->log, log::LogManager::open(log_options, fs, io::system_clock()));

  STRATA_ASSIGN_OR_RETURN(net::Endpoint kafka_ep, net::Endpoint::parse(config_.kafka_listen));
  state_->kafka =
      std::make_unique<kafka::KafkaServer>(state_->io, state_->log.get(), io::system_clock(), config_.kafka);
  STRATA_RETURN_IF_ERROR(state_->kafka->start(kafka_ep));

  kafka::KafkaServer* kafka = state_->kafka.get();
  state_->topics = std::make_unique<LogTopicAccess>(state_->io, state_->log.get(), [kafka] { kafka->notify_appended(); });

  if (pg_backend_ == nullptr) {
    exec::EngineOptions engine_options;
    engine_options.topic_access = state_->topics.get();
    engine_options.data_dir = config_.data_dir + "/sql";
    engine_options.query_memory_bytes = static_cast<size_t>(config_.sql.query_memory_bytes);
    engine_options.result_rows_max = static_cast<size_t>(config_.sql.result_rows_max);
    if (config_.sql.parallel_workers > 0) engine_options.parallel_workers = std::min(config_.sql.parallel_workers, 16);
    engine_options.parallel_rows_min = static_cast<uint64_t>(config_.sql.parallel_rows_min);
    engine_options.checkpoint_interval_ms = config_.streams.checkpoint_interval_ms;
    engine_options.view_step_bytes = static_cast<int32_t>(std::min<int64_t>(config_.streams.view_step_bytes, 64 << 20));
    engine_options.view_state_bytes_max = config_.streams.view_state_bytes_max;
    if (config_.streams.runtime_threads > 0) {
      engine_options.stream_runtime_threads = std::min(config_.streams.runtime_threads, 16);
    }
    STRATA_ASSIGN_OR_RETURN(state_->engine, exec::Engine::open(fs, engine_options));
    state_->sql = std::make_unique<SqlBackend>(state_->engine.get());
    pg_backend_ = state_->sql.get();
  }

  STRATA_ASSIGN_OR_RETURN(net::Endpoint pg_ep, net::Endpoint::parse(config_.pg_listen));
  state_->pg = std::make_unique<pgwire::PgServer>(state_->io, pg_backend_, config_.pg);
  STRATA_RETURN_IF_ERROR(state_->pg->start(pg_ep));
  return Status::ok_status();
}

namespace {
// Log maintenance runs on the event loop (it only touches the log's own state);
// table maintenance (flushing and merging column parts) may take longer, so it is
// posted to the pgwire worker pool, at most one run at a time.
net::Awaitable<void> maintenance_loop(net::asio::steady_timer* timer, log::LogManager* log, int64_t interval_ms,
                                      exec::Engine* engine, pgwire::PgServer* pg, std::atomic<bool>* engine_busy) {
  for (;;) {
    timer->expires_after(std::chrono::milliseconds(interval_ms));
    boost::system::error_code ec;
    co_await timer->async_wait(net::asio::redirect_error(net::asio::use_awaitable, ec));
    if (ec) co_return;
    Status s = log->run_maintenance();
    if (!s.ok()) logging::warn("log maintenance failed", "error", s.to_string());
    if (engine != nullptr && !engine_busy->exchange(true)) {
      net::asio::post(pg->pool(), [engine, engine_busy] {
        engine->maintenance();
        engine_busy->store(false);
      });
    }
  }
}
}  // namespace

Status Server::run() {
  auto& io = state_->io;
  state_->signals = std::make_unique<net::asio::signal_set>(io, SIGINT, SIGTERM);
  state_->signals->async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    logging::info("shutting down", "signal", signo == SIGTERM ? "SIGTERM" : "SIGINT");
    request_stop();
  });
  state_->maintenance_timer = std::make_unique<net::asio::steady_timer>(io);
  int64_t interval_ms =
      std::max<int64_t>(10, std::min(config_.log.maintenance_interval_ms, config_.log.flush_interval_ms));
  net::asio::co_spawn(io,
                      maintenance_loop(state_->maintenance_timer.get(), state_->log.get(), interval_ms,
                                       state_->engine.get(), state_->pg.get(), &state_->engine_maintenance_running),
                      net::asio::detached);

  logging::info("ready", "kafka", state_->kafka->bound_endpoint().to_string(), "pg",
                state_->pg->bound_endpoint().to_string(), "data_dir", config_.data_dir, "version", STRATA_VERSION);
  io.run();

  // The materialized views' thread stops (after its last checkpoints) before the
  // log closes; request_stop() already made its TopicAccess calls fail fast.
  if (state_->engine) state_->engine->stop_streams();
  Status closed = state_->log->close();
  if (!closed.ok()) {
    logging::error("log close failed", "error", closed.to_string());
    return closed;
  }
  logging::info("stopped");
  return Status::ok_status();
}

void Server::request_stop() {
  net::asio::post(state_->io, [this] {
    if (state_->kafka) state_->kafka->stop();
    if (state_->topics) state_->topics->stop();
    if (state_->pg) state_->pg->stop();
    if (state_->maintenance_timer) state_->maintenance_timer->cancel();
    if (state_->signals) state_->signals->cancel();
    state_->io.stop();
  });
}

}  // namespace strata::server
