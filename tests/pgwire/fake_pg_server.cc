// A PgServer with the test-only FakeBackend, for real-client tests
// (tests/pgwire/test_real_clients.py): psql and psycopg talk to the protocol layer
// before the SQL engine exists. Usage: pgwire_fake_server [--listen HOST:PORT]
// (default 127.0.0.1:0); prints `msg=ready pg=HOST:PORT` on stderr; SIGTERM or
// SIGINT stops it.
#include <boost/asio/signal_set.hpp>

#include <cstring>

#include "base/logging.h"
#include "net/asio.h"
#include "pgwire/fake_backend.h"
#include "pgwire/pg_server.h"

int main(int argc, char** argv) {
  using namespace strata;
  std::string listen = "127.0.0.1:0";
  for (int i = 1; i + 1 < argc; i++) {
    if (std::strcmp(argv[i], "--listen") == 0) listen = argv[i + 1];
  }
  auto endpoint = net::Endpoint::parse(listen);
  if (!endpoint.ok()) {
    logging::error("bad --listen", "error", endpoint.status().to_string());
    return 2;
  }
  pgwire::testing::FakeBackend backend;
  net::asio::io_context io{1};
  pgwire::PgOptions options;
  options.worker_threads = 2;
  pgwire::PgServer server(io, &backend, options);
  Status started = server.start(*endpoint);
  if (!started.ok()) {
    logging::error("cannot start", "error", started.to_string());
    return 1;
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    server.stop();
    io.stop();
  });
  logging::info("ready", "pg", server.bound_endpoint().to_string());
  io.run();
  return 0;
}
