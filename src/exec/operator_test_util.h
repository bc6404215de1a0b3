// Helpers for the operator tests (*_test.cc in exec/): contexts with a memory budget
// and a private spill directory, inputs from rows of Values, outputs collected as rows,
// a seeded random generator, and small test-only aggregates.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "exec/batch_source.h"
#include "exec/operator.h"
#include "exec/row_compare.h"
#include "sql/function_registry.h"
#include "types/batch.h"
#include "types/value.h"

namespace strata::exec::testing {

using Row = std::vector<types::Value>;
using Rows = std::vector<Row>;

// An ExecContext with its own budget and spill directory (removed at destruction).
class TestContext {
 public:
  explicit TestContext(size_t memory_limit_bytes = size_t{1} << 32) : budget_(memory_limit_bytes) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "strata-exec-test-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back(0);
    const char* dir = ::mkdtemp(buf.data());
    EXPECT_NE(dir, nullptr);
    dir_ = dir == nullptr ? "" : dir;
    ctx_.memory = &budget_;
    ctx_.spill_dir = dir_;
    ctx_.cancel = &cancel_;
  }
  ~TestContext() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  ExecContext& ctx() { return ctx_; }
  MemoryBudget& budget() { return budget_; }
  void cancel() { cancel_.store(true); }
  // Files left in the spill directory (0 after close()).
  size_t spill_files() const {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_)) ++n;
    return n;
  }

 private:
  MemoryBudget budget_;
  std::string dir_;
  std::atomic<bool> cancel_{false};
  ExecContext ctx_;
};

// Batches of at most `batch_rows` rows holding `rows`.
inline std::vector<types::Batch> make_batches(const std::vector<types::Type>& types, const Rows& rows,
                                              size_t batch_rows = 1000) {
  std::vector<types::Batch> out;
  for (size_t at = 0; at < rows.size(); at += batch_rows) {
    types::Batch b(types);
    for (size_t i = at; i < std::min(rows.size(), at + batch_rows); ++i) b.append_row(rows[i]);
    out.push_back(std::move(b));
  }
  return out;
}

inline OperatorPtr source(const std::vector<types::Type>& types, const Rows& rows, size_t batch_rows = 1000) {
  return std::make_unique<BatchSource>(types, make_batches(types, rows, batch_rows));
}

// Runs `op` to the end: its rows, or the first error.
inline Result<Rows> run(Operator& op, ExecContext& ctx) {
  Rows rows;
  Status st = op.open(ctx);
  if (!st.ok()) {
    op.close();
    return st;
  }
  while (true) {
    types::Batch b;
    Result<bool> more = op.pull(b);
    if (!more.ok()) {
      op.close();
      return more.status();
    }
    if (!*more) break;
    EXPECT_GT(b.rows, 0u);
    EXPECT_LE(b.rows, types::kBatchRowsMax);
    EXPECT_EQ(b.columns.size(), op.output_types().size());
    for (size_t r = 0; r < b.rows; ++r) {
      Row row;
      for (const auto& c : b.columns) row.push_back(c.get_value(r));
      rows.push_back(std::move(row));
    }
  }
  op.close();
  return rows;
}

// Total order on Values for comparing result multisets (NULL first).
inline int value_order(const types::Value& a, const types::Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() == b.is_null() ? 0 : (a.is_null() ? -1 : 1);
  return types::compare_values(a, b);
}
inline bool row_less(const Row& a, const Row& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    int c = value_order(a[i], b[i]);
    if (c != 0) return c < 0;
  }
  return a.size() < b.size();
}
inline bool rows_equal(const Row& a, const Row& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (value_order(a[i], b[i]) != 0) return false;
  }
  return true;
}
inline Rows sorted(Rows rows) {
  std::stable_sort(rows.begin(), rows.end(), row_less);
  return rows;
}
inline std::string row_text(const Row& r) {
  std::string s = "(";
  for (size_t i = 0; i < r.size(); ++i) s += (i ? ", " : "") + r[i].to_text();
  return s + ")";
}
// Compares as lists (order matters); prints the first difference.
inline ::testing::AssertionResult same_rows(const Rows& got, const Rows& want) {
  for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
    if (!rows_equal(got[i], want[i])) {
      return ::testing::AssertionFailure() << "row " << i << ": got " << row_text(got[i]) << ", want "
                                           << row_text(want[i]);
    }
  }
  if (got.size() != want.size()) {
    return ::testing::AssertionFailure() << "got " << got.size() << " rows, want " << want.size();
  }
  return ::testing::AssertionSuccess();
}
// Compares as multisets.
inline ::testing::AssertionResult same_multiset(const Rows& got, const Rows& want) {
  return same_rows(sorted(got), sorted(want));
}

// Random values: ints in [0, range) with some NULLs.
inline types::Value random_int(std::mt19937_64& rng, int64_t range, int null_percent = 10) {
  if (static_cast<int>(rng() % 100) < null_percent) return types::Value::null(types::Type::integer());
  return types::Value::integer(static_cast<int32_t>(rng() % static_cast<uint64_t>(range)));
}
inline types::Value random_text(std::mt19937_64& rng, int64_t range, int null_percent = 10) {
  if (static_cast<int>(rng() % 100) < null_percent) return types::Value::null(types::Type::text());
  return types::Value::text("s" + std::to_string(rng() % static_cast<uint64_t>(range)));
}

// ---- Test-only aggregates (the real kernels live in functions_*.cc).

// sum(bigint) -> bigint: NULL for no input.
struct SumState {
  int64_t sum;
  bool any;
};
inline const sql::AggregateFunction& test_sum() {
  static const sql::AggregateFunction f = [] {
    sql::AggregateFunction a;
    a.name = "test_sum";
    a.args = {types::Type::bigint()};
    a.return_type = types::Type::bigint();
    a.state_size = sizeof(SumState);
    a.init = [](uint8_t* s) { new (s) SumState{0, false}; };
    a.update = [](uint8_t** states, const std::vector<const types::Vector*>& args, size_t rows) {
      const types::Vector& v = *args[0];
      for (size_t i = 0; i < rows; ++i) {
        if (v.is_null(i)) continue;
        auto* s = reinterpret_cast<SumState*>(states[i]);
        s->sum += v.get_value(i).as_int();
        s->any = true;
      }
      return Status::ok_status();
    };
    a.combine = [](uint8_t* t, const uint8_t* s) {
      auto* x = reinterpret_cast<SumState*>(t);
      auto* y = reinterpret_cast<const SumState*>(s);
      x->sum += y->sum;
      x->any = x->any || y->any;
      return Status::ok_status();
    };
    a.finalize = [](const uint8_t* s, types::Vector& out, size_t row) {
      auto* x = reinterpret_cast<const SumState*>(s);
      if (x->any) {
        out.set_value(row, types::Value::bigint(x->sum));
      } else {
        out.set_null(row);
      }
      return Status::ok_status();
    };
    return a;
  }();
  return f;
}

// count(x) (one argument, NULLs skipped) or count(*) (no arguments) -> bigint.
inline const sql::AggregateFunction& test_count(bool star) {
  auto make = [](bool star) {
    sql::AggregateFunction a;
    a.name = star ? "test_count_star" : "test_count";
    if (!star) a.args = {types::Type::unknown()};
    a.return_type = types::Type::bigint();
    a.state_size = sizeof(int64_t);
    a.init = [](uint8_t* s) { new (s) int64_t(0); };
    a.update = [](uint8_t** states, const std::vector<const types::Vector*>& args, size_t rows) {
      for (size_t i = 0; i < rows; ++i) {
        if (!args.empty() && args[0]->is_null(i)) continue;
        ++*reinterpret_cast<int64_t*>(states[i]);
      }
      return Status::ok_status();
    };
    a.combine = [](uint8_t* t, const uint8_t* s) {
      *reinterpret_cast<int64_t*>(t) += *reinterpret_cast<const int64_t*>(s);
      return Status::ok_status();
    };
    a.finalize = [](const uint8_t* s, types::Vector& out, size_t row) {
      out.set_value(row, types::Value::bigint(*reinterpret_cast<const int64_t*>(s)));
      return Status::ok_status();
    };
    return a;
  };
  static const sql::AggregateFunction f_star = make(true);
  static const sql::AggregateFunction f_col = make(false);
  return star ? f_star : f_col;
}

// string_agg(text, ',') in input order -> text; order-sensitive, with a destructor.
inline const sql::AggregateFunction& test_concat() {
  static const sql::AggregateFunction f = [] {
    sql::AggregateFunction a;
    a.name = "test_concat";
    a.args = {types::Type::text()};
    a.return_type = types::Type::text();
    a.state_size = sizeof(std::string);
    a.init = [](uint8_t* s) { new (s) std::string(); };
    a.destroy = [](uint8_t* s) { reinterpret_cast<std::string*>(s)->~basic_string(); };
    a.update = [](uint8_t** states, const std::vector<const types::Vector*>& args, size_t rows) {
      for (size_t i = 0; i < rows; ++i) {
        if (args[0]->is_null(i)) continue;
        auto* s = reinterpret_cast<std::string*>(states[i]);
        if (!s->empty()) *s += ",";
        *s += args[0]->get_value(i).to_text();
      }
      return Status::ok_status();
    };
    a.finalize = [](const uint8_t* s, types::Vector& out, size_t row) {
      auto* x = reinterpret_cast<const std::string*>(s);
      if (x->empty()) {
        out.set_null(row);
      } else {
        out.set_value(row, types::Value::text(*x));
      }
      return Status::ok_status();
    };
    a.order_sensitive = true;
    return a;
  }();
  return f;
}

// A percentile-like aggregate with one direct argument: returns the
// floor(fraction * (n - 1))-th value (0-based) of the ordered input (bigint).
struct NthState {
  std::vector<int64_t>* values;
  double fraction;
};
inline const sql::AggregateFunction& test_percentile_disc() {
  static const sql::AggregateFunction f = [] {
    sql::AggregateFunction a;
    a.name = "test_percentile_disc";
    a.args = {types::Type::double_precision(), types::Type::bigint()};
    a.return_type = types::Type::bigint();
    a.state_size = sizeof(NthState);
    a.direct_args = 1;
    a.order_sensitive = true;
    a.init = [](uint8_t* s) { new (s) NthState{new std::vector<int64_t>(), 0}; };
    a.destroy = [](uint8_t* s) { delete reinterpret_cast<NthState*>(s)->values; };
    a.update = [](uint8_t** states, const std::vector<const types::Vector*>& args, size_t rows) {
      for (size_t i = 0; i < rows; ++i) {
        auto* s = reinterpret_cast<NthState*>(states[i]);
        s->fraction = args[0]->get_value(i).as_double();
        if (args[1]->is_null(i)) continue;
        s->values->push_back(args[1]->get_value(i).as_int());
      }
      return Status::ok_status();
    };
    a.finalize = [](const uint8_t* s, types::Vector& out, size_t row) {
      auto* x = reinterpret_cast<const NthState*>(s);
      if (x->values->empty()) {
        out.set_null(row);
        return Status::ok_status();
      }
      size_t k = static_cast<size_t>(x->fraction * static_cast<double>(x->values->size() - 1));
      out.set_value(row, types::Value::bigint((*x->values)[k]));
      return Status::ok_status();
    };
    return a;
  }();
  return f;
}

}  // namespace strata::exec::testing

namespace strata::exec::testing {

// A test predicate over a batch: column a < column b, three-valued (NULL when either
// is NULL); compares through compare_cells so any comparable types work.
class LessThan final : public BatchExpression {
 public:
  LessThan(int a, int b) : a_(a), b_(b) {}
  const types::Type& type() const override {
    static const types::Type t = types::Type::boolean();
    return t;
  }
  Status evaluate(ExecContext& ctx, const types::Batch& input, types::Vector& out) const override {
    out = types::Vector(types::Type::boolean(), input.rows);
    for (size_t r = 0; r < input.rows; ++r) {
      const types::Vector& a = input.columns[a_];
      const types::Vector& b = input.columns[b_];
      if (a.is_null(r) || b.is_null(r)) {
        out.set_null(r);
      } else {
        out.data<uint8_t>()[r] = compare_cells(a, r, b, r) < 0 ? 1 : 0;
      }
    }
    return ctx.check_cancel();
  }
  std::string to_string() const override { return "#" + std::to_string(a_) + " < #" + std::to_string(b_); }

 private:
  int a_, b_;
};

// The reference predicate for LessThan on two rows: 1 TRUE, 0 FALSE, -1 NULL.
inline int less_than(const types::Value& a, const types::Value& b) {
  if (a.is_null() || b.is_null()) return -1;
  return types::compare_values(a, b) < 0 ? 1 : 0;
}

}  // namespace strata::exec::testing

#include <functional>

#include "exec/join_kind.h"

namespace strata::exec::testing {

// Naive nested loops: cond(l, r) is 1 (match), 0 or -1 (NULL). Mark: TRUE with a
// match, NULL with none but a NULL condition, else FALSE. null_aware anti: rows whose
// mark is FALSE.
inline Rows reference_join(const Rows& left, const Rows& right, size_t left_width, size_t right_width, JoinKind kind,
                           bool null_aware, const std::function<int(const Row&, const Row&)>& cond) {
  Rows out;
  std::vector<bool> right_matched(right.size(), false);
  for (const Row& l : left) {
    bool matched = false, unknown = false;
    for (size_t j = 0; j < right.size(); ++j) {
      int c = cond(l, right[j]);
      if (c == -1) unknown = true;
      if (c != 1) continue;
      matched = true;
      right_matched[j] = true;
      if (join_emits_pairs(kind)) {
        Row o = l;
        o.insert(o.end(), right[j].begin(), right[j].end());
        out.push_back(std::move(o));
      }
    }
    Row nulls_right(right_width, types::Value());
    switch (kind) {
      case JoinKind::kLeft:
      case JoinKind::kFull:
        if (!matched) {
          Row o = l;
          o.insert(o.end(), nulls_right.begin(), nulls_right.end());
          out.push_back(std::move(o));
        }
        break;
      case JoinKind::kSemi:
        if (matched) out.push_back(l);
        break;
      case JoinKind::kAnti:
        if (null_aware ? (!matched && !unknown) : !matched) out.push_back(l);
        break;
      case JoinKind::kMark: {
        Row o = l;
        o.push_back(matched ? types::Value::boolean(true)
                            : (unknown ? types::Value::null(types::Type::boolean()) : types::Value::boolean(false)));
        out.push_back(std::move(o));
        break;
      }
      default: break;
    }
  }
  if (join_keeps_right(kind)) {
    for (size_t j = 0; j < right.size(); ++j) {
      if (right_matched[j]) continue;
      Row o(left_width, types::Value());
      o.insert(o.end(), right[j].begin(), right[j].end());
      out.push_back(std::move(o));
    }
  }
  return out;
}

}  // namespace strata::exec::testing
