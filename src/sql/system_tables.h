// System tables: the parts of PostgreSQL's pg_catalog and information_schema that
// clients (psql's \d family, drivers, BI tools) read, computed from a catalog
// snapshot when a query names them. Read-only; OIDs are our catalog's OIDs; oid
// columns are bigint.
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

}  // namespace strata::sql
