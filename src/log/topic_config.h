// Per-topic configuration, under Kafka's own config names so that clients'
// CreateTopics / DescribeConfigs use them unchanged. Defaults come from the
// server configuration (LogOptions::topic_defaults).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/status.h"

namespace strata::log {

enum class CleanupPolicy : uint8_t { kDelete, kCompact, kCompactDelete };

struct TopicConfig {
  int64_t segment_bytes = 128LL << 20;              // segment.bytes: roll past this size
  int64_t segment_ms = 7LL * 24 * 3600 * 1000;      // segment.ms: roll past this age
  int64_t retention_ms = 7LL * 24 * 3600 * 1000;    // retention.ms; -1 = keep forever
  int64_t retention_bytes = -1;                     // retention.bytes per partition; -1 = no limit
  CleanupPolicy cleanup_policy = CleanupPolicy::kDelete;  // cleanup.policy
  int64_t delete_retention_ms = 24LL * 3600 * 1000; // delete.retention.ms: tombstones kept this long after compaction
  int64_t min_compaction_lag_ms = 0;                // min.compaction.lag.ms
  int32_t index_interval_bytes = 4096;              // index.interval.bytes: sparse index spacing
  int32_t max_message_bytes = 1048588;              // max.message.bytes: largest batch accepted
  int64_t flush_messages = INT64_MAX;               // flush.messages: fsync after this many unflushed records
  int64_t flush_ms = 1000;                          // flush.ms: fsync data older than this in the background
  bool message_timestamp_log_append = false;        // message.timestamp.type=LogAppendTime

  // Applies Kafka-named overrides on top of *this; unknown names and bad
  // values are kInvalidArgument naming the key.
  Result<TopicConfig> with_overrides(const std::map<std::string, std::string>& overrides) const;
  // Every config as Kafka names -> values (DescribeConfigs, persistence).
  std::map<std::string, std::string> to_map() const;
};

}  // namespace strata::log
