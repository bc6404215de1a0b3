// Casts written as function calls, as PostgreSQL accepts them for type names:
// int4(x), float8(x), numeric(x), text(x), date(x), timestamp(x), ... Each is an
// explicit CAST (types::cast_vector) from any type that has one.
#include <fmt/format.h>

#include "exec/functions_common.h"
#include "types/cast.h"

namespace strata::exec::fn {

void register_cast_functions(FunctionRegistry& r) {
  struct CastName {
    const char* name;
    Type type;
  };
  const CastName kCasts[] = {
      {"int2", Type::smallint()},
      {"int4", Type::integer()},
      {"int8", Type::bigint()},
      {"float4", Type::real()},
      {"float8", Type::double_precision()},
      {"numeric", Type::numeric()},
      {"text", Type::text()},
      {"varchar", Type::varchar()},
      {"bool", Type::boolean()},
      {"date", Type::date()},
      {"time", Type::time()},
      {"timestamp", Type::timestamp()},
      {"timestamptz", Type::timestamptz()},
      {"interval", Type::interval()},
      {"bytea", Type::bytea()},
      {"jsonb", Type::jsonb()},
  };
  for (const CastName& c : kCasts) {
    ScalarFunction f;
    f.name = c.name;
    f.args = {Type::unknown()};
    f.return_type = c.type;
    Type to = c.type;
    f.bind = [to](const std::vector<Type>& args) -> Result<Type> {
      if (!types::cast_exists(args[0], to)) {
        return Status::sql("42846", fmt::format("cannot cast type {} to {}", args[0].name(), to.name()));
      }
      return to;
    };
    f.kernel = [to](const FunctionContext&, const Args& a, size_t n, Vector& out) -> Status {
      Vector tmp;  // cast_vector leaves NULL rows NULL without reading them
      STRATA_RETURN_IF_ERROR(types::cast_vector(*a[0], to, tmp, types::CastMode::kExplicit));
      for (size_t i = 0; i < n; ++i) out.copy_row(tmp, i, i);
      return Status::ok_status();
    };
    r.add_scalar(std::move(f));
  }
}

}  // namespace strata::exec::fn
