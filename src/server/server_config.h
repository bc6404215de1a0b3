// ServerConfig: everything `strata server` can be told, from (lowest to
// highest precedence) built-in defaults, a TOML file (--config) and flags.
// The TOML keys are documented in docs/configuration.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/logging.h"
#include "base/status.h"
#include "kafka/kafka_server.h"
#include "log/log_manager.h"
#include "pgwire/pg_options.h"

namespace strata::server {

struct ServerConfig {
  std::string data_dir = "./strata-data";
  std::string kafka_listen = "127.0.0.1:9092";
  std::string pg_listen = "127.0.0.1:5433";
  std::string http_listen = "127.0.0.1:8080";
  logging::Level log_level = logging::Level::kInfo;
  log::LogOptions log;        // data_dir is filled from data_dir above
  kafka::KafkaOptions kafka;
  pgwire::PgOptions pg;       // limits of the PostgreSQL listener (no TOML keys yet)

  // Reads a TOML file over the current values; unknown keys are errors (a
  // typo must not silently fall back to a default).
  Status load_toml_file(const std::string& path);
  Status load_toml_string(const std::string& text, const std::string& source_name);
  // Checks cross-field rules (positive sizes, listen addresses parse, ...).
  Status validate() const;
};

}  // namespace strata::server
