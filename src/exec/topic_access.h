// TopicAccess: what the SQL engine needs from the broker's log to run streams.
//
// The log (log::LogManager) lives on the event-loop thread; statements run on
// pgwire worker threads. The server implements this interface by posting each
// call to the event loop and waiting for its answer, so every method here
// blocks the *calling* thread and never the loop. Tests use an in-memory fake.
//
// Threads: every method may be called from any thread but the event loop, and
// concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace strata::exec {

struct PartitionOffsets {
  int32_t partition = 0;
  int64_t start_offset = 0;  // log start offset: the first offset still stored
  int64_t end_offset = 0;    // log end offset: the next offset to be assigned
};

// One record to append: key and value bytes (nullopt = null), CreateTime in ms.
struct ProducedRecord {
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp_ms = 0;
};

// One stored record, copied out of the log.
struct FetchedRecord {
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
};

class TopicAccess {
 public:
  virtual ~TopicAccess() = default;

  // Creates `topic` with `partitions` partitions when it does not exist; returns
  // its partition count (an existing topic keeps its own count). Invalid names
  // fail with 22023.
  virtual Result<int32_t> ensure_topic(const std::string& topic, int32_t partitions) = 0;

  // Every partition of `topic` with its offsets now; 42P01 when the topic is gone.
  virtual Result<std::vector<PartitionOffsets>> partitions(const std::string& topic) = 0;

  // Appends `records` (one batch) to one partition and returns once they are
  // durable (fdatasync'd, as a Kafka produce with acks=all); returns the offset of
  // the first record. A failure means none of them was acknowledged.
  virtual Result<int64_t> append(const std::string& topic, int32_t partition, std::vector<ProducedRecord> records) = 0;

  // Records of one partition with offsets in [from_offset, before_offset), in
  // offset order, about `max_bytes` of them: at least one whenever the range
  // holds any, so an empty answer means the range is exhausted. Callers continue
  // from the last returned offset + 1 (offsets may have gaps after compaction).
  // A `from_offset` below the log start is read from the log start.
  virtual Result<std::vector<FetchedRecord>> read(const std::string& topic, int32_t partition, int64_t from_offset,
                                                  int64_t before_offset, int32_t max_bytes) = 0;
};

}  // namespace strata::exec
