// LocalPartition: the Partition stored in one directory of segments
// (<data_dir>/topics/<topic>/<index>/), with recovery, retention, compaction
// and idempotent-producer state.
//
// Threading: the owning thread calls everything except sync(),
// durable_end_offset(), fenced(), fence_reason(), flush_due() and
// has_unsynced(), which the flusher thread may call concurrently.
// mu_ guards the hand-off of the active WritableFile (a roll replaces it)
// and the fence reason; offsets shared with the flusher are atomics.
// Invariant for group commit: every byte below log_end_offset() is either in
// the file active_writer_ points to or in a sealed (fsync'd) segment, because
// a roll seals the old segment before publishing the new writer.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "io/clock.h"
#include "io/file_system.h"
#include "log/partition.h"
#include "log/producer_state.h"
#include "log/segment.h"

namespace strata::log {

class LocalPartition final : public Partition, public std::enable_shared_from_this<LocalPartition> {
 public:
  // Opens `dir` (creating it), recovering its segments; corruption in the
  // middle of the last segment gives a fenced partition, not an error.
  static Result<std::unique_ptr<LocalPartition>> open(io::FileSystem* fs, io::Clock* clock, const std::string& dir,
                                                      const std::string& topic, int32_t index,
                                                      const TopicConfig& config);
  ~LocalPartition() override;

  const std::string& topic() const override { return topic_; }
  int32_t index() const override { return index_; }
  AppendOutcome append(std::span<uint8_t> batches, int64_t now_ms) override;
  Result<ReadResult> read(int64_t offset, int32_t max_bytes) const override;
  int64_t log_start_offset() const override { return log_start_offset_.load(); }
  int64_t log_end_offset() const override { return log_end_offset_.load(); }
  int64_t durable_end_offset() const override { return durable_end_offset_.load(); }
  Result<TimestampLookup> offset_for_timestamp(int64_t timestamp_ms) const override;
  Status sync() override;
  bool fenced() const override { return fenced_.load(); }
  std::string fence_reason() const override;
  int64_t size_bytes() const override;
  const TopicConfig& config() const override { return config_; }

  // Owning thread. Applies a new configuration to later appends and maintenance.
  void set_config(const TopicConfig& config) {
    config_ = config;
    flush_ms_.store(config.flush_ms);
  }
  // Any thread: flush.ms of the current configuration.
  int64_t flush_ms() const { return flush_ms_.load(); }
  // Called (owning thread) when unflushed records pass flush.messages.
  void set_flush_request(std::function<void()> fn) { flush_request_ = std::move(fn); }
  // Rolls by age, applies retention and compaction.
  Status run_maintenance(int64_t now_ms);
  // Marks the partition unusable; keeps the first reason.
  void fence(const std::string& reason);
  // Deletes every file of the partition (topic deletion). Fences it first.
  Status remove_files();

  // Flusher thread: unsynced data exists and the oldest is at least `age_ms` old.
  bool flush_due(int64_t now_ms, int64_t age_ms) const;
  bool has_unsynced() const { return durable_end_offset_.load() < log_end_offset_.load(); }

  size_t segment_count() const { return segments_.size(); }
  const ProducerState& producer_state() const { return producers_; }

 private:
  LocalPartition(io::FileSystem* fs, io::Clock* clock, std::string dir, std::string topic, int32_t index,
                 TopicConfig config);
  Status recover();
  Status recover_producer_state();
  Status roll(int64_t now_ms);
  Status apply_retention(int64_t now_ms);
  Status compact(int64_t now_ms);
  void write_snapshot(int64_t offset);
  std::string snapshot_path(int64_t offset) const;
  // Index of the segment that may hold `offset` (last base <= offset).
  size_t segment_index_for(int64_t offset) const;

  io::FileSystem* fs_;
  io::Clock* clock_;
  const std::string dir_;
  const std::string topic_;
  const int32_t index_;
  TopicConfig config_;
  std::function<void()> flush_request_;

  std::vector<std::unique_ptr<Segment>> segments_;  // ascending base offsets; last is active
  ProducerState producers_;
  std::vector<RecordBatchHeader> scratch_headers_;  // append()'s per-call batch list
  int64_t unflushed_records_ = 0;

  mutable std::mutex mu_;
  std::shared_ptr<io::WritableFile> active_writer_;  // guarded by mu_
  std::string fence_reason_;                         // guarded by mu_
  std::atomic<bool> fenced_{false};
  std::atomic<int64_t> log_start_offset_{0};
  std::atomic<int64_t> log_end_offset_{0};
  std::atomic<int64_t> durable_end_offset_{0};
  std::atomic<int64_t> dirty_since_ms_{-1};
  std::atomic<int64_t> flush_ms_{0};  // monotonic time of the oldest unsynced append; -1 when clean
};

}  // namespace strata::log
