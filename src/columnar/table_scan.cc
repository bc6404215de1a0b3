#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "columnar/table_store_impl.h"

namespace strata::columnar {

Status validate_spec(const TableSnapshot& snap, const ScanSpec& spec) {
  const size_t n = snap.columns().size();
  for (uint32_t c : spec.columns) {
    if (c >= n) return Status::invalid_argument(fmt::format("scan of column {} of a table with {} columns", c, n));
  }
  for (const auto& p : spec.predicates) {
    if (p.column >= n)
      return Status::invalid_argument(fmt::format("predicate on column {} of a table with {} columns", p.column, n));
  }
  if (spec.batch_rows == 0 || spec.batch_rows > types::kBatchRowsMax)
    return Status::invalid_argument("batch_rows out of range");
  return Status::ok_status();
}

void map_part_columns(const TableSnapshot& snap, const ScanSpec& spec, TableScan::Source* s) {
  const auto& part_cols = s->part->reader().columns();
  auto find = [&](uint32_t table_col) {
    uint32_t field = snap.columns()[table_col].field_id;
    for (size_t i = 0; i < part_cols.size(); i++) {
      if (part_cols[i].field_id == field) return static_cast<int>(i);
    }
    return -1;
  };
  for (uint32_t c : spec.columns) s->column_map.push_back(find(c));
  for (const auto& p : spec.predicates) s->predicate_map.push_back(find(p.column));
}

void add_snapshot_sources(const TableSnapshot& snap, const ScanSpec& spec,
                          const std::vector<std::pair<uint32_t, std::shared_ptr<DeletionBitmap>>>* own_deleted,
                          std::vector<TableScan::Source>* out) {
  auto own = [own_deleted](uint32_t id) -> std::shared_ptr<const DeletionBitmap> {
    if (own_deleted == nullptr) return nullptr;
    for (const auto& [pid, bm] : *own_deleted) {
      if (pid == id) return std::make_shared<DeletionBitmap>(*bm);
    }
    return nullptr;
  };
  for (const auto& p : snap.parts()) {
    TableScan::Source s;
    s.part = p.part;
    s.id_part = p.part->id();
    s.deleted = p.deleted;
    s.deleted2 = own(s.id_part);
    map_part_columns(snap, spec, &s);
    out->push_back(std::move(s));
  }
  if (!snap.tail_chunks().empty()) {
    TableScan::Source s;
    s.chunks = snap.tail_chunks();
    s.id_part = snap.tail_part_id();
    s.deleted = snap.tail_deleted();
    s.deleted2 = own(s.id_part);
    out->push_back(std::move(s));
  }
}

TableScan::TableScan(std::shared_ptr<const TableSnapshot> snapshot, ScanSpec spec)
    : snapshot_(std::move(snapshot)), spec_(std::move(spec)) {}

TableScan::~TableScan() = default;

namespace {

bool default_may_match(const types::Value& dflt, uint64_t rows, const ZonePredicate& p) {
  ZoneMap z;
  z.row_count = static_cast<uint32_t>(std::min<uint64_t>(rows, UINT32_MAX));
  z.null_count = dflt.is_null() ? z.row_count : 0;
  z.has_min_max = !dflt.is_null() && dflt.type().id() != types::TypeId::kInterval;
  z.min = dflt;
  z.max = dflt;
  return zone_may_match(z, p.op, p.value);
}

}  // namespace

Status TableScan::load_next_source_batch(bool* done) {
  if (spec_.morsels) {
    if (unit_starts_.empty()) {
      uint64_t total = 0;
      for (const Source& s : sources_) {
        unit_starts_.push_back(total);
        total += s.part ? s.part->reader().row_group_count() : s.chunks.size();
      }
      unit_starts_.push_back(total);
    }
    while (true) {
      uint64_t unit = spec_.morsels->next_unit.fetch_add(1, std::memory_order_relaxed);
      if (unit >= unit_starts_.back()) break;
      size_t source = static_cast<size_t>(std::upper_bound(unit_starts_.begin(), unit_starts_.end(), unit) -
                                          unit_starts_.begin() - 1);
      bool live = false;
      STRATA_RETURN_IF_ERROR(load_unit(sources_[source], static_cast<size_t>(unit - unit_starts_[source]), &live));
      if (live) {
        *done = false;
        return Status::ok_status();
      }
    }
    *done = true;
    return Status::ok_status();
  }
  while (source_index_ < sources_.size()) {
    Source& s = sources_[source_index_];
    size_t groups = s.part ? s.part->reader().row_group_count() : s.chunks.size();
    if (row_group_index_ >= groups) {
      source_index_++;
      row_group_index_ = 0;
      continue;
    }
    bool live = false;
    STRATA_RETURN_IF_ERROR(load_unit(s, row_group_index_++, &live));
    if (live) {
      *done = false;
      return Status::ok_status();
    }
  }
  *done = true;
  return Status::ok_status();
}

Status TableScan::load_unit(Source& s, size_t g, bool* live) {
  const auto& cols = snapshot_->columns();
  *live = false;
  current_live_.clear();
  current_pos_ = 0;
  uint64_t first_row;
  size_t rows;
  if (s.part) {
    const PartReader& reader = s.part->reader();
    const RowGroupInfo& rg = reader.row_group(g);
    first_row = rg.first_row;
    rows = rg.row_count;
    bool may = true;
    for (size_t i = 0; i < spec_.predicates.size() && may; i++) {
      const ZonePredicate& p = spec_.predicates[i];
      int pc = s.predicate_map[i];
      if (pc >= 0) {
        may = zone_may_match(rg.chunks[static_cast<size_t>(pc)].zone, p.op, p.value);
      } else {
        may = default_may_match(cols[p.column].default_value, rows, p);
      }
    }
    if (!may) {
      stats_.row_groups_skipped++;
      return Status::ok_status();
    }
    // Skip groups whose rows are all deleted without reading them.
    bool any_live = false;
    for (size_t i = 0; i < rows && !any_live; i++) {
      uint64_t idx = s.id_offset + first_row + i;
      any_live = !s.deleted->contains(idx) && !(s.deleted2 && s.deleted2->contains(idx));
    }
    if (!any_live) return Status::ok_status();
    source_columns_.clear();
    for (int c : s.column_map) {
      if (c >= 0) source_columns_.push_back(static_cast<uint32_t>(c));
    }
    types::Batch read;
    STRATA_RETURN_IF_ERROR(reader.read_row_group(g, source_columns_, &read));
    current_ = types::Batch();
    size_t k = 0;
    for (size_t i = 0; i < spec_.columns.size(); i++) {
      if (s.column_map[i] >= 0) {
        current_.columns.push_back(std::move(read.columns[k++]));
      } else {
        const TableColumn& tc = cols[spec_.columns[i]];
        current_.columns.push_back(constant_vector(tc.type, tc.default_value, rows));
      }
    }
    current_.rows = rows;
  } else {
    const TailChunk& chunk = *s.chunks[g];
    first_row = chunk.first_row;
    rows = chunk.row_count;
    STRATA_RETURN_IF_ERROR(chunk.materialize(snapshot_->column_types(), spec_.columns, &current_));
  }
  stats_.row_groups_read++;
  current_id_part_ = s.id_part;
  current_id_base_ = s.id_offset + first_row;
  current_live_.resize(rows);
  if (s.deleted->count() == 0 && (!s.deleted2 || s.deleted2->count() == 0)) {
    std::iota(current_live_.begin(), current_live_.end(), uint32_t{0});
  } else {
    size_t n = 0;
    for (size_t i = 0; i < rows; i++) {
      uint64_t idx = current_id_base_ + i;
      if (s.deleted->contains(idx) || (s.deleted2 && s.deleted2->contains(idx))) continue;
      current_live_[n++] = static_cast<uint32_t>(i);
    }
    current_live_.resize(n);
  }
  *live = !current_live_.empty();
  return Status::ok_status();
}

void TableScan::append_row_ids(const uint32_t* live, size_t n, std::vector<RowId>* row_ids) const {
  row_ids->reserve(row_ids->size() + n);
  for (size_t i = 0; i < n; i++) {
    row_ids->emplace_back(current_id_part_, static_cast<uint32_t>(current_id_base_ + live[i]));
  }
}

Result<bool> TableScan::next(types::Batch* out, std::vector<RowId>* row_ids) {
  std::vector<types::Type> types;
  for (uint32_t c : spec_.columns) types.push_back(snapshot_->columns()[c].type);
  *out = types::Batch(types);
  if (row_ids) row_ids->clear();
  while (out->rows < spec_.batch_rows) {
    if (current_pos_ >= current_live_.size()) {
      bool done = false;
      STRATA_RETURN_IF_ERROR(load_next_source_batch(&done));
      if (done) break;
    }
    size_t take = std::min(spec_.batch_rows - out->rows, current_live_.size() - current_pos_);
    // current_live_ is increasing, so equal end distance means a contiguous run:
    // copied as one block instead of row by row.
    const uint32_t* live = current_live_.data() + current_pos_;
    const bool contiguous = live[take - 1] - live[0] == take - 1;
    if (contiguous && out->rows == 0 && live[0] == 0 && take == current_.rows) {
      // The whole decoded unit, every row live: hand its vectors over.
      for (size_t c = 0; c < out->columns.size(); c++) out->columns[c] = std::move(current_.columns[c]);
      if (row_ids) append_row_ids(live, take, row_ids);
      out->rows = take;
      current_pos_ += take;
      break;
    }
    for (size_t c = 0; c < out->columns.size(); c++) {
      if (contiguous) {
        out->columns[c].append_rows(current_.columns[c], live[0], take);
      } else {
        out->columns[c].append_selected(current_.columns[c], live, take);
      }
    }
    if (row_ids) append_row_ids(live, take, row_ids);
    out->rows += take;
    current_pos_ += take;
  }
  stats_.rows_returned += out->rows;
  return out->rows > 0;
}

}  // namespace strata::columnar
