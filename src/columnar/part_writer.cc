#include "columnar/part_writer.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/bytes.h"
#include "base/crc32c.h"
#include "columnar/chunk_codec.h"
#include "columnar/part_footer.h"

namespace strata::columnar {

struct PartWriter::State {
  types::Batch buffer;  // rows of the row group being filled
  PartFooter footer;
  std::vector<uint8_t> encoded;
  std::vector<uint8_t> compressed;
};

namespace {
bool same_layout(const types::Type& a, const types::Type& b) {
  return a.id() == b.id() || (a.is_string_like() && b.is_string_like());
}
}  // namespace

PartWriter::PartWriter(io::FileSystem* fs, std::string path, std::vector<ColumnSchema> columns,
                       PartWriterOptions options)
    : fs_(fs), path_(std::move(path)), columns_(std::move(columns)), options_(options), state_(std::make_unique<State>()) {}

PartWriter::~PartWriter() = default;

Result<std::unique_ptr<PartWriter>> PartWriter::create(io::FileSystem* fs, std::string path,
                                                       std::vector<ColumnSchema> columns, PartWriterOptions options) {
  if (columns.size() > kColumnsMax) return Status::invalid_argument("too many columns for a part");
  if (options.row_group_rows == 0 || options.row_group_rows > kRowGroupRowsMax) {
    return Status::invalid_argument("row_group_rows must be in 1..65536");
  }
  std::unique_ptr<PartWriter> w(new PartWriter(fs, std::move(path), std::move(columns), options));
  std::vector<types::Type> types;
  for (const auto& c : w->columns_) types.push_back(c.type);
  w->state_->buffer = types::Batch(types);
  w->state_->footer.columns = w->columns_;
  STRATA_ASSIGN_OR_RETURN(w->file_, fs->open_writable(w->path_));
  if (w->file_->size_bytes() != 0) STRATA_RETURN_IF_ERROR(w->file_->truncate(0));
  std::vector<uint8_t> header;
  ByteWriter hw(&header);
  hw.u32(kPartMagic);
  hw.u32(kPartFormatVersion);
  STRATA_RETURN_IF_ERROR(w->write(header));
  return w;
}

size_t PartWriter::buffered_rows() const { return state_->buffer.rows; }

uint64_t PartWriter::size_bytes() const { return file_ ? file_->size_bytes() : 0; }

Status PartWriter::write(std::span<const uint8_t> bytes) {
  if (file_->size_bytes() + bytes.size() > options_.part_bytes_max) {
    return Status::resource_exhausted(fmt::format("part {} would exceed part_bytes_max ({} bytes)", path_,
                                                  options_.part_bytes_max));
  }
  return file_->append(bytes);
}

Status PartWriter::append(const types::Batch& batch) { return append_rows(batch, 0, batch.rows); }

Status PartWriter::append_rows(const types::Batch& batch, size_t begin, size_t count) {
  STRATA_ASSERT(!finished_, "append to a finished part writer");
  if (batch.columns.size() != columns_.size()) {
    return Status::invalid_argument(fmt::format("batch has {} columns, part {} has {}", batch.columns.size(), path_,
                                                columns_.size()));
  }
  for (size_t i = 0; i < columns_.size(); i++) {
    if (!same_layout(batch.columns[i].type(), columns_[i].type)) {
      return Status::invalid_argument(fmt::format("column {} is {}, part expects {}", i, batch.columns[i].type().name(),
                                                  columns_[i].type.name()));
    }
  }
  if (begin + count > batch.rows) return Status::invalid_argument("rows out of range");
  types::Batch& buf = state_->buffer;
  while (count > 0) {
    size_t take = std::min<size_t>(count, options_.row_group_rows - buf.rows);
    for (size_t c = 0; c < columns_.size(); c++) buf.columns[c].append_rows(batch.columns[c], begin, take);
    buf.rows += take;
    begin += take;
    count -= take;
    if (buf.rows == options_.row_group_rows) STRATA_RETURN_IF_ERROR(flush_row_group());
  }
  return Status::ok_status();
}

Status PartWriter::flush_row_group() {
  types::Batch& buf = state_->buffer;
  if (buf.rows == 0) return Status::ok_status();
  RowGroupInfo g;
  g.first_row = rows_written_;
  g.row_count = static_cast<uint32_t>(buf.rows);
  for (size_t c = 0; c < columns_.size(); c++) {
    const types::Vector& v = buf.columns[c];
    ChunkInfo info;
    info.encoding = encode_chunk(v, 0, buf.rows, &state_->encoded);
    info.encoded_bytes = static_cast<uint32_t>(state_->encoded.size());
    info.zone = compute_zone_map(v, 0, buf.rows);
    std::span<const uint8_t> stored = state_->encoded;
    info.compression = Compression::kNone;
    if (options_.compression != Compression::kNone && state_->encoded.size() >= 64) {
      STRATA_RETURN_IF_ERROR(compress(options_.compression, options_.zstd_level, state_->encoded, &state_->compressed));
      if (static_cast<double>(state_->compressed.size()) <=
          options_.compression_ratio_max * static_cast<double>(state_->encoded.size())) {
        stored = state_->compressed;
        info.compression = options_.compression;
      }
    }
    info.offset = file_->size_bytes();
    info.stored_bytes = static_cast<uint32_t>(stored.size());
    info.crc32c = crc32c(stored.data(), stored.size());
    STRATA_RETURN_IF_ERROR(write(stored));
    g.chunks.push_back(std::move(info));
  }
  rows_written_ += buf.rows;
  state_->footer.row_groups.push_back(std::move(g));
  std::vector<types::Type> types;
  for (const auto& c : columns_) types.push_back(c.type);
  buf = types::Batch(types);
  return Status::ok_status();
}

Result<PartInfo> PartWriter::finish() {
  STRATA_ASSERT(!finished_, "finish of a finished part writer");
  finished_ = true;
  STRATA_RETURN_IF_ERROR(flush_row_group());
  state_->footer.row_count = rows_written_;
  std::vector<uint8_t> tail = encode_footer(state_->footer);
  if (tail.size() > kFooterBytesMax) return Status::resource_exhausted("part footer too large: " + path_);
  uint32_t footer_bytes = static_cast<uint32_t>(tail.size());
  uint32_t crc = crc32c(tail.data(), tail.size());
  ByteWriter w(&tail);
  w.u32(footer_bytes);
  w.u32(crc);
  w.u32(kPartFormatVersion);
  w.u32(kPartMagic);
  STRATA_RETURN_IF_ERROR(write(tail));
  STRATA_RETURN_IF_ERROR(file_->sync());
  PartInfo info;
  info.path = path_;
  info.row_count = rows_written_;
  info.size_bytes = file_->size_bytes();
  info.row_group_count = static_cast<uint32_t>(state_->footer.row_groups.size());
  STRATA_RETURN_IF_ERROR(file_->close());
  file_.reset();
  return info;
}

void PartWriter::abandon() {
  finished_ = true;
  if (file_) {
    (void)file_->close();
    file_.reset();
  }
  (void)fs_->remove(path_);
}

}  // namespace strata::columnar
