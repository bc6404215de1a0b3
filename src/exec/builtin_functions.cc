#include "exec/builtin_functions.h"

#include "exec/functions_common.h"
#include "types/decimal.h"

namespace strata::exec {

namespace fn {

Status err_status(Err e) {
  switch (e) {
    case Err::kNone:
      return Status::ok_status();
    case Err::kSmallIntRange:
      return Status::sql("22003", "smallint out of range");
    case Err::kIntRange:
      return Status::sql("22003", "integer out of range");
    case Err::kBigIntRange:
      return Status::sql("22003", "bigint out of range");
    case Err::kDivZero:
      return Status::sql("22012", "division by zero");
    case Err::kFloatOverflow:
      return Status::sql("22003", "value out of range: overflow");
    case Err::kFloatUnderflow:
      return Status::sql("22003", "value out of range: underflow");
    case Err::kNumericRange:
      return Status::sql("22003", "numeric value out of range");
    case Err::kInvalidArg:
      return Status::sql("22023", "invalid parameter value");
  }
  return Status::sql("XX000", "unknown error");
}

void add_fn(FunctionRegistry& r, std::string name, std::vector<Type> args, Type ret, ScalarKernel k) {
  ScalarFunction f;
  f.name = std::move(name);
  f.args = std::move(args);
  f.return_type = ret;
  f.kernel = std::move(k);
  r.add_scalar(std::move(f));
}

void add_fn_bind(FunctionRegistry& r, std::string name, std::vector<Type> args, sql::ReturnTypeFn bind,
                 ScalarKernel k) {
  ScalarFunction f;
  f.name = std::move(name);
  f.args = std::move(args);
  f.bind = std::move(bind);
  f.kernel = std::move(k);
  r.add_scalar(std::move(f));
}

double numeric_as_double(const Vector& v, size_t i) {
  switch (v.type().id()) {
    case TypeId::kSmallInt:
      return v.data<int16_t>()[i];
    case TypeId::kInteger:
      return v.data<int32_t>()[i];
    case TypeId::kBigInt:
      return static_cast<double>(v.data<int64_t>()[i]);
    case TypeId::kReal:
      return v.data<float>()[i];
    case TypeId::kDouble:
      return v.data<double>()[i];
    case TypeId::kNumeric:
      return types::decimal_to_double(v.data<Decimal>()[i]);
    default:
      return 0.0;
  }
}

}  // namespace fn

void register_builtin_functions(sql::FunctionRegistry& registry) {
  fn::register_arithmetic_functions(registry);
  fn::register_comparison_functions(registry);
  fn::register_math_functions(registry);
  fn::register_string_functions(registry);
  fn::register_pattern_functions(registry);
  fn::register_datetime_functions(registry);
  fn::register_jsonb_functions(registry);
  fn::register_system_functions(registry);
  fn::register_array_functions(registry);
  fn::register_aggregate_functions(registry);
  fn::register_numeric_format_functions(registry);
  fn::register_cast_functions(registry);
}

}  // namespace strata::exec
