// TimeIndex: the sparse time index of one segment (the .timeindex file).
//
// Entry (max_timestamp_ms, relative_offset): every batch up to and including
// the one starting at relative_offset has max_timestamp <= max_timestamp_ms.
// Timestamps and offsets strictly increase. The last entry of a closed
// segment holds the segment's largest timestamp.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"

namespace strata::log {

class TimeIndex {
 public:
  struct Entry {
    int64_t max_timestamp_ms = 0;
    int32_t relative_offset = 0;
  };
  static constexpr size_t kEntryBytes = 12;

  // Adds an entry when it raises the timestamp and the offset; ignored otherwise.
  void maybe_append(int64_t max_timestamp_ms, int32_t relative_offset);
  // The last entry whose timestamp is below `timestamp_ms` (all batches up to
  // it are older than the target), or nullptr.
  const Entry* last_before(int64_t timestamp_ms) const;
  const Entry* last() const { return entries_.empty() ? nullptr : &entries_.back(); }
  void clear() { entries_.clear(); }
  size_t size() const { return entries_.size(); }

  std::vector<uint8_t> serialize() const;
  static Result<TimeIndex> parse(std::span<const uint8_t> data);

 private:
  std::vector<Entry> entries_;
};

}  // namespace strata::log
