#include "columnar/table_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "base/logging.h"
#include "columnar/table_store_impl.h"
#include "columnar/table_wal.h"

namespace strata::columnar {
namespace {

Status serialization_failure(std::string why) {
  return Status::sql("40001", "could not serialize access due to concurrent update: " + std::move(why));
}

std::vector<ColumnSchema> part_schema(const std::vector<TableColumn>& cols) {
  std::vector<ColumnSchema> out;
  for (const auto& c : cols) out.push_back({c.name, c.type, c.field_id});
  return out;
}

std::vector<RowIdList> to_row_lists(const std::map<uint32_t, std::vector<uint32_t>>& m) {
  std::vector<RowIdList> out;
  for (const auto& [id, rows] : m) {
    RowIdList l{id, rows};
    std::sort(l.rows.begin(), l.rows.end());
    l.rows.erase(std::unique(l.rows.begin(), l.rows.end()), l.rows.end());
    out.push_back(std::move(l));
  }
  return out;
}

bool default_fits(const types::Type& col, const types::Value& v) {
  if (v.is_null()) return true;
  const types::Type& t = v.type();
  return t.id() == col.id() || (t.is_string_like() && col.is_string_like()) || (t.is_integer() && col.is_integer()) ||
         (t.is_float() && col.is_float());
}

// Writes `snap`'s state as generation `gen`'s WAL file: temp file, sync, rename, sync dir.
// `renamed` tells whether the new file may be visible (a failure after it is ambiguous).
Status write_checkpoint_file(io::FileSystem* fs, const std::string& dir, const StoreState& st, uint32_t gen,
                             bool* renamed) {
  *renamed = false;
  std::string path = dir + "/" + wal_file_name(gen);
  std::string tmp = path + ".tmp";
  std::vector<uint8_t> bytes = wal_header();
  frame_record(WalRecordType::kCheckpoint, st.encode_checkpoint(), &bytes);
  {
    STRATA_ASSIGN_OR_RETURN(auto f, fs->open_writable(tmp));
    Status s = f->size_bytes() != 0 ? f->truncate(0) : Status::ok_status();
    if (s.ok()) s = f->append(bytes);
    if (s.ok()) s = f->sync();
    if (s.ok()) s = f->close();
    if (!s.ok()) {
      (void)fs->remove(tmp);
      return s;
    }
  }
  STRATA_RETURN_IF_ERROR(fs->rename(tmp, path));
  *renamed = true;
  return fs->sync_dir(dir);
}

}  // namespace

std::vector<types::Type> TableSnapshot::column_types() const {
  std::vector<types::Type> out;
  for (const auto& c : columns_) out.push_back(c.type);
  return out;
}

TableStore::TableStore(std::unique_ptr<Impl> impl) : dir_(impl->dir), impl_(std::move(impl)) {}

TableStore::~TableStore() {
  if (impl_ && impl_->wal) (void)impl_->wal->close();
}

Result<std::unique_ptr<TableStore>> TableStore::create(io::FileSystem* fs, std::string dir,
                                                       std::vector<TableColumn> columns, TableStoreOptions options) {
  if (columns.size() > kColumnsMax) return Status::invalid_argument("too many columns");
  if (fs->exists(dir)) {
    auto names = fs->list_dir(dir);
    if (names.ok()) {
      for (const auto& n : *names) {
        uint32_t g;
        if (parse_wal_file_name(n, &g)) return Status::already_exists("a table exists in " + dir);
      }
    }
  }
  STRATA_RETURN_IF_ERROR(fs->create_dirs(dir));
  std::string parent = std::filesystem::path(dir).parent_path().string();
  if (!parent.empty()) STRATA_RETURN_IF_ERROR(fs->sync_dir(parent));
  StoreState st;
  st.fs = fs;
  st.dir = dir;
  for (size_t i = 0; i < columns.size(); i++) {
    columns[i].field_id = static_cast<uint32_t>(i + 1);
    if (!default_fits(columns[i].type, columns[i].default_value)) {
      return Status::invalid_argument("default of column " + columns[i].name + " has another type");
    }
    if (!columns[i].default_value.is_null()) columns[i].default_value = columns[i].default_value.with_type(columns[i].type);
  }
  st.snap.columns_ = std::move(columns);
  st.next_field_id = static_cast<uint32_t>(st.snap.columns_.size() + 1);
  st.snap.tail_part_id_ = 1;
  st.next_part_id = 2;
  st.snap.tail_deleted_ = std::make_shared<DeletionBitmap>();
  bool renamed;
  STRATA_RETURN_IF_ERROR(write_checkpoint_file(fs, dir, st, 1, &renamed));
  auto impl = std::make_unique<Impl>();
  impl->fs = fs;
  impl->dir = dir;
  impl->options = options;
  impl->wal_generation = 1;
  STRATA_ASSIGN_OR_RETURN(impl->wal, fs->open_writable(dir + "/" + wal_file_name(1)));
  impl->next_field_id = st.next_field_id;
  impl->next_part_id = st.next_part_id;
  impl->current = std::make_shared<const TableSnapshot>(std::move(st.snap));
  return std::unique_ptr<TableStore>(new TableStore(std::move(impl)));
}

Result<std::unique_ptr<TableStore>> TableStore::open(io::FileSystem* fs, std::string dir, TableStoreOptions options) {
  auto listed = fs->list_dir(dir);
  if (!listed.ok()) {
    if (listed.status().code() == StatusCode::kNotFound) return Status::not_found("no table in " + dir);
    return listed.status();
  }
  std::vector<uint32_t> gens;
  for (const auto& n : *listed) {
    uint32_t g;
    if (parse_wal_file_name(n, &g)) gens.push_back(g);
  }
  if (gens.empty()) return Status::not_found("no table in " + dir);
  std::sort(gens.begin(), gens.end());
  const uint32_t gen = gens.back();
  const std::string wal_path = dir + "/" + wal_file_name(gen);

  // The newest WAL file was renamed into place only after its checkpoint was
  // synced, so a bad checkpoint is corruption, not a torn write.
  STRATA_ASSIGN_OR_RETURN(WalContents wal, read_wal(fs, wal_path));
  if (wal.records.empty() || wal.records[0].type != WalRecordType::kCheckpoint) {
    return Status::corruption(fmt::format("WAL {}: no valid checkpoint at its start ({})", wal_path, wal.problem));
  }
  StoreState st;
  st.fs = fs;
  st.dir = dir;
  Status s = st.apply_checkpoint(wal.records[0].payload);
  if (!s.ok()) return Status::corruption(fmt::format("WAL {}: checkpoint: {}", wal_path, s.message()));
  for (size_t i = 1; i < wal.records.size(); i++) {
    s = st.apply(wal.records[i].type, wal.records[i].payload);
    if (!s.ok()) return Status::corruption(fmt::format("WAL {}: record {}: {}", wal_path, i, s.message()));
  }
  auto impl = std::make_unique<Impl>();
  impl->fs = fs;
  impl->dir = dir;
  impl->options = options;
  impl->wal_generation = gen;
  STRATA_ASSIGN_OR_RETURN(impl->wal, fs->open_writable(wal_path));
  if (wal.valid_bytes < wal.file_bytes) {
    logging::warn("truncating torn WAL tail", "wal", wal_path, "position", wal.valid_bytes, "dropped_bytes",
                  wal.file_bytes - wal.valid_bytes, "problem", wal.problem);
    STRATA_RETURN_IF_ERROR(impl->wal->truncate(wal.valid_bytes));
    STRATA_RETURN_IF_ERROR(impl->wal->sync());
  }
  for (auto& p : st.snap.parts_) {
    if (!p.part->opened()) {
      s = p.part->open(options.reader);
      if (!s.ok()) return Status::corruption(fmt::format("table {}: part {}: {}", dir, p.part->id(), s.message()));
    }
  }
  // Remove what the state no longer references: older WAL files, temp files,
  // parts of commits that never became durable and parts merged or truncated away.
  for (const auto& n : *listed) {
    uint32_t id;
    bool remove = false;
    if (parse_wal_file_name(n, &id)) {
      remove = id < gen;
    } else if (parse_part_file_name(n, &id)) {
      remove = st.find_part(id) < 0;
    } else if (n.size() > 4 && n.compare(n.size() - 4, 4, ".tmp") == 0) {
      remove = true;
    }
    if (remove) {
      Status r = fs->remove(dir + "/" + n);
      if (!r.ok()) logging::warn("could not remove unreferenced table file", "path", dir + "/" + n, "error", r.to_string());
    }
  }
  impl->next_field_id = st.next_field_id;
  impl->next_part_id = st.next_part_id;
  impl->current = std::make_shared<const TableSnapshot>(std::move(st.snap));
  return std::unique_ptr<TableStore>(new TableStore(std::move(impl)));
}

std::shared_ptr<const TableSnapshot> TableStore::snapshot() const { return impl_->latest(); }

Result<std::unique_ptr<TableScan>> TableStore::scan(std::shared_ptr<const TableSnapshot> snapshot, ScanSpec spec) {
  STRATA_RETURN_IF_ERROR(validate_spec(*snapshot, spec));
  std::unique_ptr<TableScan> scan(new TableScan(std::move(snapshot), std::move(spec)));
  add_snapshot_sources(*scan->snapshot_, scan->spec_, nullptr, &scan->sources_);
  return scan;
}

std::unique_ptr<TableWrite> TableStore::begin_write(WriteOptions options) {
  std::lock_guard g(impl_->commit_mu);
  auto snap = impl_->latest();
  impl_->active_write_versions.insert(snap->version());
  return std::unique_ptr<TableWrite>(new TableWrite(this, std::move(snap), options));
}

void TableStore::end_write(uint64_t snapshot_version) {
  std::lock_guard g(impl_->commit_mu);
  auto it = impl_->active_write_versions.find(snapshot_version);
  if (it != impl_->active_write_versions.end()) impl_->active_write_versions.erase(it);
  // A write started at version v needs only the remaps of merges after v.
  uint64_t oldest = impl_->active_write_versions.empty() ? UINT64_MAX : *impl_->active_write_versions.begin();
  std::erase_if(impl_->remaps, [oldest](const auto& e) { return e.second.version <= oldest; });
}

Status TableStore::check_writable_locked() const {
  if (impl_->dropped) return Status::unavailable("table " + dir_ + " was dropped");
  if (impl_->fenced) return Status::unavailable("table " + dir_ + " is fenced until reopened: " + impl_->fence_reason);
  return Status::ok_status();
}

void TableStore::fence_locked(const Status& cause) {
  if (impl_->fenced) return;
  impl_->fenced = true;
  impl_->fence_reason = cause.to_string();
  logging::error("table store fenced", "dir", dir_, "reason", impl_->fence_reason);
}

Status TableStore::append_record_locked(int type, std::span<const uint8_t> payload, bool sync) {
  std::vector<uint8_t> bytes;
  frame_record(static_cast<WalRecordType>(type), payload, &bytes);
  Status s = impl_->wal->append(bytes);
  if (s.ok() && sync) s = impl_->wal->sync();
  if (!s.ok()) {
    // The record may or may not be on disk: only a reopen (recovery) can tell.
    fence_locked(s);
    return s;
  }
  return Status::ok_status();
}

void TableStore::publish_locked(std::shared_ptr<const TableSnapshot> next) {
  auto prev = impl_->latest();
  for (const auto& p : prev->parts()) {
    bool kept = std::any_of(next->parts().begin(), next->parts().end(),
                            [&](const auto& q) { return q.part == p.part; });
    if (!kept) p.part->mark_obsolete();
  }
  std::lock_guard g(impl_->snapshot_mu);
  impl_->current = std::move(next);
}

Status TableStore::commit(TableWrite* w) {
  Impl& im = *impl_;
  w->finished_ = true;
  struct EndWrite {
    TableStore* store;
    uint64_t version;
    ~EndWrite() { store->end_write(version); }
  } end_write_guard{this, w->snapshot_->version()};
  const TableSnapshot& snap = *w->snapshot_;

  // Live pending rows still in memory (own deletes dropped).
  types::Batch rest(snap.column_types());
  for (const auto& c : w->pending_) {
    std::vector<uint32_t> live;
    for (uint32_t i = 0; i < c->rows.rows; i++) {
      if (!w->pending_deleted_->contains(c->first_row + i)) live.push_back(i);
    }
    if (live.size() == c->rows.rows) {
      rest.append_rows(c->rows, 0, c->rows.rows);
    } else {
      rest.append_selected(c->rows, live.data(), live.size());
    }
  }
  w->pending_.clear();

  std::map<uint32_t, std::shared_ptr<PartHandle>> prepared;
  std::vector<PartRef> added;
  std::map<uint32_t, std::vector<uint32_t>> deletions;
  auto drop_prepared = [&] {
    for (auto& [id, h] : prepared) h->mark_obsolete();
  };
  for (size_t i = 0; i < w->spilled_.size(); i++) {
    const auto& h = w->spilled_[i].part;
    prepared[h->id()] = h;
    added.push_back({h->id(), h->rows()});
    for (uint64_t r = 0; r < h->rows(); r++) {
      if (w->pending_deleted_->contains(w->spilled_first_[i] + r)) deletions[h->id()].push_back(static_cast<uint32_t>(r));
    }
  }
  w->spilled_.clear();
  const bool as_parts = rest.rows >= std::min<uint64_t>(im.options.insert_part_rows_min, kRowGroupRowsMax);
  if (as_parts) {
    for (size_t begin = 0; begin < rest.rows;) {
      size_t n = std::min<uint64_t>(rest.rows - begin, im.options.part_rows_max);
      uint32_t id = im.next_part_id.fetch_add(1);
      auto pw = PartWriter::create(im.fs, im.part_path(id), part_schema(snap.columns()), im.options.part);
      if (!pw.ok()) {
        drop_prepared();
        return pw.status();
      }
      Status s = (*pw)->append_rows(rest, begin, n);
      Result<PartInfo> info = s.ok() ? (*pw)->finish() : Result<PartInfo>(s);
      if (!info.ok()) {
        (*pw)->abandon();
        drop_prepared();
        return info.status();
      }
      auto h = std::make_shared<PartHandle>(im.fs, im.part_path(id), id, info->row_count);
      prepared[id] = h;
      s = h->open(im.options.reader);
      if (!s.ok()) {
        drop_prepared();
        return s;
      }
      added.push_back({id, info->row_count});
      begin += n;
    }
    rest = types::Batch(snap.column_types());
  }
  if (!prepared.empty()) {
    Status s = im.fs->sync_dir(im.dir);
    if (!s.ok()) {
      drop_prepared();
      return s;
    }
  }

  std::lock_guard g(im.commit_mu);
  Status s = check_writable_locked();
  if (!s.ok()) {
    drop_prepared();
    return s;
  }
  auto cur = im.latest();
  if (cur->schema_version() != snap.schema_version()) {
    drop_prepared();
    return serialization_failure("the table was altered or truncated since the transaction's snapshot");
  }
  // Resolve the write's deletions against the current state, following merges.
  for (const auto& [part_id, bitmap] : w->deleted_) {
    for (uint32_t row : bitmap->rows()) {
      uint32_t pid = part_id;
      uint32_t r = row;
      const DeletionBitmap* now = nullptr;
      while (true) {
        if (pid == cur->tail_part_id()) {
          now = cur->tail_deleted().get();
          break;
        }
        auto it = std::find_if(cur->parts().begin(), cur->parts().end(), [pid](const auto& p) { return p.part->id() == pid; });
        if (it != cur->parts().end()) {
          now = it->deleted.get();
          break;
        }
        auto rm = im.remaps.find(pid);
        if (rm == im.remaps.end() || r >= rm->second.rows.size()) break;
        int64_t to = rm->second.rows[r];
        if (to == MergeRemap::kDroppedRow) break;
        RowId next = RowId::from_packed(to);
        pid = next.part_id();
        r = next.row_index();
      }
      if (now == nullptr || now->contains(r)) {
        drop_prepared();
        return serialization_failure(fmt::format("row ({}, {}) was deleted or updated by another transaction", part_id, row));
      }
      deletions[pid].push_back(r);
    }
  }
  if (rest.rows == 0 && added.empty() && deletions.empty()) return Status::ok_status();

  StoreState st;
  st.snap = *cur;
  st.fs = im.fs;
  st.dir = im.dir;
  st.next_part_id = im.next_part_id.load();
  st.next_field_id = im.next_field_id;
  st.prepared = &prepared;
  CommitRecord rec;
  rec.schema_version = cur->schema_version();
  rec.tail_first_row = cur->tail_rows();
  rec.tail_rows = std::move(rest);
  rec.added_parts = std::move(added);
  rec.deleted = to_row_lists(deletions);
  std::vector<uint8_t> payload = st.encode_commit(rec);
  s = append_record_locked(static_cast<int>(WalRecordType::kCommit), payload,
                           w->options_.durability == Durability::kSync);
  // From here the record may be durable: its parts must stay (recovery removes
  // them if the record did not survive).
  for (auto& [id, h] : prepared) h->mark_live();
  if (!s.ok()) return s;
  s = st.apply(WalRecordType::kCommit, payload);
  if (!s.ok()) {
    fence_locked(s);
    return Status::internal("commit record did not apply: " + s.message());
  }
  publish_locked(std::make_shared<const TableSnapshot>(std::move(st.snap)));

  // The commit is durable; what follows is maintenance it triggers.
  auto now = im.latest();
  if (im.wal->size_bytes() > im.options.wal_bytes_max || now->tail_bytes_ > 2 * im.options.tail_bytes_max) {
    Status m = flush_tail_locked(true);
    if (!m.ok()) logging::warn("flush after commit failed", "dir", dir_, "error", m.to_string());
  }
  return Status::ok_status();
}

Status TableStore::flush_tail(bool force) {
  std::lock_guard g(impl_->commit_mu);
  STRATA_RETURN_IF_ERROR(check_writable_locked());
  return flush_tail_locked(force);
}

Status TableStore::flush_tail_locked(bool force) {
  Impl& im = *impl_;
  auto cur = im.latest();
  if (cur->tail_rows() == 0) {
    if (force && im.wal->size_bytes() > im.options.wal_bytes_max) return rotate_wal_locked();
    return Status::ok_status();
  }
  if (!force && cur->tail_bytes_ < im.options.tail_bytes_max) return Status::ok_status();
  const uint32_t id = cur->tail_part_id();
  const std::string path = im.part_path(id);
  STRATA_ASSIGN_OR_RETURN(auto pw, PartWriter::create(im.fs, path, part_schema(cur->columns()), im.options.part));
  const auto types = cur->column_types();
  std::vector<uint32_t> all(types.size());
  for (uint32_t i = 0; i < all.size(); i++) all[i] = i;
  types::Batch rows;
  for (const auto& c : cur->tail_chunks()) {
    Status s = c->materialize(types, all, &rows);
    if (s.ok()) s = pw->append(rows);
    if (!s.ok()) {
      pw->abandon();
      return s;
    }
  }
  auto info = pw->finish();
  if (!info.ok()) {
    pw->abandon();
    return info.status();
  }
  auto h = std::make_shared<PartHandle>(im.fs, path, id, info->row_count);
  Status s = h->open(im.options.reader);
  if (s.ok()) s = im.fs->sync_dir(im.dir);
  if (!s.ok()) {
    h->mark_obsolete();
    return s;
  }
  std::map<uint32_t, std::shared_ptr<PartHandle>> prepared{{id, h}};
  StoreState st;
  st.snap = *cur;
  st.fs = im.fs;
  st.dir = im.dir;
  st.next_part_id = im.next_part_id.load();
  st.next_field_id = im.next_field_id;
  st.prepared = &prepared;
  FlushTailRecord rec{id, info->row_count, im.next_part_id.fetch_add(1)};
  auto payload = st.encode_flush_tail(rec);
  STRATA_RETURN_IF_ERROR(append_record_locked(static_cast<int>(WalRecordType::kFlushTail), payload, true));
  s = st.apply(WalRecordType::kFlushTail, payload);
  if (!s.ok()) {
    fence_locked(s);
    return Status::internal("flush record did not apply: " + s.message());
  }
  publish_locked(std::make_shared<const TableSnapshot>(std::move(st.snap)));
  // The tail is empty: a good moment to start a new WAL file if this one is big.
  if (im.wal->size_bytes() > std::min(im.options.wal_bytes_max, im.options.tail_bytes_max)) return rotate_wal_locked();
  return Status::ok_status();
}

Status TableStore::rotate_wal_locked() {
  Impl& im = *impl_;
  auto cur = im.latest();
  if (cur->tail_rows() != 0) return Status::ok_status();
  StoreState st;
  st.snap = *cur;
  st.next_part_id = im.next_part_id.load();
  st.next_field_id = im.next_field_id;
  const uint32_t gen = im.wal_generation + 1;
  bool renamed = false;
  Status s = write_checkpoint_file(im.fs, im.dir, st, gen, &renamed);
  if (!s.ok()) {
    // Before the rename the old WAL is still the table; after it, which file
    // survives a crash is unknown until recovery.
    if (renamed) fence_locked(s);
    return s;
  }
  std::string old_path = im.dir + "/" + wal_file_name(im.wal_generation);
  auto w = im.fs->open_writable(im.dir + "/" + wal_file_name(gen));
  if (!w.ok()) {
    fence_locked(w.status());
    return w.status();
  }
  (void)im.wal->close();
  im.wal = std::move(w).value();
  im.wal_generation = gen;
  Status r = im.fs->remove(old_path);
  if (!r.ok()) logging::warn("could not remove old WAL", "path", old_path, "error", r.to_string());
  return Status::ok_status();
}

Status TableStore::merge_small_parts() {
  Impl& im = *impl_;
  std::lock_guard merge_guard(im.merge_mu);
  std::shared_ptr<const TableSnapshot> start;
  std::vector<TableSnapshot::Part> sources;
  {
    std::lock_guard g(im.commit_mu);
    STRATA_RETURN_IF_ERROR(check_writable_locked());
    start = im.latest();
    for (const auto& p : start->parts()) {
      if (p.part->rows() < im.options.small_part_rows_max) sources.push_back(p);
    }
  }
  if (sources.size() < std::max<uint32_t>(im.options.merge_parts_min, 2)) return Status::ok_status();

  // Read the live rows of the sources (in the current columns) into new parts.
  ScanSpec spec;
  for (uint32_t c = 0; c < start->columns().size(); c++) spec.columns.push_back(c);
  spec.batch_rows = types::kBatchRowsMax;
  std::unique_ptr<TableScan> scan(new TableScan(start, spec));
  std::map<uint32_t, size_t> source_index;
  std::vector<std::vector<int64_t>> remap(sources.size());
  for (size_t i = 0; i < sources.size(); i++) {
    TableScan::Source s;
    s.part = sources[i].part;
    s.id_part = s.part->id();
    s.deleted = sources[i].deleted;
    map_part_columns(*start, spec, &s);
    scan->sources_.push_back(std::move(s));
    source_index[sources[i].part->id()] = i;
    remap[i].assign(sources[i].part->rows(), MergeRemap::kDroppedRow);
  }
  std::map<uint32_t, std::shared_ptr<PartHandle>> prepared;
  std::vector<PartRef> outputs;
  auto cleanup = [&] {
    for (auto& [id, h] : prepared) h->mark_obsolete();
  };
  std::unique_ptr<PartWriter> writer;
  uint32_t writer_id = 0;
  auto finish_writer = [&]() -> Status {
    if (!writer) return Status::ok_status();
    auto info = writer->finish();
    if (!info.ok()) {
      writer->abandon();
      writer.reset();
      return info.status();
    }
    writer.reset();
    auto h = std::make_shared<PartHandle>(im.fs, im.part_path(writer_id), writer_id, info->row_count);
    prepared[writer_id] = h;
    STRATA_RETURN_IF_ERROR(h->open(im.options.reader));
    outputs.push_back({writer_id, info->row_count});
    return Status::ok_status();
  };
  types::Batch batch;
  std::vector<RowId> ids;
  while (true) {
    auto more = scan->next(&batch, &ids);
    Status s = more.status();
    if (s.ok() && !*more) break;
    size_t done = 0;
    while (s.ok() && done < batch.rows) {
      if (!writer) {
        writer_id = im.next_part_id.fetch_add(1);
        auto pw = PartWriter::create(im.fs, im.part_path(writer_id), part_schema(start->columns()), im.options.part);
        if (!pw.ok()) {
          s = pw.status();
          break;
        }
        writer = std::move(pw).value();
      }
      size_t n = std::min<uint64_t>(batch.rows - done, im.options.part_rows_max - writer->row_count());
      uint64_t base = writer->row_count();
      s = writer->append_rows(batch, done, n);
      for (size_t i = 0; s.ok() && i < n; i++) {
        RowId from = ids[done + i];
        remap[source_index[from.part_id()]][from.row_index()] = RowId(writer_id, static_cast<uint32_t>(base + i)).packed();
      }
      done += n;
      if (s.ok() && writer->row_count() >= im.options.part_rows_max) s = finish_writer();
    }
    if (!s.ok()) {
      if (writer) writer->abandon();
      cleanup();
      return s;
    }
  }
  Status s = finish_writer();
  if (s.ok() && !prepared.empty()) s = im.fs->sync_dir(im.dir);
  if (!s.ok()) {
    cleanup();
    return s;
  }

  std::lock_guard g(im.commit_mu);
  s = check_writable_locked();
  auto cur = im.latest();
  bool still_there = s.ok() && cur->schema_version() == start->schema_version();
  std::map<uint32_t, std::vector<uint32_t>> carried;
  for (size_t i = 0; still_there && i < sources.size(); i++) {
    auto it = std::find_if(cur->parts().begin(), cur->parts().end(),
                           [&](const auto& p) { return p.part == sources[i].part; });
    if (it == cur->parts().end()) {
      still_there = false;
      break;
    }
    // Rows deleted by commits during the merge move to the merged part.
    for (uint32_t r : it->deleted->rows()) {
      if (sources[i].deleted->contains(r)) continue;
      STRATA_ASSERT(remap[i][r] != MergeRemap::kDroppedRow, "a row live at merge start was not merged");
      RowId to = RowId::from_packed(remap[i][r]);
      carried[to.part_id()].push_back(to.row_index());
    }
  }
  if (!still_there) {
    cleanup();
    return s;
  }
  StoreState st;
  st.snap = *cur;
  st.fs = im.fs;
  st.dir = im.dir;
  st.next_part_id = im.next_part_id.load();
  st.next_field_id = im.next_field_id;
  st.prepared = &prepared;
  MergeRecord rec;
  for (const auto& p : sources) rec.sources.push_back(p.part->id());
  rec.outputs = outputs;
  rec.deleted = to_row_lists(carried);
  auto payload = st.encode_merge(rec);
  STRATA_RETURN_IF_ERROR(append_record_locked(static_cast<int>(WalRecordType::kMerge), payload, true));
  s = st.apply(WalRecordType::kMerge, payload);
  if (!s.ok()) {
    fence_locked(s);
    return Status::internal("merge record did not apply: " + s.message());
  }
  const uint64_t version = st.snap.version();
  publish_locked(std::make_shared<const TableSnapshot>(std::move(st.snap)));
  if (!im.active_write_versions.empty()) {
    for (size_t i = 0; i < sources.size(); i++) {
      im.remaps[sources[i].part->id()] = MergeRemap{version, std::move(remap[i])};
    }
  }
  return Status::ok_status();
}

bool TableStore::needs_maintenance() const {
  auto cur = impl_->latest();
  if (cur->tail_bytes_ >= impl_->options.tail_bytes_max) return true;
  size_t small = 0;
  for (const auto& p : cur->parts()) small += p.part->rows() < impl_->options.small_part_rows_max ? 1 : 0;
  return small >= std::max<uint32_t>(impl_->options.merge_parts_min, 2);
}

Status TableStore::truncate() {
  Impl& im = *impl_;
  std::lock_guard g(im.commit_mu);
  STRATA_RETURN_IF_ERROR(check_writable_locked());
  auto cur = im.latest();
  StoreState st;
  st.snap = *cur;
  st.fs = im.fs;
  st.dir = im.dir;
  st.next_part_id = im.next_part_id.load();
  st.next_field_id = im.next_field_id;
  TruncateRecord rec{im.next_part_id.fetch_add(1)};
  auto payload = st.encode_truncate(rec);
  STRATA_RETURN_IF_ERROR(append_record_locked(static_cast<int>(WalRecordType::kTruncate), payload, true));
  Status s = st.apply(WalRecordType::kTruncate, payload);
  if (!s.ok()) {
    fence_locked(s);
    return Status::internal("truncate record did not apply: " + s.message());
  }
  publish_locked(std::make_shared<const TableSnapshot>(std::move(st.snap)));
  return rotate_wal_locked();
}

Status TableStore::add_column(std::string name, types::Type type, types::Value default_value) {
  Impl& im = *impl_;
  if (!default_fits(type, default_value)) return Status::invalid_argument("default of column " + name + " has another type");
  std::lock_guard g(im.commit_mu);
  STRATA_RETURN_IF_ERROR(check_writable_locked());
  auto cur = im.latest();
  if (cur->columns().size() >= kColumnsMax) return Status::sql("54011", "tables can have at most 1600 columns");
  StoreState st;
  st.snap = *cur;
  st.fs = im.fs;
  st.dir = im.dir;
  st.next_part_id = im.next_part_id.load();
  st.next_field_id = im.next_field_id;
  AddColumnRecord rec;
  rec.column = {std::move(name), type, default_value.is_null() ? types::Value::null(type) : default_value.with_type(type),
                im.next_field_id};
  auto payload = st.encode_add_column(rec);
  STRATA_RETURN_IF_ERROR(append_record_locked(static_cast<int>(WalRecordType::kAddColumn), payload, true));
  Status s = st.apply(WalRecordType::kAddColumn, payload);
  if (!s.ok()) {
    fence_locked(s);
    return Status::internal("add column record did not apply: " + s.message());
  }
  im.next_field_id = st.next_field_id;
  publish_locked(std::make_shared<const TableSnapshot>(std::move(st.snap)));
  return Status::ok_status();
}

Status TableStore::drop_column(uint32_t index) {
  Impl& im = *impl_;
  std::lock_guard g(im.commit_mu);
  STRATA_RETURN_IF_ERROR(check_writable_locked());
  auto cur = im.latest();
  if (index >= cur->columns().size()) return Status::invalid_argument(fmt::format("no column {}", index));
  StoreState st;
  st.snap = *cur;
  st.fs = im.fs;
  st.dir = im.dir;
  st.next_part_id = im.next_part_id.load();
  st.next_field_id = im.next_field_id;
  auto payload = st.encode_drop_column(DropColumnRecord{cur->columns()[index].field_id});
  STRATA_RETURN_IF_ERROR(append_record_locked(static_cast<int>(WalRecordType::kDropColumn), payload, true));
  Status s = st.apply(WalRecordType::kDropColumn, payload);
  if (!s.ok()) {
    fence_locked(s);
    return Status::internal("drop column record did not apply: " + s.message());
  }
  publish_locked(std::make_shared<const TableSnapshot>(std::move(st.snap)));
  return Status::ok_status();
}

Status TableStore::drop() {
  Impl& im = *impl_;
  std::lock_guard g(im.commit_mu);
  if (im.dropped) return Status::ok_status();
  im.dropped = true;
  if (im.wal) {
    (void)im.wal->close();
    im.wal.reset();
  }
  return im.fs->remove_all(im.dir);
}

TableStoreStats TableStore::stats() const {
  TableStoreStats s;
  auto cur = impl_->latest();
  s.version = cur->version();
  s.row_count = cur->row_count();
  s.part_count = cur->parts().size();
  for (const auto& p : cur->parts()) s.small_part_count += p.part->rows() < impl_->options.small_part_rows_max ? 1 : 0;
  s.tail_rows = cur->tail_rows();
  s.tail_bytes = cur->tail_bytes_;
  std::lock_guard g(impl_->commit_mu);
  s.wal_bytes = impl_->wal ? impl_->wal->size_bytes() : 0;
  s.wal_generation = impl_->wal_generation;
  s.fenced = impl_->fenced;
  return s;
}

}  // namespace strata::columnar
