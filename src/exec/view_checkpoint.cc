#include "exec/view_checkpoint.h"

#include <fmt/format.h>

#include <cstring>

#include "base/bytes.h"
#include "base/crc32c.h"

namespace strata::exec {

namespace {

constexpr uint32_t kMagic = 0x53544d56;  // "STMV"
constexpr size_t kHeaderBytes = 12;      // magic, version, crc

void put_type(ByteWriter& w, const types::Type& t) {
  w.u8(static_cast<uint8_t>(t.id()));
  w.varint(t.precision());
  w.varint(t.scale());
}

bool get_type(ByteReader& r, types::Type* out) {
  uint8_t id = r.u8();
  int32_t p = static_cast<int32_t>(r.varint64());
  int32_t s = static_cast<int32_t>(r.varint64());
  if (!r.ok() || id == 0 || id > static_cast<uint8_t>(types::TypeId::kJsonb)) return false;
  *out = types::Type(static_cast<types::TypeId>(id), p, s);
  return true;
}

// A count that cannot exceed the bytes left (each element takes at least one byte).
bool get_count(ByteReader& r, uint64_t* n) {
  *n = r.uvarint64();
  return r.ok() && *n <= r.remaining();
}

void put_column(ByteWriter& w, const types::Vector& v, size_t rows) {
  const types::Type& t = v.type();
  for (size_t i = 0; i < rows; ++i) w.u8(v.is_null(i) ? 1 : 0);
  if (t.is_string_like()) {
    for (size_t i = 0; i < rows; ++i) {
      if (v.is_null(i)) continue;
      std::string_view s = v.data<std::string_view>()[i];
      w.uvarint(s.size());
      w.string(s);
    }
    return;
  }
  size_t width = t.physical_size();
  for (size_t i = 0; i < rows; ++i) {
    if (!v.is_null(i)) w.bytes(v.raw_data() + i * width, width);
  }
}

bool get_column(ByteReader& r, types::Vector& v, size_t rows) {
  const types::Type& t = v.type();
  v.resize(rows);
  std::vector<uint8_t> nulls(rows);
  for (size_t i = 0; i < rows; ++i) {
    nulls[i] = r.u8();
    if (nulls[i] > 1) return false;
  }
  if (!r.ok()) return false;
  for (size_t i = 0; i < rows; ++i) {
    if (nulls[i]) {
      v.set_null(i);
      continue;
    }
    if (t.is_string_like()) {
      uint64_t n = r.uvarint64();
      if (!r.ok() || n > r.remaining()) return false;
      v.data<std::string_view>()[i] = v.add_string(r.string_view(n));
    } else {
      size_t width = t.physical_size();
      std::span<const uint8_t> b = r.bytes(width);
      if (!r.ok()) return false;
      std::memcpy(v.raw_data() + i * width, b.data(), width);
    }
  }
  return r.ok();
}

Status corrupt(std::string what) { return Status::corruption("view checkpoint: " + what); }

void put_batches(ByteWriter& w, const std::vector<types::Type>& types,
                 std::span<const std::shared_ptr<const types::Batch>> batches) {
  w.uvarint(batches.size());
  for (const auto& b : batches) {
    w.uvarint(b->rows);
    for (size_t col = 0; col < types.size(); ++col) put_column(w, b->columns[col], b->rows);
  }
}

Status get_batches(ByteReader& r, const std::vector<types::Type>& types,
                   std::vector<std::shared_ptr<const types::Batch>>* out) {
  uint64_t n = 0;
  if (!get_count(r, &n)) return corrupt("bad batch count");
  for (; n > 0; --n) {
    uint64_t rows = r.uvarint64();
    // Every row takes at least one null-flag byte per column.
    if (!r.ok() || (!types.empty() && rows > r.remaining()) || rows > types::kBatchRowsMax) {
      return corrupt("bad row count");
    }
    types::Batch b(types);
    for (size_t col = 0; col < types.size(); ++col) {
      if (!get_column(r, b.columns[col], rows)) return corrupt("truncated column data");
    }
    b.rows = rows;
    out->push_back(std::make_shared<const types::Batch>(std::move(b)));
  }
  return Status::ok_status();
}

}  // namespace

std::vector<uint8_t> encode_rows_chunk(const std::vector<types::Type>& types,
                                       std::span<const std::shared_ptr<const types::Batch>> batches) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.u32(0);  // payload bytes, patched below
  w.u32(0);  // CRC-32C of the payload, patched below
  put_batches(w, types, batches);
  w.patch_i32(0, static_cast<int32_t>(out.size() - 8));
  w.patch_i32(4, static_cast<int32_t>(crc32c(out.data() + 8, out.size() - 8)));
  return out;
}

Status decode_rows_chunks(std::span<const uint8_t> bytes, const std::vector<types::Type>& types,
                          std::vector<std::shared_ptr<const types::Batch>>* out) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < 8) return corrupt("rows file: truncated chunk header");
    ByteReader h(bytes.subspan(pos, 8));
    const uint32_t len = h.u32();
    const uint32_t crc = h.u32();
    if (len > bytes.size() - pos - 8) return corrupt("rows file: truncated chunk");
    std::span<const uint8_t> payload = bytes.subspan(pos + 8, len);
    if (crc32c(payload.data(), payload.size()) != crc) return corrupt("rows file: chunk checksum mismatch");
    ByteReader r(payload);
    STRATA_RETURN_IF_ERROR(get_batches(r, types, out));
    if (!r.ok() || !r.at_end()) return corrupt("rows file: trailing bytes in a chunk");
    pos += 8 + len;
  }
  return Status::ok_status();
}

std::vector<uint8_t> encode_view_checkpoint(const ViewCheckpoint& c) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.u32(kMagic);
  w.u32(kViewCheckpointFormatVersion);
  w.u32(0);  // CRC-32C of everything after this field, patched below
  w.u32(c.view_oid);
  w.u64(c.sequence);
  w.u64(c.input_records);
  w.u64(c.dead_letters);
  w.uvarint(c.next_offsets.size());
  for (const auto& [partition, offset] : c.next_offsets) {
    w.varint(partition);
    w.varint(offset);
  }
  w.uvarint(c.max_event_us.size());
  for (const auto& [partition, ts] : c.max_event_us) {
    w.varint(partition);
    w.varint(ts);
  }
  w.u8(c.closed_us ? 1 : 0);
  w.varint(c.closed_us.value_or(0));
  w.u8(c.rows_file_bytes ? 1 : 0);
  w.uvarint(c.rows_file_bytes.value_or(0));
  w.uvarint(c.state_types.size());
  for (const auto& t : c.state_types) put_type(w, t);
  put_batches(w, c.state_types, c.state);
  w.u8(c.join ? 1 : 0);
  if (c.join) {
    w.uvarint(c.join->next_offsets.size());
    for (const auto& [partition, offset] : c.join->next_offsets) {
      w.varint(partition);
      w.varint(offset);
    }
    for (const auto* side : {&c.join->left_types, &c.join->right_types}) {
      w.uvarint(side->size());
      for (const auto& t : *side) put_type(w, t);
      put_batches(w, *side, side == &c.join->left_types ? c.join->left : c.join->right);
    }
  }
  w.u8(c.final_rows ? 1 : 0);
  if (c.final_rows) {
    w.uvarint(c.final_rows->rows_file_bytes);
    w.uvarint(c.final_rows->types.size());
    for (const auto& t : c.final_rows->types) put_type(w, t);
  }
  uint32_t crc = crc32c(out.data() + kHeaderBytes, out.size() - kHeaderBytes);
  w.patch_i32(8, static_cast<int32_t>(crc));
  return out;
}

Result<ViewCheckpoint> decode_view_checkpoint(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  if (bytes.size() < kHeaderBytes) return corrupt(fmt::format("truncated header ({} bytes)", bytes.size()));
  if (r.u32() != kMagic) return corrupt("bad magic");
  uint32_t version = r.u32();
  if (version < 1 || version > kViewCheckpointFormatVersion) {
    return corrupt(fmt::format("unknown format version {}", version));
  }
  uint32_t crc = r.u32();
  if (crc32c(bytes.data() + kHeaderBytes, bytes.size() - kHeaderBytes) != crc) return corrupt("checksum mismatch");
  ViewCheckpoint c;
  c.view_oid = r.u32();
  c.sequence = r.u64();
  c.input_records = r.u64();
  c.dead_letters = r.u64();
  uint64_t n = 0;
  if (!get_count(r, &n)) return corrupt("bad partition count");
  for (; n > 0; --n) {
    int64_t partition = r.varint64();
    int64_t offset = r.varint64();
    if (!r.ok() || partition < 0 || partition > INT32_MAX || offset < 0) return corrupt("bad partition offset");
    c.next_offsets[static_cast<int32_t>(partition)] = offset;
  }
  if (version >= 2) {
    if (!get_count(r, &n)) return corrupt("bad event-time count");
    for (; n > 0; --n) {
      int64_t partition = r.varint64();
      int64_t ts = r.varint64();
      if (!r.ok() || partition < 0 || partition > INT32_MAX) return corrupt("bad partition event time");
      c.max_event_us[static_cast<int32_t>(partition)] = ts;
    }
    uint8_t has_closed = r.u8();
    int64_t closed = r.varint64();
    if (!r.ok() || has_closed > 1) return corrupt("bad closed watermark");
    if (has_closed) c.closed_us = closed;
  }
  if (version >= 3) {
    uint8_t has_rows_file = r.u8();
    uint64_t rows_bytes = r.uvarint64();
    if (!r.ok() || has_rows_file > 1) return corrupt("bad rows file length");
    if (has_rows_file) c.rows_file_bytes = rows_bytes;
  }
  if (!get_count(r, &n)) return corrupt("bad column count");
  for (; n > 0; --n) {
    types::Type t;
    if (!get_type(r, &t)) return corrupt("bad column type");
    c.state_types.push_back(t);
  }
  STRATA_RETURN_IF_ERROR(get_batches(r, c.state_types, &c.state));
  if (c.rows_file_bytes && !c.state.empty()) return corrupt("state both inline and in the rows file");
  if (version >= 4) {
    uint8_t has_join = r.u8();
    if (!r.ok() || has_join > 1) return corrupt("bad join flag");
    if (has_join) {
      ViewCheckpoint::Join j;
      if (!get_count(r, &n)) return corrupt("bad join partition count");
      for (; n > 0; --n) {
        int64_t partition = r.varint64();
        int64_t offset = r.varint64();
        if (!r.ok() || partition < 0 || partition > INT32_MAX || offset < 0) return corrupt("bad join partition offset");
        j.next_offsets[static_cast<int32_t>(partition)] = offset;
      }
      for (int side = 0; side < 2; ++side) {
        std::vector<types::Type>& types = side == 0 ? j.left_types : j.right_types;
        if (!get_count(r, &n)) return corrupt("bad join column count");
        for (; n > 0; --n) {
          types::Type t;
          if (!get_type(r, &t)) return corrupt("bad join column type");
          types.push_back(t);
        }
        STRATA_RETURN_IF_ERROR(get_batches(r, types, side == 0 ? &j.left : &j.right));
      }
      c.join = std::move(j);
    }
  }
  if (version >= 5) {
    uint8_t has_final = r.u8();
    if (!r.ok() || has_final > 1) return corrupt("bad final rows flag");
    if (has_final) {
      ViewCheckpoint::FinalRows f;
      f.rows_file_bytes = r.uvarint64();
      if (!r.ok()) return corrupt("bad final rows length");
      if (c.rows_file_bytes) return corrupt("both the state and final rows in the rows file");
      if (!get_count(r, &n)) return corrupt("bad final rows column count");
      for (; n > 0; --n) {
        types::Type t;
        if (!get_type(r, &t)) return corrupt("bad final rows column type");
        f.types.push_back(t);
      }
      c.final_rows = std::move(f);
    }
  }
  if (!r.ok() || !r.at_end()) return corrupt("truncated or trailing bytes");
  return c;
}

}  // namespace strata::exec
