// Compactor: log compaction for cleanup.policy=compact. Keeps, in closed
// segments, only the latest record of each key (the latest across the whole
// partition, active segment included); drops null-key records and, once old
// enough, tombstones. Batches keep their base offsets and records their
// offsets, so a compacted log has offset gaps.
//
// Tombstone age: a tombstone is dropped when the max timestamp of the segment
// holding it is older than delete.retention.ms (Kafka measures from the
// segment's modification time; the max timestamp is our stand-in that needs
// no file metadata and is stable across restarts).
//
// Threading: runs on the partition's owning thread (maintenance).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "io/file_system.h"
#include "log/segment.h"

namespace strata::log {

class Compactor {
 public:
  Compactor(io::FileSystem* fs, size_t max_batch_decompressed_bytes)
      : fs_(fs), max_decompressed_bytes_(max_batch_decompressed_bytes) {}

  // Pass 1, over every segment in offset order: the latest offset of each key.
  Status scan(const Segment& segment);
  // Pass 2: writes the surviving batches of `segment` to "<log>.cleaned",
  // fsync'd. Returns its path, or nullopt when nothing would be removed.
  Result<std::optional<std::string>> rewrite(const Segment& segment, bool drop_tombstones);

  size_t key_count() const { return latest_.size(); }

 private:
  Result<std::vector<uint8_t>> read_batch(const Segment& segment, const BatchPosition& bp) const;

  io::FileSystem* fs_;
  size_t max_decompressed_bytes_;
  std::unordered_map<std::string, int64_t> latest_;
};

}  // namespace strata::log
