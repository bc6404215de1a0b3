#include "base/status.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace strata {

std::string_view status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid argument";
    case StatusCode::kNotFound: return "not found";
    case StatusCode::kAlreadyExists: return "already exists";
    case StatusCode::kCorruption: return "corruption";
    case StatusCode::kIoError: return "I/O error";
    case StatusCode::kOutOfRange: return "out of range";
    case StatusCode::kResourceExhausted: return "resource exhausted";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kUnsupported: return "unsupported";
    case StatusCode::kInternal: return "internal";
  }
  return "unknown";
}

Status Status::io_error_errno(std::string_view op, std::string_view path, int err) {
  std::string m(op);
  m += " ";
  m += path;
  m += ": ";
  m += std::strerror(err);
  return io_error(std::move(m));
}

Status& Status::with_sqlstate(std::string_view state) {
  STRATA_ASSERT(state.size() == 5, "a SQLSTATE has five characters");
  std::memcpy(sqlstate_, state.data(), 5);
  sqlstate_[5] = 0;
  return *this;
}

Status Status::sql(std::string_view sqlstate, std::string m) {
  StatusCode code = StatusCode::kInvalidArgument;
  std::string_view cls = sqlstate.substr(0, 2);
  if (sqlstate == "42P01" || sqlstate == "42703" || sqlstate == "42883" || sqlstate == "42704" ||
      sqlstate == "3D000" || sqlstate == "3F000" || sqlstate == "42P02") {
    code = StatusCode::kNotFound;
  } else if (sqlstate == "42P07" || sqlstate == "42710" || sqlstate == "42P06" || sqlstate == "23505") {
    code = StatusCode::kAlreadyExists;
  } else if (cls == "0A") {
    code = StatusCode::kUnsupported;
  } else if (cls == "53" || cls == "54") {
    code = StatusCode::kResourceExhausted;
  } else if (cls == "58") {
    code = StatusCode::kIoError;
  } else if (cls == "XX") {
    code = StatusCode::kInternal;
  } else if (cls == "57") {
    code = StatusCode::kUnavailable;
  }
  Status s(code, std::move(m));
  s.with_sqlstate(sqlstate);
  return s;
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  std::string s(status_code_name(code_));
  s += ": ";
  s += message_;
  return s;
}

namespace detail {
void assert_failed(const char* expr, const char* message, const char* file, int line) {
  std::fprintf(stderr, "strata: assertion failed: %s (%s) at %s:%d\n", expr, message, file, line);
  std::fflush(stderr);
  std::abort();
}
}  // namespace detail

}  // namespace strata
