#include "log/segment.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>

#include "base/bytes.h"
#include "base/logging.h"

namespace strata::log {
namespace {

constexpr size_t kOffsetDigits = 20;

// Checks the batch at `position` of `file`: a whole header, a plausible
// length within the file, base offset >= `min_base_offset`, and the CRC.
// Returns an empty string when good, else what is wrong. `buf` is scratch.
std::string check_batch(const io::RandomAccessFile& file, uint64_t position, uint64_t file_size,
                        int64_t min_base_offset, RecordBatchHeader* h, std::vector<uint8_t>* buf) {
  uint64_t remaining = file_size - position;
  if (remaining < kRecordBatchHeaderSize) return fmt::format("{} trailing bytes, shorter than a batch header", remaining);
  std::array<uint8_t, kRecordBatchHeaderSize> head;
  auto n = file.read(position, head);
  if (!n.ok()) return n.status().to_string();
  if (*n != head.size()) return "short read";
  auto parsed = parse_record_batch_header(head);
  if (!parsed.ok()) return parsed.status().message();
  *h = *parsed;
  if (h->size_bytes() > remaining) return fmt::format("batch of {} bytes but only {} remain", h->size_bytes(), remaining);
  if (h->base_offset < min_base_offset) return fmt::format("base offset {} below expected {}", h->base_offset, min_base_offset);
  buf->resize(h->size_bytes());
  auto m = file.read(position, *buf);
  if (!m.ok()) return m.status().to_string();
  if (*m != buf->size()) return "short read";
  if (!record_batch_crc_ok(*buf)) return "CRC mismatch";
  return {};
}

// The position of the first whole batch with a good CRC and base offset >=
// `min_base_offset` that starts after `bad_position`, trying the bad batch's
// claimed end first and then every byte position (cheap header checks filter
// candidates before the CRC is computed).
std::optional<uint64_t> find_valid_batch_after(const io::RandomAccessFile& file, uint64_t bad_position, uint64_t file_size,
                                               int64_t min_base_offset, std::vector<uint8_t>* buf) {
  RecordBatchHeader h;
  std::array<uint8_t, 4> len_bytes;
  if (bad_position + kBatchLengthOffset + 4 <= file_size) {
    auto n = file.read(bad_position + kBatchLengthOffset, len_bytes);
    if (n.ok() && *n == len_bytes.size()) {
      int64_t len = static_cast<int32_t>(load_be32(len_bytes.data()));
      uint64_t next = bad_position + kBatchLogOverhead + static_cast<uint64_t>(std::max<int64_t>(len, 0));
      if (len >= static_cast<int64_t>(kRecordBatchHeaderSize - kBatchLogOverhead) && next < file_size &&
          check_batch(file, next, file_size, min_base_offset, &h, buf).empty()) {
        return next;
      }
    }
  }
  constexpr size_t kWindowBytes = 1 << 20;
  std::vector<uint8_t> window;
  for (uint64_t start = bad_position + 1; start + kRecordBatchHeaderSize <= file_size;) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kWindowBytes + kRecordBatchHeaderSize, file_size - start));
    window.resize(want);
    auto n = file.read(start, window);
    if (!n.ok() || *n < kRecordBatchHeaderSize) return std::nullopt;
    size_t last = *n - kRecordBatchHeaderSize;
    for (size_t i = 0; i <= last; i++) {
      const uint8_t* q = window.data() + i;
      if (q[16] != 2) continue;
      int64_t base = static_cast<int64_t>(load_be64(q));
      int64_t len = static_cast<int32_t>(load_be32(q + kBatchLengthOffset));
      if (base < min_base_offset || len < static_cast<int64_t>(kRecordBatchHeaderSize - kBatchLogOverhead)) continue;
      uint64_t at = start + i;
      if (at + kBatchLogOverhead + static_cast<uint64_t>(len) > file_size) continue;
      if (check_batch(file, at, file_size, min_base_offset, &h, buf).empty()) return at;
    }
    start += last + 1;
  }
  return std::nullopt;
}

Result<RecordBatchHeader> read_header(const io::RandomAccessFile& file, uint64_t position) {
  std::array<uint8_t, kRecordBatchHeaderSize> head;
  STRATA_ASSIGN_OR_RETURN(size_t n, file.read(position, head));
  if (n != head.size()) return Status::corruption(fmt::format("{}: short batch header at position {}", file.path(), position));
  auto h = parse_record_batch_header(head);
  if (!h.ok()) return Status::corruption(fmt::format("{} at position {}: {}", file.path(), position, h.status().message()));
  return h;
}

}  // namespace

std::string Segment::file_name(int64_t base_offset, const char* ext) {
  return fmt::format("{:020d}{}", base_offset, ext);
}

bool Segment::parse_log_name(const std::string& name, int64_t* base_offset) {
  if (name.size() != kOffsetDigits + 4 || name.compare(kOffsetDigits, 4, ".log") != 0) return false;
  int64_t v = 0;
  for (size_t i = 0; i < kOffsetDigits; i++) {
    char c = name[i];
    if (c < '0' || c > '9') return false;
    if (v > (INT64_MAX - (c - '0')) / 10) return false;
    v = v * 10 + (c - '0');
  }
  *base_offset = v;
  return true;
}

Segment::Segment(io::FileSystem* fs, std::string dir, int64_t base_offset)
    : fs_(fs), dir_(std::move(dir)), base_offset_(base_offset), next_offset_(base_offset) {
  log_path_ = path(".log");
}

std::string Segment::path(const char* ext) const { return dir_ + "/" + file_name(base_offset_, ext); }

Status Segment::open_reader() {
  STRATA_ASSIGN_OR_RETURN(reader_, fs_->open_readable(log_path_));
  return Status::ok_status();
}

Result<std::unique_ptr<Segment>> Segment::create(io::FileSystem* fs, const std::string& dir, int64_t base_offset,
                                                 int64_t now_ms) {
  std::unique_ptr<Segment> s(new Segment(fs, dir, base_offset));
  STRATA_ASSIGN_OR_RETURN(auto w, fs->open_writable(s->log_path_));
  s->writer_ = std::move(w);
  if (s->writer_->size_bytes() != 0) STRATA_RETURN_IF_ERROR(s->writer_->truncate(0));
  STRATA_RETURN_IF_ERROR(fs->sync_dir(dir));
  STRATA_RETURN_IF_ERROR(s->open_reader());
  s->created_ms_ = now_ms;
  return s;
}

Result<std::unique_ptr<Segment>> Segment::open_closed(io::FileSystem* fs, const std::string& dir, int64_t base_offset,
                                                      int32_t index_interval_bytes) {
  std::unique_ptr<Segment> s(new Segment(fs, dir, base_offset));
  STRATA_RETURN_IF_ERROR(s->open_reader());
  STRATA_ASSIGN_OR_RETURN(s->size_bytes_, s->reader_->size_bytes());
  uint64_t max_index_bytes = (s->size_bytes_ / kRecordBatchHeaderSize + 1) * TimeIndex::kEntryBytes;
  auto idx_bytes = fs->read_file(s->path(".index"), max_index_bytes);
  auto tidx_bytes = fs->read_file(s->path(".timeindex"), max_index_bytes);
  bool loaded = false;
  if (idx_bytes.ok() && tidx_bytes.ok()) {
    auto idx = OffsetIndex::parse(*idx_bytes, s->size_bytes_);
    auto tidx = TimeIndex::parse(*tidx_bytes);
    if (idx.ok() && tidx.ok()) {
      s->offset_index_ = std::move(idx).value();
      s->time_index_ = std::move(tidx).value();
      const auto* last = s->offset_index_.last();
      uint64_t start = last ? static_cast<uint64_t>(last->position) : 0;
      int64_t expected = base_offset + (last ? last->relative_offset : 0);
      if (const auto* t = s->time_index_.last()) s->max_timestamp_ms_ = t->max_timestamp_ms;
      loaded = s->scan_tail(start, expected).ok();
    }
  }
  if (!loaded) {
    logging::warn("rebuilding segment index", "segment", s->log_path_);
    STRATA_RETURN_IF_ERROR(s->rebuild_index(index_interval_bytes));
    STRATA_RETURN_IF_ERROR(s->write_index_files());
  }
  return s;
}

Result<std::unique_ptr<Segment>> Segment::open_active(io::FileSystem* fs, const std::string& dir, int64_t base_offset,
                                                      int32_t index_interval_bytes, int64_t now_ms,
                                                      SegmentRecovery* recovery) {
  std::unique_ptr<Segment> s(new Segment(fs, dir, base_offset));
  STRATA_ASSIGN_OR_RETURN(auto w, fs->open_writable(s->log_path_));
  s->writer_ = std::move(w);
  STRATA_RETURN_IF_ERROR(s->open_reader());
  s->created_ms_ = now_ms;
  uint64_t file_size = s->writer_->size_bytes();
  std::vector<uint8_t> buf;
  uint64_t pos = 0;
  std::string problem;
  RecordBatchHeader h;
  while (pos < file_size) {
    problem = check_batch(*s->reader_, pos, file_size, s->next_offset_, &h, &buf);
    if (!problem.empty()) break;
    s->index_batch(pos, h, index_interval_bytes);
    pos += h.size_bytes();
  }
  s->size_bytes_ = pos;
  if (pos == file_size) return s;

  // A bad batch at `pos`: corruption in the middle when a whole valid batch
  // follows (where the bad one claims to end, or anywhere after it, in case
  // the damage hit the length field); otherwise a torn tail.
  std::optional<uint64_t> valid_after = find_valid_batch_after(*s->reader_, pos, file_size, s->next_offset_, &buf);
  if (valid_after) {
    recovery->corrupt_middle = true;
    recovery->reason = fmt::format("corrupt record batch in {} at position {} ({}); a valid batch follows at position {}",
                                   s->log_path_, pos, problem, *valid_after);
    return s;
  }
  recovery->truncated_bytes = file_size - pos;
  logging::warn("truncating torn segment tail", "segment", s->log_path_, "position", pos, "dropped_bytes",
                file_size - pos, "problem", problem);
  STRATA_RETURN_IF_ERROR(s->writer_->truncate(pos));
  return s;
}

void Segment::index_batch(uint64_t position, const RecordBatchHeader& h, int32_t index_interval_bytes) {
  int32_t rel = static_cast<int32_t>(h.base_offset - base_offset_);
  max_timestamp_ms_ = std::max(max_timestamp_ms_, h.max_timestamp);
  if (bytes_since_index_ > static_cast<uint64_t>(std::max(index_interval_bytes, 0)) && position > 0) {
    const auto* last = offset_index_.last();
    if (last == nullptr || (rel > last->relative_offset && static_cast<int64_t>(position) > last->position)) {
      offset_index_.append(rel, static_cast<int32_t>(position));
      time_index_.maybe_append(max_timestamp_ms_, rel);
      bytes_since_index_ = 0;
    }
  }
  bytes_since_index_ += h.size_bytes();
  last_batch_relative_offset_ = rel;
  next_offset_ = h.last_offset() + 1;
}

Status Segment::append(std::span<const uint8_t> batches) {
  STRATA_ASSERT(writer_ != nullptr, "append to a closed segment");
  STRATA_RETURN_IF_ERROR(writer_->append(batches));
  size_bytes_ += batches.size();
  return Status::ok_status();
}

Status Segment::truncate(uint64_t size_bytes) {
  STRATA_ASSERT(writer_ != nullptr, "truncate of a closed segment");
  STRATA_RETURN_IF_ERROR(writer_->truncate(size_bytes));
  size_bytes_ = size_bytes;
  return Status::ok_status();
}

Status Segment::seal() {
  STRATA_ASSERT(writer_ != nullptr, "seal of a closed segment");
  STRATA_RETURN_IF_ERROR(writer_->sync());
  if (!empty()) time_index_.maybe_append(max_timestamp_ms_, last_batch_relative_offset_);
  STRATA_RETURN_IF_ERROR(write_index_files());
  writer_.reset();
  return Status::ok_status();
}

Status Segment::write_index_files() {
  STRATA_RETURN_IF_ERROR(fs_->write_file_atomic(path(".index"), offset_index_.serialize()));
  return fs_->write_file_atomic(path(".timeindex"), time_index_.serialize());
}

Status Segment::rebuild_index(int32_t index_interval_bytes) {
  offset_index_.clear();
  time_index_.clear();
  bytes_since_index_ = 0;
  next_offset_ = base_offset_;
  max_timestamp_ms_ = -1;
  uint64_t pos = 0;
  while (pos < size_bytes_) {
    auto h = read_header(*reader_, pos);
    if (!h.ok() || h->size_bytes() > size_bytes_ - pos || h->base_offset < next_offset_) {
      return Status::corruption(fmt::format("closed segment {} is corrupt at position {}", log_path_, pos));
    }
    index_batch(pos, *h, index_interval_bytes);
    pos += h->size_bytes();
  }
  if (!empty()) time_index_.maybe_append(max_timestamp_ms_, last_batch_relative_offset_);
  return Status::ok_status();
}

Status Segment::scan_tail(uint64_t position, int64_t expected_first_offset) {
  bool first = true;
  int64_t min_offset = expected_first_offset;
  uint64_t pos = position;
  while (pos < size_bytes_) {
    STRATA_ASSIGN_OR_RETURN(RecordBatchHeader h, read_header(*reader_, pos));
    if (first && position > 0 && h.base_offset != expected_first_offset) return Status::corruption("index points off a batch");
    if (h.size_bytes() > size_bytes_ - pos || h.base_offset < min_offset) return Status::corruption("bad batch in tail");
    first = false;
    max_timestamp_ms_ = std::max(max_timestamp_ms_, h.max_timestamp);
    last_batch_relative_offset_ = static_cast<int32_t>(h.base_offset - base_offset_);
    next_offset_ = h.last_offset() + 1;
    min_offset = next_offset_;
    pos += h.size_bytes();
  }
  return Status::ok_status();
}

Result<std::optional<BatchPosition>> Segment::scan_from(uint64_t position,
                                                        const std::function<bool(const BatchPosition&)>& stop) const {
  uint64_t pos = position;
  while (pos < size_bytes_) {
    STRATA_ASSIGN_OR_RETURN(RecordBatchHeader h, read_header(*reader_, pos));
    if (h.size_bytes() > size_bytes_ - pos) return Status::corruption(fmt::format("{}: batch past end at {}", log_path_, pos));
    BatchPosition bp{pos, h};
    if (stop(bp)) return std::optional<BatchPosition>(bp);
    pos += h.size_bytes();
  }
  return std::optional<BatchPosition>();
}

Result<std::optional<BatchPosition>> Segment::find(int64_t offset) const {
  uint64_t start = 0;
  if (offset > base_offset_) {
    int64_t rel = std::min<int64_t>(offset - base_offset_, INT32_MAX);
    start = static_cast<uint64_t>(offset_index_.lookup(static_cast<int32_t>(rel)));
  }
  return scan_from(start, [offset](const BatchPosition& bp) { return bp.header.last_offset() >= offset; });
}

Result<std::optional<BatchPosition>> Segment::find_by_timestamp(int64_t timestamp_ms) const {
  uint64_t start = 0;
  if (const auto* e = time_index_.last_before(timestamp_ms)) start = static_cast<uint64_t>(offset_index_.lookup(e->relative_offset));
  return scan_from(start, [timestamp_ms](const BatchPosition& bp) { return bp.header.max_timestamp >= timestamp_ms; });
}

Result<size_t> Segment::read(uint64_t position, std::span<uint8_t> out) const { return reader_->read(position, out); }

Status Segment::for_each_batch(const std::function<bool(const BatchPosition&)>& fn) const {
  auto r = scan_from(0, [&fn](const BatchPosition& bp) { return !fn(bp); });
  return r.status();
}

Status Segment::remove_files() {
  for (const char* ext : {".index", ".timeindex", ".log"}) {
    std::string p = path(ext);
    if (fs_->exists(p)) STRATA_RETURN_IF_ERROR(fs_->remove(p));
  }
  return Status::ok_status();
}

}  // namespace strata::log
