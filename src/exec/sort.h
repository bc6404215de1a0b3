// Sort (ORDER BY), TopN (ORDER BY ... LIMIT) and Sorter, the spilling sort they and
// Window share.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "exec/memory_reservation.h"
#include "exec/operator.h"
#include "exec/row_compare.h"
#include "exec/row_store.h"
#include "exec/spill_file.h"

namespace strata::exec {

struct SorterMerge;

// A stable sort of a stream of batches, external when the memory budget refuses:
// rows collect in a RowStore; when the budget refuses the next batch, the collected
// rows are sorted and written as a run (a SpillFile); finish() merges the runs
// (kMergeFanIn at a time, in passes when there are more). Ties keep input order: runs
// hold consecutive input and the merge breaks ties by run number.
//
// Lifecycle: add()* -> finish() -> next()* -> close(). The merge's read buffers (one
// batch per run, at most kMergeFanIn) are not counted in the budget.
class Sorter {
 public:
  static constexpr size_t kMergeFanIn = 32;

  Sorter(std::vector<types::Type> types, std::vector<SortKey> keys);
  ~Sorter();

  // REQUIRES: ctx.memory set. `stats` collects spilled bytes.
  Status add(ExecContext& ctx, const types::Batch& batch, OperatorStats& stats);
  Status finish(ExecContext& ctx, OperatorStats& stats);
  // The next sorted batch (at most kBatchRows rows), or false at the end.
  Result<bool> next(ExecContext& ctx, types::Batch& out);
  void close();

  size_t run_count() const { return runs_.size(); }
  const RowComparator& comparator() const { return comparator_; }

 private:
  void sort_store();
  Status spill_store(ExecContext& ctx, OperatorStats& stats);

  std::vector<types::Type> types_;
  RowComparator comparator_;
  RowStore store_;
  std::vector<uint64_t> order_;  // store_ row ids in sorted order
  size_t emitted_ = 0;
  MemoryReservation memory_;
  std::vector<std::unique_ptr<SpillFile>> runs_;
  std::unique_ptr<SorterMerge> merge_;  // the final merge, when there are runs
  bool finished_ = false;
};

// Sorts its input by `keys` (stable: peers keep input order).
// Output: the child's columns, sorted. Spills runs under memory pressure.
class Sort final : public Operator {
 public:
  Sort(OperatorPtr child, std::vector<SortKey> keys);
  std::string name() const override { return "Sort"; }
  std::string detail() const override { return "keys: " + sort_keys_to_string(keys_); }
  Status open(ExecContext& ctx) override;
  void close() override;

 protected:
  Result<bool> next(types::Batch& out) override;

 private:
  std::vector<SortKey> keys_;
  std::unique_ptr<Sorter> sorter_;
  bool sorted_ = false;
};

// ORDER BY keys LIMIT limit OFFSET offset: keeps the best limit + offset rows
// (compacting its buffer whenever it holds twice that many, and dropping input rows
// that cannot beat the current last kept row), then returns rows [offset, offset +
// limit) of the sorted order. Stable like Sort. When the budget refuses its buffer it
// falls back to a spilling Sorter for the rest of the input.
// Output: the child's columns. REQUIRES: limit >= 0, offset >= 0.
class TopN final : public Operator {
 public:
  TopN(OperatorPtr child, std::vector<SortKey> keys, int64_t limit, int64_t offset);
  std::string name() const override { return "TopN"; }
  std::string detail() const override;
  Status open(ExecContext& ctx) override;
  void close() override;

 protected:
  Result<bool> next(types::Batch& out) override;

 private:
  Status consume();
  Status compact();

  std::vector<SortKey> keys_;
  RowComparator comparator_;
  uint64_t limit_;
  uint64_t offset_;
  uint64_t keep_;  // limit + offset
  RowStore store_;  // kept rows (sorted, first `sorted_prefix_` rows) + new candidates
  size_t sorted_prefix_ = 0;
  MemoryReservation memory_;
  std::unique_ptr<Sorter> fallback_;
  std::vector<uint64_t> order_;
  uint64_t position_ = 0;  // rows of the sorted order consumed so far (for output)
  bool consumed_ = false;
};

}  // namespace strata::exec
