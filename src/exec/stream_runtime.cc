#include "exec/stream_runtime.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/logging.h"

namespace strata::exec {

StreamRuntime::StreamRuntime(TopicAccess* access, io::FileSystem* fs, std::string checkpoint_dir,
                             StreamRuntimeOptions options)
    : access_(access), fs_(fs), dir_(std::move(checkpoint_dir)), options_(options) {}

StreamRuntime::~StreamRuntime() { stop(); }

void StreamRuntime::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!threads_.empty() || stopping_) return;
  for (int32_t i = 0; i < std::max(1, options_.threads); ++i) threads_.emplace_back([this] { run(); });
}

void StreamRuntime::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(threads_);
  }
  if (threads.empty()) return;
  for (auto& t : threads) t.join();
  // The last checkpoints, once every thread is done.
  std::vector<std::shared_ptr<Entry>> entries;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [oid, e] : views_) entries.push_back(e);
  }
  for (auto& e : entries) {
    std::lock_guard<std::mutex> lock(e->mu);
    checkpoint(*e, true);
  }
}

std::string StreamRuntime::checkpoint_path(catalog::Oid oid) const {
  if (fs_ == nullptr || dir_.empty()) return "";
  return fmt::format("{}/{}.ckpt", dir_, oid);
}

void StreamRuntime::add(std::shared_ptr<ViewMaintainer> view) {
  auto e = std::make_shared<Entry>();
  e->view = std::move(view);
  e->last_checkpoint = std::chrono::steady_clock::now();
  std::string path = checkpoint_path(e->view->def().oid);
  if (!path.empty()) {
    Status s = e->view->load_checkpoint(fs_, path);
    if (!s.ok()) logging::error("materialized view not maintained", "view", e->view->def().name, "error", s.to_string());
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    views_[e->view->def().oid] = e;
  }
  wake_.notify_all();
}

Status StreamRuntime::remove(catalog::Oid oid) {
  std::shared_ptr<Entry> e;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = views_.find(oid);
    if (it == views_.end()) return Status::ok_status();
    e = it->second;
    views_.erase(it);
  }
  std::lock_guard<std::mutex> lock(e->mu);
  e->removed = true;
  std::string path = checkpoint_path(oid);
  if (path.empty()) return Status::ok_status();
  // The checkpoint first: a crash between leaves a rows file no checkpoint names,
  // which Engine::start_streams removes (its view is gone from the catalog).
  if (fs_->exists(path)) STRATA_RETURN_IF_ERROR(fs_->remove(path));
  const std::string rows = ViewMaintainer::rows_path_of(path);
  if (fs_->exists(rows)) STRATA_RETURN_IF_ERROR(fs_->remove(rows));
  return Status::ok_status();
}

std::string StreamRuntime::sink_path(catalog::Oid oid) const {
  if (fs_ == nullptr || dir_.empty()) return "";
  return fmt::format("{}/{}.sink", dir_, oid);
}

std::shared_ptr<StreamRuntime::Entry> StreamRuntime::entry(catalog::Oid view_oid) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = views_.find(view_oid);
  return it == views_.end() ? nullptr : it->second;
}

Status StreamRuntime::add_sink(std::shared_ptr<ViewSink> sink) {
  std::shared_ptr<Entry> e = entry(sink->def().view_oid);
  if (e == nullptr) {
    return Status::sql("55000", fmt::format("sink \"{}\": its materialized view is not maintained", sink->def().name));
  }
  {
    std::lock_guard<std::mutex> lock(e->mu);
    if (e->removed) return Status::sql("55000", fmt::format("sink \"{}\": its materialized view was dropped", sink->def().name));
    Status s = sink->load(fs_, sink_path(sink->def().oid), e->view->checkpoint_sequence(), *e->view->result());
    if (!s.ok()) logging::error("sink stopped", "sink", sink->def().name, "error", s.to_string());
    e->sinks.push_back(std::move(sink));
  }
  wake_.notify_all();
  return Status::ok_status();
}

Status StreamRuntime::remove_sink(catalog::Oid view_oid, catalog::Oid sink_oid) {
  if (std::shared_ptr<Entry> e = entry(view_oid)) {
    std::lock_guard<std::mutex> lock(e->mu);
    std::erase_if(e->sinks, [&](const std::shared_ptr<ViewSink>& s) { return s->def().oid == sink_oid; });
  }
  std::string path = sink_path(sink_oid);
  if (!path.empty() && fs_->exists(path)) STRATA_RETURN_IF_ERROR(fs_->remove(path));
  return Status::ok_status();
}

std::shared_ptr<ViewSink> StreamRuntime::find_sink(catalog::Oid view_oid, catalog::Oid sink_oid) const {
  std::shared_ptr<Entry> e = entry(view_oid);
  if (e == nullptr) return nullptr;
  std::lock_guard<std::mutex> lock(e->mu);
  for (const auto& s : e->sinks) {
    if (s->def().oid == sink_oid) return s;
  }
  return nullptr;
}

void StreamRuntime::note_sink_error(Entry& e, const ViewSink& sink, const Status& s) {
  std::string err = s.to_string();
  if (err == e.last_sink_error) return;
  logging::warn("sink emission failed; retrying at the next checkpoint", "sink", sink.def().name, "error", err);
  e.last_sink_error = err;
}

std::shared_ptr<ViewMaintainer> StreamRuntime::find(catalog::Oid oid) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = views_.find(oid);
  return it == views_.end() ? nullptr : it->second->view;
}

bool StreamRuntime::step(Entry& e) {
  if (e.removed || !e.view->failure().ok()) return false;
  auto now = std::chrono::steady_clock::now();
  if (now < e.retry_after) return false;
  Result<bool> r = e.view->step(access_, options_.step_bytes, options_.state_bytes_max);
  if (!r.ok()) {
    std::string err = r.status().to_string();
    if (err != e.last_error) {
      logging::warn("materialized view step failed; retrying", "view", e.view->def().name, "error", err);
      e.last_error = err;
    }
    e.retry_after = now + std::chrono::milliseconds(options_.retry_wait_ms);
    return false;
  }
  e.last_error.clear();
  return *r;
}

void StreamRuntime::checkpoint(Entry& e, bool force) {
  if (e.removed) return;
  // What an earlier emission left undelivered goes first: the view's next
  // checkpoint waits for it (view_sink.h, "Exactly once").
  std::vector<ViewSink*> sinks;
  for (const auto& sink : e.sinks) {
    if (!sink->failure().ok()) continue;
    if (sink->pending()) {
      Status d = sink->deliver(access_);
      if (!d.ok()) {
        note_sink_error(e, *sink, d);
        if (sink->failure().ok()) return;
        continue;
      }
    }
    sinks.push_back(sink.get());
  }
  const bool fresh_sink = std::any_of(sinks.begin(), sinks.end(), [](const ViewSink* s) { return s->fresh(); });
  if (!e.view->dirty() && !fresh_sink) return;
  std::string path = checkpoint_path(e.view->def().oid);
  if (path.empty() && sinks.empty()) return;
  auto now = std::chrono::steady_clock::now();
  // The interval, stretched so that writing a view's checkpoints takes at most a
  // tenth of the time: a checkpoint rewrites the whole state (decision 0005), so
  // a large state is written less often instead of slowing the view down.
  const auto wait = std::max<std::chrono::steady_clock::duration>(
      std::chrono::milliseconds(options_.checkpoint_interval_ms), 9 * e.checkpoint_cost);
  if (!force && now - e.last_checkpoint < wait) return;
  e.last_checkpoint = now;
  // 1. Every sink prepares its difference against the result being checkpointed.
  const uint64_t sequence = e.view->next_checkpoint_sequence();
  std::shared_ptr<const ViewResult> result = e.view->result();
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  std::vector<ViewSink*> prepared;
  for (ViewSink* sink : sinks) {
    Status p = sink->prepare(access_, fs_, sink_path(sink->def().oid), sequence, *result, now_ms);
    if (p.ok()) {
      prepared.push_back(sink);
      continue;
    }
    note_sink_error(e, *sink, p);
    if (sink->failure().ok()) return;  // retried at the next interval; the view's checkpoint waits
  }
  // 2. The view's checkpoint.
  if (!path.empty() && e.view->dirty()) {
    Status s = e.view->write_checkpoint(fs_, path);
    e.checkpoint_cost = std::chrono::steady_clock::now() - now;
    if (!s.ok()) {
      // The state stays in memory and the next interval tries again (the sinks
      // prepare again); what a crash loses now is replayed from the previous
      // checkpoint's offsets.
      logging::warn("materialized view checkpoint failed", "view", e.view->def().name, "error", s.to_string());
      return;
    }
  }
  // 3. The sinks deliver.
  for (ViewSink* sink : prepared) {
    sink->commit();
    Status d = sink->deliver(access_);
    if (!d.ok()) note_sink_error(e, *sink, d);
  }
}

void StreamRuntime::run() {
  while (true) {
    std::vector<std::shared_ptr<Entry>> entries;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) break;
      for (auto& [oid, e] : views_) entries.push_back(e);
    }
    bool progress = false;
    for (auto& e : entries) {
      // A view another thread is stepping is passed by.
      std::unique_lock<std::mutex> lock(e->mu, std::try_to_lock);
      if (!lock.owns_lock()) continue;
      progress = step(*e) || progress;
      checkpoint(*e, false);
    }
    if (progress) continue;
    std::unique_lock<std::mutex> lock(mu_);
    wake_.wait_for(lock, std::chrono::milliseconds(options_.idle_wait_ms), [this] { return stopping_; });
  }
}

}  // namespace strata::exec
