#include "columnar/part_footer.h"

#include <fmt/format.h>

#include "base/bytes.h"
#include "columnar/chunk_codec.h"

namespace strata::columnar {

std::vector<uint8_t> encode_footer(const PartFooter& f) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.uvarint(f.columns.size());
  for (const auto& c : f.columns) {
    w.uvarint(c.name.size());
    w.string(c.name);
    write_type(w, c.type);
    w.uvarint(c.field_id);
  }
  w.uvarint(f.row_count);
  w.uvarint(f.row_groups.size());
  for (const auto& g : f.row_groups) {
    w.uvarint(g.row_count);
    for (const auto& c : g.chunks) {
      w.uvarint(c.offset);
      w.uvarint(c.stored_bytes);
      w.uvarint(c.encoded_bytes);
      w.u8(static_cast<uint8_t>(c.encoding));
      w.u8(static_cast<uint8_t>(c.compression));
      w.u32(c.crc32c);
      w.uvarint(c.zone.null_count);
      w.u8(c.zone.has_min_max ? 1 : 0);
      if (c.zone.has_min_max) {
        write_value(w, c.zone.min);
        write_value(w, c.zone.max);
      }
    }
  }
  return out;
}

Status decode_footer(std::span<const uint8_t> bytes, uint64_t data_end, uint64_t chunk_bytes_max, PartFooter* out) {
  ByteReader r(bytes);
  auto bad = [&r](std::string what) {
    return Status::corruption(fmt::format("footer at byte {}: {}", r.position(), what));
  };
  uint64_t ncol = r.uvarint64();
  if (!r.ok() || ncol > kColumnsMax || ncol > r.remaining()) return bad("bad column count");
  out->columns.resize(ncol);
  for (auto& c : out->columns) {
    uint64_t len = r.uvarint64();
    if (!r.ok() || len > kColumnNameBytesMax || len > r.remaining()) return bad("bad column name");
    c.name = std::string(r.string_view(len));
    if (!read_type(r, &c.type)) return bad("bad column type");
    uint64_t field = r.uvarint64();
    if (!r.ok() || field > UINT32_MAX) return bad("bad field id");
    c.field_id = static_cast<uint32_t>(field);
  }
  out->row_count = r.uvarint64();
  uint64_t ngroups = r.uvarint64();
  if (!r.ok() || ngroups > r.remaining()) return bad("bad row group count");
  out->row_groups.resize(ngroups);
  uint64_t first_row = 0;
  for (auto& g : out->row_groups) {
    uint64_t rows = r.uvarint64();
    if (!r.ok() || rows == 0 || rows > kRowGroupRowsMax) return bad("bad row group row count");
    // Each chunk entry takes at least 11 bytes: refuse counts the bytes cannot hold.
    if (ncol > r.remaining() / 11 + 1) return bad("row group truncated");
    g.row_count = static_cast<uint32_t>(rows);
    g.first_row = first_row;
    first_row += rows;
    g.chunks.resize(ncol);
    for (size_t i = 0; i < ncol; i++) {
      ChunkInfo& c = g.chunks[i];
      c.offset = r.uvarint64();
      uint64_t stored = r.uvarint64();
      uint64_t encoded = r.uvarint64();
      uint8_t enc = r.u8();
      uint8_t comp = r.u8();
      c.crc32c = r.u32();
      uint64_t nulls = r.uvarint64();
      uint8_t has = r.u8();
      if (!r.ok()) return bad("truncated chunk entry");
      if (stored > chunk_bytes_max || encoded > chunk_bytes_max) return bad("chunk larger than the limit");
      if (c.offset < kPartHeaderBytes || c.offset > data_end || stored > data_end - c.offset) {
        return bad("chunk outside the file's data");
      }
      if (enc > kEncodingMax || comp > static_cast<uint8_t>(Compression::kZstd) || nulls > rows || has > 1) {
        return bad("bad chunk entry");
      }
      c.stored_bytes = static_cast<uint32_t>(stored);
      c.encoded_bytes = static_cast<uint32_t>(encoded);
      c.encoding = static_cast<Encoding>(enc);
      c.compression = static_cast<Compression>(comp);
      c.zone.null_count = static_cast<uint32_t>(nulls);
      c.zone.row_count = g.row_count;
      c.zone.has_min_max = has == 1;
      if (c.zone.has_min_max) {
        const types::Type& t = out->columns[i].type;
        if (!read_value(r, t, &c.zone.min) || !read_value(r, t, &c.zone.max)) return bad("bad zone map value");
        if (c.zone.min.is_null() || c.zone.max.is_null()) return bad("NULL zone map bound");
      }
    }
  }
  if (first_row != out->row_count) return bad("row groups do not add up to the row count");
  if (!r.at_end()) return bad("trailing bytes");
  return Status::ok_status();
}

}  // namespace strata::columnar
