// NexmarkGenerator: the Nexmark benchmark's event stream, deterministic and
// seekable (/work/shared/design/nexmark.md, the ★ variant; docs/formats/nexmark.md).
//
// The stream is a pure function of (config, event number): event n is computed
// from n alone with a java.util.Random seeded with its event id, so any range
// can be generated from any offset, by any number of workers, and replayed.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace strata::connect {

enum class NexmarkEventKind : uint8_t { kPerson = 0, kAuction = 1, kBid = 2 };

std::string_view nexmark_kind_name(NexmarkEventKind kind);  // "person", "auction", "bid"

// The ★ variant's fixed parameters (nexmark.md §2). Ids are these plus a base-0 id.
struct NexmarkConstants {
  static constexpr int64_t kBaseTimeMs = 1436918400000;  // 2015-07-15T00:00:00Z
  static constexpr int64_t kFirstPersonId = 1000;
  static constexpr int64_t kFirstAuctionId = 1000;
  static constexpr int64_t kFirstCategoryId = 10;
  static constexpr int32_t kNumCategories = 5;
  static constexpr int64_t kPersonProportion = 1;
  static constexpr int64_t kAuctionProportion = 3;
  static constexpr int64_t kBidProportion = 46;
  static constexpr int64_t kTotalProportion = kPersonProportion + kAuctionProportion + kBidProportion;
  static constexpr int64_t kNumActivePeople = 1000;
  static constexpr int64_t kNumInFlightAuctions = 100;
  static constexpr int64_t kPersonIdLead = 10;
  static constexpr int64_t kAuctionIdLead = 10;
  static constexpr int32_t kHotAuctionRatio = 2;
  static constexpr int32_t kHotSellersRatio = 4;
  static constexpr int32_t kHotBiddersRatio = 4;
  static constexpr int64_t kHotIdBlock = 100;  // HOT_SELLER_RATIO etc.: ids per "hot" block
  static constexpr int32_t kHotChannelsRatio = 2;
  static constexpr int32_t kChannelsNumber = 10000;
  static constexpr int32_t kAvgPersonBytes = 200;
  static constexpr int32_t kAvgAuctionBytes = 500;
  static constexpr int32_t kAvgBidBytes = 100;
  static constexpr int64_t kUrlTableSeed = 0;  // the dedicated RNG of the channel URL tables
};

struct NexmarkConfig {
  // Events in the stream: event numbers 0 .. event_count - 1 (also event ids:
  // firstEventId = firstEventNumber = 0, one generator, out-of-order group 1).
  uint64_t event_count = 0;
  // Sets only the event-time spacing: interEventDelayUs = 1e6 / rate (a double).
  double rate_events_per_s = 10000;
};

struct NexmarkPerson {
  int64_t id = 0;
  std::string name, email_address, credit_card, city, state;
  int64_t date_time_ms = 0;
  std::string extra;
};

struct NexmarkAuction {
  int64_t id = 0;
  std::string item_name, description;
  int64_t initial_bid = 0, reserve = 0;  // cents
  int64_t date_time_ms = 0, expires_ms = 0;
  int64_t seller = 0, category = 0;
  std::string extra;
};

struct NexmarkBid {
  int64_t auction = 0, bidder = 0, price = 0;  // price in cents
  std::string channel, url;
  int64_t date_time_ms = 0;
  std::string extra;
};

// One event; only the member named by `kind` is meaningful (the others keep
// whatever an earlier event left, so a reused NexmarkEvent does not allocate).
struct NexmarkEvent {
  NexmarkEventKind kind = NexmarkEventKind::kBid;
  int64_t event_id = 0;
  NexmarkPerson person;
  NexmarkAuction auction;
  NexmarkBid bid;
};

// Immutable after make(); generate() is const and safe to call from many threads.
class NexmarkGenerator {
 public:
  // Invalid argument unless 0 < rate <= 1e9 events/s (finite).
  static Result<NexmarkGenerator> make(const NexmarkConfig& config);

  const NexmarkConfig& config() const { return config_; }

  // The kind of event `event_number` without generating it.
  static NexmarkEventKind kind_of(uint64_t event_number);

  // Event `event_number` into `out` (its strings' capacity is reused).
  // REQUIRES: event_number < config().event_count.
  void generate(uint64_t event_number, NexmarkEvent& out) const;

  // baseTime + floor(event_number * interEventDelayUs / 1000) ms (§3.2).
  int64_t timestamp_ms(uint64_t event_number) const;

  // Id helpers of §3.3 (base 0, before the FIRST_* constants).
  static int64_t last_base0_person_id(int64_t event_id);
  static int64_t last_base0_auction_id(int64_t event_id);

  // The fixed URL tables (built once from JavaRandom(kUrlTableSeed)).
  const std::array<std::string, 4>& hot_urls() const { return hot_urls_; }
  const std::string& channel_url(int32_t channel) const { return channel_urls_[channel]; }

 private:
  NexmarkGenerator(const NexmarkConfig& config);

  NexmarkConfig config_;
  double inter_event_delay_us_ = 0;
  std::array<std::string, 4> hot_urls_;
  std::vector<std::string> channel_urls_;  // kChannelsNumber entries
};

}  // namespace strata::connect
