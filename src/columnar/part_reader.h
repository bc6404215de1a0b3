// PartReader: reads a part file (docs/formats/column-part.md). open() reads and
// verifies the trailer and footer (magic, version, CRC-32C, every size and
// offset bounds-checked against the file); read_row_group() reads only the
// requested columns' chunks, verifies each chunk's CRC-32C and decodes into a
// types::Batch (strings into the vectors' heaps).
//
// Any inconsistency is kCorruption naming the file (and row group and column
// for chunks); nothing read from disk is trusted before it is checked, and no
// allocation is sized from disk beyond `chunk_bytes_max` / kFooterBytesMax.
//
// Threading: after open() the reader is immutable; read_row_group() may be
// called from several threads at once (pread).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "columnar/part_format.h"
#include "columnar/zone_predicate.h"
#include "io/file_system.h"
#include "types/batch.h"

namespace strata::columnar {

struct PartReaderOptions {
  // Largest chunk (stored or decoded) accepted; larger is kCorruption.
  uint64_t chunk_bytes_max = uint64_t{256} << 20;
};

// Where one column chunk is and how it is stored (from the footer).
struct ChunkInfo {
  uint64_t offset = 0;        // in the file
  uint32_t stored_bytes = 0;  // on disk (after compression)
  uint32_t encoded_bytes = 0; // after decompression
  Encoding encoding = Encoding::kPlain;
  Compression compression = Compression::kNone;
  uint32_t crc32c = 0;        // of the stored bytes
  ZoneMap zone;
};

struct RowGroupInfo {
  uint64_t first_row = 0;  // index of its first row in the part
  uint32_t row_count = 0;
  std::vector<ChunkInfo> chunks;  // one per column
};

class PartReader {
 public:
  static Result<std::unique_ptr<PartReader>> open(io::FileSystem* fs, const std::string& path,
                                                  PartReaderOptions options = {});
  // Reads from an already open file (tests, the fuzzer).
  static Result<std::unique_ptr<PartReader>> open(std::unique_ptr<io::RandomAccessFile> file,
                                                  PartReaderOptions options = {});

  const std::string& path() const { return file_->path(); }
  const std::vector<ColumnSchema>& columns() const { return columns_; }
  uint64_t row_count() const { return row_count_; }
  uint64_t file_bytes() const { return file_bytes_; }
  size_t row_group_count() const { return row_groups_.size(); }
  const RowGroupInfo& row_group(size_t index) const { return row_groups_[index]; }

  // False when the zone maps of row group `index` prove that no row satisfies
  // every predicate (columns are positions in columns()).
  bool row_group_may_match(size_t index, std::span<const ZonePredicate> predicates) const;

  // Decodes the chunks of `column_indexes` (positions in columns(), any order,
  // repeats allowed) of row group `index` into `out`, which is reset to those
  // columns' types and the row group's row count.
  // REQUIRES: index < row_group_count().
  Status read_row_group(size_t index, std::span<const uint32_t> column_indexes, types::Batch* out) const;
  // Reads every row group's chunks (all columns) and checks their CRCs and
  // that they decode (a full verification, e.g. for the fuzzer or a scrub).
  Status verify() const;

 private:
  PartReader() = default;
  Status parse_footer();
  Status read_chunk(size_t row_group, uint32_t column, types::Vector* out) const;

  std::unique_ptr<io::RandomAccessFile> file_;
  PartReaderOptions options_;
  uint64_t file_bytes_ = 0;
  uint64_t row_count_ = 0;
  std::vector<ColumnSchema> columns_;
  std::vector<RowGroupInfo> row_groups_;
};

// A read-only RandomAccessFile over bytes in memory.
class MemoryFile final : public io::RandomAccessFile {
 public:
  MemoryFile(std::string path, std::vector<uint8_t> bytes) : path_(std::move(path)), bytes_(std::move(bytes)) {}
  Result<size_t> read(uint64_t offset, std::span<uint8_t> out) const override;
  Result<uint64_t> size_bytes() const override { return bytes_.size(); }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  std::vector<uint8_t> bytes_;
};

}  // namespace strata::columnar
