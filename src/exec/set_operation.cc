#include "exec/set_operation.h"

#include <algorithm>
#include <new>

#include "exec/forwarding_source.h"

namespace strata::exec {

using types::Batch;
using types::Type;
using types::Vector;

namespace {

// count(*) for the set operation's own use (the counting does not depend on the
// function registry).
const sql::AggregateFunction& count_rows() {
  static const sql::AggregateFunction f = [] {
    sql::AggregateFunction a;
    a.name = "count";
    a.return_type = Type::bigint();
    a.state_size = sizeof(int64_t);
    a.init = [](uint8_t* s) { new (s) int64_t(0); };
    a.update = [](uint8_t** states, const std::vector<const Vector*>&, size_t rows) {
      for (size_t i = 0; i < rows; ++i) ++*reinterpret_cast<int64_t*>(states[i]);
      return Status::ok_status();
    };
    a.combine = [](uint8_t* t, const uint8_t* s) {
      *reinterpret_cast<int64_t*>(t) += *reinterpret_cast<const int64_t*>(s);
      return Status::ok_status();
    };
    a.finalize = [](const uint8_t* s, Vector& out, size_t row) {
      out.data<int64_t>()[row] = *reinterpret_cast<const int64_t*>(s);
      out.nulls()[row] = 0;
      return Status::ok_status();
    };
    return a;
  }();
  return f;
}

}  // namespace

SetOperation::SetOperation(OperatorPtr left, OperatorPtr right, SetOpKind kind, bool all)
    : Operator(left->output_types()), kind_(kind), all_(all) {
  size_t width = output_types().size();
  STRATA_ASSERT(right->output_types().size() == width, "SetOperation: inputs of different widths");
  // The aggregate's input: the row, then "from left" and "from right" flags.
  std::vector<Type> tagged = output_types();
  tagged.push_back(Type::boolean());
  tagged.push_back(Type::boolean());
  Operator* l = left.get();
  Operator* r = right.get();
  auto forward = std::make_unique<ForwardingSource>(tagged, [this, l, r, width, tagged](Batch& out) -> Result<bool> {
    while (input_side_ < 2) {
      Batch in;
      STRATA_ASSIGN_OR_RETURN(bool more, (input_side_ == 0 ? l : r)->pull(in));
      if (!more) {
        ++input_side_;
        continue;
      }
      out = Batch(tagged);
      for (size_t c = 0; c < width; ++c) out.columns[c].append_rows(in.columns[c], 0, in.rows);
      for (size_t side = 0; side < 2; ++side) {
        Vector& flag = out.columns[width + side];
        flag.resize(in.rows);
        std::fill(flag.data<uint8_t>(), flag.data<uint8_t>() + in.rows, input_side_ == side ? 1 : 0);
      }
      out.rows = in.rows;
      return true;
    }
    out = Batch(tagged);
    return false;
  });
  std::vector<int> group;
  for (size_t c = 0; c < width; ++c) group.push_back(static_cast<int>(c));
  std::vector<AggregateSpec> counts(2);
  for (size_t side = 0; side < 2; ++side) {
    counts[side].function = &count_rows();
    counts[side].filter_col = static_cast<int>(width + side);
    counts[side].result_type = Type::bigint();
  }
  aggregate_ = std::make_unique<HashAggregate>(std::move(forward), std::move(group), std::move(counts));
  add_child(std::move(left));
  add_child(std::move(right));
}

SetOperation::~SetOperation() = default;

std::string SetOperation::name() const {
  std::string n = kind_ == SetOpKind::kUnion ? "Union" : (kind_ == SetOpKind::kIntersect ? "Intersect" : "Except");
  return all_ ? n + " All" : n;
}

Status SetOperation::open(ExecContext& ctx) {
  input_side_ = 0;
  counted_ = Batch();
  counted_row_ = 0;
  copies_left_ = 0;
  STRATA_RETURN_IF_ERROR(Operator::open(ctx));
  return aggregate_->open(ctx);
}

void SetOperation::close() {
  aggregate_->close();
  Operator::close();
}

uint64_t SetOperation::copies(int64_t cl, int64_t cr) const {
  switch (kind_) {
    case SetOpKind::kUnion: return all_ ? static_cast<uint64_t>(cl + cr) : 1;
    case SetOpKind::kIntersect:
      if (cl == 0 || cr == 0) return 0;
      return all_ ? static_cast<uint64_t>(std::min(cl, cr)) : 1;
    case SetOpKind::kExcept:
      if (all_) return cl > cr ? static_cast<uint64_t>(cl - cr) : 0;
      return cl > 0 && cr == 0 ? 1 : 0;
  }
  return 0;
}

Result<bool> SetOperation::next(Batch& out) {
  size_t width = output_types().size();
  out = Batch(output_types());
  std::vector<uint32_t> rows;
  while (out.rows < types::kBatchRows) {
    if (copies_left_ == 0) {
      if (counted_row_ >= counted_.rows) {
        STRATA_RETURN_IF_ERROR(ctx().check_cancel());
        STRATA_ASSIGN_OR_RETURN(bool more, aggregate_->pull(counted_));
        stats_.spilled_bytes = aggregate_->stats().spilled_bytes;
        counted_row_ = 0;
        if (!more) break;
      }
      int64_t cl = counted_.columns[width].data<int64_t>()[counted_row_];
      int64_t cr = counted_.columns[width + 1].data<int64_t>()[counted_row_];
      copies_left_ = copies(cl, cr);
      if (copies_left_ == 0) {
        ++counted_row_;
        continue;
      }
    }
    size_t n = static_cast<size_t>(std::min<uint64_t>(copies_left_, types::kBatchRows - out.rows));
    rows.assign(n, static_cast<uint32_t>(counted_row_));
    for (size_t c = 0; c < width; ++c) out.columns[c].append_selected(counted_.columns[c], rows.data(), n);
    out.rows += n;
    copies_left_ -= n;
    if (copies_left_ == 0) ++counted_row_;
  }
  return out.rows > 0;
}

}  // namespace strata::exec
