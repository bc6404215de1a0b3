#include "log/offset_index.h"

#include <algorithm>

#include "base/bytes.h"

namespace strata::log {

void OffsetIndex::append(int32_t relative_offset, int32_t position) {
  STRATA_ASSERT(entries_.empty() || (relative_offset > entries_.back().relative_offset && position > entries_.back().position),
                "offset index entries must increase");
  entries_.push_back({relative_offset, position});
}

int32_t OffsetIndex::lookup(int32_t relative_offset) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), relative_offset,
                             [](int32_t v, const Entry& e) { return v < e.relative_offset; });
  if (it == entries_.begin()) return 0;
  return std::prev(it)->position;
}

std::vector<uint8_t> OffsetIndex::serialize() const {
  std::vector<uint8_t> out;
  out.reserve(entries_.size() * kEntryBytes);
  ByteWriter w(&out);
  for (const auto& e : entries_) {
    w.i32(e.relative_offset);
    w.i32(e.position);
  }
  return out;
}

Result<OffsetIndex> OffsetIndex::parse(std::span<const uint8_t> data, uint64_t log_size_bytes) {
  if (data.size() % kEntryBytes != 0) return Status::corruption("offset index size not a multiple of 8");
  OffsetIndex idx;
  idx.entries_.reserve(data.size() / kEntryBytes);
  ByteReader r(data);
  while (!r.at_end()) {
    Entry e{r.i32(), r.i32()};
    if (e.relative_offset < 0 || e.position < 0 || static_cast<uint64_t>(e.position) >= log_size_bytes) {
      return Status::corruption("offset index entry out of range");
    }
    if (!idx.entries_.empty() && (e.relative_offset <= idx.entries_.back().relative_offset ||
                                  e.position <= idx.entries_.back().position)) {
      return Status::corruption("offset index entries not increasing");
    }
    idx.entries_.push_back(e);
  }
  return idx;
}

}  // namespace strata::log
