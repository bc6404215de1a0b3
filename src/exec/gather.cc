#include "exec/gather.h"

#include <fmt/format.h>

#include <chrono>

#include "base/assert.h"

namespace strata::exec {

namespace {

// Adds the statistics of `from` into `to`, node by node (same tree shape).
void add_tree_stats(const Operator& from, Operator& to) {
  to.add_stats(from.stats());
  const auto& fc = from.children();
  const auto& tc = to.children();
  for (size_t i = 0; i < fc.size() && i < tc.size(); ++i) add_tree_stats(*fc[i], *tc[i]);
}

}  // namespace

Gather::Gather(std::vector<OperatorPtr> copies) : Operator(copies.at(0)->output_types()) {
  queue_batches_max_ = 2 * copies.size() + 2;
  for (size_t i = 1; i < copies.size(); ++i) extra_copies_.push_back(std::move(copies[i]));
  add_child(std::move(copies[0]));
  copies_.push_back(&child(0));
  for (auto& c : extra_copies_) copies_.push_back(c.get());
}

Gather::~Gather() { stop_workers(); }

std::string Gather::detail() const { return fmt::format("workers: {}", copies_.size()); }

Status Gather::open(ExecContext& ctx) {
  STRATA_ASSERT(threads_.empty() && contexts_.empty(), "Gather opened twice");
  bind_context(ctx);
  running_ = copies_.size();
  for (size_t i = 0; i < copies_.size(); ++i) {
    auto wctx = std::make_unique<ExecContext>(ctx);
    wctx->cancel = &stop_;
    contexts_.push_back(std::move(wctx));
  }
  for (size_t i = 0; i < copies_.size(); ++i) threads_.emplace_back([this, i] { run_worker(i); });
  return Status::ok_status();
}

void Gather::run_worker(size_t index) {
  Operator& op = *copies_[index];
  ExecContext& wctx = *contexts_[index];
  Status st = op.open(wctx);
  while (st.ok() && !stop_.load(std::memory_order_relaxed)) {
    types::Batch b;
    Result<bool> r = op.pull(b);
    if (!r.ok()) {
      st = r.status();
      break;
    }
    if (!*r) break;
    std::unique_lock lock(mu_);
    space_cv_.wait(lock, [&] { return queue_.size() < queue_batches_max_ || stop_.load(); });
    if (stop_.load()) break;
    queue_.push_back(std::move(b));
    ready_cv_.notify_one();
  }
  op.close();
  std::lock_guard lock(mu_);
  if (!st.ok() && !failed_) {
    failed_ = true;
    error_ = st;
    stop_.store(true);
    space_cv_.notify_all();
  }
  --running_;
  ready_cv_.notify_all();
}

Result<bool> Gather::next(types::Batch& out) {
  std::unique_lock lock(mu_);
  while (true) {
    if (failed_) {
      // A copy stopped because another failed reports 57014 through its stop
      // flag; the first error recorded is the real one.
      return error_;
    }
    if (!queue_.empty()) {
      out = std::move(queue_.front());
      queue_.pop_front();
      space_cv_.notify_one();
      return true;
    }
    if (running_ == 0) {
      out = types::Batch(output_types());
      return false;
    }
    ready_cv_.wait_for(lock, std::chrono::milliseconds(20));
    if (!failed_ && !ctx().check_cancel().ok()) {
      failed_ = true;
      error_ = ctx().check_cancel();
      stop_.store(true);
      space_cv_.notify_all();
    }
  }
}

void Gather::stop_workers() {
  {
    std::lock_guard lock(mu_);
    stop_.store(true);
    space_cv_.notify_all();
  }
  for (auto& t : threads_) t.join();
  threads_.clear();
  queue_.clear();
}

void Gather::close() {
  stop_workers();
  if (!stats_folded_ && !contexts_.empty()) {
    stats_folded_ = true;
    for (size_t i = 1; i < copies_.size(); ++i) add_tree_stats(*copies_[i], *copies_[0]);
  }
  for (Operator* c : copies_) c->close();
}

}  // namespace strata::exec
