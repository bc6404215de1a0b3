#include "sql/system_tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "base/assert.h"

namespace strata::sql {

using types::Type;
using types::TypeId;
using types::Value;

namespace {

Value oid(int64_t v) { return Value::bigint(v); }
Value text(std::string s) { return Value::text(std::move(s)); }
Value boolean(bool b) { return Value::boolean(b); }
Value int4(int32_t v) { return Value::integer(v); }
Value int2(int16_t v) { return Value::smallint(v); }
Value null_text() { return Value::null(Type::text()); }
// An int2[] value (pg_constraint.conkey) from 0-based column positions.
Value int2_array(const std::vector<int32_t>& positions) {
  std::string s = "{";
  for (size_t i = 0; i < positions.size(); ++i) s += (i ? "," : "") + std::to_string(positions[i] + 1);
  return Value::text(s + "}", Type::array(TypeId::kSmallInt));
}
// int2vector's text form (pg_index.indkey): "1 3", 0 for an expression key.
std::string int2vector(const std::vector<int32_t>& positions, size_t expressions) {
  std::string s;
  for (int32_t p : positions) s += (s.empty() ? "" : " ") + std::to_string(p + 1);
  for (size_t i = 0; i < expressions; ++i) s += s.empty() ? "0" : " 0";
  return s;
}

constexpr int64_t kPgClassOid = 1259;
constexpr int64_t kPgNamespaceOid = 2615;
constexpr int64_t kHeapAmOid = 2;
constexpr int64_t kBtreeAmOid = 403;
constexpr int64_t kDefaultTablespaceOid = 1663;
constexpr int64_t kDatabaseOid = 5;
constexpr int64_t kOwnerOid = 10;

// The pg_catalog relations regclass knows by name (PostgreSQL's fixed OIDs).
struct SystemRelation {
  std::string_view name;
  int64_t oid;
};
constexpr SystemRelation kSystemRelations[] = {
    {"pg_type", 1247},
    {"pg_attribute", 1249},
    {"pg_proc", 1255},
    {"pg_class", kPgClassOid},
    {"pg_attrdef", 2604},
    {"pg_constraint", 2606},
    {"pg_inherits", 2611},
    {"pg_index", 2610},
    {"pg_operator", 2617},
    {"pg_am", 2601},
    {"pg_rewrite", 2618},
    {"pg_trigger", 2620},
    {"pg_description", 2609},
    {"pg_database", 1262},
    {"pg_tablespace", 1213},
    {"pg_authid", 1260},
    {"pg_namespace", kPgNamespaceOid},
    {"pg_collation", 3456},
    {"pg_extension", 3079},
    {"pg_policy", 3256},
    {"pg_statistic_ext", 3381},
    {"pg_publication", 6104},
    {"pg_publication_rel", 6106},
    {"pg_publication_namespace", 6237},
    {"pg_auth_members", 1261},
};

// Columns with a default per column, rows given by column name.
struct Builder {
  SystemTable t;
  std::vector<Value> defaults;
  void col(std::string name, Type type) { col(std::move(name), type, Value::null(type)); }
  void col(std::string name, Type type, Value def) {
    t.column_names.push_back(std::move(name));
    t.column_types.push_back(type);
    defaults.push_back(std::move(def));
  }
  void cols(std::initializer_list<const char*> names, Type type) {
    for (const char* n : names) col(n, type);
  }
  void cols(std::initializer_list<const char*> names, Type type, const Value& def) {
    for (const char* n : names) col(n, type, def);
  }
  void row(std::initializer_list<std::pair<std::string_view, Value>> values) {
    std::vector<Value> r = defaults;
    for (const auto& [name, v] : values) {
      auto it = std::find(t.column_names.begin(), t.column_names.end(), name);
      STRATA_ASSERT(it != t.column_names.end(), "system table column exists");
      size_t i = static_cast<size_t>(it - t.column_names.begin());
      r[i] = v.is_null() ? Value::null(t.column_types[i]) : v.with_type(t.column_types[i]);
    }
    t.rows.push_back(std::move(r));
  }
};

bool needs_quotes(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return true;
  return !std::all_of(s.begin(), s.end(),
                      [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

std::string quote_ident(std::string_view s) {
  if (!needs_quotes(s)) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string qualified(const std::string& schema, const std::string& name) {
  return quote_ident(schema) + "." + quote_ident(name);
}

std::string column_list(const catalog::TableDef& t, const std::vector<int32_t>& cols) {
  std::string s;
  for (int32_t c : cols) {
    if (!s.empty()) s += ", ";
    s +=
        c >= 0 && static_cast<size_t>(c) < t.columns.size() ? quote_ident(t.columns[static_cast<size_t>(c)].name) : "?";
  }
  return s;
}

}  // namespace

std::optional<int64_t> namespace_oid(const catalog::CatalogSnapshot& c, std::string_view schema) {
  if (schema == "public") return catalog::kPublicNamespaceOid;
  if (schema == "pg_catalog") return catalog::kPgCatalogNamespaceOid;
  if (schema == "information_schema") return catalog::kInformationSchemaNamespaceOid;
  for (size_t i = 0; i < c.schemas.size(); ++i) {
    if (c.schemas[i] == schema) return 30000 + static_cast<int64_t>(i);
  }
  return std::nullopt;
}

std::optional<std::string> namespace_name(const catalog::CatalogSnapshot& c, int64_t o) {
  if (o == catalog::kPgCatalogNamespaceOid) return "pg_catalog";
  if (o == catalog::kInformationSchemaNamespaceOid) return "information_schema";
  for (const auto& s : c.schemas) {
    if (namespace_oid(c, s) == o) return s;
  }
  return std::nullopt;
}

std::optional<int64_t> relation_oid(const catalog::CatalogSnapshot& c, std::string_view schema, std::string_view name) {
  for (std::string_view s : {std::string_view("public"), std::string_view("pg_catalog")}) {
    std::string_view sch = schema.empty() ? s : schema;
    if (sch == "pg_catalog") {
      for (const auto& r : kSystemRelations) {
        if (r.name == name) return r.oid;
      }
    }
    if (const auto* t = c.find_table(sch, name)) return t->oid;
    if (const auto* v = c.find_view(sch, name)) return v->oid;
    if (const auto* ix = c.find_index(sch, name)) return ix->oid;
    if (const auto* st = c.find_stream(sch, name)) return st->oid;
    if (const auto* mv = c.find_materialized_view(sch, name)) return mv->oid;
    for (const auto& ix : catalog_indexes(c)) {
      if (ix.schema == sch && ix.name == name) return ix.oid;
    }
    if (!schema.empty()) break;
  }
  return std::nullopt;
}

std::optional<std::string> relation_name(const catalog::CatalogSnapshot& c, int64_t o) {
  auto shown = [](const std::string& schema, const std::string& name) {
    return schema == "public" || schema == "pg_catalog" ? quote_ident(name) : qualified(schema, name);
  };
  for (const auto& [k, t] : c.tables) {
    if (t->oid == o) return shown(t->schema, t->name);
  }
  for (const auto& [k, v] : c.views) {
    if (v->oid == o) return shown(v->schema, v->name);
  }
  for (const auto& [k, st] : c.streams) {
    if (st->oid == o) return shown(st->schema, st->name);
  }
  for (const auto& [k, mv] : c.materialized_views) {
    if (mv->oid == o) return shown(mv->schema, mv->name);
  }
  for (const auto& ix : catalog_indexes(c)) {
    if (ix.oid == o) return shown(ix.schema, ix.name);
  }
  for (const auto& r : kSystemRelations) {
    if (r.oid == o) return std::string(r.name);
  }
  return std::nullopt;
}

std::optional<std::string> relation_schema(const catalog::CatalogSnapshot& c, int64_t o) {
  for (const auto& [k, t] : c.tables) {
    if (t->oid == o) return t->schema;
  }
  for (const auto& [k, v] : c.views) {
    if (v->oid == o) return v->schema;
  }
  for (const auto& ix : catalog_indexes(c)) {
    if (ix.oid == o) return ix.schema;
  }
  return std::nullopt;
}

std::vector<CatalogIndex> catalog_indexes(const catalog::CatalogSnapshot& c) {
  std::vector<CatalogIndex> out;
  for (const auto& [k, ix] : c.indexes) {
    CatalogIndex i;
    i.oid = ix->oid;
    i.table = c.find_table_by_oid(ix->table_oid);
    i.schema = ix->schema;
    i.name = ix->name;
    i.columns = ix->columns;
    i.expressions = ix->expression_sql;
    i.unique = ix->unique;
    i.primary = ix->primary;
    out.push_back(std::move(i));
  }
  for (const auto& [k, t] : c.tables) {
    for (size_t u = 0; u < t->unique_keys.size() && u < 256; ++u) {
      bool has_index = false;
      for (const auto& [ik, ix] : c.indexes) {
        has_index |= ix->table_oid == t->oid && ix->unique && ix->columns == t->unique_keys[u];
      }
      if (has_index) continue;
      CatalogIndex i;
      i.oid = kUniqueIndexOidBase + int64_t{t->oid} * 256 + static_cast<int64_t>(u);
      i.table = t.get();
      i.schema = t->schema;
      i.name = t->name;
      for (int32_t col : t->unique_keys[u]) {
        if (col >= 0 && static_cast<size_t>(col) < t->columns.size())
          i.name += "_" + t->columns[static_cast<size_t>(col)].name;
      }
      i.name += "_key";
      i.columns = t->unique_keys[u];
      i.unique = true;
      out.push_back(std::move(i));
    }
  }
  return out;
}

std::vector<CatalogConstraint> catalog_constraints(const catalog::CatalogSnapshot& c) {
  std::vector<CatalogConstraint> out;
  for (const auto& ix : catalog_indexes(c)) {
    if (ix.table == nullptr || !ix.unique) continue;
    bool implicit = ix.oid >= kUniqueIndexOidBase;
    if (!ix.primary && !implicit) continue;  // CREATE UNIQUE INDEX makes no constraint
    CatalogConstraint k;
    k.oid = ix.primary ? ix.oid : kConstraintOidBase + (ix.oid - kUniqueIndexOidBase);
    k.table = ix.table;
    k.name = ix.name;
    k.type = ix.primary ? 'p' : 'u';
    k.index_oid = ix.oid;
    k.columns = ix.columns;
    out.push_back(std::move(k));
  }
  for (const auto& [key, t] : c.tables) {
    for (size_t i = 0; i < t->checks.size() && i < 256; ++i) {
      CatalogConstraint k;
      // Checks follow the unique constraints' numbers (both < 256 in practice).
      k.oid = kConstraintOidBase + int64_t{t->oid} * 256 + 255 - static_cast<int64_t>(i);
      k.table = t.get();
      k.name = t->checks[i].name;
      k.type = 'c';
      k.check_sql = t->checks[i].expr_sql;
      out.push_back(std::move(k));
    }
  }
  return out;
}

std::optional<std::string> index_definition(const catalog::CatalogSnapshot& c, int64_t o, int32_t column) {
  for (const auto& ix : catalog_indexes(c)) {
    if (ix.oid != o || ix.table == nullptr) continue;
    std::vector<std::string> keys;
    for (int32_t col : ix.columns) keys.push_back(column_list(*ix.table, {col}));
    for (const auto& e : ix.expressions) keys.push_back("(" + e + ")");
    if (column > 0) {
      if (static_cast<size_t>(column) > keys.size()) return std::string();
      return keys[static_cast<size_t>(column) - 1];
    }
    std::string list;
    for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
    return fmt::format("CREATE {}INDEX {} ON {} USING btree ({})", ix.unique ? "UNIQUE " : "", quote_ident(ix.name),
                       qualified(ix.table->schema, ix.table->name), list);
  }
  return std::nullopt;
}

std::optional<std::string> constraint_definition(const catalog::CatalogSnapshot& c, int64_t o) {
  for (const auto& k : catalog_constraints(c)) {
    if (k.oid != o) continue;
    if (k.type == 'c') {
      // Already one parenthesised group: "(a > 0)", not "(a > 0) AND (b > 0)".
      const std::string& e = k.check_sql;
      bool wrapped = e.size() >= 2 && e.front() == '(' && e.back() == ')';
      int depth = 0;
      for (size_t i = 0; wrapped && i + 1 < e.size(); ++i) {
        depth += e[i] == '(' ? 1 : (e[i] == ')' ? -1 : 0);
        wrapped = depth > 0;
      }
      return wrapped ? "CHECK " + e : "CHECK (" + e + ")";
    }
    return fmt::format("{} ({})", k.type == 'p' ? "PRIMARY KEY" : "UNIQUE", column_list(*k.table, k.columns));
  }
  return std::nullopt;
}

std::optional<std::string> object_description(const catalog::CatalogSnapshot& c, int64_t o, int32_t subid) {
  for (const auto& [k, t] : c.tables) {
    if (t->oid != o) continue;
    if (subid == 0) return t->comment.empty() ? std::nullopt : std::optional<std::string>(t->comment);
    if (subid < 0 || static_cast<size_t>(subid) > t->columns.size()) return std::nullopt;
    const std::string& s = t->columns[static_cast<size_t>(subid) - 1].comment;
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
  }
  for (const auto& [k, v] : c.views) {
    if (v->oid == o && subid == 0 && !v->comment.empty()) return v->comment;
  }
  return std::nullopt;
}

std::optional<std::string> view_definition(const catalog::CatalogSnapshot& c, int64_t o) {
  for (const auto& [k, v] : c.views) {
    if (v->oid == o) return " " + v->query_sql + (v->query_sql.ends_with(";") ? "" : ";");
  }
  return std::nullopt;
}

std::optional<SystemTable> system_table(std::string_view schema, std::string_view name,
                                        const catalog::CatalogSnapshot& c) {
  Builder b;
  bool pg = schema.empty() || schema == "pg_catalog";
  bool info = schema == "information_schema";
  const Type i8 = Type::bigint(), i4 = Type::integer(), i2 = Type::smallint(), t = Type::text(), bl = Type::boolean();
  const Type text_array = Type::array(TypeId::kText), oid_array = Type::array(TypeId::kBigInt);
  const Type int2_array_type = Type::array(TypeId::kSmallInt);
  if (!pg && !info) return std::nullopt;
  auto nsp = [&](const std::string& s) { return oid(namespace_oid(c, s).value_or(0)); };
  if (pg && name == "pg_namespace") {
    b.col("oid", i8);
    b.col("nspname", t);
    b.col("nspowner", i8, oid(kOwnerOid));
    b.col("nspacl", text_array);
    b.row({{"oid", oid(catalog::kPgCatalogNamespaceOid)}, {"nspname", text("pg_catalog")}});
    b.row({{"oid", oid(catalog::kInformationSchemaNamespaceOid)}, {"nspname", text("information_schema")}});
    for (const auto& s : c.schemas) b.row({{"oid", nsp(s)}, {"nspname", text(s)}});
    return b.t;
  }
  if (pg && name == "pg_am") {
    b.col("oid", i8);
    b.col("amname", t);
    b.col("amhandler", i8, oid(0));
    b.col("amtype", t);
    b.row({{"oid", oid(kHeapAmOid)}, {"amname", text("heap")}, {"amtype", text("t")}});
    b.row({{"oid", oid(kBtreeAmOid)}, {"amname", text("btree")}, {"amtype", text("i")}});
    return b.t;
  }
  if (pg && name == "pg_class") {
    b.col("oid", i8);
    b.col("relname", t);
    b.col("relnamespace", i8);
    b.cols({"reltype", "reloftype", "reltablespace", "reltoastrelid", "relfilenode"}, i8, oid(0));
    b.col("relowner", i8, oid(kOwnerOid));
    b.col("relam", i8, oid(0));
    b.col("relpages", i4, int4(0));
    b.col("reltuples", Type::real(), Value::real(-1));
    b.col("relallvisible", i4, int4(0));
    b.cols({"relhasindex", "relisshared", "relhasrules", "relhastriggers", "relhassubclass", "relrowsecurity",
            "relforcerowsecurity", "relispopulated", "relispartition"},
           bl, boolean(false));
    b.col("relpersistence", t, text("p"));
    b.col("relkind", t);
    b.col("relnatts", i2, int2(0));
    b.col("relchecks", i2, int2(0));
    b.col("relreplident", t, text("d"));
    b.col("relrewrite", i8, oid(0));
    b.col("relacl", text_array);
    b.col("reloptions", text_array);
    b.col("relpartbound", t);
    std::vector<CatalogIndex> indexes = catalog_indexes(c);
    for (const auto& entry : c.tables) {
      const auto& tab = entry.second;  // not a structured binding: the lambda captures it
      bool has_index =
          std::any_of(indexes.begin(), indexes.end(), [&](const CatalogIndex& i) { return i.table == tab.get(); });
      b.row({{"oid", oid(tab->oid)},
             {"relname", text(tab->name)},
             {"relnamespace", nsp(tab->schema)},
             {"relam", oid(kHeapAmOid)},
             {"relkind", text("r")},
             {"relispopulated", boolean(true)},
             {"relchecks", int2(static_cast<int16_t>(tab->checks.size()))},
             {"relnatts", int2(static_cast<int16_t>(tab->columns.size()))},
             {"relhasindex", boolean(has_index)}});
    }
    for (const auto& [k, v] : c.views) {
      b.row({{"oid", oid(v->oid)},
             {"relname", text(v->name)},
             {"relnamespace", nsp(v->schema)},
             {"relkind", text("v")},
             {"relispopulated", boolean(true)},
             {"relnatts", int2(static_cast<int16_t>(v->column_names.size()))}});
    }
    // Streams are listed as tables (relkind 'r'): psql's \d of a foreign table
    // ('f', the closer kind) needs pg_options_to_table and pg_foreign_table.
    for (const auto& [k, st] : c.streams) {
      b.row({{"oid", oid(st->oid)},
             {"relname", text(st->name)},
             {"relnamespace", nsp(st->schema)},
             {"relkind", text("r")},
             {"relispopulated", boolean(true)},
             {"relnatts", int2(static_cast<int16_t>(st->columns.size()))}});
    }
    for (const auto& [k, mv] : c.materialized_views) {
      b.row({{"oid", oid(mv->oid)},
             {"relname", text(mv->name)},
             {"relnamespace", nsp(mv->schema)},
             {"relkind", text("m")},
             {"relispopulated", boolean(true)},
             {"relnatts", int2(static_cast<int16_t>(mv->column_names.size()))}});
    }
    for (const auto& ix : indexes) {
      b.row({{"oid", oid(ix.oid)},
             {"relname", text(ix.name)},
             {"relnamespace", nsp(ix.schema)},
             {"relam", oid(kBtreeAmOid)},
             {"relkind", text("i")},
             {"relispopulated", boolean(true)},
             {"relnatts", int2(static_cast<int16_t>(ix.columns.size() + ix.expressions.size()))}});
    }
    return b.t;
  }
  if (pg && name == "pg_attribute") {
    b.col("attrelid", i8);
    b.col("attname", t);
    b.col("atttypid", i8);
    b.col("attstattarget", i4, int4(-1));
    b.col("attlen", i2);
    b.col("attnum", i2);
    b.col("attndims", i4, int4(0));
    b.col("atttypmod", i4);
    b.col("attbyval", bl, boolean(false));
    b.col("attalign", t, text("i"));
    b.col("attstorage", t);
    b.col("attcompression", t, text(""));
    b.cols({"attnotnull", "atthasdef", "atthasmissing", "attisdropped"}, bl, boolean(false));
    b.col("attidentity", t, text(""));
    b.col("attgenerated", t, text(""));
    b.col("attislocal", bl, boolean(true));
    b.col("attinhcount", i4, int4(0));
    b.col("attcollation", i8, oid(0));
    b.col("attacl", text_array);
    b.col("attoptions", text_array);
    b.col("attfdwoptions", text_array);
    auto add = [&](int64_t rel, const std::string& col, const Type& type, size_t pos, bool not_null, bool has_def) {
      b.row({{"attrelid", oid(rel)},
             {"attname", text(col)},
             {"atttypid", oid(type.pg_oid())},
             {"atttypmod", int4(type.pg_typmod())},
             {"attnum", int2(static_cast<int16_t>(pos + 1))},
             {"attlen", int2(type.pg_typlen())},
             {"attbyval", boolean(type.pg_typlen() > 0 && type.pg_typlen() <= 8)},
             {"attstorage", text(type.pg_typlen() > 0 ? "p" : "x")},
             {"attnotnull", boolean(not_null)},
             {"atthasdef", boolean(has_def)}});
    };
    for (const auto& [k, tab] : c.tables) {
      for (size_t i = 0; i < tab->columns.size(); ++i) {
        const auto& col = tab->columns[i];
        add(tab->oid, col.name, col.type, i, col.not_null, !col.default_sql.empty());
      }
    }
    for (const auto& [k, v] : c.views) {
      for (size_t i = 0; i < v->column_names.size(); ++i)
        add(v->oid, v->column_names[i], v->column_types[i], i, false, false);
    }
    for (const auto& [k, st] : c.streams) {
      for (size_t i = 0; i < st->columns.size(); ++i)
        add(st->oid, st->columns[i].name, st->columns[i].type, i, st->columns[i].not_null, false);
    }
    for (const auto& [k, mv] : c.materialized_views) {
      for (size_t i = 0; i < mv->column_names.size(); ++i)
        add(mv->oid, mv->column_names[i], mv->column_types[i], i, false, false);
    }
    for (const auto& ix : catalog_indexes(c)) {
      if (ix.table == nullptr) continue;
      size_t pos = 0;
      for (int32_t col : ix.columns) {
        if (col < 0 || static_cast<size_t>(col) >= ix.table->columns.size()) continue;
        const auto& cd = ix.table->columns[static_cast<size_t>(col)];
        add(ix.oid, cd.name, cd.type, pos++, false, false);
      }
      for (size_t e = 0; e < ix.expressions.size(); ++e)
        add(ix.oid, fmt::format("expr{}", e ? std::to_string(e) : ""), Type::text(), pos++, false, false);
    }
    return b.t;
  }
  if (pg && name == "pg_attrdef") {
    b.col("oid", i8);
    b.col("adrelid", i8);
    b.col("adnum", i2);
    b.col("adbin", t);
    int64_t n = 1;
    for (const auto& [k, tab] : c.tables) {
      for (size_t i = 0; i < tab->columns.size(); ++i) {
        if (tab->columns[i].default_sql.empty()) continue;
        b.row({{"oid", oid(n++)},
               {"adrelid", oid(tab->oid)},
               {"adnum", int2(static_cast<int16_t>(i + 1))},
               {"adbin", text(tab->columns[i].default_sql)}});
      }
    }
    return b.t;
  }
  if (pg && name == "pg_type") {
    b.col("oid", i8);
    b.col("typname", t);
    b.col("typnamespace", i8, oid(catalog::kPgCatalogNamespaceOid));
    b.col("typowner", i8, oid(kOwnerOid));
    b.col("typlen", i2);
    b.col("typbyval", bl);
    b.col("typtype", t, text("b"));
    b.col("typcategory", t);
    b.col("typispreferred", bl, boolean(false));
    b.col("typisdefined", bl, boolean(true));
    b.col("typdelim", t, text(","));
    b.col("typrelid", i8, oid(0));
    b.col("typelem", i8, oid(0));
    b.col("typarray", i8, oid(0));
    b.col("typnotnull", bl, boolean(false));
    b.col("typbasetype", i8, oid(0));
    b.col("typtypmod", i4, int4(-1));
    b.col("typndims", i4, int4(0));
    b.col("typcollation", i8, oid(0));
    b.col("typdefault", t);
    b.col("typacl", text_array);
    const Type all[] = {Type::boolean(), Type::smallint(),         Type::integer(),     Type::bigint(),
                        Type::real(),    Type::double_precision(), Type::numeric(),     Type::text(),
                        Type::varchar(), Type(TypeId::kChar),      Type::bytea(),       Type::date(),
                        Type::time(),    Type::timestamp(),        Type::timestamptz(), Type::interval(),
                        Type::jsonb()};
    const char* names[] = {"bool", "int2", "int4", "int8", "float4", "float8", "numeric", "text", "varchar",
                           "bpchar", "bytea", "date", "time", "timestamp", "timestamptz", "interval", "jsonb"};
    const char* categories[] = {"B", "N", "N", "N", "N", "N", "N", "S", "S", "S", "U", "D", "D", "D", "D", "T", "U"};
    for (size_t i = 0; i < std::size(all); ++i) {
      Type arr = Type::array(all[i].id());
      b.row({{"oid", oid(all[i].pg_oid())},
             {"typname", text(names[i])},
             {"typlen", int2(all[i].pg_typlen())},
             {"typbyval", boolean(all[i].pg_typlen() > 0 && all[i].pg_typlen() <= 8)},
             {"typcategory", text(categories[i])},
             {"typarray", oid(arr.pg_oid())}});
      b.row({{"oid", oid(arr.pg_oid())},
             {"typname", text(std::string("_") + names[i])},
             {"typlen", int2(-1)},
             {"typbyval", boolean(false)},
             {"typcategory", text("A")},
             {"typelem", oid(all[i].pg_oid())}});
    }
    return b.t;
  }
  if (pg && name == "pg_index") {
    b.col("indexrelid", i8);
    b.col("indrelid", i8);
    b.col("indnatts", i2);
    b.col("indnkeyatts", i2);
    b.cols({"indisunique", "indnullsnotdistinct", "indisprimary", "indisexclusion"}, bl, boolean(false));
    b.col("indimmediate", bl, boolean(true));
    b.cols({"indisclustered"}, bl, boolean(false));
    b.cols({"indisvalid"}, bl, boolean(true));
    b.cols({"indcheckxmin"}, bl, boolean(false));
    b.cols({"indisready", "indislive"}, bl, boolean(true));
    b.cols({"indisreplident"}, bl, boolean(false));
    b.col("indkey", t);
    b.col("indcollation", t);
    b.col("indclass", t);
    b.col("indoption", t);
    b.col("indexprs", t);
    b.col("indpred", t);
    for (const auto& ix : catalog_indexes(c)) {
      int16_t n = static_cast<int16_t>(ix.columns.size() + ix.expressions.size());
      b.row({{"indexrelid", oid(ix.oid)},
             {"indrelid", oid(ix.table ? ix.table->oid : 0)},
             {"indnatts", int2(n)},
             {"indnkeyatts", int2(n)},
             {"indisunique", boolean(ix.unique)},
             {"indisprimary", boolean(ix.primary)},
             {"indkey", text(int2vector(ix.columns, ix.expressions.size()))}});
    }
    return b.t;
  }
  if (pg && name == "pg_constraint") {
    b.col("oid", i8);
    b.col("conname", t);
    b.col("connamespace", i8);
    b.col("contype", t);
    b.cols({"condeferrable", "condeferred"}, bl, boolean(false));
    b.col("convalidated", bl, boolean(true));
    b.col("conrelid", i8);
    b.col("contypid", i8, oid(0));
    b.col("conindid", i8, oid(0));
    b.col("conparentid", i8, oid(0));
    b.col("confrelid", i8, oid(0));
    b.col("confupdtype", t, text(" "));
    b.col("confdeltype", t, text(" "));
    b.col("confmatchtype", t, text(" "));
    b.col("conislocal", bl, boolean(true));
    b.col("coninhcount", i4, int4(0));
    b.col("connoinherit", bl, boolean(false));
    b.col("conkey", int2_array_type);
    b.col("confkey", int2_array_type);
    b.col("conbin", t);
    for (const auto& k : catalog_constraints(c)) {
      b.row({{"oid", oid(k.oid)},
             {"conname", text(k.name)},
             {"connamespace", nsp(k.table->schema)},
             {"contype", text(std::string(1, k.type))},
             {"conrelid", oid(k.table->oid)},
             {"conindid", oid(k.index_oid)},
             {"conkey", k.type == 'c' ? Value::null(int2_array_type) : int2_array(k.columns)},
             {"conbin", k.type == 'c' ? text(k.check_sql) : null_text()}});
    }
    return b.t;
  }
  if (pg && name == "pg_description") {
    b.col("objoid", i8);
    b.col("classoid", i8);
    b.col("objsubid", i4);
    b.col("description", t);
    for (const auto& [k, tab] : c.tables) {
      if (!tab->comment.empty()) {
        b.row({{"objoid", oid(tab->oid)},
               {"classoid", oid(kPgClassOid)},
               {"objsubid", int4(0)},
               {"description", text(tab->comment)}});
      }
      for (size_t i = 0; i < tab->columns.size(); ++i) {
        if (tab->columns[i].comment.empty()) continue;
        b.row({{"objoid", oid(tab->oid)},
               {"classoid", oid(kPgClassOid)},
               {"objsubid", int4(static_cast<int32_t>(i + 1))},
               {"description", text(tab->columns[i].comment)}});
      }
    }
    for (const auto& [k, v] : c.views) {
      if (!v->comment.empty()) {
        b.row({{"objoid", oid(v->oid)},
               {"classoid", oid(kPgClassOid)},
               {"objsubid", int4(0)},
               {"description", text(v->comment)}});
      }
    }
    return b.t;
  }
  if (pg && name == "pg_database") {
    b.col("oid", i8);
    b.col("datname", t);
    b.col("datdba", i8, oid(kOwnerOid));
    b.col("encoding", i4, int4(6));
    b.col("datlocprovider", t, text("c"));
    b.col("datistemplate", bl, boolean(false));
    b.col("datallowconn", bl, boolean(true));
    b.col("datconnlimit", i4, int4(-1));
    b.col("dattablespace", i8, oid(kDefaultTablespaceOid));
    b.col("datcollate", t, text("C"));
    b.col("datctype", t, text("C"));
    b.col("daticulocale", t);
    b.col("datcollversion", t);
    b.col("datacl", text_array);
    b.row({{"oid", oid(kDatabaseOid)}, {"datname", text("strata")}});
    return b.t;
  }
  if (pg && name == "pg_tablespace") {
    b.col("oid", i8);
    b.col("spcname", t);
    b.col("spcowner", i8, oid(kOwnerOid));
    b.col("spcacl", text_array);
    b.col("spcoptions", text_array);
    b.row({{"oid", oid(kDefaultTablespaceOid)}, {"spcname", text("pg_default")}});
    b.row({{"oid", oid(1664)}, {"spcname", text("pg_global")}});
    return b.t;
  }
  if (pg && name == "pg_collation") {
    b.col("oid", i8);
    b.col("collname", t);
    b.col("collnamespace", i8, oid(catalog::kPgCatalogNamespaceOid));
    b.col("collowner", i8, oid(kOwnerOid));
    b.col("collprovider", t);
    b.col("collisdeterministic", bl, boolean(true));
    b.col("collencoding", i4, int4(-1));
    b.col("collcollate", t);
    b.col("collctype", t);
    b.row({{"oid", oid(100)}, {"collname", text("default")}, {"collprovider", text("d")}});
    b.row({{"oid", oid(950)},
           {"collname", text("C")},
           {"collprovider", text("c")},
           {"collcollate", text("C")},
           {"collctype", text("C")}});
    b.row({{"oid", oid(951)},
           {"collname", text("POSIX")},
           {"collprovider", text("c")},
           {"collcollate", text("POSIX")},
           {"collctype", text("POSIX")}});
    return b.t;
  }
  if (pg && (name == "pg_roles" || name == "pg_user" || name == "pg_authid")) {
    bool user = name == "pg_user";
    b.col(user ? "usesysid" : "oid", i8);
    b.col(user ? "usename" : "rolname", t);
    b.col(user ? "usesuper" : "rolsuper", bl);
    for (const char* n :
         {"rolinherit", "rolcreaterole", "rolcreatedb", "rolcanlogin", "rolreplication", "rolbypassrls"}) {
      b.col(user ? std::string("use") + (n + 3) : n, bl, boolean(true));
    }
    if (!user) b.col("rolconnlimit", i4, int4(-1));
    b.col(user ? "passwd" : "rolpassword", t, text("********"));
    b.col(user ? "valuntil" : "rolvaliduntil", Type::timestamptz());
    b.col(user ? "useconfig" : "rolconfig", text_array);
    b.row({{user ? "usesysid" : "oid", oid(kOwnerOid)},
           {user ? "usename" : "rolname", text("strata")},
           {user ? "usesuper" : "rolsuper", boolean(true)}});
    return b.t;
  }
  if (pg && name == "pg_views") {
    b.col("schemaname", t);
    b.col("viewname", t);
    b.col("viewowner", t, text("strata"));
    b.col("definition", t);
    for (const auto& [k, v] : c.views) {
      b.row({{"schemaname", text(v->schema)}, {"viewname", text(v->name)}, {"definition", text(v->query_sql)}});
    }
    return b.t;
  }
  if (pg && name == "pg_tables") {
    b.col("schemaname", t);
    b.col("tablename", t);
    b.col("tableowner", t, text("strata"));
    b.col("tablespace", t);
    b.col("hasindexes", bl);
    b.cols({"hasrules", "hastriggers", "rowsecurity"}, bl, boolean(false));
    std::vector<CatalogIndex> indexes = catalog_indexes(c);
    for (const auto& entry : c.tables) {
      const auto& tab = entry.second;  // not a structured binding: the lambda captures it
      bool has_index =
          std::any_of(indexes.begin(), indexes.end(), [&](const CatalogIndex& i) { return i.table == tab.get(); });
      b.row({{"schemaname", text(tab->schema)}, {"tablename", text(tab->name)}, {"hasindexes", boolean(has_index)}});
    }
    return b.t;
  }
  if (pg && name == "pg_indexes") {
    b.col("schemaname", t);
    b.col("tablename", t);
    b.col("indexname", t);
    b.col("tablespace", t);
    b.col("indexdef", t);
    for (const auto& ix : catalog_indexes(c)) {
      if (ix.table == nullptr) continue;
      b.row({{"schemaname", text(ix.schema)},
             {"tablename", text(ix.table->name)},
             {"indexname", text(ix.name)},
             {"indexdef", text(index_definition(c, ix.oid, 0).value_or(""))}});
    }
    return b.t;
  }
  // Empty catalogs psql and drivers read: Strata has no inheritance, row security,
  // extended statistics, publications, rules, triggers, extensions or roles
  // besides its one user.
  if (pg && name == "pg_inherits") {
    b.cols({"inhrelid", "inhparent"}, i8);
    b.col("inhseqno", i4);
    b.col("inhdetachpending", bl);
    return b.t;
  }
  if (pg && name == "pg_policy") {
    b.col("oid", i8);
    b.col("polname", t);
    b.col("polrelid", i8);
    b.col("polcmd", t);
    b.col("polpermissive", bl);
    b.col("polroles", oid_array);
    b.col("polqual", t);
    b.col("polwithcheck", t);
    return b.t;
  }
  if (pg && name == "pg_statistic_ext") {
    b.cols({"oid", "stxrelid"}, i8);
    b.col("stxname", t);
    b.cols({"stxnamespace", "stxowner"}, i8);
    b.col("stxstattarget", i4);
    b.col("stxkeys", t);
    b.col("stxkind", text_array);
    b.col("stxexprs", t);
    return b.t;
  }
  if (pg && name == "pg_publication") {
    b.col("oid", i8);
    b.col("pubname", t);
    b.col("pubowner", i8);
    b.cols({"puballtables", "pubinsert", "pubupdate", "pubdelete", "pubtruncate", "pubviaroot"}, bl);
    return b.t;
  }
  if (pg && name == "pg_publication_namespace") {
    b.cols({"oid", "pnpubid", "pnnspid"}, i8);
    return b.t;
  }
  if (pg && name == "pg_publication_rel") {
    b.cols({"oid", "prpubid", "prrelid"}, i8);
    b.col("prqual", t);
    b.col("prattrs", int2_array_type);
    return b.t;
  }
  if (pg && name == "pg_rewrite") {
    b.col("oid", i8);
    b.col("rulename", t);
    b.col("ev_class", i8);
    b.col("ev_type", t);
    b.col("ev_enabled", t);
    b.col("is_instead", bl);
    b.col("ev_qual", t);
    b.col("ev_action", t);
    return b.t;
  }
  if (pg && name == "pg_trigger") {
    b.cols({"oid", "tgrelid", "tgparentid"}, i8);
    b.col("tgname", t);
    b.col("tgfoid", i8);
    b.col("tgtype", i2);
    b.col("tgenabled", t);
    b.col("tgisinternal", bl);
    b.cols({"tgconstrrelid", "tgconstrindid", "tgconstraint"}, i8);
    return b.t;
  }
  if (pg && name == "pg_extension") {
    b.col("oid", i8);
    b.col("extname", t);
    b.cols({"extowner", "extnamespace"}, i8);
    b.col("extrelocatable", bl);
    b.col("extversion", t);
    b.col("extconfig", oid_array);
    b.col("extcondition", text_array);
    return b.t;
  }
  if (pg && name == "pg_auth_members") {
    b.cols({"oid", "roleid", "member", "grantor"}, i8);
    b.col("admin_option", bl);
    return b.t;
  }
  if (pg && name == "pg_proc") {
    b.col("oid", i8);
    b.col("proname", t);
    b.cols({"pronamespace", "proowner", "prolang", "provariadic", "prorettype"}, i8);
    b.col("prokind", t);
    b.cols({"prosecdef", "proleakproof", "proisstrict", "proretset"}, bl);
    b.col("provolatile", t);
    b.col("pronargs", i2);
    b.col("proargtypes", t);
    b.col("proargnames", text_array);
    b.col("prosrc", t);
    b.col("proacl", text_array);
    return b.t;
  }
  if (info && name == "schemata") {
    b.col("catalog_name", t, text("strata"));
    b.col("schema_name", t);
    b.col("schema_owner", t, text("strata"));
    for (const char* s : {"pg_catalog", "information_schema"}) b.row({{"schema_name", text(s)}});
    for (const auto& s : c.schemas) b.row({{"schema_name", text(s)}});
    return b.t;
  }
  if (info && (name == "tables" || name == "views")) {
    b.col("table_catalog", t, text("strata"));
    b.col("table_schema", t);
    b.col("table_name", t);
    if (name == "tables") {
      b.col("table_type", t);
      for (const auto& [k, tab] : c.tables) {
        b.row(
            {{"table_schema", text(tab->schema)}, {"table_name", text(tab->name)}, {"table_type", text("BASE TABLE")}});
      }
      for (const auto& [k, v] : c.views) {
        b.row({{"table_schema", text(v->schema)}, {"table_name", text(v->name)}, {"table_type", text("VIEW")}});
      }
    } else {
      b.col("view_definition", t);
      for (const auto& [k, v] : c.views) {
        b.row({{"table_schema", text(v->schema)},
               {"table_name", text(v->name)},
               {"view_definition", text(v->query_sql)}});
      }
    }
    return b.t;
  }
  if (info && name == "columns") {
    b.col("table_catalog", t, text("strata"));
    b.col("table_schema", t);
    b.col("table_name", t);
    b.col("column_name", t);
    b.col("ordinal_position", i4);
    b.col("column_default", t);
    b.col("is_nullable", t);
    b.col("data_type", t);
    b.col("character_maximum_length", i4);
    b.col("numeric_precision", i4);
    b.col("numeric_scale", i4);
    auto add = [&](const std::string& s, const std::string& tn, const std::string& col, size_t pos, const Type& type,
                   const std::string& def, bool not_null) {
      std::string data_type = type.is_array() ? "ARRAY" : type.name();
      auto paren = data_type.find('(');
      if (paren != std::string::npos) data_type = data_type.substr(0, paren);
      bool chars = type.id() == TypeId::kVarchar || type.id() == TypeId::kChar;
      bool num = type.id() == TypeId::kNumeric;
      b.row({{"table_schema", text(s)},
             {"table_name", text(tn)},
             {"column_name", text(col)},
             {"ordinal_position", int4(static_cast<int32_t>(pos + 1))},
             {"column_default", def.empty() ? null_text() : text(def)},
             {"is_nullable", text(not_null ? "NO" : "YES")},
             {"data_type", text(data_type)},
             {"character_maximum_length", chars && type.has_modifier() ? int4(type.length()) : Value::null(i4)},
             {"numeric_precision", num && type.has_modifier() ? int4(type.precision()) : Value::null(i4)},
             {"numeric_scale", num && type.has_modifier() ? int4(type.scale()) : Value::null(i4)}});
    };
    for (const auto& [k, tab] : c.tables) {
      for (size_t i = 0; i < tab->columns.size(); ++i) {
        add(tab->schema, tab->name, tab->columns[i].name, i, tab->columns[i].type, tab->columns[i].default_sql,
            tab->columns[i].not_null);
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
