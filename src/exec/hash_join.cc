#include "exec/hash_join.h"

#include <algorithm>

#include "exec/row_hash.h"
#include "exec/row_store.h"

namespace strata::exec {

using types::Batch;
using types::Type;
using types::Vector;

namespace {

constexpr int kPartitionBits = 4;
constexpr size_t kPartitions = size_t{1} << kPartitionBits;
constexpr int kMaxSpillLevel = 15;
constexpr uint64_t kEnd = UINT64_MAX;
// The most slots of a direct-array join table (32 MiB of chain heads).
constexpr uint64_t kDenseSlotsMax = uint64_t{1} << 22;

std::vector<Type> concat(const std::vector<Type>& a, const std::vector<Type>& b) {
  std::vector<Type> out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace

// The build side: rows in a RowStore, chained by hash (heads_ per bucket, next_ per
// row). Rows with a NULL key are stored (right/full joins emit them, the mark rule
// scans them) but not chained.
// Appends the first `rows` values of an integer vector (smallint, integer, bigint)
// as int64.
void append_int_keys(const Vector& v, size_t rows, std::vector<int64_t>& out) {
  size_t at = out.size();
  out.resize(at + rows);
  switch (v.type().id()) {
    case types::TypeId::kSmallInt:
      for (size_t i = 0; i < rows; ++i) out[at + i] = v.data<int16_t>()[i];
      break;
    case types::TypeId::kInteger:
      for (size_t i = 0; i < rows; ++i) out[at + i] = v.data<int32_t>()[i];
      break;
    default:
      for (size_t i = 0; i < rows; ++i) out[at + i] = v.data<int64_t>()[i];
      break;
  }
}

class JoinTable {
 public:
  JoinTable(const std::vector<Type>& types, const std::vector<int>& keys)
      : store_(types), keys_(keys), int_key_(keys.size() == 1 && types[static_cast<size_t>(keys[0])].is_integer()) {}

  void add(const Batch& b, const uint64_t* hashes) {
    store_.append(b);
    hashes_.insert(hashes_.end(), hashes, hashes + b.rows);
    for (size_t r = 0; r < b.rows; ++r) key_null_.push_back(any_null(b, keys_, r) ? 1 : 0);
    if (int_key_) append_int_keys(b.columns[static_cast<size_t>(keys_[0])], b.rows, int_keys_);
  }

  // One integer key column: its values as int64 per stored row (0 for NULL), so
  // probes compare keys without the general row comparison.
  bool int_key() const { return int_key_; }
  const int64_t* int_keys() const { return int_keys_.data(); }

  void finalize() {
    size_t buckets = 1024;
    while (buckets < store_.rows() * 2) buckets *= 2;
    choose_dense(buckets);
    unique_ = dense_;
    heads_.assign(dense_ ? dense_size_ : buckets, kEnd);
    next_.assign(store_.rows(), kEnd);
    mask_ = buckets - 1;
    // Insert back to front so chains list rows in input order.
    for (size_t i = store_.rows(); i-- > 0;) {
      if (key_null_[i]) {
        null_key_rows_.push_back(i);
        continue;
      }
      size_t b = dense_ ? static_cast<size_t>(static_cast<uint64_t>(int_keys_[i]) - static_cast<uint64_t>(dense_min_))
                        : hashes_[i] & mask_;
      if (heads_[b] != kEnd) unique_ = false;  // (dense: a repeated key)
      next_[i] = heads_[b];
      heads_[b] = i;
    }
    std::reverse(null_key_rows_.begin(), null_key_rows_.end());
    matched_.assign(store_.rows(), 0);
  }

  // Dense: one integer key whose values span few enough slots (choose_dense). Then heads_ is indexed by key - dense_min_, each
  // chain holds exactly the rows of one key value, and probes need neither a hash
  // nor a key comparison.
  bool dense() const { return dense_; }
  // Dense and no key value repeats: every chain has one row.
  bool dense_unique() const { return dense_ && unique_; }
  // The first row whose key is `key` (kEnd when none).
  uint64_t dense_head(int64_t key) const {
    uint64_t slot = static_cast<uint64_t>(key) - static_cast<uint64_t>(dense_min_);
    return slot < dense_size_ ? heads_[slot] : kEnd;
  }

  size_t size_bytes() const {
    // Stored rows, per-row hash, NULL flag, chain link and match flag, and the
    // buckets (two per row until finalize() sizes them).
    size_t buckets = std::max(heads_.size(), store_.rows() * 2);
    return store_.size_bytes() + store_.rows() * (8 + 1 + 8 + 1) + buckets * sizeof(uint64_t) +
           int_keys_.size() * sizeof(int64_t);
  }
  size_t rows() const { return store_.rows(); }
  const RowStore& store() const { return store_; }
  uint64_t head(uint64_t hash) const { return heads_[hash & mask_]; }
  uint64_t next(uint64_t row) const { return next_[row]; }
  uint64_t hash(uint64_t row) const { return hashes_[row]; }
  std::vector<uint8_t>& matched() { return matched_; }
  const std::vector<uint64_t>& null_key_rows() const { return null_key_rows_; }

 private:
  RowStore store_;
  std::vector<int> keys_;
  std::vector<uint64_t> hashes_;
  std::vector<uint8_t> key_null_;
  std::vector<uint64_t> heads_;
  std::vector<uint64_t> next_;
  size_t mask_ = 0;
  std::vector<uint8_t> matched_;
  std::vector<uint64_t> null_key_rows_;
  bool int_key_ = false;
  std::vector<int64_t> int_keys_;
  bool dense_ = false;
  bool unique_ = false;
  int64_t dense_min_ = 0;
  uint64_t dense_size_ = 0;

  void choose_dense(size_t buckets) {
    dense_ = false;
    if (!int_key_) return;
    bool any = false;
    int64_t lo = 0, hi = 0;
    for (size_t i = 0; i < int_keys_.size(); ++i) {
      if (key_null_[i]) continue;
      int64_t k = int_keys_[i];
      if (!any || k < lo) lo = k;
      if (!any || k > hi) hi = k;
      any = true;
    }
    if (!any) return;
    // hi - lo may overflow int64: compare in unsigned arithmetic.
    uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    // Up to 32 slots per row (date keys like 19920101..19981230 over 2556 rows
    // qualify), never more than kDenseSlotsMax.
    uint64_t limit = std::min<uint64_t>(std::max<uint64_t>(buckets, 32 * uint64_t{int_keys_.size()}), kDenseSlotsMax);
    if (span >= limit) return;
    dense_ = true;
    dense_min_ = lo;
    dense_size_ = span + 1;
  }
};

HashJoin::HashJoin(OperatorPtr probe_child, OperatorPtr build_child, std::vector<int> probe_keys,
                   std::vector<int> build_keys, JoinKind kind, BatchExpressionPtr residual, bool null_aware)
    : Operator(join_output_types(kind, probe_child->output_types(), build_child->output_types())),
      probe_types_(probe_child->output_types()),
      build_types_(build_child->output_types()),
      pair_types_(concat(probe_types_, build_types_)),
      probe_keys_(std::move(probe_keys)),
      build_keys_(std::move(build_keys)),
      kind_(kind),
      residual_(std::move(residual)),
      null_aware_(null_aware) {
  STRATA_ASSERT(!probe_keys_.empty() && probe_keys_.size() == build_keys_.size(), "HashJoin: key lists");
  STRATA_ASSERT(!null_aware_ || kind_ == JoinKind::kAnti, "HashJoin: null_aware applies to anti joins");
  equal_ = RowEquality(probe_keys_, probe_types_, build_keys_, build_types_, false);
  add_child(std::move(probe_child));
  add_child(std::move(build_child));
}

HashJoin::~HashJoin() = default;

std::string HashJoin::detail() const {
  std::string s(join_kind_name(kind_));
  if (null_aware_) s += " (null-aware)";
  s += ", keys: ";
  for (size_t i = 0; i < probe_keys_.size(); ++i) {
    s += (i ? ", #" : "#") + std::to_string(probe_keys_[i]) + " = #" + std::to_string(build_keys_[i]);
  }
  if (residual_) s += ", residual: " + residual_->to_string();
  return s;
}

Status HashJoin::open(ExecContext& ctx) {
  phase_ = Phase::kStart;
  table_.reset();
  partitions_.clear();
  current_ = Partition{};
  build_rows_total_ = 0;
  build_has_null_key_ = false;
  have_probe_ = false;
  memory_.set_budget(ctx.memory);
  return Operator::open(ctx);
}

void HashJoin::close() {
  table_.reset();
  partitions_.clear();
  current_ = Partition{};
  probe_ = Batch();
  have_probe_ = false;
  memory_.release();
  Operator::close();
}

bool HashJoin::can_spill(int level) const {
  if (level >= kMaxSpillLevel) return false;
  bool mark_rule = kind_ == JoinKind::kMark || null_aware_;
  return !mark_rule || (probe_keys_.size() == 1 && !residual_);
}

Status HashJoin::partition_side(Source source, const std::vector<Batch>* first, const std::vector<int>& keys,
                                const std::vector<Type>& types, int level,
                                std::vector<std::unique_ptr<SpillFile>>& files) {
  files.clear();
  files.resize(kPartitions);
  std::vector<Batch> buffers(kPartitions);
  for (auto& b : buffers) b = Batch(types);
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> rows;
  auto add = [&](const Batch& in) -> Status {
    hashes.resize(in.rows);
    hash_rows(in, keys, hashes.data());
    for (size_t p = 0; p < kPartitions; ++p) {
      rows.clear();
      for (size_t r = 0; r < in.rows; ++r) {
        if (partition_of(hashes[r], level, kPartitionBits) == p) rows.push_back(static_cast<uint32_t>(r));
      }
      if (rows.empty()) continue;
      buffers[p].append_selected(in, rows.data(), rows.size());
      if (buffers[p].rows >= types::kBatchRows) {
        if (!files[p]) {
          STRATA_ASSIGN_OR_RETURN(files[p], SpillFile::create(ctx(), "join-partition", types));
        }
        STRATA_RETURN_IF_ERROR(files[p]->write(buffers[p]));
        buffers[p] = Batch(types);
      }
    }
    return Status::ok_status();
  };
  if (first != nullptr) {
    for (const Batch& b : *first) STRATA_RETURN_IF_ERROR(add(b));
  }
  while (true) {
    STRATA_RETURN_IF_ERROR(ctx().check_cancel());
    Batch in;
    STRATA_ASSIGN_OR_RETURN(bool more, source.read(in));
    if (!more) break;
    if (source.op != nullptr && &types == &build_types_ && level == 0) {
      build_rows_total_ += in.rows;
      for (size_t r = 0; r < in.rows && !build_has_null_key_; ++r) build_has_null_key_ = any_null(in, keys, r);
    }
    STRATA_RETURN_IF_ERROR(add(in));
  }
  for (size_t p = 0; p < kPartitions; ++p) {
    if (buffers[p].rows > 0) {
      if (!files[p]) {
        STRATA_ASSIGN_OR_RETURN(files[p], SpillFile::create(ctx(), "join-partition", types));
      }
      STRATA_RETURN_IF_ERROR(files[p]->write(buffers[p]));
    }
    if (files[p]) {
      STRATA_RETURN_IF_ERROR(files[p]->finish());
      stats_.spilled_bytes += files[p]->size_bytes();
    }
  }
  return Status::ok_status();
}

Result<bool> HashJoin::build_table(Source build, Source probe, int level) {
  table_ = std::make_unique<JoinTable>(build_types_, build_keys_);
  memory_.release();
  std::vector<uint64_t> hashes;
  bool count = build.op != nullptr;
  while (true) {
    STRATA_RETURN_IF_ERROR(ctx().check_cancel());
    Batch in;
    STRATA_ASSIGN_OR_RETURN(bool more, build.read(in));
    if (!more) break;
    if (count) {
      build_rows_total_ += in.rows;
      for (size_t r = 0; r < in.rows && !build_has_null_key_; ++r) build_has_null_key_ = any_null(in, build_keys_, r);
    }
    hashes.resize(in.rows);
    hash_rows(in, build_keys_, hashes.data());
    table_->add(in, hashes.data());
    // A partition too small to split usefully is joined over the budget.
    bool splittable = build.op != nullptr || build.file->row_count() > 2 * types::kBatchRows;
    if (!memory_.try_grow_to(table_->size_bytes()) && splittable && can_spill(level)) {
      // Grace hash join: the rows so far and the rest go to partition files.
      std::vector<Batch> held;
      const RowStore& s = table_->store();
      for (size_t c = 0; c < s.chunk_count(); ++c) {
        Batch copy(build_types_);
        copy.append_rows(s.chunk(c), 0, s.chunk(c).rows);
        held.push_back(std::move(copy));
      }
      table_.reset();
      memory_.release();
      std::vector<std::unique_ptr<SpillFile>> build_files, probe_files;
      STRATA_RETURN_IF_ERROR(partition_side(build, &held, build_keys_, build_types_, level, build_files));
      held.clear();
      STRATA_RETURN_IF_ERROR(partition_side(probe, nullptr, probe_keys_, probe_types_, level, probe_files));
      // Partitions go first in the queue (depth first keeps few files open).
      for (size_t p = kPartitions; p-- > 0;) {
        if (!build_files[p] && !probe_files[p]) continue;
        partitions_.push_front(Partition{std::move(build_files[p]), std::move(probe_files[p]), level + 1});
      }
      return true;
    }
  }
  table_->finalize();
  (void)memory_.try_grow_to(table_->size_bytes());
  return false;
}

Status HashJoin::combine(const Batch& probe, const std::vector<uint32_t>& probe_rows,
                         const std::vector<uint64_t>& build_rows, Batch& combined) const {
  combined = Batch(pair_types_);
  for (size_t c = 0; c < probe_types_.size(); ++c) {
    combined.columns[c].append_selected(probe.columns[c], probe_rows.data(), probe_rows.size());
  }
  table_->store().gather(build_rows.data(), build_rows.size(), combined, probe_types_.size());
  combined.rows = probe_rows.size();
  return Status::ok_status();
}

Status HashJoin::residual_passes(const std::vector<uint32_t>& probe_rows, const std::vector<uint64_t>& build_rows,
                                 std::vector<uint8_t>& pass) {
  pass.assign(probe_rows.size(), 1);
  if (!residual_ || probe_rows.empty()) return Status::ok_status();
  Batch combined;
  STRATA_RETURN_IF_ERROR(combine(probe_, probe_rows, build_rows, combined));
  Vector result(Type::boolean());
  STRATA_RETURN_IF_ERROR(residual_->evaluate(ctx(), combined, result));
  for (size_t i = 0; i < probe_rows.size(); ++i) {
    pass[i] = result.data<uint8_t>()[i] != 0 && !result.nulls()[i];
  }
  return Status::ok_status();
}

Status HashJoin::emit_pairs(const std::vector<uint32_t>& probe_rows, const std::vector<uint64_t>& build_rows,
                            Batch& out) {
  if (!residual_) {
    // Every pair matches: no copies of the row lists.
    for (uint32_t r : probe_rows) probe_matched_[r] = 1;
    if (join_keeps_right(kind_)) {
      for (uint64_t b : build_rows) table_->matched()[b] = 1;
    }
    if (!join_emits_pairs(kind_) || probe_rows.empty()) return Status::ok_status();
    return combine(probe_, probe_rows, build_rows, out);
  }
  std::vector<uint8_t> pass;
  STRATA_RETURN_IF_ERROR(residual_passes(probe_rows, build_rows, pass));
  std::vector<uint32_t> kept_probe;
  std::vector<uint64_t> kept_build;
  for (size_t i = 0; i < probe_rows.size(); ++i) {
    if (!pass[i]) continue;
    probe_matched_[probe_rows[i]] = 1;
    table_->matched()[build_rows[i]] = 1;
    kept_probe.push_back(probe_rows[i]);
    kept_build.push_back(build_rows[i]);
  }
  if (!join_emits_pairs(kind_) || kept_probe.empty()) return Status::ok_status();
  return combine(probe_, kept_probe, kept_build, out);
}

bool HashJoin::int_probe() const {
  return table_ && table_->int_key() && probe_types_[static_cast<size_t>(probe_keys_[0])].is_integer();
}

Status HashJoin::probe_step(Batch& out) {
  // Semi, anti and mark joins without a residual stop at a row's first match.
  bool first_match_only = !join_emits_pairs(kind_) && !residual_;
  std::vector<uint32_t> probe_rows;
  std::vector<uint64_t> build_rows;
  const RowStore& store = table_->store();
  // Walks each probe row's chain; `key_null(r)` skips rows with a NULL key and
  // `matches(r, b)` decides whether build row b has the probe row's key.
  // `head(r)` is the start of row r's chain.
  auto walk = [&](auto key_null, auto head, auto matches) {
    while (probe_row_ < probe_.rows && probe_rows.size() < types::kBatchRows) {
      size_t r = probe_row_;
      if (!chain_started_) {
        chain_started_ = true;
        chain_ = key_null(r) ? kEnd : head(r);
      }
      while (chain_ != kEnd && probe_rows.size() < types::kBatchRows) {
        uint64_t b = chain_;
        chain_ = table_->next(b);
        if (!matches(r, b)) continue;
        if (first_match_only) {
          probe_matched_[r] = 1;
          chain_ = kEnd;
          break;
        }
        probe_rows.push_back(static_cast<uint32_t>(r));
        build_rows.push_back(b);
      }
      if (chain_ == kEnd) {
        ++probe_row_;
        chain_started_ = false;
      }
    }
  };
  auto hashed_head = [&](size_t r) { return table_->head(probe_hashes_[r]); };
  if (int_probe() && table_->dense_unique()) {
    // At most one match per probe row: one pass, no chain state kept.
    const uint8_t* probe_null = probe_.columns[static_cast<size_t>(probe_keys_[0])].nulls();
    const int64_t* keys = probe_ints_.data();
    size_t end = std::min(probe_.rows, probe_row_ + types::kBatchRows);
    probe_rows.resize(end - probe_row_);
    build_rows.resize(end - probe_row_);
    size_t pairs = 0;
    for (size_t r = probe_row_; r < end; ++r) {
      uint64_t b = probe_null[r] ? kEnd : table_->dense_head(keys[r]);
      if (b == kEnd) continue;
      if (first_match_only) {
        probe_matched_[r] = 1;
        continue;
      }
      probe_rows[pairs] = static_cast<uint32_t>(r);
      build_rows[pairs] = b;
      ++pairs;
    }
    probe_rows.resize(pairs);
    build_rows.resize(pairs);
    probe_row_ = end;
    chain_started_ = false;
    return emit_pairs(probe_rows, build_rows, out);
  }
  if (int_probe() && table_->dense()) {
    // Dense integer key: the chain of slot key - min holds exactly the matches.
    const uint8_t* probe_null = probe_.columns[static_cast<size_t>(probe_keys_[0])].nulls();
    walk([&](size_t r) { return probe_null[r] != 0; }, [&](size_t r) { return table_->dense_head(probe_ints_[r]); },
         [](size_t, uint64_t) { return true; });
  } else if (int_probe()) {
    // One integer key: compare the stored int64 keys; no hash or row comparison.
    const int64_t* build_keys = table_->int_keys();
    const uint8_t* probe_null = probe_.columns[static_cast<size_t>(probe_keys_[0])].nulls();
    walk([&](size_t r) { return probe_null[r] != 0; }, hashed_head,
         [&](size_t r, uint64_t b) { return build_keys[b] == probe_ints_[r]; });
  } else {
    walk([&](size_t r) { return any_null(probe_, probe_keys_, r); }, hashed_head,
         [&](size_t r, uint64_t b) {
           return table_->hash(b) == probe_hashes_[r] &&
                  equal_.equal(probe_, r, store.chunk_of(b), RowStore::offset_of(b));
         });
  }
  return emit_pairs(probe_rows, build_rows, out);
}

Result<bool> HashJoin::mark_value_is_null(size_t row) {
  if (build_rows_total_ == 0) return false;
  bool probe_null = any_null(probe_, probe_keys_, row);
  if (!probe_null && !build_has_null_key_) return false;
  if (probe_keys_.size() == 1 && !residual_) return true;
  // General rule: a build row whose keys could equal this row's (a NULL on either
  // side of each unequal pair) and that passes the residual.
  std::vector<uint32_t> probe_rows;
  std::vector<uint64_t> build_rows;
  const RowStore& store = table_->store();
  auto consider = [&](uint64_t b) {
    if (equal_.maybe_equal(probe_, row, store.chunk_of(b), RowStore::offset_of(b))) {
      probe_rows.push_back(static_cast<uint32_t>(row));
      build_rows.push_back(b);
    }
  };
  if (probe_null) {
    for (uint64_t b = 0; b < store.rows(); ++b) consider(b);
  } else {
    for (uint64_t b : table_->null_key_rows()) consider(b);
  }
  for (size_t at = 0; at < probe_rows.size(); at += types::kBatchRows) {
    size_t n = std::min(types::kBatchRows, probe_rows.size() - at);
    std::vector<uint32_t> p(probe_rows.begin() + at, probe_rows.begin() + at + n);
    std::vector<uint64_t> b(build_rows.begin() + at, build_rows.begin() + at + n);
    std::vector<uint8_t> pass;
    STRATA_RETURN_IF_ERROR(residual_passes(p, b, pass));
    if (std::find(pass.begin(), pass.end(), 1) != pass.end()) return true;
  }
  return false;
}

Status HashJoin::probe_tail(Batch& out) {
  std::vector<uint32_t> rows;
  switch (kind_) {
    case JoinKind::kInner:
    case JoinKind::kRight:
      return Status::ok_status();
    case JoinKind::kLeft:
    case JoinKind::kFull: {
      for (size_t r = 0; r < probe_.rows; ++r) {
        if (!probe_matched_[r]) rows.push_back(static_cast<uint32_t>(r));
      }
      if (rows.empty()) return Status::ok_status();
      out = Batch(output_types());
      for (size_t c = 0; c < probe_types_.size(); ++c) {
        out.columns[c].append_selected(probe_.columns[c], rows.data(), rows.size());
      }
      for (size_t c = probe_types_.size(); c < out.columns.size(); ++c) {
        out.columns[c].resize(rows.size());
        std::fill(out.columns[c].nulls(), out.columns[c].nulls() + rows.size(), 1);
      }
      out.rows = rows.size();
      return Status::ok_status();
    }
    case JoinKind::kSemi:
    case JoinKind::kAnti: {
      for (size_t r = 0; r < probe_.rows; ++r) {
        bool keep;
        if (kind_ == JoinKind::kSemi) {
          keep = probe_matched_[r];
        } else if (!null_aware_) {
          keep = !probe_matched_[r];
        } else {
          keep = false;
          if (!probe_matched_[r]) {
            STRATA_ASSIGN_OR_RETURN(bool is_null, mark_value_is_null(r));
            keep = !is_null;
          }
        }
        if (keep) rows.push_back(static_cast<uint32_t>(r));
      }
      if (rows.empty()) return Status::ok_status();
      out = Batch(output_types());
      out.append_selected(probe_, rows.data(), rows.size());
      return Status::ok_status();
    }
    case JoinKind::kMark: {
      out = Batch(output_types());
      for (size_t c = 0; c < probe_types_.size(); ++c) out.columns[c].append_rows(probe_.columns[c], 0, probe_.rows);
      Vector& mark = out.columns.back();
      mark.resize(probe_.rows);
      for (size_t r = 0; r < probe_.rows; ++r) {
        if (probe_matched_[r]) {
          mark.data<uint8_t>()[r] = 1;
          continue;
        }
        STRATA_ASSIGN_OR_RETURN(bool is_null, mark_value_is_null(r));
        if (is_null) mark.set_null(r);
      }
      out.rows = probe_.rows;
      return Status::ok_status();
    }
  }
  return Status::ok_status();
}

Result<bool> HashJoin::next(Batch& out) {
  while (true) {
    STRATA_RETURN_IF_ERROR(ctx().check_cancel());
    out = Batch(output_types());
    switch (phase_) {
      case Phase::kStart: {
        STRATA_ASSIGN_OR_RETURN(bool partitioned,
                                build_table(Source{&child(1), nullptr}, Source{&child(0), nullptr}, 0));
        if (partitioned) {
          phase_ = Phase::kNextPartition;
        } else {
          probe_source_ = Source{&child(0), nullptr};
          phase_ = Phase::kProbe;
        }
        continue;
      }
      case Phase::kProbe: {
        if (!have_probe_) {
          STRATA_ASSIGN_OR_RETURN(bool more, probe_source_.read(probe_));
          if (!more) {
            unmatched_cursor_ = 0;
            phase_ = join_keeps_right(kind_) ? Phase::kUnmatched : Phase::kNextPartition;
            continue;
          }
          have_probe_ = true;
          if (int_probe()) {
            probe_ints_.clear();
            append_int_keys(probe_.columns[static_cast<size_t>(probe_keys_[0])], probe_.rows, probe_ints_);
          }
          if (!int_probe() || !table_->dense()) {  // dense probes index by key, not hash
            probe_hashes_.resize(probe_.rows);
            hash_rows(probe_, probe_keys_, probe_hashes_.data());
          }
          probe_matched_.assign(probe_.rows, 0);
          probe_row_ = 0;
          chain_started_ = false;
        }
        if (probe_row_ < probe_.rows) {
          STRATA_RETURN_IF_ERROR(probe_step(out));
        } else {
          STRATA_RETURN_IF_ERROR(probe_tail(out));
          have_probe_ = false;
        }
        if (out.rows > 0) return true;
        continue;
      }
      case Phase::kUnmatched: {
        std::vector<uint64_t> rows;
        const auto& matched = table_->matched();
        while (unmatched_cursor_ < table_->rows() && rows.size() < types::kBatchRows) {
          if (!matched[unmatched_cursor_]) rows.push_back(unmatched_cursor_);
          ++unmatched_cursor_;
        }
        if (unmatched_cursor_ >= table_->rows()) phase_ = Phase::kNextPartition;
        if (rows.empty()) continue;
        for (size_t c = 0; c < probe_types_.size(); ++c) {
          out.columns[c].resize(rows.size());
          std::fill(out.columns[c].nulls(), out.columns[c].nulls() + rows.size(), 1);
        }
        table_->store().gather(rows.data(), rows.size(), out, probe_types_.size());
        out.rows = rows.size();
        return true;
      }
      case Phase::kNextPartition: {
        table_.reset();
        memory_.release();
        current_ = Partition{};
        if (partitions_.empty()) {
          phase_ = Phase::kDone;
          continue;
        }
        current_ = std::move(partitions_.front());
        partitions_.pop_front();
        if (!current_.probe && !join_keeps_right(kind_)) continue;  // nothing to join
        if (!current_.probe) {
          STRATA_ASSIGN_OR_RETURN(current_.probe, SpillFile::create(ctx(), "join-partition", probe_types_));
          STRATA_RETURN_IF_ERROR(current_.probe->finish());
        }
        if (!current_.build) {
          STRATA_ASSIGN_OR_RETURN(current_.build, SpillFile::create(ctx(), "join-partition", build_types_));
          STRATA_RETURN_IF_ERROR(current_.build->finish());
        }
        STRATA_ASSIGN_OR_RETURN(bool partitioned, build_table(Source{nullptr, current_.build.get()},
                                                              Source{nullptr, current_.probe.get()}, current_.level));
        if (partitioned) continue;
        current_.build->close();
        probe_source_ = Source{nullptr, current_.probe.get()};
        phase_ = Phase::kProbe;
        continue;
      }
      case Phase::kDone:
        return false;
    }
  }
}

}  // namespace strata::exec
