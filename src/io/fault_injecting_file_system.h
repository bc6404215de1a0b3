// FaultInjectingFileSystem: wraps another FileSystem and injects the disk
// faults the crash and recovery tests need:
//  - failed appends and failed syncs (on demand, or from a seeded generator);
//  - a simulated power loss: drop_unsynced_data() truncates every file opened
//    for writing back to the size it had at its last successful sync, as if the
//    page cache had been lost.
// Counters report what was injected so tests can assert that faults happened.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <random>

#include "io/file_system.h"

namespace strata::io {

class FaultInjectingFileSystem final : public FileSystem {
 public:
  explicit FaultInjectingFileSystem(FileSystem* base, uint64_t seed = 1) : base_(base), rng_(seed) {}

  // Probabilities in [0, 1] applied to every later append / sync.
  void set_append_failure_probability(double p) { append_fail_p_ = p; }
  void set_sync_failure_probability(double p) { sync_fail_p_ = p; }
  // The next `n` syncs fail.
  void fail_next_syncs(int n) {
    std::lock_guard g(mu_);
    fail_syncs_ = n;
  }
  // Power loss: cut every written file back to its last synced size.
  Status drop_unsynced_data();

  int injected_append_failures() const { return injected_appends_; }
  int injected_sync_failures() const { return injected_syncs_; }

  Result<std::unique_ptr<WritableFile>> open_writable(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> open_readable(const std::string& path) override {
    return base_->open_readable(path);
  }
  Status create_dirs(const std::string& path) override { return base_->create_dirs(path); }
  Result<std::vector<std::string>> list_dir(const std::string& dir) override { return base_->list_dir(dir); }
  bool exists(const std::string& path) override { return base_->exists(path); }
  Status remove(const std::string& path) override;
  Status remove_all(const std::string& path) override { return base_->remove_all(path); }
  Status rename(const std::string& from, const std::string& to) override;
  Status sync_dir(const std::string& dir) override { return base_->sync_dir(dir); }

  // Called by the wrapped files.
  bool should_fail_append();
  bool should_fail_sync();
  void record_synced_size(const std::string& path, uint64_t size);

 private:
  FileSystem* base_;
  std::mutex mu_;
  std::mt19937_64 rng_;
  double append_fail_p_ = 0;
  double sync_fail_p_ = 0;
  int fail_syncs_ = 0;
  int injected_appends_ = 0;
  int injected_syncs_ = 0;
  std::map<std::string, uint64_t> synced_size_;  // path -> size at last good sync
};

}  // namespace strata::io
