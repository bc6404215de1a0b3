// TableStorage: what the engine needs from one table's stored rows. The durable
// implementation is over columnar::TableStore (engine.cc); MemoryTableStorage keeps
// rows in memory (unit tests, and system tables computed on the fly).
//
// Reads go through snapshots: a TableReadView sees the table as of one commit and
// never changes. Writes are collected in a TableWriteSet and applied atomically by
// commit(). Row ids are stable while the row exists and are never reused.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "columnar/table_store.h"
#include "columnar/zone_predicate.h"
#include "types/batch.h"
#include "types/value.h"

namespace strata::exec {

// What one scan of a read view returns: `columns` (table positions, in output
// order) and, when with_row_id, a final bigint column of row ids.
struct ScanRequest {
  std::vector<int32_t> columns;
  bool with_row_id = false;
  // Comparisons (column = table position) the storage may use to skip whole row
  // groups by their zone maps. Only an optimisation: rows that fail them may still
  // be returned, so the caller keeps its full WHERE clause.
  std::vector<columnar::ZonePredicate> zone_predicates;
  // Set: this scan is one of several parallel scans of the same view sharing the
  // cursor; together they return each row once. Only when supports_morsels().
  std::shared_ptr<columnar::ScanMorsels> morsels;
};

// A pull scan: next() fills `out` with 1..kBatchRowsMax rows and returns true, or
// returns false at the end (and on every later call).
class RowBatchIterator {
 public:
  virtual ~RowBatchIterator() = default;
  virtual Result<bool> next(types::Batch& out) = 0;
};

class TableReadView {
 public:
  virtual ~TableReadView() = default;
  virtual uint64_t row_count() const = 0;
  // Calls `sink` with batches holding `columns` (table positions) and, when
  // with_row_id, a final bigint column of row ids. Stops at the first error.
  virtual Status scan(const std::vector<int32_t>& columns, bool with_row_id,
                      const std::function<Status(types::Batch&)>& sink) const = 0;
  // The same rows as a pull iterator that keeps the view alive. The default
  // collects scan()'s batches first; storage with row groups streams them.
  // REQUIRES: request.morsels is null unless supports_morsels().
  virtual Result<std::unique_ptr<RowBatchIterator>> open(const ScanRequest& request) const;
  // True when open() honours ScanRequest::morsels (parallel scans).
  virtual bool supports_morsels() const { return false; }
};

// Pending changes of one table inside a statement or transaction block.
struct TableWriteSet {
  std::vector<types::Batch> inserted;  // full rows in table column order
  std::vector<int64_t> deleted;        // row ids of the snapshot the writes were based on
  bool truncated = false;              // every row of the snapshot is deleted
  bool empty() const { return inserted.empty() && deleted.empty() && !truncated; }
};

class TableStorage {
 public:
  virtual ~TableStorage() = default;
  virtual std::shared_ptr<const TableReadView> snapshot() = 0;
  // Applies `writes` atomically and durably (fdatasync when `sync`). Fails with
  // 40001 when a deleted row was deleted by another commit since `base`.
  virtual Status commit(const TableReadView& base, const TableWriteSet& writes, bool sync) = 0;
  // Schema changes (ALTER TABLE). New columns read `fill` in existing rows.
  virtual Status add_column(std::string name, types::Type type, types::Value fill) {
    return Status::sql("0A000", "this table storage cannot add columns");
  }
  virtual Status drop_column(uint32_t index) { return Status::sql("0A000", "this table storage cannot drop columns"); }
  // Background work (flush, merge); may do nothing.
  virtual Status maintain() { return Status::ok_status(); }
  // Removes the stored data for good (DROP TABLE).
  virtual Status destroy() = 0;
};

// Rows in memory; nothing survives a restart.
std::shared_ptr<TableStorage> make_memory_table_storage(std::vector<types::Type> column_types);

}  // namespace strata::exec
