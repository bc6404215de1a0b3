// ViewCheckpoint: what one materialized view commits atomically at a checkpoint
// (docs/formats/view-checkpoint.md): the next input offset of every partition of
// its stream and the operator state those offsets produced. Loading it and
// resuming from its offsets applies every input record exactly once.
//
// The file is written whole to a temporary file, fdatasync'd, renamed over the
// previous checkpoint and the directory fsync'd (io::FileSystem::
// write_file_atomic), so after a crash there is either the old or the new
// checkpoint, never a mix. decode_view_checkpoint rejects anything damaged
// (magic, version, checksum, truncation, impossible counts, unknown types) with a
// kCorruption status; it never trusts a count before checking the bytes left.
//
// Threads: plain values; encode/decode are pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "types/batch.h"
#include "types/type.h"

namespace strata::exec {

// Version 2 added the event-time progress (max_event_us, closed_us); version 3 the
// rows file of append-only views (rows_file_bytes); version 4 the inputs of a join
// of two streams (join); version 5 the final rows of closed windows
// (final_rows). Versions 1 to 4 are still read (as no event time seen yet, the
// state inline, no join, no final rows).
inline constexpr uint32_t kViewCheckpointFormatVersion = 5;
// Largest checkpoint file read back (a bound on a corrupt length, not a design size).
inline constexpr uint64_t kViewCheckpointBytesMax = 1ull << 32;

struct ViewCheckpoint {
  catalog::Oid view_oid = 0;
  uint64_t sequence = 0;       // 1 for the first checkpoint of the view, +1 per checkpoint
  uint64_t input_records = 0;  // records consumed so far (applied or dead-lettered)
  uint64_t dead_letters = 0;   // of those, records sent to the dead-letter topic
  // Partition -> the next offset to read (every record below it is in `state`).
  std::map<int32_t, int64_t> next_offsets;
  // Event time (microseconds since the epoch) progress, for a stream with a
  // WATERMARK: partition -> the largest event time read from it, and the
  // watermark below which windows are closed (unset before the first close).
  std::map<int32_t, int64_t> max_event_us;
  std::optional<int64_t> closed_us;
  // The operator state: rows of `state_types` (ViewMaintainer defines their meaning:
  // partial aggregates per group, or the view's rows for a view without GROUP BY).
  std::vector<types::Type> state_types;
  std::vector<std::shared_ptr<const types::Batch>> state;
  // Set (v3): the state is not here but the first `rows_file_bytes` bytes of the
  // view's rows file (<oid>.rows: chunks appended by encode_rows_chunk); `state`
  // is then empty. Append-only views use it so a checkpoint writes only new rows.
  std::optional<uint64_t> rows_file_bytes;
  // Set (v4) for a view joining two streams: the join stream's next offsets, and
  // every row each join input has taken in (its rows of left_types / right_types).
  struct Join {
    std::map<int32_t, int64_t> next_offsets;
    std::vector<types::Type> left_types;
    std::vector<std::shared_ptr<const types::Batch>> left;
    std::vector<types::Type> right_types;
    std::vector<std::shared_ptr<const types::Batch>> right;
  };
  std::optional<Join> join;
  // Set (v5) for an aggregate view over windows: the rows of windows closed
  // before this checkpoint, which left the state, are the first `rows_file_bytes`
  // bytes of the rows file, in the view's columns (`types`). Not with the
  // rows_file_bytes above (one rows file per view).
  struct FinalRows {
    uint64_t rows_file_bytes = 0;
    std::vector<types::Type> types;
  };
  std::optional<FinalRows> final_rows;
};

std::vector<uint8_t> encode_view_checkpoint(const ViewCheckpoint& c);
Result<ViewCheckpoint> decode_view_checkpoint(std::span<const uint8_t> bytes);

// One chunk of a rows file: `batches` (of `types`) framed with their length and
// CRC-32C (docs/formats/view-checkpoint.md).
std::vector<uint8_t> encode_rows_chunk(const std::vector<types::Type>& types,
                                       std::span<const std::shared_ptr<const types::Batch>> batches);
// Every chunk of `bytes` (a rows file's named prefix), appended to `out`; any
// damage, including a partial chunk, is kCorruption.
Status decode_rows_chunks(std::span<const uint8_t> bytes, const std::vector<types::Type>& types,
                          std::vector<std::shared_ptr<const types::Batch>>* out);

}  // namespace strata::exec
