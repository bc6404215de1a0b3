#include "sql/function_registry.h"

#include <gtest/gtest.h>

namespace strata::sql {
namespace {

using types::Type;
using types::TypeId;

// A registry with PostgreSQL-like overload sets and kernels that do nothing: these
// tests only exercise resolution.
class FunctionRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Type numerics[] = {Type::smallint(), Type::integer(), Type::bigint(),
                             Type::numeric(),  Type::real(),    Type::double_precision()};
    for (const Type& t : numerics) {
      add("+", {t, t}, t);
      add("=", {t, t}, Type::boolean());
      add("-", {t}, t);
      add("abs", {t}, t);
    }
    add("+", {Type::real(), Type::double_precision()}, Type::double_precision());
    add("+", {Type::double_precision(), Type::real()}, Type::double_precision());
    add("=", {Type::text(), Type::text()}, Type::boolean());
    add("=", {Type::date(), Type::date()}, Type::boolean());
    add("=", {Type::timestamp(), Type::timestamp()}, Type::boolean());
    add("=", {Type::timestamptz(), Type::timestamptz()}, Type::boolean());
    add("||", {Type::text(), Type::text()}, Type::text());
    add("||", {Type::text(), Type::unknown()}, Type::text());
    add("||", {Type::unknown(), Type::text()}, Type::text());
    add("length", {Type::text()}, Type::integer());
    add("length", {Type::bytea()}, Type::integer());
    add("round", {Type::double_precision()}, Type::double_precision());
    add("round", {Type::numeric()}, Type::numeric());
    add("round", {Type::numeric(), Type::integer()}, Type::numeric());
    add("date_trunc", {Type::text(), Type::timestamp()}, Type::timestamp());
    add("date_trunc", {Type::text(), Type::timestamptz()}, Type::timestamptz());
    add("date_trunc", {Type::text(), Type::interval()}, Type::interval());
    ScalarFunction concat;
    concat.name = "concat";
    concat.args = {Type::unknown()};
    concat.variadic = true;
    concat.return_type = Type::text();
    concat.strict = false;
    reg.add_scalar(concat);
    ScalarFunction sum;
    sum.name = "numeric_passthrough";
    sum.args = {Type::numeric()};
    sum.bind = [](const std::vector<Type>& args) -> Result<Type> { return args[0]; };
    reg.add_scalar(sum);

    AggregateFunction count_star;
    count_star.name = "count";
    count_star.return_type = Type::bigint();
    reg.add_aggregate(count_star);
    AggregateFunction count_any = count_star;
    count_any.args = {Type::unknown()};
    reg.add_aggregate(count_any);
    for (const Type& t : {Type::integer(), Type::bigint(), Type::numeric(), Type::double_precision()}) {
      AggregateFunction s;
      s.name = "sum";
      s.args = {t};
      s.return_type = t.id() == TypeId::kInteger ? Type::bigint() : t.id() == TypeId::kBigInt ? Type::numeric() : t;
      reg.add_aggregate(s);
    }
  }

  void add(const char* name, std::vector<Type> args, Type ret) {
    ScalarFunction f;
    f.name = name;
    f.args = std::move(args);
    f.return_type = ret;
    reg.add_scalar(std::move(f));
  }

  // The parameter types of the resolved overload, or the error's SQLSTATE.
  std::string resolve(const char* name, const std::vector<Type>& args) {
    Result<ScalarMatch> m = reg.resolve_scalar(name, args);
    if (!m.ok()) return std::string(m.status().sqlstate()) + ": " + m.status().message();
    std::string s;
    for (const Type& t : m->function->args) s += (s.empty() ? "" : ",") + t.name();
    return s + " -> " + m->return_type.name();
  }

  FunctionRegistry reg;
};

TEST_F(FunctionRegistryTest, ExactMatchWins) {
  EXPECT_EQ(resolve("+", {Type::integer(), Type::integer()}), "integer,integer -> integer");
  EXPECT_EQ(resolve("+", {Type::numeric(10, 2), Type::numeric(5, 1)}), "numeric,numeric -> numeric");
  EXPECT_EQ(resolve("-", {Type::bigint()}), "bigint -> bigint");
}

TEST_F(FunctionRegistryTest, NumericPromotion) {
  EXPECT_EQ(resolve("+", {Type::smallint(), Type::integer()}), "integer,integer -> integer");
  EXPECT_EQ(resolve("+", {Type::integer(), Type::bigint()}), "bigint,bigint -> bigint");
  EXPECT_EQ(resolve("+", {Type::integer(), Type::numeric()}), "numeric,numeric -> numeric");
  EXPECT_EQ(resolve("+", {Type::integer(), Type::double_precision()}),
            "double precision,double precision -> double precision");
  EXPECT_EQ(resolve("+", {Type::numeric(), Type::double_precision()}),
            "double precision,double precision -> double precision");
  // real + integer: PostgreSQL picks float48pl (the preferred double precision at the
  // converted position).
  EXPECT_EQ(resolve("+", {Type::real(), Type::integer()}), "real,double precision -> double precision");
}

TEST_F(FunctionRegistryTest, UnknownLiterals) {
  // integer = '1': the literal takes the other side's type.
  EXPECT_EQ(resolve("=", {Type::integer(), Type::unknown()}), "integer,integer -> boolean");
  EXPECT_EQ(resolve("=", {Type::date(), Type::unknown()}), "date,date -> boolean");
  // 'a' = 'b' and 'a' || 'b': text is preferred.
  EXPECT_EQ(resolve("=", {Type::unknown(), Type::unknown()}), "text,text -> boolean");
  EXPECT_EQ(resolve("||", {Type::unknown(), Type::unknown()}), "text,text -> text");
  EXPECT_EQ(resolve("length", {Type::unknown()}), "text -> integer");
  // round('2.5') is ambiguous between the numeric and double overloads in a category
  // that is not string; PostgreSQL picks the preferred double precision.
  EXPECT_EQ(resolve("round", {Type::unknown()}), "double precision -> double precision");
  EXPECT_EQ(resolve("date_trunc", {Type::unknown(), Type::timestamp()}),
            "text,timestamp without time zone -> timestamp without time zone");
}

TEST_F(FunctionRegistryTest, CharacterTypesActAsText) {
  EXPECT_EQ(resolve("=", {Type::varchar(10), Type::text()}), "text,text -> boolean");
  EXPECT_EQ(resolve("=", {Type::varchar(), Type::unknown()}), "text,text -> boolean");
  EXPECT_EQ(resolve("length", {Type::character(3)}), "text -> integer");
  EXPECT_EQ(resolve("||", {Type::varchar(), Type::varchar()}), "text,text -> text");
}

TEST_F(FunctionRegistryTest, AnyNonTextConcatenation) {
  EXPECT_EQ(resolve("||", {Type::text(), Type::integer()}), "text,unknown -> text");
  EXPECT_EQ(resolve("||", {Type::integer(), Type::text()}), "unknown,text -> text");
  EXPECT_EQ(resolve("||", {Type::unknown(), Type::integer()}), "text,unknown -> text");
  Result<ScalarMatch> m = reg.resolve_scalar("||", {Type::text(), Type::integer()});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->arg_types[1], Type::integer());  // "any" keeps the argument's type
}

TEST_F(FunctionRegistryTest, DateTimePromotion) {
  EXPECT_EQ(resolve("=", {Type::date(), Type::timestamp()}),
            "timestamp without time zone,timestamp without time zone -> boolean");
  EXPECT_EQ(resolve("=", {Type::timestamp(), Type::timestamptz()}),
            "timestamp with time zone,timestamp with time zone -> boolean");
  EXPECT_EQ(resolve("date_trunc", {Type::text(), Type::date()}),
            "text,timestamp with time zone -> timestamp with time zone");
}

TEST_F(FunctionRegistryTest, ErrorsUsePostgresWording) {
  EXPECT_EQ(resolve("+", {Type::integer(), Type::text()}), "42883: operator does not exist: integer + text");
  EXPECT_EQ(resolve("-", {Type::text()}), "42883: operator does not exist: - text");
  EXPECT_EQ(resolve("foo", {Type::integer()}), "42883: function foo(integer) does not exist");
  EXPECT_EQ(resolve("length", {Type::integer()}), "42883: function length(integer) does not exist");
  EXPECT_EQ(resolve("abs", {}), "42883: function abs() does not exist");
  EXPECT_EQ(resolve("||", {Type::integer(), Type::integer()}), "42883: operator does not exist: integer || integer");
}

TEST_F(FunctionRegistryTest, VariadicAndBind) {
  EXPECT_EQ(resolve("concat", {}), "unknown -> text");
  EXPECT_EQ(resolve("concat", {Type::integer(), Type::unknown(), Type::date()}), "unknown -> text");
  Result<ScalarMatch> m = reg.resolve_scalar("concat", {Type::integer(), Type::unknown()});
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->arg_types.size(), 2u);
  EXPECT_EQ(m->arg_types[0], Type::integer());
  EXPECT_EQ(m->arg_types[1], Type::text());
  m = reg.resolve_scalar("numeric_passthrough", {Type::numeric(10, 2)});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->return_type, Type::numeric(10, 2));
  m = reg.resolve_scalar("numeric_passthrough", {Type::integer()});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->return_type, Type::numeric());
}

TEST_F(FunctionRegistryTest, Aggregates) {
  Result<AggregateMatch> m = reg.resolve_aggregate("count", {});
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->function->args.empty());
  m = reg.resolve_aggregate("count", {Type::text()});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->function->args.size(), 1u);
  m = reg.resolve_aggregate("sum", {Type::integer()});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->return_type, Type::bigint());
  m = reg.resolve_aggregate("sum", {Type::real()});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->return_type, Type::double_precision());
  m = reg.resolve_aggregate("sum", {Type::text()});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "function sum(text) does not exist");
  EXPECT_TRUE(reg.has_aggregate("sum"));
  EXPECT_FALSE(reg.has_scalar("sum"));
}

TEST(FunctionRegistryStatic, ImplicitCasts) {
  EXPECT_TRUE(FunctionRegistry::can_implicitly_cast(Type::smallint(), Type::bigint()));
  EXPECT_TRUE(FunctionRegistry::can_implicitly_cast(Type::bigint(), Type::numeric()));
  EXPECT_TRUE(FunctionRegistry::can_implicitly_cast(Type::numeric(), Type::real()));
  EXPECT_FALSE(FunctionRegistry::can_implicitly_cast(Type::bigint(), Type::integer()));
  EXPECT_FALSE(FunctionRegistry::can_implicitly_cast(Type::double_precision(), Type::numeric()));
  EXPECT_TRUE(FunctionRegistry::can_implicitly_cast(Type::varchar(3), Type::text()));
  EXPECT_TRUE(FunctionRegistry::can_implicitly_cast(Type::text(), Type::varchar(3)));
  EXPECT_TRUE(FunctionRegistry::can_implicitly_cast(Type::unknown(), Type::date()));
  EXPECT_TRUE(FunctionRegistry::can_implicitly_cast(Type::date(), Type::timestamptz()));
  EXPECT_FALSE(FunctionRegistry::can_implicitly_cast(Type::timestamptz(), Type::timestamp()));
  EXPECT_FALSE(FunctionRegistry::can_implicitly_cast(Type::integer(), Type::text()));
}

std::string common(const std::vector<Type>& ts) {
  Result<Type> t = FunctionRegistry::common_type(ts);
  if (!t.ok()) return std::string(t.status().sqlstate());
  return t->name();
}

TEST(FunctionRegistryStatic, CommonType) {
  EXPECT_EQ(common({Type::integer(), Type::numeric()}), "numeric");
  EXPECT_EQ(common({Type::integer(), Type::double_precision()}), "double precision");
  EXPECT_EQ(common({Type::integer(), Type::bigint(), Type::smallint()}), "bigint");
  EXPECT_EQ(common({Type::text(), Type::varchar(5)}), "text");
  EXPECT_EQ(common({Type::varchar(5), Type::text()}), "text");
  EXPECT_EQ(common({Type::unknown(), Type::integer()}), "integer");
  EXPECT_EQ(common({Type::unknown(), Type::unknown()}), "text");
  EXPECT_EQ(common({Type::integer(), Type::text()}), "42804");
  EXPECT_EQ(common({Type::boolean(), Type::integer()}), "42804");
  EXPECT_EQ(common({Type::date(), Type::timestamp()}), "timestamp without time zone");
  EXPECT_EQ(common({Type::numeric(10, 2), Type::numeric(10, 2)}), "numeric(10,2)");
  EXPECT_EQ(common({Type::numeric(10, 2), Type::numeric(12, 4)}), "numeric");
  EXPECT_EQ(common({Type::numeric(10, 2), Type::integer()}), "numeric");
}

}  // namespace
}  // namespace strata::sql
