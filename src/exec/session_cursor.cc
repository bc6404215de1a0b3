// Cursors: DECLARE ... CURSOR, FETCH, MOVE, CLOSE (see Session::Cursor).
//
// Errors: 25P01 DECLARE without HOLD outside a transaction block, 42P03 a cursor
// of that name exists, 34000 no cursor of that name, 55000 moving a NO SCROLL
// cursor backward.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "exec/session_internal.h"
#include "sql/binder.h"
#include "sql/column_pruning.h"
#include "sql/filter_pushdown.h"
#include "sql/subquery_rewrite.h"

namespace strata::exec {

namespace {

Status no_cursor(const std::string& name) {
  return Status::sql("34000", fmt::format("cursor \"{}\" does not exist", name));
}

Status backward_error() {
  return Status::sql("55000", "cursor can only scan forward (declare it with SCROLL to scan backward)");
}

// Rows [begin, begin + count) of `from` appended to `out` in batches of at most
// kBatchRows.
void append_slices(const Batch& from, size_t begin, size_t count, std::vector<Batch>& out,
                   const std::vector<Type>& types) {
  while (count > 0) {
    if (out.empty() || out.back().rows >= types::kBatchRows) out.emplace_back(types);
    size_t take = std::min(count, types::kBatchRows - out.back().rows);
    out.back().append_rows(from, begin, take);
    begin += take;
    count -= take;
  }
}

}  // namespace

Result<StatementResult> Session::run_declare_cursor(const sql::DeclareCursorStmt& stmt,
                                                    const std::vector<Value>& params) {
  bool in_block = txn_ && txn_->explicit_block;
  if (!stmt.hold && !in_block) {
    return Status::sql("25P01", "DECLARE CURSOR can only be used in transaction blocks");
  }
  if (stmt.binary) return Status::sql("0A000", "BINARY cursors are not supported");
  if (cursors_.count(stmt.name)) {
    return Status::sql("42P03", fmt::format("cursor \"{}\" already exists", stmt.name));
  }
  auto c = std::make_unique<Cursor>();
  c->scroll = stmt.scroll;
  c->hold = stmt.hold;
  c->declared_in_block = in_block;
  if (stmt.hold || stmt.scroll) {
    STRATA_ASSIGN_OR_RETURN(StatementResult r, run_query(*stmt.query, params, nullptr));
    c->names = r.column_names;
    c->types = r.column_types;
    c->materialized = true;
    c->all = Batch(c->types);
    for (const Batch& b : r.batches) c->all.append_rows(b, 0, b.rows);
  } else {
    auto cat = engine_->catalog().snapshot();
    std::vector<Type> ptypes;
    for (const Value& v : params) ptypes.push_back(v.type());
    sql::Binder binder(cat, &engine_->functions(), ptypes);
    STRATA_ASSIGN_OR_RETURN(sql::LogicalPlanPtr plan, binder.bind_query(*stmt.query));
    sql::decorrelate_subqueries(*plan);
    sql::push_down_filters(*plan);
    sql::prune_columns(*plan);
    c->names = plan->names;
    c->types = plan->types;
    c->params = params;
    c->budget = std::make_unique<MemoryBudget>(engine_->options().query_memory_bytes);
    c->ctx = std::make_unique<ExecContext>(make_context(c->params, c->budget.get()));
    auto lookup = [this](const catalog::TableDef& t) { return txn_->table(engine_, t.oid, t); };
    PhysicalPlanner::ScanFactory scan = make_scan_factory(lookup);
    install_subquery_runner(*c->ctx, scan);
    PhysicalPlanner planner(scan, &c->params);
    // One thread: the plan stays open between FETCHes, and parallel workers would
    // sit blocked on their queues meanwhile.
    planner.set_scan_info(make_scan_info(lookup), 1, 0);
    STRATA_ASSIGN_OR_RETURN(c->root, planner.plan(*plan));
    Status s = c->root->open(*c->ctx);
    if (!s.ok()) {
      c->root->close();
      c->root.reset();
      return s;
    }
    c->current = Batch(c->types);
  }
  cursors_[stmt.name] = std::move(c);
  StatementResult r;
  r.command_tag = "DECLARE CURSOR";
  return r;
}

Result<StatementResult> Session::run_fetch(const sql::FetchStmt& stmt) {
  auto it = cursors_.find(stmt.name);
  if (it == cursors_.end()) return no_cursor(stmt.name);
  Cursor& c = *it->second;
  StatementResult r;
  r.returns_rows = !stmt.move;
  r.column_names = c.names;
  r.column_types = c.types;
  std::vector<Batch>* out = stmt.move ? nullptr : &r.batches;
  constexpr int64_t kAll = std::numeric_limits<int64_t>::max();
  uint64_t rows = 0;

  if (c.materialized) {
    const int64_t total = static_cast<int64_t>(c.all.rows);
    int64_t p = c.after_end ? total + 1 : c.position;
    auto emit = [&](int64_t row) {  // 1-based
      if (out) append_slices(c.all, static_cast<size_t>(row - 1), 1, *out, c.types);
      ++rows;
    };
    auto absolute = [&](int64_t n) {
      int64_t target = n >= 0 ? n : total + n + 1;
      if (target <= 0) {
        p = 0;
      } else if (target > total) {
        p = total + 1;
      } else {
        p = target;
        emit(p);
      }
    };
    int64_t count = stmt.all ? (stmt.count < 0 ? -kAll : kAll) : stmt.count;
    bool backward = false;
    switch (stmt.fetch_kind) {
      case sql::FetchKind::kRelativeCount:
        backward = count < 0;
        if (count == 0) {
          if (p >= 1 && p <= total) emit(p);  // FETCH 0: the current row again
        } else if (count > 0) {
          int64_t k = std::min(count, std::max<int64_t>(0, total - p));
          if (k > 0) {
            if (out) append_slices(c.all, static_cast<size_t>(p), static_cast<size_t>(k), *out, c.types);
            rows += static_cast<uint64_t>(k);
            p += k;
          }
          if (k < count) p = total + 1;
        } else {
          for (int64_t k = 0; k < -count; ++k) {
            if (p <= 1) {
              p = 0;
              break;
            }
            --p;
            emit(p);
          }
        }
        break;
      case sql::FetchKind::kAbsolute:
        absolute(stmt.count);
        break;
      case sql::FetchKind::kRelative:
        absolute(p + stmt.count);
        break;
      case sql::FetchKind::kFirst:
        absolute(1);
        break;
      case sql::FetchKind::kLast:
        absolute(-1);
        break;
    }
    if (!c.scroll && (backward || p < c.position)) return backward_error();
    c.after_end = p > total;
    c.position = std::min(p, total);
  } else {
    // Streaming: forward only.
    int64_t skip = 0, take = 0;
    switch (stmt.fetch_kind) {
      case sql::FetchKind::kRelativeCount:
        if (stmt.count < 0) return backward_error();
        take = stmt.all ? kAll : stmt.count;
        break;
      case sql::FetchKind::kFirst:
      case sql::FetchKind::kAbsolute:
      case sql::FetchKind::kRelative: {
        int64_t target = stmt.fetch_kind == sql::FetchKind::kFirst      ? 1
                         : stmt.fetch_kind == sql::FetchKind::kAbsolute ? stmt.count
                                                                        : c.position + stmt.count;
        if (c.after_end || target <= c.position) return backward_error();
        skip = target - c.position - 1;
        take = 1;
        break;
      }
      case sql::FetchKind::kLast:
        return backward_error();
    }
    auto pull = [&](int64_t n, bool keep) -> Status {
      while (n > 0 && !c.after_end) {
        if (c.current_offset >= c.current.rows) {
          if (c.source_done) {
            c.after_end = true;
            break;
          }
          STRATA_RETURN_IF_ERROR(c.ctx->check_cancel());
          c.current = Batch(c.types);
          c.current_offset = 0;
          Result<bool> more = c.root->pull(c.current);
          if (!more.ok()) return more.status();
          if (!*more) {
            c.source_done = true;
            c.root->close();
            c.current = Batch(c.types);
          }
          continue;
        }
        size_t avail = c.current.rows - c.current_offset;
        size_t k = static_cast<size_t>(std::min<int64_t>(n, static_cast<int64_t>(avail)));
        if (keep) {
          if (out) append_slices(c.current, c.current_offset, k, *out, c.types);
          rows += k;
        }
        c.current_offset += k;
        c.position += static_cast<int64_t>(k);
        n -= static_cast<int64_t>(k);
      }
      return Status::ok_status();
    };
    STRATA_RETURN_IF_ERROR(pull(skip, false));
    STRATA_RETURN_IF_ERROR(pull(take, true));
  }
  r.command_tag = fmt::format("{} {}", stmt.move ? "MOVE" : "FETCH", rows);
  return r;
}

Result<StatementResult> Session::run_close_cursor(const sql::CloseCursorStmt& stmt) {
  if (stmt.all) {
    cursors_.clear();
  } else {
    auto it = cursors_.find(stmt.name);
    if (it == cursors_.end()) return no_cursor(stmt.name);
    cursors_.erase(it);
  }
  StatementResult r;
  r.command_tag = stmt.all ? "CLOSE CURSOR ALL" : "CLOSE CURSOR";
  return r;
}

Result<StatementDescription> Session::describe_fetch(const sql::FetchStmt& stmt) const {
  auto it = cursors_.find(stmt.name);
  if (it == cursors_.end()) return no_cursor(stmt.name);
  StatementDescription d;
  d.returns_rows = !stmt.move;
  if (d.returns_rows) {
    d.column_names = it->second->names;
    d.column_types = it->second->types;
  }
  return d;
}

void Session::close_transaction_cursors(bool committed) {
  for (auto it = cursors_.begin(); it != cursors_.end();) {
    Cursor& c = *it->second;
    bool keep = c.hold && (committed || !c.declared_in_block);
    if (keep) {
      c.declared_in_block = false;
      ++it;
    } else {
      it = cursors_.erase(it);
    }
  }
}

}  // namespace strata::exec
