// jsonb operators and functions: -> ->> (key or index), @> <@ ? = <> ||,
// jsonb_typeof, jsonb_array_length, jsonb_extract_path[_text], jsonb_build_object,
// jsonb_build_array, to_jsonb. Inputs are parsed per row (a stored jsonb need not be
// in normal form); results are written in PostgreSQL's jsonb normal form.
#include <fmt/format.h>

#include "exec/functions_common.h"
#include "types/cast.h"
#include "types/jsonb.h"

namespace strata::exec::fn {

namespace {

using SV = std::string_view;
using types::JsonValue;

Result<JsonValue> parse_row(const Vector& v, size_t i) { return types::parse_json(v.data<SV>()[i]); }

// The element at `index` (negative counts from the end), or nullptr.
const JsonValue* at_index(const JsonValue& v, int64_t index) {
  if (v.kind != JsonValue::Kind::kArray) return nullptr;
  int64_t n = static_cast<int64_t>(v.items.size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return nullptr;
  return &v.items[static_cast<size_t>(index)];
}

const JsonValue* at_key(const JsonValue& v, SV key) {
  if (v.kind != JsonValue::Kind::kObject) return nullptr;
  return v.find(key);
}

// ->> text: strings unquoted, JSON null as SQL NULL, anything else as jsonb text.
void put_text(Vector& out, size_t i, const JsonValue* v) {
  if (v == nullptr || v->kind == JsonValue::Kind::kNull) {
    out.set_null(i);
    return;
  }
  out.nulls()[i] = 0;
  if (v->kind == JsonValue::Kind::kString) {
    out.data<SV>()[i] = out.add_string(v->text);
  } else {
    out.data<SV>()[i] = out.add_string(types::format_jsonb(*v));
  }
}

void put_jsonb(Vector& out, size_t i, const JsonValue* v) {
  if (v == nullptr) {
    out.set_null(i);
    return;
  }
  out.nulls()[i] = 0;
  out.data<SV>()[i] = out.add_string(types::format_jsonb(*v));
}

// to_jsonb of row i of any vector.
Result<JsonValue> to_json_value(const Vector& v, size_t i) {
  JsonValue j;
  if (v.is_null(i)) return j;  // null
  const Type& t = v.type();
  if (t.id() == TypeId::kJsonb) return parse_row(v, i);
  if (t.id() == TypeId::kBoolean) {
    j.kind = v.data<uint8_t>()[i] ? JsonValue::Kind::kTrue : JsonValue::Kind::kFalse;
    return j;
  }
  std::string s;
  if (t.is_string_like() && t.id() != TypeId::kBytea) {
    s.assign(v.data<SV>()[i]);
  } else {
    types::append_text(v, i, s);
  }
  if (t.is_numeric()) {
    // Infinity and NaN become strings, as in PostgreSQL.
    if (s == "NaN" || s == "Infinity" || s == "-Infinity") {
      j.kind = JsonValue::Kind::kString;
    } else {
      j.kind = JsonValue::Kind::kNumber;
    }
    j.text = std::move(s);
    return j;
  }
  if (t.id() == TypeId::kTimestamp || t.id() == TypeId::kTimestampTz) {
    // JSON uses the ISO 8601 "T" separator.
    size_t sp = s.find(' ');
    if (sp != std::string::npos) s[sp] = 'T';
    if (t.id() == TypeId::kTimestampTz && s.size() >= 3 && s.ends_with("+00")) s += ":00";
  }
  j.kind = JsonValue::Kind::kString;
  j.text = std::move(s);
  return j;
}

template <class F>
Status each_row(const Args& a, size_t n, F f) {
  for (size_t i = 0; i < n; ++i) {
    if (row_has_null(a, i)) continue;
    STRATA_RETURN_IF_ERROR(f(i));
  }
  return Status::ok_status();
}

}  // namespace

void register_jsonb_functions(FunctionRegistry& r) {
  const Type j = Type::jsonb(), t = Type::text(), i4 = Type::integer(), b = Type::boolean();
  const Type any = Type::unknown();

  for (int as_text = 0; as_text < 2; ++as_text) {
    const char* op = as_text ? "->>" : "->";
    Type ret = as_text ? t : j;
    add_fn(r, op, {j, t}, ret, [as_text](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const SV* key = a[1]->data<SV>();
      return each_row(a, n, [&](size_t i) -> Status {
        STRATA_ASSIGN_OR_RETURN(JsonValue v, parse_row(*a[0], i));
        const JsonValue* m = at_key(v, key[i]);
        as_text ? put_text(out, i, m) : put_jsonb(out, i, m);
        return Status::ok_status();
      });
    });
    add_fn(r, op, {j, i4}, ret, [as_text](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const int32_t* idx = a[1]->data<int32_t>();
      return each_row(a, n, [&](size_t i) -> Status {
        STRATA_ASSIGN_OR_RETURN(JsonValue v, parse_row(*a[0], i));
        const JsonValue* m = at_index(v, idx[i]);
        as_text ? put_text(out, i, m) : put_jsonb(out, i, m);
        return Status::ok_status();
      });
    });
    // jsonb_extract_path(j, variadic path): text path elements; array elements by
    // their decimal index.
    ScalarFunction f;
    f.name = as_text ? "jsonb_extract_path_text" : "jsonb_extract_path";
    f.args = {j, t};
    f.variadic = true;
    f.return_type = ret;
    f.kernel = [as_text](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return each_row(a, n, [&](size_t i) -> Status {
        STRATA_ASSIGN_OR_RETURN(JsonValue v, parse_row(*a[0], i));
        const JsonValue* cur = &v;
        for (size_t k = 1; k < a.size() && cur != nullptr; ++k) {
          SV step = a[k]->data<SV>()[i];
          if (cur->kind == JsonValue::Kind::kArray) {
            char* end = nullptr;
            std::string s(step);
            long long idx = std::strtoll(s.c_str(), &end, 10);
            cur = (s.empty() || *end != '\0') ? nullptr : at_index(*cur, idx);
          } else {
            cur = at_key(*cur, step);
          }
        }
        as_text ? put_text(out, i, cur) : put_jsonb(out, i, cur);
        return Status::ok_status();
      });
    };
    r.add_scalar(std::move(f));
  }

  for (int reversed = 0; reversed < 2; ++reversed) {
    add_fn(r, reversed ? "<@" : "@>", {j, j}, b,
           [reversed](const FunctionContext&, const Args& a, size_t n, Vector& out) {
             uint8_t* z = out.data<uint8_t>();
             return each_row(a, n, [&](size_t i) -> Status {
               STRATA_ASSIGN_OR_RETURN(JsonValue x, parse_row(*a[0], i));
               STRATA_ASSIGN_OR_RETURN(JsonValue y, parse_row(*a[1], i));
               z[i] = reversed ? types::jsonb_contains(y, x) : types::jsonb_contains(x, y);
               return Status::ok_status();
             });
           });
  }
  for (int ne = 0; ne < 2; ++ne) {
    add_fn(r, ne ? "<>" : "=", {j, j}, b, [ne](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      uint8_t* z = out.data<uint8_t>();
      return each_row(a, n, [&](size_t i) -> Status {
        SV xs = a[0]->data<SV>()[i], ys = a[1]->data<SV>()[i];
        bool eq = xs == ys;
        if (!eq) {
          STRATA_ASSIGN_OR_RETURN(JsonValue x, parse_row(*a[0], i));
          STRATA_ASSIGN_OR_RETURN(JsonValue y, parse_row(*a[1], i));
          eq = types::jsonb_equal(x, y);
        }
        z[i] = eq != (ne != 0);
        return Status::ok_status();
      });
    });
  }
  // ? key: a key of an object, or a string element of an array (or the string itself).
  add_fn(r, "?", {j, t}, b, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    uint8_t* z = out.data<uint8_t>();
    const SV* key = a[1]->data<SV>();
    return each_row(a, n, [&](size_t i) -> Status {
      STRATA_ASSIGN_OR_RETURN(JsonValue v, parse_row(*a[0], i));
      bool found = false;
      if (v.kind == JsonValue::Kind::kObject) {
        found = v.find(key[i]) != nullptr;
      } else if (v.kind == JsonValue::Kind::kArray) {
        for (const JsonValue& e : v.items) found |= e.kind == JsonValue::Kind::kString && e.text == key[i];
      } else if (v.kind == JsonValue::Kind::kString) {
        found = v.text == key[i];
      }
      z[i] = found;
      return Status::ok_status();
    });
  });
  // jsonb || jsonb: objects merge (right wins), otherwise array concatenation.
  add_fn(r, "||", {j, j}, j, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return each_row(a, n, [&](size_t i) -> Status {
      STRATA_ASSIGN_OR_RETURN(JsonValue x, parse_row(*a[0], i));
      STRATA_ASSIGN_OR_RETURN(JsonValue y, parse_row(*a[1], i));
      JsonValue res;
      if (x.kind == JsonValue::Kind::kObject && y.kind == JsonValue::Kind::kObject) {
        res = std::move(x);
        for (size_t k = 0; k < y.keys.size(); ++k) {
          res.keys.push_back(y.keys[k]);
          res.items.push_back(std::move(y.items[k]));
        }
        types::sort_object_keys(res);
      } else {
        res.kind = JsonValue::Kind::kArray;
        auto append = [&](JsonValue& v) {
          if (v.kind == JsonValue::Kind::kArray) {
            for (auto& e : v.items) res.items.push_back(std::move(e));
          } else {
            res.items.push_back(std::move(v));
          }
        };
        append(x);
        append(y);
      }
      put_jsonb(out, i, &res);
      return Status::ok_status();
    });
  });

  add_fn(r, "jsonb_typeof", {j}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return each_row(a, n, [&](size_t i) -> Status {
      STRATA_ASSIGN_OR_RETURN(JsonValue v, parse_row(*a[0], i));
      static constexpr SV kNames[] = {"null", "boolean", "boolean", "number", "string", "array", "object"};
      out.data<SV>()[i] = out.add_string(kNames[static_cast<size_t>(v.kind)]);
      return Status::ok_status();
    });
  });
  add_fn(r, "jsonb_array_length", {j}, i4, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return each_row(a, n, [&](size_t i) -> Status {
      STRATA_ASSIGN_OR_RETURN(JsonValue v, parse_row(*a[0], i));
      if (v.kind == JsonValue::Kind::kObject) return Status::sql("22023", "cannot get array length of a non-array");
      if (v.kind != JsonValue::Kind::kArray) return Status::sql("22023", "cannot get array length of a scalar");
      out.data<int32_t>()[i] = static_cast<int32_t>(v.items.size());
      return Status::ok_status();
    });
  });
  add_fn(r, "to_jsonb", {any}, j, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    return each_row(a, n, [&](size_t i) -> Status {
      STRATA_ASSIGN_OR_RETURN(JsonValue v, to_json_value(*a[0], i));
      put_jsonb(out, i, &v);
      return Status::ok_status();
    });
  });
  {
    ScalarFunction f;
    f.name = "jsonb_build_object";
    f.args = {any};
    f.variadic = true;
    f.return_type = j;
    f.strict = false;
    f.kernel = [](const FunctionContext&, const Args& a, size_t n, Vector& out) -> Status {
      if (a.size() % 2 != 0) {
        return Status::sql("22023", "argument list must have even number of elements");
      }
      for (size_t i = 0; i < n; ++i) {
        JsonValue obj;
        obj.kind = JsonValue::Kind::kObject;
        for (size_t k = 0; k + 1 < a.size(); k += 2) {
          if (a[k]->is_null(i)) {
            return Status::sql("22004", fmt::format("argument {}: key must not be null", k + 1));
          }
          std::string key;
          if (a[k]->type().is_string_like() && a[k]->type().id() != TypeId::kBytea) {
            key.assign(a[k]->data<SV>()[i]);
          } else {
            types::append_text(*a[k], i, key);
          }
          obj.keys.push_back(std::move(key));
          STRATA_ASSIGN_OR_RETURN(JsonValue v, to_json_value(*a[k + 1], i));
          obj.items.push_back(std::move(v));
        }
        types::sort_object_keys(obj);
        out.nulls()[i] = 0;
        put_jsonb(out, i, &obj);
      }
      return Status::ok_status();
    };
    r.add_scalar(std::move(f));
  }
  {
    ScalarFunction f;
    f.name = "jsonb_build_array";
    f.args = {any};
    f.variadic = true;
    f.return_type = j;
    f.strict = false;
    f.kernel = [](const FunctionContext&, const Args& a, size_t n, Vector& out) -> Status {
      for (size_t i = 0; i < n; ++i) {
        JsonValue arr;
        arr.kind = JsonValue::Kind::kArray;
        for (const Vector* v : a) {
          STRATA_ASSIGN_OR_RETURN(JsonValue e, to_json_value(*v, i));
          arr.items.push_back(std::move(e));
        }
        out.nulls()[i] = 0;
        put_jsonb(out, i, &arr);
      }
      return Status::ok_status();
    };
    r.add_scalar(std::move(f));
  }
}

}  // namespace strata::exec::fn
