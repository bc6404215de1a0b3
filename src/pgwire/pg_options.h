// PgOptions: the PostgreSQL listener's limits and pool size. Every limit has a
// unit and a default; ServerConfig maps onto it (docs/configuration.md).
#pragma once

#include <cstdint>

namespace strata::pgwire {

struct PgOptions {
  // A frontend message longer than this (its length field, checked before any
  // allocation) is refused with FATAL 54000 program_limit_exceeded and the
  // connection is closed (the stream cannot be resynchronised).
  int32_t max_message_bytes = 64 << 20;
  // The startup packet (and SSLRequest / CancelRequest), as PostgreSQL's
  // MAX_STARTUP_PACKET_LENGTH.
  int32_t max_startup_packet_bytes = 10000;
  // Sessions open at once; one more gets FATAL 53300 too_many_connections after its
  // startup packet. CancelRequests are served beyond it.
  int32_t max_connections = 100;
  // Connections still in the startup phase (before a session exists) beyond
  // max_connections: these slots let the server answer 53300 and serve
  // CancelRequests; past them the listener closes new sockets at once.
  int32_t max_startup_connections = 64;
  // Time allowed from accept to a complete startup packet (PostgreSQL's
  // authentication_timeout); then the socket is closed. Idle sessions never time out.
  int32_t startup_timeout_ms = 60'000;
  // Worker threads that run every session call (decision 0003); 0 = one per
  // hardware thread.
  int32_t worker_threads = 0;
  // Named prepared statements and portals one connection may hold; beyond,
  // Parse/Bind fail with 54000 program_limit_exceeded.
  int32_t max_prepared_statements = 10'000;
  int32_t max_portals = 10'000;
};

}  // namespace strata::pgwire
