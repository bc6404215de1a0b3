// Operator: one node of a physical plan. Plans are trees of operators pulled from the
// root: open() once, then next() until it returns false, then close().
//
// Operators work on column positions, not names or expressions: the planner puts a
// Project below an operator to compute its keys and arguments, so HashAggregate,
// HashJoin, Sort and Window only ever read input columns by index.
//
// Contract of next(out): clears `out`, then fills it with 1..kBatchRowsMax rows and
// returns true, or leaves it empty and returns false at the end of the stream (and on
// every later call). Errors are returned as Status (SQLSTATE set) and end the query.
// `out`'s columns have exactly output_types().
//
// Threads: a plan runs on one thread at a time; a parallel plan gives each worker its
// own operator instances.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "sql/function_registry.h"
#include "sql/logical_plan.h"
#include "types/batch.h"

namespace strata::exec {

// Per-query memory accounting. Operators that hold data (hash tables, sort runs)
// reserve what they hold; when reserve() fails they spill to `spill_dir` or, when they
// cannot, fail with 53200 out_of_memory.
class MemoryBudget {
 public:
  explicit MemoryBudget(size_t limit_bytes) : limit_bytes_(limit_bytes) {}
  // True and the bytes are counted, or false when the limit would be passed.
  bool try_reserve(size_t bytes) {
    size_t now = used_bytes_.load(std::memory_order_relaxed);
    do {
      if (now + bytes > limit_bytes_) return false;
    } while (!used_bytes_.compare_exchange_weak(now, now + bytes, std::memory_order_relaxed));
    return true;
  }
  void release(size_t bytes) { used_bytes_.fetch_sub(bytes, std::memory_order_relaxed); }
  size_t used_bytes() const { return used_bytes_.load(std::memory_order_relaxed); }
  size_t limit_bytes() const { return limit_bytes_; }

 private:
  size_t limit_bytes_;
  std::atomic<size_t> used_bytes_{0};
};

struct ExecContext;

// Runs a subquery's plan to completion (set by the engine; exec/expression.cc calls
// it for subquery expressions).
using SubqueryRunner = std::function<Status(ExecContext& ctx, const sql::LogicalPlan& plan, types::Batch* out)>;

struct ExecContext {
  sql::FunctionContext functions;  // functions.catalog points into `catalog`
  std::shared_ptr<const catalog::CatalogSnapshot> catalog;
  const std::vector<types::Value>* params = nullptr;  // $1..$n, already of their bound types
  // Rows of enclosing queries for correlated subqueries: back() is the innermost.
  std::vector<std::vector<types::Value>> outer_rows;
  SubqueryRunner run_subquery;
  // Results of uncorrelated subqueries, computed once per statement.
  std::map<const sql::LogicalPlan*, std::shared_ptr<types::Batch>> subquery_cache;
  MemoryBudget* memory = nullptr;           // never null while a plan runs
  std::string spill_dir;                    // an existing directory private to this query
  const std::atomic<bool>* cancel = nullptr;  // set by a cancel request or timeout

  // 57014 query_canceled when a cancel was requested. Operators call it once per
  // batch they produce (and inside long loops that produce nothing, e.g. hash builds).
  Status check_cancel() const {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return Status::sql("57014", "canceling statement due to user request");
    }
    return Status::ok_status();
  }
};

// What EXPLAIN ANALYZE prints per operator.
struct OperatorStats {
  uint64_t rows_out = 0;
  uint64_t batches_out = 0;
  int64_t time_ns = 0;  // inclusive of children, like PostgreSQL's actual time
  uint64_t spilled_bytes = 0;
};

class Operator {
 public:
  explicit Operator(std::vector<types::Type> output_types) : output_types_(std::move(output_types)) {}
  virtual ~Operator() = default;
  Operator(const Operator&) = delete;
  Operator& operator=(const Operator&) = delete;

  const std::vector<types::Type>& output_types() const { return output_types_; }
  const std::vector<std::unique_ptr<Operator>>& children() const { return children_; }
  const OperatorStats& stats() const { return stats_; }
  // Adds statistics measured by another instance of this operator (a parallel copy).
  void add_stats(const OperatorStats& s) {
    stats_.rows_out += s.rows_out;
    stats_.batches_out += s.batches_out;
    stats_.time_ns += s.time_ns;
    stats_.spilled_bytes += s.spilled_bytes;
  }

  // Opens children first (the default open() does only that).
  virtual Status open(ExecContext& ctx) {
    ctx_ = &ctx;
    for (auto& c : children_) STRATA_RETURN_IF_ERROR(c->open(ctx));
    return Status::ok_status();
  }
  // next() with statistics: what parents call.
  Result<bool> pull(types::Batch& out) {
    auto start = std::chrono::steady_clock::now();
    Result<bool> r = next(out);
    stats_.time_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
    if (r.ok() && *r) {
      stats_.rows_out += out.rows;
      ++stats_.batches_out;
    }
    return r;
  }
  // Releases memory and files; safe to call more than once and after a failed open().
  virtual void close() {
    for (auto& c : children_) c->close();
  }
  // "HashJoin", "Sort", ...; detail() adds the plan text after the name
  // ("keys: #0, #2", "Inner, keys: #1 = #0").
  virtual std::string name() const = 0;
  virtual std::string detail() const { return ""; }

 protected:
  virtual Result<bool> next(types::Batch& out) = 0;
  void add_child(std::unique_ptr<Operator> child) { children_.push_back(std::move(child)); }
  // For operators whose open() does not open its children on this thread (Gather).
  void bind_context(ExecContext& ctx) { ctx_ = &ctx; }
  Operator& child(size_t i) { return *children_[i]; }
  ExecContext& ctx() { return *ctx_; }
  OperatorStats stats_;

 private:
  std::vector<types::Type> output_types_;
  std::vector<std::unique_ptr<Operator>> children_;
  ExecContext* ctx_ = nullptr;
};

using OperatorPtr = std::unique_ptr<Operator>;

// A compiled scalar expression over the columns of an input batch (implemented by
// exec/expression.h; declared here so operators can take conditions, e.g. a join's
// residual predicate).
class BatchExpression {
 public:
  virtual ~BatchExpression() = default;
  virtual const types::Type& type() const = 0;
  // Computes one value per input row into `out` (resized to input.rows).
  virtual Status evaluate(ExecContext& ctx, const types::Batch& input, types::Vector& out) const = 0;
  virtual std::string to_string() const = 0;  // for EXPLAIN
};
using BatchExpressionPtr = std::unique_ptr<BatchExpression>;

}  // namespace strata::exec
