// Kafka RecordBatch v2 ("magic 2"): the unit the log stores, byte for byte as
// the producer sent it (the broker only rewrites base_offset, which the CRC
// does not cover). Layout and CRC coverage: docs/formats/record-batch.md.
//
//   offset  size  field
//   0       8     base_offset            (assigned by the broker)
//   8       4     batch_length           (bytes after this field)
//   12      4     partition_leader_epoch
//   16      1     magic = 2
//   17      4     crc (CRC-32C of bytes [21, end))
//   21      2     attributes (bits 0-2 codec, 3 timestamp type, 4 transactional, 5 control)
//   23      4     last_offset_delta
//   27      8     base_timestamp
//   35      8     max_timestamp
//   43      8     producer_id
//   51      2     producer_epoch
//   53      4     base_sequence
//   57      4     record_count
//   61      ...   records (compressed as a whole when the codec is not none)
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace strata::log {

constexpr size_t kRecordBatchHeaderSize = 61;
constexpr size_t kBatchLengthOffset = 8;
constexpr size_t kBatchCrcOffset = 17;
constexpr size_t kBatchAttributesOffset = 21;
// Bytes before batch_length's coverage starts: base_offset + batch_length.
constexpr size_t kBatchLogOverhead = 12;

enum class Compression : uint8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };
std::string_view compression_name(Compression c);

struct RecordBatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;
  int32_t partition_leader_epoch = 0;
  int8_t magic = 2;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = 0;
  int64_t max_timestamp = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t record_count = 0;

  Compression compression() const { return static_cast<Compression>(attributes & 0x7); }
  bool log_append_time() const { return (attributes & 0x8) != 0; }
  bool is_transactional() const { return (attributes & 0x10) != 0; }
  bool is_control() const { return (attributes & 0x20) != 0; }
  int64_t last_offset() const { return base_offset + last_offset_delta; }
  // Whole batch size on disk / on the wire.
  size_t size_bytes() const { return kBatchLogOverhead + static_cast<size_t>(batch_length); }
};

// Parses the fixed header at the start of `data` (needs >= 61 bytes).
// Checks magic == 2, batch_length >= 49 and a sane record count; does not
// check the CRC or that the whole batch is present.
Result<RecordBatchHeader> parse_record_batch_header(std::span<const uint8_t> data);

// True when `batch` (exactly one whole batch) has a matching CRC-32C.
bool record_batch_crc_ok(std::span<const uint8_t> batch);

// Overwrites base_offset in place (not covered by the CRC).
void set_record_batch_base_offset(std::span<uint8_t> batch, int64_t base_offset);

struct RecordHeader {
  std::string_view key;
  std::optional<std::span<const uint8_t>> value;
};

// One decoded record; views point into the batch or the decoder's scratch.
struct Record {
  int64_t offset = 0;
  int64_t timestamp = 0;
  std::optional<std::span<const uint8_t>> key;    // nullopt = null key
  std::optional<std::span<const uint8_t>> value;  // nullopt = null value (tombstone)
  std::vector<RecordHeader> headers;
};

// Decodes every record of one whole, CRC-checked batch, decompressing into
// `scratch`. Decompression stops with kResourceExhausted past
// `max_decompressed_bytes`; malformed input returns kCorruption. Never trusts
// a count or length before checking it against the bytes present.
Status decode_record_batch(std::span<const uint8_t> batch, size_t max_decompressed_bytes,
                           std::vector<uint8_t>* scratch, std::vector<Record>* out);

// Builds one RecordBatch v2 (the broker's own records: group offsets,
// compaction output; tests).
class RecordBatchBuilder {
 public:
  explicit RecordBatchBuilder(Compression compression = Compression::kNone) : compression_(compression) {}
  void set_producer(int64_t producer_id, int16_t producer_epoch, int32_t base_sequence) {
    producer_id_ = producer_id;
    producer_epoch_ = producer_epoch;
    base_sequence_ = base_sequence;
  }
  // Adds a record at the next offset delta (or `offset_delta` when given,
  // which must increase: compaction keeps the original offsets).
  void add(int64_t timestamp_ms, std::optional<std::span<const uint8_t>> key,
           std::optional<std::span<const uint8_t>> value, const std::vector<RecordHeader>& headers = {},
           std::optional<int32_t> offset_delta = std::nullopt);
  bool empty() const { return count_ == 0; }
  int32_t count() const { return count_; }
  // Returns the encoded batch with `base_offset`; the builder is reset.
  Result<std::vector<uint8_t>> finish(int64_t base_offset);

 private:
  Compression compression_;
  int64_t producer_id_ = -1;
  int16_t producer_epoch_ = -1;
  int32_t base_sequence_ = -1;
  int64_t base_timestamp_ = 0;
  int64_t max_timestamp_ = 0;
  int32_t count_ = 0;
  int32_t last_delta_ = -1;
  std::vector<uint8_t> records_;
};

}  // namespace strata::log
