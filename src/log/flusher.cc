#include "log/flusher.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

namespace strata::log {

Flusher::Flusher(io::Clock* clock, int64_t flush_interval_ms)
    : clock_(clock),
      flush_interval_ms_(flush_interval_ms),
      tick_ms_(std::clamp<int64_t>(flush_interval_ms, 5, 100)) {}

Flusher::~Flusher() { stop(); }

void Flusher::start() {
  std::lock_guard g(mu_);
  if (running_ || stopping_) return;
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void Flusher::stop() {
  {
    std::lock_guard g(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::vector<Waiter> left;
  {
    std::lock_guard g(mu_);
    running_ = false;
    left.swap(waiters_);
    for (auto& w : parked_) left.push_back(std::move(w));
    parked_.clear();
  }
  for (auto& w : left) w.done(Status::unavailable("log is shutting down"));
}

void Flusher::add(std::shared_ptr<LocalPartition> p) {
  std::lock_guard g(mu_);
  partitions_.push_back(std::move(p));
}

void Flusher::remove(const LocalPartition* p) {
  std::vector<Waiter> dropped;
  {
    std::lock_guard g(mu_);
    std::erase_if(partitions_, [p](const auto& q) { return q.get() == p; });
    std::erase_if(forced_, [p](const auto& q) { return q.get() == p; });
    for (auto* list : {&waiters_, &parked_}) {
      for (auto it = list->begin(); it != list->end();) {
        if (it->partition.get() == p) {
          dropped.push_back(std::move(*it));
          it = list->erase(it);
        } else {
          ++it;
        }
      }
    }
  }
  for (auto& w : dropped) w.done(Status::not_found("partition deleted"));
}

void Flusher::request(std::shared_ptr<LocalPartition> p, int64_t offset, std::function<void(Status)> done) {
  {
    std::lock_guard g(mu_);
    if (!stopping_) {
      waiters_.push_back({std::move(p), offset, std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  done(Status::unavailable("log is shutting down"));
}

void Flusher::force(std::shared_ptr<LocalPartition> p) {
  std::lock_guard g(mu_);
  forced_.push_back(std::move(p));
  cv_.notify_one();
}

void Flusher::run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait_for(lock, std::chrono::milliseconds(tick_ms_),
                 [this] { return stopping_ || !waiters_.empty() || !forced_.empty(); });
    std::vector<Waiter> waiters;
    waiters.swap(waiters_);
    // Parked waiters (offset past the log end when last seen) are retried each tick.
    for (auto& w : parked_) waiters.push_back(std::move(w));
    parked_.clear();
    std::vector<std::shared_ptr<LocalPartition>> forced;
    forced.swap(forced_);
    std::vector<std::shared_ptr<LocalPartition>> all = partitions_;
    bool stopping = stopping_;
    lock.unlock();
    round(std::move(waiters), std::move(forced), all);
    lock.lock();
    if (stopping) return;
  }
}

void Flusher::round(std::vector<Waiter> waiters, std::vector<std::shared_ptr<LocalPartition>> forced,
                    const std::vector<std::shared_ptr<LocalPartition>>& all) {
  std::vector<LocalPartition*> to_sync;
  auto want = [&to_sync](LocalPartition* p) {
    if (std::find(to_sync.begin(), to_sync.end(), p) == to_sync.end()) to_sync.push_back(p);
  };
  for (const auto& w : waiters) {
    if (w.offset > w.partition->durable_end_offset()) want(w.partition.get());
  }
  for (const auto& p : forced) want(p.get());
  const int64_t now = clock_->monotonic_ms();
  for (const auto& p : all) {
    if (p->flush_due(now, std::min(flush_interval_ms_, p->flush_ms()))) want(p.get());
  }
  std::unordered_map<LocalPartition*, Status> results;
  for (LocalPartition* p : to_sync) {
    if (!p->has_unsynced() && !p->fenced()) continue;
    results[p] = p->sync();
  }
  std::vector<Waiter> parked;
  for (auto& w : waiters) {
    auto it = results.find(w.partition.get());
    if (it != results.end() && !it->second.ok()) {
      w.done(it->second);
    } else if (w.offset <= w.partition->durable_end_offset()) {
      w.done(Status::ok_status());
    } else if (w.partition->fenced()) {
      w.done(Status::unavailable("partition is fenced: " + w.partition->fence_reason()));
    } else {
      parked.push_back(std::move(w));
    }
  }
  if (!parked.empty()) {
    std::lock_guard g(mu_);
    for (auto& w : parked) parked_.push_back(std::move(w));
  }
}

}  // namespace strata::log
