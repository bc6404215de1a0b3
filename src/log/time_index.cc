#include "log/time_index.h"

#include <algorithm>

#include "base/bytes.h"

namespace strata::log {

void TimeIndex::maybe_append(int64_t max_timestamp_ms, int32_t relative_offset) {
  if (!entries_.empty() && (max_timestamp_ms <= entries_.back().max_timestamp_ms ||
                            relative_offset <= entries_.back().relative_offset)) {
    return;
  }
  entries_.push_back({max_timestamp_ms, relative_offset});
}

const TimeIndex::Entry* TimeIndex::last_before(int64_t timestamp_ms) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), timestamp_ms,
                             [](const Entry& e, int64_t v) { return e.max_timestamp_ms < v; });
  if (it == entries_.begin()) return nullptr;
  return &*std::prev(it);
}

std::vector<uint8_t> TimeIndex::serialize() const {
  std::vector<uint8_t> out;
  out.reserve(entries_.size() * kEntryBytes);
  ByteWriter w(&out);
  for (const auto& e : entries_) {
    w.i64(e.max_timestamp_ms);
    w.i32(e.relative_offset);
  }
  return out;
}

Result<TimeIndex> TimeIndex::parse(std::span<const uint8_t> data) {
  if (data.size() % kEntryBytes != 0) return Status::corruption("time index size not a multiple of 12");
  TimeIndex idx;
  ByteReader r(data);
  while (!r.at_end()) {
    Entry e{r.i64(), r.i32()};
    if (e.relative_offset < 0) return Status::corruption("time index entry with negative offset");
    if (!idx.entries_.empty() && (e.max_timestamp_ms <= idx.entries_.back().max_timestamp_ms ||
                                  e.relative_offset <= idx.entries_.back().relative_offset)) {
      return Status::corruption("time index entries not increasing");
    }
    idx.entries_.push_back(e);
  }
  return idx;
}

}  // namespace strata::log
