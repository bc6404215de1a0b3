#include "connect/nexmark_json.h"

#include <charconv>

#include "base/assert.h"
#include "types/datetime.h"

namespace strata::connect {

namespace {

void append_int(int64_t v, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void append_digits(int64_t v, int width, std::string& out) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i, v /= 10) buf[i] = static_cast<char>('0' + v % 10);
  out.append(buf, static_cast<size_t>(width));
}

// A JSON string: '"' and '\' escaped, control characters as \u00XX. The
// generator's strings are ASCII (nextExactString yields 'H'..'z', including '\').
void append_string(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

void key(std::string_view name, std::string& out) {
  out.push_back('"');
  out.append(name);
  out.append("\":");
}

void field(std::string_view name, int64_t v, std::string& out) {
  key(name, out);
  append_int(v, out);
  out.push_back(',');
}

void field(std::string_view name, std::string_view v, std::string& out) {
  key(name, out);
  append_string(v, out);
  out.push_back(',');
}

void time_field(std::string_view name, int64_t ms, std::string& out) {
  key(name, out);
  out.push_back('"');
  append_nexmark_timestamp(ms, out);
  out.append("\",");
}

// Every object ends with "extra"; the writers above leave a trailing comma.
void last_field(std::string_view name, std::string_view v, std::string& out) {
  key(name, out);
  append_string(v, out);
  out.push_back('}');
}

}  // namespace

void append_nexmark_timestamp(int64_t epoch_ms, std::string& out) {
  int64_t days = types::floor_div(epoch_ms, 86400000);
  int64_t ms_of_day = epoch_ms - days * 86400000;
  types::CivilDate d = types::civil_from_days(static_cast<int32_t>(days));
  STRATA_ASSERT(d.year >= 0 && d.year <= 9999, "nexmark timestamp outside years 0..9999");
  append_digits(d.year, 4, out);
  out.push_back('-');
  append_digits(d.month, 2, out);
  out.push_back('-');
  append_digits(d.day, 2, out);
  out.push_back(' ');
  append_digits(ms_of_day / 3600000, 2, out);
  out.push_back(':');
  append_digits(ms_of_day / 60000 % 60, 2, out);
  out.push_back(':');
  append_digits(ms_of_day / 1000 % 60, 2, out);
  out.push_back('.');
  append_digits(ms_of_day % 1000, 3, out);
}

void append_person_json(const NexmarkPerson& p, std::string& out) {
  out.push_back('{');
  field("id", p.id, out);
  field("name", p.name, out);
  field("email_address", p.email_address, out);
  field("credit_card", p.credit_card, out);
  field("city", p.city, out);
  field("state", p.state, out);
  time_field("date_time", p.date_time_ms, out);
  last_field("extra", p.extra, out);
}

void append_auction_json(const NexmarkAuction& a, std::string& out) {
  out.push_back('{');
  field("id", a.id, out);
  field("item_name", a.item_name, out);
  field("description", a.description, out);
  field("initial_bid", a.initial_bid, out);
  field("reserve", a.reserve, out);
  time_field("date_time", a.date_time_ms, out);
  time_field("expires", a.expires_ms, out);
  field("seller", a.seller, out);
  field("category", a.category, out);
  last_field("extra", a.extra, out);
}

void append_bid_json(const NexmarkBid& b, std::string& out) {
  out.push_back('{');
  field("auction", b.auction, out);
  field("bidder", b.bidder, out);
  field("price", b.price, out);
  field("channel", b.channel, out);
  field("url", b.url, out);
  time_field("date_time", b.date_time_ms, out);
  last_field("extra", b.extra, out);
}

void append_nexmark_json(const NexmarkEvent& event, bool with_event_type, std::string& out) {
  size_t start = out.size();
  switch (event.kind) {
    case NexmarkEventKind::kPerson: append_person_json(event.person, out); break;
    case NexmarkEventKind::kAuction: append_auction_json(event.auction, out); break;
    case NexmarkEventKind::kBid: append_bid_json(event.bid, out); break;
  }
  if (with_event_type) {
    // {"event_type":N, inserted after the opening brace.
    std::string prefix = "\"event_type\":";
    prefix.push_back(static_cast<char>('0' + static_cast<int>(event.kind)));
    prefix.push_back(',');
    out.insert(start + 1, prefix);
  }
}

}  // namespace strata::connect
