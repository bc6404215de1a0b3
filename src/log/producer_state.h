// ProducerState: idempotent-producer bookkeeping of one partition.
//
// Per producer id: the current epoch and the last kMaxBatches batches'
// sequence ranges and offsets, enough to recognise a retried batch (Kafka's
// rules, see check()). Rebuilt at open from the newest snapshot file and the
// batch headers after it; snapshot layout in docs/formats/log-segment.md.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "log/partition.h"
#include "log/record_batch.h"

namespace strata::log {

class ProducerState {
 public:
  static constexpr int kMaxBatches = 5;

  struct BatchInfo {
    int32_t base_sequence = 0;
    int32_t last_sequence = 0;
    int64_t base_offset = 0;
    int64_t last_offset = 0;
  };
  struct Entry {
    int16_t epoch = 0;
    int32_t count = 0;                         // valid batches, newest last
    std::array<BatchInfo, kMaxBatches> batches{};
    const BatchInfo& newest() const { return batches[static_cast<size_t>(count - 1)]; }
  };

  enum class Verdict : uint8_t { kAppend, kDuplicate, kError };
  struct CheckResult {
    Verdict verdict = Verdict::kAppend;
    ProducerError error = ProducerError::kNone;
    BatchInfo duplicate_of;  // with kDuplicate
  };

  // Applies Kafka's idempotence rules to a batch about to be appended:
  //  - epoch older than stored: kInvalidEpoch;
  //  - epoch newer: base_sequence must be 0, else kOutOfOrderSequence;
  //  - same epoch: a batch equal (base and last sequence) to one of the last
  //    five is a duplicate; otherwise base_sequence must follow the newest
  //    last_sequence (wrapping at INT32_MAX), else kOutOfOrderSequence;
  //  - unknown producer: accepted with any sequence (its state may have been
  //    lost with retention).
  // Batches with producer_id < 0 and control batches are always kAppend
  // and leave the state unchanged.
  CheckResult check(const RecordBatchHeader& h) const;
  // Records an appended batch (base_offset already assigned).
  void update(const RecordBatchHeader& h);
  // Drops batches at or above `end_offset` (log truncated).
  void truncate_to(int64_t end_offset);

  const Entry* find(int64_t producer_id) const;
  size_t producer_count() const { return producers_.size(); }
  void clear() { producers_.clear(); }

  std::vector<uint8_t> serialize() const;
  static Result<ProducerState> parse(std::span<const uint8_t> data);

 private:
  std::unordered_map<int64_t, Entry> producers_;
};

}  // namespace strata::log
