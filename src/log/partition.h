// Partition: one append-only sequence of record batches, stored as a
// directory of segments (see docs/formats/log-segment.md).
//
// Threading: every method except sync(), durable_end_offset() and the
// counters is called from the log's owning thread (the broker's event loop).
// sync() runs on the flusher thread concurrently with appends.
//
// Invariants:
//  - offsets are dense and increasing: each appended batch gets base_offset =
//    the previous log_end_offset();
//  - log_start_offset() <= durable_end_offset() <= log_end_offset();
//  - a fenced partition refuses appends and reads with kUnavailable and the
//    reason found at recovery (or the failed fsync).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "log/topic_config.h"

namespace strata::log {

struct AppendResult {
  int64_t base_offset = -1;     // offset given to the first record
  int64_t last_offset = -1;     // offset of the last record
  int64_t log_append_time_ms = -1;  // set when the topic uses LogAppendTime
  int64_t log_start_offset = 0;
  int32_t record_count = 0;
  // The batch repeated an idempotent producer's batch already stored: nothing
  // was appended and base/last_offset are those of the stored batch.
  bool duplicate = false;
};

// Errors of append() that the Kafka layer maps to its own codes are returned
// as Status with these messages' codes:
//   kCorruption           -> CORRUPT_MESSAGE (bad CRC, bad framing)
//   kResourceExhausted    -> MESSAGE_TOO_LARGE (batch over max.message.bytes)
//   kInvalidArgument      -> INVALID_RECORD / UNSUPPORTED_FOR_MESSAGE_FORMAT
//   kUnavailable          -> KAFKA_STORAGE_ERROR (fenced)
//   kIoError              -> KAFKA_STORAGE_ERROR
// and the idempotence errors below, carried in AppendError.
enum class ProducerError : uint8_t {
  kNone,
  kOutOfOrderSequence,  // OUT_OF_ORDER_SEQUENCE_NUMBER
  kInvalidEpoch,        // INVALID_PRODUCER_EPOCH (an older epoch than stored)
  kUnknownProducer,     // UNKNOWN_PRODUCER_ID
};

struct AppendOutcome {
  Status status;                       // non-ok: nothing was appended
  ProducerError producer_error = ProducerError::kNone;  // set with kInvalidArgument
  AppendResult result;
};

struct ReadResult {
  std::vector<uint8_t> bytes;    // whole batches (the first may start before the asked offset)
  int64_t high_watermark = 0;    // log_end_offset() at read time
  int64_t log_start_offset = 0;
};

struct TimestampLookup {
  int64_t offset = -1;     // first offset whose batch max_timestamp >= asked; -1 if none
  int64_t timestamp = -1;
};

class Partition {
 public:
  virtual ~Partition() = default;

  virtual const std::string& topic() const = 0;
  virtual int32_t index() const = 0;

  // Validates and appends one or more whole RecordBatch v2 concatenated (a
  // Produce request's records). Rewrites their base offsets in place. A
  // batch whose producer_id >= 0 goes through sequence checking: an exact
  // retry of one of the producer's last 5 batches is a duplicate, not an
  // error. The data is written to the file (page cache) but not synced.
  virtual AppendOutcome append(std::span<uint8_t> batches, int64_t now_ms) = 0;

  // Whole batches starting with the one containing `offset`, at most
  // `max_bytes` except that the first batch is always returned whole.
  // `offset` == log_end_offset() gives empty bytes; outside
  // [log_start_offset, log_end_offset] is kOutOfRange.
  virtual Result<ReadResult> read(int64_t offset, int32_t max_bytes) const = 0;

  virtual int64_t log_start_offset() const = 0;
  virtual int64_t log_end_offset() const = 0;
  // Every offset below this is on disk and fsync'd.
  virtual int64_t durable_end_offset() const = 0;

  virtual Result<TimestampLookup> offset_for_timestamp(int64_t timestamp_ms) const = 0;

  // fdatasync the unsynced tail; advances durable_end_offset(). A failure
  // fences the partition (never retried as success).
  virtual Status sync() = 0;

  virtual bool fenced() const = 0;
  virtual std::string fence_reason() const = 0;
  virtual int64_t size_bytes() const = 0;
  virtual const TopicConfig& config() const = 0;
};

}  // namespace strata::log
