#include "exec/stream_storage.h"

#include <fmt/format.h>

#include <chrono>
#include <map>

#include "base/crc32c.h"
#include "formats/record_decoder.h"
#include "formats/record_encoder.h"

namespace strata::exec {

namespace {

std::vector<formats::FieldSpec> fields_of(const catalog::StreamDef& s) {
  std::vector<formats::FieldSpec> fields;
  for (const auto& c : s.columns) fields.push_back({c.name, c.type, c.not_null});
  return fields;
}

Result<formats::RecordFormat> format_of(const catalog::StreamDef& s) { return formats::parse_record_format(s.format); }

// Reads the snapshot's ranges partition by partition, decoding into full rows and
// returning the requested columns.
class StreamScan : public RowBatchIterator {
 public:
  StreamScan(const StreamReadView* view, std::shared_ptr<const catalog::StreamDef> stream, TopicAccess* access,
             std::vector<PartitionOffsets> ranges, formats::RecordDecoder decoder, std::vector<int32_t> columns)
      : view_(view),
        stream_(std::move(stream)),
        access_(access),
        ranges_(std::move(ranges)),
        decoder_(std::move(decoder)),
        columns_(std::move(columns)) {
    for (const auto& c : stream_->columns) row_types_.push_back(c.type);
  }

  Result<bool> next(types::Batch& out) override {
    types::Batch rows(row_types_);
    while (rows.rows < types::kBatchRows) {
      if (pending_index_ >= pending_.size()) {
        STRATA_ASSIGN_OR_RETURN(bool more, fetch());
        if (!more) break;
        continue;
      }
      const FetchedRecord& rec = pending_[pending_index_++];
      std::optional<std::string_view> value;
      if (rec.value) value = std::string_view(*rec.value);
      Status s = decoder_.decode(value, rows);
      if (!s.ok()) view_->note_skipped(ranges_[range_index_].partition, rec.offset, s.message());
    }
    if (rows.rows == 0) return false;
    out = types::Batch();
    for (int32_t c : columns_) out.columns.push_back(std::move(rows.columns[static_cast<size_t>(c)]));
    out.rows = rows.rows;
    return true;
  }

 private:
  // Refills pending_ from the current partition, moving to the next partition when
  // one is exhausted; false at the end of the last.
  Result<bool> fetch() {
    pending_.clear();
    pending_index_ = 0;
    while (range_index_ < ranges_.size()) {
      const PartitionOffsets& r = ranges_[range_index_];
      int64_t from = std::max(next_offset_, r.start_offset);
      if (from < r.end_offset) {
        STRATA_ASSIGN_OR_RETURN(pending_, access_->read(stream_->topic, r.partition, from, r.end_offset, kStreamReadBytes));
        if (!pending_.empty()) {
          next_offset_ = pending_.back().offset + 1;
          return true;
        }
      }
      ++range_index_;
      next_offset_ = 0;
    }
    return false;
  }

  const StreamReadView* view_;
  std::shared_ptr<const catalog::StreamDef> stream_;
  TopicAccess* access_;
  std::vector<PartitionOffsets> ranges_;
  formats::RecordDecoder decoder_;
  std::vector<int32_t> columns_;
  std::vector<types::Type> row_types_;  // every column of the stream: what the decoder fills
  size_t range_index_ = 0;
  int64_t next_offset_ = 0;
  std::vector<FetchedRecord> pending_;
  size_t pending_index_ = 0;
};

class StreamStorage : public TableStorage {
 public:
  StreamStorage(std::shared_ptr<const catalog::StreamDef> stream, TopicAccess* access)
      : stream_(std::move(stream)), access_(access) {}

  std::shared_ptr<const TableReadView> snapshot() override {
    return std::make_shared<StreamReadView>(stream_, access_, access_->partitions(stream_->topic));
  }

  Status commit(const TableReadView& base, const TableWriteSet& writes, bool sync) override {
    if (writes.truncated || !writes.deleted.empty()) {
      return Status::sql("42809", fmt::format("\"{}\" is a stream: its records cannot be deleted", stream_->name));
    }
    STRATA_ASSIGN_OR_RETURN(formats::RecordFormat format, format_of(*stream_));
    STRATA_ASSIGN_OR_RETURN(formats::RecordEncoder encoder, formats::RecordEncoder::make(format, fields_of(*stream_)));
    STRATA_ASSIGN_OR_RETURN(std::vector<PartitionOffsets> parts, access_->partitions(stream_->topic));
    if (parts.empty()) return Status::sql("42P01", fmt::format("topic \"{}\" has no partitions", stream_->topic));
    int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    std::map<int32_t, std::vector<ProducedRecord>> by_partition;
    for (const types::Batch& b : writes.inserted) {
      for (size_t row = 0; row < b.rows; ++row) {
        ProducedRecord rec;
        rec.value = encoder.encode(b, row);
        rec.timestamp_ms = now_ms;
        uint32_t hash = rec.value ? crc32c(rec.value->data(), rec.value->size()) : 0;
        int32_t partition = parts[hash % parts.size()].partition;
        by_partition[partition].push_back(std::move(rec));
      }
    }
    for (auto& [partition, records] : by_partition) {
      STRATA_RETURN_IF_ERROR(access_->append(stream_->topic, partition, std::move(records)).status());
    }
    return Status::ok_status();
  }

  Status add_column(std::string name, types::Type type, types::Value fill) override {
    return Status::sql("0A000", "ALTER TABLE does not apply to streams");
  }
  Status drop_column(uint32_t index) override { return Status::sql("0A000", "ALTER TABLE does not apply to streams"); }
  // The topic belongs to the log and outlives the stream (DROP STREAM keeps it).
  Status destroy() override { return Status::ok_status(); }

 private:
  std::shared_ptr<const catalog::StreamDef> stream_;
  TopicAccess* access_;
};

}  // namespace

StreamReadView::StreamReadView(std::shared_ptr<const catalog::StreamDef> stream, TopicAccess* access,
                               Result<std::vector<PartitionOffsets>> ranges)
    : stream_(std::move(stream)), access_(access), ranges_(std::move(ranges)) {}

uint64_t StreamReadView::row_count() const {
  if (!ranges_.ok()) return 0;
  uint64_t n = 0;
  for (const auto& r : *ranges_) n += static_cast<uint64_t>(std::max<int64_t>(0, r.end_offset - r.start_offset));
  return n;
}

Result<std::unique_ptr<RowBatchIterator>> StreamReadView::open(const ScanRequest& request) const {
  if (!ranges_.ok()) return ranges_.status();
  if (request.with_row_id) {
    return Status::sql("42809", fmt::format("\"{}\" is a stream: its records cannot be updated or deleted", stream_->name));
  }
  STRATA_ASSIGN_OR_RETURN(formats::RecordFormat format, format_of(*stream_));
  STRATA_ASSIGN_OR_RETURN(formats::RecordDecoder decoder, formats::RecordDecoder::make(format, fields_of(*stream_)));
  return std::unique_ptr<RowBatchIterator>(
      std::make_unique<StreamScan>(this, stream_, access_, *ranges_, std::move(decoder), request.columns));
}

Status StreamReadView::scan(const std::vector<int32_t>& columns, bool with_row_id,
                            const std::function<Status(types::Batch&)>& sink) const {
  ScanRequest req;
  req.columns = columns;
  req.with_row_id = with_row_id;
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<RowBatchIterator> it, open(req));
  while (true) {
    types::Batch b;
    STRATA_ASSIGN_OR_RETURN(bool more, it->next(b));
    if (!more) return Status::ok_status();
    STRATA_RETURN_IF_ERROR(sink(b));
  }
}

StreamReadView::Skipped StreamReadView::take_skipped() const {
  std::lock_guard<std::mutex> lock(skipped_mu_);
  Skipped s = std::move(skipped_);
  skipped_ = Skipped();
  return s;
}

void StreamReadView::note_skipped(int32_t partition, int64_t offset, const std::string& reason) const {
  std::lock_guard<std::mutex> lock(skipped_mu_);
  if (skipped_.count++ == 0) skipped_.first_reason = fmt::format("partition {} offset {}: {}", partition, offset, reason);
}

std::shared_ptr<TableStorage> make_stream_storage(std::shared_ptr<const catalog::StreamDef> stream,
                                                  TopicAccess* access) {
  return std::make_shared<StreamStorage>(std::move(stream), access);
}

}  // namespace strata::exec
