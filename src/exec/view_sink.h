// ViewSink: one sink (CREATE SINK) that writes a materialized view's changes to a
// topic of the log, exactly once (docs/streams.md, "Sinks"; the sink file:
// docs/formats/sink-file.md).
//
// Emission. A sink emits only at its view's checkpoints: what it writes is the
// difference between the view's result as of the checkpoint being written and the
// result it emitted last. Modes:
//   append     one record per new row (key null, value the row). Only for views
//              whose rows never change: append-only views, EMIT ON WINDOW CLOSE.
//   upsert     key = the view's group key columns (a JSON object), value = the row,
//              or null (a tombstone) when the row is gone: a compacted topic holds
//              the view. Needs a view whose rows have a key (GROUP BY, DISTINCT).
//   changelog  one record per change, value {"op":"c"|"u"|"d","before":row|null,
//              "after":row|null} (Debezium's envelope), key as for upsert (null for
//              append-only views). A view whose rows change but have no key (a
//              recomputed one) gets creates and deletes keyed by the row's JSON:
//              replayed as a multiset, they give the view.
// A keyed record goes to partition murmur2(key) % partitions (Kafka's default
// partitioner, so consumers can co-partition); unkeyed records round-robin.
//
// Exactly once. Per emission, each step durable before the next:
//   1. prepare(sequence): the records, each with its partition, and each partition's
//      end offset now, go to the sink file with `sequence`, that of the view
//      checkpoint about to be written (or the view's current one when the view has
//      nothing new to checkpoint: a new sink's first emission);
//   2. the caller writes the view's checkpoint (when the view has one to write) and
//      calls commit(): the prepared records become pending;
//   3. deliver(): the pending records are appended to the topic, durably.
// The caller (StreamRuntime) never prepares while records are pending and never
// writes a view checkpoint unless every sink of the view prepared, so with the
// view's loaded checkpoint V the sink file's sequence S is V + 1 (prepared, the
// view's checkpoint not written: dropped, nothing of it was appended), V (maybe
// delivered in part: each partition's records from end offset - start offset on
// are appended again) or below V (delivered; later differences were empty).
// Nothing but the sink may write the topic: a partition whose end offset is
// outside [start, start + its records] stops the sink.
//
// Threads: one thread at a time (the runtime's, under its view entry's mutex);
// stats() from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "exec/topic_access.h"
#include "formats/record_encoder.h"
#include "io/file_system.h"

namespace strata::exec {

class ViewMaintainer;
struct ViewResult;

enum class SinkMode { kAppend, kUpsert, kChangelog };
// "append" | "upsert" | "changelog"; 22023 naming the choices otherwise.
Result<SinkMode> parse_sink_mode(const std::string& text);
std::string_view sink_mode_name(SinkMode mode);

// Kafka's murmur2 (the Java client's Utils.murmur2), and the default
// partitioner's partition for a key: (murmur2(key) & 0x7fffffff) % partitions.
int32_t kafka_murmur2(std::string_view data);
int32_t kafka_partition_for_key(std::string_view key, int32_t partitions);

// One record of an emission, with where it goes.
struct SinkRecord {
  int32_t partition = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp_ms = 0;
};

// The sink file's content (docs/formats/sink-file.md), exposed for tests.
struct SinkFile {
  catalog::Oid sink_oid = 0;
  uint64_t sequence = 0;          // the view checkpoint this emission belongs to
  bool first = false;             // nothing was emitted before it
  uint64_t records_before = 0;    // records emitted by earlier emissions
  std::map<int32_t, int64_t> start_offsets;  // partition -> its end offset before the emission
  std::vector<SinkRecord> records;           // in append order within each partition
};
std::vector<uint8_t> encode_sink_file(const SinkFile& f);
Result<SinkFile> decode_sink_file(std::span<const uint8_t> bytes);

struct SinkStats {
  uint64_t records = 0;       // records appended to the topic (by every emission)
  uint64_t emissions = 0;     // emissions delivered by this process
  uint64_t sequence = 0;      // the view checkpoint of the last emission (0: none)
  uint64_t pending = 0;       // records prepared or committed, not yet appended
  std::string status = "running";  // or the error that stops the sink
};

class ViewSink {
 public:
  // Checks that `view` can feed a sink of `def`'s mode and format (0A000 or 22023
  // naming why not).
  static Result<std::unique_ptr<ViewSink>> make(std::shared_ptr<const catalog::SinkDef> def,
                                                const ViewMaintainer& view);
  const catalog::SinkDef& def() const { return *def_; }

  // Restores what was emitted from the sink file `path` ("" = no file: a new sink,
  // or a runtime without checkpoints), given the view's loaded checkpoint
  // `view_sequence` and its result. A damaged file, or one the protocol cannot
  // explain, stops the sink (kCorruption).
  Status load(io::FileSystem* fs, const std::string& path, uint64_t view_sequence, const ViewResult& view_result);

  // True when records are committed but not yet all appended.
  bool pending() const { return !pending_.empty(); }
  // True before the sink's first emission was committed (it emits even when the
  // view has nothing new to checkpoint).
  bool fresh() const { return first_; }

  // Step 1: the difference between `result` and what was emitted, written to the
  // sink file with `sequence` (nothing when the difference is empty). REQUIRES:
  // !pending().
  Status prepare(TopicAccess* access, io::FileSystem* fs, const std::string& path, uint64_t sequence,
                 const ViewResult& result, int64_t now_ms);
  // Step 2: the view's checkpoint for the prepared sequence is durable (or there
  // was none to write): the prepared records become pending. Without a prepare
  // since the last commit, a no-op. Dropping a prepare: call prepare() again.
  void commit();
  // Step 3: appends the pending records (every partition's rest). A failure
  // leaves the rest pending; the next call continues.
  Status deliver(TopicAccess* access);

  // Marks the sink stopped with `error`.
  void fail(Status error);
  Status failure() const;
  SinkStats stats() const;

 private:
  ViewSink() = default;
  // The rows of `result` as (key, value) JSON: keyed views only.
  Result<std::unordered_map<std::string, std::string>> keyed_rows(const ViewResult& result,
                                                                   std::vector<std::string>* order) const;
  void set_stats_locked();

  std::shared_ptr<const catalog::SinkDef> def_;
  SinkMode mode_ = SinkMode::kAppend;
  std::optional<formats::RecordEncoder> row_encoder_;
  std::optional<formats::RecordEncoder> key_encoder_;  // unset: no key columns ({} when keyed)
  bool keyed_ = false;                   // the view's rows have a key (aggregate views)
  // A changelog of a view whose changing rows have no key (a recomputed view):
  // each row is keyed by its own JSON and the copy it is of that row.
  bool row_keys_ = false;
  std::vector<int32_t> key_columns_;     // keyed: the output columns of the group keys

  // What was emitted (committed): keyed views: key -> value; others: a row count.
  std::unordered_map<std::string, std::string> emitted_;
  uint64_t emitted_rows_ = 0;
  bool first_ = true;
  uint64_t records_ = 0;  // records committed by every emission so far
  uint64_t sequence_ = 0;

  // Prepared, not yet committed.
  bool prepared_ = false;
  SinkFile prepared_file_;
  std::unordered_map<std::string, std::string> prepared_emitted_;
  uint64_t prepared_rows_ = 0;

  // Committed, not yet all appended: per partition, its records and the next one to append.
  struct PendingPartition {
    int64_t start_offset = 0;
    std::vector<size_t> records;  // indices into pending_file_.records
    size_t appended = 0;
    bool recovered = false;  // after a restart: `appended` is found from the topic's end offset
  };
  SinkFile pending_file_;
  std::map<int32_t, PendingPartition> pending_;

  mutable std::mutex mu_;  // guards stats_, failure_
  SinkStats stats_;
  Status failure_;
  uint64_t emissions_ = 0;
};

}  // namespace strata::exec
