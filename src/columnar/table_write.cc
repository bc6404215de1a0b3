#include <fmt/format.h>

#include <algorithm>

#include "columnar/table_store_impl.h"

namespace strata::columnar {
namespace {

bool same_layout(const types::Type& a, const types::Type& b) {
  return a.id() == b.id() || (a.is_string_like() && b.is_string_like());
}

std::vector<ColumnSchema> part_schema(const std::vector<TableColumn>& cols) {
  std::vector<ColumnSchema> out;
  for (const auto& c : cols) out.push_back({c.name, c.type, c.field_id});
  return out;
}

}  // namespace

TableWrite::TableWrite(TableStore* store, std::shared_ptr<const TableSnapshot> snapshot, WriteOptions options)
    : store_(store), snapshot_(std::move(snapshot)), options_(options), pending_deleted_(std::make_shared<DeletionBitmap>()) {}

TableWrite::~TableWrite() {
  if (!finished_) abort();
}

Status TableWrite::insert(const types::Batch& batch) {
  if (finished_) return Status::invalid_argument("insert into a finished write");
  const auto& cols = snapshot_->columns();
  if (batch.columns.size() != cols.size()) {
    return Status::invalid_argument(fmt::format("insert of {} columns into a table of {}", batch.columns.size(), cols.size()));
  }
  for (size_t i = 0; i < cols.size(); i++) {
    if (!same_layout(batch.columns[i].type(), cols[i].type)) {
      return Status::invalid_argument(fmt::format("column {} is {}, the table's is {}", cols[i].name,
                                                  batch.columns[i].type().name(), cols[i].type.name()));
    }
  }
  if (batch.rows == 0) return Status::ok_status();
  if (pending_rows_ + batch.rows > UINT32_MAX) return Status::resource_exhausted("too many rows in one write");
  for (size_t begin = 0; begin < batch.rows;) {
    size_t n = std::min<size_t>(batch.rows - begin, kRowGroupRowsMax);
    auto chunk = std::make_shared<TailChunk>();
    chunk->first_row = pending_rows_;
    chunk->row_count = n;
    chunk->rows.rows = n;
    for (size_t i = 0; i < cols.size(); i++) {
      types::Vector v(cols[i].type);
      v.append_rows(batch.columns[i], begin, n);
      chunk->rows.columns.push_back(std::move(v));
    }
    chunk->bytes = chunk->rows.size_bytes();
    pending_bytes_ += chunk->bytes;
    pending_rows_ += n;
    inserted_rows_ += n;
    pending_.push_back(std::move(chunk));
    begin += n;
  }
  if (pending_rows_ - spilled_rows_ >= store_->impl_->options.write_spill_rows) return spill();
  return Status::ok_status();
}

// Writes the in-memory pending rows to a part file that becomes visible only
// at commit (and is removed on abort, or by recovery after a crash).
Status TableWrite::spill() {
  if (pending_.empty()) return Status::ok_status();
  TableStore::Impl& im = *store_->impl_;
  uint32_t id = im.next_part_id.fetch_add(1);
  std::string path = im.part_path(id);
  STRATA_ASSIGN_OR_RETURN(auto w, PartWriter::create(im.fs, path, part_schema(snapshot_->columns()), im.options.part));
  for (const auto& c : pending_) {
    Status s = w->append(c->rows);
    if (!s.ok()) {
      w->abandon();
      return s;
    }
  }
  auto info = w->finish();
  if (!info.ok()) {
    w->abandon();
    return info.status();
  }
  auto handle = std::make_shared<PartHandle>(im.fs, path, id, info->row_count);
  handle->mark_obsolete();  // until a durable commit references it
  STRATA_RETURN_IF_ERROR(handle->open(im.options.reader));
  spilled_.push_back({handle, std::make_shared<DeletionBitmap>()});
  spilled_first_.push_back(spilled_rows_);
  spilled_rows_ = pending_rows_;
  pending_.clear();
  pending_bytes_ = 0;
  return Status::ok_status();
}

Status TableWrite::delete_rows(std::span<const RowId> rows) {
  if (finished_) return Status::invalid_argument("delete in a finished write");
  const TableSnapshot& snap = *snapshot_;
  for (RowId id : rows) {
    if (id.part_id() == TableStore::kPendingPartId) {
      if (id.row_index() >= pending_rows_) return Status::invalid_argument("delete of an unknown pending row");
      if (pending_deleted_->add(id.row_index())) deleted_count_++;
      continue;
    }
    uint64_t part_rows = 0;
    const DeletionBitmap* base = nullptr;
    if (id.part_id() == snap.tail_part_id()) {
      part_rows = snap.tail_rows();
      base = snap.tail_deleted().get();
    } else {
      for (const auto& p : snap.parts()) {
        if (p.part->id() == id.part_id()) {
          part_rows = p.part->rows();
          base = p.deleted.get();
          break;
        }
      }
    }
    if (base == nullptr || id.row_index() >= part_rows || base->contains(id.row_index())) {
      return Status::invalid_argument(fmt::format("delete of row ({}, {}) not in the write's snapshot", id.part_id(),
                                                  id.row_index()));
    }
    auto it = std::find_if(deleted_.begin(), deleted_.end(), [&](const auto& e) { return e.first == id.part_id(); });
    if (it == deleted_.end()) {
      deleted_.emplace_back(id.part_id(), std::make_shared<DeletionBitmap>());
      it = deleted_.end() - 1;
    }
    if (it->second->add(id.row_index())) deleted_count_++;
  }
  return Status::ok_status();
}

Result<std::unique_ptr<TableScan>> TableWrite::scan(ScanSpec spec) const {
  if (finished_) return Status::invalid_argument("scan of a finished write");
  STRATA_RETURN_IF_ERROR(validate_spec(*snapshot_, spec));
  std::unique_ptr<TableScan> scan(new TableScan(snapshot_, std::move(spec)));
  add_snapshot_sources(*snapshot_, scan->spec_, &deleted_, &scan->sources_);
  auto pending_deleted = std::make_shared<DeletionBitmap>(*pending_deleted_);
  for (size_t i = 0; i < spilled_.size(); i++) {
    TableScan::Source s;
    s.part = spilled_[i].part;
    s.id_part = TableStore::kPendingPartId;
    s.id_offset = spilled_first_[i];
    s.deleted = pending_deleted;
    map_part_columns(*snapshot_, scan->spec_, &s);
    scan->sources_.push_back(std::move(s));
  }
  if (!pending_.empty()) {
    TableScan::Source s;
    s.chunks = pending_;
    s.id_part = TableStore::kPendingPartId;
    s.deleted = pending_deleted;
    scan->sources_.push_back(std::move(s));
  }
  return scan;
}

Status TableWrite::commit() {
  if (finished_) return Status::invalid_argument("commit of a finished write");
  return store_->commit(this);
}

void TableWrite::abort() {
  if (finished_) return;
  finished_ = true;
  spilled_.clear();  // obsolete handles: their files go with them
  pending_.clear();
  store_->end_write(snapshot_->version());
}

}  // namespace strata::columnar
