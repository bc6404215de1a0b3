// System information and catalog helper functions that psql and drivers call:
// version(), current_database(), current_schema(), current_user, session_user,
// pg_backend_pid(), the has_*_privilege family (always true: Strata authorises
// elsewhere), pg_get_userbyid, format_type, pg_*_is_visible, pg_encoding_to_char,
// pg_get_expr, pg_typeof, num_nulls/num_nonnulls, and the catalog functions psql's
// \d family calls, answered from the statement's catalog snapshot
// (FunctionContext::catalog): obj_description / col_description (COMMENT ON),
// pg_get_indexdef, pg_get_constraintdef, pg_get_viewdef, regclass / regnamespace
// output, and the size functions (0: sizes are not tracked per relation yet).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "exec/functions_common.h"
#include "sql/system_tables.h"

namespace strata::exec::fn {

namespace {

using SV = std::string_view;

// Writes the same string into every row.
Status fill_text(Vector& out, size_t n, SV s) {
  SV stored = out.add_string(s);
  SV* z = out.data<SV>();
  for (size_t i = 0; i < n; ++i) {
    z[i] = stored;
    out.nulls()[i] = 0;
  }
  return Status::ok_status();
}

void add_const_text(FunctionRegistry& r, const char* name, std::vector<Type> args,
                    std::function<std::string(const FunctionContext&)> value) {
  ScalarFunction f;
  f.name = name;
  f.args = std::move(args);
  f.return_type = Type::text();
  f.strict = false;
  f.kernel = [value](const FunctionContext& ctx, const Args&, size_t n, Vector& out) {
    return fill_text(out, n, value(ctx));
  };
  r.add_scalar(std::move(f));
}

void add_const_bool(FunctionRegistry& r, const char* name, std::vector<Type> args, bool value) {
  ScalarFunction f;
  f.name = name;
  f.args = std::move(args);
  f.return_type = Type::boolean();
  f.kernel = [value](const FunctionContext&, const Args&, size_t n, Vector& out) {
    uint8_t* z = out.data<uint8_t>();
    for (size_t i = 0; i < n; ++i) z[i] = value ? 1 : 0;
    return Status::ok_status();
  };
  r.add_scalar(std::move(f));
}

void add_null_text(FunctionRegistry& r, const char* name, std::vector<Type> args) {
  ScalarFunction f;
  f.name = name;
  f.args = std::move(args);
  f.return_type = Type::text();
  f.strict = false;
  f.kernel = [](const FunctionContext&, const Args&, size_t n, Vector& out) {
    for (size_t i = 0; i < n; ++i) out.set_null(i);
    return Status::ok_status();
  };
  r.add_scalar(std::move(f));
}

// format_type(oid, typmod): PostgreSQL's type name with the modifier decoded from
// the typmod (numeric: ((p << 16) | s) + 4; varchar/char: n + 4).
std::string format_type(int64_t oid, bool has_typmod, int64_t typmod) {
  Type t = types::type_from_pg_oid(static_cast<uint32_t>(oid));
  if (t.id() == TypeId::kUnknown && oid != 705) return "???";
  if (has_typmod && typmod >= 4) {
    int64_t m = typmod - 4;
    if (t.id() == TypeId::kNumeric) {
      t = Type::numeric(static_cast<int32_t>((m >> 16) & 0xffff), static_cast<int32_t>(m & 0xffff));
    } else if (t.id() == TypeId::kVarchar) {
      t = Type::varchar(static_cast<int32_t>(m));
    } else if (t.id() == TypeId::kChar) {
      t = Type::character(static_cast<int32_t>(m));
    }
  } else if (t.id() == TypeId::kChar) {
    return has_typmod ? "bpchar" : "character";  // as PostgreSQL prints them
  }
  return t.name();
}

// A text function of (oid[, int][, ...]) answered from the catalog snapshot; NULL
// for an unknown object (as PostgreSQL's catalog functions).
using CatalogLookup = std::function<std::optional<std::string>(const catalog::CatalogSnapshot& c, int64_t oid,
                                                               const Args& a, size_t row)>;

void add_catalog_text(FunctionRegistry& r, const char* name, std::vector<Type> args, CatalogLookup lookup) {
  ScalarFunction f;
  f.name = name;
  f.args = std::move(args);
  f.return_type = Type::text();
  f.kernel = [lookup](const FunctionContext& ctx, const Args& a, size_t n, Vector& out) {
    const int64_t* oid = a[0]->data<int64_t>();
    for (size_t i = 0; i < n; ++i) {
      std::optional<std::string> s;
      if (ctx.catalog != nullptr && !row_has_null(a, i)) s = lookup(*ctx.catalog, oid[i], a, i);
      if (!s) {
        out.set_null(i);
        continue;
      }
      out.nulls()[i] = 0;
      out.data<SV>()[i] = out.add_string(*s);
    }
    return Status::ok_status();
  };
  r.add_scalar(std::move(f));
}

// pg_size_pretty(bigint): PostgreSQL's rounding (half up) and units.
std::string size_pretty(int64_t size) {
  static const char* kUnits[] = {"bytes", "kB", "MB", "GB", "TB", "PB"};
  int64_t limit = 10 * 1024;
  int64_t limit2 = limit * 2 - 1;
  if (std::abs(size) < limit) return fmt::format("{} {}", size, kUnits[0]);
  size_t unit = 1;
  int64_t v = size / 512;  // half-units
  while (unit + 1 < std::size(kUnits) && std::abs(v) >= limit2) {
    v /= 1024;
    ++unit;
  }
  return fmt::format("{} {}", (v + (v < 0 ? -1 : 1)) / 2, kUnits[unit]);
}

void register_catalog_functions(FunctionRegistry& r) {
  const Type t = Type::text(), i4 = Type::integer(), i8 = Type::bigint(), b = Type::boolean(), any = Type::unknown();
  auto description = [](const catalog::CatalogSnapshot& c, int64_t oid, const Args& a, size_t i) {
    return sql::object_description(c, oid, 0);
  };
  add_catalog_text(r, "obj_description", {i8}, description);
  add_catalog_text(r, "obj_description", {i8, t},
                   [](const catalog::CatalogSnapshot& c, int64_t oid, const Args& a, size_t i) {
                     return a[1]->data<SV>()[i] == "pg_class" ? sql::object_description(c, oid, 0) : std::nullopt;
                   });
  add_catalog_text(r, "col_description", {i8, i4},
                   [](const catalog::CatalogSnapshot& c, int64_t oid, const Args& a, size_t i) {
                     return sql::object_description(c, oid, a[1]->data<int32_t>()[i]);
                   });
  auto indexdef = [](const catalog::CatalogSnapshot& c, int64_t oid, const Args& a, size_t i) {
    return sql::index_definition(c, oid, a.size() > 1 ? a[1]->data<int32_t>()[i] : 0);
  };
  add_catalog_text(r, "pg_get_indexdef", {i8}, indexdef);
  add_catalog_text(r, "pg_get_indexdef", {i8, i4, b}, indexdef);
  auto constraintdef = [](const catalog::CatalogSnapshot& c, int64_t oid, const Args&, size_t) {
    return sql::constraint_definition(c, oid);
  };
  add_catalog_text(r, "pg_get_constraintdef", {i8}, constraintdef);
  add_catalog_text(r, "pg_get_constraintdef", {i8, b}, constraintdef);
  auto viewdef = [](const catalog::CatalogSnapshot& c, int64_t oid, const Args&, size_t) {
    return sql::view_definition(c, oid);
  };
  add_catalog_text(r, "pg_get_viewdef", {i8}, viewdef);
  add_catalog_text(r, "pg_get_viewdef", {i8, b}, viewdef);
  // regclass / regnamespace output (the binder maps oid::regclass here); an OID
  // that names nothing prints as the number, as in PostgreSQL.
  add_catalog_text(r, "regclass", {i8}, [](const catalog::CatalogSnapshot& c, int64_t oid, const Args&, size_t) {
    return std::optional<std::string>(sql::relation_name(c, oid).value_or(std::to_string(oid)));
  });
  add_catalog_text(r, "regnamespace", {i8}, [](const catalog::CatalogSnapshot& c, int64_t oid, const Args&, size_t) {
    return std::optional<std::string>(sql::namespace_name(c, oid).value_or(std::to_string(oid)));
  });
  for (const char* name : {"pg_get_statisticsobjdef_columns", "pg_get_ruledef", "pg_get_triggerdef",
                           "pg_get_partkeydef", "pg_get_function_result", "pg_get_function_arguments",
                           "pg_get_function_identity_arguments", "pg_tablespace_location"}) {
    add_null_text(r, name, {i8});
    add_null_text(r, name, {i8, b});
  }
  add_const_bool(r, "pg_relation_is_publishable", {i8}, false);
  add_const_bool(r, "pg_has_role", {any, any}, true);
  add_const_bool(r, "pg_has_role", {any, any, any}, true);
  for (const char* name :
       {"pg_table_size", "pg_relation_size", "pg_total_relation_size", "pg_indexes_size", "pg_database_size"}) {
    add_fn(r, name, {any}, i8, [](const FunctionContext&, const Args&, size_t n, Vector& out) {
      for (size_t i = 0; i < n; ++i) out.data<int64_t>()[i] = 0;
      return Status::ok_status();
    });
  }
  add_fn(r, "pg_size_pretty", {i8}, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
    for (size_t i = 0; i < n; ++i) {
      if (a[0]->is_null(i)) continue;
      out.data<SV>()[i] = out.add_string(size_pretty(a[0]->data<int64_t>()[i]));
    }
    return Status::ok_status();
  });
}

}  // namespace

void register_system_functions(FunctionRegistry& r) {
  const Type t = Type::text(), i4 = Type::integer(), i8 = Type::bigint(), any = Type::unknown();

  add_const_text(r, "version", {}, [](const FunctionContext&) {
    return fmt::format("PostgreSQL 15.0 (Strata {}) on x86_64-pc-linux-gnu, compiled by g++, 64-bit", STRATA_VERSION);
  });
  add_const_text(r, "current_database", {}, [](const FunctionContext& c) { return std::string(c.current_database); });
  add_const_text(r, "current_catalog", {}, [](const FunctionContext& c) { return std::string(c.current_database); });
  add_const_text(r, "current_schema", {}, [](const FunctionContext&) { return std::string("public"); });
  for (const char* name : {"current_user", "session_user", "user", "current_role"}) {
    add_const_text(r, name, {}, [](const FunctionContext& c) { return std::string(c.current_user); });
  }
  add_const_text(r, "pg_get_userbyid", {i8}, [](const FunctionContext&) { return std::string("strata"); });
  {
    // pg_sleep(seconds): sleeps once per row, in slices of at most 10 ms so that a
    // cancel request (57014) ends it. Returns '' (PostgreSQL's void prints so).
    ScalarFunction f;
    f.name = "pg_sleep";
    f.args = {Type::double_precision()};
    f.return_type = t;
    f.is_volatile = true;
    f.kernel = [](const FunctionContext& ctx, const Args& a, size_t n, Vector& out) -> Status {
      const double* seconds = a[0]->data<double>();
      for (size_t i = 0; i < n; ++i) {
        if (a[0]->is_null(i) || !(seconds[i] > 0)) continue;
        const auto until = std::chrono::steady_clock::now() +
                           std::chrono::microseconds(static_cast<int64_t>(std::min(seconds[i], 1e9) * 1e6));
        while (std::chrono::steady_clock::now() < until) {
          if (ctx.cancel != nullptr && ctx.cancel->load(std::memory_order_relaxed)) {
            return Status::sql("57014", "canceling statement due to user request");
          }
          std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
              until - std::chrono::steady_clock::now(), std::chrono::milliseconds(10)));
        }
      }
      return fill_text(out, n, "");
    };
    r.add_scalar(std::move(f));
  }
  {
    ScalarFunction f;
    f.name = "pg_backend_pid";
    f.return_type = i4;
    f.kernel = [](const FunctionContext& ctx, const Args&, size_t n, Vector& out) {
      int32_t* z = out.data<int32_t>();
      for (size_t i = 0; i < n; ++i) z[i] = ctx.backend_pid;
      return Status::ok_status();
    };
    r.add_scalar(std::move(f));
  }
  // Privileges: (user, object, privilege) and (object, privilege) forms.
  for (const char* name :
       {"has_table_privilege", "has_schema_privilege", "has_database_privilege", "has_column_privilege",
        "has_function_privilege", "has_sequence_privilege", "has_any_column_privilege"}) {
    add_const_bool(r, name, {any, any}, true);
    add_const_bool(r, name, {any, any, any}, true);
  }
  add_const_bool(r, "has_column_privilege", {any, any, any, any}, true);
  {
    // pg_table_is_visible: the search path is public then pg_catalog; other schemas'
    // relations need qualifying (psql's \d lists only visible ones).
    ScalarFunction f;
    f.name = "pg_table_is_visible";
    f.args = {i8};
    f.return_type = Type::boolean();
    f.kernel = [](const FunctionContext& ctx, const Args& a, size_t n, Vector& out) {
      for (size_t i = 0; i < n; ++i) {
        std::optional<std::string> schema;
        if (ctx.catalog != nullptr) schema = sql::relation_schema(*ctx.catalog, a[0]->data<int64_t>()[i]);
        out.data<uint8_t>()[i] = !schema || *schema == "public" || *schema == "pg_catalog" ? 1 : 0;
      }
      return Status::ok_status();
    };
    r.add_scalar(std::move(f));
  }
  for (const char* name :
       {"pg_type_is_visible", "pg_function_is_visible", "pg_operator_is_visible", "pg_opclass_is_visible",
        "pg_collation_is_visible", "pg_conversion_is_visible", "pg_ts_config_is_visible"}) {
    add_const_bool(r, name, {i8}, true);
  }
  add_const_text(r, "pg_encoding_to_char", {i4}, [](const FunctionContext&) { return std::string("UTF8"); });
  add_const_text(r, "pg_client_encoding", {}, [](const FunctionContext&) { return std::string("UTF8"); });
  // pg_get_expr(expr_text, relation[, pretty]): stored expressions are kept as text.
  for (size_t arity : {2, 3}) {
    std::vector<Type> sig = {t, i8};
    if (arity == 3) sig.push_back(Type::boolean());
    add_fn(r, "pg_get_expr", sig, t, [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      out.share_heaps_of(*a[0]);
      const SV* s = a[0]->data<SV>();
      SV* z = out.data<SV>();
      for (size_t i = 0; i < n; ++i) z[i] = s[i];
      return Status::ok_status();
    });
  }
  register_catalog_functions(r);
  add_null_text(r, "shobj_description", {i8, t});
  {
    // format_type is not strict in PostgreSQL: a NULL typmod means "no modifier".
    ScalarFunction f;
    f.name = "format_type";
    f.args = {i8, i4};
    f.return_type = t;
    f.strict = false;
    f.kernel = [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      const int64_t* oid = a[0]->data<int64_t>();
      const int32_t* mod = a[1]->data<int32_t>();
      for (size_t i = 0; i < n; ++i) {
        if (a[0]->is_null(i)) {
          out.set_null(i);
          continue;
        }
        out.nulls()[i] = 0;
        out.data<SV>()[i] = out.add_string(format_type(oid[i], !a[1]->is_null(i), mod[i]));
      }
      return Status::ok_status();
    };
    r.add_scalar(std::move(f));
  }
  {
    // pg_typeof(any): the argument's type name (PostgreSQL returns regtype, which
    // prints as the name).
    ScalarFunction f;
    f.name = "pg_typeof";
    f.args = {any};
    f.return_type = t;
    f.strict = false;
    f.kernel = [](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      return fill_text(out, n, a[0]->type().name());
    };
    r.add_scalar(std::move(f));
  }
  for (int nonnull = 0; nonnull < 2; ++nonnull) {
    ScalarFunction f;
    f.name = nonnull ? "num_nonnulls" : "num_nulls";
    f.args = {any};
    f.variadic = true;
    f.return_type = i4;
    f.strict = false;
    f.kernel = [nonnull](const FunctionContext&, const Args& a, size_t n, Vector& out) {
      int32_t* z = out.data<int32_t>();
      for (size_t i = 0; i < n; ++i) {
        int32_t c = 0;
        for (const Vector* v : a) c += v->is_null(i) ? 1 : 0;
        z[i] = nonnull ? static_cast<int32_t>(a.size()) - c : c;
        out.nulls()[i] = 0;
      }
      return Status::ok_status();
    };
    r.add_scalar(std::move(f));
  }
}

}  // namespace strata::exec::fn
