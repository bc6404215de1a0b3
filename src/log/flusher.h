// Flusher: the group-commit thread. Callers register (partition, offset,
// callback); each round the flusher syncs every partition that has waiters,
// was asked to flush (flush.messages) or holds unsynced data older than its
// flush age, then completes the waiters whose offset is now durable. Requests
// arriving while a round's fdatasyncs run are served by the next round, so
// one fdatasync covers many producers.
//
// A failed fdatasync fences the partition (LocalPartition::sync) and every
// waiter of that round gets the error; later waiters get kUnavailable.
//
// Threading: request(), force(), add(), remove() from any thread; callbacks
// run on the flusher thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "io/clock.h"
#include "log/local_partition.h"

namespace strata::log {

class Flusher {
 public:
  // `flush_interval_ms`: background flush age cap (LogOptions).
  Flusher(io::Clock* clock, int64_t flush_interval_ms);
  ~Flusher();
  Flusher(const Flusher&) = delete;
  Flusher& operator=(const Flusher&) = delete;

  void start();
  // Serves the requests already made, then stops; later requests fail with kUnavailable.
  void stop();

  void add(std::shared_ptr<LocalPartition> p);
  // Forgets `p`; its pending waiters get kNotFound.
  void remove(const LocalPartition* p);
  void request(std::shared_ptr<LocalPartition> p, int64_t offset, std::function<void(Status)> done);
  // Syncs `p` in the next round without a waiter.
  void force(std::shared_ptr<LocalPartition> p);

 private:
  struct Waiter {
    std::shared_ptr<LocalPartition> partition;
    int64_t offset = 0;
    std::function<void(Status)> done;
  };
  void run();
  void round(std::vector<Waiter> waiters, std::vector<std::shared_ptr<LocalPartition>> forced,
             const std::vector<std::shared_ptr<LocalPartition>>& all);

  io::Clock* clock_;
  const int64_t flush_interval_ms_;
  const int64_t tick_ms_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Waiter> waiters_;                          // guarded by mu_
  std::vector<Waiter> parked_;                           // offset beyond the log end; guarded by mu_
  std::vector<std::shared_ptr<LocalPartition>> forced_;  // guarded by mu_
  std::vector<std::shared_ptr<LocalPartition>> partitions_;  // guarded by mu_
  bool stopping_ = false;                                // guarded by mu_
  bool running_ = false;                                 // guarded by mu_
  std::thread thread_;
};

}  // namespace strata::log
