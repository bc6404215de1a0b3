#include "log/record_batch.h"

#include "base/bytes.h"
#include "base/crc32c.h"
#include "log/compression.h"

namespace strata::log {
namespace {

// Bytes of the header covered by batch_length: everything after it.
constexpr int32_t kMinBatchLength = static_cast<int32_t>(kRecordBatchHeaderSize - kBatchLogOverhead);
// The smallest encoded record: length, attributes, timestamp delta, offset
// delta, key length, value length, header count (one byte each).
constexpr size_t kMinRecordBytes = 7;

// Reads a nullable byte field (varint length, -1 = null).
bool read_nullable(ByteReader& r, std::optional<std::span<const uint8_t>>* out) {
  int32_t len = r.varint32();
  if (!r.ok() || len < -1) return false;
  if (len == -1) {
    *out = std::nullopt;
    return true;
  }
  auto s = r.bytes(static_cast<size_t>(len));
  if (!r.ok()) return false;
  *out = s;
  return true;
}

}  // namespace

std::string_view compression_name(Compression c) {
  switch (c) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kSnappy: return "snappy";
    case Compression::kLz4: return "lz4";
    case Compression::kZstd: return "zstd";
  }
  return "unknown";
}

Result<RecordBatchHeader> parse_record_batch_header(std::span<const uint8_t> data) {
  if (data.size() < kRecordBatchHeaderSize) return Status::corruption("record batch shorter than its 61-byte header");
  ByteReader r(data.first(kRecordBatchHeaderSize));
  RecordBatchHeader h;
  h.base_offset = r.i64();
  h.batch_length = r.i32();
  h.partition_leader_epoch = r.i32();
  h.magic = r.i8();
  h.crc = r.u32();
  h.attributes = r.i16();
  h.last_offset_delta = r.i32();
  h.base_timestamp = r.i64();
  h.max_timestamp = r.i64();
  h.producer_id = r.i64();
  h.producer_epoch = r.i16();
  h.base_sequence = r.i32();
  h.record_count = r.i32();
  if (h.magic != 2) return Status::corruption("record batch magic " + std::to_string(h.magic) + ", want 2");
  if (h.batch_length < kMinBatchLength) return Status::corruption("record batch length " + std::to_string(h.batch_length) + " below minimum");
  if (h.record_count < 0 || h.last_offset_delta < 0) return Status::corruption("record batch with negative record count or offset delta");
  if (static_cast<int64_t>(h.record_count) - 1 > h.last_offset_delta) {
    return Status::corruption("record batch count exceeds its offset span");
  }
  if ((h.attributes & 0x7) > 4) return Status::corruption("record batch with unknown compression codec");
  return h;
}

bool record_batch_crc_ok(std::span<const uint8_t> batch) {
  if (batch.size() < kRecordBatchHeaderSize) return false;
  uint32_t stored = load_be32(batch.data() + kBatchCrcOffset);
  return crc32c(batch.data() + kBatchAttributesOffset, batch.size() - kBatchAttributesOffset) == stored;
}

void set_record_batch_base_offset(std::span<uint8_t> batch, int64_t base_offset) {
  STRATA_ASSERT(batch.size() >= 8, "batch too short for base_offset");
  store_be64(batch.data(), static_cast<uint64_t>(base_offset));
}

Status decode_record_batch(std::span<const uint8_t> batch, size_t max_decompressed_bytes,
                           std::vector<uint8_t>* scratch, std::vector<Record>* out) {
  STRATA_ASSIGN_OR_RETURN(RecordBatchHeader h, parse_record_batch_header(batch));
  if (h.size_bytes() != batch.size()) return Status::corruption("record batch length does not match its bytes");
  std::span<const uint8_t> body = batch.subspan(kRecordBatchHeaderSize);
  if (h.compression() != Compression::kNone) {
    scratch->clear();
    STRATA_RETURN_IF_ERROR(decompress(h.compression(), body, max_decompressed_bytes, scratch));
    body = *scratch;
  }
  if (static_cast<size_t>(h.record_count) > body.size() / kMinRecordBytes) {
    return Status::corruption("record count larger than the records present");
  }
  out->reserve(out->size() + static_cast<size_t>(h.record_count));
  ByteReader r(body);
  for (int32_t i = 0; i < h.record_count; i++) {
    int32_t length = r.varint32();
    if (!r.ok() || length < 0 || static_cast<size_t>(length) > r.remaining()) {
      return Status::corruption("record length out of bounds");
    }
    ByteReader rr(r.bytes(static_cast<size_t>(length)));
    Record rec;
    (void)rr.i8();  // record attributes: unused in v2
    int64_t ts_delta = rr.varint64();
    int32_t off_delta = rr.varint32();
    if (!rr.ok() || off_delta < 0 || off_delta > h.last_offset_delta) return Status::corruption("record offset delta out of range");
    rec.offset = h.base_offset + off_delta;
    rec.timestamp = h.log_append_time() ? h.max_timestamp : static_cast<int64_t>(static_cast<uint64_t>(h.base_timestamp) + static_cast<uint64_t>(ts_delta));
    if (!read_nullable(rr, &rec.key) || !read_nullable(rr, &rec.value)) return Status::corruption("record key or value out of bounds");
    int32_t header_count = rr.varint32();
    // Each header takes at least two bytes (two lengths).
    if (!rr.ok() || header_count < 0 || static_cast<size_t>(header_count) > rr.remaining() / 2) {
      return Status::corruption("record header count out of bounds");
    }
    rec.headers.reserve(static_cast<size_t>(header_count));
    for (int32_t j = 0; j < header_count; j++) {
      int32_t klen = rr.varint32();
      if (!rr.ok() || klen < 0) return Status::corruption("record header key length invalid");
      RecordHeader hdr;
      hdr.key = rr.string_view(static_cast<size_t>(klen));
      if (!rr.ok() || !read_nullable(rr, &hdr.value)) return Status::corruption("record header out of bounds");
      rec.headers.push_back(hdr);
    }
    if (!rr.ok() || !rr.at_end()) return Status::corruption("record length does not match its fields");
    out->push_back(std::move(rec));
  }
  if (!r.at_end()) return Status::corruption("trailing bytes after the last record");
  return Status::ok_status();
}

void RecordBatchBuilder::add(int64_t timestamp_ms, std::optional<std::span<const uint8_t>> key,
                             std::optional<std::span<const uint8_t>> value, const std::vector<RecordHeader>& headers,
                             std::optional<int32_t> offset_delta) {
  int32_t delta = offset_delta.value_or(last_delta_ + 1);
  STRATA_ASSERT(delta > last_delta_, "record offset deltas must increase");
  if (count_ == 0) {
    base_timestamp_ = timestamp_ms;
    max_timestamp_ = timestamp_ms;
  }
  if (timestamp_ms > max_timestamp_) max_timestamp_ = timestamp_ms;
  std::vector<uint8_t> body;
  ByteWriter w(&body);
  w.i8(0);
  w.varint(timestamp_ms - base_timestamp_);
  w.varint(delta);
  auto put_nullable = [&w](const std::optional<std::span<const uint8_t>>& b) {
    if (!b) {
      w.varint(-1);
    } else {
      w.varint(static_cast<int64_t>(b->size()));
      w.bytes(*b);
    }
  };
  put_nullable(key);
  put_nullable(value);
  w.varint(static_cast<int64_t>(headers.size()));
  for (const auto& hdr : headers) {
    w.varint(static_cast<int64_t>(hdr.key.size()));
    w.string(hdr.key);
    put_nullable(hdr.value);
  }
  ByteWriter out(&records_);
  out.varint(static_cast<int64_t>(body.size()));
  out.bytes(body);
  last_delta_ = delta;
  count_++;
}

Result<std::vector<uint8_t>> RecordBatchBuilder::finish(int64_t base_offset) {
  std::vector<uint8_t> body;
  if (compression_ == Compression::kNone) {
    body = std::move(records_);
  } else {
    STRATA_RETURN_IF_ERROR(compress(compression_, records_, &body));
  }
  std::vector<uint8_t> batch;
  batch.reserve(kRecordBatchHeaderSize + body.size());
  ByteWriter w(&batch);
  w.i64(base_offset);
  w.i32(static_cast<int32_t>(kRecordBatchHeaderSize - kBatchLogOverhead + body.size()));
  w.i32(-1);  // partition_leader_epoch
  w.i8(2);
  w.u32(0);   // crc, patched below
  w.i16(static_cast<int16_t>(compression_));
  w.i32(last_delta_ < 0 ? 0 : last_delta_);
  w.i64(base_timestamp_);
  w.i64(max_timestamp_);
  w.i64(producer_id_);
  w.i16(producer_epoch_);
  w.i32(base_sequence_);
  w.i32(count_);
  w.bytes(body);
  uint32_t crc = crc32c(batch.data() + kBatchAttributesOffset, batch.size() - kBatchAttributesOffset);
  store_be32(batch.data() + kBatchCrcOffset, crc);
  records_.clear();
  count_ = 0;
  last_delta_ = -1;
  base_timestamp_ = 0;
  max_timestamp_ = 0;
  return batch;
}

}  // namespace strata::log
