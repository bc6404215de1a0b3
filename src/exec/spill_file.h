// SpillFile: a temporary file of batches under ExecContext::spill_dir, written once
// then read back in order (possibly several times). Used by Sort (sorted runs),
// HashAggregate and HashJoin (hash partitions).
//
// Lifecycle: create() -> write()* -> finish() -> read()* [-> rewind() -> read()*].
// The file is removed by the destructor (and by close()); a query's spill_dir is
// private to it and the engine removes the whole directory after the query, so a
// crash leaves nothing behind for long.
//
// Record format (process-private, never read by another version; native byte order):
//   u32 payload_bytes, u32 crc32c(payload), payload:
//     u32 rows, u32 columns, then per column: `rows` NULL bytes, then the data:
//     fixed-width types: rows * physical_size bytes (NULL slots zero);
//     string-like types: rows u32 lengths, then the bytes back to back.
// A short read or checksum mismatch is reported as XX001 data_corrupted.
//
// Threads: one thread per file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "io/file_system.h"
#include "types/batch.h"
#include "types/type.h"

namespace strata::exec {

struct ExecContext;

class SpillFile {
 public:
  // Creates an empty file named "<spill_dir>/<prefix>-<pid>-<n>.spill".
  // 53200 when the context has no spill directory.
  static Result<std::unique_ptr<SpillFile>> create(const ExecContext& ctx, const std::string& prefix,
                                                   std::vector<types::Type> types);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  const std::vector<types::Type>& types() const { return types_; }
  // REQUIRES: not finished; batch columns of types().
  Status write(const types::Batch& batch);
  // Flushes buffered bytes; afterwards only reads.
  Status finish();
  // Reads the next batch into `out` (replaced): true, or false at the end.
  Result<bool> read(types::Batch& out);
  void rewind() { read_offset_ = 0; }
  // Removes the file now.
  void close();

  uint64_t size_bytes() const { return file_bytes_ + buffer_.size(); }
  uint64_t batch_count() const { return batch_count_; }
  uint64_t row_count() const { return row_count_; }

 private:
  SpillFile(std::string path, std::vector<types::Type> types) : path_(std::move(path)), types_(std::move(types)) {}
  Status flush();

  static constexpr size_t kWriteBufferBytes = 1 << 20;

  std::string path_;
  std::vector<types::Type> types_;
  std::unique_ptr<io::WritableFile> writer_;
  std::unique_ptr<io::RandomAccessFile> reader_;
  std::vector<uint8_t> buffer_;
  std::vector<uint8_t> read_buffer_;
  uint64_t file_bytes_ = 0;
  uint64_t read_offset_ = 0;
  uint64_t batch_count_ = 0;
  uint64_t row_count_ = 0;
  bool finished_ = false;
};

}  // namespace strata::exec
