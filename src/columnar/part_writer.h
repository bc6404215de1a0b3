// PartWriter: writes one immutable part file (docs/formats/column-part.md):
// rows are buffered into row groups of `row_group_rows`; each full row group is
// encoded column by column (best encoding, then compression when it helps) and
// appended; finish() writes the footer (schema, zone maps, offsets, CRC-32C of
// every chunk and of the footer) and fdatasyncs the file.
//
// Durability: after finish() returns ok the file's bytes are durable; its
// directory entry is not (the caller syncs the directory before referencing
// the part anywhere durable). A failed append or sync leaves a file that must
// not be used; abandon() removes it.
//
// Threading: one thread per writer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "columnar/part_format.h"
#include "io/file_system.h"
#include "types/batch.h"

namespace strata::columnar {

struct PartWriterOptions {
  // Rows per row group, 1..kRowGroupRowsMax.
  uint32_t row_group_rows = kRowGroupRowsMax;
  Compression compression = Compression::kLz4;
  int zstd_level = 1;
  // A compressed chunk is kept only when at most this fraction of the encoded size.
  double compression_ratio_max = 0.9;
  // append() fails with kResourceExhausted once the file would pass this size.
  uint64_t part_bytes_max = uint64_t{4} << 30;
};

// What finish() wrote.
struct PartInfo {
  std::string path;
  uint64_t row_count = 0;
  uint64_t size_bytes = 0;
  uint32_t row_group_count = 0;
};

class PartWriter {
 public:
  // Creates (or truncates) `path`. REQUIRES: columns.size() <= kColumnsMax.
  static Result<std::unique_ptr<PartWriter>> create(io::FileSystem* fs, std::string path,
                                                    std::vector<ColumnSchema> columns, PartWriterOptions options = {});
  ~PartWriter();
  PartWriter(const PartWriter&) = delete;
  PartWriter& operator=(const PartWriter&) = delete;

  // Appends all rows of `batch`, whose columns have the part's types in order
  // (same physical types; kInvalidArgument otherwise).
  Status append(const types::Batch& batch);
  // Appends rows [begin, begin + count) of `batch`.
  Status append_rows(const types::Batch& batch, size_t begin, size_t count);
  // Writes the last row group and the footer, then fdatasyncs. The writer is
  // finished afterwards (whatever the result).
  Result<PartInfo> finish();
  // Closes and removes the file (after a failure, or to drop the part).
  void abandon();

  uint64_t row_count() const { return rows_written_ + buffered_rows(); }
  // Bytes written to the file so far (row groups still buffered not counted).
  uint64_t size_bytes() const;
  const std::vector<ColumnSchema>& columns() const { return columns_; }

 private:
  struct State;
  PartWriter(io::FileSystem* fs, std::string path, std::vector<ColumnSchema> columns, PartWriterOptions options);
  size_t buffered_rows() const;
  Status flush_row_group();
  Status write(std::span<const uint8_t> bytes);

  io::FileSystem* fs_;
  std::string path_;
  std::vector<ColumnSchema> columns_;
  PartWriterOptions options_;
  std::unique_ptr<io::WritableFile> file_;
  std::unique_ptr<State> state_;
  uint64_t rows_written_ = 0;
  bool finished_ = false;
};

}  // namespace strata::columnar
