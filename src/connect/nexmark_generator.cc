#include "connect/nexmark_generator.h"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstdlib>

#include "base/assert.h"
#include "connect/java_random.h"

namespace strata::connect {

namespace {

using C = NexmarkConstants;

constexpr std::array<std::string_view, 11> kFirstNames = {"Peter", "Paul",  "Luke",  "John",   "Saul",  "Vicky",
                                                          "Kate",  "Julie", "Sarah", "Deiter", "Walter"};
constexpr std::array<std::string_view, 9> kLastNames = {"Shultz", "Abrams", "Spencer", "White", "Bartels",
                                                        "Walton", "Smith",  "Jones",   "Noris"};
constexpr std::array<std::string_view, 10> kCities = {"Phoenix",  "Los Angeles", "San Francisco", "Boise", "Portland",
                                                      "Bend",     "Redmond",     "Seattle",       "Kent",  "Cheyenne"};
constexpr std::array<std::string_view, 6> kStates = {"AZ", "CA", "ID", "OR", "WA", "WY"};
constexpr std::array<std::string_view, 4> kHotChannels = {"Google", "Facebook", "Baidu", "Apple"};
constexpr int32_t kMinStringLength = 3;

// Beam's LongGenerator.nextLong: uniform in [0, n). REQUIRES: n > 0.
int64_t next_long(JavaRandom& rng, int64_t n) {
  if (n < INT32_MAX) return rng.next_int(static_cast<int32_t>(n));
  return std::llabs(rng.next_long() % n);
}

// Java's Math.round for the non-negative, non-huge values used here.
int64_t java_round(double x) { return static_cast<int64_t>(std::floor(x + 0.5)); }

// Log-uniform cents in [100, 100000000]. std::pow may differ from Java's
// Math.pow by one ulp, which can flip a rounding exactly at .5 (never seen).
int64_t next_price(JavaRandom& rng) { return java_round(std::pow(10.0, rng.next_double() * 6.0) * 100.0); }

// Beam's nextString: 3 .. max_length-1 chars of a-z or `special` (p = 1/13),
// then Java's String.trim() (chars <= U+0020 off both ends).
void next_string(JavaRandom& rng, int32_t max_length, char special, std::string& out) {
  out.clear();
  int32_t len = kMinStringLength + rng.next_int(max_length - kMinStringLength);
  for (int32_t i = 0; i < len; ++i) {
    out.push_back(rng.next_int(13) == 0 ? special : static_cast<char>('a' + rng.next_int(26)));
  }
  size_t begin = 0, end = out.size();
  while (begin < end && static_cast<unsigned char>(out[begin]) <= ' ') ++begin;
  while (end > begin && static_cast<unsigned char>(out[end - 1]) <= ' ') --end;
  if (begin > 0 || end < out.size()) out = out.substr(begin, end - begin);
}

// Beam's nextExactString: six chars per nextInt(), each 'a' + (rnd rem 26) with
// Java's truncating remainder, so negative ints give chars 'H'..'`' as well.
void next_exact_string(JavaRandom& rng, int32_t length, std::string& out) {
  out.resize(static_cast<size_t>(length));
  int32_t rnd = 0;
  int32_t left = 0;
  for (int32_t i = 0; i < length; ++i) {
    if (left == 0) {
      rnd = rng.next_int();
      left = 6;
    }
    out[i] = static_cast<char>('a' + rnd % 26);
    rnd /= 26;
    --left;
  }
}

// Beam's nextExtra: pads an event towards `desired_average` bytes.
void next_extra(JavaRandom& rng, int32_t current_size, int32_t desired_average, std::string& out) {
  if (current_size > desired_average) {
    out.clear();
    return;
  }
  int32_t d = desired_average - current_size;
  auto delta = static_cast<int32_t>(java_round(d * 0.2));
  int32_t size = d - delta + (delta == 0 ? 0 : rng.next_int(2 * delta));
  next_exact_string(rng, size, out);
}

int64_t next_base0_person_id(int64_t event_id, JavaRandom& rng) {
  int64_t num_people = NexmarkGenerator::last_base0_person_id(event_id) + 1;
  int64_t active = std::min(num_people, C::kNumActivePeople);
  int64_t n = next_long(rng, active + C::kPersonIdLead);
  return num_people - active + n;
}

int64_t next_base0_auction_id(int64_t event_id, JavaRandom& rng) {
  int64_t max_auction = NexmarkGenerator::last_base0_auction_id(event_id);
  int64_t min_auction = std::max<int64_t>(max_auction - C::kNumInFlightAuctions, 0);
  return min_auction + next_long(rng, max_auction - min_auction + 1 + C::kAuctionIdLead);
}

// Flink's getBaseUrl with our RNG: three nextString(5, '_') directories.
std::string base_url(JavaRandom& rng) {
  std::string a, b, c;
  next_string(rng, 5, '_', a);
  next_string(rng, 5, '_', b);
  next_string(rng, 5, '_', c);
  return "https://www.nexmark.com/" + a + "/" + b + "/" + c + "/item.htm?query=1";
}

// Java's Integer.reverse.
int32_t reverse_bits32(int32_t v) {
  auto x = static_cast<uint32_t>(v);
  uint32_t r = 0;
  for (int i = 0; i < 32; ++i, x >>= 1) r = (r << 1) | (x & 1);
  return static_cast<int32_t>(r);
}

}  // namespace

std::string_view nexmark_kind_name(NexmarkEventKind kind) {
  switch (kind) {
    case NexmarkEventKind::kPerson: return "person";
    case NexmarkEventKind::kAuction: return "auction";
    case NexmarkEventKind::kBid: return "bid";
  }
  return "?";
}

Result<NexmarkGenerator> NexmarkGenerator::make(const NexmarkConfig& config) {
  double rate = config.rate_events_per_s;
  if (!std::isfinite(rate) || rate <= 0 || rate > 1e9) {
    return Status::invalid_argument(fmt::format("nexmark rate must be in (0, 1e9] events/s, got {}", rate));
  }
  return NexmarkGenerator(config);
}

NexmarkGenerator::NexmarkGenerator(const NexmarkConfig& config)
    : config_(config), inter_event_delay_us_(1e6 / config.rate_events_per_s) {
  // ★: Flink builds these from an unseeded RNG per JVM; we use one RNG seeded
  // kUrlTableSeed, drawing the four hot URLs first, then channels 0..9999 in order.
  JavaRandom rng(C::kUrlTableSeed);
  for (auto& u : hot_urls_) u = base_url(rng);
  channel_urls_.reserve(C::kChannelsNumber);
  for (int32_t c = 0; c < C::kChannelsNumber; ++c) {
    std::string url = base_url(rng);
    if (rng.next_int(10) > 0) {
      // Math.abs(Integer.reverse(c)): abs of INT_MIN (c = 1) stays INT_MIN in Java.
      int32_t rev = reverse_bits32(c);
      int64_t shown = rev == INT32_MIN ? rev : std::abs(rev);
      url += "&channel_id=" + std::to_string(shown);
    }
    channel_urls_.push_back(std::move(url));
  }
}

NexmarkEventKind NexmarkGenerator::kind_of(uint64_t event_number) {
  auto r = static_cast<int64_t>(event_number % C::kTotalProportion);
  if (r < C::kPersonProportion) return NexmarkEventKind::kPerson;
  if (r < C::kPersonProportion + C::kAuctionProportion) return NexmarkEventKind::kAuction;
  return NexmarkEventKind::kBid;
}

int64_t NexmarkGenerator::timestamp_ms(uint64_t event_number) const {
  // Flink: (long) (n * interEventDelayUs) / 1000, i.e. floor(n * delay / 1000).
  auto us = static_cast<int64_t>(static_cast<double>(event_number) * inter_event_delay_us_);
  return C::kBaseTimeMs + us / 1000;
}

int64_t NexmarkGenerator::last_base0_person_id(int64_t event_id) {
  int64_t epoch = event_id / C::kTotalProportion;
  int64_t offset = event_id % C::kTotalProportion;
  if (offset >= C::kPersonProportion) offset = C::kPersonProportion - 1;
  return epoch * C::kPersonProportion + offset;
}

int64_t NexmarkGenerator::last_base0_auction_id(int64_t event_id) {
  int64_t epoch = event_id / C::kTotalProportion;
  int64_t offset = event_id % C::kTotalProportion;
  if (offset < C::kPersonProportion) {
    --epoch;  // a person slot: the last auction is the previous epoch's last one
    offset = C::kAuctionProportion - 1;
  } else if (offset >= C::kPersonProportion + C::kAuctionProportion) {
    offset = C::kAuctionProportion - 1;  // a bid slot: after this epoch's auctions
  } else {
    offset -= C::kPersonProportion;
  }
  return epoch * C::kAuctionProportion + offset;
}

void NexmarkGenerator::generate(uint64_t event_number, NexmarkEvent& out) const {
  STRATA_ASSERT(event_number < config_.event_count, "nexmark event number past the configured event count");
  // firstEventId = firstEventNumber = 0 and out-of-order group 1: id = number.
  auto event_id = static_cast<int64_t>(event_number);
  JavaRandom rng(event_id);
  int64_t ts = timestamp_ms(event_number);
  out.event_id = event_id;
  out.kind = kind_of(event_number);
  switch (out.kind) {
    case NexmarkEventKind::kPerson: {
      NexmarkPerson& p = out.person;
      p.id = last_base0_person_id(event_id) + C::kFirstPersonId;
      p.name.assign(kFirstNames[rng.next_int(kFirstNames.size())]);
      p.name.push_back(' ');
      p.name.append(kLastNames[rng.next_int(kLastNames.size())]);
      std::string part;
      next_string(rng, 7, ' ', p.email_address);
      p.email_address.push_back('@');
      next_string(rng, 5, ' ', part);
      p.email_address.append(part).append(".com");
      p.credit_card.clear();
      for (int i = 0; i < 4; ++i) {
        if (i > 0) p.credit_card.push_back(' ');
        p.credit_card.append(fmt::format("{:04d}", rng.next_int(10000)));
      }
      p.city.assign(kCities[rng.next_int(kCities.size())]);
      p.state.assign(kStates[rng.next_int(kStates.size())]);
      p.date_time_ms = ts;
      auto size = static_cast<int32_t>(8 + p.name.size() + p.email_address.size() + p.credit_card.size() +
                                       p.city.size() + p.state.size());
      next_extra(rng, size, C::kAvgPersonBytes, p.extra);
      break;
    }
    case NexmarkEventKind::kAuction: {
      NexmarkAuction& a = out.auction;
      a.id = last_base0_auction_id(event_id) + C::kFirstAuctionId;
      if (rng.next_int(C::kHotSellersRatio) > 0) {
        a.seller = (last_base0_person_id(event_id) / C::kHotIdBlock) * C::kHotIdBlock;
      } else {
        a.seller = next_base0_person_id(event_id, rng);
      }
      a.seller += C::kFirstPersonId;
      a.category = C::kFirstCategoryId + rng.next_int(C::kNumCategories);
      a.initial_bid = next_price(rng);
      // Beam's nextAuctionLengthMs: on average the time until numInFlightAuctions
      // more auctions have been generated.
      constexpr int64_t kEventsForAuctions = C::kNumInFlightAuctions * C::kTotalProportion / C::kAuctionProportion;
      int64_t horizon_ms = timestamp_ms(event_number + kEventsForAuctions) - ts;
      a.date_time_ms = ts;
      a.expires_ms = ts + 1 + next_long(rng, std::max<int64_t>(horizon_ms * 2, 1));
      next_string(rng, 20, ' ', a.item_name);
      next_string(rng, 100, ' ', a.description);
      a.reserve = a.initial_bid + next_price(rng);
      auto size = static_cast<int32_t>(8 + a.item_name.size() + a.description.size() + 8 + 8 + 8 + 8 + 8);
      next_extra(rng, size, C::kAvgAuctionBytes, a.extra);
      break;
    }
    case NexmarkEventKind::kBid: {
      NexmarkBid& b = out.bid;
      if (rng.next_int(C::kHotAuctionRatio) > 0) {
        b.auction = (last_base0_auction_id(event_id) / C::kHotIdBlock) * C::kHotIdBlock;
      } else {
        b.auction = next_base0_auction_id(event_id, rng);
      }
      b.auction += C::kFirstAuctionId;
      if (rng.next_int(C::kHotBiddersRatio) > 0) {
        // +1: a hot bidder is never the hot seller of the same block.
        b.bidder = (last_base0_person_id(event_id) / C::kHotIdBlock) * C::kHotIdBlock + 1;
      } else {
        b.bidder = next_base0_person_id(event_id, rng);
      }
      b.bidder += C::kFirstPersonId;  // once (Flink adds it twice; ★ once)
      b.price = next_price(rng);
      if (rng.next_int(C::kHotChannelsRatio) > 0) {
        int32_t i = rng.next_int(kHotChannels.size());
        b.channel.assign(kHotChannels[i]);
        b.url.assign(hot_urls_[i]);
      } else {
        int32_t c = rng.next_int(C::kChannelsNumber);
        b.channel.assign("channel-");
        b.channel.append(std::to_string(c));
        b.url.assign(channel_urls_[c]);
      }
      b.date_time_ms = ts;
      next_extra(rng, 8 + 8 + 8 + 8, C::kAvgBidBytes, b.extra);
      break;
    }
  }
}

}  // namespace strata::connect
