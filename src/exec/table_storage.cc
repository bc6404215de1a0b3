#include "exec/table_storage.h"

#include <algorithm>
#include <functional>
#include <unordered_set>

namespace strata::exec {

namespace {

class CollectedBatches final : public RowBatchIterator {
 public:
  explicit CollectedBatches(std::vector<types::Batch> batches) : batches_(std::move(batches)) {}
  Result<bool> next(types::Batch& out) override {
    if (index_ >= batches_.size()) return false;
    out = std::move(batches_[index_++]);
    return true;
  }

 private:
  std::vector<types::Batch> batches_;
  size_t index_ = 0;
};

}  // namespace

Result<std::unique_ptr<RowBatchIterator>> TableReadView::open(const ScanRequest& request) const {
  if (request.morsels) return Status::sql("XX000", "parallel scan of a table storage without morsels");
  std::vector<types::Batch> batches;
  STRATA_RETURN_IF_ERROR(scan(request.columns, request.with_row_id, [&](types::Batch& b) {
    if (b.rows > 0) batches.push_back(std::move(b));
    return Status::ok_status();
  }));
  return std::unique_ptr<RowBatchIterator>(std::make_unique<CollectedBatches>(std::move(batches)));
}

namespace {

// An immutable list of row chunks, each with its first row id and deleted flags.
struct MemoryChunk {
  types::Batch rows;
  int64_t first_row_id = 0;
};

class MemoryReadView final : public TableReadView {
 public:
  std::vector<std::shared_ptr<const MemoryChunk>> chunks;
  std::vector<std::shared_ptr<const std::vector<uint8_t>>> deleted;  // per chunk, 1 = deleted
  uint64_t rows = 0;

  uint64_t row_count() const override { return rows; }

  Status scan(const std::vector<int32_t>& columns, bool with_row_id,
              const std::function<Status(types::Batch&)>& sink) const override {
    for (size_t c = 0; c < chunks.size(); ++c) {
      const MemoryChunk& chunk = *chunks[c];
      const std::vector<uint8_t>& del = *deleted[c];
      for (size_t begin = 0; begin < chunk.rows.rows; begin += types::kBatchRows) {
        size_t end = std::min(chunk.rows.rows, begin + types::kBatchRows);
        std::vector<uint32_t> live;
        for (size_t r = begin; r < end; ++r) {
          if (!del[r]) live.push_back(static_cast<uint32_t>(r));
        }
        if (live.empty()) continue;
        types::Batch out;
        for (int32_t col : columns) {
          out.columns.emplace_back(chunk.rows.columns[static_cast<size_t>(col)].type());
          out.columns.back().append_selected(chunk.rows.columns[static_cast<size_t>(col)], live.data(), live.size());
        }
        if (with_row_id) {
          types::Vector ids(types::Type::bigint(), live.size());
          for (size_t i = 0; i < live.size(); ++i) ids.data<int64_t>()[i] = chunk.first_row_id + live[i];
          out.columns.push_back(std::move(ids));
        }
        out.rows = live.size();
        STRATA_RETURN_IF_ERROR(sink(out));
      }
    }
    return Status::ok_status();
  }
};

class MemoryTableStorage final : public TableStorage {
 public:
  explicit MemoryTableStorage(std::vector<types::Type> types) : types_(std::move(types)) {
    current_ = std::make_shared<MemoryReadView>();
  }

  std::shared_ptr<const TableReadView> snapshot() override {
    std::lock_guard<std::mutex> lock(mu_);
    return current_;
  }

  Status commit(const TableReadView& base_view, const TableWriteSet& writes, bool sync) override {
    std::lock_guard<std::mutex> lock(mu_);
    const auto& base = static_cast<const MemoryReadView&>(base_view);
    auto next = std::make_shared<MemoryReadView>(*current_);
    std::unordered_set<int64_t> del(writes.deleted.begin(), writes.deleted.end());
    for (size_t c = 0; c < next->chunks.size(); ++c) {
      const MemoryChunk& chunk = *next->chunks[c];
      bool in_base = c < base.chunks.size() && base.chunks[c] == next->chunks[c];
      if (!in_base) continue;
      bool touched = false;
      std::vector<uint8_t> flags = *next->deleted[c];
      for (size_t r = 0; r < chunk.rows.rows; ++r) {
        bool want =
            writes.truncated ? !(*base.deleted[c])[r] : del.count(chunk.first_row_id + static_cast<int64_t>(r)) != 0;
        if (!want) continue;
        if (flags[r] && !(*base.deleted[c])[r]) {
          return Status::sql("40001", "could not serialize access due to concurrent update");
        }
        if (!flags[r]) {
          flags[r] = 1;
          --next->rows;
          touched = true;
        }
      }
      if (touched) next->deleted[c] = std::make_shared<const std::vector<uint8_t>>(std::move(flags));
    }
    for (const types::Batch& b : writes.inserted) {
      if (b.rows == 0) continue;
      auto chunk = std::make_shared<MemoryChunk>();
      chunk->rows = types::Batch(types_);
      chunk->rows.append_rows(b, 0, b.rows);
      chunk->first_row_id = next_row_id_;
      next_row_id_ += static_cast<int64_t>(b.rows);
      next->rows += b.rows;
      next->deleted.push_back(std::make_shared<const std::vector<uint8_t>>(b.rows, 0));
      next->chunks.push_back(std::move(chunk));
    }
    current_ = std::move(next);
    return Status::ok_status();
  }

  Status destroy() override { return Status::ok_status(); }

 private:
  std::vector<types::Type> types_;
  std::mutex mu_;
  std::shared_ptr<const MemoryReadView> current_;
  int64_t next_row_id_ = 0;
};

}  // namespace

std::shared_ptr<TableStorage> make_memory_table_storage(std::vector<types::Type> column_types) {
  return std::make_shared<MemoryTableStorage>(std::move(column_types));
}

}  // namespace strata::exec
