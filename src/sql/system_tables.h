// System tables: the parts of PostgreSQL's pg_catalog and information_schema that
// clients (psql's \d family, drivers, BI tools) read, computed from a catalog
// snapshot when a query names them. Read-only; OIDs are our catalog's OIDs; oid
// columns are bigint, array columns (reloptions, polroles, ...) are arrays.
//
// Also the catalog lookups that pg_catalog's functions share with these tables
// (regclass input and output, pg_get_indexdef, pg_get_constraintdef,
// obj_description): objects PostgreSQL keeps in pg_constraint and pg_index but our
// catalog keeps inside a TableDef get derived OIDs (see kConstraintOidBase).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "types/type.h"
#include "types/value.h"

namespace strata::sql {

struct SystemTable {
  std::vector<std::string> column_names;
  std::vector<types::Type> column_types;
  std::vector<std::vector<types::Value>> rows;
};

// The rows of `schema.name` ("pg_catalog" or "information_schema"), or nullopt when
// it is not a system table we provide. An unqualified name (schema "") finds
// pg_catalog tables, as PostgreSQL's search path does.
std::optional<SystemTable> system_table(std::string_view schema, std::string_view name,
                                        const catalog::CatalogSnapshot& catalog);

// Derived OIDs: a CHECK or UNIQUE constraint k of table t is kConstraintOidBase +
// t * 256 + k (k < 256), the index of a UNIQUE constraint that has no index of its
// own kUniqueIndexOidBase + t * 256 + k; a PRIMARY KEY constraint shares its index's
// OID. Above every allocated OID (those are 32-bit).
inline constexpr int64_t kConstraintOidBase = int64_t{1} << 40;
inline constexpr int64_t kUniqueIndexOidBase = int64_t{2} << 40;

// A relation's OID by (schema, name); schema "" searches public then pg_catalog.
std::optional<int64_t> relation_oid(const catalog::CatalogSnapshot& c, std::string_view schema, std::string_view name);
std::optional<int64_t> namespace_oid(const catalog::CatalogSnapshot& c, std::string_view schema);
// The schema's name, or nullopt.
std::optional<std::string> namespace_name(const catalog::CatalogSnapshot& c, int64_t oid);
// A relation's name as regclass prints it: qualified unless in public or pg_catalog,
// quoted when needed; nullopt for an unknown OID.
std::optional<std::string> relation_name(const catalog::CatalogSnapshot& c, int64_t oid);

// The schema of a table, view or index, or nullopt for an unknown OID.
std::optional<std::string> relation_schema(const catalog::CatalogSnapshot& c, int64_t oid);

// An index as pg_index shows it: one of the catalog's, or the implicit index of a
// UNIQUE constraint.
struct CatalogIndex {
  int64_t oid = 0;
  const catalog::TableDef* table = nullptr;
  std::string schema;
  std::string name;
  std::vector<int32_t> columns;          // table positions, then
  std::vector<std::string> expressions;  // expression keys
  bool unique = false;
  bool primary = false;
};
std::vector<CatalogIndex> catalog_indexes(const catalog::CatalogSnapshot& c);

// A constraint as pg_constraint shows it: 'p' primary key, 'u' unique, 'c' check.
struct CatalogConstraint {
  int64_t oid = 0;
  const catalog::TableDef* table = nullptr;
  std::string name;
  char type = 'c';
  int64_t index_oid = 0;         // 'p' and 'u'
  std::vector<int32_t> columns;  // 'p' and 'u'
  std::string check_sql;         // 'c'
};
std::vector<CatalogConstraint> catalog_constraints(const catalog::CatalogSnapshot& c);

// pg_get_indexdef(oid, column, pretty): column 0 gives the CREATE INDEX statement,
// column k > 0 that key's column name or expression. nullopt for an unknown OID.
std::optional<std::string> index_definition(const catalog::CatalogSnapshot& c, int64_t oid, int32_t column);
// pg_get_constraintdef: "PRIMARY KEY (id)", "UNIQUE (a, b)", "CHECK (x > 0)".
std::optional<std::string> constraint_definition(const catalog::CatalogSnapshot& c, int64_t oid);
// The COMMENT ON text of a relation (subid 0) or of its column subid (1-based).
std::optional<std::string> object_description(const catalog::CatalogSnapshot& c, int64_t oid, int32_t subid);
// A view's defining query, as pg_get_viewdef returns it.
std::optional<std::string> view_definition(const catalog::CatalogSnapshot& c, int64_t oid);

}  // namespace strata::sql
