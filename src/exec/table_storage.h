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
#include "types/batch.h"
#include "types/value.h"

namespace strata::exec {

class TableReadView {
 public:
  virtual ~TableReadView() = default;
  virtual uint64_t row_count() const = 0;
  // Calls `sink` with batches holding `columns` (table positions) and, when
  // with_row_id, a final bigint column of row ids. Stops at the first error.
  virtual Status scan(const std::vector<int32_t>& columns, bool with_row_id,
                      const std::function<Status(types::Batch&)>& sink) const = 0;
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
