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
