// The internals of a table's state: deletion bitmaps, part handles, tail
// chunks, the WAL records (docs/formats/table-manifest.md) and how each
// record changes the state. Live commits and recovery apply records through
// the same functions, so what recovery rebuilds is what was published.
// Internal to the module.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "columnar/part_reader.h"
#include "columnar/table_store.h"
#include "io/file_system.h"
#include "types/batch.h"

namespace strata::columnar {

// Deleted row indexes of one part (or tail). Copy-on-write: published bitmaps
// are never modified.
class DeletionBitmap {
 public:
  bool contains(uint64_t row) const { return row / 64 < words_.size() && (words_[row / 64] >> (row % 64)) & 1; }
  // True when newly added.
  bool add(uint64_t row) {
    if (row / 64 >= words_.size()) words_.resize(row / 64 + 1, 0);
    uint64_t bit = uint64_t{1} << (row % 64);
    if (words_[row / 64] & bit) return false;
    words_[row / 64] |= bit;
    count_++;
    return true;
  }
  uint64_t count() const { return count_; }
  // Set rows in increasing order.
  std::vector<uint32_t> rows() const;

 private:
  std::vector<uint64_t> words_;
  uint64_t count_ = 0;
};

// One part file, shared by every snapshot listing it. When marked obsolete
// (a durable record removed it from the table) the file is deleted as the
// last reference goes.
class PartHandle {
 public:
  PartHandle(io::FileSystem* fs, std::string path, uint32_t id, uint64_t rows)
      : fs_(fs), path_(std::move(path)), id_(id), rows_(rows) {}
  ~PartHandle();
  PartHandle(const PartHandle&) = delete;
  PartHandle& operator=(const PartHandle&) = delete;

  uint32_t id() const { return id_; }
  uint64_t rows() const { return rows_; }
  const std::string& path() const { return path_; }
  // REQUIRES: opened (every published handle is).
  const PartReader& reader() const { return *reader_; }
  bool opened() const { return reader_ != nullptr; }
  // Opens the file and checks it holds `rows` rows.
  Status open(const PartReaderOptions& options);
  void mark_obsolete() { obsolete_.store(true); }
  // Undoes mark_obsolete() (a spilled part that its commit now references).
  void mark_live() { obsolete_.store(false); }

 private:
  io::FileSystem* fs_;
  std::string path_;
  uint32_t id_;
  uint64_t rows_;
  std::unique_ptr<PartReader> reader_;
  std::atomic<bool> obsolete_{false};
};

// Rows of one commit to the tail (kept encoded: a few bytes per row, not a
// string heap per commit) or of a write's pending inserts (kept decoded).
// Row i has index first_row + i.
struct TailChunk {
  uint64_t first_row = 0;
  uint64_t row_count = 0;
  bool is_encoded = false;
  std::vector<std::pair<Encoding, std::vector<uint8_t>>> encoded;  // one chunk per column
  types::Batch rows;  // when !is_encoded
  uint64_t bytes = 0;

  // The encoded form of `rows` (every column).
  static std::shared_ptr<TailChunk> encode(uint64_t first_row, const types::Batch& rows);
  // Decodes (or copies) `columns` (positions) into `out`; `types` are the table's.
  Status materialize(const std::vector<types::Type>& types, std::span<const uint32_t> columns,
                     types::Batch* out) const;
};

struct RowIdList {
  uint32_t part_id = 0;
  std::vector<uint32_t> rows;  // increasing
};

struct PartRef {
  uint32_t id = 0;
  uint64_t rows = 0;
};

enum class WalRecordType : uint8_t {
  kCheckpoint = 1,
  kCommit = 2,
  kFlushTail = 3,
  kMerge = 4,
  kTruncate = 5,
  kAddColumn = 6,
  kDropColumn = 7,
};

struct CommitRecord {
  uint64_t schema_version = 0;
  uint64_t tail_first_row = 0;
  types::Batch tail_rows;  // columns of the table; rows appended to the tail
  std::vector<PartRef> added_parts;
  std::vector<RowIdList> deleted;
};

struct FlushTailRecord {
  uint32_t part_id = 0;  // the tail's id
  uint64_t rows = 0;
  uint32_t new_tail_id = 0;
};

struct MergeRecord {
  std::vector<uint32_t> sources;
  std::vector<PartRef> outputs;
  std::vector<RowIdList> deleted;  // on the outputs
};

struct TruncateRecord {
  uint32_t new_tail_id = 0;
};

struct AddColumnRecord {
  TableColumn column;
};

struct DropColumnRecord {
  uint32_t field_id = 0;
};

std::string part_file_name(uint32_t id);
bool parse_part_file_name(const std::string& name, uint32_t* id);

// The state being built by a commit or by recovery.
struct StoreState {
  TableSnapshot snap;
  uint32_t next_part_id = 1;
  uint32_t next_field_id = 1;
  io::FileSystem* fs = nullptr;
  std::string dir;
  // Handles of parts written by the step being applied (live path); parts not
  // found here get unopened handles (recovery opens them at the end).
  const std::map<uint32_t, std::shared_ptr<PartHandle>>* prepared = nullptr;

  std::vector<uint8_t> encode_checkpoint() const;
  Status apply_checkpoint(std::span<const uint8_t> payload);

  std::vector<uint8_t> encode_commit(const CommitRecord& r) const;
  std::vector<uint8_t> encode_flush_tail(const FlushTailRecord& r) const;
  std::vector<uint8_t> encode_merge(const MergeRecord& r) const;
  std::vector<uint8_t> encode_truncate(const TruncateRecord& r) const;
  std::vector<uint8_t> encode_add_column(const AddColumnRecord& r) const;
  std::vector<uint8_t> encode_drop_column(const DropColumnRecord& r) const;

  // Decodes a record and applies it; kCorruption when it does not fit the state.
  Status apply(WalRecordType type, std::span<const uint8_t> payload);

  // Index in snap.parts_ of part `id`, or -1.
  int find_part(uint32_t id) const;
  void recount();
  // Merges tail chunks into one when there are many (bounds per-commit copying).
  void compact_tail();

 private:
  Status apply_commit(ByteReader& r);
  Status apply_flush_tail(ByteReader& r);
  Status apply_merge(ByteReader& r);
  Status apply_truncate(ByteReader& r);
  Status apply_add_column(ByteReader& r);
  Status apply_drop_column(ByteReader& r);
  Status apply_deletions(ByteReader& r);
  std::shared_ptr<PartHandle> handle_for(uint32_t id, uint64_t rows);
  void note_id(uint32_t id) { next_part_id = std::max(next_part_id, id + 1); }
};

// A column of `rows` copies of `v`.
types::Vector constant_vector(const types::Type& type, const types::Value& v, size_t rows);

}  // namespace strata::columnar
