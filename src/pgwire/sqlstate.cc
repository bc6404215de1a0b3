#include "pgwire/sqlstate.h"

namespace strata::pgwire::sqlstate {

std::string_view for_status(const Status& status) {
  if (!status.sqlstate().empty()) return status.sqlstate();
  switch (status.code()) {
    case StatusCode::kOk: return kSuccessfulCompletion;
    case StatusCode::kInvalidArgument: return "22023";
    case StatusCode::kNotFound: return "42704";
    case StatusCode::kAlreadyExists: return "42710";
    case StatusCode::kCorruption: return "XX001";
    case StatusCode::kIoError: return "58030";
    case StatusCode::kOutOfRange: return kNumericValueOutOfRange;
    case StatusCode::kResourceExhausted: return "53000";
    case StatusCode::kUnavailable: return "57P03";
    case StatusCode::kUnsupported: return kFeatureNotSupported;
    case StatusCode::kInternal: return kInternalError;
  }
  return kInternalError;
}

}  // namespace strata::pgwire::sqlstate
