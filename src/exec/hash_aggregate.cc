#include "exec/hash_aggregate.h"

#include <algorithm>
#include <cstddef>

#include "exec/hash_table.h"
#include "exec/memory_reservation.h"
#include "exec/row_hash.h"
#include "exec/sort.h"

namespace strata::exec {

using types::Batch;
using types::Type;
using types::Value;
using types::Vector;

namespace {

constexpr int kPartitionBits = 4;
constexpr size_t kPartitions = size_t{1} << kPartitionBits;
constexpr int kMaxSpillLevel = 15;
constexpr size_t kGroupsPerBlock = 1024;
constexpr size_t kStateAlign = 16;

size_t align_up(size_t n) { return (n + kStateAlign - 1) / kStateAlign * kStateAlign; }

// A vector of `rows` copies of `v`.
Vector constant_vector(const Value& v, size_t rows) {
  Vector out(v.type().id() == types::TypeId::kUnknown ? Type::unknown() : v.type(), rows);
  for (size_t i = 0; i < rows; ++i) out.set_value(i, v);
  return out;
}

}  // namespace

class HashAggregate::Pass {
 public:
  // input_rows: the rows of the spilled partition read by this pass (0: the child).
  Pass(HashAggregate& op, ExecContext& ctx, int level, uint64_t input_rows)
      : op_(op), ctx_(ctx), level_(level), input_rows_(input_rows), table_(op.input_types_, op.group_cols_), memory_(ctx.memory) {
    for (const AggregateSpec& a : op_.aggregates_) {
      offsets_.push_back(block_bytes_);
      block_bytes_ += align_up(std::max<size_t>(a.function->state_size, 1));
    }
    block_bytes_ = std::max<size_t>(block_bytes_, kStateAlign);
    aggs_.resize(op_.aggregates_.size());
    for (size_t a = 0; a < op_.aggregates_.size(); ++a) {
      const AggregateSpec& spec = op_.aggregates_[a];
      AggState& st = aggs_[a];
      // Side layout for DISTINCT / ordered aggregates: group id, args, order keys.
      st.side_types.push_back(Type::bigint());
      for (int c : spec.arg_cols) {
        st.side_cols.push_back(c);
        st.side_types.push_back(op_.input_types_[c]);
      }
      for (const SortKey& k : spec.order_by) {
        st.side_cols.push_back(k.column);
        st.side_types.push_back(op_.input_types_[k.column]);
      }
      if (spec.distinct) {
        std::vector<int> key;
        for (size_t i = 0; i <= spec.arg_cols.size(); ++i) key.push_back(static_cast<int>(i));
        st.distinct = std::make_unique<GroupHashTable>(st.side_types, key);
      }
      if (!spec.order_by.empty()) {
        std::vector<SortKey> keys = {SortKey::asc(0)};
        for (size_t k = 0; k < spec.order_by.size(); ++k) {
          SortKey key = spec.order_by[k];
          key.column = static_cast<int>(1 + spec.arg_cols.size() + k);
          keys.push_back(key);
        }
        st.sorter = std::make_unique<Sorter>(st.side_types, keys);
      }
    }
    if (op_.group_cols_.empty()) add_groups(1);
  }

  ~Pass() {
    for (size_t a = 0; a < op_.aggregates_.size(); ++a) {
      const auto& destroy = op_.aggregates_[a].function->destroy;
      if (!destroy) continue;
      for (size_t g = 0; g < group_count_; ++g) destroy(state(g) + offsets_[a]);
    }
    for (auto& f : partitions_) {
      if (f) f->close();
    }
  }

  int level() const { return level_; }

  Status consume(const Batch& in, OperatorStats& stats) {
    size_t n = in.rows;
    if (n == 0) return Status::ok_status();
    gids_.resize(n);
    if (op_.group_cols_.empty()) {
      std::fill(gids_.begin(), gids_.end(), 0u);
    } else {
      hashes_.resize(n);
      hash_rows(in, op_.group_cols_, hashes_.data());
      table_.find_or_insert(in, hashes_.data(), gids_.data(), !spilling_);
      if (table_.group_count() > group_count_) add_groups(table_.group_count() - group_count_);
    }
    // Rows whose group is in memory.
    selected_.clear();
    spilled_.clear();
    for (size_t r = 0; r < n; ++r) {
      if (gids_[r] == GroupHashTable::kNoGroup) {
        spilled_.push_back(static_cast<uint32_t>(r));
      } else {
        selected_.push_back(static_cast<uint32_t>(r));
      }
    }
    if (!spilled_.empty()) STRATA_RETURN_IF_ERROR(spill_rows(in, stats));
    for (size_t a = 0; a < op_.aggregates_.size(); ++a) {
      STRATA_RETURN_IF_ERROR(feed(a, in, stats));
    }
    if (!spilling_ && can_spill()) {
      size_t want = table_.size_bytes() + blocks_.size() * kGroupsPerBlock * block_bytes_;
      for (const AggState& st : aggs_) {
        if (st.distinct) want += st.distinct->size_bytes();
      }
      if (!memory_.try_grow_to(want)) spilling_ = true;
    }
    return Status::ok_status();
  }

  // Feeds the ordered aggregates and closes the spill files.
  Status finish(OperatorStats& stats) {
    for (size_t a = 0; a < op_.aggregates_.size(); ++a) {
      AggState& st = aggs_[a];
      if (!st.sorter) continue;
      STRATA_RETURN_IF_ERROR(st.sorter->finish(ctx_, stats));
      while (true) {
        STRATA_RETURN_IF_ERROR(ctx_.check_cancel());
        Batch sorted;
        STRATA_ASSIGN_OR_RETURN(bool more, st.sorter->next(ctx_, sorted));
        if (!more) break;
        STRATA_RETURN_IF_ERROR(update_from_side(a, sorted));
      }
      st.sorter->close();
    }
    for (size_t p = 0; p < partitions_.size(); ++p) {
      if (!partitions_[p]) continue;
      if (buffers_[p].rows > 0) STRATA_RETURN_IF_ERROR(partitions_[p]->write(buffers_[p]));
      buffers_[p] = Batch();
      STRATA_RETURN_IF_ERROR(partitions_[p]->finish());
      stats.spilled_bytes += partitions_[p]->size_bytes();
    }
    return Status::ok_status();
  }

  // The next batch of groups: false when all were emitted.
  Result<bool> emit(Batch& out) {
    out = Batch(op_.output_types());
    if (emitted_ >= group_count_) return false;
    size_t n = std::min(types::kBatchRows, group_count_ - emitted_);
    if (!op_.group_cols_.empty()) {
      ids_.resize(n);
      for (size_t i = 0; i < n; ++i) ids_[i] = emitted_ + i;
      table_.keys().gather(ids_.data(), n, out, 0);
    }
    size_t first_agg = op_.group_cols_.size();
    for (size_t a = 0; a < op_.aggregates_.size(); ++a) {
      Vector& col = out.columns[first_agg + a];
      col.resize(n);
      const auto& finalize = op_.aggregates_[a].function->finalize;
      for (size_t i = 0; i < n; ++i) STRATA_RETURN_IF_ERROR(finalize(state(emitted_ + i) + offsets_[a], col, i));
    }
    out.rows = n;
    emitted_ += n;
    return true;
  }

  std::vector<std::unique_ptr<SpillFile>> take_partitions() {
    std::vector<std::unique_ptr<SpillFile>> out;
    for (auto& f : partitions_) {
      if (f && f->row_count() > 0) out.push_back(std::move(f));
    }
    partitions_.clear();
    return out;
  }

 private:
  struct AggState {
    std::vector<int> side_cols;    // input columns copied to the side layout after the group id
    std::vector<Type> side_types;  // bigint group id, args, order keys
    std::unique_ptr<GroupHashTable> distinct;
    std::unique_ptr<Sorter> sorter;
  };

  // A spilled partition too small to split usefully is aggregated over the budget.
  bool can_spill() const {
    return !op_.group_cols_.empty() && level_ < kMaxSpillLevel &&
           (input_rows_ == 0 || input_rows_ > 2 * types::kBatchRows);
  }

  uint8_t* state(size_t group) {
    return reinterpret_cast<uint8_t*>(blocks_[group / kGroupsPerBlock].get()) +
           (group % kGroupsPerBlock) * block_bytes_;
  }

  void add_groups(size_t count) {
    for (size_t i = 0; i < count; ++i) {
      size_t g = group_count_++;
      if (g / kGroupsPerBlock >= blocks_.size()) {
        size_t words = kGroupsPerBlock * block_bytes_ / sizeof(std::max_align_t);
        blocks_.push_back(std::make_unique<std::max_align_t[]>(words));
      }
      uint8_t* s = state(g);
      for (size_t a = 0; a < op_.aggregates_.size(); ++a) op_.aggregates_[a].function->init(s + offsets_[a]);
    }
  }

  Status spill_rows(const Batch& in, OperatorStats& stats) {
    if (partitions_.empty()) {
      partitions_.resize(kPartitions);
      buffers_.resize(kPartitions);
    }
    std::vector<uint32_t> rows;
    for (size_t p = 0; p < kPartitions; ++p) {
      rows.clear();
      for (uint32_t r : spilled_) {
        if (partition_of(hashes_[r], level_, kPartitionBits) == p) rows.push_back(r);
      }
      if (rows.empty()) continue;
      if (!partitions_[p]) {
        STRATA_ASSIGN_OR_RETURN(partitions_[p], SpillFile::create(ctx_, "agg-partition", op_.input_types_));
        buffers_[p] = Batch(op_.input_types_);
      }
      buffers_[p].append_selected(in, rows.data(), rows.size());
      if (buffers_[p].rows >= types::kBatchRows) {
        STRATA_RETURN_IF_ERROR(partitions_[p]->write(buffers_[p]));
        buffers_[p] = Batch(op_.input_types_);
      }
    }
    (void)stats;
    return Status::ok_status();
  }

  // Rows of `selected_` that this aggregate counts: FILTER TRUE, and no NULL
  // argument for a strict function.
  void rows_for(size_t a, const Batch& in, std::vector<uint32_t>& rows) const {
    const AggregateSpec& spec = op_.aggregates_[a];
    rows.clear();
    const uint8_t* filter = nullptr;
    const uint8_t* filter_nulls = nullptr;
    if (spec.filter_col >= 0) {
      filter = in.columns[spec.filter_col].data<uint8_t>();
      filter_nulls = in.columns[spec.filter_col].nulls();
    }
    bool strict = spec.function->strict && !spec.arg_cols.empty();
    for (uint32_t r : selected_) {
      if (filter != nullptr && (!filter[r] || filter_nulls[r])) continue;
      if (strict && any_null(in, spec.arg_cols, r)) continue;
      rows.push_back(r);
    }
  }

  Status feed(size_t a, const Batch& in, OperatorStats& stats) {
    const AggregateSpec& spec = op_.aggregates_[a];
    AggState& st = aggs_[a];
    rows_for(a, in, rows_);
    if (rows_.empty()) return Status::ok_status();
    if (!st.distinct && !st.sorter) {
      std::vector<const Vector*> args;
      std::vector<Vector> owned;
      owned.reserve(spec.direct_args.size() + spec.arg_cols.size());
      for (const Value& v : spec.direct_args) owned.push_back(constant_vector(v, rows_.size()));
      bool all = rows_.size() == in.rows;
      for (int c : spec.arg_cols) {
        if (!all) {
          owned.emplace_back(in.columns[c].type());
          owned.back().append_selected(in.columns[c], rows_.data(), rows_.size());
        }
      }
      size_t k = 0;
      for (size_t i = 0; i < spec.direct_args.size(); ++i) args.push_back(&owned[k++]);
      for (int c : spec.arg_cols) args.push_back(all ? &in.columns[c] : &owned[k++]);
      states_.resize(rows_.size());
      for (size_t i = 0; i < rows_.size(); ++i) states_[i] = state(gids_[rows_[i]]) + offsets_[a];
      return spec.function->update(states_.data(), args, rows_.size());
    }
    // The side layout: group id, args, order keys.
    Batch side(st.side_types);
    Vector& gid = side.columns[0];
    gid.resize(rows_.size());
    for (size_t i = 0; i < rows_.size(); ++i) gid.data<int64_t>()[i] = gids_[rows_[i]];
    for (size_t k = 0; k < st.side_cols.size(); ++k) {
      side.columns[1 + k].append_selected(in.columns[st.side_cols[k]], rows_.data(), rows_.size());
    }
    side.rows = rows_.size();
    if (st.distinct) {
      std::vector<uint64_t> h(side.rows);
      hash_rows(side, st.distinct->key_cols(), h.data());
      std::vector<uint32_t> ids(side.rows);
      std::vector<uint8_t> fresh(side.rows);
      st.distinct->find_or_insert(side, h.data(), ids.data(), true, fresh.data());
      std::vector<uint32_t> keep;
      for (size_t i = 0; i < side.rows; ++i) {
        if (fresh[i]) keep.push_back(static_cast<uint32_t>(i));
      }
      if (keep.size() < side.rows) {
        Batch kept(st.side_types);
        kept.append_selected(side, keep.data(), keep.size());
        side = std::move(kept);
      }
      if (side.rows == 0) return Status::ok_status();
    }
    if (st.sorter) return st.sorter->add(ctx_, side, stats);
    return update_from_side(a, side);
  }

  // Feeds rows of the side layout (group id in column 0, then the args).
  Status update_from_side(size_t a, const Batch& side) {
    const AggregateSpec& spec = op_.aggregates_[a];
    std::vector<Vector> consts;
    for (const Value& v : spec.direct_args) consts.push_back(constant_vector(v, side.rows));
    std::vector<const Vector*> args;
    for (const Vector& v : consts) args.push_back(&v);
    for (size_t k = 0; k < spec.arg_cols.size(); ++k) args.push_back(&side.columns[1 + k]);
    states_.resize(side.rows);
    const int64_t* g = side.columns[0].data<int64_t>();
    for (size_t i = 0; i < side.rows; ++i) states_[i] = state(static_cast<size_t>(g[i])) + offsets_[a];
    return spec.function->update(states_.data(), args, side.rows);
  }

  HashAggregate& op_;
  ExecContext& ctx_;
  int level_;
  uint64_t input_rows_;
  GroupHashTable table_;
  MemoryReservation memory_;
  std::vector<size_t> offsets_;
  size_t block_bytes_ = 0;
  std::vector<std::unique_ptr<std::max_align_t[]>> blocks_;
  size_t group_count_ = 0;
  std::vector<AggState> aggs_;
  bool spilling_ = false;
  std::vector<std::unique_ptr<SpillFile>> partitions_;
  std::vector<Batch> buffers_;
  size_t emitted_ = 0;
  // Per-batch scratch.
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> gids_;
  std::vector<uint32_t> selected_;
  std::vector<uint32_t> spilled_;
  std::vector<uint32_t> rows_;
  std::vector<uint8_t*> states_;
  std::vector<uint64_t> ids_;
};

namespace {

std::vector<Type> output_types_of(const std::vector<Type>& input, const std::vector<int>& group_cols,
                                  const std::vector<AggregateSpec>& aggregates) {
  std::vector<Type> out;
  for (int c : group_cols) out.push_back(input.at(c));
  for (const AggregateSpec& a : aggregates) out.push_back(a.result_type);
  return out;
}

}  // namespace

HashAggregate::HashAggregate(OperatorPtr child, std::vector<int> group_cols, std::vector<AggregateSpec> aggregates)
    : Operator(output_types_of(child->output_types(), group_cols, aggregates)),
      input_types_(child->output_types()),
      group_cols_(std::move(group_cols)),
      aggregates_(std::move(aggregates)) {
  for (const AggregateSpec& a : aggregates_) {
    STRATA_ASSERT(a.function != nullptr, "HashAggregate: aggregate without a function");
    STRATA_ASSERT(a.direct_args.size() == a.function->direct_args, "HashAggregate: direct argument count");
  }
  add_child(std::move(child));
}

HashAggregate::~HashAggregate() = default;

std::string HashAggregate::detail() const {
  std::string s;
  if (!group_cols_.empty()) {
    s += "group: ";
    for (size_t i = 0; i < group_cols_.size(); ++i) s += (i ? ", #" : "#") + std::to_string(group_cols_[i]);
  }
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    const AggregateSpec& spec = aggregates_[a];
    s += s.empty() ? "" : (a == 0 ? "; " : ", ");
    s += spec.function->name + "(";
    if (spec.distinct) s += "DISTINCT ";
    for (size_t i = 0; i < spec.direct_args.size(); ++i) s += (i ? ", " : "") + spec.direct_args[i].to_text();
    for (size_t i = 0; i < spec.arg_cols.size(); ++i) {
      s += (i || !spec.direct_args.empty() ? ", #" : "#") + std::to_string(spec.arg_cols[i]);
    }
    if (spec.arg_cols.empty() && spec.direct_args.empty()) s += "*";
    if (!spec.order_by.empty()) s += " ORDER BY " + sort_keys_to_string(spec.order_by);
    s += ")";
    if (spec.filter_col >= 0) s += " FILTER #" + std::to_string(spec.filter_col);
  }
  return s;
}

Status HashAggregate::open(ExecContext& ctx) {
  pass_.reset();
  pending_.clear();
  started_ = false;
  return Operator::open(ctx);
}

void HashAggregate::close() {
  pass_.reset();
  pending_.clear();
  Operator::close();
}

Status HashAggregate::start_pass(std::unique_ptr<SpillFile> input, int level) {
  pass_ = std::make_unique<Pass>(*this, ctx(), level, input ? input->row_count() : 0);
  while (true) {
    STRATA_RETURN_IF_ERROR(ctx().check_cancel());
    Batch in;
    bool more;
    if (input) {
      STRATA_ASSIGN_OR_RETURN(more, input->read(in));
    } else {
      STRATA_ASSIGN_OR_RETURN(more, child(0).pull(in));
    }
    if (!more) break;
    STRATA_RETURN_IF_ERROR(pass_->consume(in, stats_));
  }
  if (input) input->close();
  return pass_->finish(stats_);
}

Result<bool> HashAggregate::next(Batch& out) {
  if (!started_) {
    started_ = true;
    STRATA_RETURN_IF_ERROR(start_pass(nullptr, 0));
  }
  while (pass_) {
    STRATA_RETURN_IF_ERROR(ctx().check_cancel());
    STRATA_ASSIGN_OR_RETURN(bool more, pass_->emit(out));
    if (more) return true;
    int level = pass_->level();
    for (auto& f : pass_->take_partitions()) pending_.push_back(Pending{std::move(f), level + 1});
    pass_.reset();
    if (pending_.empty()) break;
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    STRATA_RETURN_IF_ERROR(start_pass(std::move(p.file), p.level));
  }
  out = Batch(output_types());
  return false;
}

}  // namespace strata::exec
