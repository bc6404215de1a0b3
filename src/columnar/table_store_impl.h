// TableStore::Impl and TableScan::Source: shared by table_store.cc,
// table_write.cc and table_scan.cc. Internal to the module.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "columnar/table_state.h"
#include "columnar/table_store.h"

namespace strata::columnar {

struct TableScan::Source {
  std::shared_ptr<PartHandle> part;                     // a part file, or
  std::vector<std::shared_ptr<const TailChunk>> chunks;  // rows in memory
  uint32_t id_part = 0;      // RowId part id of its rows
  uint64_t id_offset = 0;    // RowId row index = id_offset + row in the part (chunks carry their own first_row)
  std::shared_ptr<const DeletionBitmap> deleted;   // by RowId row index
  std::shared_ptr<const DeletionBitmap> deleted2;  // the write's own deletes (may be null)
  std::vector<int> column_map;                     // spec column -> part column, -1: default value
  std::vector<int> predicate_map;                  // spec predicate -> part column, -1: default value
};

// What merges changed: old part id -> new row id of each of its rows
// (kDroppedRow when the merge dropped a deleted row).
struct MergeRemap {
  static constexpr int64_t kDroppedRow = -1;
  uint64_t version = 0;  // the merge's commit version
  std::vector<int64_t> rows;
};

struct TableStore::Impl {
  io::FileSystem* fs = nullptr;
  std::string dir;
  TableStoreOptions options;

  // Held from validation to publication by commits and by the install step of
  // maintenance (and the whole of flush_tail, truncate and column changes).
  std::mutex commit_mu;
  // Guarded by commit_mu:
  std::unique_ptr<io::WritableFile> wal;
  uint32_t wal_generation = 0;
  uint32_t next_field_id = 1;
  bool fenced = false;
  std::string fence_reason;
  bool dropped = false;
  std::map<uint32_t, MergeRemap> remaps;  // by old part id
  std::multiset<uint64_t> active_write_versions;  // snapshot versions of open writes

  // Part ids are handed out without the commit mutex (spills write parts early).
  std::atomic<uint32_t> next_part_id{1};
  // Serialises merges with each other (one merge at a time).
  std::mutex merge_mu;

  mutable std::mutex snapshot_mu;
  std::shared_ptr<const TableSnapshot> current;  // guarded by snapshot_mu

  std::shared_ptr<const TableSnapshot> latest() const {
    std::lock_guard g(snapshot_mu);
    return current;
  }
  std::string part_path(uint32_t id) const { return dir + "/" + part_file_name(id); }
};

// Fills the sources of a scan of `snap` (write-own deletes by part id in `own_deleted`).
void add_snapshot_sources(const TableSnapshot& snap, const ScanSpec& spec,
                          const std::vector<std::pair<uint32_t, std::shared_ptr<DeletionBitmap>>>* own_deleted,
                          std::vector<TableScan::Source>* out);
// Column and predicate maps of a part source.
void map_part_columns(const TableSnapshot& snap, const ScanSpec& spec, TableScan::Source* s);
Status validate_spec(const TableSnapshot& snap, const ScanSpec& spec);

}  // namespace strata::columnar
