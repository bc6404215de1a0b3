#include "log/producer_state.h"

#include <algorithm>

#include "base/bytes.h"
#include "base/crc32c.h"
#include "base/logging.h"

namespace strata::log {
namespace {

constexpr uint32_t kSnapshotMagic = 0x53505331;  // "SPS1"

int32_t last_sequence_of(const RecordBatchHeader& h) {
  int64_t last = static_cast<int64_t>(h.base_sequence) + h.last_offset_delta;
  if (last > INT32_MAX) last -= static_cast<int64_t>(INT32_MAX) + 1;
  return static_cast<int32_t>(last);
}

}  // namespace

ProducerState::CheckResult ProducerState::check(const RecordBatchHeader& h) const {
  CheckResult r;
  if (h.producer_id < 0 || h.is_control()) return r;
  auto it = producers_.find(h.producer_id);
  if (it == producers_.end() || it->second.count == 0) {
    if (h.base_sequence != 0) {
      logging::debug("unknown producer with nonzero sequence accepted", "producer_id", h.producer_id, "sequence",
                     h.base_sequence);
    }
    return r;
  }
  const Entry& e = it->second;
  if (h.producer_epoch < e.epoch) {
    r.verdict = Verdict::kError;
    r.error = ProducerError::kInvalidEpoch;
    return r;
  }
  if (h.producer_epoch > e.epoch) {
    if (h.base_sequence != 0) {
      r.verdict = Verdict::kError;
      r.error = ProducerError::kOutOfOrderSequence;
    }
    return r;
  }
  int32_t last_seq = last_sequence_of(h);
  for (int32_t i = 0; i < e.count; i++) {
    const BatchInfo& b = e.batches[static_cast<size_t>(i)];
    if (b.base_sequence == h.base_sequence && b.last_sequence == last_seq) {
      r.verdict = Verdict::kDuplicate;
      r.duplicate_of = b;
      return r;
    }
  }
  int32_t newest_last = e.newest().last_sequence;
  int32_t expected = newest_last == INT32_MAX ? 0 : newest_last + 1;
  if (h.base_sequence != expected) {
    r.verdict = Verdict::kError;
    r.error = ProducerError::kOutOfOrderSequence;
  }
  return r;
}

void ProducerState::update(const RecordBatchHeader& h) {
  if (h.producer_id < 0 || h.is_control()) return;
  Entry& e = producers_[h.producer_id];
  if (e.count > 0 && h.producer_epoch != e.epoch) e.count = 0;
  e.epoch = h.producer_epoch;
  BatchInfo info{h.base_sequence, last_sequence_of(h), h.base_offset, h.last_offset()};
  if (e.count == kMaxBatches) {
    std::move(e.batches.begin() + 1, e.batches.end(), e.batches.begin());
    e.count--;
  }
  e.batches[static_cast<size_t>(e.count++)] = info;
}

void ProducerState::truncate_to(int64_t end_offset) {
  for (auto it = producers_.begin(); it != producers_.end();) {
    Entry& e = it->second;
    while (e.count > 0 && e.newest().last_offset >= end_offset) e.count--;
    it = e.count == 0 ? producers_.erase(it) : std::next(it);
  }
}

const ProducerState::Entry* ProducerState::find(int64_t producer_id) const {
  auto it = producers_.find(producer_id);
  return it == producers_.end() ? nullptr : &it->second;
}

std::vector<uint8_t> ProducerState::serialize() const {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.u32(kSnapshotMagic);
  w.u32(0);  // crc, patched below
  w.i32(static_cast<int32_t>(producers_.size()));
  for (const auto& [id, e] : producers_) {
    w.i64(id);
    w.i16(e.epoch);
    w.i32(e.count);
    for (int32_t i = 0; i < e.count; i++) {
      const BatchInfo& b = e.batches[static_cast<size_t>(i)];
      w.i32(b.base_sequence);
      w.i32(b.last_sequence);
      w.i64(b.base_offset);
      w.i64(b.last_offset);
    }
  }
  store_be32(out.data() + 4, crc32c(out.data() + 8, out.size() - 8));
  return out;
}

Result<ProducerState> ProducerState::parse(std::span<const uint8_t> data) {
  ByteReader r(data);
  if (r.u32() != kSnapshotMagic || !r.ok()) return Status::corruption("producer snapshot: bad magic");
  uint32_t crc = r.u32();
  if (!r.ok() || crc32c(data.data() + 8, data.size() - 8) != crc) return Status::corruption("producer snapshot: bad crc");
  int32_t n = r.i32();
  // Each producer takes at least 14 bytes.
  if (!r.ok() || n < 0 || static_cast<size_t>(n) > r.remaining() / 14) return Status::corruption("producer snapshot: bad count");
  ProducerState s;
  for (int32_t i = 0; i < n; i++) {
    int64_t id = r.i64();
    Entry e;
    e.epoch = r.i16();
    e.count = r.i32();
    if (!r.ok() || e.count < 0 || e.count > kMaxBatches) return Status::corruption("producer snapshot: bad entry");
    for (int32_t j = 0; j < e.count; j++) {
      BatchInfo& b = e.batches[static_cast<size_t>(j)];
      b.base_sequence = r.i32();
      b.last_sequence = r.i32();
      b.base_offset = r.i64();
      b.last_offset = r.i64();
    }
    if (!r.ok()) return Status::corruption("producer snapshot: truncated");
    if (e.count > 0) s.producers_[id] = e;
  }
  if (!r.at_end()) return Status::corruption("producer snapshot: trailing bytes");
  return s;
}

}  // namespace strata::log
