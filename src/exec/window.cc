#include "exec/window.h"

#include <algorithm>

namespace strata::exec {

using sql::BoundWindowFrame;
using sql::WindowFunctionKind;
using types::Batch;
using types::Type;
using types::Value;
using types::Vector;

namespace {

using Bound = BoundWindowFrame::Bound;
using Units = BoundWindowFrame::Units;

std::vector<Type> output_types_of(const std::vector<Type>& input, const std::vector<WindowCall>& calls) {
  std::vector<Type> out = input;
  for (const WindowCall& c : calls) out.push_back(c.result_type);
  return out;
}

std::vector<SortKey> sort_keys_of(const std::vector<int>& partition_cols, const std::vector<SortKey>& order) {
  std::vector<SortKey> keys;
  for (int c : partition_cols) keys.push_back(SortKey::asc(c));
  keys.insert(keys.end(), order.begin(), order.end());
  return keys;
}

const char* kind_name(WindowFunctionKind k) {
  switch (k) {
    case WindowFunctionKind::kAggregate: return "aggregate";
    case WindowFunctionKind::kRowNumber: return "row_number";
    case WindowFunctionKind::kRank: return "rank";
    case WindowFunctionKind::kDenseRank: return "dense_rank";
    case WindowFunctionKind::kPercentRank: return "percent_rank";
    case WindowFunctionKind::kCumeDist: return "cume_dist";
    case WindowFunctionKind::kNtile: return "ntile";
    case WindowFunctionKind::kLag: return "lag";
    case WindowFunctionKind::kLead: return "lead";
    case WindowFunctionKind::kFirstValue: return "first_value";
    case WindowFunctionKind::kLastValue: return "last_value";
    case WindowFunctionKind::kNthValue: return "nth_value";
  }
  return "?";
}

int64_t int_at(const Vector& v, size_t row) { return v.get_value(row).as_int(); }

}  // namespace

Window::Window(OperatorPtr child, std::vector<int> partition_cols, std::vector<SortKey> order_keys,
               std::vector<WindowCall> calls)
    : Operator(output_types_of(child->output_types(), calls)),
      input_types_(child->output_types()),
      partition_cols_(std::move(partition_cols)),
      order_keys_(std::move(order_keys)),
      calls_(std::move(calls)),
      same_partition_(partition_cols_, input_types_, partition_cols_, input_types_, true),
      order_(order_keys_, input_types_) {
  for (const WindowCall& c : calls_) {
    STRATA_ASSERT(c.kind != WindowFunctionKind::kAggregate || c.aggregate != nullptr, "Window: aggregate missing");
  }
  add_child(std::move(child));
}

Window::~Window() = default;

std::string Window::detail() const {
  std::string s;
  if (!partition_cols_.empty()) {
    s += "partition: ";
    for (size_t i = 0; i < partition_cols_.size(); ++i) s += (i ? ", #" : "#") + std::to_string(partition_cols_[i]);
  }
  if (!order_keys_.empty()) s += (s.empty() ? "order: " : "; order: ") + sort_keys_to_string(order_keys_);
  s += s.empty() ? "" : "; ";
  for (size_t i = 0; i < calls_.size(); ++i) {
    const WindowCall& c = calls_[i];
    s += i ? ", " : "";
    s += c.kind == WindowFunctionKind::kAggregate ? c.aggregate->name : kind_name(c.kind);
    s += "(";
    for (size_t a = 0; a < c.arg_cols.size(); ++a) s += (a ? ", #" : "#") + std::to_string(c.arg_cols[a]);
    s += ")";
  }
  return s;
}

Status Window::open(ExecContext& ctx) {
  for (const WindowCall& c : calls_) {
    bool framed = c.kind == WindowFunctionKind::kAggregate || c.kind == WindowFunctionKind::kFirstValue ||
                  c.kind == WindowFunctionKind::kLastValue || c.kind == WindowFunctionKind::kNthValue;
    if (!framed || c.frame.units != Units::kRange) continue;
    auto offset = [](Bound b) { return b == Bound::kPreceding || b == Bound::kFollowing; };
    if (offset(c.frame.start) || offset(c.frame.end)) {
      return Status::sql("0A000", "RANGE with offset PRECEDING/FOLLOWING is not supported");
    }
  }
  sorter_ = std::make_unique<Sorter>(input_types_, sort_keys_of(partition_cols_, order_keys_));
  memory_.set_budget(ctx.memory);
  sorted_ = false;
  input_done_ = false;
  pending_ = Batch();
  pending_row_ = 0;
  part_ = Batch(input_types_);
  ready_.clear();
  return Operator::open(ctx);
}

void Window::close() {
  if (sorter_) sorter_->close();
  sorter_.reset();
  part_ = Batch();
  pending_ = Batch();
  ready_.clear();
  memory_.release();
  Operator::close();
}

Result<bool> Window::next(Batch& out) {
  if (!sorted_) {
    while (true) {
      STRATA_RETURN_IF_ERROR(ctx().check_cancel());
      Batch in;
      STRATA_ASSIGN_OR_RETURN(bool more, child(0).pull(in));
      if (!more) break;
      STRATA_RETURN_IF_ERROR(sorter_->add(ctx(), in, stats_));
    }
    STRATA_RETURN_IF_ERROR(sorter_->finish(ctx(), stats_));
    sorted_ = true;
  }
  while (ready_.empty()) {
    STRATA_RETURN_IF_ERROR(ctx().check_cancel());
    if (pending_row_ >= pending_.rows) {
      if (input_done_) break;
      STRATA_ASSIGN_OR_RETURN(bool more, sorter_->next(ctx(), pending_));
      pending_row_ = 0;
      if (!more) {
        input_done_ = true;
        if (part_.rows > 0) STRATA_RETURN_IF_ERROR(process_partition());
        continue;
      }
    }
    // Extend the partition with the pending rows of the same partition key.
    size_t begin = pending_row_;
    size_t end = begin;
    if (part_.rows > 0 && !same_partition_.equal(part_, part_.rows - 1, pending_, begin)) {
      STRATA_RETURN_IF_ERROR(process_partition());
      continue;
    }
    ++end;
    while (end < pending_.rows && same_partition_.equal(pending_, end - 1, pending_, end)) ++end;
    part_.append_rows(pending_, begin, end - begin);
    pending_row_ = end;
    (void)memory_.try_grow_to(part_.size_bytes());
    if (end < pending_.rows) STRATA_RETURN_IF_ERROR(process_partition());
  }
  if (ready_.empty()) {
    out = Batch(output_types());
    return false;
  }
  out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

Status Window::process_partition() {
  size_t n = part_.rows;
  // Peer groups by the order keys.
  peer_start_.assign(n, 0);
  peer_end_.assign(n, 0);
  group_index_.assign(n, 0);
  group_first_.clear();
  for (size_t i = 0; i < n; ++i) {
    bool new_group = i == 0 || order_.compare(part_, i - 1, part_, i) != 0;
    if (new_group) group_first_.push_back(i);
    group_index_[i] = group_first_.size() - 1;
    peer_start_[i] = group_first_.back();
  }
  for (size_t i = n; i-- > 0;) {
    peer_end_[i] = (i + 1 < n && group_index_[i + 1] == group_index_[i]) ? peer_end_[i + 1] : i + 1;
  }
  std::vector<Vector> results;
  for (const WindowCall& c : calls_) {
    STRATA_RETURN_IF_ERROR(ctx().check_cancel());
    results.emplace_back(c.result_type, n);
    STRATA_RETURN_IF_ERROR(compute(c, results.back()));
  }
  for (size_t at = 0; at < n; at += types::kBatchRows) {
    size_t m = std::min(types::kBatchRows, n - at);
    Batch out(output_types());
    for (size_t c = 0; c < input_types_.size(); ++c) out.columns[c].append_rows(part_.columns[c], at, m);
    for (size_t k = 0; k < results.size(); ++k) out.columns[input_types_.size() + k].append_rows(results[k], at, m);
    out.rows = m;
    ready_.push_back(std::move(out));
  }
  part_ = Batch(input_types_);
  return Status::ok_status();
}

void Window::frame_of(const WindowCall& call, size_t i, size_t* start, size_t* end) const {
  const BoundWindowFrame& f = call.frame;
  size_t n = part_.rows;
  auto clamp = [n](int64_t v) { return static_cast<size_t>(std::clamp<int64_t>(v, 0, static_cast<int64_t>(n))); };
  int64_t row = static_cast<int64_t>(i);
  int64_t groups = static_cast<int64_t>(group_first_.size());
  int64_t g = static_cast<int64_t>(group_index_[i]);
  auto group_begin = [&](int64_t k) {
    if (k < 0) return size_t{0};
    if (k >= groups) return n;
    return group_first_[static_cast<size_t>(k)];
  };
  auto group_end = [&](int64_t k) {
    if (k < 0) return size_t{0};
    if (k >= groups) return n;
    return k + 1 < groups ? group_first_[static_cast<size_t>(k + 1)] : n;
  };
  switch (f.start) {
    case Bound::kUnboundedPreceding: *start = 0; break;
    case Bound::kUnboundedFollowing: *start = n; break;
    case Bound::kCurrentRow: *start = f.units == Units::kRows ? i : peer_start_[i]; break;
    case Bound::kPreceding:
      *start = f.units == Units::kRows ? clamp(row - f.start_offset) : group_begin(g - f.start_offset);
      break;
    case Bound::kFollowing:
      *start = f.units == Units::kRows ? clamp(row + f.start_offset) : group_begin(g + f.start_offset);
      break;
  }
  switch (f.end) {
    case Bound::kUnboundedFollowing: *end = n; break;
    case Bound::kUnboundedPreceding: *end = 0; break;
    case Bound::kCurrentRow: *end = f.units == Units::kRows ? i + 1 : peer_end_[i]; break;
    case Bound::kPreceding:
      *end = f.units == Units::kRows ? clamp(row - f.end_offset + 1) : group_end(g - f.end_offset);
      break;
    case Bound::kFollowing:
      *end = f.units == Units::kRows ? clamp(row + f.end_offset + 1) : group_end(g + f.end_offset);
      break;
  }
  if (*end < *start) *end = *start;
}

Status Window::compute(const WindowCall& call, Vector& out) {
  size_t n = part_.rows;
  auto set_int = [&](size_t i, int64_t v) { out.set_value(i, Value::of_int(out.type(), v)); };
  auto set_double = [&](size_t i, double v) { out.set_value(i, Value::double_precision(v)); };
  switch (call.kind) {
    case WindowFunctionKind::kRowNumber:
      for (size_t i = 0; i < n; ++i) set_int(i, static_cast<int64_t>(i + 1));
      return Status::ok_status();
    case WindowFunctionKind::kRank:
      for (size_t i = 0; i < n; ++i) set_int(i, static_cast<int64_t>(peer_start_[i] + 1));
      return Status::ok_status();
    case WindowFunctionKind::kDenseRank:
      for (size_t i = 0; i < n; ++i) set_int(i, static_cast<int64_t>(group_index_[i] + 1));
      return Status::ok_status();
    case WindowFunctionKind::kPercentRank:
      for (size_t i = 0; i < n; ++i) {
        set_double(i, n > 1 ? static_cast<double>(peer_start_[i]) / static_cast<double>(n - 1) : 0.0);
      }
      return Status::ok_status();
    case WindowFunctionKind::kCumeDist:
      for (size_t i = 0; i < n; ++i) set_double(i, static_cast<double>(peer_end_[i]) / static_cast<double>(n));
      return Status::ok_status();
    case WindowFunctionKind::kNtile: {
      const Vector& arg = part_.columns[call.arg_cols.at(0)];
      if (arg.is_null(0)) {
        for (size_t i = 0; i < n; ++i) out.set_null(i);
        return Status::ok_status();
      }
      int64_t buckets = int_at(arg, 0);
      if (buckets <= 0) return Status::sql("22014", "argument of ntile must be greater than zero");
      uint64_t k = static_cast<uint64_t>(buckets);
      uint64_t per = n / k, extra = n % k;  // the first `extra` buckets hold per + 1 rows
      for (size_t i = 0; i < n; ++i) {
        uint64_t b;
        if (per == 0) {
          b = i + 1;
        } else if (i < extra * (per + 1)) {
          b = i / (per + 1) + 1;
        } else {
          b = extra + (i - extra * (per + 1)) / per + 1;
        }
        set_int(i, static_cast<int64_t>(b));
      }
      return Status::ok_status();
    }
    case WindowFunctionKind::kLag:
    case WindowFunctionKind::kLead: {
      const Vector& value = part_.columns[call.arg_cols.at(0)];
      const Vector* offset = call.arg_cols.size() > 1 ? &part_.columns[call.arg_cols[1]] : nullptr;
      const Vector* def = call.arg_cols.size() > 2 ? &part_.columns[call.arg_cols[2]] : nullptr;
      for (size_t i = 0; i < n; ++i) {
        if (offset != nullptr && offset->is_null(i)) {
          out.set_null(i);
          continue;
        }
        int64_t off = offset != nullptr ? int_at(*offset, i) : 1;
        int64_t target = call.kind == WindowFunctionKind::kLag ? static_cast<int64_t>(i) - off
                                                               : static_cast<int64_t>(i) + off;
        if (target >= 0 && target < static_cast<int64_t>(n)) {
          out.copy_row(value, static_cast<size_t>(target), i);
        } else if (def != nullptr) {
          out.copy_row(*def, i, i);
        } else {
          out.set_null(i);
        }
      }
      return Status::ok_status();
    }
    case WindowFunctionKind::kFirstValue:
    case WindowFunctionKind::kLastValue:
    case WindowFunctionKind::kNthValue: {
      const Vector& value = part_.columns[call.arg_cols.at(0)];
      for (size_t i = 0; i < n; ++i) {
        size_t fs, fe;
        frame_of(call, i, &fs, &fe);
        size_t pick = SIZE_MAX;
        if (call.kind == WindowFunctionKind::kFirstValue) {
          if (fs < fe) pick = fs;
        } else if (call.kind == WindowFunctionKind::kLastValue) {
          if (fs < fe) pick = fe - 1;
        } else {
          const Vector& nth = part_.columns[call.arg_cols.at(1)];
          if (nth.is_null(i)) {
            out.set_null(i);
            continue;
          }
          int64_t k = int_at(nth, i);
          if (k <= 0) return Status::sql("22016", "argument of nth_value must be greater than zero");
          if (static_cast<uint64_t>(k) <= fe - fs) pick = fs + static_cast<size_t>(k) - 1;
        }
        if (pick == SIZE_MAX) {
          out.set_null(i);
        } else {
          out.copy_row(value, pick, i);
        }
      }
      return Status::ok_status();
    }
    case WindowFunctionKind::kAggregate: return compute_aggregate(call, out);
  }
  return Status::ok_status();
}

Status Window::compute_aggregate(const WindowCall& call, Vector& out) {
  const sql::AggregateFunction& f = *call.aggregate;
  size_t n = part_.rows;
  // State memory, aligned for any state.
  std::vector<std::max_align_t> storage((std::max<size_t>(f.state_size, 1) + sizeof(std::max_align_t) - 1) /
                                        sizeof(std::max_align_t));
  uint8_t* state = reinterpret_cast<uint8_t*>(storage.data());
  bool live = false;
  auto destroy = [&] {
    if (live && f.destroy) f.destroy(state);
    live = false;
  };
  auto fresh = [&] {
    destroy();
    f.init(state);
    live = true;
  };
  // Feeds rows [a, b) (leaving out rows with a NULL argument for strict functions).
  std::vector<uint32_t> rows;
  std::vector<uint8_t*> states;
  auto feed = [&](size_t a, size_t b) -> Status {
    if (a >= b) return Status::ok_status();
    rows.clear();
    bool strict = f.strict && !call.arg_cols.empty();
    for (size_t r = a; r < b; ++r) {
      if (strict && any_null(part_, call.arg_cols, r)) continue;
      rows.push_back(static_cast<uint32_t>(r));
    }
    for (size_t at = 0; at < rows.size(); at += types::kBatchRows) {
      size_t m = std::min(types::kBatchRows, rows.size() - at);
      std::vector<Vector> args;
      for (int c : call.arg_cols) {
        args.emplace_back(part_.columns[c].type());
        args.back().append_selected(part_.columns[c], rows.data() + at, m);
      }
      std::vector<const Vector*> arg_ptrs;
      for (const Vector& v : args) arg_ptrs.push_back(&v);
      states.assign(m, state);
      STRATA_RETURN_IF_ERROR(f.update(states.data(), arg_ptrs, m));
    }
    return Status::ok_status();
  };
  Status st = Status::ok_status();
  bool running = call.frame.start == Bound::kUnboundedPreceding;
  size_t fed_to = 0;
  size_t prev_fs = SIZE_MAX, prev_fe = SIZE_MAX;
  if (running) fresh();
  for (size_t i = 0; i < n && st.ok(); ++i) {
    size_t fs, fe;
    frame_of(call, i, &fs, &fe);
    if (fs == prev_fs && fe == prev_fe) {
      out.copy_row(out, i - 1, i);
      continue;
    }
    if (running) {
      // fs is 0 and fe never decreases for these frames.
      st = feed(fed_to, fe);
      fed_to = std::max(fed_to, fe);
    } else {
      fresh();
      st = feed(fs, fe);
    }
    if (st.ok()) st = f.finalize(state, out, i);
    prev_fs = fs;
    prev_fe = fe;
  }
  destroy();
  return st;
}

}  // namespace strata::exec
