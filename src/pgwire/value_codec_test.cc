// Binary wire forms against byte strings computed by hand from PostgreSQL's
// typsend functions (numeric_send, timestamp_send, interval_send, ...).
#include <gtest/gtest.h>

#include "pgwire/value_codec.h"
#include "types/cast.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace strata::pgwire {
namespace {

using types::Type;
using types::Value;

std::vector<uint8_t> bytes(std::initializer_list<int> v) {
  std::vector<uint8_t> out;
  for (int b : v) out.push_back(static_cast<uint8_t>(b));
  return out;
}

std::vector<uint8_t> numeric_bytes(std::string_view text) {
  std::vector<uint8_t> out;
  encode_numeric(*types::parse_decimal(text), out);
  return out;
}

std::vector<uint8_t> binary_of(const Value& v) {
  types::Vector vec(v.type());
  vec.append_value(v);
  std::vector<uint8_t> out;
  append_binary_value(vec, 0, out);
  return out;
}

std::string text_of(const Value& v) {
  types::Vector vec(v.type());
  vec.append_value(v);
  std::string out;
  append_text_value(vec, 0, out);
  return out;
}

TEST(NumericBinary, KnownEncodings) {
  // ndigits, weight, sign, dscale, then base-10000 digits.
  EXPECT_EQ(numeric_bytes("12345.678"), bytes({0, 3, 0, 1, 0, 0, 0, 3, 0, 1, 0x09, 0x29, 0x1A, 0x7C}));
  EXPECT_EQ(numeric_bytes("0.00"), bytes({0, 0, 0, 0, 0, 0, 0, 2}));
  EXPECT_EQ(numeric_bytes("-0.0001"), bytes({0, 1, 0xFF, 0xFF, 0x40, 0, 0, 4, 0, 1}));
  EXPECT_EQ(numeric_bytes("10000"), bytes({0, 1, 0, 1, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(numeric_bytes("1.5"), bytes({0, 2, 0, 0, 0, 0, 0, 1, 0, 1, 0x13, 0x88}));
  EXPECT_EQ(numeric_bytes("-123"), bytes({0, 1, 0, 0, 0x40, 0, 0, 0, 0, 123}));
  // 0.000012: digits 0012 at weight -2.
  EXPECT_EQ(numeric_bytes("0.000012"), bytes({0, 1, 0xFF, 0xFE, 0, 0, 0, 6, 0x04, 0xB0}));
}

TEST(NumericBinary, RoundTrips) {
  for (std::string_view text : {"0", "1", "-1", "12345.678", "0.0001", "-0.000012", "99999999999999999999.5",
                                "12345678901234567890123456789012345678", "100000000", "3.14159265358979"}) {
    auto d = types::parse_decimal(text);
    ASSERT_TRUE(d.ok()) << text;
    std::vector<uint8_t> wire;
    encode_numeric(*d, wire);
    auto back = decode_numeric(wire);
    ASSERT_TRUE(back.ok()) << text << ": " << back.status().to_string();
    EXPECT_EQ(types::format_decimal(*back), types::format_decimal(*d)) << text;
  }
}

TEST(NumericBinary, Rejects) {
  EXPECT_EQ(decode_numeric(bytes({0, 0, 0, 0, 0xC0, 0, 0, 0})).status().sqlstate(), "0A000");  // NaN
  EXPECT_EQ(decode_numeric(bytes({0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10})).status().sqlstate(), "22P03");  // 10000
  EXPECT_EQ(decode_numeric(bytes({0, 2, 0, 0, 0, 0, 0, 0, 0, 1})).status().sqlstate(), "22P03");  // short
  EXPECT_EQ(decode_numeric(bytes({0, 0, 0, 0, 0x12, 0x34, 0, 0})).status().sqlstate(), "22P03");  // sign
  EXPECT_EQ(decode_numeric(bytes({0, 1, 0, 20, 0, 0, 0, 0, 0, 1})).status().sqlstate(), "22003");  // 10^80
}

TEST(ValueBinary, FixedWidthTypes) {
  EXPECT_EQ(binary_of(Value::boolean(true)), bytes({1}));
  EXPECT_EQ(binary_of(Value::smallint(-2)), bytes({0xFF, 0xFE}));
  EXPECT_EQ(binary_of(Value::integer(123456)), bytes({0, 0x01, 0xE2, 0x40}));
  EXPECT_EQ(binary_of(Value::bigint(-1)), bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(binary_of(Value::real(1.5f)), bytes({0x3F, 0xC0, 0, 0}));
  EXPECT_EQ(binary_of(Value::double_precision(-2.25)), bytes({0xC0, 0x02, 0, 0, 0, 0, 0, 0}));
}

TEST(ValueBinary, DatetimeTypes) {
  // date: days since 2000-01-01; 2024-02-29 is 24 * 365 + 6 leap days + 59 = 8825.
  EXPECT_EQ(binary_of(Value::date(*types::parse_date("2024-02-29"))), bytes({0, 0, 0x22, 0x79}));
  EXPECT_EQ(binary_of(Value::date(*types::parse_date("1999-12-31"))), bytes({0xFF, 0xFF, 0xFF, 0xFF}));
  // timestamp: µs since 2000-01-01; 2000-01-02 03:04:05.006 = 97445 s + 6 ms = 97445006000 = 0x16_B02C_CAB0.
  EXPECT_EQ(binary_of(Value::timestamp(*types::parse_timestamp("2000-01-02 03:04:05.006"))),
            bytes({0, 0, 0, 0x16, 0xB0, 0x2C, 0xCA, 0xB0}));
  EXPECT_EQ(binary_of(Value::timestamptz(*types::parse_timestamptz("1999-12-31 23:59:59.999999+00"))),
            bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}));
  // time: µs since midnight.
  EXPECT_EQ(binary_of(Value::time(*types::parse_time("00:00:01"))), bytes({0, 0, 0, 0, 0, 0x0F, 0x42, 0x40}));
  // interval: Int64 µs, Int32 days, Int32 months. 1 year 2 mons 3 days 04:05:06:
  // 14706 s = 14706000000 µs = 0x3_6C8B_C080.
  EXPECT_EQ(binary_of(Value::interval(*types::parse_interval("1 year 2 mons 3 days 04:05:06"))),
            bytes({0, 0, 0, 0x03, 0x6C, 0x8B, 0xC0, 0x80, 0, 0, 0, 3, 0, 0, 0, 14}));
}

TEST(ValueBinary, VariableWidthTypes) {
  EXPECT_EQ(binary_of(Value::text("héllo")), bytes({'h', 0xC3, 0xA9, 'l', 'l', 'o'}));
  EXPECT_EQ(binary_of(Value::bytea(std::string("\x00\xff", 2))), bytes({0, 0xFF}));
  EXPECT_EQ(binary_of(Value::jsonb("{}")), bytes({1, '{', '}'}));
  EXPECT_EQ(binary_of(Value::numeric(*types::parse_decimal("1.5"))),
            bytes({0, 2, 0, 0, 0, 0, 0, 1, 0, 1, 0x13, 0x88}));
}

TEST(ValueBinary, DecodeRoundTripsEveryType) {
  std::vector<Value> values = {
      Value::boolean(false),
      Value::smallint(32767),
      Value::integer(-7),
      Value::bigint(1LL << 40),
      Value::real(-0.5f),
      Value::double_precision(1e300),
      Value::numeric(*types::parse_decimal("-42.125"), Type::numeric()),
      Value::text("abc"),
      Value::bytea(std::string("\x00\x01", 2)),
      Value::jsonb("{\"a\": [1, 2]}"),
      Value::date(*types::parse_date("1970-01-01")),
      Value::time(*types::parse_time("23:59:59.999999")),
      Value::timestamp(*types::parse_timestamp("1969-07-20 20:17:40")),
      Value::timestamptz(*types::parse_timestamptz("2038-01-19 03:14:08+00")),
      Value::interval(*types::parse_interval("-1 mons 5 days -00:00:01")),
  };
  for (const Value& v : values) {
    std::vector<uint8_t> wire = binary_of(v);
    auto back = decode_binary_value(wire, v.type());
    ASSERT_TRUE(back.ok()) << v.type().name() << ": " << back.status().to_string();
    EXPECT_EQ(back->to_text(), v.to_text()) << v.type().name();
    auto from_text = decode_text_value(text_of(v), v.type());
    ASSERT_TRUE(from_text.ok()) << v.type().name() << ": " << from_text.status().to_string();
    EXPECT_EQ(from_text->to_text(), v.to_text()) << v.type().name();
  }
}

TEST(ValueBinary, DecodeErrors) {
  EXPECT_EQ(decode_binary_value(bytes({0, 0, 1}), Type::integer()).status().sqlstate(), "22P03");
  EXPECT_EQ(decode_binary_value(bytes({2, '{', '}'}), Type::jsonb()).status().sqlstate(), "22P03");
  EXPECT_EQ(decode_binary_value(bytes({0, 0, 0, 0x15, 0, 0, 0, 0}), Type::time()).status().sqlstate(), "22008");
  EXPECT_EQ(decode_binary_value(bytes({0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}), Type::timestamp())
                .status()
                .sqlstate(),
            "22008");
  // varchar(2) applies its modifier to binary input too.
  EXPECT_FALSE(decode_binary_value(bytes({'a', 'b', 'c'}), Type::varchar(2)).ok());
  EXPECT_EQ(decode_text_value("x", Type::integer()).status().sqlstate(), "22P02");
  // A parameter the engine left unknown is text.
  auto unknown = decode_text_value("42", Type::unknown());
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->as_string(), "42");
}

}  // namespace
}  // namespace strata::pgwire
