#include "io/fault_injecting_file_system.h"

#include <fcntl.h>
#include <unistd.h>

namespace strata::io {
namespace {

class FaultyWritableFile final : public WritableFile {
 public:
  FaultyWritableFile(FaultInjectingFileSystem* fs, std::unique_ptr<WritableFile> base)
      : fs_(fs), base_(std::move(base)) {}

  Status append(std::span<const uint8_t> data) override {
    if (fs_->should_fail_append()) return Status::io_error("injected write failure: " + path());
    return base_->append(data);
  }
  Status sync() override {
    if (fs_->should_fail_sync()) return Status::io_error("injected fdatasync failure: " + path());
    uint64_t size = base_->size_bytes();
    STRATA_RETURN_IF_ERROR(base_->sync());
    fs_->record_synced_size(path(), size);
    return Status::ok_status();
  }
  Status truncate(uint64_t size_bytes) override { return base_->truncate(size_bytes); }
  uint64_t size_bytes() const override { return base_->size_bytes(); }
  Status close() override { return base_->close(); }
  const std::string& path() const override { return base_->path(); }

 private:
  FaultInjectingFileSystem* fs_;
  std::unique_ptr<WritableFile> base_;
};

}  // namespace

Result<std::unique_ptr<WritableFile>> FaultInjectingFileSystem::open_writable(const std::string& path) {
  STRATA_ASSIGN_OR_RETURN(auto f, base_->open_writable(path));
  {
    std::lock_guard g(mu_);
    // A file that existed before is taken as synced at its current size.
    synced_size_.emplace(path, f->size_bytes());
  }
  return std::unique_ptr<WritableFile>(new FaultyWritableFile(this, std::move(f)));
}

Status FaultInjectingFileSystem::remove(const std::string& path) {
  {
    std::lock_guard g(mu_);
    synced_size_.erase(path);
  }
  return base_->remove(path);
}

Status FaultInjectingFileSystem::rename(const std::string& from, const std::string& to) {
  {
    std::lock_guard g(mu_);
    auto it = synced_size_.find(from);
    if (it != synced_size_.end()) {
      synced_size_[to] = it->second;
      synced_size_.erase(it);
    }
  }
  return base_->rename(from, to);
}

bool FaultInjectingFileSystem::should_fail_append() {
  std::lock_guard g(mu_);
  if (append_fail_p_ > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < append_fail_p_) {
    injected_appends_++;
    return true;
  }
  return false;
}

bool FaultInjectingFileSystem::should_fail_sync() {
  std::lock_guard g(mu_);
  if (fail_syncs_ > 0) {
    fail_syncs_--;
    injected_syncs_++;
    return true;
  }
  if (sync_fail_p_ > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < sync_fail_p_) {
    injected_syncs_++;
    return true;
  }
  return false;
}

void FaultInjectingFileSystem::record_synced_size(const std::string& path, uint64_t size) {
  std::lock_guard g(mu_);
  synced_size_[path] = size;
}

Status FaultInjectingFileSystem::drop_unsynced_data() {
  std::lock_guard g(mu_);
  for (auto& [path, size] : synced_size_) {
    if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0 && errno != ENOENT) {
      return Status::io_error_errno("truncate", path, errno);
    }
  }
  return Status::ok_status();
}

}  // namespace strata::io
