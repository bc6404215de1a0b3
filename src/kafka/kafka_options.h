// KafkaOptions: the Kafka listener's settings (server config maps onto them).
#pragma once

#include <cstdint>
#include <string>

namespace strata::kafka {

struct KafkaOptions {
  int32_t node_id = 0;
  std::string advertised_host;        // empty = the bound address (or 127.0.0.1 when bound to 0.0.0.0)
  bool auto_create_topics = true;     // auto.create.topics.enable
  int32_t default_partitions = 1;     // num.partitions for auto-created topics
  int32_t max_request_bytes = 100 << 20;   // larger frames are refused before allocating; connection closed
  int32_t max_connections = 10000;
  int32_t max_inflight_requests_per_connection = 256; // beyond this, stop reading the socket (backpressure)
  int32_t group_min_session_timeout_ms = 6000;
  int32_t group_max_session_timeout_ms = 1800000;
  int32_t group_initial_rebalance_delay_ms = 0;  // group.initial.rebalance.delay.ms (Kafka default 3000; ours 0 is documented)
  int64_t fetch_max_wait_cap_ms = 30000;
};

}  // namespace strata::kafka
