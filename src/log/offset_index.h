// OffsetIndex: the sparse offset index of one segment (the .index file).
//
// Entries map a batch's base offset (relative to the segment's base offset)
// to the batch's byte position in the .log file. One entry is added at most
// every index.interval.bytes of log; offsets and positions strictly increase.
// File layout: docs/formats/log-segment.md.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"

namespace strata::log {

class OffsetIndex {
 public:
  struct Entry {
    int32_t relative_offset = 0;
    int32_t position = 0;
  };
  static constexpr size_t kEntryBytes = 8;

  // Adds an entry; REQUIRES: both fields larger than the last entry's.
  void append(int32_t relative_offset, int32_t position);
  // Position of the last entry with relative_offset <= `relative_offset`, 0 if none.
  int32_t lookup(int32_t relative_offset) const;
  void clear() { entries_.clear(); }
  size_t size() const { return entries_.size(); }
  const std::vector<Entry>& entries() const { return entries_; }
  const Entry* last() const { return entries_.empty() ? nullptr : &entries_.back(); }

  std::vector<uint8_t> serialize() const;
  // Parses a .index file; kCorruption when entries do not strictly increase
  // or a position is not below `log_size_bytes`.
  static Result<OffsetIndex> parse(std::span<const uint8_t> data, uint64_t log_size_bytes);

 private:
  std::vector<Entry> entries_;
};

}  // namespace strata::log
