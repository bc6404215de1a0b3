#include "connect/nexmark_generator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>

#include "connect/nexmark_json.h"

namespace strata::connect {
namespace {

using C = NexmarkConstants;

NexmarkGenerator make_generator(uint64_t events, double rate = 10000) {
  Result<NexmarkGenerator> g = NexmarkGenerator::make({events, rate});
  EXPECT_TRUE(g.ok()) << g.status().to_string();
  return std::move(g).value();
}

std::string json_of(const NexmarkGenerator& g, uint64_t n) {
  NexmarkEvent e;
  g.generate(n, e);
  std::string out;
  append_nexmark_json(e, /*with_event_type=*/true, out);
  return out;
}

std::vector<std::string> golden_lines(const std::string& name) {
  std::ifstream in(std::filesystem::path(__FILE__).parent_path() / "testdata" / name);
  EXPECT_TRUE(in.good()) << name;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// testdata/ was written by tools/NexmarkReference.java, a transcription of
// Beam's generator run on the JDK (real java.util.Random, Math.pow, trim).
TEST(NexmarkGeneratorTest, EqualsTheJavaReferenceFromTheStart) {
  std::vector<std::string> want = golden_lines("nexmark_first_1000.jsonl");
  ASSERT_EQ(want.size(), 1000U);
  NexmarkGenerator g = make_generator(1000);
  for (uint64_t n = 0; n < want.size(); ++n) ASSERT_EQ(json_of(g, n), want[n]) << "event " << n;
}

TEST(NexmarkGeneratorTest, EqualsTheJavaReferenceFarIntoTheStreamAtAnotherRate) {
  std::vector<std::string> want = golden_lines("nexmark_1000000_300_rate_1e6.jsonl");
  ASSERT_EQ(want.size(), 300U);
  NexmarkGenerator g = make_generator(2000000, 1e6);
  for (uint64_t i = 0; i < want.size(); ++i) ASSERT_EQ(json_of(g, 1000000 + i), want[i]) << "event " << 1000000 + i;
}

TEST(NexmarkGeneratorTest, RejectsBadRates) {
  for (double rate : {0.0, -1.0, 2e9, std::numeric_limits<double>::infinity(), std::nan("")}) {
    Result<NexmarkGenerator> g = NexmarkGenerator::make({10, rate});
    ASSERT_FALSE(g.ok()) << rate;
    EXPECT_EQ(g.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(NexmarkGeneratorTest, IsDeterministicAndSeekable) {
  NexmarkGenerator g = make_generator(20000);
  NexmarkGenerator other = make_generator(20000);
  std::vector<std::string> full;
  for (uint64_t n = 0; n < 20000; ++n) full.push_back(json_of(g, n));
  EXPECT_EQ(json_of(g, 1234), full[1234]);
  EXPECT_EQ(json_of(other, 19999), full[19999]);
  // A range from an offset, with one reused event object, equals the slice.
  NexmarkEvent e;
  for (uint64_t n = 7777; n < 9000; ++n) {
    other.generate(n, e);
    std::string out;
    append_nexmark_json(e, true, out);
    ASSERT_EQ(out, full[n]) << n;
  }
}

TEST(NexmarkGeneratorTest, MixIdsTimesPricesAndSizes) {
  constexpr uint64_t kEvents = 50000;
  NexmarkGenerator g = make_generator(kEvents);
  NexmarkEvent e;
  uint64_t counts[3] = {0, 0, 0};
  int64_t last_ts = 0, next_person = C::kFirstPersonId, next_auction = C::kFirstAuctionId;
  double bid_extra = 0, person_extra = 0, auction_extra = 0;
  std::set<int64_t> categories;
  uint64_t hot_channel = 0;
  for (uint64_t n = 0; n < kEvents; ++n) {
    g.generate(n, e);
    ASSERT_EQ(e.kind, NexmarkGenerator::kind_of(n));
    ++counts[static_cast<int>(e.kind)];
    int64_t last_person = NexmarkGenerator::last_base0_person_id(e.event_id) + C::kFirstPersonId;
    int64_t last_auction = NexmarkGenerator::last_base0_auction_id(e.event_id) + C::kFirstAuctionId;
    int64_t ts = 0;
    switch (e.kind) {
      case NexmarkEventKind::kPerson:
        ASSERT_EQ(e.person.id, next_person++);  // dense, in order, from 1000
        ts = e.person.date_time_ms;
        ASSERT_EQ(e.person.credit_card.size(), 19U);
        ASSERT_NE(e.person.email_address.find('@'), std::string::npos);
        person_extra += static_cast<double>(e.person.extra.size());
        break;
      case NexmarkEventKind::kAuction:
        ASSERT_EQ(e.auction.id, next_auction++);
        ts = e.auction.date_time_ms;
        ASSERT_GT(e.auction.expires_ms, ts);
        ASSERT_GE(e.auction.seller, C::kFirstPersonId);
        ASSERT_LE(e.auction.seller, last_person + C::kPersonIdLead);
        ASSERT_GE(e.auction.initial_bid, 100);
        ASSERT_LE(e.auction.initial_bid, 100000000);
        ASSERT_GT(e.auction.reserve, e.auction.initial_bid);
        ASSERT_LT(e.auction.item_name.size(), 20U);
        ASSERT_LT(e.auction.description.size(), 100U);
        categories.insert(e.auction.category);
        auction_extra += static_cast<double>(e.auction.extra.size());
        break;
      case NexmarkEventKind::kBid:
        ts = e.bid.date_time_ms;
        ASSERT_GE(e.bid.auction, C::kFirstAuctionId);
        ASSERT_LE(e.bid.auction, last_auction + C::kAuctionIdLead);
        ASSERT_GE(e.bid.auction, std::max<int64_t>(last_auction - C::kNumInFlightAuctions, C::kFirstAuctionId));
        ASSERT_GE(e.bid.bidder, C::kFirstPersonId);
        ASSERT_LE(e.bid.bidder, last_person + C::kPersonIdLead + 1);
        ASSERT_GE(e.bid.price, 100);
        ASSERT_LE(e.bid.price, 100000000);
        ASSERT_EQ(e.bid.url.rfind("https://www.nexmark.com/", 0), 0U) << e.bid.url;
        ASSERT_GE(e.bid.extra.size(), 54U);
        ASSERT_LE(e.bid.extra.size(), 81U);
        hot_channel += e.bid.channel.rfind("channel-", 0) != 0;
        bid_extra += static_cast<double>(e.bid.extra.size());
        break;
    }
    ASSERT_GE(ts, last_ts) << "event time goes backwards at " << n;
    ASSERT_EQ(ts, C::kBaseTimeMs + static_cast<int64_t>(n) / 10);  // 10 events per ms at 10k/s
    last_ts = ts;
  }
  EXPECT_EQ(counts[0], kEvents / 50);       // 2 %
  EXPECT_EQ(counts[1], kEvents * 3 / 50);   // 6 %
  EXPECT_EQ(counts[2], kEvents * 46 / 50);  // 92 %
  EXPECT_EQ(categories, (std::set<int64_t>{10, 11, 12, 13, 14}));
  // Extras pad towards the average sizes (bid: 100 - 32 = 68 on average).
  EXPECT_NEAR(bid_extra / static_cast<double>(counts[2]), 67.5, 1.0);
  EXPECT_NEAR(person_extra / static_cast<double>(counts[0]), 200.0 - 8 - 60, 12.0);
  EXPECT_NEAR(auction_extra / static_cast<double>(counts[1]), 500.0 - 48 - 9 - 50, 15.0);
  // Half of the bids use one of the four hot channels.
  EXPECT_NEAR(static_cast<double>(hot_channel) / static_cast<double>(counts[2]), 0.5, 0.02);
}

TEST(NexmarkGeneratorTest, IdHelpers) {
  // Event 0 is a person, 1-3 auctions, 4-49 bids, 50 the next person.
  EXPECT_EQ(NexmarkGenerator::last_base0_person_id(0), 0);
  EXPECT_EQ(NexmarkGenerator::last_base0_person_id(49), 0);
  EXPECT_EQ(NexmarkGenerator::last_base0_person_id(50), 1);
  EXPECT_EQ(NexmarkGenerator::last_base0_auction_id(1), 0);
  EXPECT_EQ(NexmarkGenerator::last_base0_auction_id(3), 2);
  EXPECT_EQ(NexmarkGenerator::last_base0_auction_id(4), 2);
  EXPECT_EQ(NexmarkGenerator::last_base0_auction_id(50), 2);
  EXPECT_EQ(NexmarkGenerator::last_base0_auction_id(51), 3);
  EXPECT_EQ(NexmarkGenerator::kind_of(0), NexmarkEventKind::kPerson);
  EXPECT_EQ(NexmarkGenerator::kind_of(3), NexmarkEventKind::kAuction);
  EXPECT_EQ(NexmarkGenerator::kind_of(4), NexmarkEventKind::kBid);
  EXPECT_EQ(NexmarkGenerator::kind_of(100), NexmarkEventKind::kPerson);
}

TEST(NexmarkGeneratorTest, UrlTablesAreFixed) {
  NexmarkGenerator g = make_generator(1);
  EXPECT_EQ(g.hot_urls(), make_generator(1).hot_urls());
  // Channel 1's id is Math.abs(Integer.reverse(1)) = INT_MIN in Java.
  const std::string& u = g.channel_url(1);
  if (u.find("&channel_id=") != std::string::npos) {
    EXPECT_NE(u.find("&channel_id=-2147483648"), std::string::npos) << u;
  }
  size_t with_id = 0;
  for (int32_t c = 0; c < C::kChannelsNumber; ++c) with_id += g.channel_url(c).find("&channel_id=") != std::string::npos;
  EXPECT_NEAR(static_cast<double>(with_id) / C::kChannelsNumber, 0.9, 0.02);
}

TEST(NexmarkJsonTest, TimestampsAndEscapes) {
  std::string s;
  append_nexmark_timestamp(1436918400001, s);
  EXPECT_EQ(s, "2015-07-15 00:00:00.001");
  s.clear();
  append_nexmark_timestamp(1436918400000 + 86399999, s);
  EXPECT_EQ(s, "2015-07-15 23:59:59.999");
  NexmarkBid b;
  b.auction = 1;
  b.bidder = 2;
  b.price = 3;
  b.channel = "a\"b";
  b.url = "c\\d";
  b.date_time_ms = 0;
  b.extra = std::string("\x01", 1);
  s.clear();
  append_bid_json(b, s);
  EXPECT_EQ(s, R"({"auction":1,"bidder":2,"price":3,"channel":"a\"b","url":"c\\d",)"
               R"("date_time":"1970-01-01 00:00:00.000","extra":"\u0001"})");
}

}  // namespace
}  // namespace strata::connect
