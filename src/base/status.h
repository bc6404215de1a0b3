// Status and Result<T>: how every module reports an expected failure.
//
// Contract: a function that can fail for reasons outside the program's control
// (I/O, bad input, a missing object) returns Status or Result<T>; both are
// [[nodiscard]]. Broken invariants of our own use STRATA_ASSERT instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "base/assert.h"

namespace strata {

enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument,    // the caller's input is malformed
  kNotFound,           // a named object does not exist
  kAlreadyExists,      // a named object exists already
  kCorruption,         // stored bytes fail a checksum or a structural check
  kIoError,            // the operating system refused a read, write or sync
  kOutOfRange,         // an offset or index outside what exists
  kResourceExhausted,  // a limit was reached (sizes, counts, memory)
  kUnavailable,        // temporarily cannot serve (fenced, shutting down)
  kUnsupported,        // a valid request for a feature we do not implement
  kInternal,           // anything else
};

std::string_view status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return Status(); }
  static Status invalid_argument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status not_found(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status already_exists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status io_error(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status out_of_range(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
  static Status resource_exhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
  static Status unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  // An I/O error carrying errno's text, e.g. io_error_errno("fdatasync", path, errno).
  static Status io_error_errno(std::string_view op, std::string_view path, int err);

  // A SQL error: `sqlstate` is PostgreSQL's five-character code (e.g. "42601"
  // syntax_error, "22012" division_by_zero); the StatusCode is derived from its class.
  static Status sql(std::string_view sqlstate, std::string m);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string to_string() const;

  // SQL detail, optional on any Status. sqlstate() is "" when none was set (pgwire
  // then reports "XX000" internal_error, or a code derived from code()). position()
  // is the 1-based character offset into the query text, 0 when unknown.
  std::string_view sqlstate() const { return std::string_view(sqlstate_, sqlstate_[0] ? 5 : 0); }
  int32_t position() const { return position_; }
  Status& with_sqlstate(std::string_view state);
  Status& with_position(int32_t position) {
    position_ = position;
    return *this;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  char sqlstate_[6] = {0, 0, 0, 0, 0, 0};
  int32_t position_ = 0;
  std::string message_;
};

// Result<T>: a T or a non-ok Status.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    STRATA_ASSERT(!std::get<Status>(v_).ok(), "Result built from an ok Status");
  }

  bool ok() const { return v_.index() == 0; }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & {
    STRATA_ASSERT(ok(), "value() of a failed Result");
    return std::get<T>(v_);
  }
  const T& value() const& {
    STRATA_ASSERT(ok(), "value() of a failed Result");
    return std::get<T>(v_);
  }
  T&& value() && {
    STRATA_ASSERT(ok(), "value() of a failed Result");
    return std::get<T>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace strata

#define STRATA_CONCAT_INNER(a, b) a##b
#define STRATA_CONCAT(a, b) STRATA_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` is not ok.
#define STRATA_RETURN_IF_ERROR(expr)              \
  do {                                            \
    ::strata::Status strata_status_ = (expr);     \
    if (!strata_status_.ok()) return strata_status_; \
  } while (0)

// STRATA_ASSIGN_OR_RETURN(auto x, f()): binds the value or returns the Status.
#define STRATA_ASSIGN_OR_RETURN(lhs, expr) \
  STRATA_ASSIGN_OR_RETURN_IMPL(STRATA_CONCAT(strata_result_, __LINE__), lhs, expr)
#define STRATA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
