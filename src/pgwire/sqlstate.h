// SQLSTATE codes used by the protocol layer, and the one mapping from a Status
// to the SQLSTATE an ErrorResponse carries.
#pragma once

#include <string_view>

#include "base/status.h"

namespace strata::pgwire::sqlstate {

inline constexpr std::string_view kSuccessfulCompletion = "00000";
inline constexpr std::string_view kProtocolViolation = "08P01";
inline constexpr std::string_view kFeatureNotSupported = "0A000";
inline constexpr std::string_view kInvalidBinaryRepresentation = "22P03";
inline constexpr std::string_view kInvalidTextRepresentation = "22P02";
inline constexpr std::string_view kNumericValueOutOfRange = "22003";
inline constexpr std::string_view kDatetimeFieldOverflow = "22008";
inline constexpr std::string_view kInvalidSqlStatementName = "26000";
inline constexpr std::string_view kInvalidAuthorizationSpecification = "28000";
inline constexpr std::string_view kInvalidCursorName = "34000";
inline constexpr std::string_view kSyntaxError = "42601";
inline constexpr std::string_view kDuplicateCursor = "42P03";
inline constexpr std::string_view kDuplicatePreparedStatement = "42P05";
inline constexpr std::string_view kTooManyConnections = "53300";
inline constexpr std::string_view kProgramLimitExceeded = "54000";
inline constexpr std::string_view kQueryCanceled = "57014";
inline constexpr std::string_view kAdminShutdown = "57P01";
inline constexpr std::string_view kInternalError = "XX000";

// The SQLSTATE reported for `status` (REQUIRES: !status.ok()): its own sqlstate()
// when set, else the code of its StatusCode in this table:
//   kInvalidArgument   22023 invalid_parameter_value
//   kNotFound          42704 undefined_object
//   kAlreadyExists     42710 duplicate_object
//   kCorruption        XX001 data_corrupted
//   kIoError           58030 io_error
//   kOutOfRange        22003 numeric_value_out_of_range
//   kResourceExhausted 53000 insufficient_resources
//   kUnavailable       57P03 cannot_connect_now
//   kUnsupported       0A000 feature_not_supported
//   kInternal          XX000 internal_error
std::string_view for_status(const Status& status);

}  // namespace strata::pgwire::sqlstate
