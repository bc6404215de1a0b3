// FileSystem: the one door to the disk. The log and every other stored format
// use it, so crash tests can swap in FaultInjectingFileSystem.
//
// Durability contract: bytes passed to WritableFile::append are durable only
// after a later sync() returns ok. A failed sync() means the file's contents
// since the last successful sync are unknown: callers must never treat them as
// durable, and must not retry the sync as if it could succeed (fsyncgate).
// Directory entries (create, rename, remove) are durable after sync_dir().
//
// Thread-safety: a WritableFile may be appended to by one thread while another
// calls sync(); everything else is single-threaded per object.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"

namespace strata::io {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends at the end of the file.
  virtual Status append(std::span<const uint8_t> data) = 0;
  // fdatasync: makes every appended byte durable.
  virtual Status sync() = 0;
  // Cuts the file to `size_bytes` (used by recovery and compaction).
  virtual Status truncate(uint64_t size_bytes) = 0;
  virtual uint64_t size_bytes() const = 0;
  virtual Status close() = 0;
  virtual const std::string& path() const = 0;
};

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to `out.size()` bytes at `offset`; returns the count read (short
  // only at end of file).
  virtual Result<size_t> read(uint64_t offset, std::span<uint8_t> out) const = 0;
  virtual Result<uint64_t> size_bytes() const = 0;
  virtual const std::string& path() const = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Opens for append, creating the file if missing (existing bytes are kept).
  virtual Result<std::unique_ptr<WritableFile>> open_writable(const std::string& path) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> open_readable(const std::string& path) = 0;
  virtual Status create_dirs(const std::string& path) = 0;
  // Names (not paths) of the entries in `dir`, sorted.
  virtual Result<std::vector<std::string>> list_dir(const std::string& dir) = 0;
  virtual bool exists(const std::string& path) = 0;
  virtual Status remove(const std::string& path) = 0;
  // Removes a directory tree.
  virtual Status remove_all(const std::string& path) = 0;
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  // fsync of the directory itself, making entries created/renamed in it durable.
  virtual Status sync_dir(const std::string& dir) = 0;
  // Writes `data` to `path` atomically: temp file, sync, rename, sync_dir.
  Status write_file_atomic(const std::string& path, std::span<const uint8_t> data);
  // Reads a whole (small) file.
  Result<std::vector<uint8_t>> read_file(const std::string& path, uint64_t max_bytes);
};

// The real disk, through POSIX calls.
FileSystem* posix_file_system();

}  // namespace strata::io
