// INSERT, UPDATE, DELETE: run the bound source plan, check constraints, record the
// changes in the transaction's per-table state (committed by Session::execute or
// COMMIT).
#include <fmt/format.h>

#include <unordered_map>

#include "exec/expression.h"
#include "exec/physical_planner.h"
#include "exec/basic_operators.h"
#include "exec/batch_source.h"
#include "exec/session_internal.h"
#include "sql/column_pruning.h"
#include "sql/filter_pushdown.h"
#include "sql/subquery_rewrite.h"
#include "sql/binder.h"
#include "types/cast.h"

namespace strata::exec {

using sql::LogicalKind;
using sql::LogicalPlan;

namespace {

// A unique constraint's key of one row, or "" when a key column is NULL (NULLs
// never conflict).
std::string unique_key(const Batch& b, size_t row, const std::vector<int32_t>& cols) {
  std::string key;
  for (int32_t c : cols) {
    const Vector& v = b.columns[static_cast<size_t>(c)];
    if (v.is_null(row)) return "";
    Value val = v.get_value(row);
    if (val.type().id() == types::TypeId::kChar) {
      std::string s = val.as_string();
      while (!s.empty() && s.back() == ' ') s.pop_back();
      key += s;
    } else {
      key += types::format_value(val);
    }
    key.push_back('\x1f');
  }
  return key;
}

std::string constraint_name(const TableDef& t, const std::vector<int32_t>& cols, bool primary) {
  if (primary) return t.name + "_pkey";
  std::string n = t.name;
  for (int32_t c : cols) n += "_" + t.columns[static_cast<size_t>(c)].name;
  return n + "_key";
}

std::string key_text(const TableDef& t, const Batch& b, size_t row, const std::vector<int32_t>& cols) {
  std::string names, values;
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i) {
      names += ", ";
      values += ", ";
    }
    names += t.columns[static_cast<size_t>(cols[i])].name;
    values += types::format_value(b.columns[static_cast<size_t>(cols[i])].get_value(row));
  }
  return fmt::format("Key ({})=({}) already exists.", names, values);
}

Status check_row_constraints(ExecContext& ctx, const TableDef& t, const LogicalPlan& plan, const Batch& rows) {
  for (size_t c = 0; c < t.columns.size(); ++c) {
    if (!t.columns[c].not_null) continue;
    const Vector& v = rows.columns[c];
    for (size_t r = 0; r < rows.rows; ++r) {
      if (v.is_null(r)) {
        return Status::sql("23502", fmt::format("null value in column \"{}\" of relation \"{}\" violates not-null "
                                                "constraint",
                                                t.columns[c].name, t.name));
      }
    }
  }
  for (const auto& chk : plan.checks) {
    Vector ok(Type::boolean());
    STRATA_RETURN_IF_ERROR(evaluate_expression(ctx, *chk, rows, ok));
    for (size_t r = 0; r < rows.rows; ++r) {
      if (!ok.is_null(r) && ok.data<uint8_t>()[r] == 0) {
        return Status::sql("23514",
                           fmt::format("new row for relation \"{}\" violates check constraint \"{}\"", t.name, chk->name));
      }
    }
  }
  return Status::ok_status();
}

// Every unique constraint of the table: (columns, is primary key).
std::vector<std::pair<std::vector<int32_t>, bool>> unique_constraints(const TableDef& t) {
  std::vector<std::pair<std::vector<int32_t>, bool>> out;
  if (!t.primary_key.empty()) out.emplace_back(t.primary_key, true);
  for (const auto& u : t.unique_keys) out.emplace_back(u, false);
  return out;
}

// Keys of the rows the transaction currently sees: key -> row id.
// Reads the key columns only (O(table rows) per statement: there is no persistent
// key index yet).
Status visible_keys(TableState* st, const std::vector<int32_t>& cols, std::unordered_map<std::string, int64_t>* out) {
  std::vector<int32_t> local;  // the key columns' positions in the scanned batch
  for (size_t i = 0; i < cols.size(); ++i) local.push_back(static_cast<int32_t>(i));
  TransactionScan scan(st, cols, true);
  Batch b;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool more, scan.next(b));
    if (!more) break;
    const Vector& ids = b.columns.back();
    for (size_t r = 0; r < b.rows; ++r) {
      std::string k = unique_key(b, r, local);
      if (!k.empty()) (*out)[k] = ids.data<int64_t>()[r];
    }
  }
  return Status::ok_status();
}

// A visible row by id (full row), for ON CONFLICT DO UPDATE.
Status fetch_row(TableState* st, int64_t id, Batch* out) {
  std::vector<int32_t> all;
  for (size_t i = 0; i < st->inserted.columns.size(); ++i) all.push_back(static_cast<int32_t>(i));
  TransactionScan scan(st, all, true);
  Batch b;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool more, scan.next(b));
    if (!more) break;
    const Vector& ids = b.columns.back();
    for (size_t r = 0; r < b.rows; ++r) {
      if (ids.data<int64_t>()[r] != id) continue;
      uint32_t row = static_cast<uint32_t>(r);
      b.columns.pop_back();
      *out = Batch();
      for (const Vector& c : b.columns) out->columns.emplace_back(c.type());
      out->append_selected(b, &row, 1);
      return Status::ok_status();
    }
  }
  return Status::sql("XX000", "conflicting row vanished");
}

void delete_row(TableState* st, int64_t id) {
  if (id >= 0) {
    st->deleted.insert(id);
  } else {
    st->inserted_deleted[static_cast<size_t>(-1 - id)] = 1;
  }
}

int64_t append_row(TableState* st, const Batch& rows, size_t r) {
  uint32_t row = static_cast<uint32_t>(r);
  st->inserted.append_selected(rows, &row, 1);
  st->inserted_deleted.push_back(0);
  return -static_cast<int64_t>(st->inserted.rows);
}

}  // namespace

Result<StatementResult> Session::run_dml(const sql::Statement& stmt, const std::vector<Value>& params,
                                         const sql::ExplainStmt* explain) {
  auto cat = engine_->catalog().snapshot();
  std::vector<Type> ptypes;
  for (const Value& v : params) ptypes.push_back(v.type());
  sql::Binder binder(cat, &engine_->functions(), ptypes);
  sql::LogicalPlanPtr plan;
  if (const auto* ins = stmt.as_if<sql::InsertStmt>()) {
    STRATA_ASSIGN_OR_RETURN(plan, binder.bind_insert(*ins));
  } else if (const auto* up = stmt.as_if<sql::UpdateStmt>()) {
    STRATA_ASSIGN_OR_RETURN(plan, binder.bind_update(*up));
  } else {
    STRATA_ASSIGN_OR_RETURN(plan, binder.bind_delete(stmt.as<sql::DeleteStmt>()));
  }
  sql::decorrelate_subqueries(*plan);
  sql::push_down_filters(*plan);
  sql::prune_columns(*plan);
  return execute_dml_plan(*plan, params, explain, nullptr);
}

Result<StatementResult> Session::execute_dml_plan(const LogicalPlan& plan_ref, const std::vector<Value>& params,
                                                  const sql::ExplainStmt* explain, std::vector<Batch>* rows) {
  const LogicalPlan* plan = &plan_ref;
  const TableDef& table = *plan->table;
  STRATA_ASSIGN_OR_RETURN(TableState * st, txn_->table(engine_, table.oid, table));
  MemoryBudget budget(engine_->options().query_memory_bytes);
  ExecContext ctx = make_context(params, &budget);
  auto lookup = [this](const catalog::TableDef& t) { return txn_->table(engine_, t.oid, t); };
  PhysicalPlanner::ScanFactory scan = make_scan_factory(lookup);
  install_subquery_runner(ctx, scan);
  PhysicalPlanner planner(scan, &params);
  planner.set_scan_info(make_scan_info(lookup), 1, 0);  // DML runs on one thread
  if (rows != nullptr) {
    // COPY FROM: the innermost kValues placeholder becomes the parsed rows.
    const LogicalPlan* leaf = plan->children[0].get();
    while (!leaf->children.empty()) leaf = leaf->children[0].get();
    planner.override_node(leaf, [rows, leaf]() -> Result<OperatorPtr> {
      return OperatorPtr(std::make_unique<BatchSource>(leaf->types, std::move(*rows)));
    });
  }
  STRATA_ASSIGN_OR_RETURN(OperatorPtr source, planner.plan(*plan->children[0]));
  const char* verb = plan->kind == LogicalKind::kInsert ? "Insert" : plan->kind == LogicalKind::kUpdate ? "Update" : "Delete";
  if (explain != nullptr && !explain->analyze) {
    return explain_result(fmt::format("{} on {}", verb, table.name), explain_operator_tree(*source, false), "");
  }
  std::vector<Batch> input;
  uint64_t input_rows = 0;
  STRATA_RETURN_IF_ERROR(drain(*source, ctx, &input, SIZE_MAX, &input_rows));

  std::vector<Type> table_types;
  for (const auto& c : table.columns) table_types.push_back(c.type);
  Batch affected(table_types);  // rows for RETURNING
  uint64_t count = 0;
  auto uniques = unique_constraints(table);

  if (plan->kind == LogicalKind::kDelete) {
    for (Batch& b : input) {
      const Vector& ids = b.columns.back();
      for (size_t r = 0; r < b.rows; ++r) delete_row(st, ids.data<int64_t>()[r]);
      count += b.rows;
      if (!plan->returning.empty()) {
        b.columns.pop_back();
        affected.append_rows(b, 0, b.rows);
      }
    }
  } else if (plan->kind == LogicalKind::kUpdate) {
    for (Batch& b : input) {
      Vector ids = std::move(b.columns.back());
      b.columns.pop_back();
      STRATA_RETURN_IF_ERROR(check_row_constraints(ctx, table, *plan, b));
      for (size_t r = 0; r < b.rows; ++r) delete_row(st, ids.data<int64_t>()[r]);
      for (size_t r = 0; r < b.rows; ++r) append_row(st, b, r);
      count += b.rows;
      if (!plan->returning.empty()) affected.append_rows(b, 0, b.rows);
    }
    // Keys must stay unique after the whole statement.
    for (const auto& [cols, primary] : uniques) {
      std::unordered_map<std::string, int64_t> seen;
      std::vector<int32_t> all;
      for (size_t i = 0; i < table.columns.size(); ++i) all.push_back(static_cast<int32_t>(i));
      TransactionScan scan_all(st, all, false);
      Batch b;
      while (true) {
        STRATA_ASSIGN_OR_RETURN(bool more, scan_all.next(b));
        if (!more) break;
        for (size_t r = 0; r < b.rows; ++r) {
          std::string k = unique_key(b, r, cols);
          if (k.empty()) continue;
          if (!seen.emplace(k, 0).second) {
            Status s = Status::sql("23505", fmt::format("duplicate key value violates unique constraint \"{}\"",
                                                        constraint_name(table, cols, primary)));
            return s;
          }
        }
      }
    }
  } else {
    // INSERT.
    std::vector<std::unordered_map<std::string, int64_t>> keys(uniques.size());
    for (size_t u = 0; u < uniques.size(); ++u) STRATA_RETURN_IF_ERROR(visible_keys(st, uniques[u].first, &keys[u]));
    std::unordered_set<int64_t> touched_by_upsert;
    for (Batch& b : input) {
      STRATA_RETURN_IF_ERROR(check_row_constraints(ctx, table, *plan, b));
      for (size_t r = 0; r < b.rows; ++r) {
        // Find a conflict on any unique constraint.
        int64_t conflict_id = 0;
        bool conflict = false;
        size_t conflict_u = 0;
        for (size_t u = 0; u < uniques.size() && !conflict; ++u) {
          std::string k = unique_key(b, r, uniques[u].first);
          if (k.empty()) continue;
          auto it = keys[u].find(k);
          if (it != keys[u].end()) {
            conflict = true;
            conflict_id = it->second;
            conflict_u = u;
          }
        }
        if (conflict) {
          bool matches_target = plan->on_conflict && plan->on_conflict->key_columns == uniques[conflict_u].first;
          if (plan->or_ignore || (plan->on_conflict && !plan->on_conflict->do_update && matches_target) ||
              (plan->on_conflict && !plan->on_conflict->do_update && plan->on_conflict->key_columns.empty())) {
            continue;
          }
          if (plan->or_replace) {
            // Remove every row this one conflicts with, then insert it.
            for (size_t u = 0; u < uniques.size(); ++u) {
              std::string k = unique_key(b, r, uniques[u].first);
              auto it = k.empty() ? keys[u].end() : keys[u].find(k);
              if (it == keys[u].end()) continue;
              int64_t old = it->second;
              Batch old_row;
              STRATA_RETURN_IF_ERROR(fetch_row(st, old, &old_row));
              for (size_t u2 = 0; u2 < uniques.size(); ++u2) {
                std::string k2 = unique_key(old_row, 0, uniques[u2].first);
                if (!k2.empty()) keys[u2].erase(k2);
              }
              delete_row(st, old);
            }
          } else if (plan->on_conflict && plan->on_conflict->do_update && matches_target) {
            if (!touched_by_upsert.insert(conflict_id).second) {
              return Status::sql("21000", "ON CONFLICT DO UPDATE command cannot affect row a second time");
            }
            Batch existing;
            STRATA_RETURN_IF_ERROR(fetch_row(st, conflict_id, &existing));
            // Evaluate SET over (existing row ++ excluded row).
            Batch both;
            for (const Vector& c : existing.columns) both.columns.emplace_back(c.type());
            for (const Vector& c : b.columns) both.columns.emplace_back(c.type());
            both.rows = 1;
            for (size_t c = 0; c < existing.columns.size(); ++c) both.columns[c].append_rows(existing.columns[c], 0, 1);
            for (size_t c = 0; c < b.columns.size(); ++c) {
              both.columns[existing.columns.size() + c].append_rows(b.columns[c], r, 1);
            }
            if (plan->on_conflict->where) {
              Vector ok(Type::boolean());
              STRATA_RETURN_IF_ERROR(evaluate_expression(ctx, *plan->on_conflict->where, both, ok));
              if (ok.is_null(0) || !ok.data<uint8_t>()[0]) continue;
            }
            Batch updated(table_types);
            updated.rows = 1;
            for (size_t c = 0; c < table.columns.size(); ++c) {
              if (plan->on_conflict->set[c]) {
                Vector v(table.columns[c].type);
                STRATA_RETURN_IF_ERROR(evaluate_expression(ctx, *plan->on_conflict->set[c], both, v));
                updated.columns[c].append_rows(v, 0, 1);
              } else {
                updated.columns[c].append_rows(existing.columns[c], 0, 1);
              }
            }
            STRATA_RETURN_IF_ERROR(check_row_constraints(ctx, table, *plan, updated));
            for (size_t u = 0; u < uniques.size(); ++u) {
              std::string k = unique_key(existing, 0, uniques[u].first);
              if (!k.empty()) keys[u].erase(k);
            }
            delete_row(st, conflict_id);
            int64_t id = append_row(st, updated, 0);
            touched_by_upsert.insert(id);
            for (size_t u = 0; u < uniques.size(); ++u) {
              std::string k = unique_key(updated, 0, uniques[u].first);
              if (k.empty()) continue;
              if (!keys[u].emplace(k, id).second) {
                return Status::sql("23505", fmt::format("duplicate key value violates unique constraint \"{}\"",
                                                        constraint_name(table, uniques[u].first, uniques[u].second)));
              }
            }
            ++count;
            if (!plan->returning.empty()) affected.append_rows(updated, 0, 1);
            continue;
          } else {
            Status s = Status::sql("23505", fmt::format("duplicate key value violates unique constraint \"{}\"",
                                                        constraint_name(table, uniques[conflict_u].first,
                                                                        uniques[conflict_u].second)));
            (void)key_text;
            return s;
          }
        }
        int64_t id = append_row(st, b, r);
        for (size_t u = 0; u < uniques.size(); ++u) {
          std::string k = unique_key(b, r, uniques[u].first);
          if (!k.empty()) keys[u][k] = id;
        }
        ++count;
        if (!plan->returning.empty()) {
          uint32_t row = static_cast<uint32_t>(r);
          affected.append_selected(b, &row, 1);
        }
      }
    }
  }

  StatementResult result;
  if (plan->kind == LogicalKind::kInsert) result.command_tag = fmt::format("INSERT 0 {}", count);
  else if (plan->kind == LogicalKind::kUpdate) result.command_tag = fmt::format("UPDATE {}", count);
  else result.command_tag = fmt::format("DELETE {}", count);
  if (!plan->returning.empty()) {
    result.returns_rows = true;
    result.column_names = plan->returning_names;
    Batch out;
    for (const auto& e : plan->returning) {
      result.column_types.push_back(e->type);
      Vector v(e->type);
      STRATA_RETURN_IF_ERROR(evaluate_expression(ctx, *e, affected, v));
      out.columns.push_back(std::move(v));
    }
    out.rows = affected.rows;
    result.batches.push_back(std::move(out));
  }
  if (explain != nullptr) {
    return explain_result(fmt::format("{} on {} (actual rows={})", verb, table.name, count),
                          explain_operator_tree(*source, true), "");
  }
  return result;
}

}  // namespace strata::exec
