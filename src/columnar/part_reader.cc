#include "columnar/part_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "base/bytes.h"
#include "base/crc32c.h"
#include "columnar/chunk_codec.h"
#include "columnar/part_footer.h"

namespace strata::columnar {

Result<size_t> MemoryFile::read(uint64_t offset, std::span<uint8_t> out) const {
  if (offset >= bytes_.size()) return size_t{0};
  size_t n = std::min<uint64_t>(out.size(), bytes_.size() - offset);
  std::memcpy(out.data(), bytes_.data() + offset, n);
  return n;
}

Result<std::unique_ptr<PartReader>> PartReader::open(io::FileSystem* fs, const std::string& path,
                                                     PartReaderOptions options) {
  STRATA_ASSIGN_OR_RETURN(auto file, fs->open_readable(path));
  return open(std::move(file), options);
}

Result<std::unique_ptr<PartReader>> PartReader::open(std::unique_ptr<io::RandomAccessFile> file,
                                                     PartReaderOptions options) {
  std::unique_ptr<PartReader> r(new PartReader());
  r->file_ = std::move(file);
  r->options_ = options;
  STRATA_RETURN_IF_ERROR(r->parse_footer());
  return r;
}

Status PartReader::parse_footer() {
  auto bad = [this](std::string what) { return Status::corruption(fmt::format("part {}: {}", path(), what)); };
  STRATA_ASSIGN_OR_RETURN(file_bytes_, file_->size_bytes());
  if (file_bytes_ < kPartHeaderBytes + kPartTrailerBytes) return bad("file too short");
  uint8_t header[kPartHeaderBytes];
  STRATA_ASSIGN_OR_RETURN(size_t n, file_->read(0, header));
  if (n != sizeof(header)) return bad("short read of the header");
  if (load_be32(header) != kPartMagic) return bad("bad magic");
  if (load_be32(header + 4) != kPartFormatVersion) return bad(fmt::format("unsupported format version {}", load_be32(header + 4)));
  uint8_t trailer[kPartTrailerBytes];
  STRATA_ASSIGN_OR_RETURN(n, file_->read(file_bytes_ - kPartTrailerBytes, trailer));
  if (n != sizeof(trailer)) return bad("short read of the trailer");
  uint32_t footer_bytes = load_be32(trailer);
  uint32_t footer_crc = load_be32(trailer + 4);
  if (load_be32(trailer + 12) != kPartMagic) return bad("bad trailer magic (truncated file?)");
  if (load_be32(trailer + 8) != kPartFormatVersion) return bad("trailer version mismatch");
  if (footer_bytes > kFooterBytesMax || footer_bytes > file_bytes_ - kPartHeaderBytes - kPartTrailerBytes) {
    return bad(fmt::format("footer size {} does not fit the file", footer_bytes));
  }
  uint64_t footer_offset = file_bytes_ - kPartTrailerBytes - footer_bytes;
  std::vector<uint8_t> footer(footer_bytes);
  STRATA_ASSIGN_OR_RETURN(n, file_->read(footer_offset, footer));
  if (n != footer.size()) return bad("short read of the footer");
  if (crc32c(footer.data(), footer.size()) != footer_crc) return bad("footer checksum mismatch");
  PartFooter f;
  Status s = decode_footer(footer, footer_offset, options_.chunk_bytes_max, &f);
  if (!s.ok()) return bad(s.message());
  columns_ = std::move(f.columns);
  row_count_ = f.row_count;
  row_groups_ = std::move(f.row_groups);
  return Status::ok_status();
}

bool PartReader::row_group_may_match(size_t index, std::span<const ZonePredicate> predicates) const {
  const RowGroupInfo& g = row_groups_[index];
  for (const auto& p : predicates) {
    if (p.column >= g.chunks.size()) continue;
    if (!zone_may_match(g.chunks[p.column].zone, p.op, p.value)) return false;
  }
  return true;
}

Status PartReader::read_chunk(size_t row_group, uint32_t column, types::Vector* out) const {
  const RowGroupInfo& g = row_groups_[row_group];
  const ChunkInfo& c = g.chunks[column];
  auto bad = [&](std::string_view what) {
    return Status::corruption(fmt::format("part {}: row group {} column {} ({}): {}", path(), row_group, column,
                                          columns_[column].name, what));
  };
  std::vector<uint8_t> stored(c.stored_bytes);
  STRATA_ASSIGN_OR_RETURN(size_t n, file_->read(c.offset, stored));
  if (n != stored.size()) return bad("short read");
  if (crc32c(stored.data(), stored.size()) != c.crc32c) return bad("chunk checksum mismatch");
  std::vector<uint8_t> decoded;
  std::span<const uint8_t> bytes = stored;
  if (c.compression != Compression::kNone) {
    Status s = decompress(c.compression, stored, c.encoded_bytes, &decoded);
    if (!s.ok()) return bad(s.message());
    bytes = decoded;
  } else if (c.encoded_bytes != c.stored_bytes) {
    return bad("size mismatch");
  }
  Status s = decode_chunk(bytes, c.encoding, columns_[column].type, g.row_count, out);
  if (!s.ok()) return bad(s.message());
  return Status::ok_status();
}

Status PartReader::read_row_group(size_t index, std::span<const uint32_t> column_indexes, types::Batch* out) const {
  STRATA_ASSERT(index < row_groups_.size(), "row group index out of range");
  out->columns.clear();
  out->columns.resize(column_indexes.size());
  for (size_t i = 0; i < column_indexes.size(); i++) {
    uint32_t c = column_indexes[i];
    if (c >= columns_.size()) return Status::invalid_argument(fmt::format("part {} has no column {}", path(), c));
    STRATA_RETURN_IF_ERROR(read_chunk(index, c, &out->columns[i]));
  }
  out->rows = row_groups_[index].row_count;
  return Status::ok_status();
}

Status PartReader::verify() const {
  std::vector<uint32_t> all(columns_.size());
  for (uint32_t i = 0; i < all.size(); i++) all[i] = i;
  types::Batch b;
  for (size_t g = 0; g < row_groups_.size(); g++) STRATA_RETURN_IF_ERROR(read_row_group(g, all, &b));
  return Status::ok_status();
}

}  // namespace strata::columnar
