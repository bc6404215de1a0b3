// `strata nexmark`: writes Nexmark events as JSON lines to a file descriptor
// (docs/formats/nexmark.md).
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace strata::server {

struct NexmarkCommandOptions {
  uint64_t events = 0;       // event numbers [first_event, first_event + events)
  uint64_t first_event = 0;  // of the whole stream (kind filtering keeps numbering)
  double rate_events_per_s = 10000;
  std::string kind = "all";  // person | auction | bid | all
  std::string format = "json";
};

// Generates and writes the events with buffered writes. Invalid argument for a
// bad kind, format or rate or an overflowing range; I/O error when a write
// fails (a closed pipe raises SIGPIPE first, which ends the process as usual).
Status run_nexmark_command(const NexmarkCommandOptions& options, int fd);

}  // namespace strata::server
