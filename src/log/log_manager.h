// LogManager: owns every topic and partition under <data-dir>/topics, recovers
// them at open, runs retention and compaction, and group-commits fsyncs.
//
// Threading: all methods but request_sync() run on the owning thread.
// request_sync() may be called from the owning thread; its callback runs on
// the flusher thread (callers post it back to their own executor).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "io/clock.h"
#include "io/file_system.h"
#include "log/partition.h"
#include "log/topic_config.h"

namespace strata::log {

struct LogOptions {
  std::string data_dir;                // topics live in data_dir + "/topics"
  TopicConfig topic_defaults;          // server-wide defaults (log.* settings)
  int64_t flush_interval_ms = 1000;    // background flush of unsynced data (acks=0/1)
  int64_t maintenance_interval_ms = 30000;  // retention/compaction check period
  int32_t max_partitions = 100000;     // across all topics
};

struct TopicInfo {
  std::string name;
  int32_t partition_count = 0;
  TopicConfig config;
  bool internal = false;   // names starting with "__"
};

class LogManager {
 public:
  virtual ~LogManager() = default;

  // Opens (creating) the data directory and recovers every partition:
  // torn tails truncated, missing indexes rebuilt, corrupt partitions fenced
  // (they are logged and stay fenced; the rest serve).
  static Result<std::unique_ptr<LogManager>> open(const LogOptions& options, io::FileSystem* fs, io::Clock* clock);

  // Topic names: 1-249 chars of [a-zA-Z0-9._-], not "." or "..".
  virtual Result<TopicInfo> create_topic(const std::string& name, int32_t partitions,
                                         const std::map<std::string, std::string>& config_overrides) = 0;
  virtual Status delete_topic(const std::string& name) = 0;
  // Grows a topic to `new_count` partitions (never shrinks).
  virtual Status create_partitions(const std::string& name, int32_t new_count) = 0;
  virtual Status alter_topic_config(const std::string& name, const std::map<std::string, std::string>& overrides) = 0;

  virtual std::vector<TopicInfo> topics() const = 0;
  virtual std::optional<TopicInfo> find_topic(const std::string& name) const = 0;
  // nullptr when the topic or partition does not exist.
  virtual Partition* partition(const std::string& topic, int32_t index) = 0;

  // Group commit: `done(status)` is called once every offset < `offset` of
  // `p` is durable (status ok) or the sync failed (status = the error). Syncs
  // requested while one is running are served by the next single fdatasync.
  virtual void request_sync(Partition* p, int64_t offset, std::function<void(Status)> done) = 0;

  // Retention by time/size, compaction, time-based segment roll and the
  // background flush. Called periodically by the owner.
  virtual Status run_maintenance() = 0;

  // Syncs everything and stops the flusher (clean shutdown).
  virtual Status close() = 0;
};

}  // namespace strata::log
