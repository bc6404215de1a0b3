#include "exec/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "base/logging.h"
#include "columnar/table_store.h"
#include "exec/builtin_functions.h"
#include "exec/stream_runtime.h"
#include "exec/table_storage.h"
#include "exec/view_maintainer.h"

namespace strata::exec {

int EngineOptions::default_parallel_workers() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(std::min(n, 16u));
}

namespace {

// A streaming scan of a columnar snapshot (row ids appended as packed bigints).
class ColumnarRowIterator final : public RowBatchIterator {
 public:
  ColumnarRowIterator(std::unique_ptr<columnar::TableScan> scan, bool with_row_id)
      : scan_(std::move(scan)), with_row_id_(with_row_id) {}
  Result<bool> next(types::Batch& out) override {
    while (true) {
      ids_.clear();
      STRATA_ASSIGN_OR_RETURN(bool more, scan_->next(&out, with_row_id_ ? &ids_ : nullptr));
      if (!more) return false;
      if (out.rows == 0) continue;
      if (with_row_id_) {
        types::Vector v(types::Type::bigint(), out.rows);
        for (size_t i = 0; i < out.rows; ++i) v.data<int64_t>()[i] = ids_[i].packed();
        out.columns.push_back(std::move(v));
      }
      return true;
    }
  }

 private:
  std::unique_ptr<columnar::TableScan> scan_;
  bool with_row_id_;
  std::vector<columnar::RowId> ids_;
};

// TableStorage over a columnar::TableStore (durable: WAL + parts + manifest).
// Rows per batch a query's table scan produces (see columnar::ScanSpec::batch_rows).
constexpr size_t kScanBatchRows = types::kBatchRowsMax;

class ColumnarReadView final : public TableReadView {
 public:
  explicit ColumnarReadView(std::shared_ptr<const columnar::TableSnapshot> s) : snapshot(std::move(s)) {}
  uint64_t row_count() const override { return snapshot->row_count(); }
  bool supports_morsels() const override { return true; }

  Result<std::unique_ptr<RowBatchIterator>> open(const ScanRequest& request) const override {
    columnar::ScanSpec spec;
    for (int32_t c : request.columns) spec.columns.push_back(static_cast<uint32_t>(c));
    spec.predicates = request.zone_predicates;
    spec.morsels = request.morsels;
    spec.batch_rows = kScanBatchRows;
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<columnar::TableScan> scan, columnar::TableStore::scan(snapshot, spec));
    return std::unique_ptr<RowBatchIterator>(
        std::make_unique<ColumnarRowIterator>(std::move(scan), request.with_row_id));
  }

  Status scan(const std::vector<int32_t>& columns, bool with_row_id,
              const std::function<Status(types::Batch&)>& sink) const override {
    columnar::ScanSpec spec;
    for (int32_t c : columns) spec.columns.push_back(static_cast<uint32_t>(c));
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<columnar::TableScan> scan, columnar::TableStore::scan(snapshot, spec));
    std::vector<columnar::RowId> ids;
    while (true) {
      types::Batch b;
      ids.clear();
      STRATA_ASSIGN_OR_RETURN(bool more, scan->next(&b, with_row_id ? &ids : nullptr));
      if (!more) break;
      if (b.rows == 0) continue;
      if (with_row_id) {
        types::Vector v(types::Type::bigint(), b.rows);
        for (size_t i = 0; i < b.rows; ++i) v.data<int64_t>()[i] = ids[i].packed();
        b.columns.push_back(std::move(v));
      }
      STRATA_RETURN_IF_ERROR(sink(b));
    }
    return Status::ok_status();
  }

  std::shared_ptr<const columnar::TableSnapshot> snapshot;
};

class ColumnarTableStorage final : public TableStorage {
 public:
  explicit ColumnarTableStorage(std::unique_ptr<columnar::TableStore> store) : store_(std::move(store)) {}

  std::shared_ptr<const TableReadView> snapshot() override {
    return std::make_shared<ColumnarReadView>(store_->snapshot());
  }

  Status commit(const TableReadView& base_view, const TableWriteSet& writes, bool sync) override {
    const auto& base = static_cast<const ColumnarReadView&>(base_view);
    columnar::WriteOptions options;
    options.durability = sync ? columnar::Durability::kSync : columnar::Durability::kNoSync;
    std::unique_ptr<columnar::TableWrite> w = store_->begin_write(options);
    if (w->snapshot()->version() != base.snapshot->version() && (!writes.deleted.empty() || writes.truncated)) {
      // Deletes were decided on an older version: they may only proceed when those
      // rows still exist (first committer wins).
      std::vector<int64_t> still;
      STRATA_RETURN_IF_ERROR(ColumnarReadView(w->snapshot()).scan({}, true, [&](types::Batch& b) {
        const types::Vector& ids = b.columns.back();
        for (size_t i = 0; i < b.rows; ++i) still.push_back(ids.data<int64_t>()[i]);
        return Status::ok_status();
      }));
      std::sort(still.begin(), still.end());
      for (int64_t id : writes.deleted) {
        if (!std::binary_search(still.begin(), still.end(), id)) {
          w->abort();
          return Status::sql("40001", "could not serialize access due to concurrent update");
        }
      }
    }
    std::vector<columnar::RowId> del;
    if (writes.truncated) {
      STRATA_RETURN_IF_ERROR(base.scan({}, true, [&](types::Batch& b) {
        const types::Vector& ids = b.columns.back();
        for (size_t i = 0; i < b.rows; ++i) del.push_back(columnar::RowId::from_packed(ids.data<int64_t>()[i]));
        return Status::ok_status();
      }));
    }
    for (int64_t id : writes.deleted) del.push_back(columnar::RowId::from_packed(id));
    if (!del.empty()) {
      std::sort(del.begin(), del.end());
      del.erase(std::unique(del.begin(), del.end()), del.end());
      Status s = w->delete_rows(del);
      if (!s.ok()) {
        w->abort();
        return s;
      }
    }
    for (const types::Batch& b : writes.inserted) {
      Status s = w->insert(b);
      if (!s.ok()) {
        w->abort();
        return s;
      }
    }
    return w->commit();
  }

  Status maintain() override {
    STRATA_RETURN_IF_ERROR(store_->flush_tail(false));
    return store_->merge_small_parts();
  }

  Status destroy() override { return store_->drop(); }
  Status add_column(std::string name, types::Type type, types::Value fill) override {
    return store_->add_column(std::move(name), type, std::move(fill));
  }
  Status drop_column(uint32_t index) override { return store_->drop_column(index); }

  columnar::TableStore& store() { return *store_; }

 private:
  std::unique_ptr<columnar::TableStore> store_;
};

std::string table_dir(const EngineOptions& o, catalog::Oid oid) { return fmt::format("{}/tables/{}", o.data_dir, oid); }

std::vector<columnar::TableColumn> store_columns(const catalog::TableDef& t) {
  std::vector<columnar::TableColumn> cols;
  for (const auto& c : t.columns) {
    columnar::TableColumn tc;
    tc.name = c.name;
    tc.type = c.type;
    tc.default_value = types::Value::null(c.type);
    cols.push_back(std::move(tc));
  }
  return cols;
}

}  // namespace

Engine::Engine(io::FileSystem* fs, EngineOptions options) : fs_(fs), options_(std::move(options)) {}

Result<std::unique_ptr<Engine>> Engine::open(io::FileSystem* fs, EngineOptions options) {
  std::unique_ptr<Engine> e(new Engine(fs, std::move(options)));
  register_builtin_functions(e->functions_);
  if (e->options_.data_dir.empty()) {
    e->catalog_ = catalog::Catalog::in_memory();
    STRATA_RETURN_IF_ERROR(e->start_streams());
    return e;
  }
  STRATA_RETURN_IF_ERROR(fs->create_dirs(e->options_.data_dir + "/tables"));
  // Spill files of queries (sorts, aggregations, joins over the memory budget); what
  // a killed process left there is garbage.
  {
    std::error_code ec;
    std::filesystem::remove_all(e->spill_dir(), ec);
  }
  STRATA_RETURN_IF_ERROR(fs->create_dirs(e->spill_dir()));
  STRATA_ASSIGN_OR_RETURN(e->catalog_, catalog::Catalog::open(fs, e->options_.data_dir + "/catalog"));
  auto snap = e->catalog_->snapshot();
  for (const auto& [key, table] : snap->tables) {
    std::string dir = table_dir(e->options_, table->oid);
    Result<std::unique_ptr<columnar::TableStore>> store = columnar::TableStore::open(fs, dir);
    if (!store.ok() && store.status().code() == StatusCode::kNotFound) {
      // The catalog entry was written but the table's directory was not (a crash
      // between the two): create it empty.
      store = columnar::TableStore::create(fs, dir, store_columns(*table));
    }
    if (!store.ok()) {
      return Status(store.status().code(), fmt::format("table {}: {}", table->name, store.status().message()));
    }
    e->storages_[table->oid] = std::make_shared<ColumnarTableStorage>(std::move(store).value());
  }
  STRATA_RETURN_IF_ERROR(e->start_streams());
  logging::info("sql engine ready", "tables", snap->tables.size(), "views", snap->views.size(), "materialized_views",
                snap->materialized_views.size());
  return e;
}

Status Engine::start_streams() {
  if (options_.topic_access == nullptr) return Status::ok_status();
  StreamRuntimeOptions ro;
  ro.checkpoint_interval_ms = std::max<int64_t>(1, options_.checkpoint_interval_ms);
  ro.step_bytes = std::max<int32_t>(1024, options_.view_step_bytes);
  ro.state_bytes_max = options_.view_state_bytes_max;
  ro.threads = options_.stream_runtime_threads > 0
                   ? options_.stream_runtime_threads
                   : std::clamp(static_cast<int32_t>(std::thread::hardware_concurrency()), 1, 16);
  std::string dir;
  auto snap = catalog_->snapshot();
  if (!options_.data_dir.empty()) {
    dir = options_.data_dir + "/views";
    STRATA_RETURN_IF_ERROR(fs_->create_dirs(dir));
    // Files of views and sinks dropped while a crash kept DROP from removing them:
    // <oid>.ckpt, <oid>.rows and <oid>.sink, and their temp files.
    STRATA_ASSIGN_OR_RETURN(std::vector<std::string> names, fs_->list_dir(dir));
    for (const std::string& n : names) {
      unsigned long oid = 0;
      int used = 0;
      if (std::sscanf(n.c_str(), "%lu%n", &oid, &used) != 1) continue;
      const bool sink_file = n.compare(static_cast<size_t>(used), 5, ".sink") == 0;
      const auto id = static_cast<catalog::Oid>(oid);
      const bool live = sink_file ? std::any_of(snap->sinks.begin(), snap->sinks.end(),
                                                [&](const auto& kv) { return kv.second->oid == id; })
                                  : snap->find_materialized_view_by_oid(id) != nullptr;
      if (!live) STRATA_RETURN_IF_ERROR(fs_->remove(dir + "/" + n));
    }
  }
  runtime_ = std::make_unique<StreamRuntime>(options_.topic_access, dir.empty() ? nullptr : fs_, dir, ro);
  for (const auto& [key, def] : snap->materialized_views) {
    Result<std::unique_ptr<ViewMaintainer>> m =
        ViewMaintainer::make(def, snap, &functions_, options_.query_memory_bytes, spill_dir(),
                             [this](catalog::Oid oid) { return storage(oid); },
                             [this](catalog::Oid oid) { return runtime_ ? runtime_->find(oid) : nullptr; });
    if (!m.ok()) {
      logging::error("materialized view not maintained", "view", def->name, "error", m.status().to_string());
      std::lock_guard<std::mutex> lock(mu_);
      broken_views_[def->oid] = m.status();
      continue;
    }
    runtime_->add(std::move(m).value());
  }
  for (const auto& [key, def] : snap->sinks) {
    std::shared_ptr<ViewMaintainer> view = runtime_->find(def->view_oid);
    Result<std::unique_ptr<ViewSink>> sink =
        view == nullptr ? Result<std::unique_ptr<ViewSink>>(Status::sql("55000", "its materialized view is not maintained"))
                        : ViewSink::make(def, *view);
    Status s = sink.ok() ? runtime_->add_sink(std::move(sink).value()) : sink.status();
    if (!s.ok()) logging::error("sink not maintained", "sink", def->name, "error", s.to_string());
  }
  runtime_->start();
  return Status::ok_status();
}

void Engine::stop_streams() {
  if (runtime_) runtime_->stop();
}

Engine::~Engine() { stop_streams(); }

std::unique_ptr<Session> Engine::new_session() {
  int32_t pid = next_process_id_.fetch_add(1);
  return std::make_unique<Session>(this, pid);
}

std::shared_ptr<TableStorage> Engine::storage(catalog::Oid oid) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = storages_.find(oid);
  return it == storages_.end() ? nullptr : it->second;
}

Status Engine::create_storage(const catalog::TableDef& table) {
  std::shared_ptr<TableStorage> st;
  if (options_.data_dir.empty()) {
    std::vector<types::Type> types;
    for (const auto& c : table.columns) types.push_back(c.type);
    st = make_memory_table_storage(types);
  } else {
    std::string dir = table_dir(options_, table.oid);
    if (fs_->exists(dir)) STRATA_RETURN_IF_ERROR(fs_->remove_all(dir));
    STRATA_ASSIGN_OR_RETURN(auto store, columnar::TableStore::create(fs_, dir, store_columns(table)));
    st = std::make_shared<ColumnarTableStorage>(std::move(store));
  }
  std::lock_guard<std::mutex> lock(mu_);
  storages_[table.oid] = std::move(st);
  return Status::ok_status();
}

Status Engine::drop_storage(catalog::Oid oid) {
  std::shared_ptr<TableStorage> st;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = storages_.find(oid);
    if (it == storages_.end()) return Status::ok_status();
    st = it->second;
    storages_.erase(it);
  }
  return st->destroy();
}

void Engine::maintenance() {
  std::vector<std::shared_ptr<TableStorage>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [oid, st] : storages_) all.push_back(st);
  }
  for (auto& st : all) {
    Status s = st->maintain();
    if (!s.ok()) logging::warn("table maintenance failed", "error", s.to_string());
  }
}

void Engine::cancel(int32_t process_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(process_id);
  if (it != sessions_.end()) it->second->request_cancel();
}

}  // namespace strata::exec
