#include "exec/union_all.h"

namespace strata::exec {

namespace {

std::vector<types::Type> first_types(const std::vector<OperatorPtr>& children) {
  STRATA_ASSERT(!children.empty(), "UnionAll without inputs");
  return children[0]->output_types();
}

}  // namespace

UnionAll::UnionAll(std::vector<OperatorPtr> children) : Operator(first_types(children)) {
  for (auto& c : children) {
    const auto& t = c->output_types();
    STRATA_ASSERT(t.size() == output_types().size(), "UnionAll: inputs of different widths");
    bool differs = false;
    for (size_t i = 0; i < t.size(); ++i) {
      STRATA_ASSERT(t[i].physical_size() == output_types()[i].physical_size(), "UnionAll: physical types differ");
      differs = differs || !(t[i] == output_types()[i]);
    }
    relabel_.push_back(differs);
    add_child(std::move(c));
  }
}

Status UnionAll::open(ExecContext& ctx) {
  current_ = 0;
  return Operator::open(ctx);
}

Result<bool> UnionAll::next(types::Batch& out) {
  while (current_ < children().size()) {
    STRATA_RETURN_IF_ERROR(ctx().check_cancel());
    types::Batch in;
    STRATA_ASSIGN_OR_RETURN(bool more, child(current_).pull(in));
    if (!more) {
      ++current_;
      continue;
    }
    if (relabel_[current_]) {
      out = types::Batch(output_types());
      out.append_rows(in, 0, in.rows);
    } else {
      out = std::move(in);
    }
    return true;
  }
  out = types::Batch(output_types());
  return false;
}

}  // namespace strata::exec
