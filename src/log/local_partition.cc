#include "log/local_partition.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/bytes.h"
#include "base/crc32c.h"
#include "base/logging.h"
#include "log/compactor.h"

namespace strata::log {
namespace {

constexpr const char* kSnapshotExt = ".snapshot";
// Producer snapshots kept per partition (the newest is the one used).
constexpr size_t kSnapshotsKept = 2;
// Without a snapshot, producer state is rebuilt from this many last segments.
constexpr size_t kProducerScanSegments = 2;
// Upper bound on one batch's decompressed size during compaction.
constexpr size_t kCompactionMaxBatchBytes = 256u << 20;

bool parse_snapshot_name(const std::string& name, int64_t* offset) {
  const std::string ext = kSnapshotExt;
  if (name.size() != 20 + ext.size() || name.compare(20, ext.size(), ext) != 0) return false;
  return Segment::parse_log_name(name.substr(0, 20) + ".log", offset);
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

LocalPartition::LocalPartition(io::FileSystem* fs, io::Clock* clock, std::string dir, std::string topic, int32_t index,
                               TopicConfig config)
    : fs_(fs), clock_(clock), dir_(std::move(dir)), topic_(std::move(topic)), index_(index), config_(config) {
  flush_ms_.store(config.flush_ms);
}

LocalPartition::~LocalPartition() = default;

Result<std::unique_ptr<LocalPartition>> LocalPartition::open(io::FileSystem* fs, io::Clock* clock, const std::string& dir,
                                                             const std::string& topic, int32_t index,
                                                             const TopicConfig& config) {
  std::unique_ptr<LocalPartition> p(new LocalPartition(fs, clock, dir, topic, index, config));
  STRATA_RETURN_IF_ERROR(fs->create_dirs(dir));
  Status s = p->recover();
  if (!s.ok()) {
    if (s.code() != StatusCode::kCorruption) return s;
    p->fence(s.message());
  }
  return p;
}

std::string LocalPartition::snapshot_path(int64_t offset) const {
  return dir_ + "/" + Segment::file_name(offset, kSnapshotExt);
}

Status LocalPartition::recover() {
  STRATA_ASSIGN_OR_RETURN(auto names, fs_->list_dir(dir_));
  std::vector<int64_t> bases;
  for (const auto& name : names) {
    int64_t base = 0;
    if (Segment::parse_log_name(name, &base)) {
      bases.push_back(base);
    } else if (ends_with(name, ".cleaned") || ends_with(name, ".tmp")) {
      STRATA_RETURN_IF_ERROR(fs_->remove(dir_ + "/" + name));
    }
  }
  std::sort(bases.begin(), bases.end());
  int64_t now_ms = clock_->monotonic_ms();
  if (bases.empty()) {
    STRATA_ASSIGN_OR_RETURN(auto seg, Segment::create(fs_, dir_, 0, now_ms));
    segments_.push_back(std::move(seg));
  }
  for (size_t i = 0; i < bases.size(); i++) {
    if (i + 1 < bases.size()) {
      STRATA_ASSIGN_OR_RETURN(auto seg, Segment::open_closed(fs_, dir_, bases[i], config_.index_interval_bytes));
      segments_.push_back(std::move(seg));
      continue;
    }
    SegmentRecovery rec;
    STRATA_ASSIGN_OR_RETURN(auto seg, Segment::open_active(fs_, dir_, bases[i], config_.index_interval_bytes, now_ms, &rec));
    segments_.push_back(std::move(seg));
    if (rec.corrupt_middle) {
      logging::error("partition fenced: corruption in the middle of the log", "topic", topic_, "partition", index_,
                     "reason", rec.reason);
      fence(rec.reason);
    }
  }
  // Closed segments must not overlap: a segment ends before the next begins.
  for (size_t i = 0; i + 1 < segments_.size(); i++) {
    if (segments_[i]->next_offset() > segments_[i + 1]->base_offset()) {
      return Status::corruption(fmt::format("segment {} overlaps the next segment", segments_[i]->log_path()));
    }
  }
  const Segment& last = *segments_.back();
  log_start_offset_ = segments_.front()->base_offset();
  log_end_offset_ = last.next_offset();
  durable_end_offset_ = log_end_offset_.load();
  {
    std::lock_guard g(mu_);
    active_writer_ = last.writer();
  }
  if (fenced()) return Status::ok_status();
  return recover_producer_state();
}

Status LocalPartition::recover_producer_state() {
  STRATA_ASSIGN_OR_RETURN(auto names, fs_->list_dir(dir_));
  std::vector<int64_t> snapshots;
  for (const auto& name : names) {
    int64_t off = 0;
    if (parse_snapshot_name(name, &off)) snapshots.push_back(off);
  }
  std::sort(snapshots.rbegin(), snapshots.rend());
  int64_t scan_from = -1;
  for (int64_t off : snapshots) {
    if (off > log_end_offset_.load()) continue;  // ahead of the log (never written in that order); ignore
    auto bytes = fs_->read_file(snapshot_path(off), 64u << 20);
    if (!bytes.ok()) continue;
    auto state = ProducerState::parse(*bytes);
    if (!state.ok()) {
      logging::warn("ignoring bad producer snapshot", "path", snapshot_path(off), "error", state.status().message());
      continue;
    }
    producers_ = std::move(state).value();
    producers_.truncate_to(log_end_offset_.load());
    scan_from = off;
    break;
  }
  size_t first = 0;
  if (scan_from < 0) {
    first = segments_.size() > kProducerScanSegments ? segments_.size() - kProducerScanSegments : 0;
    scan_from = segments_[first]->base_offset();
  } else {
    first = segment_index_for(scan_from);
  }
  for (size_t i = first; i < segments_.size(); i++) {
    STRATA_RETURN_IF_ERROR(segments_[i]->for_each_batch([&](const BatchPosition& bp) {
      if (bp.header.base_offset >= scan_from) producers_.update(bp.header);
      return true;
    }));
  }
  return Status::ok_status();
}

void LocalPartition::fence(const std::string& reason) {
  std::lock_guard g(mu_);
  if (fenced_.load()) return;
  fence_reason_ = reason;
  fenced_.store(true);
}

std::string LocalPartition::fence_reason() const {
  std::lock_guard g(mu_);
  return fence_reason_;
}

int64_t LocalPartition::size_bytes() const {
  int64_t total = 0;
  for (const auto& s : segments_) total += static_cast<int64_t>(s->size_bytes());
  return total;
}

size_t LocalPartition::segment_index_for(int64_t offset) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                             [](int64_t v, const std::unique_ptr<Segment>& s) { return v < s->base_offset(); });
  return it == segments_.begin() ? 0 : static_cast<size_t>(std::prev(it) - segments_.begin());
}

AppendOutcome LocalPartition::append(std::span<uint8_t> batches, int64_t now_ms) {
  AppendOutcome out;
  if (fenced()) {
    out.status = Status::unavailable("partition " + topic_ + "-" + std::to_string(index_) + " is fenced: " + fence_reason());
    return out;
  }
  if (batches.empty()) {
    out.status = Status::invalid_argument("empty record set");
    return out;
  }
  // Validate the framing of every batch before anything is written.
  auto& headers = scratch_headers_;
  headers.clear();
  for (size_t pos = 0; pos < batches.size();) {
    auto rest = batches.subspan(pos);
    auto h = parse_record_batch_header(rest);
    if (!h.ok()) {
      out.status = h.status();
      return out;
    }
    if (h->size_bytes() > rest.size()) {
      out.status = Status::corruption("record batch extends past the record set");
      return out;
    }
    if (h->size_bytes() > static_cast<size_t>(config_.max_message_bytes)) {
      out.status = Status::resource_exhausted(fmt::format("record batch of {} bytes exceeds max.message.bytes {}",
                                                          h->size_bytes(), config_.max_message_bytes));
      return out;
    }
    if (!record_batch_crc_ok(rest.first(h->size_bytes()))) {
      out.status = Status::corruption("record batch CRC mismatch");
      return out;
    }
    headers.push_back(*h);
    pos += h->size_bytes();
  }

  // Idempotence. One batch (the normal case) is checked against the stored
  // state; several are checked in order against a tentative copy.
  const int64_t leo = log_end_offset_.load();
  if (headers.size() == 1) {
    auto chk = producers_.check(headers[0]);
    if (chk.verdict == ProducerState::Verdict::kDuplicate) {
      out.result.duplicate = true;
      out.result.base_offset = chk.duplicate_of.base_offset;
      out.result.last_offset = chk.duplicate_of.last_offset;
      out.result.record_count = headers[0].record_count;
      out.result.log_start_offset = log_start_offset();
      return out;
    }
    if (chk.verdict == ProducerState::Verdict::kError) {
      out.status = Status::invalid_argument("producer sequence check failed");
      out.producer_error = chk.error;
      return out;
    }
  } else {
    bool idempotent = std::any_of(headers.begin(), headers.end(), [](const auto& h) { return h.producer_id >= 0; });
    if (idempotent) {
      ProducerState tentative = producers_;
      int64_t next = leo;
      for (RecordBatchHeader h : headers) {
        h.base_offset = next;
        auto chk = tentative.check(h);
        if (chk.verdict != ProducerState::Verdict::kAppend) {
          out.status = Status::invalid_argument("producer sequence check failed in a multi-batch append");
          out.producer_error = chk.verdict == ProducerState::Verdict::kError ? chk.error : ProducerError::kOutOfOrderSequence;
          return out;
        }
        tentative.update(h);
        next = h.last_offset() + 1;
      }
    }
  }

  // Assign offsets (and LogAppendTime) in place.
  int64_t next = leo;
  size_t pos = 0;
  for (auto& h : headers) {
    auto batch = batches.subspan(pos, h.size_bytes());
    h.base_offset = next;
    set_record_batch_base_offset(batch, next);
    if (config_.message_timestamp_log_append) {
      h.max_timestamp = now_ms;
      h.attributes = static_cast<int16_t>(h.attributes | 0x8);
      store_be64(batch.data() + 35, static_cast<uint64_t>(now_ms));
      batch[kBatchAttributesOffset + 1] |= 0x08;  // timestamp type bit of the big-endian int16
      store_be32(batch.data() + kBatchCrcOffset,
                 crc32c(batch.data() + kBatchAttributesOffset, batch.size() - kBatchAttributesOffset));
    }
    next = h.last_offset() + 1;
    pos += h.size_bytes();
  }

  Segment* active = segments_.back().get();
  if (!active->empty() && (active->size_bytes() + batches.size() > static_cast<uint64_t>(config_.segment_bytes) ||
                           next - 1 - active->base_offset() > INT32_MAX)) {
    Status s = roll(now_ms);
    if (!s.ok()) {
      out.status = s;
      return out;
    }
    active = segments_.back().get();
  }
  const uint64_t start = active->size_bytes();
  Status s = active->append(batches);
  if (!s.ok()) {
    Status t = active->truncate(start);
    if (!t.ok()) fence("append failed and could not be undone: " + t.to_string());
    out.status = s;
    return out;
  }
  pos = start;
  int32_t records = 0;
  for (const auto& h : headers) {
    active->index_batch(pos, h, config_.index_interval_bytes);
    producers_.update(h);
    pos += h.size_bytes();
    records += h.record_count;
  }
  // Records not yet covered by a sync (flush.messages).
  if (durable_end_offset_.load() >= leo) unflushed_records_ = 0;
  log_end_offset_.store(next);
  int64_t expected = -1;
  dirty_since_ms_.compare_exchange_strong(expected, clock_->monotonic_ms());
  unflushed_records_ += records;
  if (unflushed_records_ >= config_.flush_messages && flush_request_) {
    unflushed_records_ = 0;
    flush_request_();
  }

  out.result.base_offset = leo;
  out.result.last_offset = next - 1;
  out.result.record_count = records;
  out.result.log_start_offset = log_start_offset();
  if (config_.message_timestamp_log_append) out.result.log_append_time_ms = now_ms;
  return out;
}

Status LocalPartition::roll(int64_t now_ms) {
  Segment* old = segments_.back().get();
  Status s = old->seal();
  if (!s.ok()) {
    fence("sealing segment failed: " + s.to_string());
    return s;
  }
  const int64_t base = log_end_offset_.load();
  write_snapshot(base);
  auto seg = Segment::create(fs_, dir_, base, clock_->monotonic_ms());
  if (!seg.ok()) {
    fence("creating segment failed: " + seg.status().to_string());
    return seg.status();
  }
  {
    std::lock_guard g(mu_);
    active_writer_ = (*seg)->writer();
  }
  segments_.push_back(std::move(seg).value());
  return Status::ok_status();
}

void LocalPartition::write_snapshot(int64_t offset) {
  // The sealed segments are fsync'd, so the snapshot never runs ahead of
  // durable data. A failed snapshot only costs a longer scan at open.
  Status s = fs_->write_file_atomic(snapshot_path(offset), producers_.serialize());
  if (!s.ok()) logging::warn("producer snapshot not written", "path", snapshot_path(offset), "error", s.to_string());
  auto names = fs_->list_dir(dir_);
  if (!names.ok()) return;
  std::vector<int64_t> offsets;
  for (const auto& n : *names) {
    int64_t off = 0;
    if (parse_snapshot_name(n, &off)) offsets.push_back(off);
  }
  std::sort(offsets.rbegin(), offsets.rend());
  for (size_t i = kSnapshotsKept; i < offsets.size(); i++) (void)fs_->remove(snapshot_path(offsets[i]));
}

Result<ReadResult> LocalPartition::read(int64_t offset, int32_t max_bytes) const {
  if (fenced()) return Status::unavailable("partition " + topic_ + "-" + std::to_string(index_) + " is fenced: " + fence_reason());
  ReadResult rr;
  rr.high_watermark = log_end_offset();
  rr.log_start_offset = log_start_offset();
  if (offset < rr.log_start_offset || offset > rr.high_watermark) {
    return Status::out_of_range(fmt::format("offset {} outside [{}, {}]", offset, rr.log_start_offset, rr.high_watermark));
  }
  if (offset == rr.high_watermark) return rr;
  for (size_t i = segment_index_for(offset); i < segments_.size(); i++) {
    const Segment& seg = *segments_[i];
    STRATA_ASSIGN_OR_RETURN(auto found, seg.find(offset));
    if (!found) continue;  // a compaction gap at the end of this segment
    uint64_t available = seg.size_bytes() - found->position;
    uint64_t want = std::min<uint64_t>(available, static_cast<uint64_t>(std::max(max_bytes, 0)));
    want = std::max<uint64_t>(want, found->header.size_bytes());
    rr.bytes.resize(want);
    STRATA_ASSIGN_OR_RETURN(size_t n, seg.read(found->position, rr.bytes));
    // Keep whole batches only.
    size_t end = 0;
    while (end + kBatchLogOverhead <= n) {
      int32_t len = static_cast<int32_t>(load_be32(rr.bytes.data() + end + kBatchLengthOffset));
      if (len < static_cast<int32_t>(kRecordBatchHeaderSize - kBatchLogOverhead)) break;
      size_t size = kBatchLogOverhead + static_cast<size_t>(len);
      if (end + size > n) break;
      end += size;
    }
    if (end == 0) return Status::corruption(fmt::format("{}: unreadable batch at position {}", seg.log_path(), found->position));
    rr.bytes.resize(end);
    return rr;
  }
  return rr;
}

Result<TimestampLookup> LocalPartition::offset_for_timestamp(int64_t timestamp_ms) const {
  if (fenced()) return Status::unavailable("partition is fenced: " + fence_reason());
  TimestampLookup out;
  for (const auto& seg : segments_) {
    if (seg->empty() || seg->max_timestamp_ms() < timestamp_ms) continue;
    STRATA_ASSIGN_OR_RETURN(auto found, seg->find_by_timestamp(timestamp_ms));
    if (!found) continue;
    out.offset = std::max(found->header.base_offset, log_start_offset());
    out.timestamp = found->header.max_timestamp;
    return out;
  }
  return out;
}

Status LocalPartition::sync() {
  std::shared_ptr<io::WritableFile> writer;
  int64_t end = 0;
  {
    std::lock_guard g(mu_);
    if (fenced_.load()) return Status::unavailable("partition is fenced: " + fence_reason_);
    dirty_since_ms_.store(-1);
    end = log_end_offset_.load();
    writer = active_writer_;
  }
  if (writer) {
    Status s = writer->sync();
    if (!s.ok()) {
      logging::error("fdatasync failed; partition fenced", "topic", topic_, "partition", index_, "error", s.to_string());
      fence("fdatasync failed: " + s.to_string());
      return s;
    }
  }
  int64_t cur = durable_end_offset_.load();
  while (cur < end && !durable_end_offset_.compare_exchange_weak(cur, end)) {
  }
  if (log_end_offset_.load() > end) {
    int64_t expected = -1;
    dirty_since_ms_.compare_exchange_strong(expected, clock_->monotonic_ms());
  }
  return Status::ok_status();
}

bool LocalPartition::flush_due(int64_t now_ms, int64_t age_ms) const {
  int64_t since = dirty_since_ms_.load();
  return since >= 0 && has_unsynced() && now_ms - since >= age_ms;
}

Status LocalPartition::run_maintenance(int64_t now_ms) {
  if (fenced()) return Status::ok_status();
  Segment* active = segments_.back().get();
  if (!active->empty() && clock_->monotonic_ms() - active->created_ms() >= config_.segment_ms) {
    STRATA_RETURN_IF_ERROR(roll(now_ms));
  }
  if (config_.cleanup_policy != CleanupPolicy::kDelete) STRATA_RETURN_IF_ERROR(compact(now_ms));
  if (config_.cleanup_policy != CleanupPolicy::kCompact) STRATA_RETURN_IF_ERROR(apply_retention(now_ms));
  return Status::ok_status();
}

Status LocalPartition::apply_retention(int64_t now_ms) {
  int64_t total = size_bytes();
  while (segments_.size() > 1) {
    const Segment& front = *segments_.front();
    bool by_time = config_.retention_ms >= 0 && (front.empty() || now_ms - front.max_timestamp_ms() > config_.retention_ms);
    bool by_size = config_.retention_bytes >= 0 &&
                   total - static_cast<int64_t>(front.size_bytes()) >= config_.retention_bytes;
    if (!by_time && !by_size) break;
    logging::info("retention deleted segment", "segment", front.log_path(), "reason", by_time ? "time" : "size");
    total -= static_cast<int64_t>(front.size_bytes());
    STRATA_RETURN_IF_ERROR(segments_.front()->remove_files());
    segments_.erase(segments_.begin());
    log_start_offset_.store(segments_.front()->base_offset());
  }
  return Status::ok_status();
}

Status LocalPartition::compact(int64_t now_ms) {
  // Closed segments old enough for min.compaction.lag.ms.
  size_t eligible = 0;
  while (eligible + 1 < segments_.size() &&
         now_ms - segments_[eligible]->max_timestamp_ms() >= config_.min_compaction_lag_ms) {
    eligible++;
  }
  if (eligible == 0) return Status::ok_status();
  Compactor compactor(fs_, kCompactionMaxBatchBytes);
  for (const auto& seg : segments_) STRATA_RETURN_IF_ERROR(compactor.scan(*seg));
  for (size_t i = 0; i < eligible; i++) {
    Segment& seg = *segments_[i];
    bool drop_tombstones = now_ms - seg.max_timestamp_ms() > config_.delete_retention_ms;
    STRATA_ASSIGN_OR_RETURN(auto cleaned, compactor.rewrite(seg, drop_tombstones));
    if (!cleaned) continue;
    const int64_t base = seg.base_offset();
    // Index files first, so a crash after the rename never pairs new data with old indexes.
    for (const char* ext : {".index", ".timeindex"}) {
      std::string p = dir_ + "/" + Segment::file_name(base, ext);
      if (fs_->exists(p)) STRATA_RETURN_IF_ERROR(fs_->remove(p));
    }
    STRATA_RETURN_IF_ERROR(fs_->rename(*cleaned, seg.log_path()));
    STRATA_RETURN_IF_ERROR(fs_->sync_dir(dir_));
    STRATA_ASSIGN_OR_RETURN(segments_[i], Segment::open_closed(fs_, dir_, base, config_.index_interval_bytes));
  }
  return Status::ok_status();
}

Status LocalPartition::remove_files() {
  fence("partition deleted");
  return fs_->remove_all(dir_);
}

}  // namespace strata::log
