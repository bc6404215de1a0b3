// Gather: runs copies of one plan fragment on worker threads and returns their
// batches as they arrive. The copies scan disjoint morsels of one table
// (ScanHints::morsels in physical_planner.h), so together they produce each row of
// the fragment exactly once; the order of rows across copies is not defined.
//
// Lifecycle (one instance, one query):
//   open():  binds the query's context and starts one thread per copy. Each thread
//            opens its copy with its own ExecContext (a copy of the query's that
//            shares the memory budget and spill directory; its cancel flag is the
//            Gather's stop flag), pulls it to the end into a bounded queue, and
//            closes it.
//   next():  pops the queue. A worker's error stops every copy and is returned
//            (the first one). A cancel of the query is passed on to the workers.
//   close(): stops the workers (also when the parent stops early, as LIMIT does),
//            joins them, and adds every copy's statistics into the first copy's
//            tree, which is the one EXPLAIN shows (times summed over workers).
//
// Threads: open/next/close on the query's thread; each copy lives on its worker.
// Memory: at most queue_batches_max batches wait in the queue; a full queue blocks
// the workers (backpressure), it never grows.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "exec/operator.h"

namespace strata::exec {

class Gather final : public Operator {
 public:
  // REQUIRES: copies non-empty, all with the same output types.
  explicit Gather(std::vector<OperatorPtr> copies);
  ~Gather() override;

  Status open(ExecContext& ctx) override;
  void close() override;
  std::string name() const override { return "Gather"; }
  std::string detail() const override;

 protected:
  Result<bool> next(types::Batch& out) override;

 private:
  void run_worker(size_t index);
  void stop_workers();

  std::vector<OperatorPtr> extra_copies_;  // copies 1..n-1 (copy 0 is child 0)
  std::vector<Operator*> copies_;          // all copies, copy 0 first
  std::vector<std::unique_ptr<ExecContext>> contexts_;
  std::vector<std::thread> threads_;
  size_t queue_batches_max_;

  std::mutex mu_;
  std::condition_variable ready_cv_;  // a batch was queued or a worker finished
  std::condition_variable space_cv_;  // the queue has room, or stop
  std::deque<types::Batch> queue_;
  size_t running_ = 0;
  Status error_;
  bool failed_ = false;
  std::atomic<bool> stop_{false};
  bool stats_folded_ = false;
};

}  // namespace strata::exec
