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

// The SQL engine's limits ([sql]; copied into exec::EngineOptions at startup).
struct SqlConfig {
  int64_t query_memory_bytes = 512ll << 20;  // per statement, before sorts, joins and aggregates spill
  int64_t result_rows_max = 50'000'000;      // rows one statement may return (54000 beyond)
  int32_t parallel_workers = 0;              // default of max_parallel_workers_per_gather; 0 = cores (max 16)
  int64_t parallel_rows_min = 131072;        // default of min_parallel_table_scan_rows
};

// Materialized views ([streams]; copied into exec::EngineOptions at startup).
struct StreamsConfig {
  int64_t checkpoint_interval_ms = 1000;  // per view: offsets and state committed this often
  int64_t view_step_bytes = 1 << 20;      // bytes of records one view reads per step
  int64_t view_state_bytes_max = int64_t{1} << 30;  // a view whose state would grow past it stops
  int32_t runtime_threads = 0;            // threads stepping views; 0 = cores (max 16)
};

struct ServerConfig {
  std::string data_dir = "./strata-data";
  std::string kafka_listen = "127.0.0.1:9092";
  std::string pg_listen = "127.0.0.1:5433";
  std::string http_listen = "127.0.0.1:8080";
  logging::Level log_level = logging::Level::kInfo;
  log::LogOptions log;  // data_dir is filled from data_dir above
  kafka::KafkaOptions kafka;
  pgwire::PgOptions pg;  // limits of the PostgreSQL listener
  SqlConfig sql;
  StreamsConfig streams;

  // Reads a TOML file over the current values; unknown keys are errors (a
  // typo must not silently fall back to a default).
  Status load_toml_file(const std::string& path);
  Status load_toml_string(const std::string& text, const std::string& source_name);
  // Checks cross-field rules (positive sizes, listen addresses parse, ...).
  Status validate() const;
};

}  // namespace strata::server
