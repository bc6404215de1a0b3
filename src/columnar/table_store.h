// TableStore: one SQL table's rows in a directory, transactional.
//
// Data: immutable part files (part_writer.h) plus a per-table write-ahead log
// (`wal-<generation>.log`) whose records are the table's durable history:
// small inserts (the "tail", kept in memory), parts added, deleted row ids,
// tail flushes, merges, truncates and column changes. Each WAL file starts
// with a checkpoint of the whole state (the manifest), so recovery reads one
// checkpoint and replays what follows. docs/formats/table-manifest.md has the
// byte layout and the recovery rules.
//
// Snapshots: snapshot() returns the state as of the latest commit, immutable
// and shared. Scans read a snapshot and never see later commits; parts that a
// merge or truncate replaced stay readable (and their files stay on disk)
// until the last snapshot referring to them is released.
//
// Row ids: every row has a stable RowId (part id, row index) for as long as
// its part lives. Tail rows get the id of the part their tail becomes, so a
// tail flush keeps ids; a merge gives new ids, and commits of writes whose
// snapshot predates the merge are translated to them.
//
// Writes: begin_write() -> TableWrite (insert, delete_rows, commit/abort).
// commit() makes the write visible and durable atomically: after a crash all
// or none of it survives. One commit at a time per table (a mutex held from
// validation to the end of the fdatasync). Write-write conflicts: commit fails
// with SQLSTATE 40001 when a row it deletes was deleted by a commit after its
// snapshot, or when the table's columns changed (or it was truncated) since.
//
// Failures: a failed WAL append or fdatasync fails the commit and fences the
// store (every later write fails with kUnavailable; reads continue on the last
// good state) until it is reopened, because the WAL's contents are unknown.
//
// Threading: every method may be called from any thread. snapshot() never
// waits for a commit's fdatasync. flush_tail(), merge_small_parts() are for a
// maintenance thread; they hold the commit mutex only to install their result
// (flush_tail holds it while writing the tail's part, which is small).
// A TableWrite is used by one thread at a time; the TableStore must outlive
// its TableWrites, scans and snapshots' scans.
#pragma once

#include <atomic>
#include <compare>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "columnar/part_reader.h"
#include "columnar/part_writer.h"
#include "columnar/zone_predicate.h"
#include "io/file_system.h"
#include "types/batch.h"
#include "types/value.h"

namespace strata::columnar {

// A row's identity: the id of its part (or tail) and its index there.
class RowId {
 public:
  constexpr RowId() = default;
  constexpr RowId(uint32_t part_id, uint32_t row_index) : v_((uint64_t{part_id} << 32) | row_index) {}
  // For carrying row ids in a bigint column through a plan.
  static constexpr RowId from_packed(int64_t packed) {
    RowId r;
    r.v_ = static_cast<uint64_t>(packed);
    return r;
  }
  constexpr int64_t packed() const { return static_cast<int64_t>(v_); }
  constexpr uint32_t part_id() const { return static_cast<uint32_t>(v_ >> 32); }
  constexpr uint32_t row_index() const { return static_cast<uint32_t>(v_); }
  friend constexpr auto operator<=>(const RowId&, const RowId&) = default;

 private:
  uint64_t v_ = 0;
};

// A column of the table. `field_id` is assigned by the store and never reused;
// `default_value` fills the column in rows written before it was added.
struct TableColumn {
  std::string name;
  types::Type type;
  types::Value default_value;
  uint32_t field_id = 0;
};

enum class Durability : uint8_t {
  kSync,    // commit returns after fdatasync of the WAL record
  kNoSync,  // commit returns once the record reached the OS (synchronous_commit = off):
            // a power failure may lose it, never corrupt the table
};

struct WriteOptions {
  Durability durability = Durability::kSync;
};

struct TableStoreOptions {
  PartWriterOptions part;  // row groups, compression, part_bytes_max
  PartReaderOptions reader;
  // Rows per part written by large inserts and merges.
  uint64_t part_rows_max = uint64_t{8} << 20;
  // A commit inserting at least this many rows writes them as part files;
  // smaller inserts go to the WAL and the in-memory tail.
  uint32_t insert_part_rows_min = 4096;
  // A TableWrite holding this many unwritten inserted rows writes them to a
  // (not yet visible) part file, bounding its memory.
  uint32_t write_spill_rows = 65536;
  // flush_tail() turns the tail into a part once it holds this much memory; a
  // commit that finds it past twice this flushes it itself.
  uint64_t tail_bytes_max = uint64_t{8} << 20;
  // Past this WAL size a commit flushes the tail and starts a new WAL file with a checkpoint.
  uint64_t wal_bytes_max = uint64_t{64} << 20;
  // merge_small_parts() merges parts with fewer rows than this, when there are
  // at least merge_parts_min of them.
  uint64_t small_part_rows_max = uint64_t{256} << 10;
  uint32_t merge_parts_min = 4;
};

// The units of work ("morsels") of one snapshot shared by several scans running in
// parallel: every row group of every part and every tail chunk, in scan order. Each
// scan holding the same ScanMorsels claims the next unclaimed unit when it needs
// rows, so together the scans return every live row exactly once (in no fixed
// order across scans). Thread-safe.
struct ScanMorsels {
  std::atomic<uint64_t> next_unit{0};
};

struct ScanSpec {
  std::vector<uint32_t> columns;          // positions in the snapshot's columns(), output order
  std::vector<ZonePredicate> predicates;  // ANDed; columns are positions in columns()
  size_t batch_rows = types::kBatchRows;  // rows per output batch, 1..kBatchRowsMax
  // Null: this scan reads every unit. Set: it reads only the units it claims
  // (all scans sharing it must be of the same snapshot, or the same write, and spec).
  std::shared_ptr<ScanMorsels> morsels;
};

struct ScanStats {
  uint64_t row_groups_read = 0;
  uint64_t row_groups_skipped = 0;  // by zone maps
  uint64_t rows_returned = 0;
};

class PartHandle;
class DeletionBitmap;
struct TailChunk;
class TableStore;

// The table as of one commit. Immutable; shared by every scan of it.
class TableSnapshot {
 public:
  struct Part {
    std::shared_ptr<PartHandle> part;
    std::shared_ptr<const DeletionBitmap> deleted;  // never null
  };

  // Commit sequence number: increases by one per commit or maintenance step.
  uint64_t version() const { return version_; }
  // Increases on add_column/drop_column/truncate.
  uint64_t schema_version() const { return schema_version_; }
  const std::vector<TableColumn>& columns() const { return columns_; }
  std::vector<types::Type> column_types() const;
  // Rows visible in this snapshot.
  uint64_t row_count() const { return row_count_; }
  size_t part_count() const { return parts_.size(); }
  uint64_t tail_rows() const { return tail_rows_; }

  // The parts and the tail (for the module's scans and for diagnostics).
  const std::vector<Part>& parts() const { return parts_; }
  uint32_t tail_part_id() const { return tail_part_id_; }
  const std::vector<std::shared_ptr<const TailChunk>>& tail_chunks() const { return tail_; }
  const std::shared_ptr<const DeletionBitmap>& tail_deleted() const { return tail_deleted_; }

 private:
  friend class TableStore;
  friend class TableWrite;
  friend class TableScan;
  friend struct StoreState;

  uint64_t version_ = 0;
  uint64_t schema_version_ = 0;
  std::vector<TableColumn> columns_;
  std::vector<Part> parts_;
  uint32_t tail_part_id_ = 0;
  std::vector<std::shared_ptr<const TailChunk>> tail_;
  uint64_t tail_rows_ = 0;
  uint64_t tail_bytes_ = 0;
  std::shared_ptr<const DeletionBitmap> tail_deleted_;
  uint64_t row_count_ = 0;
};

// An iterator over the live rows of a snapshot (and, for TableWrite::scan, the
// write's own pending changes). Keeps what it reads alive.
class TableScan {
 public:
  ~TableScan();
  // Fills `out` (columns of the spec, in order) with 1..batch_rows rows and
  // `row_ids` (when not null) with their ids, and returns true; false at the end.
  Result<bool> next(types::Batch* out, std::vector<RowId>* row_ids);
  const ScanStats& stats() const { return stats_; }

  struct Source;  // internal (table_store_impl.h)

 private:
  friend class TableStore;
  friend class TableWrite;
  TableScan(std::shared_ptr<const TableSnapshot> snapshot, ScanSpec spec);
  Status load_next_source_batch(bool* done);
  // Decodes row group (or tail chunk) `group` of `s` into current_*; sets *live when
  // it has live rows.
  Status load_unit(Source& s, size_t group, bool* live);
  // Appends the row ids of current_'s rows live[0..n).
  void append_row_ids(const uint32_t* live, size_t n, std::vector<RowId>* row_ids) const;

  std::shared_ptr<const TableSnapshot> snapshot_;
  ScanSpec spec_;
  std::vector<Source> sources_;
  size_t source_index_ = 0;
  size_t row_group_index_ = 0;
  std::vector<uint64_t> unit_starts_;  // morsel scans: first unit index of each source, then the total
  types::Batch current_;              // decoded rows of the current row group / chunk
  std::vector<uint32_t> current_live_;  // rows of current_ not deleted, increasing
  // Row id of current_'s row i: (current_id_part_, current_id_base_ + i).
  uint32_t current_id_part_ = 0;
  uint64_t current_id_base_ = 0;
  size_t current_pos_ = 0;
  std::vector<uint32_t> source_columns_;  // scratch
  ScanStats stats_;
};

// One write transaction's pending changes. Nothing is visible to others before
// commit(). Destroying an uncommitted write aborts it.
class TableWrite {
 public:
  ~TableWrite();
  TableWrite(const TableWrite&) = delete;
  TableWrite& operator=(const TableWrite&) = delete;

  // The snapshot the write was started on; its columns define insert()'s layout.
  const std::shared_ptr<const TableSnapshot>& snapshot() const { return snapshot_; }

  // Inserts every row of `batch` (all of the snapshot's columns, in order).
  Status insert(const types::Batch& batch);
  // Deletes rows by id: ids seen in the snapshot or returned by this write's
  // scan(). Repeated ids are deleted once. Ids not in the snapshot: kInvalidArgument.
  Status delete_rows(std::span<const RowId> rows);
  // The snapshot with this write's own inserts and deletes applied
  // (read-your-own-writes for a transaction's later statements).
  Result<std::unique_ptr<TableScan>> scan(ScanSpec spec) const;

  // Makes the write visible and durable (see the class comment of TableStore).
  // Errors: 40001 serialization_failure on a conflict; kUnavailable when the
  // store is fenced or dropped; kIoError when a write or sync failed (the
  // store is fenced if the WAL was touched). The write is finished afterwards.
  Status commit();
  // Drops the pending changes (and any part files written for them).
  void abort();

  uint64_t inserted_rows() const { return inserted_rows_; }
  uint64_t deleted_rows() const { return deleted_count_; }
  // Memory held by pending inserts not yet written to part files.
  uint64_t pending_bytes() const { return pending_bytes_; }

 private:
  friend class TableStore;
  TableWrite(TableStore* store, std::shared_ptr<const TableSnapshot> snapshot, WriteOptions options);
  Status spill();

  TableStore* store_;
  std::shared_ptr<const TableSnapshot> snapshot_;
  WriteOptions options_;
  bool finished_ = false;
  // Inserted rows still in memory (row ids kPendingPartId, index in insert order
  // after spilled rows) and the parts spilled rows were written to.
  std::vector<std::shared_ptr<const TailChunk>> pending_;
  uint64_t pending_rows_ = 0;
  uint64_t pending_bytes_ = 0;
  std::vector<TableSnapshot::Part> spilled_;
  std::vector<uint64_t> spilled_first_;  // pending index of each spilled part's first row
  uint64_t spilled_rows_ = 0;            // pending rows [0, spilled_rows_) are in spilled_
  std::shared_ptr<DeletionBitmap> pending_deleted_;
  // Deleted ids of the snapshot's rows, by part id (tail included).
  std::vector<std::pair<uint32_t, std::shared_ptr<DeletionBitmap>>> deleted_;
  uint64_t inserted_rows_ = 0;
  uint64_t deleted_count_ = 0;
};

struct TableStoreStats {
  uint64_t version = 0;
  uint64_t row_count = 0;
  size_t part_count = 0;
  size_t small_part_count = 0;
  uint64_t tail_rows = 0;
  uint64_t tail_bytes = 0;  // memory held by the tail
  uint64_t wal_bytes = 0;
  uint32_t wal_generation = 0;
  bool fenced = false;
};

class TableStore {
 public:
  // The part id of a TableWrite's in-memory inserted rows (TableWrite::scan).
  static constexpr uint32_t kPendingPartId = 0xFFFFFFFF;

  // Creates the directory (which must not hold a table) with the given columns
  // (field ids are assigned 1..n, overriding those passed).
  static Result<std::unique_ptr<TableStore>> create(io::FileSystem* fs, std::string dir,
                                                    std::vector<TableColumn> columns,
                                                    TableStoreOptions options = {});
  // Opens and recovers an existing table: reads the newest checkpoint, replays
  // the WAL after it (truncating a torn last record), and removes files no
  // longer referenced (old WAL files, unreferenced parts, temp files).
  // kNotFound when `dir` holds no table; kCorruption names the bad file.
  static Result<std::unique_ptr<TableStore>> open(io::FileSystem* fs, std::string dir,
                                                  TableStoreOptions options = {});
  ~TableStore();
  TableStore(const TableStore&) = delete;
  TableStore& operator=(const TableStore&) = delete;

  const std::string& dir() const { return dir_; }
  std::shared_ptr<const TableSnapshot> snapshot() const;
  // A scan of `snapshot` (kInvalidArgument for column positions out of range).
  static Result<std::unique_ptr<TableScan>> scan(std::shared_ptr<const TableSnapshot> snapshot, ScanSpec spec);
  std::unique_ptr<TableWrite> begin_write(WriteOptions options = {});

  // Maintenance (any thread; each is a no-op when there is nothing to do).
  // Writes the tail as a part when it holds at least tail_bytes_max (any
  // amount when `force`); row ids are kept.
  Status flush_tail(bool force = false);
  // Merges parts smaller than small_part_rows_max into parts of up to
  // part_rows_max rows, dropping deleted rows, and swaps them in atomically.
  Status merge_small_parts();
  // True when flush_tail() or merge_small_parts() has work.
  bool needs_maintenance() const;

  // DDL. Each is one atomic WAL record; open writes started before fail to commit (40001).
  // Removes every row (a new, empty version; old snapshots keep reading theirs).
  Status truncate();
  // Appends a column; existing rows read `default_value` (NULL allowed) for it.
  Status add_column(std::string name, types::Type type, types::Value default_value);
  // Removes the column at `index`; data stays in old parts until merged away.
  Status drop_column(uint32_t index);
  // Removes the directory and everything in it; the store refuses all later
  // writes. Snapshots taken before can still be scanned while held.
  Status drop();

  TableStoreStats stats() const;

 private:
  friend class TableWrite;
  struct Impl;
  explicit TableStore(std::unique_ptr<Impl> impl);
  Status commit(TableWrite* write);
  void end_write(uint64_t snapshot_version);
  Status flush_tail_locked(bool force);
  Status rotate_wal_locked();
  Status append_record_locked(int type, std::span<const uint8_t> payload, bool sync);
  void publish_locked(std::shared_ptr<const TableSnapshot> next);
  void fence_locked(const Status& cause);
  Status check_writable_locked() const;

  std::string dir_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::columnar
