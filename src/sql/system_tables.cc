#include "sql/system_tables.h"

namespace strata::sql {

using types::Type;
using types::Value;

namespace {

Value oid(int64_t v) { return Value::bigint(v); }
Value text(std::string s) { return Value::text(std::move(s)); }
Value boolean(bool b) { return Value::boolean(b); }
Value int4(int32_t v) { return Value::integer(v); }
Value int2(int16_t v) { return Value::smallint(v); }
Value null_text() { return Value::null(Type::text()); }

int64_t namespace_oid(const std::string& schema, const catalog::CatalogSnapshot& c) {
  if (schema == "public") return catalog::kPublicNamespaceOid;
  if (schema == "pg_catalog") return catalog::kPgCatalogNamespaceOid;
  if (schema == "information_schema") return catalog::kInformationSchemaNamespaceOid;
  for (size_t i = 0; i < c.schemas.size(); ++i) {
    if (c.schemas[i] == schema) return 30000 + static_cast<int64_t>(i);
  }
  return 0;
}

struct Builder {
  SystemTable t;
  void col(std::string name, Type type) {
    t.column_names.push_back(std::move(name));
    t.column_types.push_back(type);
  }
  void row(std::vector<Value> r) { t.rows.push_back(std::move(r)); }
};

constexpr int64_t kHeapAmOid = 2;
constexpr int64_t kBtreeAmOid = 403;

}  // namespace

std::optional<SystemTable> system_table(std::string_view schema, std::string_view name,
                                        const catalog::CatalogSnapshot& c) {
  Builder b;
  bool pg = schema.empty() || schema == "pg_catalog";
  bool info = schema == "information_schema";
  if (pg && name == "pg_namespace") {
    b.col("oid", Type::bigint());
    b.col("nspname", Type::text());
    b.col("nspowner", Type::bigint());
    b.row({oid(catalog::kPgCatalogNamespaceOid), text("pg_catalog"), oid(10)});
    b.row({oid(catalog::kInformationSchemaNamespaceOid), text("information_schema"), oid(10)});
    for (const auto& s : c.schemas) b.row({oid(namespace_oid(s, c)), text(s), oid(10)});
    return b.t;
  }
  if (pg && name == "pg_am") {
    b.col("oid", Type::bigint());
    b.col("amname", Type::text());
    b.col("amtype", Type::text());
    b.row({oid(kHeapAmOid), text("heap"), text("t")});
    b.row({oid(kBtreeAmOid), text("btree"), text("i")});
    return b.t;
  }
  if (pg && name == "pg_class") {
    for (const char* n : {"oid", "relnamespace", "relowner", "relam", "reltablespace", "reltoastrelid", "reloftype"}) {
      b.col(n, Type::bigint());
    }
    b.col("relname", Type::text());
    b.col("relkind", Type::text());
    b.col("relchecks", Type::smallint());
    b.col("relnatts", Type::smallint());
    for (const char* n : {"relhasindex", "relhasrules", "relhastriggers", "relrowsecurity", "relforcerowsecurity",
                          "relispartition", "relhassubclass"}) {
      b.col(n, Type::boolean());
    }
    b.col("relpersistence", Type::text());
    b.col("relreplident", Type::text());
    b.col("reltuples", Type::real());
    auto add = [&](int64_t o, const std::string& s, const std::string& n, const char* kind, int64_t am, int16_t checks,
                   int16_t natts, bool has_index) {
      b.row({oid(o), oid(namespace_oid(s, c)), oid(10), oid(am), oid(0), oid(0), oid(0), text(n), text(kind),
             int2(checks), int2(natts), boolean(has_index), boolean(false), boolean(false), boolean(false),
             boolean(false), boolean(false), boolean(false), text("p"), text("d"), Value::real(-1)});
    };
    for (const auto& [k, t] : c.tables) {
      bool has_index = false;
      for (const auto& [ik, ix] : c.indexes) has_index |= ix->table_oid == t->oid;
      add(t->oid, t->schema, t->name, "r", kHeapAmOid, static_cast<int16_t>(t->checks.size()),
          static_cast<int16_t>(t->columns.size()), has_index);
    }
    for (const auto& [k, v] : c.views) {
      add(v->oid, v->schema, v->name, "v", 0, 0, static_cast<int16_t>(v->column_names.size()), false);
    }
    for (const auto& [k, ix] : c.indexes) {
      add(ix->oid, ix->schema, ix->name, "i", kBtreeAmOid, 0, static_cast<int16_t>(ix->columns.size()), false);
    }
    return b.t;
  }
  if (pg && name == "pg_attribute") {
    b.col("attrelid", Type::bigint());
    b.col("attname", Type::text());
    b.col("atttypid", Type::bigint());
    b.col("atttypmod", Type::integer());
    b.col("attnum", Type::smallint());
    b.col("attnotnull", Type::boolean());
    b.col("atthasdef", Type::boolean());
    b.col("attisdropped", Type::boolean());
    b.col("attidentity", Type::text());
    b.col("attgenerated", Type::text());
    b.col("attcollation", Type::bigint());
    b.col("attlen", Type::smallint());
    for (const auto& [k, t] : c.tables) {
      for (size_t i = 0; i < t->columns.size(); ++i) {
        const auto& col = t->columns[i];
        b.row({oid(t->oid), text(col.name), oid(col.type.pg_oid()), int4(col.type.pg_typmod()),
               int2(static_cast<int16_t>(i + 1)), boolean(col.not_null), boolean(!col.default_sql.empty()),
               boolean(false), text(""), text(""), oid(0), int2(col.type.pg_typlen())});
      }
    }
    for (const auto& [k, v] : c.views) {
      for (size_t i = 0; i < v->column_names.size(); ++i) {
        b.row({oid(v->oid), text(v->column_names[i]), oid(v->column_types[i].pg_oid()),
               int4(v->column_types[i].pg_typmod()), int2(static_cast<int16_t>(i + 1)), boolean(false), boolean(false),
               boolean(false), text(""), text(""), oid(0), int2(v->column_types[i].pg_typlen())});
      }
    }
    return b.t;
  }
  if (pg && name == "pg_attrdef") {
    b.col("oid", Type::bigint());
    b.col("adrelid", Type::bigint());
    b.col("adnum", Type::smallint());
    b.col("adbin", Type::text());
    int64_t n = 1;
    for (const auto& [k, t] : c.tables) {
      for (size_t i = 0; i < t->columns.size(); ++i) {
        if (t->columns[i].default_sql.empty()) continue;
        b.row({oid(n++), oid(t->oid), int2(static_cast<int16_t>(i + 1)), text(t->columns[i].default_sql)});
      }
    }
    return b.t;
  }
  if (pg && name == "pg_type") {
    b.col("oid", Type::bigint());
    b.col("typname", Type::text());
    b.col("typnamespace", Type::bigint());
    b.col("typlen", Type::smallint());
    b.col("typtype", Type::text());
    b.col("typcollation", Type::bigint());
    const Type all[] = {Type::boolean(), Type::smallint(), Type::integer(), Type::bigint(), Type::real(),
                        Type::double_precision(), Type::numeric(), Type::text(), Type::varchar(),
                        Type(types::TypeId::kChar), Type::bytea(), Type::date(), Type::time(), Type::timestamp(),
                        Type::timestamptz(), Type::interval(), Type::jsonb()};
    const char* names[] = {"bool", "int2", "int4", "int8", "float4", "float8", "numeric", "text", "varchar",
                           "bpchar", "bytea", "date", "time", "timestamp", "timestamptz", "interval", "jsonb"};
    for (size_t i = 0; i < std::size(all); ++i) {
      b.row({oid(all[i].pg_oid()), text(names[i]), oid(catalog::kPgCatalogNamespaceOid), int2(all[i].pg_typlen()),
             text("b"), oid(0)});
    }
    return b.t;
  }
  if (pg && name == "pg_index") {
    b.col("indexrelid", Type::bigint());
    b.col("indrelid", Type::bigint());
    b.col("indnatts", Type::smallint());
    for (const char* n : {"indisunique", "indisprimary", "indisclustered", "indisvalid", "indisreplident"}) {
      b.col(n, Type::boolean());
    }
    for (const auto& [k, ix] : c.indexes) {
      b.row({oid(ix->oid), oid(ix->table_oid), int2(static_cast<int16_t>(ix->columns.size())), boolean(ix->unique),
             boolean(ix->primary), boolean(false), boolean(true), boolean(false)});
    }
    return b.t;
  }
  if (pg && name == "pg_description") {
    b.col("objoid", Type::bigint());
    b.col("classoid", Type::bigint());
    b.col("objsubid", Type::integer());
    b.col("description", Type::text());
    constexpr int64_t kPgClassOid = 1259;
    for (const auto& [k, t] : c.tables) {
      if (!t->comment.empty()) b.row({oid(t->oid), oid(kPgClassOid), int4(0), text(t->comment)});
      for (size_t i = 0; i < t->columns.size(); ++i) {
        if (!t->columns[i].comment.empty()) {
          b.row({oid(t->oid), oid(kPgClassOid), int4(static_cast<int32_t>(i + 1)), text(t->columns[i].comment)});
        }
      }
    }
    for (const auto& [k, v] : c.views) {
      if (!v->comment.empty()) b.row({oid(v->oid), oid(kPgClassOid), int4(0), text(v->comment)});
    }
    return b.t;
  }
  if (pg && name == "pg_database") {
    b.col("oid", Type::bigint());
    b.col("datname", Type::text());
    b.col("datdba", Type::bigint());
    b.col("encoding", Type::integer());
    b.col("datcollate", Type::text());
    b.col("datctype", Type::text());
    b.col("datallowconn", Type::boolean());
    b.row({oid(5), text("strata"), oid(10), int4(6), text("C"), text("C"), boolean(true)});
    return b.t;
  }
  if (pg && (name == "pg_roles" || name == "pg_user")) {
    b.col("oid", Type::bigint());
    b.col(name == "pg_roles" ? "rolname" : "usename", Type::text());
    b.col(name == "pg_roles" ? "rolsuper" : "usesuper", Type::boolean());
    b.row({oid(10), text("strata"), boolean(true)});
    return b.t;
  }
  if (pg && name == "pg_views") {
    b.col("schemaname", Type::text());
    b.col("viewname", Type::text());
    b.col("viewowner", Type::text());
    b.col("definition", Type::text());
    for (const auto& [k, v] : c.views) b.row({text(v->schema), text(v->name), text("strata"), text(v->query_sql)});
    return b.t;
  }
  if (pg && name == "pg_tables") {
    b.col("schemaname", Type::text());
    b.col("tablename", Type::text());
    b.col("tableowner", Type::text());
    b.col("hasindexes", Type::boolean());
    for (const auto& [k, t] : c.tables) {
      bool has_index = false;
      for (const auto& [ik, ix] : c.indexes) has_index |= ix->table_oid == t->oid;
      b.row({text(t->schema), text(t->name), text("strata"), boolean(has_index)});
    }
    return b.t;
  }
  if (info && name == "schemata") {
    b.col("catalog_name", Type::text());
    b.col("schema_name", Type::text());
    b.col("schema_owner", Type::text());
    for (const char* s : {"pg_catalog", "information_schema"}) b.row({text("strata"), text(s), text("strata")});
    for (const auto& s : c.schemas) b.row({text("strata"), text(s), text("strata")});
    return b.t;
  }
  if (info && (name == "tables" || name == "views")) {
    b.col("table_catalog", Type::text());
    b.col("table_schema", Type::text());
    b.col("table_name", Type::text());
    if (name == "tables") {
      b.col("table_type", Type::text());
      for (const auto& [k, t] : c.tables) b.row({text("strata"), text(t->schema), text(t->name), text("BASE TABLE")});
      for (const auto& [k, v] : c.views) b.row({text("strata"), text(v->schema), text(v->name), text("VIEW")});
    } else {
      b.col("view_definition", Type::text());
      for (const auto& [k, v] : c.views) b.row({text("strata"), text(v->schema), text(v->name), text(v->query_sql)});
    }
    return b.t;
  }
  if (info && name == "columns") {
    b.col("table_catalog", Type::text());
    b.col("table_schema", Type::text());
    b.col("table_name", Type::text());
    b.col("column_name", Type::text());
    b.col("ordinal_position", Type::integer());
    b.col("column_default", Type::text());
    b.col("is_nullable", Type::text());
    b.col("data_type", Type::text());
    b.col("character_maximum_length", Type::integer());
    b.col("numeric_precision", Type::integer());
    b.col("numeric_scale", Type::integer());
    auto add = [&](const std::string& s, const std::string& t, const std::string& col, size_t pos, const Type& type,
                   const std::string& def, bool not_null) {
      std::string data_type = type.name();
      auto paren = data_type.find('(');
      if (paren != std::string::npos) data_type = data_type.substr(0, paren);
      bool chars = type.id() == types::TypeId::kVarchar || type.id() == types::TypeId::kChar;
      bool num = type.id() == types::TypeId::kNumeric;
      b.row({text("strata"), text(s), text(t), text(col), int4(static_cast<int32_t>(pos + 1)),
             def.empty() ? null_text() : text(def), text(not_null ? "NO" : "YES"), text(data_type),
             chars && type.has_modifier() ? int4(type.length()) : Value::null(Type::integer()),
             num && type.has_modifier() ? int4(type.precision()) : Value::null(Type::integer()),
             num && type.has_modifier() ? int4(type.scale()) : Value::null(Type::integer())});
    };
    for (const auto& [k, t] : c.tables) {
      for (size_t i = 0; i < t->columns.size(); ++i) {
        add(t->schema, t->name, t->columns[i].name, i, t->columns[i].type, t->columns[i].default_sql,
            t->columns[i].not_null);
      }
    }
    for (const auto& [k, v] : c.views) {
      for (size_t i = 0; i < v->column_names.size(); ++i) {
        add(v->schema, v->name, v->column_names[i], i, v->column_types[i], "", false);
      }
    }
    return b.t;
  }
  return std::nullopt;
}

}  // namespace strata::sql
