#include "log/compactor.h"

#include "base/logging.h"

namespace strata::log {
namespace {

std::string key_string(std::span<const uint8_t> key) { return {reinterpret_cast<const char*>(key.data()), key.size()}; }

}  // namespace

Result<std::vector<uint8_t>> Compactor::read_batch(const Segment& segment, const BatchPosition& bp) const {
  std::vector<uint8_t> buf(bp.header.size_bytes());
  STRATA_ASSIGN_OR_RETURN(size_t n, segment.read(bp.position, buf));
  if (n != buf.size()) return Status::corruption(segment.log_path() + ": short read during compaction");
  if (!record_batch_crc_ok(buf)) return Status::corruption(segment.log_path() + ": CRC mismatch during compaction");
  return buf;
}

Status Compactor::scan(const Segment& segment) {
  Status status;
  std::vector<uint8_t> scratch;
  std::vector<Record> records;
  Status iter = segment.for_each_batch([&](const BatchPosition& bp) {
    if (bp.header.is_control()) return true;
    auto batch = read_batch(segment, bp);
    if (!batch.ok()) {
      status = batch.status();
      return false;
    }
    records.clear();
    status = decode_record_batch(*batch, max_decompressed_bytes_, &scratch, &records);
    if (!status.ok()) return false;
    for (const Record& r : records) {
      if (r.key) latest_[key_string(*r.key)] = r.offset;
    }
    return true;
  });
  STRATA_RETURN_IF_ERROR(iter);
  return status;
}

Result<std::optional<std::string>> Compactor::rewrite(const Segment& segment, bool drop_tombstones) {
  std::vector<uint8_t> out;
  bool changed = false;
  Status status;
  std::vector<uint8_t> scratch;
  std::vector<Record> records;
  Status iter = segment.for_each_batch([&](const BatchPosition& bp) {
    auto batch = read_batch(segment, bp);
    if (!batch.ok()) {
      status = batch.status();
      return false;
    }
    if (bp.header.is_control()) {
      out.insert(out.end(), batch->begin(), batch->end());
      return true;
    }
    records.clear();
    status = decode_record_batch(*batch, max_decompressed_bytes_, &scratch, &records);
    if (!status.ok()) return false;
    RecordBatchBuilder builder(bp.header.compression());
    builder.set_producer(bp.header.producer_id, bp.header.producer_epoch, bp.header.base_sequence);
    for (const Record& r : records) {
      bool keep = r.key && latest_[key_string(*r.key)] == r.offset && !(drop_tombstones && !r.value);
      if (!keep) continue;
      builder.add(r.timestamp, r.key, r.value, r.headers, static_cast<int32_t>(r.offset - bp.header.base_offset));
    }
    if (builder.count() == static_cast<int32_t>(records.size())) {
      out.insert(out.end(), batch->begin(), batch->end());
      return true;
    }
    changed = true;
    if (builder.empty()) return true;
    auto rebuilt = builder.finish(bp.header.base_offset);
    if (!rebuilt.ok()) {
      status = rebuilt.status();
      return false;
    }
    out.insert(out.end(), rebuilt->begin(), rebuilt->end());
    return true;
  });
  STRATA_RETURN_IF_ERROR(iter);
  STRATA_RETURN_IF_ERROR(status);
  if (!changed) return std::optional<std::string>();
  std::string path = segment.log_path() + ".cleaned";
  if (fs_->exists(path)) STRATA_RETURN_IF_ERROR(fs_->remove(path));
  STRATA_ASSIGN_OR_RETURN(auto file, fs_->open_writable(path));
  STRATA_RETURN_IF_ERROR(file->append(out));
  STRATA_RETURN_IF_ERROR(file->sync());
  STRATA_RETURN_IF_ERROR(file->close());
  logging::info("compacted segment", "segment", segment.log_path(), "bytes_before", segment.size_bytes(), "bytes_after",
                out.size());
  return std::optional<std::string>(path);
}

}  // namespace strata::log
