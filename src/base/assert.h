// Always-on assertions for our own invariants (TigerBeetle style: left on in
// production). Never use these to check external input: validate and return a
// Status instead.
#pragma once

namespace strata::detail {
[[noreturn]] void assert_failed(const char* expr, const char* message, const char* file, int line);
}

#define STRATA_ASSERT(cond, message)                                             \
  do {                                                                           \
    if (!(cond)) [[unlikely]]                                                    \
      ::strata::detail::assert_failed(#cond, (message), __FILE__, __LINE__);     \
  } while (0)
