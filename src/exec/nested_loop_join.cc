#include "exec/nested_loop_join.h"

#include <algorithm>
#include <numeric>

namespace strata::exec {

using types::Batch;
using types::Type;
using types::Vector;

NestedLoopJoin::NestedLoopJoin(OperatorPtr left, OperatorPtr right, JoinKind kind, BatchExpressionPtr condition)
    : Operator(join_output_types(kind, left->output_types(), right->output_types())),
      left_types_(left->output_types()),
      right_types_(right->output_types()),
      kind_(kind),
      condition_(std::move(condition)),
      right_(right->output_types()) {
  pair_types_ = left_types_;
  pair_types_.insert(pair_types_.end(), right_types_.begin(), right_types_.end());
  add_child(std::move(left));
  add_child(std::move(right));
}

std::string NestedLoopJoin::detail() const {
  std::string s(join_kind_name(kind_));
  s += condition_ ? ", condition: " + condition_->to_string() : ", cross";
  return s;
}

Status NestedLoopJoin::open(ExecContext& ctx) {
  right_ = RowStore(right_types_);
  memory_.set_budget(ctx.memory);
  loaded_ = false;
  left_done_ = false;
  have_left_ = false;
  unmatched_cursor_ = 0;
  return Operator::open(ctx);
}

void NestedLoopJoin::close() {
  right_.clear();
  left_ = Batch();
  memory_.release();
  Operator::close();
}

Status NestedLoopJoin::load_right() {
  while (true) {
    STRATA_RETURN_IF_ERROR(ctx().check_cancel());
    Batch in;
    STRATA_ASSIGN_OR_RETURN(bool more, child(1).pull(in));
    if (!more) break;
    right_.append(in);
    if (!memory_.try_grow_to(right_.size_bytes())) {
      return Status::sql("53200", "out of memory: the inner side of a nested loop join exceeds the query memory limit");
    }
  }
  right_matched_.assign(right_.rows(), 0);
  loaded_ = true;
  return Status::ok_status();
}

Status NestedLoopJoin::step(Batch& out) {
  size_t i = left_row_;
  const Batch& chunk = right_.chunk(chunk_);
  size_t n = chunk.rows;
  bool stop_at_match = !join_emits_pairs(kind_);
  std::vector<uint32_t> rep(n, static_cast<uint32_t>(i));
  Batch combined(pair_types_);
  for (size_t c = 0; c < left_types_.size(); ++c) combined.columns[c].append_selected(left_.columns[c], rep.data(), n);
  for (size_t c = 0; c < right_types_.size(); ++c) {
    combined.columns[left_types_.size() + c].append_rows(chunk.columns[c], 0, n);
  }
  combined.rows = n;
  std::vector<uint32_t> pass;
  if (condition_) {
    Vector result(Type::boolean());
    STRATA_RETURN_IF_ERROR(condition_->evaluate(ctx(), combined, result));
    for (size_t r = 0; r < n; ++r) {
      if (result.nulls()[r]) {
        left_unknown_[i] = 1;
      } else if (result.data<uint8_t>()[r]) {
        pass.push_back(static_cast<uint32_t>(r));
      }
    }
  } else {
    pass.resize(n);
    std::iota(pass.begin(), pass.end(), 0u);
  }
  uint64_t base = static_cast<uint64_t>(chunk_) * RowStore::kChunkRows;
  for (uint32_t r : pass) right_matched_[base + r] = 1;
  if (!pass.empty()) left_matched_[i] = 1;
  ++chunk_;
  if (chunk_ >= right_.chunk_count() || (stop_at_match && left_matched_[i])) {
    chunk_ = 0;
    ++left_row_;
  }
  if (join_emits_pairs(kind_) && !pass.empty()) {
    if (pass.size() == n) {
      out = std::move(combined);
    } else {
      out = Batch(output_types());
      out.append_selected(combined, pass.data(), pass.size());
    }
  }
  return Status::ok_status();
}

Status NestedLoopJoin::tail(Batch& out) {
  std::vector<uint32_t> rows;
  auto select = [&](auto&& keep) {
    for (size_t r = 0; r < left_.rows; ++r) {
      if (keep(r)) rows.push_back(static_cast<uint32_t>(r));
    }
  };
  switch (kind_) {
    case JoinKind::kInner:
    case JoinKind::kRight: return Status::ok_status();
    case JoinKind::kLeft:
    case JoinKind::kFull:
      select([&](size_t r) { return !left_matched_[r]; });
      if (rows.empty()) return Status::ok_status();
      out = Batch(output_types());
      for (size_t c = 0; c < left_types_.size(); ++c) out.columns[c].append_selected(left_.columns[c], rows.data(), rows.size());
      for (size_t c = left_types_.size(); c < out.columns.size(); ++c) {
        out.columns[c].resize(rows.size());
        std::fill(out.columns[c].nulls(), out.columns[c].nulls() + rows.size(), 1);
      }
      out.rows = rows.size();
      return Status::ok_status();
    case JoinKind::kSemi:
    case JoinKind::kAnti:
      select([&](size_t r) { return (left_matched_[r] != 0) == (kind_ == JoinKind::kSemi); });
      if (rows.empty()) return Status::ok_status();
      out = Batch(output_types());
      out.append_selected(left_, rows.data(), rows.size());
      return Status::ok_status();
    case JoinKind::kMark: {
      out = Batch(output_types());
      for (size_t c = 0; c < left_types_.size(); ++c) out.columns[c].append_rows(left_.columns[c], 0, left_.rows);
      Vector& mark = out.columns.back();
      mark.resize(left_.rows);
      for (size_t r = 0; r < left_.rows; ++r) {
        if (left_matched_[r]) {
          mark.data<uint8_t>()[r] = 1;
        } else if (left_unknown_[r]) {
          mark.set_null(r);
        }
      }
      out.rows = left_.rows;
      return Status::ok_status();
    }
  }
  return Status::ok_status();
}

Result<bool> NestedLoopJoin::next(Batch& out) {
  if (!loaded_) STRATA_RETURN_IF_ERROR(load_right());
  while (true) {
    STRATA_RETURN_IF_ERROR(ctx().check_cancel());
    out = Batch(output_types());
    if (!left_done_) {
      if (!have_left_) {
        STRATA_ASSIGN_OR_RETURN(bool more, child(0).pull(left_));
        if (!more) {
          left_done_ = true;
          continue;
        }
        have_left_ = true;
        left_row_ = 0;
        chunk_ = 0;
        left_matched_.assign(left_.rows, 0);
        left_unknown_.assign(left_.rows, 0);
        if (right_.empty()) left_row_ = left_.rows;
      }
      if (left_row_ < left_.rows) {
        STRATA_RETURN_IF_ERROR(step(out));
      } else {
        STRATA_RETURN_IF_ERROR(tail(out));
        have_left_ = false;
      }
      if (out.rows > 0) return true;
      continue;
    }
    if (!join_keeps_right(kind_)) return false;
    std::vector<uint64_t> rows;
    while (unmatched_cursor_ < right_.rows() && rows.size() < types::kBatchRows) {
      if (!right_matched_[unmatched_cursor_]) rows.push_back(unmatched_cursor_);
      ++unmatched_cursor_;
    }
    if (rows.empty()) return false;
    for (size_t c = 0; c < left_types_.size(); ++c) {
      out.columns[c].resize(rows.size());
      std::fill(out.columns[c].nulls(), out.columns[c].nulls() + rows.size(), 1);
    }
    right_.gather(rows.data(), rows.size(), out, left_types_.size());
    out.rows = rows.size();
    return true;
  }
}

}  // namespace strata::exec
