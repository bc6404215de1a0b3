#include "exec/sort.h"

#include <algorithm>
#include <numeric>

namespace strata::exec {

using types::Batch;
using types::Type;

namespace {

// One sorted run being merged: its current batch and position.
struct RunReader {
  SpillFile* file = nullptr;
  Batch batch;
  size_t row = 0;

  // Loads the next non-empty batch: false at the end of the run.
  Result<bool> advance() {
    row = 0;
    while (true) {
      STRATA_ASSIGN_OR_RETURN(bool more, file->read(batch));
      if (!more) return false;
      if (batch.rows > 0) return true;
    }
  }
};

// A k-way merge of sorted runs; ties go to the lower run index (earlier input).
class Merger {
 public:
  using Reader = std::unique_ptr<RunReader>;
  Merger(const RowComparator& comparator, std::vector<SpillFile*> runs) : comparator_(comparator) {
    for (SpillFile* f : runs) {
      readers_.push_back(std::make_unique<RunReader>());
      readers_.back()->file = f;
    }
  }

  Status init() {
    for (size_t i = 0; i < readers_.size(); ++i) {
      readers_[i]->file->rewind();
      STRATA_ASSIGN_OR_RETURN(bool more, readers_[i]->advance());
      if (more) heap_.push_back(i);
    }
    std::make_heap(heap_.begin(), heap_.end(), after());
    return Status::ok_status();
  }

  // Appends up to `max_rows` rows to `out` (of the runs' types): false when none left.
  Result<bool> next(Batch& out, size_t max_rows) {
    if (heap_.empty()) return false;
    while (out.rows < max_rows && !heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), after());
      size_t i = heap_.back();
      RunReader& r = *readers_[i];
      // Copy this run's rows while they stay ahead of the next-best run.
      size_t begin = r.row;
      size_t end = begin + 1;
      size_t room = max_rows - out.rows;
      if (heap_.size() > 1) {
        const RunReader& other = *readers_[heap_.front()];
        size_t other_index = heap_.front();
        while (end < r.batch.rows && end - begin < room) {
          int c = comparator_.compare(r.batch, end, other.batch, other.row);
          if (c > 0 || (c == 0 && i > other_index)) break;
          ++end;
        }
      } else {
        end = std::min(r.batch.rows, begin + room);
      }
      out.append_rows(r.batch, begin, end - begin);
      r.row = end;
      bool alive = true;
      if (r.row >= r.batch.rows) {
        STRATA_ASSIGN_OR_RETURN(alive, r.advance());
      }
      if (alive) {
        std::push_heap(heap_.begin(), heap_.end(), after());
      } else {
        heap_.pop_back();
      }
    }
    return true;
  }

 private:
  // std heap order: run `a`'s current row comes after run `b`'s in the output.
  struct After {
    const Merger* m;
    bool operator()(size_t a, size_t b) const {
      const RunReader& ra = *m->readers_[a];
      const RunReader& rb = *m->readers_[b];
      int c = m->comparator_.compare(ra.batch, ra.row, rb.batch, rb.row);
      if (c != 0) return c > 0;
      return a > b;
    }
  };
  After after() const { return After{this}; }

  const RowComparator& comparator_;
  std::vector<Reader> readers_;
  std::vector<size_t> heap_;
};

}  // namespace

struct SorterMerge {
  std::unique_ptr<Merger> merger;
};

Sorter::Sorter(std::vector<Type> types, std::vector<SortKey> keys)
    : types_(types), comparator_(std::move(keys), types), store_(types) {}

Sorter::~Sorter() { close(); }

void Sorter::close() {
  merge_.reset();
  runs_.clear();
  store_.clear();
  order_.clear();
  order_.shrink_to_fit();
  memory_.release();
}

Status Sorter::add(ExecContext& ctx, const Batch& batch, OperatorStats& stats) {
  if (batch.rows == 0) return Status::ok_status();
  if (memory_.reserved_bytes() == 0) memory_.set_budget(ctx.memory);
  store_.append(batch);
  size_t want = store_.size_bytes() + store_.rows() * sizeof(uint64_t);
  if (!memory_.try_grow_to(want)) return spill_store(ctx, stats);
  return Status::ok_status();
}

void Sorter::sort_store() {
  order_.resize(store_.rows());
  std::iota(order_.begin(), order_.end(), uint64_t{0});
  const RowStore& s = store_;
  std::stable_sort(order_.begin(), order_.end(), [&](uint64_t a, uint64_t b) {
    return comparator_.compare(s.chunk_of(a), RowStore::offset_of(a), s.chunk_of(b), RowStore::offset_of(b)) < 0;
  });
}

Status Sorter::spill_store(ExecContext& ctx, OperatorStats& stats) {
  if (store_.empty()) return Status::ok_status();
  STRATA_RETURN_IF_ERROR(ctx.check_cancel());
  sort_store();
  STRATA_ASSIGN_OR_RETURN(auto run, SpillFile::create(ctx, "sort-run", types_));
  for (size_t at = 0; at < order_.size(); at += types::kBatchRows) {
    size_t n = std::min(types::kBatchRows, order_.size() - at);
    Batch b(types_);
    store_.gather(order_.data() + at, n, b);
    b.rows = n;
    STRATA_RETURN_IF_ERROR(run->write(b));
  }
  STRATA_RETURN_IF_ERROR(run->finish());
  stats.spilled_bytes += run->size_bytes();
  runs_.push_back(std::move(run));
  store_.clear();
  order_.clear();
  order_.shrink_to_fit();
  memory_.release();
  return Status::ok_status();
}

Status Sorter::finish(ExecContext& ctx, OperatorStats& stats) {
  STRATA_ASSERT(!finished_, "Sorter::finish twice");
  finished_ = true;
  emitted_ = 0;
  if (runs_.empty()) {
    sort_store();
    return Status::ok_status();
  }
  STRATA_RETURN_IF_ERROR(spill_store(ctx, stats));
  // Merge passes over consecutive groups of runs until one final merge remains.
  while (runs_.size() > kMergeFanIn) {
    std::vector<std::unique_ptr<SpillFile>> merged;
    for (size_t first = 0; first < runs_.size(); first += kMergeFanIn) {
      size_t last = std::min(runs_.size(), first + kMergeFanIn);
      if (last - first == 1) {
        merged.push_back(std::move(runs_[first]));
        continue;
      }
      std::vector<SpillFile*> group;
      for (size_t i = first; i < last; ++i) group.push_back(runs_[i].get());
      Merger m(comparator_, group);
      STRATA_RETURN_IF_ERROR(m.init());
      STRATA_ASSIGN_OR_RETURN(auto out, SpillFile::create(ctx, "sort-merge", types_));
      while (true) {
        STRATA_RETURN_IF_ERROR(ctx.check_cancel());
        Batch b(types_);
        STRATA_ASSIGN_OR_RETURN(bool more, m.next(b, types::kBatchRows));
        if (!more) break;
        STRATA_RETURN_IF_ERROR(out->write(b));
      }
      STRATA_RETURN_IF_ERROR(out->finish());
      stats.spilled_bytes += out->size_bytes();
      for (size_t i = first; i < last; ++i) runs_[i].reset();
      merged.push_back(std::move(out));
    }
    runs_ = std::move(merged);
  }
  std::vector<SpillFile*> all;
  for (auto& r : runs_) all.push_back(r.get());
  merge_ = std::make_unique<SorterMerge>();
  merge_->merger = std::make_unique<Merger>(comparator_, all);
  return merge_->merger->init();
}

Result<bool> Sorter::next(ExecContext& ctx, Batch& out) {
  STRATA_ASSERT(finished_, "Sorter::next before finish");
  out = Batch(types_);
  if (merge_) return merge_->merger->next(out, types::kBatchRows);
  if (emitted_ >= order_.size()) return false;
  size_t n = std::min(types::kBatchRows, order_.size() - emitted_);
  store_.gather(order_.data() + emitted_, n, out);
  out.rows = n;
  emitted_ += n;
  return true;
}

// ---- Sort

Sort::Sort(OperatorPtr child, std::vector<SortKey> keys) : Operator(child->output_types()), keys_(std::move(keys)) {
  add_child(std::move(child));
}

Status Sort::open(ExecContext& ctx) {
  sorter_ = std::make_unique<Sorter>(output_types(), keys_);
  sorted_ = false;
  return Operator::open(ctx);
}

void Sort::close() {
  if (sorter_) sorter_->close();
  sorter_.reset();
  Operator::close();
}

Result<bool> Sort::next(Batch& out) {
  if (!sorted_) {
    while (true) {
      STRATA_RETURN_IF_ERROR(ctx().check_cancel());
      Batch in;
      STRATA_ASSIGN_OR_RETURN(bool more, child(0).pull(in));
      if (!more) break;
      STRATA_RETURN_IF_ERROR(sorter_->add(ctx(), in, stats_));
    }
    STRATA_RETURN_IF_ERROR(sorter_->finish(ctx(), stats_));
    sorted_ = true;
  }
  STRATA_RETURN_IF_ERROR(ctx().check_cancel());
  return sorter_->next(ctx(), out);
}

// ---- TopN

TopN::TopN(OperatorPtr child, std::vector<SortKey> keys, int64_t limit, int64_t offset)
    : Operator(child->output_types()),
      keys_(keys),
      comparator_(std::move(keys), child->output_types()),
      limit_(static_cast<uint64_t>(limit)),
      offset_(static_cast<uint64_t>(offset)),
      store_(child->output_types()) {
  STRATA_ASSERT(limit >= 0 && offset >= 0, "TopN: negative limit or offset");
  keep_ = limit_ > UINT64_MAX - offset_ ? UINT64_MAX : limit_ + offset_;
  add_child(std::move(child));
}

std::string TopN::detail() const {
  std::string s = "keys: " + sort_keys_to_string(keys_) + ", limit: " + std::to_string(limit_);
  if (offset_ > 0) s += ", offset: " + std::to_string(offset_);
  return s;
}

Status TopN::open(ExecContext& ctx) {
  store_ = RowStore(output_types());
  sorted_prefix_ = 0;
  fallback_.reset();
  order_.clear();
  position_ = 0;
  consumed_ = false;
  memory_.set_budget(ctx.memory);
  return Operator::open(ctx);
}

void TopN::close() {
  if (fallback_) fallback_->close();
  fallback_.reset();
  store_.clear();
  memory_.release();
  Operator::close();
}

Status TopN::compact() {
  order_.resize(store_.rows());
  std::iota(order_.begin(), order_.end(), uint64_t{0});
  const RowStore& s = store_;
  std::stable_sort(order_.begin(), order_.end(), [&](uint64_t a, uint64_t b) {
    return comparator_.compare(s.chunk_of(a), RowStore::offset_of(a), s.chunk_of(b), RowStore::offset_of(b)) < 0;
  });
  size_t kept = static_cast<size_t>(std::min<uint64_t>(order_.size(), keep_));
  RowStore fresh(output_types());
  for (size_t at = 0; at < kept; at += types::kBatchRows) {
    size_t n = std::min(types::kBatchRows, kept - at);
    Batch b(output_types());
    store_.gather(order_.data() + at, n, b);
    b.rows = n;
    fresh.append(b);
  }
  store_ = std::move(fresh);
  sorted_prefix_ = kept;
  order_.clear();
  return Status::ok_status();
}

Status TopN::consume() {
  std::vector<uint32_t> selected;
  while (true) {
    STRATA_RETURN_IF_ERROR(ctx().check_cancel());
    Batch in;
    STRATA_ASSIGN_OR_RETURN(bool more, child(0).pull(in));
    if (!more) break;
    if (fallback_) {
      STRATA_RETURN_IF_ERROR(fallback_->add(ctx(), in, stats_));
      continue;
    }
    if (sorted_prefix_ == keep_) {
      // Only rows sorting strictly before the last kept row can enter.
      uint64_t last = keep_ - 1;
      const Batch& last_chunk = store_.chunk_of(last);
      size_t last_row = RowStore::offset_of(last);
      selected.clear();
      for (size_t r = 0; r < in.rows; ++r) {
        if (comparator_.compare(in, r, last_chunk, last_row) < 0) selected.push_back(static_cast<uint32_t>(r));
      }
      if (selected.empty()) continue;
      store_.append_selected(in, selected.data(), selected.size());
    } else {
      store_.append(in);
    }
    if (store_.rows() - sorted_prefix_ >= std::max<uint64_t>(keep_, types::kBatchRows)) {
      STRATA_RETURN_IF_ERROR(compact());
    }
    if (!memory_.try_grow_to(store_.size_bytes())) {
      // Too big for memory: hand everything to a spilling sort.
      fallback_ = std::make_unique<Sorter>(output_types(), keys_);
      for (size_t c = 0; c < store_.chunk_count(); ++c) {
        STRATA_RETURN_IF_ERROR(fallback_->add(ctx(), store_.chunk(c), stats_));
      }
      store_.clear();
      memory_.release();
    }
  }
  if (fallback_) {
    STRATA_RETURN_IF_ERROR(fallback_->finish(ctx(), stats_));
  } else {
    STRATA_RETURN_IF_ERROR(compact());
  }
  return Status::ok_status();
}

Result<bool> TopN::next(Batch& out) {
  out = Batch(output_types());
  if (keep_ == 0 || limit_ == 0) return false;
  if (!consumed_) {
    STRATA_RETURN_IF_ERROR(consume());
    consumed_ = true;
  }
  STRATA_RETURN_IF_ERROR(ctx().check_cancel());
  uint64_t end = keep_;
  if (fallback_) {
    while (position_ < end) {
      Batch b;
      STRATA_ASSIGN_OR_RETURN(bool more, fallback_->next(ctx(), b));
      if (!more) break;
      uint64_t begin = position_;
      position_ += b.rows;
      uint64_t from = std::max(begin, offset_);
      uint64_t to = std::min(position_, end);
      if (from >= to) continue;
      out.append_rows(b, static_cast<size_t>(from - begin), static_cast<size_t>(to - from));
      return true;
    }
    return false;
  }
  if (position_ < offset_) position_ = offset_;
  uint64_t stop = std::min<uint64_t>(end, store_.rows());
  if (position_ >= stop) return false;
  size_t n = static_cast<size_t>(std::min<uint64_t>(types::kBatchRows, stop - position_));
  std::vector<uint64_t> ids(n);
  std::iota(ids.begin(), ids.end(), position_);
  store_.gather(ids.data(), n, out);
  out.rows = n;
  position_ += n;
  return true;
}

}  // namespace strata::exec
