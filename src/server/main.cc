// The `strata` command: `strata server ...` and `strata --version`.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "base/logging.h"
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

  CLI11_PARSE(app, argc, argv);

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
