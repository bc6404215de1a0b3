// ViewMaintainer: one materialized view over one stream (or two, joined),
// maintained incrementally (docs/streams.md, "Materialized views").
//
// Algebra (the batch engine's, reused): the view's query is bound by sql::Binder
// and its LogicalPlan is split into
//   post   kProject/kFilter nodes above the aggregate (SELECT list, HAVING)
//   agg    an optional kAggregate (GROUP BY; count, sum, avg, min, max), or a
//          top-N's kWindow (its rank bounded by a filter in post)
//   pre    kProject/kFilter nodes between the aggregate and the stream (WHERE,
//          expressions), lookup joins, and at most one join of two streams,
//          whose inputs the plan reads as kJoinLeftOid / kJoinRightOid (each
//          step: delta(L join R) = dL join (R ++ dR) ++ L join dR)
//   get    the stream's kGet
// Without an aggregate the view is append-only: each step runs the whole plan
// over the new records and appends the rows (state = the view's rows). With one,
// the state is one row per group of *partial* aggregates (count, sum, min, max;
// avg as sum and count): a step runs the partial aggregate over the new records,
// merges it into the state with a combining HashAggregate (sum of counts, sum of
// sums, min of mins, max of maxes), and computes the result from the state with
// the post nodes (avg = sum / count, as the avg kernel divides). Every plan runs
// through PhysicalPlanner and the vectorized operators; no second interpreter.
// Any other query over one or two streams (a self-join, an aggregate joined
// back to its input, string_agg, ...) is recomputed: its state is every row of
// its streams (the columns it reads) and each step runs the whole plan over
// them, O(history) per step (docs/decisions/0006). Volatile or time-dependent
// functions, subqueries and parameters are refused when the view is created
// (0A000, naming what).
//
// Step (runtime thread): read at most `max_bytes` of new records from the stream's
// partitions (TopicAccess::read from the view's next offsets), decode them
// (formats::RecordDecoder), append records that do not decode to the stream's
// dead-letter topic, apply the rest, then atomically replace state, offsets and the
// published result. A record whose row fails in an expression (division by zero,
// a bad cast) is dead-lettered too: the batch is re-applied row by row.
//
// Event time (docs/streams.md, "Watermarks and late rows"): on a stream with a
// WATERMARK, the view tracks the largest event time read from each partition and
// keeps `closed_us_`, a monotone bound raised as rows are read and at the end of
// every step:
//   watermark = min over partitions with unread records of (their largest event
//               time so far, or -infinity if none read yet), or the largest event
//               time of all partitions when every one is caught up, minus the
//               WATERMARK delay;
//   closed_us_ = max(closed_us_, watermark - ALLOWED LATENESS).
// A row whose event time is below the bound when it is read is late: it goes to
// the dead-letter topic with the reason "late" and is not applied. So a window
// ending at or before closed_us_ never changes again, and EMIT ON WINDOW CLOSE
// publishes exactly those windows (final rows, append-only). An aggregate view
// grouped by a window bound (prune_closed_) moves closed windows out of the
// state into final_rows_ (their final rows, kept in the rows file), so its
// result is final_rows_ plus what the state gives, a pure function of both and
// closed_us_. On a one-partition stream whether a row is late depends only on
// the rows before it.
//
// Readers (any thread) get the result of the last applied step: an immutable
// ViewResult swapped under a mutex, so a reader never sees half a step.
//
// Threads: make() on any thread; step(), load_checkpoint() and
// write_checkpoint() on one thread at a time (the runtime's); result() and
// stats() on any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "exec/topic_access.h"
#include "formats/record_decoder.h"
#include "io/file_system.h"
#include "sql/function_registry.h"
#include "sql/logical_plan.h"
#include "types/batch.h"

namespace strata::exec {

class Operator;
class TableStorage;

// The storage of table `oid` now, or null (Engine::storage).
using TableSource = std::function<std::shared_ptr<TableStorage>(catalog::Oid)>;

class ViewMaintainer;
// The maintainer of materialized view `oid`, or null (StreamRuntime::find).
using ViewSource = std::function<std::shared_ptr<ViewMaintainer>(catalog::Oid)>;

// The view's rows as of one applied step.
struct ViewResult {
  std::vector<types::Type> types;
  std::vector<std::shared_ptr<const types::Batch>> batches;
  uint64_t rows = 0;
};

struct ViewStats {
  uint64_t input_records = 0;  // records consumed (applied or dead-lettered)
  uint64_t dead_letters = 0;
  uint64_t rows = 0;           // rows of the current result
  uint64_t checkpoints = 0;    // sequence of the last checkpoint written or loaded
  // Event time below which rows are late (µs since the Unix epoch, as every
  // types/ timestamp); unset without a watermark or before the first row.
  std::optional<int64_t> closed_us;
  // Freshness: for each record a step consumes, the time from its Kafka
  // timestamp (CreateTime as the producer set it, or LogAppendTime) to the
  // publication of the step's result, in ms (0 when the timestamp is in the
  // future). `last`: the largest of the last step; p50/p99 over the last
  // kFreshnessWindow records. Unset before the first step of this process.
  std::optional<int64_t> freshness_last_ms;
  std::optional<int64_t> freshness_p50_ms;
  std::optional<int64_t> freshness_p99_ms;
  uint64_t state_bytes = 0;    // memory of the state (streams.view_state_bytes_max bounds it)
  std::string status = "running";  // or the error that stops the view
};

// The most bytes an aggregate view's step reads when its state is large (it reads
// at least streams.view_step_bytes and at most max(that, this)).
inline constexpr int64_t kStepBytesAdaptiveMax = 64 << 20;

// The relations a join of two streams reads in a view's plans: its left and
// right inputs' rows (no catalog objects; user oids start at 16384).
inline constexpr catalog::Oid kJoinLeftOid = 1;
inline constexpr catalog::Oid kJoinRightOid = 2;

// The largest N of a top-N view (rows kept per group).
inline constexpr int64_t kTopNMax = 100000;

// Records over which a view's freshness percentiles are taken.
inline constexpr size_t kFreshnessWindow = 4096;

class ViewMaintainer {
 public:
  // A join of two streams' pruning rule: right input rows whose timestamp column
  // `column` is below (the left stream's late bound + offset_us) are dropped.
  struct JoinPrune {
    int32_t column;
    int64_t offset_us;
  };

  // Binds `def->query_sql` against `catalog` and checks that it can be maintained:
  // incrementally (the rules above), or else by recomputing the whole plan from
  // every row of its one or two streams at each step (recomputed_because() says
  // why); 0A000 naming the first part the incremental rules miss when neither
  // holds the query; the binder's errors as they are. `memory_bytes` bounds each step's operators (as a query's budget);
  // `spill_dir` as ExecContext::spill_dir.
  // `tables` reads the tables a lookup join names, at each step (without it such
  // a view can be checked and explained but its steps fail). `views` finds the
  // materialized views a view over views reads (the same).
  static Result<std::unique_ptr<ViewMaintainer>> make(std::shared_ptr<const catalog::MaterializedViewDef> def,
                                                      std::shared_ptr<const catalog::CatalogSnapshot> catalog,
                                                      const sql::FunctionRegistry* functions, size_t memory_bytes,
                                                      std::string spill_dir, TableSource tables = {},
                                                      ViewSource views = {});
  // The tables the view's lookup joins read (their oids).
  const std::vector<catalog::Oid>& lookup_tables() const { return lookup_tables_; }
  // A view over materialized views (a cascade): the views it reads (their
  // oids); empty for a view over streams. Such a view has no stream input and no
  // state: each step in which one of them published new rows recomputes it from
  // their current rows (no checkpoint: it is a function of theirs).
  const std::vector<catalog::Oid>& upstream_views() const { return upstream_views_; }
  // Why the view is recomputed from every input row at each step ("" when it is
  // maintained incrementally): the part of its query no incremental rule covers.
  const std::string& recomputed_because() const { return recompute_reason_; }
  ~ViewMaintainer();

  const catalog::MaterializedViewDef& def() const { return *def_; }
  const catalog::StreamDef& stream() const { return *stream_; }
  // The view's output columns (what CREATE stores in the catalog).
  const std::vector<types::Type>& column_types() const { return column_types_; }
  const std::vector<std::string>& column_names() const { return column_names_; }

  // Restores offsets and state from `path` when it exists (a missing file is a
  // new view: every partition from its log start). A damaged file or one of
  // another view or shape is kCorruption; the view stays empty and stopped.
  Status load_checkpoint(io::FileSystem* fs, const std::string& path);
  // Writes offsets and state to `path` atomically (temp file, fdatasync, rename,
  // directory fsync). No-op when nothing changed since the last checkpoint.
  // An append-only view (no aggregate) keeps its rows in `rows_path_of(path)`:
  // each checkpoint appends only the rows since the previous one there, then
  // names the file's valid length in `path` (docs/formats/view-checkpoint.md).
  Status write_checkpoint(io::FileSystem* fs, const std::string& path);
  static std::string rows_path_of(const std::string& checkpoint_path);
  bool dirty() const { return dirty_; }
  // The sequence of the last checkpoint written or loaded (0: none), and of the
  // one write_checkpoint() would write now (the same when nothing changed).
  uint64_t checkpoint_sequence() const { return sequence_; }
  uint64_t next_checkpoint_sequence() const { return dirty_ ? sequence_ + 1 : sequence_; }

  // The view's shape, as sinks need it (exec/view_sink.h). Append-only: no
  // aggregate, so rows are only ever added, in result order. Otherwise the rows
  // are keyed by the aggregate's groups: key_columns() gives the output column of
  // each group key, or nullopt when some group key is not an output column.
  bool append_only() const { return !aggregate_; }
  bool emits_on_window_close() const { return emit_on_close_; }
  const std::optional<std::vector<int32_t>>& key_columns() const { return key_columns_; }

  // One bounded step of at most `max_bytes` of records (an aggregate: at least
  // about its state's size, a recomputed view at least what its earlier steps
  // read, each up to kStepBytesAdaptiveMax): true when records were
  // consumed, false when every partition is at its end. On error nothing changes
  // (the step is retried).
  // A step whose state would exceed `state_bytes_max` changes nothing and stops
  // the view with 53200 (fail()).
  Result<bool> step(TopicAccess* access, int32_t max_bytes, int64_t state_bytes_max = INT64_MAX);

  // The dataflow as EXPLAIN text, one line per element: input, event time, emit
  // mode, state, and the operator tree of each phase of a step.
  Result<std::vector<std::string>> explain() const;

  std::shared_ptr<const ViewResult> result() const;
  ViewStats stats() const;
  // Marks the view stopped with `error` (shown by SHOW MATERIALIZED VIEWS and
  // returned to readers).
  void fail(Status error);
  Status failure() const;

 private:
  ViewMaintainer() = default;
  // A maintainer with make()'s arguments set and nothing planned.
  static std::unique_ptr<ViewMaintainer> blank(std::shared_ptr<const catalog::MaterializedViewDef> def,
                                               std::shared_ptr<const catalog::CatalogSnapshot> catalog,
                                               const sql::FunctionRegistry* functions, size_t memory_bytes,
                                               std::string spill_dir, TableSource tables, ViewSource views);
  // make() without the fallback: the incremental rules only (0A000 otherwise).
  static Result<std::unique_ptr<ViewMaintainer>> make_incremental(
      std::shared_ptr<const catalog::MaterializedViewDef> def, std::shared_ptr<const catalog::CatalogSnapshot> catalog,
      const sql::FunctionRegistry* functions, size_t memory_bytes, std::string spill_dir, TableSource tables);
  // make()'s fallback when no incremental rule covers the query (`reason` says
  // what): the whole plan over every row of its one or two streams, recomputed
  // at each step (docs/decisions/0006). 0A000 when that cannot hold the query
  // either (volatile functions, subqueries, no stream or more than two).
  static Result<std::unique_ptr<ViewMaintainer>> make_recomputed(
      std::shared_ptr<const catalog::MaterializedViewDef> def, std::shared_ptr<const catalog::CatalogSnapshot> catalog,
      const sql::FunctionRegistry* functions, size_t memory_bytes, std::string spill_dir, TableSource tables,
      ViewSource views, std::string reason);
  // A view over views: recomputes it when an upstream view published new rows
  // (true) since the last time. `starting`: an upstream view not maintained yet
  // reads as empty (else 55000).
  Result<bool> step_derived(bool starting);
  struct DeadLetter {
    bool join_stream;  // a record of the join stream (else of the view's stream)
    int32_t partition;
    const FetchedRecord* record;
    std::string reason;
    std::string detail;  // "" or more words on the reason
  };
  using BatchList = std::vector<std::shared_ptr<const types::Batch>>;
  // What each kGet of a plan reads (null: nothing): the stream's `delta`, the
  // state placeholder (oid 0) `state`, the join stream's `join_delta`, the join's
  // inputs (kJoinLeftOid, kJoinRightOid) `left` and `right`.
  struct PlanInputs {
    const BatchList* delta = nullptr;
    const BatchList* state = nullptr;
    const BatchList* join_delta = nullptr;
    const BatchList* left = nullptr;
    const BatchList* right = nullptr;
    // A view over views: each upstream view's rows, by oid.
    const std::map<catalog::Oid, std::shared_ptr<const ViewResult>>* views = nullptr;
  };
  // Runs `plan`: kGet of the stream reads `delta`, kGet of the state placeholder
  // (table oid 0) reads `state`.
  Result<BatchList> run_plan(const sql::LogicalPlan& plan, const BatchList& delta, const BatchList& state) const;
  Result<BatchList> run_plan(const sql::LogicalPlan& plan, const PlanInputs& in) const;
  // `plan`'s operators (planned as run_plan does) over `in`.
  Result<std::unique_ptr<Operator>> plan_operators(const sql::LogicalPlan& plan, const PlanInputs& in) const;
  // What a step replaces: the state, and a join of two streams' inputs.
  struct StepState {
    BatchList state;
    BatchList left;
    BatchList right;
  };
  // `next` and the result after applying `delta` (the stream's new rows) and
  // `join_delta` (the join stream's) to `base`.
  Status apply(const StepState& base, const BatchList& delta, const BatchList& join_delta, StepState* next,
               BatchList* result) const;
  // make()'s plans for an aggregate with count(DISTINCT ...): see the .cc.
  Status split_distinct_aggregate(const sql::LogicalPlan& agg, const std::vector<sql::LogicalPlan*>& post,
                                  const std::string& name);
  // A join_recompute_ view's rows over join inputs `left` and `right`.
  Result<BatchList> recompute_join(const BatchList& left, const BatchList& right) const;
  // The view's rows for `state` (EMIT ON WINDOW CLOSE: only the closed windows'),
  // after final_rows_ when closed windows leave the state.
  // `state`'s rows whose window ends at or before `bound` (a window view); the
  // others go to `open` when it is set.
  BatchList split_closed(const BatchList& state, int64_t bound, BatchList* open) const;
  // Removes the windows closed at `bound` from `state`; returns their rows.
  Result<BatchList> take_closed_windows(int64_t bound, BatchList* state) const;
  Result<BatchList> result_of(const BatchList& state) const;
  // `floor` raised by the watermark over `parts` with `next` offsets and `max_event`.
  std::optional<int64_t> raised_close(const std::vector<PartitionOffsets>& parts, const std::map<int32_t, int64_t>& next,
                                      const std::map<int32_t, int64_t>& max_event,
                                      std::optional<int64_t> floor) const;
  Status publish(const BatchList& result);
  // Drops the rows of `rows` (a join's right input) that join_prune_ puts below
  // `bound` (the left stream's late bound).
  void prune_join_right(int64_t bound, BatchList* rows) const;
  // Marks the view failed with `bad` about checkpoint `path`; returns it.
  Status fail_load(const std::string& path, const Status& bad);
  // Adds the latencies of `fetched`'s records, published at `now_ms`, to the
  // freshness window and sets the freshness fields of stats_. REQUIRES: mu_ held.
  void note_freshness(const std::vector<std::pair<int32_t, std::vector<FetchedRecord>>>& fetched, int64_t now_ms);
  Status send_dead_letters(TopicAccess* access, const std::vector<DeadLetter>& dead);

  std::shared_ptr<const catalog::MaterializedViewDef> def_;
  std::shared_ptr<const catalog::StreamDef> stream_;
  std::shared_ptr<const catalog::CatalogSnapshot> catalog_;
  const sql::FunctionRegistry* functions_ = nullptr;
  size_t memory_bytes_ = 0;
  std::string spill_dir_;
  TableSource tables_;
  std::vector<catalog::Oid> lookup_tables_;
  std::unique_ptr<formats::RecordDecoder> decoder_;
  std::vector<types::Type> stream_types_;
  std::vector<types::Type> column_types_;
  std::vector<std::string> column_names_;
  bool aggregate_ = false;
  std::optional<std::vector<int32_t>> key_columns_;  // aggregate views: see key_columns()
  bool distinct_state_ = false;  // count(DISTINCT): state rows per (keys, distinct arguments)
  int64_t top_n_ = 0;            // top-N views: rows kept per group (state = those rows)
  bool recompute_ = false;       // state = every input row; the view recomputed from them per step
  bool join_recompute_ = false;  // an outer/semi/anti join of two streams: recomputed from both inputs
  std::string recompute_reason_;  // make_recomputed(): what no incremental rule covers
  std::vector<JoinPrune> join_prune_;  // an inner join of two streams: see JoinPrune
  // A view over views: what it reads, and their results it was last computed from.
  std::vector<catalog::Oid> upstream_views_;
  ViewSource views_;
  std::map<catalog::Oid, std::shared_ptr<const ViewResult>> upstream_seen_;
  // A join of two streams (inner or cross): the view's stream feeds the join's
  // left input through `join_left_plan_`, `join_stream_` its right input through
  // `join_right_plan_`; the join itself reads kJoinLeftOid / kJoinRightOid.
  std::shared_ptr<const catalog::StreamDef> join_stream_;
  std::unique_ptr<formats::RecordDecoder> join_decoder_;
  std::vector<types::Type> join_stream_types_;
  sql::LogicalPlanPtr join_left_plan_;
  sql::LogicalPlanPtr join_right_plan_;
  std::vector<types::Type> join_left_types_;
  std::vector<types::Type> join_right_types_;
  sql::LogicalPlanPtr delta_plan_;    // append: the view; aggregate: the partial aggregate
  sql::LogicalPlanPtr combine_plan_;  // aggregate: state ++ partial rows -> state
  sql::LogicalPlanPtr final_plan_;    // aggregate: state -> the view's rows
  std::vector<types::Type> state_types_;
  // Event time: the stream's watermark column (-1: none), its delay and lateness.
  int32_t event_time_column_ = -1;
  int64_t watermark_delay_us_ = 0;
  int64_t allowed_lateness_us_ = 0;
  // EMIT ON WINDOW CLOSE: state column `window_key_` holds a window bound; the
  // window ends at key + window_end_offset_us_.
  bool emit_on_close_ = false;
  int32_t window_key_ = -1;
  int64_t window_end_offset_us_ = 0;
  // An aggregate view over windows (window_key_ set) whose closed windows leave
  // the state: their rows are kept in final_rows_ (and the rows file) instead.
  bool prune_closed_ = false;

  // Runtime thread only.
  std::map<int32_t, int64_t> next_offsets_;
  BatchList state_;
  BatchList final_rows_;  // prune_closed_: the rows of closed windows, in the view's columns
  std::map<int32_t, int64_t> max_event_us_;  // partition -> largest event time read
  // A join of two streams: the join stream's next offsets, and every row each
  // input has fed the join (a new row on one side joins all of the other's).
  std::map<int32_t, int64_t> join_next_offsets_;
  BatchList join_left_;
  BatchList join_right_;
  // Append-only views: the rows file's length the last checkpoint names, and how
  // many leading batches of state_ it holds.
  uint64_t rows_file_bytes_ = 0;
  size_t rows_file_batches_ = 0;
  std::optional<int64_t> closed_us_;
  std::vector<int64_t> freshness_ms_;  // ring of the last kFreshnessWindow latencies
  size_t freshness_next_ = 0;
  uint64_t input_records_ = 0;
  int64_t input_bytes_ = 0;  // record bytes this process's steps consumed (recomputed views' step size)
  uint64_t dead_letters_ = 0;
  uint64_t sequence_ = 0;
  bool dirty_ = false;
  bool dead_letter_topic_ready_ = false;
  bool join_dead_letter_topic_ready_ = false;

  mutable std::mutex mu_;  // guards result_, stats_, failure_
  std::shared_ptr<const ViewResult> result_;
  ViewStats stats_;
  Status failure_;
};

}  // namespace strata::exec
