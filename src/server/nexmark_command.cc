#include "server/nexmark_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "connect/nexmark_generator.h"
#include "connect/nexmark_json.h"

namespace strata::server {

namespace {

using connect::NexmarkEventKind;

constexpr size_t kWriteBufferBytes = 1 << 20;  // flushed when past this size

Status write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::io_error(fmt::format("writing nexmark events: {}", std::strerror(errno)));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::ok_status();
}

}  // namespace

Status run_nexmark_command(const NexmarkCommandOptions& o, int fd) {
  std::optional<NexmarkEventKind> only;
  if (o.kind == "person") {
    only = NexmarkEventKind::kPerson;
  } else if (o.kind == "auction") {
    only = NexmarkEventKind::kAuction;
  } else if (o.kind == "bid") {
    only = NexmarkEventKind::kBid;
  } else if (o.kind != "all") {
    return Status::invalid_argument(fmt::format("--kind must be person, auction, bid or all, got \"{}\"", o.kind));
  }
  if (o.format != "json") return Status::invalid_argument(fmt::format("--format must be json, got \"{}\"", o.format));
  if (o.events > UINT64_MAX - o.first_event || o.first_event + o.events > uint64_t{INT64_MAX}) {
    return Status::invalid_argument("--first-event + --events exceeds 2^63 - 1");
  }
  STRATA_ASSIGN_OR_RETURN(connect::NexmarkGenerator generator,
                          connect::NexmarkGenerator::make({o.first_event + o.events, o.rate_events_per_s}));
  std::string buf;
  buf.reserve(kWriteBufferBytes + 4096);
  connect::NexmarkEvent event;
  const bool with_event_type = !only.has_value();
  for (uint64_t n = o.first_event; n < o.first_event + o.events; ++n) {
    // Kind filtering happens before generation: skipped events cost nothing.
    if (only && connect::NexmarkGenerator::kind_of(n) != *only) continue;
    generator.generate(n, event);
    connect::append_nexmark_json(event, with_event_type, buf);
    buf.push_back('\n');
    if (buf.size() >= kWriteBufferBytes) {
      STRATA_RETURN_IF_ERROR(write_all(fd, buf));
      buf.clear();
    }
  }
  return write_all(fd, buf);
}

}  // namespace strata::server
