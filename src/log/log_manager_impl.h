// LogManagerImpl: the LogManager over a directory tree:
//   <data_dir>/topics/<topic>/topic.conf      topic metadata (partition count, overrides)
//   <data_dir>/topics/<topic>/<partition>/    one LocalPartition each
// Topic metadata is written with write_file_atomic after the partition
// directories exist, so a topic directory without topic.conf is an
// unfinished create or delete and is removed at open.
//
// Threading: see LogManager. The flusher thread only touches partitions
// through LocalPartition's thread-safe members.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "log/flusher.h"
#include "log/local_partition.h"
#include "log/log_manager.h"

namespace strata::log {

class LogManagerImpl final : public LogManager {
 public:
  LogManagerImpl(const LogOptions& options, io::FileSystem* fs, io::Clock* clock);
  ~LogManagerImpl() override;

  // Loads every topic and recovers its partitions, then starts the flusher.
  Status load();

  Result<TopicInfo> create_topic(const std::string& name, int32_t partitions,
                                 const std::map<std::string, std::string>& config_overrides) override;
  Status delete_topic(const std::string& name) override;
  Status create_partitions(const std::string& name, int32_t new_count) override;
  Status alter_topic_config(const std::string& name, const std::map<std::string, std::string>& overrides) override;
  std::vector<TopicInfo> topics() const override;
  std::optional<TopicInfo> find_topic(const std::string& name) const override;
  Partition* partition(const std::string& topic, int32_t index) override;
  void request_sync(Partition* p, int64_t offset, std::function<void(Status)> done) override;
  Status run_maintenance() override;
  Status close() override;

  // Topic names: 1-249 chars of [a-zA-Z0-9._-], not "." or "..".
  static bool valid_topic_name(const std::string& name);

 private:
  struct Topic {
    TopicInfo info;
    std::map<std::string, std::string> overrides;
    std::vector<std::shared_ptr<LocalPartition>> partitions;
  };

  std::string topic_dir(const std::string& name) const;
  std::string partition_dir(const std::string& name, int32_t index) const;
  Status write_topic_meta(const Topic& t);
  Status load_topic(const std::string& name);
  Result<std::shared_ptr<LocalPartition>> open_partition(const std::string& topic, int32_t index, const TopicConfig& config);
  int32_t partition_total() const;

  LogOptions options_;
  io::FileSystem* fs_;
  io::Clock* clock_;
  std::string topics_root_;
  std::map<std::string, Topic> topics_;
  Flusher flusher_;
  bool closed_ = false;
};

}  // namespace strata::log
