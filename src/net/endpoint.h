// Endpoint: a "host:port" listen or advertise address.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace strata::net {

struct Endpoint {
  std::string host;    // an IPv4/IPv6 literal or a name ("localhost")
  uint16_t port = 0;   // 0 = let the kernel pick a free port

  // Parses "host:port" or "[v6]:port".
  static Result<Endpoint> parse(std::string_view text);
  std::string to_string() const;
};

}  // namespace strata::net
