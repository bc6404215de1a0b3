// HashJoin: equi-joins of every JoinKind, with an optional residual predicate and
// grace-hash spilling.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "exec/join_kind.h"
#include "exec/memory_reservation.h"
#include "exec/operator.h"
#include "exec/row_compare.h"
#include "exec/spill_file.h"

namespace strata::exec {

class JoinTable;

// Joins probe_child (first child, the "left"/outer side of kLeft) with build_child
// (second child, hashed) on probe_keys[i] = build_keys[i]. Key columns have the
// same types on both sides (integer widths may differ). NULL keys never match.
// `residual` (may be null) is evaluated on the combined row probe ++ build; a pair
// matches when it is TRUE.
//
// Output columns: join_output_types(kind, probe, build): probe ++ build for
// inner/left/right/full (missing side NULL), probe only for semi/anti, probe ++
// boolean for mark.
//
// Mark: TRUE with a match; otherwise FALSE when the build side is empty; otherwise
// NULL when the probe key has a NULL or some build row could match if its NULLs took
// values (and passes the residual); otherwise FALSE.
// null_aware (with kAnti): NOT IN: a probe row qualifies exactly when its mark is
// FALSE (so a NULL build key rejects every row, and a NULL probe key qualifies only
// on an empty build side).
//
// Spilling (grace hash join): when the MemoryBudget refuses the build table, the
// build rows read so far and the rest of the build side go to 16 partition files by
// hash, then the probe side is partitioned the same way, and each partition pair is
// joined in turn (re-partitioned with the next hash bits when its build side does
// not fit either, down to 15 levels). Mark and null-aware joins spill only with a
// single key and no residual (their NULL rule needs the whole build side otherwise);
// then they run over the budget. Right/full joins emit unmatched build rows per
// partition. Output order is not defined.
//
// One integer key whose build values span at most max(buckets, 32 x rows) slots,
// capped at 4M (dimension keys 1..n, yyyymmdd dates), is joined through a direct
// array indexed by key - min: no hashing of probe rows and no key comparisons.
//
// Parallel plan (later): the build table is a RowStore plus chain arrays that
// workers can build per hash partition and probe read-only.
class HashJoin final : public Operator {
 public:
  HashJoin(OperatorPtr probe_child, OperatorPtr build_child, std::vector<int> probe_keys, std::vector<int> build_keys,
           JoinKind kind, BatchExpressionPtr residual, bool null_aware);
  ~HashJoin() override;
  std::string name() const override { return "HashJoin"; }
  std::string detail() const override;
  Status open(ExecContext& ctx) override;
  void close() override;

 protected:
  Result<bool> next(types::Batch& out) override;

 private:
  // Reads batches from a child or a spill file.
  struct Source {
    Operator* op = nullptr;
    SpillFile* file = nullptr;
    Result<bool> read(types::Batch& out) { return op != nullptr ? op->pull(out) : file->read(out); }
  };
  struct Partition {
    std::unique_ptr<SpillFile> build;
    std::unique_ptr<SpillFile> probe;
    int level;
  };
  enum class Phase : uint8_t { kStart, kProbe, kUnmatched, kNextPartition, kDone };

  bool can_spill(int level) const;
  // Builds table_ from `build`; on memory pressure partitions both sides into
  // partitions_ instead (returns true then).
  Result<bool> build_table(Source build, Source probe, int level);
  Status partition_side(Source source, const std::vector<types::Batch>* first, const std::vector<int>& keys,
                        const std::vector<types::Type>& types, int level,
                        std::vector<std::unique_ptr<SpillFile>>& files);
  // Produces output from the current probe batch (pairs, then its tail rows).
  Status probe_step(types::Batch& out);
  Status emit_pairs(const std::vector<uint32_t>& probe_rows, const std::vector<uint64_t>& build_rows,
                    types::Batch& out);
  Status probe_tail(types::Batch& out);
  Result<bool> mark_value_is_null(size_t row);
  Status combine(const types::Batch& probe, const std::vector<uint32_t>& probe_rows,
                 const std::vector<uint64_t>& build_rows, types::Batch& combined) const;
  Status residual_passes(const std::vector<uint32_t>& probe_rows, const std::vector<uint64_t>& build_rows,
                         std::vector<uint8_t>& pass);

  std::vector<types::Type> probe_types_;
  std::vector<types::Type> build_types_;
  std::vector<types::Type> pair_types_;  // probe ++ build
  std::vector<int> probe_keys_;
  std::vector<int> build_keys_;
  JoinKind kind_;
  BatchExpressionPtr residual_;
  bool null_aware_;
  RowEquality equal_;  // probe keys vs build keys, NULL never equal

  Phase phase_ = Phase::kStart;
  std::unique_ptr<JoinTable> table_;
  MemoryReservation memory_;
  uint64_t build_rows_total_ = 0;
  bool build_has_null_key_ = false;
  std::deque<Partition> partitions_;
  Partition current_;  // the partition being joined (its files)
  Source probe_source_;

  // Current probe batch.
  types::Batch probe_;
  bool have_probe_ = false;
  std::vector<uint64_t> probe_hashes_;
  std::vector<int64_t> probe_ints_;  // the key as int64 when int_probe()
  // Both sides have one integer key column: probes use JoinTable::int_keys().
  bool int_probe() const;
  std::vector<uint8_t> probe_matched_;
  size_t probe_row_ = 0;
  uint64_t chain_ = 0;
  bool chain_started_ = false;
  uint64_t unmatched_cursor_ = 0;
};

}  // namespace strata::exec
