// The operators that evaluate expressions: Filter, Project, ValuesScan, plus
// BatchFunctionSource (an operator over a callback, used for table scans whose
// storage lives outside exec/).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "exec/expression.h"
#include "exec/operator.h"

namespace strata::exec {

// Keeps the rows for which `predicate` is TRUE (not FALSE, not NULL).
// Output: the child's columns.
//
// The predicate's top-level AND terms of the form `column op constant` (op one of
// = <> < <= > >=, the column an integer, date, time or timestamp type, the constant
// a non-NULL value of an integer type or the column's own type) are compared
// natively, each narrowing a list of selected rows; the other terms are
// evaluated as expressions over the rows that are left.
class Filter final : public Operator {
 public:
  Filter(OperatorPtr child, sql::BoundExprPtr predicate);
  std::string name() const override { return "Filter"; }
  std::string detail() const override { return predicate_->to_string(); }

  // One natively compared term.
  struct Comparison {
    enum class Op : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
    int32_t column = 0;
    Op op = Op::kEq;
    int64_t constant = 0;
  };

 protected:
  Result<bool> next(types::Batch& out) override;

 private:
  sql::BoundExprPtr predicate_;
  std::vector<Comparison> comparisons_;
  sql::BoundExprPtr rest_;  // the other terms (AND), or null
  std::vector<uint32_t> selected_;
};

// Computes one column per expression over each child batch.
class Project final : public Operator {
 public:
  Project(OperatorPtr child, std::vector<sql::BoundExprPtr> exprs);
  std::string name() const override { return "Project"; }
  std::string detail() const override;

 protected:
  Result<bool> next(types::Batch& out) override;

 private:
  std::vector<sql::BoundExprPtr> exprs_;
  // Per expression: the input column it moves out of the input batch (a bare
  // column reference no other bare reference repeats), or -1 to evaluate.
  std::vector<int32_t> moves_;
};

// VALUES: rows of expressions evaluated when the scan runs (they may use parameters
// and outer rows). A row list with no columns gives rows without columns (SELECT 1).
class ValuesScan final : public Operator {
 public:
  ValuesScan(std::vector<types::Type> types, std::vector<std::vector<sql::BoundExprPtr>> rows);
  std::string name() const override { return "Values"; }
  std::string detail() const override { return std::to_string(rows_.size()) + " rows"; }

 protected:
  Result<bool> next(types::Batch& out) override;

 private:
  std::vector<std::vector<sql::BoundExprPtr>> rows_;
  size_t next_row_ = 0;
};

// An operator fed by a function: `produce(out)` fills a batch and returns true, or
// false at the end. Used for scans of storage that exec/ does not know about.
class BatchFunctionSource final : public Operator {
 public:
  using Produce = std::function<Result<bool>(ExecContext& ctx, types::Batch& out)>;
  BatchFunctionSource(std::vector<types::Type> types, std::string name, std::string detail, Produce produce)
      : Operator(std::move(types)), name_(std::move(name)), detail_(std::move(detail)), produce_(std::move(produce)) {}
  std::string name() const override { return name_; }
  std::string detail() const override { return detail_; }

 protected:
  Result<bool> next(types::Batch& out) override;

 private:
  std::string name_;
  std::string detail_;
  Produce produce_;
  bool done_ = false;
};

}  // namespace strata::exec
