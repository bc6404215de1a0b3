#include "server/server_config.h"

#include <toml++/toml.h>

#include <functional>
#include <map>

#include "net/endpoint.h"

namespace strata::server {
namespace {

// Each TOML key maps to a setter that validates and stores the value.
using Setter = std::function<Status(const toml::node&)>;

template <class T>
Setter int_setter(T* field, int64_t min_value) {
  return [field, min_value](const toml::node& n) -> Status {
    auto v = n.value<int64_t>();
    if (!v) return Status::invalid_argument("expected an integer");
    if (*v < min_value) return Status::invalid_argument("must be >= " + std::to_string(min_value));
    if (*v > static_cast<int64_t>(std::numeric_limits<T>::max())) return Status::invalid_argument("too large");
    *field = static_cast<T>(*v);
    return Status::ok_status();
  };
}

Setter string_setter(std::string* field) {
  return [field](const toml::node& n) -> Status {
    auto v = n.value<std::string>();
    if (!v) return Status::invalid_argument("expected a string");
    *field = *v;
    return Status::ok_status();
  };
}

Setter bool_setter(bool* field) {
  return [field](const toml::node& n) -> Status {
    auto v = n.value<bool>();
    if (!v) return Status::invalid_argument("expected true or false");
    *field = *v;
    return Status::ok_status();
  };
}

// Topic defaults are given under Kafka's names in [log.topic_defaults].
Setter topic_default_setter(log::TopicConfig* defaults, std::string kafka_name) {
  return [defaults, kafka_name](const toml::node& n) -> Status {
    std::string text;
    if (auto s = n.value<std::string>()) {
      text = *s;
    } else if (auto i = n.value<int64_t>()) {
      text = std::to_string(*i);
    } else {
      return Status::invalid_argument("expected a string or an integer");
    }
    STRATA_ASSIGN_OR_RETURN(*defaults, defaults->with_overrides({{kafka_name, text}}));
    return Status::ok_status();
  };
}

std::map<std::string, Setter> setters(ServerConfig* c) {
  std::map<std::string, Setter> m;
  m["data_dir"] = string_setter(&c->data_dir);
  m["log_level"] = [c](const toml::node& n) -> Status {
    auto v = n.value<std::string>();
    if (!v || !logging::parse_level(*v, &c->log_level))
      return Status::invalid_argument("expected one of debug, info, warn, error");
    return Status::ok_status();
  };
  m["kafka.listen"] = string_setter(&c->kafka_listen);
  m["kafka.advertised_host"] = string_setter(&c->kafka.advertised_host);
  m["kafka.node_id"] = int_setter(&c->kafka.node_id, 0);
  m["kafka.auto_create_topics"] = bool_setter(&c->kafka.auto_create_topics);
  m["kafka.num_partitions"] = int_setter(&c->kafka.default_partitions, 1);
  m["kafka.max_request_bytes"] = int_setter(&c->kafka.max_request_bytes, 1024);
  m["kafka.max_connections"] = int_setter(&c->kafka.max_connections, 1);
  m["kafka.max_inflight_requests_per_connection"] = int_setter(&c->kafka.max_inflight_requests_per_connection, 1);
  m["kafka.group_min_session_timeout_ms"] = int_setter(&c->kafka.group_min_session_timeout_ms, 1);
  m["kafka.group_max_session_timeout_ms"] = int_setter(&c->kafka.group_max_session_timeout_ms, 1);
  m["kafka.group_initial_rebalance_delay_ms"] = int_setter(&c->kafka.group_initial_rebalance_delay_ms, 0);
  m["kafka.fetch_max_wait_cap_ms"] = int_setter(&c->kafka.fetch_max_wait_cap_ms, 0);
  m["pg.listen"] = string_setter(&c->pg_listen);
  m["pg.max_message_bytes"] = int_setter(&c->pg.max_message_bytes, 1024);
  m["pg.max_startup_packet_bytes"] = int_setter(&c->pg.max_startup_packet_bytes, 1024);
  m["pg.max_connections"] = int_setter(&c->pg.max_connections, 1);
  m["pg.max_startup_connections"] = int_setter(&c->pg.max_startup_connections, 1);
  m["pg.startup_timeout_ms"] = int_setter(&c->pg.startup_timeout_ms, 1);
  m["pg.worker_threads"] = int_setter(&c->pg.worker_threads, 0);
  m["pg.max_prepared_statements"] = int_setter(&c->pg.max_prepared_statements, 1);
  m["pg.max_portals"] = int_setter(&c->pg.max_portals, 1);
  m["sql.query_memory_bytes"] = int_setter(&c->sql.query_memory_bytes, 1 << 20);
  m["sql.result_rows_max"] = int_setter(&c->sql.result_rows_max, 1);
  m["sql.parallel_workers"] = int_setter(&c->sql.parallel_workers, 0);
  m["sql.parallel_rows_min"] = int_setter(&c->sql.parallel_rows_min, 0);
  m["streams.checkpoint_interval_ms"] = int_setter(&c->streams.checkpoint_interval_ms, 1);
  m["streams.view_step_bytes"] = int_setter(&c->streams.view_step_bytes, 1024);
  m["streams.view_state_bytes_max"] = int_setter(&c->streams.view_state_bytes_max, 1 << 20);
  m["streams.runtime_threads"] = int_setter(&c->streams.runtime_threads, 0);
  m["http.listen"] = string_setter(&c->http_listen);
  m["log.flush_interval_ms"] = int_setter(&c->log.flush_interval_ms, 1);
  m["log.maintenance_interval_ms"] = int_setter(&c->log.maintenance_interval_ms, 10);
  m["log.max_partitions"] = int_setter(&c->log.max_partitions, 1);
  for (const char* name : {"segment.bytes", "segment.ms", "retention.ms", "retention.bytes", "cleanup.policy",
                           "delete.retention.ms", "min.compaction.lag.ms", "index.interval.bytes", "max.message.bytes",
                           "flush.messages", "flush.ms", "message.timestamp.type"}) {
    m[std::string("log.topic_defaults.") + name] = topic_default_setter(&c->log.topic_defaults, name);
  }
  return m;
}

Status apply_table(const toml::table& table, const std::string& prefix, std::map<std::string, Setter>& known,
                   const std::string& source) {
  for (const auto& [key, node] : table) {
    std::string full = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const toml::table* sub = node.as_table(); sub != nullptr && known.find(full) == known.end()) {
      STRATA_RETURN_IF_ERROR(apply_table(*sub, full, known, source));
      continue;
    }
    auto it = known.find(full);
    if (it == known.end()) return Status::invalid_argument(source + ": unknown setting '" + full + "'");
    Status s = it->second(node);
    if (!s.ok()) return Status::invalid_argument(source + ": setting '" + full + "': " + s.message());
  }
  return Status::ok_status();
}

}  // namespace

Status ServerConfig::load_toml_string(const std::string& text, const std::string& source_name) {
  toml::table table;
  try {
    table = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return Status::invalid_argument(source_name + ": " + std::string(e.description()) + " at line " +
                                    std::to_string(e.source().begin.line));
  }
  auto known = setters(this);
  return apply_table(table, "", known, source_name);
}

Status ServerConfig::load_toml_file(const std::string& path) {
  auto bytes = io::posix_file_system()->read_file(path, 1 << 20);
  if (!bytes.ok()) return Status::invalid_argument("cannot read config file: " + bytes.status().to_string());
  return load_toml_string(std::string(bytes->begin(), bytes->end()), path);
}

Status ServerConfig::validate() const {
  if (data_dir.empty()) return Status::invalid_argument("data_dir must not be empty");
  for (const auto& [name, addr] : {std::pair{"kafka listen", kafka_listen}, std::pair{"pg listen", pg_listen},
                                   std::pair{"http listen", http_listen}}) {
    auto e = net::Endpoint::parse(addr);
    if (!e.ok()) return Status::invalid_argument(std::string(name) + ": " + e.status().message());
  }
  if (kafka.group_min_session_timeout_ms > kafka.group_max_session_timeout_ms)
    return Status::invalid_argument("kafka.group_min_session_timeout_ms exceeds kafka.group_max_session_timeout_ms");
  return Status::ok_status();
}

}  // namespace strata::server
