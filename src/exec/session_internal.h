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
  Batch inserted;                  // full rows
  std::vector<uint8_t> inserted_deleted;
};

inline int64_t now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline std::string relation_kind_word(sql::ObjectType t) {
  switch (t) {
    case sql::ObjectType::kTable: return "table";
    case sql::ObjectType::kView: return "view";
    case sql::ObjectType::kIndex: return "index";
    case sql::ObjectType::kSchema: return "schema";
    default: return "object";
  }
}

struct Session::Transaction {
  bool explicit_block = false;
  std::map<catalog::Oid, TableState> tables;

  Result<TableState*> table(Engine* engine, catalog::Oid oid, const TableDef& def) {
    auto it = tables.find(oid);
    if (it != tables.end()) return &it->second;
    std::shared_ptr<TableStorage> st = engine->storage(oid);
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
// deletes, then pending inserts (with negative row ids).
class TransactionScan {
 public:
  TransactionScan(TableState* st, std::vector<int32_t> columns, bool with_row_id)
      : st_(st), columns_(std::move(columns)), with_row_id_(with_row_id) {}

  Status materialize() {
    if (done_) return Status::ok_status();
    done_ = true;
    if (!st_->truncated) {
      STRATA_RETURN_IF_ERROR(st_->base->scan(columns_, true, [&](Batch& b) -> Status {
        const Vector& ids = b.columns.back();
        std::vector<uint32_t> keep;
        for (size_t i = 0; i < b.rows; ++i) {
          if (!st_->deleted.count(ids.data<int64_t>()[i])) keep.push_back(static_cast<uint32_t>(i));
        }
        Batch out;
        for (const Vector& c : b.columns) out.columns.emplace_back(c.type());
        if (keep.size() == b.rows) {
          out = std::move(b);
        } else {
          out.append_selected(b, keep.data(), keep.size());
        }
        if (!with_row_id_) {
          out.columns.pop_back();
        }
        if (out.rows > 0) batches_.push_back(std::move(out));
        return Status::ok_status();
      }));
    }
    if (st_->inserted.rows > 0) {
      std::vector<uint32_t> live;
      for (size_t i = 0; i < st_->inserted.rows; ++i) {
        if (!st_->inserted_deleted[i]) live.push_back(static_cast<uint32_t>(i));
      }
      if (!live.empty()) {
        Batch out;
        for (int32_t c : columns_) {
          out.columns.emplace_back(st_->inserted.columns[static_cast<size_t>(c)].type());
          out.columns.back().append_selected(st_->inserted.columns[static_cast<size_t>(c)], live.data(), live.size());
        }
        if (with_row_id_) {
          Vector ids(Type::bigint(), live.size());
          for (size_t i = 0; i < live.size(); ++i) ids.data<int64_t>()[i] = -1 - static_cast<int64_t>(live[i]);
          out.columns.push_back(std::move(ids));
        }
        out.rows = live.size();
        batches_.push_back(std::move(out));
      }
    }
    return Status::ok_status();
  }

  Result<bool> next(Batch& out) {
    STRATA_RETURN_IF_ERROR(materialize());
    if (index_ >= batches_.size()) return false;
    out = std::move(batches_[index_++]);
    return true;
  }

 private:
  TableState* st_;
  std::vector<int32_t> columns_;
  bool with_row_id_;
  bool done_ = false;
  std::vector<Batch> batches_;
  size_t index_ = 0;
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
  return [lookup = std::move(lookup)](const sql::LogicalPlan& get) -> Result<OperatorPtr> {
    STRATA_ASSIGN_OR_RETURN(TableState * st, lookup(*get.table));
    auto ts = std::make_shared<TransactionScan>(st, get.columns, get.with_row_id);
    return OperatorPtr(std::make_unique<BatchFunctionSource>(
        get.types, "Scan", get.table->name, [ts](ExecContext&, Batch& out) -> Result<bool> { return ts->next(out); }));
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
