// StreamRuntime: the engine's thread that keeps every materialized view current
// (docs/streams.md, "Runtime and checkpoints").
//
// `threads` threads (started by start(), joined by stop()) loop over the views:
// each view takes one bounded step (ViewMaintainer::step: at most `step_bytes` of
// new records), and a view whose state changed is checkpointed once
// `checkpoint_interval_ms` has passed since its last checkpoint. A view is
// stepped by one thread at a time (the one holding its entry's mutex; the others
// pass it by), so views run in parallel and each view's steps stay in order.
// When no view has new records a thread waits `idle_wait_ms` (or until stop). A failing step
// (the log unavailable, a topic deleted) is logged and retried after
// `retry_wait_ms`; it changes nothing. stop() writes a last checkpoint of every
// changed view, so a clean shutdown replays nothing.
//
// Sinks (exec/view_sink.h) emit at their view's checkpoints: each sink prepares
// its difference (sink file), then the view's checkpoint is written, then the
// sinks deliver. A sink whose delivery failed finishes it before the view's next
// checkpoint; a sink that cannot prepare holds the view's checkpoint back (a
// stopped sink no longer does).
//
// The thread calls TopicAccess, which blocks the caller (never the event loop).
//
// Threads: every public method is safe from any thread. A view's step and
// checkpoint run under its entry's mutex, which remove() also takes, so a dropped
// view is never checkpointed after its file was removed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "exec/topic_access.h"
#include "exec/view_maintainer.h"
#include "exec/view_sink.h"
#include "io/file_system.h"

namespace strata::exec {

struct StreamRuntimeOptions {
  int64_t checkpoint_interval_ms = 1000;
  int32_t step_bytes = 1 << 20;  // bytes of records one view reads per step
  // A view whose state would grow past this many bytes stops with 53200 (its
  // state stays as it was; SHOW MATERIALIZED VIEWS gives the reason).
  int64_t state_bytes_max = int64_t{1} << 30;
  int64_t idle_wait_ms = 20;
  int64_t retry_wait_ms = 500;
  int32_t threads = 1;
};

class StreamRuntime {
 public:
  // `fs` null or `checkpoint_dir` empty: no checkpoints (views restart empty).
  StreamRuntime(TopicAccess* access, io::FileSystem* fs, std::string checkpoint_dir, StreamRuntimeOptions options);
  ~StreamRuntime();

  void start();
  // Idempotent. Returns after the threads have stopped and the last checkpoints
  // (and sink emissions) of every changed view are written.
  void stop();

  // Where view `oid` keeps its checkpoint ("" without checkpoints).
  std::string checkpoint_path(catalog::Oid oid) const;
  // Loads the view's checkpoint (a damaged one leaves the view failed, reported
  // by its stats and to readers) and starts maintaining it.
  void add(std::shared_ptr<ViewMaintainer> view);
  // Stops maintaining the view and removes its checkpoint file.
  Status remove(catalog::Oid oid);
  std::shared_ptr<ViewMaintainer> find(catalog::Oid oid) const;

  // Where sink `oid` keeps its sink file ("" without checkpoints).
  std::string sink_path(catalog::Oid oid) const;
  // Loads the sink's file against its view's loaded checkpoint and starts it
  // (55000 when the view is not maintained; a damaged file leaves the sink
  // stopped, reported by its stats).
  Status add_sink(std::shared_ptr<ViewSink> sink);
  // Stops the sink and removes its file.
  Status remove_sink(catalog::Oid view_oid, catalog::Oid sink_oid);
  std::shared_ptr<ViewSink> find_sink(catalog::Oid view_oid, catalog::Oid sink_oid) const;

 private:
  struct Entry {
    std::shared_ptr<ViewMaintainer> view;
    std::mutex mu;          // held for a step or checkpoint, and by remove()
    bool removed = false;   // under mu
    std::chrono::steady_clock::time_point last_checkpoint;
    std::chrono::steady_clock::duration checkpoint_cost{0};  // how long the last write took
    std::chrono::steady_clock::time_point retry_after;
    std::string last_error;
    std::vector<std::shared_ptr<ViewSink>> sinks;  // under mu
    std::string last_sink_error;                   // under mu
  };
  void run();
  // One step of the entry; true when it consumed records. REQUIRES: e.mu held.
  bool step(Entry& e);
  // REQUIRES: e.mu held.
  void checkpoint(Entry& e, bool force);
  std::shared_ptr<Entry> entry(catalog::Oid view_oid) const;
  // Logs a sink's failed step once per distinct error.
  void note_sink_error(Entry& e, const ViewSink& sink, const Status& s);

  TopicAccess* access_;
  io::FileSystem* fs_;
  std::string dir_;
  StreamRuntimeOptions options_;
  mutable std::mutex mu_;  // guards views_, stopping_
  std::condition_variable wake_;
  std::map<catalog::Oid, std::shared_ptr<Entry>> views_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace strata::exec
