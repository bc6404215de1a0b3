#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>

#include "io/file_system.h"

namespace strata::io {
namespace {

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status append(std::span<const uint8_t> data) override {
    const uint8_t* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::io_error_errno("write", path_, errno);
      }
      p += n;
      left -= static_cast<size_t>(n);
      size_.fetch_add(static_cast<uint64_t>(n), std::memory_order_release);
    }
    return Status::ok_status();
  }

  Status sync() override {
    if (::fdatasync(fd_) != 0) return Status::io_error_errno("fdatasync", path_, errno);
    return Status::ok_status();
  }

  Status truncate(uint64_t size_bytes) override {
    if (::ftruncate(fd_, static_cast<off_t>(size_bytes)) != 0) return Status::io_error_errno("ftruncate", path_, errno);
    if (::lseek(fd_, 0, SEEK_END) < 0) return Status::io_error_errno("lseek", path_, errno);
    size_.store(size_bytes, std::memory_order_release);
    return Status::ok_status();
  }

  uint64_t size_bytes() const override { return size_.load(std::memory_order_acquire); }

  Status close() override {
    if (fd_ < 0) return Status::ok_status();
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return Status::io_error_errno("close", path_, errno);
    return Status::ok_status();
  }

  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  int fd_;
  std::atomic<uint64_t> size_;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }

  Result<size_t> read(uint64_t offset, std::span<uint8_t> out) const override {
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::io_error_errno("pread", path_, errno);
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    return done;
  }

  Result<uint64_t> size_bytes() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return Status::io_error_errno("fstat", path_, errno);
    return static_cast<uint64_t>(st.st_size);
  }

  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  int fd_;
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> open_writable(const std::string& path) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return Status::io_error_errno("open", path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int e = errno;
      ::close(fd);
      return Status::io_error_errno("fstat", path, e);
    }
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd, static_cast<uint64_t>(st.st_size)));
  }

  Result<std::unique_ptr<RandomAccessFile>> open_readable(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Status::not_found(path);
      return Status::io_error_errno("open", path, errno);
    }
    return std::unique_ptr<RandomAccessFile>(new PosixRandomAccessFile(path, fd));
  }

  Status create_dirs(const std::string& path) override {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return Status::io_error("create_directories " + path + ": " + ec.message());
    return Status::ok_status();
  }

  Result<std::vector<std::string>> list_dir(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      if (errno == ENOENT) return Status::not_found(dir);
      return Status::io_error_errno("opendir", dir, errno);
    }
    std::vector<std::string> names;
    while (struct dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(std::move(n));
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }

  bool exists(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
  }

  Status remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Status::io_error_errno("unlink", path, errno);
    return Status::ok_status();
  }

  Status remove_all(const std::string& path) override {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    if (ec) return Status::io_error("remove_all " + path + ": " + ec.message());
    return Status::ok_status();
  }

  Status rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return Status::io_error_errno("rename", from, errno);
    return Status::ok_status();
  }

  Status sync_dir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Status::io_error_errno("open", dir, errno);
    int rc = ::fsync(fd);
    int e = errno;
    ::close(fd);
    if (rc != 0) return Status::io_error_errno("fsync", dir, e);
    return Status::ok_status();
  }
};

}  // namespace

FileSystem* posix_file_system() {
  static PosixFileSystem fs;
  return &fs;
}

Status FileSystem::write_file_atomic(const std::string& path, std::span<const uint8_t> data) {
  std::string tmp = path + ".tmp";
  STRATA_RETURN_IF_ERROR(remove(tmp));
  {
    STRATA_ASSIGN_OR_RETURN(auto f, open_writable(tmp));
    STRATA_RETURN_IF_ERROR(f->append(data));
    STRATA_RETURN_IF_ERROR(f->sync());
    STRATA_RETURN_IF_ERROR(f->close());
  }
  STRATA_RETURN_IF_ERROR(rename(tmp, path));
  std::string dir = std::filesystem::path(path).parent_path().string();
  return sync_dir(dir.empty() ? "." : dir);
}

Result<std::vector<uint8_t>> FileSystem::read_file(const std::string& path, uint64_t max_bytes) {
  STRATA_ASSIGN_OR_RETURN(auto f, open_readable(path));
  STRATA_ASSIGN_OR_RETURN(uint64_t size, f->size_bytes());
  if (size > max_bytes) return Status::resource_exhausted(path + " is larger than " + std::to_string(max_bytes) + " bytes");
  std::vector<uint8_t> buf(size);
  STRATA_ASSIGN_OR_RETURN(size_t n, f->read(0, buf));
  buf.resize(n);
  return buf;
}

}  // namespace strata::io
