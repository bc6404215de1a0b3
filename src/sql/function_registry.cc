#include "sql/function_registry.h"

#include <fmt/format.h>

#include <algorithm>

namespace strata::sql {

using types::Type;
using types::TypeId;

namespace {

// PostgreSQL's pg_type.typcategory, for the types we have.
enum class Category : char {
  kUnknown = 'X',
  kBoolean = 'B',
  kNumeric = 'N',
  kString = 'S',
  kDateTime = 'D',
  kTimespan = 'T',
  kArray = 'A',
  kUser = 'U',  // bytea, jsonb: each in a category of its own for matching purposes
};

Category category_of(TypeId id) {
  switch (id) {
    case TypeId::kUnknown:
      return Category::kUnknown;
    case TypeId::kBoolean:
      return Category::kBoolean;
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt:
    case TypeId::kReal:
    case TypeId::kDouble:
    case TypeId::kNumeric:
      return Category::kNumeric;
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar:
      return Category::kString;
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return Category::kDateTime;
    case TypeId::kInterval:
      return Category::kTimespan;
    case TypeId::kBytea:
    case TypeId::kJsonb:
      return Category::kUser;
    case TypeId::kArray:
      return Category::kArray;
  }
  return Category::kUser;
}

// pg_type.typispreferred.
bool is_preferred(TypeId id) {
  return id == TypeId::kDouble || id == TypeId::kText || id == TypeId::kTimestampTz || id == TypeId::kInterval ||
         id == TypeId::kBoolean;
}

// The rank of a numeric type on the widening ladder smallint -> integer -> bigint ->
// numeric -> real -> double precision.
int numeric_rank(TypeId id) {
  switch (id) {
    case TypeId::kSmallInt:
      return 0;
    case TypeId::kInteger:
      return 1;
    case TypeId::kBigInt:
      return 2;
    case TypeId::kNumeric:
      return 3;
    case TypeId::kReal:
      return 4;
    case TypeId::kDouble:
      return 5;
    default:
      return -1;
  }
}

bool implicit_id(TypeId from, TypeId to) {
  if (from == to || from == TypeId::kUnknown) return true;
  int rf = numeric_rank(from);
  int rt = numeric_rank(to);
  if (rf >= 0 && rt >= 0) return rf < rt;
  Category cf = category_of(from);
  if (cf == Category::kString && category_of(to) == Category::kString) return true;
  if (from == TypeId::kDate) return to == TypeId::kTimestamp || to == TypeId::kTimestampTz;
  if (from == TypeId::kTimestamp) return to == TypeId::kTimestampTz;
  return false;
}

bool is_any(const Type& t) { return t.id() == TypeId::kUnknown; }

// The parameter type at position i of a candidate for `n` actual arguments, or
// nullptr when the candidate does not take n arguments.
const Type* param_at(const std::vector<Type>& params, bool variadic, size_t i) {
  if (i < params.size()) return &params[i];
  if (variadic && !params.empty()) return &params.back();
  return nullptr;
}

bool arity_fits(const std::vector<Type>& params, bool variadic, size_t n) {
  if (variadic) return !params.empty() && n + 1 >= params.size();
  return params.size() == n;
}

bool is_operator_name(std::string_view name) {
  return !name.empty() && std::none_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9');
  });
}

std::string signature(std::string_view name, const std::vector<Type>& args) {
  if (is_operator_name(name)) {
    if (args.size() == 1) return fmt::format("{} {}", name, args[0].name());
    if (args.size() == 2) return fmt::format("{} {} {}", args[0].name(), name, args[1].name());
  }
  std::string s = std::string(name) + "(";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) s += ", ";
    s += args[i].name();
  }
  return s + ")";
}

Status not_found(std::string_view name, const std::vector<Type>& args) {
  if (is_operator_name(name)) return Status::sql("42883", "operator does not exist: " + signature(name, args));
  return Status::sql("42883", fmt::format("function {} does not exist", signature(name, args)));
}

Status ambiguous(std::string_view name, const std::vector<Type>& args) {
  if (is_operator_name(name)) return Status::sql("42725", "operator is not unique: " + signature(name, args));
  return Status::sql("42725", fmt::format("function {} is not unique", signature(name, args)));
}

struct Candidate {
  const std::vector<Type>* params;
  bool variadic;
  size_t index;  // into the overload list
};

// PostgreSQL's func_select_candidate over the overloads of one name, on argument
// type ids. Returns the chosen index, -1 for none, -2 for ambiguous.
int select_candidate(const std::vector<Candidate>& all, const std::vector<Type>& args) {
  const size_t n = args.size();
  std::vector<Candidate> cands;
  for (const Candidate& c : all) {
    if (arity_fits(*c.params, c.variadic, n)) cands.push_back(c);
  }
  if (cands.empty()) return -1;

  auto param = [&](const Candidate& c, size_t i) -> const Type& { return *param_at(*c.params, c.variadic, i); };

  // 1. Exact match: every known argument has the parameter's type; unknown arguments
  // of a binary operator take the other side's type (PostgreSQL's binary_oper_exact).
  std::vector<Type> exact_args = args;
  if (n == 2) {
    if (is_any(exact_args[0]) && !is_any(exact_args[1])) exact_args[0] = exact_args[1];
    if (is_any(exact_args[1]) && !is_any(exact_args[0])) exact_args[1] = exact_args[0];
  }
  for (const Candidate& c : cands) {
    bool exact = true;
    for (size_t i = 0; i < n && exact; ++i) {
      const Type& p = param(c, i);
      exact = !is_any(exact_args[i]) && !is_any(p) && p.id() == exact_args[i].id();
    }
    if (exact) return static_cast<int>(c.index);
  }

  // 2. Candidates reachable through implicit casts ("any" parameters take anything).
  std::vector<Candidate> ok;
  for (const Candidate& c : cands) {
    bool fits = true;
    for (size_t i = 0; i < n && fits; ++i) {
      const Type& p = param(c, i);
      fits = is_any(p) || implicit_id(args[i].id(), p.id());
    }
    if (fits) ok.push_back(c);
  }
  if (ok.empty()) return -1;
  if (ok.size() == 1) return static_cast<int>(ok[0].index);

  // 3. Most exact matches on known arguments ("any" parameters never match exactly,
  // as PostgreSQL's polymorphic types).
  auto keep_best = [&](auto score) {
    int best = -1;
    for (const Candidate& c : ok) best = std::max(best, score(c));
    std::vector<Candidate> next;
    for (const Candidate& c : ok) {
      if (score(c) == best) next.push_back(c);
    }
    ok = std::move(next);
  };
  keep_best([&](const Candidate& c) {
    int s = 0;
    for (size_t i = 0; i < n; ++i) {
      const Type& p = param(c, i);
      if (!is_any(args[i]) && !is_any(p) && p.id() == args[i].id()) ++s;
    }
    return s;
  });
  if (ok.size() == 1) return static_cast<int>(ok[0].index);

  // 4. Most preferred types where a conversion is needed.
  keep_best([&](const Candidate& c) {
    int s = 0;
    for (size_t i = 0; i < n; ++i) {
      const Type& p = param(c, i);
      if (!is_any(args[i]) && !is_any(p) && p.id() != args[i].id() && is_preferred(p.id())) ++s;
    }
    return s;
  });
  if (ok.size() == 1) return static_cast<int>(ok[0].index);

  // 5. Unknown arguments: pick a category per position (string when any candidate
  // takes one, else the single category all candidates take), keep the candidates
  // that take it, preferring the category's preferred type.
  bool any_unknown = false;
  for (size_t i = 0; i < n; ++i) any_unknown |= is_any(args[i]);
  if (any_unknown) {
    for (size_t i = 0; i < n; ++i) {
      if (!is_any(args[i])) continue;
      bool has_string = false;
      bool single = true;
      Category cat = Category::kUnknown;
      for (const Candidate& c : ok) {
        const Type& p = param(c, i);
        if (is_any(p)) continue;
        Category pc = category_of(p.id());
        if (pc == Category::kString) has_string = true;
        if (cat == Category::kUnknown) {
          cat = pc;
        } else if (cat != pc) {
          single = false;
        }
      }
      Category chosen = has_string ? Category::kString : (single ? cat : Category::kUnknown);
      if (chosen == Category::kUnknown) continue;
      std::vector<Candidate> in_cat;
      bool has_preferred = false;
      for (const Candidate& c : ok) {
        const Type& p = param(c, i);
        if (!is_any(p) && category_of(p.id()) == chosen) {
          in_cat.push_back(c);
          has_preferred |= is_preferred(p.id());
        }
      }
      if (has_preferred) {
        std::vector<Candidate> pref;
        for (const Candidate& c : in_cat) {
          const Type& p = param(c, i);
          if (is_preferred(p.id())) pref.push_back(c);
        }
        in_cat = std::move(pref);
      }
      if (!in_cat.empty()) ok = std::move(in_cat);
    }
    if (ok.size() == 1) return static_cast<int>(ok[0].index);

    // 6. Unknown and known arguments, all known ones of one type: assume the unknown
    // ones are of that type too.
    TypeId known = TypeId::kUnknown;
    bool same = true;
    for (size_t i = 0; i < n; ++i) {
      if (is_any(args[i])) continue;
      if (known == TypeId::kUnknown) {
        known = args[i].id();
      } else if (known != args[i].id()) {
        same = false;
      }
    }
    if (same && known != TypeId::kUnknown) {
      std::vector<Candidate> fit;
      for (const Candidate& c : ok) {
        bool fits = true;
        for (size_t i = 0; i < n && fits; ++i) {
          const Type& p = param(c, i);
          if (is_any(args[i])) fits = is_any(p) || implicit_id(known, p.id());
        }
        if (fits) fit.push_back(c);
      }
      if (fit.size() == 1) return static_cast<int>(fit[0].index);
    }
  }
  return -2;
}

// The types the binder casts each actual argument to: the parameter type, keeping the
// argument's modifiers when the ids match; "any" parameters keep the argument's type
// (text for an untyped literal).
std::vector<Type> coerced_types(const std::vector<Type>& params, bool variadic, const std::vector<Type>& args) {
  std::vector<Type> out;
  out.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    const Type& p = *param_at(params, variadic, i);
    if (is_any(p)) {
      out.push_back(is_any(args[i]) ? Type::text() : args[i]);
    } else if (p.id() == args[i].id()) {
      out.push_back(args[i]);
    } else {
      out.push_back(p);
    }
  }
  return out;
}

template <class F>
std::vector<Candidate> candidates_of(const std::vector<std::unique_ptr<F>>& list) {
  std::vector<Candidate> c;
  c.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    bool variadic = false;
    if constexpr (requires { list[i]->variadic; }) variadic = list[i]->variadic;
    c.push_back({&list[i]->args, variadic, i});
  }
  return c;
}

}  // namespace

void FunctionRegistry::add_scalar(ScalarFunction f) {
  std::string name = f.name;
  scalars_[name].push_back(std::make_unique<ScalarFunction>(std::move(f)));
}

void FunctionRegistry::add_aggregate(AggregateFunction f) {
  std::string name = f.name;
  aggregates_[name].push_back(std::make_unique<AggregateFunction>(std::move(f)));
}

bool FunctionRegistry::has_scalar(std::string_view name) const { return scalars_.count(std::string(name)) != 0; }

bool FunctionRegistry::has_aggregate(std::string_view name) const { return aggregates_.count(std::string(name)) != 0; }

Result<ScalarMatch> FunctionRegistry::resolve_scalar(std::string_view name, const std::vector<Type>& args) const {
  auto it = scalars_.find(std::string(name));
  if (it == scalars_.end()) return not_found(name, args);
  int chosen = select_candidate(candidates_of(it->second), args);
  if (chosen == -1) return not_found(name, args);
  if (chosen == -2) return ambiguous(name, args);
  const ScalarFunction& f = *it->second[static_cast<size_t>(chosen)];
  ScalarMatch m;
  m.function = &f;
  m.arg_types = coerced_types(f.args, f.variadic, args);
  if (f.bind) {
    STRATA_ASSIGN_OR_RETURN(m.return_type, f.bind(m.arg_types));
  } else {
    m.return_type = f.return_type;
  }
  return m;
}

Result<AggregateMatch> FunctionRegistry::resolve_aggregate(std::string_view name, const std::vector<Type>& args) const {
  auto it = aggregates_.find(std::string(name));
  if (it == aggregates_.end()) return not_found(name, args);
  int chosen = select_candidate(candidates_of(it->second), args);
  if (chosen == -1) return not_found(name, args);
  if (chosen == -2) return ambiguous(name, args);
  const AggregateFunction& f = *it->second[static_cast<size_t>(chosen)];
  AggregateMatch m;
  m.function = &f;
  m.arg_types = coerced_types(f.args, false, args);
  if (f.bind) {
    STRATA_ASSIGN_OR_RETURN(m.return_type, f.bind(m.arg_types));
  } else {
    m.return_type = f.return_type;
  }
  return m;
}

bool FunctionRegistry::can_implicitly_cast(const Type& from, const Type& to) { return implicit_id(from.id(), to.id()); }

Result<Type> FunctionRegistry::common_type(const std::vector<Type>& types) {
  // PostgreSQL's select_common_type: the first known type is the candidate; a later
  // type of the same category replaces it when the candidate converts implicitly to
  // it but not back (or it is the category's preferred type).
  const Type* chosen = nullptr;
  for (const Type& t : types) {
    if (is_any(t)) continue;
    if (chosen == nullptr) {
      chosen = &t;
      continue;
    }
    if (t.id() == chosen->id()) {
      // Same type, different modifiers: keep them only when equal.
      if (!(t == *chosen)) {
        static const Type kNumeric = Type::numeric();
        static const Type kVarchar = Type::varchar();
        static const Type kChar = Type::character(types::Type::kNoModifier);
        if (t.id() == TypeId::kNumeric)
          chosen = &kNumeric;
        else if (t.id() == TypeId::kVarchar)
          chosen = &kVarchar;
        else if (t.id() == TypeId::kChar)
          chosen = &kChar;
      }
      continue;
    }
    if (category_of(t.id()) != category_of(chosen->id())) {
      return Status::sql("42804", fmt::format("types {} and {} cannot be matched", chosen->name(), t.name()));
    }
    if (is_preferred(chosen->id())) continue;
    if (is_preferred(t.id()) && implicit_id(chosen->id(), t.id())) {
      chosen = &t;
      continue;
    }
    if (implicit_id(chosen->id(), t.id()) && !implicit_id(t.id(), chosen->id())) chosen = &t;
  }
  if (chosen == nullptr) return Type::text();
  for (const Type& t : types) {
    if (!implicit_id(t.id(), chosen->id())) {
      return Status::sql("42804", fmt::format("types {} and {} cannot be matched", t.name(), chosen->name()));
    }
  }
  // Modifiers of a numeric/varchar candidate do not carry over when other types
  // (e.g. integers) join it.
  for (const Type& t : types) {
    if (!is_any(t) && t.id() != chosen->id() && chosen->has_modifier()) return Type(chosen->id());
  }
  return *chosen;
}

}  // namespace strata::sql
