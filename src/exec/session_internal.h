// Internals shared by the Session's source files (session*.cc): per-table
// transaction state, the transaction-aware scan, plan draining.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <memory>
#include <unordered_set>
#include <vector>

#include "exec/basic_operators.h"
#include "exec/engine.h"
#include "exec/physical_planner.h"
#include "exec/table_storage.h"
#include "types/batch.h"

namespace strata::exec {

using catalog::TableDef;
using types::Batch;
using types::Type;
using types::Value;
using types::Vector;

// ---------------------------------------------------------------------------
// Transactions: per table, the read view taken on first use and the pending
// writes. Rows inserted by this transaction get negative row ids -(1 + n) so that
// a later UPDATE/DELETE in the same transaction can find them.

struct TableState {
  std::shared_ptr<TableStorage> storage;
  std::shared_ptr<const TableReadView> base;
  std::unordered_set<int64_t> deleted;  // base row ids
  bool truncated = false;
  Batch inserted;  // full rows
  std::vector<uint8_t> inserted_deleted;
};

inline int64_t now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The log's topic name rule (log_manager.h): 1-249 of [a-zA-Z0-9._-], not "." or
// "..", not starting with "__" (the broker's internal topics). 22023 naming
// `option` otherwise, at `location` (0-based, -1: none). (session_stream.cc)
Status check_topic_name(const std::string& name, std::string_view option, int32_t location);

inline std::string relation_kind_word(sql::ObjectType t) {
  switch (t) {
    case sql::ObjectType::kTable:
      return "table";
    case sql::ObjectType::kView:
      return "view";
    case sql::ObjectType::kIndex:
      return "index";
    case sql::ObjectType::kSchema:
      return "schema";
    default:
      return "object";
  }
}

struct Session::Transaction {
  bool explicit_block = false;
  std::map<catalog::Oid, TableState> tables;

  Result<TableState*> table(Engine* engine, catalog::Oid oid, const TableDef& def) {
    auto it = tables.find(oid);
    if (it != tables.end()) return &it->second;
    std::shared_ptr<TableStorage> st = engine->storage(oid);
    // Not a table: a stream's storage is made on use, from the catalog.
    if (!st) {
      STRATA_ASSIGN_OR_RETURN(st, engine->stream_storage(oid));
    }
    // Nor a stream: a materialized view's storage reads its current result.
    if (!st) {
      STRATA_ASSIGN_OR_RETURN(st, engine->materialized_view_storage(oid));
    }
    if (!st) return Status::sql("42P01", fmt::format("relation \"{}\" does not exist", def.name));
    TableState s;
    s.storage = st;
    s.base = st->snapshot();
    std::vector<Type> types;
    for (const auto& c : def.columns) types.push_back(c.type);
    s.inserted = Batch(types);
    return &tables.emplace(oid, std::move(s)).first->second;
  }
};

// A cursor (DECLARE). NO SCROLL cursors without HOLD stream: the plan stays open
// and FETCH pulls from it, so a cursor over a large table holds one batch at a
// time. SCROLL and WITH HOLD cursors are materialised at DECLARE (a held cursor
// outlives the transaction whose tables it read; a scrollable one moves both ways).
//
// Position (PostgreSQL's): 0 before the first row, k after fetching row k, and
// `after_end` once a fetch ran past the last row.
struct Session::Cursor {
  std::vector<std::string> names;
  std::vector<Type> types;
  bool scroll = false;
  bool hold = false;
  bool declared_in_block = false;  // dropped if that transaction block rolls back
  int64_t position = 0;
  bool after_end = false;
  // Materialised: every row.
  bool materialized = false;
  Batch all;
  // Streaming: the open plan and its current batch.
  std::vector<Value> params;
  std::unique_ptr<MemoryBudget> budget;
  std::unique_ptr<ExecContext> ctx;
  OperatorPtr root;
  bool source_done = false;
  Batch current;
  size_t current_offset = 0;

  ~Cursor() {
    if (root) root->close();
  }
};

// Collects every batch of an operator tree.
inline Status drain(Operator& root, ExecContext& ctx, std::vector<Batch>* out, size_t rows_max, uint64_t* rows) {
  STRATA_RETURN_IF_ERROR(root.open(ctx));
  *rows = 0;
  while (true) {
    Batch b;
    Result<bool> more = root.pull(b);
    if (!more.ok()) {
      root.close();
      return more.status();
    }
    if (!*more) break;
    *rows += b.rows;
    if (*rows > rows_max) {
      root.close();
      return Status::sql("54000", fmt::format("result exceeds {} rows", rows_max));
    }
    if (out) out->push_back(std::move(b));
  }
  root.close();
  return Status::ok_status();
}

// A scan of one table through the transaction's state: base rows minus pending
// deletes, then pending inserts (with negative row ids). Streams the base rows
// batch by batch. A parallel copy (hints.morsels set) reads only the row groups it
// claims; only the first copy returns the pending inserts.
class TransactionScan {
 public:
  TransactionScan(TableState* st, std::vector<int32_t> columns, bool with_row_id, ScanHints hints = {})
      : st_(st), columns_(std::move(columns)), with_row_id_(with_row_id), hints_(std::move(hints)) {}

  Result<bool> next(Batch& out) {
    while (!base_done_) {
      if (st_->truncated) {
        base_done_ = true;
        break;
      }
      if (!base_) {
        ScanRequest req;
        req.columns = columns_;
        req.with_row_id = with_row_id_ || !st_->deleted.empty();
        req.zone_predicates = hints_.zone_predicates;
        req.morsels = hints_.morsels;
        STRATA_ASSIGN_OR_RETURN(base_, st_->base->open(req));
      }
      Batch b;
      STRATA_ASSIGN_OR_RETURN(bool more, base_->next(b));
      if (!more) {
        base_done_ = true;
        base_.reset();
        break;
      }
      if (!st_->deleted.empty()) {
        const Vector& ids = b.columns.back();
        keep_.clear();
        for (size_t i = 0; i < b.rows; ++i) {
          if (!st_->deleted.count(ids.data<int64_t>()[i])) keep_.push_back(static_cast<uint32_t>(i));
        }
        if (keep_.size() != b.rows) {
          Batch kept;
          for (const Vector& c : b.columns) kept.columns.emplace_back(c.type());
          kept.append_selected(b, keep_.data(), keep_.size());
          b = std::move(kept);
        }
        if (!with_row_id_) b.columns.pop_back();
      }
      if (b.rows == 0) continue;
      out = std::move(b);
      return true;
    }
    if (!hints_.first_copy) return false;
    if (!inserts_listed_) {
      inserts_listed_ = true;
      for (size_t i = 0; i < st_->inserted.rows; ++i) {
        if (!st_->inserted_deleted[i]) live_.push_back(static_cast<uint32_t>(i));
      }
    }
    if (live_pos_ >= live_.size()) return false;
    size_t n = std::min(types::kBatchRows, live_.size() - live_pos_);
    const uint32_t* rows = live_.data() + live_pos_;
    out = Batch();
    for (int32_t c : columns_) {
      out.columns.emplace_back(st_->inserted.columns[static_cast<size_t>(c)].type());
      out.columns.back().append_selected(st_->inserted.columns[static_cast<size_t>(c)], rows, n);
    }
    if (with_row_id_) {
      Vector ids(Type::bigint(), n);
      for (size_t i = 0; i < n; ++i) ids.data<int64_t>()[i] = -1 - static_cast<int64_t>(rows[i]);
      out.columns.push_back(std::move(ids));
    }
    out.rows = n;
    live_pos_ += n;
    return true;
  }

 private:
  TableState* st_;
  std::vector<int32_t> columns_;
  bool with_row_id_;
  ScanHints hints_;
  std::unique_ptr<RowBatchIterator> base_;
  bool base_done_ = false;
  std::vector<uint32_t> keep_;
  bool inserts_listed_ = false;
  std::vector<uint32_t> live_;  // live pending inserts
  size_t live_pos_ = 0;
};

// EXPLAIN's result: one text row per line of `tree` (operator lines from
// explain_operator_tree), under `heading` (indented beneath it when given), then
// `footer` when given.
inline StatementResult explain_result(const std::string& heading, const std::string& tree, const std::string& footer) {
  StatementResult r;
  r.command_tag = "EXPLAIN";
  r.returns_rows = true;
  r.column_names = {"QUERY PLAN"};
  r.column_types = {Type::text()};
  Batch b(r.column_types);
  if (!heading.empty()) b.append_row({Value::text(heading)});
  std::string indent = heading.empty() ? "" : "  ";
  size_t pos = 0;
  while (pos < tree.size()) {
    size_t nl = tree.find('\n', pos);
    b.append_row({Value::text(indent + tree.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos))});
    pos = nl == std::string::npos ? tree.size() : nl + 1;
  }
  if (!footer.empty()) b.append_row({Value::text(footer)});
  r.batches.push_back(std::move(b));
  return r;
}

// The scans of a statement: each kGet reads its table through the transaction
// state `lookup` returns (base snapshot, pending deletes and inserts).
inline PhysicalPlanner::ScanFactory make_scan_factory(
    std::function<Result<TableState*>(const catalog::TableDef&)> lookup) {
  return [lookup = std::move(lookup)](const sql::LogicalPlan& get, const ScanHints& hints) -> Result<OperatorPtr> {
    STRATA_ASSIGN_OR_RETURN(TableState * st, lookup(*get.table));
    auto ts = std::make_shared<TransactionScan>(st, get.columns, get.with_row_id, hints);
    std::string detail = get.table->name;
    // The columns read, when not all of them (column pruning).
    if (get.columns.size() < get.table->columns.size()) {
      std::vector<std::string_view> names;
      for (int32_t c : get.columns) names.push_back(get.table->columns[static_cast<size_t>(c)].name);
      detail += fmt::format(", columns: {}", fmt::join(names, " "));
    }
    if (hints.morsels) detail += ", parallel";
    if (!hints.zone_predicates.empty()) detail += fmt::format(", zone predicates: {}", hints.zone_predicates.size());
    return OperatorPtr(std::make_unique<BatchFunctionSource>(
        get.types, "Scan", std::move(detail),
        [ts](ExecContext&, Batch& out) -> Result<bool> { return ts->next(out); }));
  };
}

// What the planner needs to know of a kGet's table before scanning it: its row
// count (join order, parallelism) and whether it splits into morsels.
inline PhysicalPlanner::ScanInfoFn make_scan_info(std::function<Result<TableState*>(const catalog::TableDef&)> lookup) {
  return [lookup = std::move(lookup)](const sql::LogicalPlan& get) -> ScanInfo {
    Result<TableState*> st = lookup(*get.table);
    if (!st.ok()) return ScanInfo{};
    ScanInfo info;
    info.rows = (*st)->truncated ? 0 : (*st)->base->row_count();
    info.rows += (*st)->inserted.rows;
    info.splittable = !(*st)->truncated && (*st)->base->supports_morsels();
    return info;
  };
}

// Subqueries run to completion with the statement's context (parameters, outer
// rows, cache) and the same scans.
inline void install_subquery_runner(ExecContext& ctx, PhysicalPlanner::ScanFactory scan) {
  ctx.run_subquery = [scan = std::move(scan)](ExecContext& c, const sql::LogicalPlan& p, Batch* out) -> Status {
    PhysicalPlanner planner(scan, c.params);
    STRATA_ASSIGN_OR_RETURN(OperatorPtr root, planner.plan(p));
    std::vector<Batch> batches;
    uint64_t rows = 0;
    STRATA_RETURN_IF_ERROR(drain(*root, c, &batches, SIZE_MAX, &rows));
    *out = Batch(p.types);
    for (const Batch& b : batches) out->append_rows(b, 0, b.rows);
    return Status::ok_status();
  };
}

}  // namespace strata::exec
