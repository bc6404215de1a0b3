// Nexmark events as JSON objects, one per record (docs/formats/nexmark.md).
//
// Field names are RisingWave's snake_case; timestamps are text
// "YYYY-MM-DD HH:MM:SS.mmm" (UTC, no zone), which Strata's JSON record decoder
// reads into `timestamp` columns; ids, prices and categories are JSON integers.
#pragma once

#include <string>

#include "connect/nexmark_generator.h"

namespace strata::connect {

// Appends the JSON object of `event`'s entity to `out` (no newline). With
// `with_event_type` the object starts with "event_type": 0 | 1 | 2 (person,
// auction, bid: Nexmark's numbering), so one topic can carry all three kinds.
void append_nexmark_json(const NexmarkEvent& event, bool with_event_type, std::string& out);

void append_person_json(const NexmarkPerson& person, std::string& out);
void append_auction_json(const NexmarkAuction& auction, std::string& out);
void append_bid_json(const NexmarkBid& bid, std::string& out);

// "2015-07-15 00:00:00.001" for 1436918400001. REQUIRES: years 0..9999.
void append_nexmark_timestamp(int64_t epoch_ms, std::string& out);

}  // namespace strata::connect
