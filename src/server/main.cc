// The `strata` command: `strata server ...`, `strata nexmark ...` and
// `strata --version`. Exit codes: 0 success, 1 a failure while running,
// 2 bad arguments (every command-line parse error included).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "base/logging.h"
#include "server/nexmark_command.h"
#include "server/server.h"

int main(int argc, char** argv) {
  using strata::server::ServerConfig;
  CLI::App app{"Strata: the data stack in one binary"};
  app.set_version_flag("--version", std::string("strata ") + STRATA_VERSION);
  app.require_subcommand(1);

  CLI::App* serve = app.add_subcommand("server", "Run the server");
  std::string config_path, data_dir, kafka_listen, pg_listen, http_listen, log_level;
  serve->add_option("--config", config_path, "TOML configuration file")->check(CLI::ExistingFile);
  serve->add_option("--data-dir", data_dir, "Data directory (default ./strata-data)");
  serve->add_option("--kafka-listen", kafka_listen,
                    "Kafka listener HOST:PORT (default 127.0.0.1:9092; port 0 = any free)");
  serve->add_option("--pg-listen", pg_listen, "PostgreSQL listener HOST:PORT (default 127.0.0.1:5433)");
  serve->add_option("--http-listen", http_listen, "HTTP listener HOST:PORT (default 127.0.0.1:8080)");
  serve->add_option("--log-level", log_level, "debug, info, warn or error");

  CLI::App* nexmark = app.add_subcommand(
      "nexmark", "Write Nexmark events (docs/formats/nexmark.md) as JSON lines to stdout");
  strata::server::NexmarkCommandOptions nx;
  nexmark->add_option("--events", nx.events, "Number of events of the stream to cover (N)")->required();
  nexmark->add_option("--first-event", nx.first_event, "First event number (K, default 0): events K..K+N-1");
  nexmark->add_option("--rate", nx.rate_events_per_s, "Events per second of event time (default 10000)");
  nexmark->add_option("--kind", nx.kind, "person, auction, bid or all (default all: with event_type)");
  nexmark->add_option("--format", nx.format, "json (the only one today)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);  // prints help, the version or the error
    return rc == 0 ? 0 : 2;
  }

  if (nexmark->parsed()) {
    strata::Status s = strata::server::run_nexmark_command(nx, STDOUT_FILENO);
    if (!s.ok()) {
      std::fprintf(stderr, "strata nexmark: %s\n", s.message().c_str());
      return s.code() == strata::StatusCode::kInvalidArgument ? 2 : 1;
    }
    return 0;
  }

  ServerConfig config;
  if (!config_path.empty()) {
    strata::Status s = config.load_toml_file(config_path);
    if (!s.ok()) {
      std::fprintf(stderr, "strata: %s\n", s.message().c_str());
      return 2;
    }
  }
  if (!data_dir.empty()) config.data_dir = data_dir;
  if (!kafka_listen.empty()) config.kafka_listen = kafka_listen;
  if (!pg_listen.empty()) config.pg_listen = pg_listen;
  if (!http_listen.empty()) config.http_listen = http_listen;
  if (!log_level.empty() && !strata::logging::parse_level(log_level, &config.log_level)) {
    std::fprintf(stderr, "strata: --log-level must be debug, info, warn or error\n");
    return 2;
  }

  strata::server::Server server(std::move(config));
  strata::Status s = server.open();
  if (!s.ok()) {
    strata::logging::error("startup failed", "error", s.to_string());
    return 1;
  }
  s = server.run();
  return s.ok() ? 0 : 1;
}
