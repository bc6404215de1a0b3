// Segment: one file of a partition's log (<base>.log) with its sparse
// indexes (<base>.index, <base>.timeindex). Layout and recovery rules:
// docs/formats/log-segment.md.
//
// Lifecycle: created or recovered as the active segment (open for appends,
// indexes in memory only); seal() makes it closed (log fsync'd, index files
// written atomically); closed segments are only read, deleted by retention
// or replaced by compaction.
//
// Threading: owned by its partition's owning thread. Only the WritableFile
// (writer()) is shared with the flusher thread, through a shared_ptr so a
// roll during a sync cannot free it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "io/file_system.h"
#include "log/offset_index.h"
#include "log/record_batch.h"
#include "log/time_index.h"

namespace strata::log {

struct BatchPosition {
  uint64_t position = 0;
  RecordBatchHeader header;
};

// What recovery found in an active segment's file.
struct SegmentRecovery {
  uint64_t truncated_bytes = 0;   // torn tail cut off
  bool corrupt_middle = false;    // a bad batch followed by a valid one
  std::string reason;             // names file and position when corrupt_middle
};

class Segment {
 public:
  // "<20-digit zero-padded base offset><ext>", e.g. 00000000000000000042.log.
  static std::string file_name(int64_t base_offset, const char* ext);
  // Parses a .log file name; false for anything else.
  static bool parse_log_name(const std::string& name, int64_t* base_offset);

  // A new empty active segment.
  static Result<std::unique_ptr<Segment>> create(io::FileSystem* fs, const std::string& dir, int64_t base_offset,
                                                 int64_t now_ms);
  // A closed segment: loads its index files, rebuilding (and rewriting) them
  // by scanning the .log when missing or invalid.
  static Result<std::unique_ptr<Segment>> open_closed(io::FileSystem* fs, const std::string& dir,
                                                      int64_t base_offset, int32_t index_interval_bytes);
  // The last segment: verifies every batch (header and CRC), truncates a torn
  // tail, and reports corruption in the middle instead of truncating it.
  static Result<std::unique_ptr<Segment>> open_active(io::FileSystem* fs, const std::string& dir,
                                                      int64_t base_offset, int32_t index_interval_bytes,
                                                      int64_t now_ms, SegmentRecovery* recovery);

  int64_t base_offset() const { return base_offset_; }
  // One past the last batch's last offset; base_offset() when empty.
  int64_t next_offset() const { return next_offset_; }
  uint64_t size_bytes() const { return size_bytes_; }
  bool empty() const { return size_bytes_ == 0; }
  // Largest batch max_timestamp; -1 when empty.
  int64_t max_timestamp_ms() const { return max_timestamp_ms_; }
  // When the segment started receiving appends (segment.ms rolls).
  int64_t created_ms() const { return created_ms_; }
  bool active() const { return writer_ != nullptr; }
  const std::shared_ptr<io::WritableFile>& writer() const { return writer_; }
  const std::string& log_path() const { return log_path_; }

  // Writes already-validated whole batches at the end (one write).
  // REQUIRES: active().
  Status append(std::span<const uint8_t> batches);
  // Indexes one appended batch that starts at `position`.
  void index_batch(uint64_t position, const RecordBatchHeader& h, int32_t index_interval_bytes);
  // Cuts an active segment back to `size_bytes` after a failed append.
  Status truncate(uint64_t size_bytes);
  // Closes for appends: fsyncs the log and writes both index files atomically.
  Status seal();

  // The first batch whose last offset >= `offset`; nullopt when none.
  Result<std::optional<BatchPosition>> find(int64_t offset) const;
  // The first batch whose max_timestamp >= `timestamp_ms`; nullopt when none.
  Result<std::optional<BatchPosition>> find_by_timestamp(int64_t timestamp_ms) const;
  Result<size_t> read(uint64_t position, std::span<uint8_t> out) const;
  // Calls `fn` with each batch header from the start; stops when it returns false.
  Status for_each_batch(const std::function<bool(const BatchPosition&)>& fn) const;

  // Removes the segment's files (retention, topic deletion).
  Status remove_files();

 private:
  Segment(io::FileSystem* fs, std::string dir, int64_t base_offset);
  Status open_reader();
  Status rebuild_index(int32_t index_interval_bytes);
  Status write_index_files();
  // Scans headers from `position` to the end, updating next_offset_ and max_timestamp_ms_.
  Status scan_tail(uint64_t position, int64_t expected_first_offset);
  Result<std::optional<BatchPosition>> scan_from(uint64_t position, const std::function<bool(const BatchPosition&)>& stop) const;
  std::string path(const char* ext) const;

  io::FileSystem* fs_;
  std::string dir_;
  int64_t base_offset_;
  std::string log_path_;
  int64_t next_offset_;
  uint64_t size_bytes_ = 0;
  int64_t max_timestamp_ms_ = -1;
  int64_t created_ms_ = 0;
  uint64_t bytes_since_index_ = 0;
  int32_t last_batch_relative_offset_ = 0;
  OffsetIndex offset_index_;
  TimeIndex time_index_;
  std::unique_ptr<io::RandomAccessFile> reader_;
  std::shared_ptr<io::WritableFile> writer_;
};

}  // namespace strata::log
