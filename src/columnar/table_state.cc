#include "columnar/table_state.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/logging.h"
#include "columnar/chunk_codec.h"

namespace strata::columnar {
namespace {

constexpr size_t kTailChunksMax = 64;

// A copy of an encoded tail chunk (decoded ones are never in a snapshot's tail).
std::shared_ptr<TailChunk> copy_encoded(const TailChunk& c) {
  auto copy = std::make_shared<TailChunk>();
  copy->first_row = c.first_row;
  copy->row_count = c.row_count;
  copy->is_encoded = true;
  copy->encoded = c.encoded;
  copy->bytes = c.bytes;
  return copy;
}

Status bad_record(std::string what) { return Status::corruption("WAL record does not fit the table: " + what); }

void write_row_lists(ByteWriter& w, const std::vector<RowIdList>& lists) {
  w.uvarint(lists.size());
  for (const auto& l : lists) {
    w.uvarint(l.part_id);
    w.uvarint(l.rows.size());
    uint32_t prev = 0;
    for (size_t i = 0; i < l.rows.size(); i++) {
      w.uvarint(i == 0 ? l.rows[i] : l.rows[i] - prev);
      prev = l.rows[i];
    }
  }
}

void write_column(ByteWriter& w, const TableColumn& c) {
  w.uvarint(c.field_id);
  w.uvarint(c.name.size());
  w.string(c.name);
  write_type(w, c.type);
  write_value(w, c.default_value);
}

bool read_column(ByteReader& r, TableColumn* c) {
  uint64_t field = r.uvarint64();
  uint64_t len = r.uvarint64();
  if (!r.ok() || field > UINT32_MAX || len > kColumnNameBytesMax || len > r.remaining()) return false;
  c->field_id = static_cast<uint32_t>(field);
  c->name = std::string(r.string_view(len));
  if (!read_type(r, &c->type)) return false;
  return read_value(r, c->type, &c->default_value);
}



}  // namespace

std::vector<uint32_t> DeletionBitmap::rows() const {
  std::vector<uint32_t> out;
  out.reserve(count_);
  for (size_t w = 0; w < words_.size(); w++) {
    uint64_t bits = words_[w];
    while (bits) {
      int b = __builtin_ctzll(bits);
      out.push_back(static_cast<uint32_t>(w * 64 + static_cast<size_t>(b)));
      bits &= bits - 1;
    }
  }
  return out;
}

PartHandle::~PartHandle() {
  if (obsolete_.load()) {
    reader_.reset();
    Status s = fs_->remove(path_);
    if (!s.ok()) logging::warn("could not remove obsolete part", "path", path_, "error", s.to_string());
  }
}

Status PartHandle::open(const PartReaderOptions& options) {
  STRATA_ASSIGN_OR_RETURN(reader_, PartReader::open(fs_, path_, options));
  if (reader_->row_count() != rows_) {
    return Status::corruption(fmt::format("part {} has {} rows, the table expects {}", path_, reader_->row_count(), rows_));
  }
  return Status::ok_status();
}

std::string part_file_name(uint32_t id) { return fmt::format("part-{:010d}.col", id); }

bool parse_part_file_name(const std::string& name, uint32_t* id) {
  if (name.size() != 19 || name.compare(0, 5, "part-") != 0 || name.compare(15, 4, ".col") != 0) return false;
  uint64_t v = 0;
  for (size_t i = 5; i < 15; i++) {
    if (name[i] < '0' || name[i] > '9') return false;
    v = v * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  if (v > UINT32_MAX) return false;
  *id = static_cast<uint32_t>(v);
  return true;
}

types::Vector constant_vector(const types::Type& type, const types::Value& v, size_t rows) {
  types::Vector out(type, rows);
  if (rows == 0) return out;
  out.set_value(0, v);
  for (size_t i = 1; i < rows; i++) out.copy_row(out, 0, i);
  return out;
}

void StoreState::compact_tail() {
  if (snap.tail_.size() <= kTailChunksMax) return;
  const auto types = snap.column_types();
  std::vector<uint32_t> all(types.size());
  for (uint32_t i = 0; i < all.size(); i++) all[i] = i;
  types::Batch merged(types);
  types::Batch part;
  for (const auto& c : snap.tail_) {
    Status s = c->materialize(types, all, &part);
    STRATA_ASSERT(s.ok(), "a tail chunk we encoded does not decode");
    if (types.empty()) {
      merged.rows += part.rows;
    } else {
      merged.append_rows(part, 0, part.rows);
    }
  }
  auto chunk = TailChunk::encode(snap.tail_.front()->first_row, merged);
  snap.tail_bytes_ = chunk->bytes;
  snap.tail_.assign(1, std::move(chunk));
}

std::shared_ptr<TailChunk> TailChunk::encode(uint64_t first_row, const types::Batch& rows) {
  auto c = std::make_shared<TailChunk>();
  c->first_row = first_row;
  c->row_count = rows.rows;
  c->is_encoded = true;
  for (const auto& col : rows.columns) {
    std::vector<uint8_t> bytes;
    Encoding e = encode_chunk(col, 0, rows.rows, &bytes);
    c->bytes += bytes.size();
    c->encoded.emplace_back(e, std::move(bytes));
  }
  return c;
}

Status TailChunk::materialize(const std::vector<types::Type>& types, std::span<const uint32_t> columns,
                              types::Batch* out) const {
  *out = types::Batch();
  out->rows = row_count;
  for (uint32_t c : columns) {
    types::Vector v;
    if (is_encoded) {
      if (c >= encoded.size() || c >= types.size()) return Status::internal("tail chunk column out of range");
      STRATA_RETURN_IF_ERROR(decode_chunk(encoded[c].second, encoded[c].first, types[c], row_count, &v));
    } else {
      v = types::Vector(rows.columns[c].type());
      v.append_rows(rows.columns[c], 0, row_count);
    }
    out->columns.push_back(std::move(v));
  }
  return Status::ok_status();
}

int StoreState::find_part(uint32_t id) const {
  for (size_t i = 0; i < snap.parts_.size(); i++) {
    if (snap.parts_[i].part->id() == id) return static_cast<int>(i);
  }
  return -1;
}

void StoreState::recount() {
  uint64_t n = 0;
  for (const auto& p : snap.parts_) n += p.part->rows() - p.deleted->count();
  n += snap.tail_rows_ - snap.tail_deleted_->count();
  snap.row_count_ = n;
}

std::shared_ptr<PartHandle> StoreState::handle_for(uint32_t id, uint64_t rows) {
  note_id(id);
  if (prepared != nullptr) {
    auto it = prepared->find(id);
    if (it != prepared->end()) return it->second;
  }
  return std::make_shared<PartHandle>(fs, dir + "/" + part_file_name(id), id, rows);
}

// ---- checkpoint ----

std::vector<uint8_t> StoreState::encode_checkpoint() const {
  STRATA_ASSERT(snap.tail_rows_ == 0, "checkpoint with a non-empty tail");
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.uvarint(snap.version_);
  w.uvarint(snap.schema_version_);
  w.uvarint(next_field_id);
  w.uvarint(next_part_id);
  w.uvarint(snap.tail_part_id_);
  w.uvarint(snap.columns_.size());
  for (const auto& c : snap.columns_) write_column(w, c);
  w.uvarint(snap.parts_.size());
  for (const auto& p : snap.parts_) {
    w.uvarint(p.part->id());
    w.uvarint(p.part->rows());
    auto rows = p.deleted->rows();
    w.uvarint(rows.size());
    uint32_t prev = 0;
    for (size_t i = 0; i < rows.size(); i++) {
      w.uvarint(i == 0 ? rows[i] : rows[i] - prev);
      prev = rows[i];
    }
  }
  return out;
}

Status StoreState::apply_checkpoint(std::span<const uint8_t> payload) {
  ByteReader r(payload);
  snap = TableSnapshot();
  snap.version_ = r.uvarint64();
  snap.schema_version_ = r.uvarint64();
  uint64_t nf = r.uvarint64(), np = r.uvarint64(), tail = r.uvarint64();
  uint64_t ncol = r.uvarint64();
  if (!r.ok() || nf > UINT32_MAX || np > UINT32_MAX || tail > UINT32_MAX || ncol > kColumnsMax) {
    return bad_record("checkpoint header");
  }
  next_field_id = static_cast<uint32_t>(nf);
  next_part_id = static_cast<uint32_t>(np);
  snap.tail_part_id_ = static_cast<uint32_t>(tail);
  note_id(snap.tail_part_id_);
  snap.columns_.resize(ncol);
  for (auto& c : snap.columns_) {
    if (!read_column(r, &c)) return bad_record("checkpoint column");
    next_field_id = std::max(next_field_id, c.field_id + 1);
  }
  uint64_t nparts = r.uvarint64();
  if (!r.ok() || nparts > r.remaining()) return bad_record("checkpoint part count");
  for (uint64_t i = 0; i < nparts; i++) {
    uint64_t id = r.uvarint64(), rows = r.uvarint64(), ndel = r.uvarint64();
    if (!r.ok() || id > UINT32_MAX || id == TableStore::kPendingPartId || rows > UINT32_MAX || ndel > rows ||
        ndel > r.remaining()) {
      return bad_record("checkpoint part");
    }
    auto del = std::make_shared<DeletionBitmap>();
    uint64_t row = 0;
    for (uint64_t k = 0; k < ndel; k++) {
      row = k == 0 ? r.uvarint64() : row + r.uvarint64();
      if (!r.ok() || row >= rows) return bad_record("checkpoint deleted row");
      del->add(row);
    }
    snap.parts_.push_back({handle_for(static_cast<uint32_t>(id), rows), std::move(del)});
  }
  if (!r.at_end() || !r.ok()) return bad_record("checkpoint trailing bytes");
  snap.tail_deleted_ = std::make_shared<DeletionBitmap>();
  recount();
  return Status::ok_status();
}

// ---- encoders ----

std::vector<uint8_t> StoreState::encode_commit(const CommitRecord& c) const {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.uvarint(c.schema_version);
  w.uvarint(c.tail_first_row);
  w.uvarint(c.tail_rows.rows);
  if (c.tail_rows.rows > 0) {
    std::vector<uint8_t> chunk;
    for (const auto& col : c.tail_rows.columns) {
      Encoding e = encode_chunk(col, 0, c.tail_rows.rows, &chunk);
      w.u8(static_cast<uint8_t>(e));
      w.uvarint(chunk.size());
      w.bytes(chunk);
    }
  }
  w.uvarint(c.added_parts.size());
  for (const auto& p : c.added_parts) {
    w.uvarint(p.id);
    w.uvarint(p.rows);
  }
  write_row_lists(w, c.deleted);
  return out;
}

std::vector<uint8_t> StoreState::encode_flush_tail(const FlushTailRecord& f) const {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.uvarint(f.part_id);
  w.uvarint(f.rows);
  w.uvarint(f.new_tail_id);
  return out;
}

std::vector<uint8_t> StoreState::encode_merge(const MergeRecord& m) const {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.uvarint(m.sources.size());
  for (uint32_t id : m.sources) w.uvarint(id);
  w.uvarint(m.outputs.size());
  for (const auto& p : m.outputs) {
    w.uvarint(p.id);
    w.uvarint(p.rows);
  }
  write_row_lists(w, m.deleted);
  return out;
}

std::vector<uint8_t> StoreState::encode_truncate(const TruncateRecord& t) const {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.uvarint(t.new_tail_id);
  return out;
}

std::vector<uint8_t> StoreState::encode_add_column(const AddColumnRecord& a) const {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  write_column(w, a.column);
  return out;
}

std::vector<uint8_t> StoreState::encode_drop_column(const DropColumnRecord& d) const {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.uvarint(d.field_id);
  return out;
}

// ---- apply ----

Status StoreState::apply(WalRecordType type, std::span<const uint8_t> payload) {
  ByteReader r(payload);
  Status s;
  switch (type) {
    case WalRecordType::kCheckpoint: return bad_record("checkpoint in the middle of a WAL");
    case WalRecordType::kCommit: s = apply_commit(r); break;
    case WalRecordType::kFlushTail: s = apply_flush_tail(r); break;
    case WalRecordType::kMerge: s = apply_merge(r); break;
    case WalRecordType::kTruncate: s = apply_truncate(r); break;
    case WalRecordType::kAddColumn: s = apply_add_column(r); break;
    case WalRecordType::kDropColumn: s = apply_drop_column(r); break;
  }
  STRATA_RETURN_IF_ERROR(s);
  if (!r.ok() || !r.at_end()) return bad_record("trailing or missing bytes");
  snap.version_++;
  compact_tail();
  recount();
  return Status::ok_status();
}

Status StoreState::apply_deletions(ByteReader& r) {
  uint64_t n = r.uvarint64();
  if (!r.ok() || n > r.remaining()) return bad_record("deletion list count");
  for (uint64_t i = 0; i < n; i++) {
    uint64_t id = r.uvarint64(), count = r.uvarint64();
    if (!r.ok() || id > UINT32_MAX || count > r.remaining()) return bad_record("deletion list");
    std::shared_ptr<const DeletionBitmap>* slot;
    uint64_t rows;
    if (id == snap.tail_part_id_) {
      slot = &snap.tail_deleted_;
      rows = snap.tail_rows_;
    } else {
      int at = find_part(static_cast<uint32_t>(id));
      if (at < 0) return bad_record(fmt::format("deletion in unknown part {}", id));
      slot = &snap.parts_[static_cast<size_t>(at)].deleted;
      rows = snap.parts_[static_cast<size_t>(at)].part->rows();
    }
    auto copy = std::make_shared<DeletionBitmap>(**slot);
    uint64_t row = 0;
    for (uint64_t k = 0; k < count; k++) {
      row = k == 0 ? r.uvarint64() : row + r.uvarint64();
      if (!r.ok() || row >= rows) return bad_record("deleted row out of range");
      copy->add(row);
    }
    *slot = std::move(copy);
  }
  return Status::ok_status();
}

Status StoreState::apply_commit(ByteReader& r) {
  uint64_t schema_version = r.uvarint64();
  uint64_t first_row = r.uvarint64();
  uint64_t nrows = r.uvarint64();
  if (!r.ok() || schema_version != snap.schema_version_) return bad_record("commit for another schema version");
  if (first_row != snap.tail_rows_ || nrows > kRowGroupRowsMax) return bad_record("commit tail rows out of place");
  if (nrows > 0) {
    auto chunk = std::make_shared<TailChunk>();
    chunk->first_row = first_row;
    chunk->row_count = nrows;
    chunk->is_encoded = true;
    for (const auto& col : snap.columns_) {
      uint8_t enc = r.u8();
      uint64_t len = r.uvarint64();
      if (!r.ok() || enc > kEncodingMax || len > r.remaining()) return bad_record("commit column");
      auto bytes = r.bytes(len);
      types::Vector v;
      Status s = decode_chunk(bytes, static_cast<Encoding>(enc), col.type, nrows, &v);
      if (!s.ok()) return bad_record("commit rows: " + s.message());
      chunk->encoded.emplace_back(static_cast<Encoding>(enc), std::vector<uint8_t>(bytes.begin(), bytes.end()));
      chunk->bytes += len;
    }
    snap.tail_.push_back(chunk);
    snap.tail_rows_ += nrows;
    snap.tail_bytes_ += chunk->bytes;
  }
  uint64_t nparts = r.uvarint64();
  if (!r.ok() || nparts > r.remaining()) return bad_record("commit part count");
  for (uint64_t i = 0; i < nparts; i++) {
    uint64_t id = r.uvarint64(), rows = r.uvarint64();
    if (!r.ok() || id > UINT32_MAX || id == TableStore::kPendingPartId || rows > UINT32_MAX ||
        find_part(static_cast<uint32_t>(id)) >= 0 || id == snap.tail_part_id_) {
      return bad_record("commit part");
    }
    snap.parts_.push_back({handle_for(static_cast<uint32_t>(id), rows), std::make_shared<DeletionBitmap>()});
  }
  return apply_deletions(r);
}

Status StoreState::apply_flush_tail(ByteReader& r) {
  uint64_t id = r.uvarint64(), rows = r.uvarint64(), next = r.uvarint64();
  if (!r.ok() || id != snap.tail_part_id_ || rows != snap.tail_rows_ || next > UINT32_MAX ||
      next == TableStore::kPendingPartId || find_part(static_cast<uint32_t>(next)) >= 0 || next == id) {
    return bad_record("flush of another tail");
  }
  snap.parts_.push_back({handle_for(static_cast<uint32_t>(id), rows), snap.tail_deleted_});
  snap.tail_.clear();
  snap.tail_rows_ = 0;
  snap.tail_bytes_ = 0;
  snap.tail_deleted_ = std::make_shared<DeletionBitmap>();
  snap.tail_part_id_ = static_cast<uint32_t>(next);
  note_id(snap.tail_part_id_);
  return Status::ok_status();
}

Status StoreState::apply_merge(ByteReader& r) {
  uint64_t nsrc = r.uvarint64();
  if (!r.ok() || nsrc > r.remaining()) return bad_record("merge source count");
  std::vector<TableSnapshot::Part> kept = snap.parts_;
  for (uint64_t i = 0; i < nsrc; i++) {
    uint64_t id = r.uvarint64();
    auto it = std::find_if(kept.begin(), kept.end(), [id](const auto& p) { return p.part->id() == id; });
    if (!r.ok() || it == kept.end()) return bad_record("merge of an unknown part");
    kept.erase(it);
  }
  snap.parts_ = std::move(kept);
  uint64_t nout = r.uvarint64();
  if (!r.ok() || nout > r.remaining()) return bad_record("merge output count");
  for (uint64_t i = 0; i < nout; i++) {
    uint64_t id = r.uvarint64(), rows = r.uvarint64();
    if (!r.ok() || id > UINT32_MAX || id == TableStore::kPendingPartId || rows > UINT32_MAX ||
        find_part(static_cast<uint32_t>(id)) >= 0 || id == snap.tail_part_id_) {
      return bad_record("merge output");
    }
    snap.parts_.push_back({handle_for(static_cast<uint32_t>(id), rows), std::make_shared<DeletionBitmap>()});
  }
  return apply_deletions(r);
}

Status StoreState::apply_truncate(ByteReader& r) {
  uint64_t next = r.uvarint64();
  if (!r.ok() || next > UINT32_MAX || next == TableStore::kPendingPartId) return bad_record("truncate");
  snap.parts_.clear();
  snap.tail_.clear();
  snap.tail_rows_ = 0;
  snap.tail_bytes_ = 0;
  snap.tail_deleted_ = std::make_shared<DeletionBitmap>();
  snap.tail_part_id_ = static_cast<uint32_t>(next);
  note_id(snap.tail_part_id_);
  snap.schema_version_++;
  return Status::ok_status();
}

Status StoreState::apply_add_column(ByteReader& r) {
  TableColumn c;
  if (!read_column(r, &c)) return bad_record("add column");
  for (const auto& e : snap.columns_) {
    if (e.field_id == c.field_id) return bad_record("add of an existing field id");
  }
  if (snap.columns_.size() >= kColumnsMax) return bad_record("too many columns");
  next_field_id = std::max(next_field_id, c.field_id + 1);
  std::vector<std::shared_ptr<const TailChunk>> tail;
  uint64_t bytes = 0;
  for (const auto& chunk : snap.tail_) {
    auto copy = copy_encoded(*chunk);
    std::vector<uint8_t> enc;
    Encoding e = encode_chunk(constant_vector(c.type, c.default_value, chunk->row_count), 0, chunk->row_count, &enc);
    copy->bytes += enc.size();
    copy->encoded.emplace_back(e, std::move(enc));
    bytes += copy->bytes;
    tail.push_back(std::move(copy));
  }
  snap.tail_ = std::move(tail);
  snap.tail_bytes_ = bytes;
  snap.columns_.push_back(std::move(c));
  snap.schema_version_++;
  return Status::ok_status();
}

Status StoreState::apply_drop_column(ByteReader& r) {
  uint64_t field = r.uvarint64();
  auto it = std::find_if(snap.columns_.begin(), snap.columns_.end(), [field](const auto& c) { return c.field_id == field; });
  if (!r.ok() || it == snap.columns_.end()) return bad_record("drop of an unknown column");
  size_t index = static_cast<size_t>(it - snap.columns_.begin());
  snap.columns_.erase(it);
  std::vector<std::shared_ptr<const TailChunk>> tail;
  uint64_t bytes = 0;
  for (const auto& chunk : snap.tail_) {
    auto copy = copy_encoded(*chunk);
    copy->bytes -= copy->encoded[index].second.size();
    copy->encoded.erase(copy->encoded.begin() + static_cast<ptrdiff_t>(index));
    bytes += copy->bytes;
    tail.push_back(std::move(copy));
  }
  snap.tail_ = std::move(tail);
  snap.tail_bytes_ = bytes;
  snap.schema_version_++;
  return Status::ok_status();
}

}  // namespace strata::columnar
