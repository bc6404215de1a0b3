// Message codec: frontend round trips, malformed input, backend golden bytes.
#include <gtest/gtest.h>

#include "pgwire/backend_message.h"
#include "pgwire/frontend_message.h"

namespace strata::pgwire {
namespace {

std::vector<uint8_t> bytes(std::initializer_list<int> v) {
  std::vector<uint8_t> out;
  for (int b : v) out.push_back(static_cast<uint8_t>(b));
  return out;
}

FrontendMessage round_trip(const FrontendMessage& m, std::vector<uint8_t>& buffer) {
  buffer.clear();
  encode_frontend_message(m, buffer);
  EXPECT_GE(buffer.size(), 5u);
  int32_t len = static_cast<int32_t>(load_be32(buffer.data() + 1));
  EXPECT_EQ(static_cast<size_t>(len) + 1, buffer.size());
  auto decoded = decode_frontend_message(buffer[0], std::span<const uint8_t>(buffer).subspan(5));
  EXPECT_TRUE(decoded.ok()) << decoded.status().to_string();
  return decoded.ok() ? *decoded : FrontendMessage(msg::Sync{});
}

TEST(FrontendCodec, StartupPacketRoundTrip) {
  StartupPacket p;
  p.params = {{"user", "alice"}, {"database", "db"}, {"application_name", "psql"}};
  std::vector<uint8_t> wire = encode_startup_packet(p);
  ASSERT_EQ(load_be32(wire.data()), wire.size());
  auto d = decode_startup_packet(std::span<const uint8_t>(wire).subspan(4));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, StartupPacket::Kind::kStartup);
  EXPECT_EQ(d->protocol_version, kProtocolVersion3);
  EXPECT_EQ(d->params, p.params);
}

TEST(FrontendCodec, SslAndCancelRequests) {
  // SSLRequest as libpq sends it: length 8, code 80877103 (0x04D2162F).
  auto ssl = decode_startup_packet(bytes({0x04, 0xD2, 0x16, 0x2F}));
  ASSERT_TRUE(ssl.ok());
  EXPECT_EQ(ssl->kind, StartupPacket::Kind::kSslRequest);
  auto gss = decode_startup_packet(bytes({0x04, 0xD2, 0x16, 0x30}));
  ASSERT_TRUE(gss.ok());
  EXPECT_EQ(gss->kind, StartupPacket::Kind::kGssEncRequest);
  StartupPacket c;
  c.kind = StartupPacket::Kind::kCancel;
  c.process_id = 1234;
  c.secret_key = -5;
  std::vector<uint8_t> wire = encode_startup_packet(c);
  EXPECT_EQ(wire.size(), 16u);
  auto d = decode_startup_packet(std::span<const uint8_t>(wire).subspan(4));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, StartupPacket::Kind::kCancel);
  EXPECT_EQ(d->process_id, 1234);
  EXPECT_EQ(d->secret_key, -5);
}

TEST(FrontendCodec, StartupPacketErrors) {
  // Protocol 2.0.
  auto v2 = decode_startup_packet(bytes({0, 2, 0, 0, 0}));
  ASSERT_FALSE(v2.ok());
  EXPECT_EQ(v2.status().sqlstate(), "0A000");
  // Parameters not terminated.
  auto open = decode_startup_packet(bytes({0, 3, 0, 0, 'u', 's', 'e', 'r', 0, 'x'}));
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.status().sqlstate(), "08P01");
  // Cancel of the wrong length.
  auto cancel = decode_startup_packet(bytes({0x04, 0xD2, 0x16, 0x2E, 0, 0, 0, 1}));
  EXPECT_FALSE(cancel.ok());
  EXPECT_FALSE(decode_startup_packet(bytes({0, 3})).ok());
}

TEST(FrontendCodec, EveryMessageRoundTrips) {
  std::vector<uint8_t> buf;
  {
    auto m = round_trip(msg::Query{"select 1; select 2"}, buf);
    EXPECT_EQ(std::get<msg::Query>(m).sql, "select 1; select 2");
  }
  {
    auto m = round_trip(msg::Parse{"s1", "select $1", {23, 0}}, buf);
    auto& p = std::get<msg::Parse>(m);
    EXPECT_EQ(p.name, "s1");
    EXPECT_EQ(p.sql, "select $1");
    EXPECT_EQ(p.param_oids, (std::vector<uint32_t>{23, 0}));
  }
  {
    msg::Bind b;
    b.portal = "p";
    b.statement = "s";
    b.param_formats = {1, 0};
    b.params = {std::string_view("\x00\x00\x00\x07", 4), std::nullopt, std::string_view("")};
    b.result_formats = {1};
    auto m = round_trip(b, buf);
    auto& d = std::get<msg::Bind>(m);
    EXPECT_EQ(d.portal, "p");
    EXPECT_EQ(d.statement, "s");
    EXPECT_EQ(d.param_formats, b.param_formats);
    ASSERT_EQ(d.params.size(), 3u);
    EXPECT_EQ(*d.params[0], std::string_view("\x00\x00\x00\x07", 4));
    EXPECT_FALSE(d.params[1].has_value());
    EXPECT_EQ(*d.params[2], "");
    EXPECT_EQ(d.result_formats, b.result_formats);
  }
  {
    auto m = round_trip(msg::Describe{'P', "portal"}, buf);
    EXPECT_EQ(std::get<msg::Describe>(m).kind, 'P');
    EXPECT_EQ(std::get<msg::Describe>(m).name, "portal");
  }
  {
    auto m = round_trip(msg::Execute{"p", 100}, buf);
    EXPECT_EQ(std::get<msg::Execute>(m).max_rows, 100);
  }
  {
    auto m = round_trip(msg::Close{'S', "s1"}, buf);
    EXPECT_EQ(std::get<msg::Close>(m).name, "s1");
  }
  EXPECT_TRUE(std::holds_alternative<msg::Sync>(round_trip(msg::Sync{}, buf)));
  EXPECT_EQ(buf, bytes({'S', 0, 0, 0, 4}));
  EXPECT_TRUE(std::holds_alternative<msg::Flush>(round_trip(msg::Flush{}, buf)));
  EXPECT_TRUE(std::holds_alternative<msg::Terminate>(round_trip(msg::Terminate{}, buf)));
  EXPECT_EQ(std::get<msg::CopyData>(round_trip(msg::CopyData{"1\t2\n"}, buf)).data, "1\t2\n");
  EXPECT_TRUE(std::holds_alternative<msg::CopyDone>(round_trip(msg::CopyDone{}, buf)));
  EXPECT_EQ(std::get<msg::CopyFail>(round_trip(msg::CopyFail{"oops"}, buf)).message, "oops");
}

TEST(FrontendCodec, MalformedMessagesAreProtocolViolations) {
  auto check = [](uint8_t type, std::vector<uint8_t> body) {
    auto d = decode_frontend_message(type, body);
    ASSERT_FALSE(d.ok()) << type;
    EXPECT_EQ(d.status().sqlstate(), "08P01");
  };
  check('Q', bytes({'s', 'e', 'l'}));                     // no NUL
  check('Q', bytes({'x', 0, 'y'}));                       // bytes after the string
  check('P', bytes({0, 'q', 0, 0x7f, 0xff}));             // 32767 types announced, none sent
  check('P', bytes({0, 'q', 0, 0xff, 0xff}));             // negative count
  check('B', bytes({0, 0, 0, 0, 0, 1, 0x7f, 0, 0, 0}));   // parameter longer than the body
  check('B', bytes({0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe, 0, 0}));  // length -2
  check('D', bytes({'X', 'n', 0}));                       // bad kind
  check('E', bytes({0, 0, 0}));                           // truncated row count
  check('S', bytes({0}));                                 // Sync with a body
  check('z', {});                                         // unknown type
}

TEST(BackendCodec, GoldenBytes) {
  std::vector<uint8_t> out;
  MessageWriter w(&out);
  w.authentication_ok();
  w.ready_for_query('I');
  EXPECT_EQ(out, bytes({'R', 0, 0, 0, 8, 0, 0, 0, 0, 'Z', 0, 0, 0, 5, 'I'}));

  out.clear();
  ErrorFields e;
  e.sqlstate = "42601";
  e.message = "bad";
  e.position = 7;
  w.error_response(e);
  std::vector<uint8_t> expected = {'E', 0, 0, 0, 0};
  for (std::string_view f : {"SERROR", "VERROR", "C42601", "Mbad", "P7"}) {
    expected.insert(expected.end(), f.begin(), f.end());
    expected.push_back(0);
  }
  expected.push_back(0);
  expected[4] = static_cast<uint8_t>(expected.size() - 1);
  EXPECT_EQ(out, expected);

  out.clear();
  w.row_description({ColumnDescription{"a", types::Type::numeric(10, 2), 16384, 3}}, {1});
  EXPECT_EQ(out, bytes({'T', 0, 0, 0, 26, 0, 1, 'a', 0, 0, 0, 0x40, 0, 0, 3, 0, 0, 0x06, 0xA4, 0xFF, 0xFF, 0, 0x0A,
                        0, 6, 0, 1}));

  out.clear();
  w.begin_data_row(2);
  w.null_field();
  w.begin_field();
  w.buffer().push_back('x');
  w.end_field();
  w.end_message();
  EXPECT_EQ(out, bytes({'D', 0, 0, 0, 15, 0, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1, 'x'}));
  BackendMessage m;
  auto used = decode_backend_message(out, &m);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(*used, out.size());
  auto row = m.data_row();
  ASSERT_EQ(row.size(), 2u);
  EXPECT_FALSE(row[0]);
  EXPECT_EQ(*row[1], "x");
}

TEST(BackendCodec, CopyResponses) {
  std::vector<uint8_t> out;
  MessageWriter w(&out);
  w.copy_in_response(2);
  EXPECT_EQ(out, bytes({'G', 0, 0, 0, 11, 0, 0, 2, 0, 0, 0, 0}));
  out.clear();
  w.copy_data("a\n");
  w.copy_done();
  EXPECT_EQ(out, bytes({'d', 0, 0, 0, 6, 'a', '\n', 'c', 0, 0, 0, 4}));
}

}  // namespace
}  // namespace strata::pgwire
