// The protocol state machine over a real socket: PgServer on its own event-loop
// thread with the FakeBackend, driven by a blocking test client.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "pgwire/backend_message.h"
#include "pgwire/fake_backend.h"
#include "pgwire/frontend_message.h"
#include "pgwire/pg_server.h"

namespace strata::pgwire {
namespace {

using testing::FakeBackend;

// A PgServer on 127.0.0.1:0 served by its own io_context thread.
class ServerFixture {
 public:
  explicit ServerFixture(Backend* backend, PgOptions options = {}) {
    options.worker_threads = options.worker_threads ? options.worker_threads : 2;
    server_ = std::make_unique<PgServer>(io_, backend, options);
    Status s = server_->start(*net::Endpoint::parse("127.0.0.1:0"));
    EXPECT_TRUE(s.ok()) << s.to_string();
    port_ = server_->bound_endpoint().port;
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ServerFixture() {
    net::asio::post(io_, [this] {
      server_->stop();
      work_.reset();
    });
    // Let connection coroutines see their sockets closed, then stop the loop.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    io_.stop();
    thread_.join();
    server_.reset();
  }
  uint16_t port() const { return port_; }
  int32_t session_count() {
    std::promise<int32_t> p;
    net::asio::post(io_, [&] { p.set_value(server_->session_count()); });
    return p.get_future().get();
  }

 private:
  net::asio::io_context io_{1};
  std::optional<net::asio::executor_work_guard<net::asio::io_context::executor_type>> work_{io_.get_executor()};
  std::unique_ptr<PgServer> server_;
  uint16_t port_ = 0;
  std::thread thread_;
};

// A blocking client speaking raw protocol bytes.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  }
  ~Client() { ::close(fd_); }

  void send_raw(const std::vector<uint8_t>& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }
  void send(std::initializer_list<FrontendMessage> messages) {
    std::vector<uint8_t> out;
    for (const auto& m : messages) encode_frontend_message(m, out);
    send_raw(out);
  }
  // Reads exactly n raw bytes (SSLRequest answer).
  std::string read_raw(size_t n) {
    while (buf_.size() < n && fill()) {
    }
    std::string s(buf_.begin(), buf_.begin() + static_cast<long>(std::min(n, buf_.size())));
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<long>(s.size()));
    return s;
  }
  // The next message; type 0 when the server closed the connection (or 5 s passed).
  BackendMessage read() {
    for (;;) {
      BackendMessage m;
      auto used = decode_backend_message(buf_, &m);
      EXPECT_TRUE(used.ok());
      if (used.ok() && *used > 0) {
        buf_.erase(buf_.begin(), buf_.begin() + static_cast<long>(*used));
        return m;
      }
      if (!fill()) return BackendMessage{};
    }
  }
  // Messages up to and including ReadyForQuery (or the connection's end).
  std::vector<BackendMessage> read_until_ready() {
    std::vector<BackendMessage> out;
    for (;;) {
      BackendMessage m = read();
      if (m.type == 0) return out;
      out.push_back(m);
      if (m.type == 'Z') return out;
    }
  }
  std::vector<BackendMessage> startup(std::vector<std::pair<std::string, std::string>> params = {{"user", "u"}}) {
    StartupPacket p;
    p.params = std::move(params);
    send_raw(encode_startup_packet(p));
    return read_until_ready();
  }
  bool closed_by_peer() {
    BackendMessage m = read();
    return m.type == 0;
  }

 private:
  bool fill() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return false;
    uint8_t tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (n <= 0) return false;
    buf_.insert(buf_.end(), tmp, tmp + n);
    return true;
  }
  int fd_ = -1;
  std::vector<uint8_t> buf_;
};

std::string types_of(const std::vector<BackendMessage>& ms) {
  std::string s;
  for (const auto& m : ms) s += m.type;
  return s;
}

const BackendMessage* find(const std::vector<BackendMessage>& ms, char type, int nth = 0) {
  for (const auto& m : ms) {
    if (m.type == type && nth-- == 0) return &m;
  }
  return nullptr;
}

TEST(PgServer, StartupAfterSslRequest) {
  FakeBackend backend;
  ServerFixture server(&backend);
  Client c(server.port());
  StartupPacket ssl;
  ssl.kind = StartupPacket::Kind::kSslRequest;
  c.send_raw(encode_startup_packet(ssl));
  EXPECT_EQ(c.read_raw(1), "N");
  auto ms = c.startup({{"user", "alice"}, {"database", "db"}, {"application_name", "gtest"}});
  ASSERT_FALSE(ms.empty());
  EXPECT_EQ(ms.front().type, 'R');
  EXPECT_EQ(ms.front().body, (std::vector<uint8_t>{0, 0, 0, 0}));
  std::map<std::string, std::string> params;
  for (const auto& m : ms) {
    if (m.type != 'S') continue;
    ByteReader r(m.body);
    std::string_view k = r.string_view(std::find(m.body.begin(), m.body.end(), 0) - m.body.begin());
    r.skip(1);
    std::string_view v = r.string_view(r.remaining() - 1);
    params[std::string(k)] = std::string(v);
  }
  EXPECT_EQ(params["server_version"], "15.0");
  EXPECT_EQ(params["client_encoding"], "UTF8");
  EXPECT_EQ(params["DateStyle"], "ISO, MDY");
  EXPECT_EQ(params["integer_datetimes"], "on");
  EXPECT_EQ(params["application_name"], "gtest");
  ASSERT_NE(find(ms, 'K'), nullptr);
  EXPECT_EQ(ms.back().type, 'Z');
  EXPECT_EQ(ms.back().body, (std::vector<uint8_t>{'I'}));
  EXPECT_EQ(server.session_count(), 1);
}

TEST(PgServer, StartupErrors) {
  FakeBackend backend;
  ServerFixture server(&backend);
  {
    Client c(server.port());
    auto ms = c.startup({{"database", "x"}});  // no user
    ASSERT_EQ(types_of(ms), "E");
    EXPECT_EQ(ms[0].field('C'), "28000");
    EXPECT_EQ(ms[0].field('S'), "FATAL");
  }
  {
    Client c(server.port());
    auto ms = c.startup({{"user", "reject"}});
    ASSERT_EQ(types_of(ms), "E");
    EXPECT_EQ(ms[0].field('C'), "28000");
  }
  {
    Client c(server.port());
    StartupPacket p;
    p.protocol_version = 2 << 16;
    p.params = {{"user", "u"}};
    c.send_raw(encode_startup_packet(p));
    auto ms = c.read_until_ready();
    ASSERT_EQ(types_of(ms), "E");
    EXPECT_EQ(ms[0].field('C'), "0A000");
  }
  {
    Client c(server.port());
    c.send_raw({0x7f, 0, 0, 0});  // a 2 GB startup packet
    auto ms = c.read_until_ready();
    ASSERT_EQ(types_of(ms), "E");
    EXPECT_EQ(ms[0].field('C'), "08P01");
  }
}

TEST(PgServer, SimpleQueryWithSeveralStatements) {
  FakeBackend backend;
  ServerFixture server(&backend);
  Client c(server.port());
  c.startup();
  c.send({msg::Query{"select 1; insert into t values (1);"}});
  auto ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "TDCCZ");
  EXPECT_EQ(ms[0].row_description_names(), std::vector<std::string>{"?column?"});
  EXPECT_EQ(ms[0].row_description_oids(), std::vector<uint32_t>{23});
  EXPECT_EQ(*ms[1].data_row()[0], "1");
  EXPECT_EQ(ms[2].command_tag(), "SELECT 1");
  EXPECT_EQ(ms[3].command_tag(), "INSERT 0 1");

  c.send({msg::Query{""}});
  EXPECT_EQ(types_of(c.read_until_ready()), "IZ");
  c.send({msg::Query{" ; ;"}});
  EXPECT_EQ(types_of(c.read_until_ready()), "IZ");
}

TEST(PgServer, SimpleQueryStopsAtFirstError) {
  FakeBackend backend;
  ServerFixture server(&backend);
  Client c(server.port());
  c.startup();
  // An analysis error in the second statement: the first ran, the third does not.
  c.send({msg::Query{"select 1; select boom; insert into t values (1)"}});
  auto ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "TDCEZ");
  EXPECT_EQ(ms[3].field('C'), "42703");
  EXPECT_EQ(ms[3].field('P'), "8");
  EXPECT_EQ(ms[3].field('S'), "ERROR");
  EXPECT_EQ(ms[3].field('V'), "ERROR");
  EXPECT_EQ(ms[3].field('M'), "column \"boom\" does not exist");
  // A syntax error anywhere: nothing runs.
  c.send({msg::Query{"select 1; selec 2"}});
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "EZ");
  EXPECT_EQ(ms[0].field('C'), "42601");
  // An error while fetching.
  c.send({msg::Query{"select 1/0"}});
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "TEZ");
  EXPECT_EQ(ms[1].field('C'), "22012");
}

TEST(PgServer, TransactionStatusAndNotices) {
  FakeBackend backend;
  ServerFixture server(&backend);
  Client c(server.port());
  c.startup();
  c.send({msg::Query{"begin"}});
  auto ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "CZ");
  EXPECT_EQ(ms[1].body[0], 'T');
  c.send({msg::Query{"select boom"}});
  ms = c.read_until_ready();
  EXPECT_EQ(ms.back().body[0], 'E');
  c.send({msg::Query{"select 1"}});
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "EZ");
  EXPECT_EQ(ms[0].field('C'), "25P02");
  c.send({msg::Query{"rollback"}});
  ms = c.read_until_ready();
  EXPECT_EQ(ms[0].command_tag(), "ROLLBACK");
  EXPECT_EQ(ms.back().body[0], 'I');

  c.send({msg::Query{"drop table if exists nope"}});
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "NCZ");
  EXPECT_EQ(ms[0].field('S'), "NOTICE");
  EXPECT_EQ(ms[0].field('C'), "00000");
  EXPECT_EQ(ms[0].field('M'), "table \"nope\" does not exist, skipping");

  c.send({msg::Query{"set application_name = 'renamed'"}});
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "SCZ");
}

TEST(PgServer, TextFormatOfEveryType) {
  FakeBackend backend;
  ServerFixture server(&backend);
  Client c(server.port());
  c.startup();
  c.send({msg::Query{"select * from types"}});
  auto ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "TDDCZ");
  auto row = ms[1].data_row();
  std::vector<std::string> expected = {"t", "-2", "123456", "-9000000000", "1.5", "-2.25", "12345.678", "héllo",
                                       "abc", "xy  ", "\\x0001ff", "2024-02-29", "13:45:06.5",
                                       "2000-01-02 03:04:05.006", "1999-12-31 23:59:59+00",
                                       "1 year 2 mons 3 days 04:05:06", "{\"a\": 1}"};
  ASSERT_EQ(row.size(), expected.size());
  for (size_t i = 0; i < expected.size(); i++) EXPECT_EQ(*row[i], expected[i]) << i;
  for (const auto& v : ms[2].data_row()) EXPECT_FALSE(v.has_value());
  EXPECT_EQ(ms[0].row_description_oids(),
            (std::vector<uint32_t>{16, 21, 23, 20, 700, 701, 1700, 25, 1043, 1042, 17, 1082, 1083, 1114, 1184, 1186,
                                   3802}));
}

TEST(PgServer, ExtendedNamedStatementWithRowLimit) {
  FakeBackend backend;
  ServerFixture server(&backend);
  Client c(server.port());
  c.startup();
  c.send({msg::Parse{"s1", "select generate_series(1, 2500)", {}}, msg::Describe{'S', "s1"},
          msg::Bind{"p1", "s1", {}, {}, {1}}, msg::Describe{'P', "p1"}, msg::Execute{"p1", 1000}, msg::Flush{}});
  std::string seen;
  std::vector<BackendMessage> rows;
  for (;;) {
    BackendMessage m = c.read();
    ASSERT_NE(m.type, 0);
    seen += m.type;
    if (m.type == 'D') rows.push_back(m);
    if (m.type == 's') break;
  }
  EXPECT_EQ(seen.substr(0, 6), "1tT2TD");
  ASSERT_EQ(rows.size(), 1000u);
  // Binary int8.
  EXPECT_EQ(*rows[999].data_row()[0], std::string("\0\0\0\0\0\0\x03\xe8", 8));

  c.send({msg::Execute{"p1", 1000}, msg::Execute{"p1", 0}, msg::Sync{}});
  auto ms = c.read_until_ready();
  size_t data_rows = 0;
  for (const auto& m : ms) data_rows += m.type == 'D';
  EXPECT_EQ(data_rows, 1500u);
  EXPECT_EQ(ms[1000].type, 's');
  EXPECT_EQ(ms[ms.size() - 2].command_tag(), "SELECT 2500");
  EXPECT_EQ(ms.back().type, 'Z');

  // The named statement survives Sync; the portal (transaction ended) does not.
  c.send({msg::Execute{"p1", 0}, msg::Sync{}});
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "EZ");
  EXPECT_EQ(ms[0].field('C'), "34000");
  c.send({msg::Bind{"", "s1", {}, {}, {}}, msg::Execute{"", 2}, msg::Sync{}});
  ms = c.read_until_ready();
  EXPECT_EQ(types_of(ms), "2DDsZ");
  EXPECT_EQ(*ms[2].data_row()[0], "2");

  // Close, then the statement is gone.
  c.send({msg::Close{'S', "s1"}, msg::Bind{"", "s1", {}, {}, {}}, msg::Sync{}});
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "3EZ");
  EXPECT_EQ(ms[1].field('C'), "26000");
}

TEST(PgServer, ExtendedBinaryParametersAndResults) {
  FakeBackend backend;
  ServerFixture server(&backend);
  Client c(server.port());
  c.startup();
  std::string i4("\x00\x00\x00\x2a", 4);
  std::string num("\x00\x02\x00\x00\x00\x00\x00\x01\x00\x01\x13\x88", 12);  // 1.5
  std::string ts("\x00\x00\x00\x16\xb0\x2c\xca\xb0", 8);                      // 2000-01-02 03:04:05.006
  c.send({msg::Parse{"", "select $1, $2, $3, $4", {23, 1700, 1114, 0}}, msg::Describe{'S', ""},
          msg::Bind{"", "", {1, 1, 1, 0}, {i4, num, ts, std::nullopt}, {1, 0, 1, 0}}, msg::Execute{"", 0},
          msg::Sync{}});
  auto ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "1tT2DCZ");
  // ParameterDescription: the unknown $4 resolved to text by the engine.
  EXPECT_EQ(ms[1].body, (std::vector<uint8_t>{0, 4, 0, 0, 0, 23, 0, 0, 0x06, 0xA4, 0, 0, 0x04, 0x5A, 0, 0, 0, 25}));
  auto row = ms[4].data_row();
  ASSERT_EQ(row.size(), 4u);
  EXPECT_EQ(*row[0], i4);
  EXPECT_EQ(*row[1], "1.5");
  EXPECT_EQ(*row[2], ts);
  EXPECT_FALSE(row[3].has_value());

  // Text parameters with a bad value: 22P02, skip until Sync.
  c.send({msg::Parse{"", "select $1", {23}}, msg::Bind{"", "", {}, {std::string_view("x1")}, {}},
          msg::Execute{"", 0}, msg::Sync{}});
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "1EZ");
  EXPECT_EQ(ms[1].field('C'), "22P02");
  // Wrong parameter count: 08P01, connection stays.
  c.send({msg::Bind{"", "", {}, {}, {}}, msg::Sync{}});
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "EZ");
  EXPECT_EQ(ms[0].field('C'), "08P01");
  // An unsupported parameter type OID (point; arrays such as int4[] are accepted).
  c.send({msg::Parse{"", "select $1", {600}}, msg::Sync{}});
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "EZ");
  EXPECT_EQ(ms[0].field('C'), "0A000");
}

TEST(PgServer, ErrorSkipsUntilSync) {
  FakeBackend backend;
  ServerFixture server(&backend);
  Client c(server.port());
  c.startup();
  c.send({msg::Parse{"", "select boom", {}}, msg::Bind{"", "", {}, {}, {}}, msg::Describe{'P', ""},
          msg::Execute{"", 0}, msg::Parse{"", "select 1", {}}, msg::Sync{}});
  auto ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "EZ");
  EXPECT_EQ(ms[0].field('C'), "42703");
  EXPECT_EQ(ms[0].field('P'), "8");
  // The connection works after Sync.
  c.send({msg::Parse{"", "select 1", {}}, msg::Bind{"", "", {}, {}, {}}, msg::Execute{"", 0}, msg::Sync{}});
  EXPECT_EQ(types_of(c.read_until_ready()), "12DCZ");
  // Multiple statements in Parse; duplicate names; empty query.
  c.send({msg::Parse{"", "select 1; select 1", {}}, msg::Sync{}});
  ms = c.read_until_ready();
  EXPECT_EQ(ms[0].field('C'), "42601");
  c.send({msg::Parse{"a", "select 1", {}}, msg::Parse{"a", "select 1", {}}, msg::Sync{}});
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "1EZ");
  EXPECT_EQ(ms[1].field('C'), "42P05");
  c.send({msg::Parse{"", "", {}}, msg::Bind{"", "", {}, {}, {}}, msg::Describe{'P', ""}, msg::Execute{"", 0},
          msg::Sync{}});
  EXPECT_EQ(types_of(c.read_until_ready()), "12nIZ");
  // FunctionCall is refused, without skip mode.
  std::vector<uint8_t> fcall = {'F', 0, 0, 0, 4};
  c.send_raw(fcall);
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "EZ");
  EXPECT_EQ(ms[0].field('C'), "0A000");
}

TEST(PgServer, CopyInAndOut) {
  FakeBackend backend;
  ServerFixture server(&backend);
  Client c(server.port());
  c.startup();
  c.send({msg::Query{"copy t from stdin"}});
  BackendMessage g = c.read();
  ASSERT_EQ(g.type, 'G');
  EXPECT_EQ(g.body, (std::vector<uint8_t>{0, 0, 2, 0, 0, 0, 0}));
  c.send({msg::CopyData{"1\ta\n2\t"}, msg::CopyData{"b\n"}, msg::CopyDone{}});
  auto ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "CZ");
  EXPECT_EQ(ms[0].command_tag(), "COPY 2");

  c.send({msg::Query{"copy t to stdout"}});
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "HddcCZ");
  EXPECT_EQ(std::string(ms[1].body.begin(), ms[1].body.end()), "1\ta\n");
  EXPECT_EQ(std::string(ms[2].body.begin(), ms[2].body.end()), "2\tb\n");
  EXPECT_EQ(ms[4].command_tag(), "COPY 2");

  // CopyFail: 57014, then the stray CopyData after it is ignored.
  c.send({msg::Query{"copy t from stdin"}});
  ASSERT_EQ(c.read().type, 'G');
  c.send({msg::CopyData{"3\tc\n"}, msg::CopyFail{"client gave up"}, msg::CopyData{"junk"}});
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "EZ");
  EXPECT_EQ(ms[0].field('C'), "57014");
  EXPECT_EQ(ms[0].field('M'), "COPY from stdin failed: client gave up");

  // A sink error at CopyDone.
  c.send({msg::Query{"copy t from stdin"}});
  ASSERT_EQ(c.read().type, 'G');
  c.send({msg::CopyData{"bad\n"}, msg::CopyDone{}});
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "EZ");
  EXPECT_EQ(ms[0].field('C'), "22P02");

  // COPY through the extended protocol (Sync during COPY IN is ignored).
  c.send({msg::Parse{"", "copy t from stdin", {}}, msg::Bind{"", "", {}, {}, {}}, msg::Execute{"", 0},
          msg::Sync{}});
  EXPECT_EQ(c.read().type, '1');
  EXPECT_EQ(c.read().type, '2');
  ASSERT_EQ(c.read().type, 'G');
  // libpq sends Sync again after CopyDone: the first one was ignored.
  c.send({msg::CopyData{"4\td\n"}, msg::CopyDone{}, msg::Sync{}});
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "CZ");
  EXPECT_EQ(ms[0].command_tag(), "COPY 1");
}

TEST(PgServer, CancelRequestStopsARunningStatement) {
  FakeBackend backend;
  ServerFixture server(&backend);
  Client c(server.port());
  auto ms = c.startup();
  const BackendMessage* key = find(ms, 'K');
  ASSERT_NE(key, nullptr);
  ByteReader r(key->body);
  int32_t pid = r.i32();
  int32_t secret = r.i32();
  auto started = std::chrono::steady_clock::now();
  c.send({msg::Query{"select pg_sleep(20)"}});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  {
    // A wrong key is ignored; the right one cancels.
    Client wrong(server.port());
    StartupPacket p;
    p.kind = StartupPacket::Kind::kCancel;
    p.process_id = pid;
    p.secret_key = secret + 1;
    wrong.send_raw(encode_startup_packet(p));
    EXPECT_TRUE(wrong.closed_by_peer());
    Client canceller(server.port());
    p.secret_key = secret;
    canceller.send_raw(encode_startup_packet(p));
    EXPECT_TRUE(canceller.closed_by_peer());
  }
  ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "TEZ");
  EXPECT_EQ(ms[1].field('C'), "57014");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(backend.cancels_received.load(), 2);
}

TEST(PgServer, StopCancelsRunningStatements) {
  FakeBackend backend;
  auto started = std::chrono::steady_clock::now();
  {
    ServerFixture server(&backend);
    Client c(server.port());
    c.startup();
    c.send({msg::Query{"select pg_sleep(30)"}});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }  // stop() cancels the statement; joining the pool does not wait 30 s
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(backend.cancels_received.load(), 1);
}

TEST(PgServer, QueriesRunOffTheEventLoop) {
  // A long statement on one connection does not stall another.
  FakeBackend backend;
  ServerFixture server(&backend);
  Client slow(server.port());
  slow.startup();
  Client fast(server.port());
  fast.startup();
  slow.send({msg::Query{"select pg_sleep(1)"}});
  auto started = std::chrono::steady_clock::now();
  fast.send({msg::Query{"select 1"}});
  EXPECT_EQ(types_of(fast.read_until_ready()), "TDCZ");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(800));
  EXPECT_EQ(types_of(slow.read_until_ready()), "TDCZ");
}

TEST(PgServer, Limits) {
  FakeBackend backend;
  PgOptions options;
  options.max_connections = 1;
  options.max_message_bytes = 1000;
  ServerFixture server(&backend, options);
  Client first(server.port());
  EXPECT_EQ(first.startup().back().type, 'Z');
  {
    Client second(server.port());
    auto ms = second.startup();
    ASSERT_EQ(types_of(ms), "E");
    EXPECT_EQ(ms[0].field('C'), "53300");
    EXPECT_EQ(ms[0].field('S'), "FATAL");
  }
  // A message over max_message_bytes: refused before reading it, connection closed.
  first.send_raw({'Q', 0, 0x10, 0, 0});
  auto ms = first.read_until_ready();
  ASSERT_EQ(types_of(ms), "E");
  EXPECT_EQ(ms[0].field('C'), "54000");
  EXPECT_TRUE(first.closed_by_peer());
  // The slot is free again.
  for (int i = 0; i < 100 && server.session_count() != 0; i++) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  Client third(server.port());
  EXPECT_EQ(third.startup().back().type, 'Z');
}

TEST(PgServer, MalformedMessageClosesWithProtocolViolation) {
  FakeBackend backend;
  ServerFixture server(&backend);
  Client c(server.port());
  c.startup();
  c.send_raw({'z', 0, 0, 0, 4});
  auto ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "E");
  EXPECT_EQ(ms[0].field('C'), "08P01");
  EXPECT_EQ(ms[0].field('S'), "FATAL");
  EXPECT_TRUE(c.closed_by_peer());

  Client d(server.port());
  d.startup();
  d.send_raw({'Q', 0, 0, 0, 2});  // length below 4
  ms = d.read_until_ready();
  ASSERT_EQ(types_of(ms), "E");
  EXPECT_EQ(ms[0].field('C'), "08P01");

  Client t(server.port());
  t.startup();
  t.send({msg::Terminate{}});
  EXPECT_TRUE(t.closed_by_peer());
}

TEST(PgServer, WithoutBackendEveryQueryIsUnavailable) {
  ServerFixture server(nullptr);
  Client c(server.port());
  EXPECT_EQ(c.startup().back().type, 'Z');
  c.send({msg::Query{"select 1"}});
  auto ms = c.read_until_ready();
  ASSERT_EQ(types_of(ms), "EZ");
  EXPECT_EQ(ms[0].field('C'), "0A000");
  EXPECT_EQ(ms[0].field('M'), "SQL engine not available");
}

}  // namespace
}  // namespace strata::pgwire
