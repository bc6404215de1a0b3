#include "types/type.h"

#include <fmt/format.h>

#include <string_view>

namespace strata::types {

namespace {

// pg_type's array types (typarray of each element type).
struct ArrayOid {
  TypeId element;
  uint32_t oid;
};
constexpr ArrayOid kArrayOids[] = {
    {TypeId::kBoolean, 1000}, {TypeId::kSmallInt, 1005},  {TypeId::kInteger, 1007},     {TypeId::kBigInt, 1016},
    {TypeId::kReal, 1021},    {TypeId::kDouble, 1022},    {TypeId::kNumeric, 1231},     {TypeId::kText, 1009},
    {TypeId::kVarchar, 1015}, {TypeId::kChar, 1014},      {TypeId::kBytea, 1001},       {TypeId::kDate, 1182},
    {TypeId::kTime, 1183},    {TypeId::kTimestamp, 1115}, {TypeId::kTimestampTz, 1185}, {TypeId::kInterval, 1187},
    {TypeId::kJsonb, 3807},
};

}  // namespace

size_t Type::physical_size() const {
  switch (id_) {
    case TypeId::kUnknown:
    case TypeId::kBoolean: return 1;
    case TypeId::kSmallInt: return 2;
    case TypeId::kInteger:
    case TypeId::kDate:
    case TypeId::kReal: return 4;
    case TypeId::kBigInt:
    case TypeId::kDouble:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return 8;
    case TypeId::kInterval: return sizeof(Interval);
    case TypeId::kNumeric: return sizeof(Decimal);
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar:
    case TypeId::kBytea:
    case TypeId::kJsonb:
    case TypeId::kArray:
      return sizeof(std::string_view);
  }
  return 1;
}

std::string Type::name() const {
  switch (id_) {
    case TypeId::kUnknown: return "unknown";
    case TypeId::kBoolean: return "boolean";
    case TypeId::kSmallInt: return "smallint";
    case TypeId::kInteger: return "integer";
    case TypeId::kBigInt: return "bigint";
    case TypeId::kReal: return "real";
    case TypeId::kDouble: return "double precision";
    case TypeId::kNumeric:
      if (!has_modifier()) return "numeric";
      return fmt::format("numeric({},{})", precision_, scale_);
    case TypeId::kText: return "text";
    case TypeId::kVarchar:
      if (!has_modifier()) return "character varying";
      return fmt::format("character varying({})", precision_);
    case TypeId::kChar:
      if (!has_modifier()) return "character";
      return fmt::format("character({})", precision_);
    case TypeId::kBytea: return "bytea";
    case TypeId::kDate: return "date";
    case TypeId::kTime: return "time without time zone";
    case TypeId::kTimestamp: return "timestamp without time zone";
    case TypeId::kTimestampTz: return "timestamp with time zone";
    case TypeId::kInterval: return "interval";
    case TypeId::kJsonb: return "jsonb";
    case TypeId::kArray:
      return element().name() + "[]";
  }
  return "unknown";
}

uint32_t Type::pg_oid() const {
  switch (id_) {
    case TypeId::kUnknown: return 705;
    case TypeId::kBoolean: return 16;
    case TypeId::kSmallInt: return 21;
    case TypeId::kInteger: return 23;
    case TypeId::kBigInt: return 20;
    case TypeId::kReal: return 700;
    case TypeId::kDouble: return 701;
    case TypeId::kNumeric: return 1700;
    case TypeId::kText: return 25;
    case TypeId::kVarchar: return 1043;
    case TypeId::kChar: return 1042;
    case TypeId::kBytea: return 17;
    case TypeId::kDate: return 1082;
    case TypeId::kTime: return 1083;
    case TypeId::kTimestamp: return 1114;
    case TypeId::kTimestampTz: return 1184;
    case TypeId::kInterval: return 1186;
    case TypeId::kJsonb: return 3802;
    case TypeId::kArray:
      for (const ArrayOid& a : kArrayOids) {
        if (a.element == element().id()) return a.oid;
      }
      return 1009;  // text[]
  }
  return 705;
}

int32_t Type::pg_typmod() const {
  // PostgreSQL adds VARHDRSZ (4) to character lengths and packs numeric's precision
  // and scale as ((p << 16) | s) + 4.
  switch (id_) {
    case TypeId::kVarchar:
    case TypeId::kChar: return has_modifier() ? precision_ + 4 : -1;
    case TypeId::kNumeric: return has_modifier() ? ((precision_ << 16) | scale_) + 4 : -1;
    default: return -1;
  }
}

int16_t Type::pg_typlen() const {
  switch (id_) {
    case TypeId::kBoolean: return 1;
    case TypeId::kSmallInt: return 2;
    case TypeId::kInteger:
    case TypeId::kReal:
    case TypeId::kDate: return 4;
    case TypeId::kBigInt:
    case TypeId::kDouble:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return 8;
    case TypeId::kInterval: return 16;
    case TypeId::kUnknown: return -2;
    default: return -1;
  }
}

namespace {

Status no_such_type(std::string_view name) {
  return Status::sql("42704", fmt::format("type \"{}\" does not exist", name));
}

Status bad_modifier(std::string_view what) { return Status::sql("22023", std::string(what)); }

}  // namespace

Result<Type> type_from_name(std::string_view name, const int32_t* modifiers, size_t modifier_count) {
  if (name.starts_with("pg_catalog.")) name.remove_prefix(11);
  struct Alias {
    std::string_view name;
    TypeId id;
  };
  static constexpr Alias kAliases[] = {
      {"boolean", TypeId::kBoolean},
      {"bool", TypeId::kBoolean},
      {"smallint", TypeId::kSmallInt},
      {"int2", TypeId::kSmallInt},
      {"integer", TypeId::kInteger},
      {"int", TypeId::kInteger},
      {"int4", TypeId::kInteger},
      {"bigint", TypeId::kBigInt},
      {"int8", TypeId::kBigInt},
      {"real", TypeId::kReal},
      {"float4", TypeId::kReal},
      {"double precision", TypeId::kDouble},
      {"float8", TypeId::kDouble},
      {"double", TypeId::kDouble},
      {"numeric", TypeId::kNumeric},
      {"decimal", TypeId::kNumeric},
      {"text", TypeId::kText},
      {"string", TypeId::kText},
      {"varchar", TypeId::kVarchar},
      {"character varying", TypeId::kVarchar},
      {"char varying", TypeId::kVarchar},
      {"char", TypeId::kChar},
      {"character", TypeId::kChar},
      {"bpchar", TypeId::kChar},
      {"bytea", TypeId::kBytea},
      {"date", TypeId::kDate},
      {"time", TypeId::kTime},
      {"time without time zone", TypeId::kTime},
      {"timestamp", TypeId::kTimestamp},
      {"timestamp without time zone", TypeId::kTimestamp},
      {"timestamptz", TypeId::kTimestampTz},
      {"timestamp with time zone", TypeId::kTimestampTz},
      {"interval", TypeId::kInterval},
      {"jsonb", TypeId::kJsonb},
      {"json", TypeId::kJsonb},
      // pg_catalog's oid and name, as the system tables give them.
      {"oid", TypeId::kBigInt},
      {"name", TypeId::kText},
  };
  for (const Alias& a : kAliases) {
    if (a.name != name) continue;
    switch (a.id) {
      case TypeId::kNumeric: {
        if (modifier_count == 0) return Type::numeric();
        if (modifier_count > 2) return bad_modifier("invalid NUMERIC type modifier");
        int32_t p = modifiers[0];
        int32_t s = modifier_count == 2 ? modifiers[1] : 0;
        if (p < 1 || p > 38) {
          return bad_modifier(fmt::format("NUMERIC precision {} must be between 1 and 38", p));
        }
        if (s < 0 || s > p) {
          return bad_modifier(fmt::format("NUMERIC scale {} must be between 0 and precision {}", s, p));
        }
        return Type::numeric(p, s);
      }
      case TypeId::kVarchar:
      case TypeId::kChar: {
        if (modifier_count == 0) return a.id == TypeId::kChar && name != "bpchar" ? Type::character(1)
                                                                             : Type(a.id);
        if (modifier_count > 1) return bad_modifier("invalid type modifier");
        if (modifiers[0] < 1 || modifiers[0] > 10 * 1024 * 1024) {
          return bad_modifier(fmt::format("length for type {} must be between 1 and 10485760",
                                          a.id == TypeId::kChar ? "char" : "varchar"));
        }
        return Type(a.id, modifiers[0]);
      }
      case TypeId::kTime:
      case TypeId::kTimestamp:
      case TypeId::kTimestampTz:
      case TypeId::kInterval:
        // Fractional-second precision modifiers are accepted; values keep microseconds.
        return Type(a.id);
      default:
        if (modifier_count != 0) return bad_modifier(fmt::format("type {} takes no modifiers", name));
        return Type(a.id);
    }
  }
  if (name == "float") {
    // float(p): p <= 24 is real, else double precision (PostgreSQL's rule).
    if (modifier_count == 1 && modifiers[0] >= 1 && modifiers[0] <= 24) return Type::real();
    return Type::double_precision();
  }
  return no_such_type(name);
}

Type type_from_pg_oid(uint32_t oid) {
  switch (oid) {
    case 16: return Type::boolean();
    case 21: return Type::smallint();
    case 23: return Type::integer();
    case 20: return Type::bigint();
    case 700: return Type::real();
    case 701: return Type::double_precision();
    case 1700: return Type::numeric();
    case 25: return Type::text();
    case 1043: return Type::varchar();
    case 1042: return Type(TypeId::kChar);
    case 17: return Type::bytea();
    case 1082: return Type::date();
    case 1083: return Type::time();
    case 1114: return Type::timestamp();
    case 1184: return Type::timestamptz();
    case 1186: return Type::interval();
    case 3802:
    case 114: return Type::jsonb();
    default:
      for (const ArrayOid& a : kArrayOids) {
        if (a.oid == oid) return Type::array(a.element);
      }
      return Type::unknown();
  }
}

bool same_physical(const Type& a, const Type& b) {
  if (a.is_array() || b.is_array()) return a == b;
  if (a.id() == b.id()) return true;
  return a.is_string_like() && b.is_string_like();
}

}  // namespace strata::types
