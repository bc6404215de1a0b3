// Broker against a real LogManager in a temp directory, without sockets:
// requests are hand-encoded frames, responses are parsed back.
#include "kafka/broker.h"

#include <gtest/gtest.h>

#include <chrono>

#include "io/file_system.h"
#include "kafka/error_code.h"
#include "log/test_util.h"

namespace strata::kafka {
namespace {

using Bytes = std::vector<uint8_t>;
namespace asio = net::asio;

void put_string(ByteWriter& w, std::string_view s) {
  w.i16(static_cast<int16_t>(s.size()));
  w.string(s);
}

class BrokerTest : public ::testing::Test {
 protected:
  BrokerTest() {
    log::LogOptions o;
    o.data_dir = dir_.path();
    auto lm = log::LogManager::open(o, io::posix_file_system(), io::system_clock());
    EXPECT_TRUE(lm.ok()) << lm.status().to_string();
    log_ = std::move(lm).value();
    coord_ = std::make_unique<GroupCoordinator>(io::system_clock(), GroupCoordinatorOptions{}, log_.get(),
                                                [this](std::function<void()> fn) { asio::post(io_, fn); });
    EXPECT_TRUE(coord_->load().ok());
    broker_ = std::make_unique<Broker>(io_, log_.get(), io::system_clock(), KafkaOptions{}, coord_.get());
    broker_->set_advertised("127.0.0.1", 9092);
  }
  ~BrokerTest() override {
    broker_.reset();
    (void)log_->close();
  }

  // Sends one request; returns the frame once answered (running the loop up
  // to `wait_ms`), or nullopt when still pending.
  std::optional<std::optional<Bytes>> call(int16_t key, int16_t version, const Bytes& body, int wait_ms = 2000) {
    RequestHeader h{key, version, ++corr_, std::string("test"), 1};
    Bytes frame;
    encode_request_header(h, &frame);
    frame.insert(frame.end(), body.begin(), body.end());
    ByteReader r(frame.data(), frame.size());
    auto decoded = decode_request_header(r);
    EXPECT_TRUE(decoded.ok());
    auto out = std::make_shared<std::optional<std::optional<Bytes>>>();
    Status s = broker_->handle(*decoded, r, "127.0.0.1", [out](std::optional<Bytes> f) { *out = std::move(f); });
    last_status_ = s;
    if (!s.ok()) return std::nullopt;
    run_until([&] { return out->has_value(); }, wait_ms);
    pending_ = out;
    return *out;
  }

  template <class F>
  void run_until(F done, int wait_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(5));
    }
  }

  Bytes produce_body(const std::string& topic, int16_t acks, int records) {
    Bytes batch = log::testing::make_batch(records);
    Bytes b;
    ByteWriter w(&b);
    w.i16(-1);
    w.i16(acks);
    w.i32(5000);
    w.i32(1);
    put_string(w, topic);
    w.i32(1);
    w.i32(0);
    w.i32(static_cast<int32_t>(batch.size()));
    w.bytes(batch.data(), batch.size());
    return b;
  }

  Bytes fetch_body(const std::string& topic, int64_t offset, int32_t max_wait_ms) {
    Bytes b;
    ByteWriter w(&b);
    w.i32(-1);
    w.i32(max_wait_ms);
    w.i32(1);
    w.i32(1 << 20);
    w.i8(0);
    w.i32(0);
    w.i32(-1);
    w.i32(1);
    put_string(w, topic);
    w.i32(1);
    w.i32(0);
    w.i32(-1);
    w.i64(offset);
    w.i64(-1);
    w.i32(1 << 20);
    w.i32(0);
    put_string(w, "");
    return b;
  }

  // Produce v7 response: (error, base_offset) of the single partition.
  static std::pair<int16_t, int64_t> parse_produce(const Bytes& f) {
    ByteReader r(f.data(), f.size());
    r.skip(8);         // size, correlation id
    r.i32();           // topics
    r.skip(r.u16());   // name
    r.i32();           // partitions
    r.i32();           // index
    int16_t err = r.i16();
    int64_t base = r.i64();
    EXPECT_TRUE(r.ok());
    return {err, base};
  }

  // Fetch v11 response: (error, high watermark, record bytes).
  static std::tuple<int16_t, int64_t, size_t> parse_fetch(const Bytes& f) {
    ByteReader r(f.data(), f.size());
    r.skip(8 + 4 + 2 + 4);  // size, corr, throttle, error, session
    r.i32();
    r.skip(r.u16());
    r.i32();
    r.i32();
    int16_t err = r.i16();
    int64_t hw = r.i64();
    r.skip(8 + 8);
    r.skip(4);  // aborted (count 0)
    r.skip(4);  // preferred read replica
    int32_t n = r.i32();
    EXPECT_TRUE(r.ok());
    return {err, hw, static_cast<size_t>(n)};
  }

  log::testing::TempDir dir_;
  asio::io_context io_;
  std::unique_ptr<log::LogManager> log_;
  std::unique_ptr<GroupCoordinator> coord_;
  std::unique_ptr<Broker> broker_;
  int32_t corr_ = 0;
  Status last_status_;
  std::shared_ptr<std::optional<std::optional<Bytes>>> pending_;
};

TEST_F(BrokerTest, ProduceAcksAllThenFetch) {
  auto r = call(0, 7, produce_body("t", -1, 3));
  ASSERT_TRUE(r.has_value() && r->has_value());
  auto [err, base] = parse_produce(**r);
  EXPECT_EQ(err, 0);
  EXPECT_EQ(base, 0);
  r = call(0, 7, produce_body("t", 1, 2));
  ASSERT_TRUE(r.has_value() && r->has_value());
  EXPECT_EQ(parse_produce(**r).second, 3);
  auto f = call(1, 11, fetch_body("t", 0, 0));
  ASSERT_TRUE(f.has_value() && f->has_value());
  auto [ferr, hw, n] = parse_fetch(**f);
  EXPECT_EQ(ferr, 0);
  EXPECT_EQ(hw, 5);
  EXPECT_GT(n, 0u);
}

TEST_F(BrokerTest, AcksZeroHasNoResponse) {
  auto r = call(0, 7, produce_body("t", 0, 1));
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->has_value());
}

TEST_F(BrokerTest, FetchLongPollWakesOnAppend) {
  auto first = call(0, 7, produce_body("t", 1, 1));
  ASSERT_TRUE(first.has_value());
  auto waiting = call(1, 11, fetch_body("t", 1, 10000), 100);
  EXPECT_FALSE(waiting.has_value());
  auto fetch_reply = pending_;
  auto start = std::chrono::steady_clock::now();
  auto p = call(0, 7, produce_body("t", 1, 1));
  ASSERT_TRUE(p.has_value());
  run_until([&] { return fetch_reply->has_value(); }, 2000);
  ASSERT_TRUE(fetch_reply->has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  auto [err, hw, n] = parse_fetch(***fetch_reply);
  EXPECT_EQ(err, 0);
  EXPECT_EQ(hw, 2);
  EXPECT_GT(n, 0u);
}

TEST_F(BrokerTest, FetchOutOfRangeAndUnknownTopic) {
  ASSERT_TRUE(call(0, 7, produce_body("t", 1, 1)).has_value());
  auto f = call(1, 11, fetch_body("t", 50, 1000));
  ASSERT_TRUE(f.has_value() && f->has_value());
  EXPECT_EQ(std::get<0>(parse_fetch(**f)), to_wire(ErrorCode::kOffsetOutOfRange));
  f = call(1, 11, fetch_body("nope", 0, 1000));
  ASSERT_TRUE(f.has_value() && f->has_value());
  EXPECT_EQ(std::get<0>(parse_fetch(**f)), to_wire(ErrorCode::kUnknownTopicOrPartition));
}

TEST_F(BrokerTest, InvalidTopicNameRejected) {
  auto r = call(0, 7, produce_body("bad/name", 1, 1));
  ASSERT_TRUE(r.has_value() && r->has_value());
  EXPECT_EQ(parse_produce(**r).first, to_wire(ErrorCode::kInvalidTopicException));
}

TEST_F(BrokerTest, ClientsCannotProduceToOffsetsTopic) {
  auto r = call(0, 7, produce_body("__consumer_offsets", 1, 1));
  ASSERT_TRUE(r.has_value() && r->has_value());
  EXPECT_EQ(parse_produce(**r).first, to_wire(ErrorCode::kInvalidTopicException));
}

TEST_F(BrokerTest, MalformedBodyClosesConnection) {
  Bytes body = produce_body("t", 1, 1);
  body.resize(body.size() - 3);
  auto r = call(0, 7, body);
  EXPECT_FALSE(r.has_value());
  EXPECT_FALSE(last_status_.ok());
}

TEST_F(BrokerTest, UnsupportedApiVersionsVersionAnswersV0) {
  auto r = call(18, 99, {});
  ASSERT_TRUE(r.has_value() && r->has_value());
  ByteReader br((*r)->data(), (*r)->size());
  br.skip(8);
  EXPECT_EQ(br.i16(), to_wire(ErrorCode::kUnsupportedVersion));
  EXPECT_GT(br.i32(), 10);
}

TEST_F(BrokerTest, UnknownApiClosesConnection) {
  auto r = call(999, 0, {});
  EXPECT_FALSE(r.has_value());
  EXPECT_FALSE(last_status_.ok());
}

TEST_F(BrokerTest, CommittedOffsetsSurviveCoordinatorReload) {
  OffsetCommitRequest c;
  c.group_id = "g";
  c.topics = {{"t", {{0, 42, -1, std::string("meta")}, {1, 7, -1, std::nullopt}}}};
  std::optional<OffsetCommitResponse> resp;
  coord_->commit_offsets(c, [&](OffsetCommitResponse r) { resp = std::move(r); });
  run_until([&] { return resp.has_value(); }, 3000);
  ASSERT_TRUE(resp.has_value());
  EXPECT_EQ(resp->topics[0].partitions[0].error_code, 0);
  coord_->delete_topic_offsets("other");
  GroupCoordinator reloaded(io::system_clock(), {}, log_.get(), [](std::function<void()> fn) { fn(); });
  ASSERT_TRUE(reloaded.load().ok());
  OffsetFetchRequest f;
  f.group_id = "g";
  f.topics = std::vector<OffsetFetchRequest::Topic>{{"t", {0, 1}}};
  auto r = reloaded.fetch_offsets(f);
  EXPECT_EQ(r.topics[0].partitions[0].committed_offset, 42);
  EXPECT_EQ(r.topics[0].partitions[0].metadata, "meta");
  EXPECT_EQ(r.topics[0].partitions[1].committed_offset, 7);
}

}  // namespace
}  // namespace strata::kafka
