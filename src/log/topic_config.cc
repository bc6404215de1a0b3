#include "log/topic_config.h"

#include <charconv>

namespace strata::log {
namespace {

bool parse_i64(const std::string& s, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

Status bad_value(const std::string& key, const std::string& value) {
  return Status::invalid_argument("invalid value '" + value + "' for config " + key);
}

}  // namespace

Result<TopicConfig> TopicConfig::with_overrides(const std::map<std::string, std::string>& overrides) const {
  TopicConfig c = *this;
  for (const auto& entry : overrides) {
    const std::string& key = entry.first;
    const std::string& value = entry.second;
    int64_t v = 0;
    // Integer settings: name, field, minimum, maximum.
    auto set_int = [&](int64_t* field, int64_t min, int64_t max) -> Status {
      if (!parse_i64(value, &v) || v < min || v > max) return bad_value(key, value);
      *field = v;
      return Status::ok_status();
    };
    auto set_int32 = [&](int32_t* field, int64_t min) -> Status {
      if (!parse_i64(value, &v) || v < min || v > INT32_MAX) return bad_value(key, value);
      *field = static_cast<int32_t>(v);
      return Status::ok_status();
    };
    Status s;
    if (key == "segment.bytes") {
      s = set_int(&c.segment_bytes, 14, INT32_MAX);
    } else if (key == "segment.ms") {
      s = set_int(&c.segment_ms, 1, INT64_MAX);
    } else if (key == "retention.ms") {
      s = set_int(&c.retention_ms, -1, INT64_MAX);
    } else if (key == "retention.bytes") {
      s = set_int(&c.retention_bytes, -1, INT64_MAX);
    } else if (key == "delete.retention.ms") {
      s = set_int(&c.delete_retention_ms, 0, INT64_MAX);
    } else if (key == "min.compaction.lag.ms") {
      s = set_int(&c.min_compaction_lag_ms, 0, INT64_MAX);
    } else if (key == "index.interval.bytes") {
      s = set_int32(&c.index_interval_bytes, 0);
    } else if (key == "max.message.bytes") {
      s = set_int32(&c.max_message_bytes, 0);
    } else if (key == "flush.messages") {
      s = set_int(&c.flush_messages, 1, INT64_MAX);
    } else if (key == "flush.ms") {
      s = set_int(&c.flush_ms, 0, INT64_MAX);
    } else if (key == "cleanup.policy") {
      if (value == "delete") {
        c.cleanup_policy = CleanupPolicy::kDelete;
      } else if (value == "compact") {
        c.cleanup_policy = CleanupPolicy::kCompact;
      } else if (value == "compact,delete" || value == "delete,compact") {
        c.cleanup_policy = CleanupPolicy::kCompactDelete;
      } else {
        s = bad_value(key, value);
      }
    } else if (key == "message.timestamp.type") {
      if (value == "CreateTime") {
        c.message_timestamp_log_append = false;
      } else if (value == "LogAppendTime") {
        c.message_timestamp_log_append = true;
      } else {
        s = bad_value(key, value);
      }
    } else {
      s = Status::invalid_argument("unknown topic config " + key);
    }
    if (!s.ok()) return s;
  }
  return c;
}

std::map<std::string, std::string> TopicConfig::to_map() const {
  std::map<std::string, std::string> m;
  m["segment.bytes"] = std::to_string(segment_bytes);
  m["segment.ms"] = std::to_string(segment_ms);
  m["retention.ms"] = std::to_string(retention_ms);
  m["retention.bytes"] = std::to_string(retention_bytes);
  m["delete.retention.ms"] = std::to_string(delete_retention_ms);
  m["min.compaction.lag.ms"] = std::to_string(min_compaction_lag_ms);
  m["index.interval.bytes"] = std::to_string(index_interval_bytes);
  m["max.message.bytes"] = std::to_string(max_message_bytes);
  m["flush.messages"] = std::to_string(flush_messages);
  m["flush.ms"] = std::to_string(flush_ms);
  switch (cleanup_policy) {
    case CleanupPolicy::kDelete: m["cleanup.policy"] = "delete"; break;
    case CleanupPolicy::kCompact: m["cleanup.policy"] = "compact"; break;
    case CleanupPolicy::kCompactDelete: m["cleanup.policy"] = "compact,delete"; break;
  }
  m["message.timestamp.type"] = message_timestamp_log_append ? "LogAppendTime" : "CreateTime";
  return m;
}

}  // namespace strata::log
