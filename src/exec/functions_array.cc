// Array functions and the operators the binder maps array syntax to:
//   array_to_string(a, sep[, null_text]), array_length(a, dim), array_upper(a, dim),
//   array_lower(a, dim), cardinality(a), array_cat / array_append / array_prepend
//   (the || operator), "array[]" (ARRAY[...]) and "[]" (a[i], as text; the binder
//   casts it to the element type).
// Arrays are one-dimensional and travel in their text form (types/array.h); an
// argument given as an unknown literal arrives as text in the same form.
#include <fmt/format.h>

#include "exec/functions_common.h"
#include "types/array.h"
#include "types/cast.h"

namespace strata::exec::fn {

namespace {

using SV = std::string_view;
using types::ArrayElements;

Result<ArrayElements> elements_at(const Vector& v, size_t row) { return types::parse_array_text(v.data<SV>()[row]); }

void set_text(Vector& out, size_t row, const std::string& s) {
  out.nulls()[row] = 0;
  out.data<SV>()[row] = out.add_string(s);
}

// The array type of a call's result: the first array argument's type.
Result<Type> array_result(const std::vector<Type>& args) {
  for (const Type& t : args) {
    if (t.is_array()) return t;
  }
  return Type::array(TypeId::kText);
}

// f(elements, row) -> optional int32 for each non-NULL array row.
template <class F>
ScalarKernel int_of_array(F f) {
  return [f](const FunctionContext&, const Args& a, size_t n, Vector& out) -> Status {
    for (size_t i = 0; i < n; ++i) {
      if (row_has_null(a, i)) continue;
      STRATA_ASSIGN_OR_RETURN(ArrayElements items, elements_at(*a[0], i));
      std::optional<int32_t> r = f(items, a, i);
      if (!r) {
        out.set_null(i);
        continue;
      }
      out.data<int32_t>()[i] = *r;
    }
    return Status::ok_status();
  };
}

int32_t dim_at(const Args& a, size_t i) { return a.size() > 1 ? a[1]->data<int32_t>()[i] : 1; }

}  // namespace

void register_array_functions(FunctionRegistry& r) {
  const Type any = Type::unknown(), t = Type::text(), i4 = Type::integer(), i8 = Type::bigint();
  for (size_t arity : {2, 3}) {
    std::vector<Type> sig = {any, t};
    if (arity == 3) sig.push_back(t);
    ScalarFunction f;
    f.name = "array_to_string";
    f.args = sig;
    f.return_type = t;
    f.strict = false;  // a NULL null_text means "skip NULL elements"
    f.kernel = [](const FunctionContext&, const Args& a, size_t n, Vector& out) -> Status {
      for (size_t i = 0; i < n; ++i) {
        if (a[0]->is_null(i) || a[1]->is_null(i)) {
          out.set_null(i);
          continue;
        }
        STRATA_ASSIGN_OR_RETURN(ArrayElements items, elements_at(*a[0], i));
        SV sep = a[1]->data<SV>()[i];
        bool have_null_text = a.size() > 2 && !a[2]->is_null(i);
        std::string s;
        bool first = true;
        for (const auto& item : items) {
          if (!item && !have_null_text) continue;
          if (!first) s += sep;
          first = false;
          s += item ? SV(*item) : a[2]->data<SV>()[i];
        }
        set_text(out, i, s);
      }
      return Status::ok_status();
    };
    r.add_scalar(std::move(f));
  }
  add_fn(r, "array_length", {any, i4}, i4, int_of_array([](const ArrayElements& e, const Args& a, size_t i) {
           return dim_at(a, i) == 1 && !e.empty() ? std::optional<int32_t>(static_cast<int32_t>(e.size()))
                                                  : std::nullopt;
         }));
  add_fn(r, "array_upper", {any, i4}, i4, int_of_array([](const ArrayElements& e, const Args& a, size_t i) {
           return dim_at(a, i) == 1 && !e.empty() ? std::optional<int32_t>(static_cast<int32_t>(e.size()))
                                                  : std::nullopt;
         }));
  add_fn(r, "array_lower", {any, i4}, i4, int_of_array([](const ArrayElements& e, const Args& a, size_t i) {
           return dim_at(a, i) == 1 && !e.empty() ? std::optional<int32_t>(1) : std::nullopt;
         }));
  add_fn(r, "cardinality", {any}, i4, int_of_array([](const ArrayElements& e, const Args&, size_t) {
           return std::optional<int32_t>(static_cast<int32_t>(e.size()));
         }));
  // array_cat(a, b), array_append(a, x), array_prepend(x, a). Not strict in
  // PostgreSQL: a NULL array counts as empty, a NULL element is appended as NULL.
  for (const char* name : {"array_cat", "array_append", "array_prepend"}) {
    std::string which = name;
    ScalarFunction f;
    f.name = name;
    f.args = {any, any};
    f.bind = array_result;
    f.strict = false;
    f.kernel = [which](const FunctionContext&, const Args& a, size_t n, Vector& out) -> Status {
      std::string buf;
      for (size_t i = 0; i < n; ++i) {
        ArrayElements items;
        auto add_array = [&](const Vector& v) -> Status {
          if (v.is_null(i)) return Status::ok_status();
          STRATA_ASSIGN_OR_RETURN(ArrayElements more, elements_at(v, i));
          for (auto& m : more) items.push_back(std::move(m));
          return Status::ok_status();
        };
        auto add_element = [&](const Vector& v) {
          if (v.is_null(i)) {
            items.emplace_back(std::nullopt);
            return;
          }
          buf.clear();
          types::append_text(v, i, buf);
          items.emplace_back(buf);
        };
        if (which == "array_cat") {
          if (a[0]->is_null(i) && a[1]->is_null(i)) {
            out.set_null(i);
            continue;
          }
          STRATA_RETURN_IF_ERROR(add_array(*a[0]));
          STRATA_RETURN_IF_ERROR(add_array(*a[1]));
        } else if (which == "array_append") {
          STRATA_RETURN_IF_ERROR(add_array(*a[0]));
          add_element(*a[1]);
        } else {
          add_element(*a[0]);
          STRATA_RETURN_IF_ERROR(add_array(*a[1]));
        }
        set_text(out, i, types::format_array_text(items));
      }
      return Status::ok_status();
    };
    r.add_scalar(std::move(f));
  }
  {
    // ARRAY[x, y, ...]: the binder has coerced the elements to one type.
    ScalarFunction f;
    f.name = "array[]";
    f.args = {any};
    f.variadic = true;
    f.bind = [](const std::vector<Type>& args) -> Result<Type> {
      return args.empty() ? Type::array(TypeId::kText) : Type::array(args[0].id());
    };
    f.strict = false;
    f.kernel = [](const FunctionContext&, const Args& a, size_t n, Vector& out) -> Status {
      std::string buf;
      for (size_t i = 0; i < n; ++i) {
        ArrayElements items;
        for (const Vector* v : a) {
          if (v->is_null(i)) {
            items.emplace_back(std::nullopt);
            continue;
          }
          buf.clear();
          types::append_text(*v, i, buf);
          items.emplace_back(buf);
        }
        set_text(out, i, types::format_array_text(items));
      }
      return Status::ok_status();
    };
    r.add_scalar(std::move(f));
  }
  // a[i] (1-based; NULL outside the bounds), as the element's text.
  add_fn(r, "[]", {any, i8}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) -> Status {
    for (size_t i = 0; i < n; ++i) {
      if (row_has_null(a, i)) continue;
      STRATA_ASSIGN_OR_RETURN(ArrayElements items, elements_at(*a[0], i));
      int64_t k = a[1]->data<int64_t>()[i];
      if (k < 1 || static_cast<uint64_t>(k) > items.size() || !items[static_cast<size_t>(k - 1)]) {
        out.set_null(i);
        continue;
      }
      set_text(out, i, *items[static_cast<size_t>(k - 1)]);
    }
    return Status::ok_status();
  });
}

}  // namespace strata::exec::fn
