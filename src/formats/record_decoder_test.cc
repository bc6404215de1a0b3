#include "formats/record_decoder.h"

#include <gtest/gtest.h>

#include "formats/record_encoder.h"
#include "types/cast.h"
#include "types/datetime.h"

namespace strata::formats {
namespace {

using types::Batch;
using types::Type;

std::vector<FieldSpec> order_fields() {
  return {{"order_id", Type::bigint(), true},
          {"country", Type::text(), false},
          {"amount", Type::numeric(10, 2), false},
          {"ts", Type::timestamp(), false},
          {"paid", Type::boolean(), false},
          {"extra", Type::jsonb(), false}};
}

Batch empty_batch(const std::vector<FieldSpec>& fields) {
  std::vector<Type> types;
  for (const auto& f : fields) types.push_back(f.type);
  return Batch(types);
}

std::string cell(const Batch& b, size_t col, size_t row) {
  if (b.columns[col].is_null(row)) return "NULL";
  return types::format_value(b.columns[col].get_value(row));
}

TEST(RecordFormatTest, ParsesNames) {
  EXPECT_EQ(*parse_record_format("JSON"), RecordFormat::kJson);
  EXPECT_EQ(*parse_record_format("csv"), RecordFormat::kCsv);
  EXPECT_EQ(*parse_record_format("raw"), RecordFormat::kRaw);
  Result<RecordFormat> bad = parse_record_format("avro");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().sqlstate(), "22023");
  EXPECT_FALSE(RecordDecoder::make(RecordFormat::kRaw, {{"a", Type::integer(), false}}).ok());
  EXPECT_FALSE(RecordDecoder::make(RecordFormat::kRaw, {{"a", Type::text(), false}, {"b", Type::text(), false}}).ok());
  EXPECT_TRUE(RecordDecoder::make(RecordFormat::kRaw, {{"a", Type::bytea(), false}}).ok());
}

// decode() takes a fast path for flat objects; it must agree with the full
// parser's path on every record, accepted or not.
TEST(RecordDecoderTest, JsonFastPathAgreesWithTheParser) {
  auto dec = RecordDecoder::make(RecordFormat::kJson, order_fields());
  ASSERT_TRUE(dec.ok());
  const char* cases[] = {
      R"({"order_id": 1, "country": "BR", "ts": "2024-05-01 12:00:00", "paid": false})",
      R"(  {"order_id":-7,"country":"DE"}  )",
      R"({"order_id": 1, "order_id": 2})",                    // the last duplicate wins
      R"({"order_id": 1, "country": "a\"b"})",               // an escape: the parser's path
      R"({"order_id": 1, "country": "caf\u00e9"})",
      R"({"order_id": 1, "country": "a\\b\/c\n\t", "extra": "q\"\\"})",  // one-character escapes
      R"({"order_id": 1, "country": "bad \x escape"})",
      R"({"order_id": 1, "country": "a long string, past eight bytes\\ with an escape", "extra": "é long ü text"})",
      "{\"order_id\": 1, \"country\": \"sixteen bytes ok \x01 then a control byte\"}",
      R"({"country": "BR", "order_id": 7, "paid": true})",    // fields out of column order
      R"({"order_id": 1, "country": "ends in a backslash\)",
      R"({"order\u005fid": 1})",                            // an escaped key
      R"({"order_id": 1, "extra": {"x": [1]}})",              // nested
      R"({"order_id": 1, "extra": "s", "amount": 12})",       // a jsonb string, an integer into numeric
      R"({"order_id": 1, "extra": 5, "paid": null})",
      R"({"order_id": 1e3})",                                 // not a plain integer
      R"({"order_id": -0})",
      R"({"order_id": 0123})",                                // malformed
      R"({"order_id": 12345678901234567890})",                // out of range for bigint
      R"({"order_id": 123456789012345678})",
      R"({"order_id": 1, "amount": 1.5})",
      R"({"order_id": 1} x)",                                 // trailing text
      R"({"order_id": 1,})",
      R"({"order_id" 1})",
      R"({})",
      R"([1, 2])",
      R"("order")",
      R"({"order_id": tru})",
      R"({"order_id": true})",                               // a boolean into bigint
      R"({"country": "x"})",                                  // NOT NULL order_id missing
      "{\"order_id\": 1, \"country\": \"tab\there\"}",       // a raw control character
      "{\"order_id\": 1, \"country\": \"\xff\"}",            // invalid UTF-8
      R"({"order_id": 2, "ts": 1714564800000})",
      R"({"order_id": 2, "ts": "yesterday"})",
      R"({"country": "x", "ts": "yesterday"})",               // a bad field before a missing NOT NULL one
      "",
  };
  for (const char* c : cases) {
    Batch fast = empty_batch(dec->fields());
    Batch ref = empty_batch(dec->fields());
    Status a = dec->decode(std::string_view(c), fast);
    Status b = dec->decode_json_reference(c, ref);
    EXPECT_EQ(a.ok(), b.ok()) << c;
    EXPECT_EQ(a.message(), b.message()) << c;
    ASSERT_EQ(fast.rows, ref.rows) << c;
    for (size_t col = 0; col < fast.columns.size() && fast.rows == 1; ++col) {
      EXPECT_EQ(cell(fast, col, 0), cell(ref, col, 0)) << c << " column " << col;
    }
  }
  Batch b = empty_batch(dec->fields());
  ASSERT_TRUE(dec->decode(R"({"order_id": 1, "order_id": 2, "extra": "s"})", b).ok());
  EXPECT_EQ(cell(b, 0, 0), "2");
  EXPECT_EQ(cell(b, 5, 0), "\"s\"");
  // A record failing in its fourth field leaves the batch as it was.
  EXPECT_FALSE(dec->decode(R"({"order_id": 3, "country": "BR", "amount": 1, "ts": "yesterday"})", b).ok());
  ASSERT_EQ(b.rows, 1u);
  for (const auto& c : b.columns) EXPECT_EQ(c.size(), 1u);
  ASSERT_TRUE(dec->decode(R"({"order_id": 4, "country": "DE"})", b).ok());
  EXPECT_EQ(cell(b, 0, 1) + cell(b, 1, 1) + cell(b, 3, 1), "4DENULL");
}

// The timestamp fast path gives parse_timestamp's answer on every text.
TEST(RecordDecoderTest, TimestampFastPathAgreesWithTheParser) {
  auto dec = RecordDecoder::make(RecordFormat::kJson, {{"ts", Type::timestamp(), false}});
  ASSERT_TRUE(dec.ok());
  for (const char* t : {"2015-07-15 00:00:00.000", "2024-02-29 23:59:59.999999", "2023-02-29 00:00:00",
                        "1970-01-01 00:00:00", "1969-12-31 23:59:59.5", "0001-01-01 00:00:00", "9999-12-31 23:59:59",
                        "2024-13-01 00:00:00", "2024-04-31 12:00:00", "2024-01-01 24:00:00", "2024-01-01 23:60:00",
                        "2024-01-01 23:59:60", "2024-01-01 12:00:00.", "2024-01-01 12:00:00.1234567",
                        "2024-01-01T12:00:00", "2024-01-01 12:00:00+02", "2024-1-01 12:00:00", "2024-01-01",
                        "2024-01-01 12:00", " 2024-01-01 12:00:00", "2024-01-01 12:0a:00", "0000-01-01 00:00:00"}) {
    Batch fast = empty_batch(dec->fields());
    Status a = dec->decode(std::string("{\"ts\": \"") + t + "\"}", fast);
    Result<int64_t> ref = types::parse_timestamp(t);
    EXPECT_EQ(a.ok(), ref.ok()) << t;
    if (a.ok() && ref.ok()) {
      EXPECT_EQ(fast.columns[0].data<int64_t>()[0], *ref) << t;
    }
  }
}

TEST(RecordFormatTest, Utf8CheckAtEveryPosition) {
  const std::string ascii = "0123456789abcdefghij";  // 20 bytes: the 8-byte steps and the tail
  for (size_t at = 0; at <= ascii.size(); ++at) {
    std::string s = ascii;
    EXPECT_TRUE(is_valid_utf8(s.insert(at, "\xc3\xa9"))) << at;            // é
    s = ascii;
    EXPECT_TRUE(is_valid_utf8(s.insert(at, "\xf0\x9f\x98\x80"))) << at;   // U+1F600
    s = ascii;
    EXPECT_FALSE(is_valid_utf8(s.insert(at, "\xff"))) << at;
    s = ascii;
    EXPECT_FALSE(is_valid_utf8(s.insert(at, "\xc3"))) << at;                 // a lead byte alone
    s = ascii;
    EXPECT_FALSE(is_valid_utf8(s.insert(at, "\xed\xa0\x80"))) << at;       // a surrogate
  }
  EXPECT_TRUE(is_valid_utf8(""));
}

TEST(RecordDecoderTest, JsonByName) {
  auto dec = RecordDecoder::make(RecordFormat::kJson, order_fields());
  ASSERT_TRUE(dec.ok());
  Batch b = empty_batch(dec->fields());
  ASSERT_TRUE(dec->decode(R"({"ts": "2024-05-01 12:00:00", "amount": 48.9, "country": "BR", "order_id": 1,
                              "paid": true, "extra": {"b": [1, 2], "a": null}, "ignored": 3})",
                          b)
                  .ok());
  // A number into a timestamp is milliseconds since the Unix epoch.
  ASSERT_TRUE(dec->decode(R"({"order_id": 2, "ts": 1714564800000})", b).ok());
  ASSERT_EQ(b.rows, 2u);
  EXPECT_EQ(cell(b, 0, 0), "1");
  EXPECT_EQ(cell(b, 1, 0), "BR");
  EXPECT_EQ(cell(b, 2, 0), "48.90");
  EXPECT_EQ(cell(b, 3, 0), "2024-05-01 12:00:00");
  EXPECT_EQ(cell(b, 4, 0), "t");
  EXPECT_EQ(cell(b, 5, 0), R"({"a": null, "b": [1, 2]})");
  EXPECT_EQ(cell(b, 1, 1), "NULL");
  EXPECT_EQ(cell(b, 3, 1), "2024-05-01 12:00:00");
}

TEST(RecordDecoderTest, BadJsonRecordsGiveReasonsAndLeaveTheBatch) {
  auto dec = RecordDecoder::make(RecordFormat::kJson, order_fields());
  ASSERT_TRUE(dec.ok());
  Batch b = empty_batch(dec->fields());
  ASSERT_TRUE(dec->decode(R"({"order_id": 1})", b).ok());
  struct Case {
    std::optional<std::string_view> value;
    std::string reason_part;
  } cases[] = {
      {R"({"order_id": 1,)", "malformed JSON"},
      {R"([1, 2])", "not an object"},
      {R"({"country": "BR"})", "\"order_id\" is missing or null"},
      {R"({"order_id": null})", "NOT NULL"},
      {R"({"order_id": "x"})", "field \"order_id\""},
      {R"({"order_id": 1.5e400})", "field \"order_id\""},
      {R"({"order_id": 1, "paid": 3})", "a JSON number does not fit type boolean"},
      {R"({"order_id": 1, "amount": 123456789012.5})", "field \"amount\""},
      {R"({"order_id": 1, "ts": "yesterday-ish"})", "field \"ts\""},
      {R"({"order_id": 1, "amount": [1]})", "a JSON array"},
      {std::nullopt, "null record value"},
      {"", "malformed JSON"},
  };
  for (const Case& c : cases) {
    Status s = dec->decode(c.value, b);
    ASSERT_FALSE(s.ok()) << (c.value ? *c.value : "null");
    EXPECT_NE(s.message().find(c.reason_part), std::string::npos) << s.message();
    EXPECT_EQ(b.rows, 1u);
    for (const auto& col : b.columns) EXPECT_EQ(col.size(), 1u);
  }
  ASSERT_TRUE(dec->decode(R"({"order_id": 2})", b).ok());
  EXPECT_EQ(cell(b, 0, 1), "2");
}

TEST(RecordDecoderTest, CsvByPosition) {
  auto dec = RecordDecoder::make(RecordFormat::kCsv, order_fields());
  ASSERT_TRUE(dec.ok());
  Batch b = empty_batch(dec->fields());
  ASSERT_TRUE(dec->decode("7,\"Sao Paulo, \"\"SP\"\"\",12.5,2024-05-01 00:00:01,false,\"{\"\"k\"\": 1}\"\r\n", b).ok());
  ASSERT_TRUE(dec->decode("8,,,,,", b).ok());
  ASSERT_TRUE(dec->decode("9,\"\",1,,,", b).ok());
  EXPECT_EQ(cell(b, 1, 0), "Sao Paulo, \"SP\"");
  EXPECT_EQ(cell(b, 2, 0), "12.50");
  EXPECT_EQ(cell(b, 5, 0), R"({"k": 1})");
  EXPECT_EQ(cell(b, 1, 1), "NULL");
  EXPECT_EQ(cell(b, 1, 2), "");
  EXPECT_FALSE(dec->decode("10,BR", b).ok());
  EXPECT_FALSE(dec->decode("10,\"BR,1,,,,", b).ok());
  EXPECT_FALSE(dec->decode("10,\"BR\"x,1,,,", b).ok());
  EXPECT_FALSE(dec->decode(",BR,1,,,", b).ok());  // NOT NULL order_id
  EXPECT_FALSE(dec->decode("10,\xff\xfe,1,,,", b).ok());
  EXPECT_EQ(b.rows, 3u);
}

TEST(RecordDecoderTest, RawTakesTheWholeValue) {
  auto text = RecordDecoder::make(RecordFormat::kRaw, {{"line", Type::text(), false}});
  ASSERT_TRUE(text.ok());
  Batch b = empty_batch(text->fields());
  ASSERT_TRUE(text->decode("any {bytes}, \"here\"", b).ok());
  ASSERT_TRUE(text->decode(std::nullopt, b).ok());
  EXPECT_FALSE(text->decode("\xc3\x28", b).ok());
  EXPECT_EQ(cell(b, 0, 0), "any {bytes}, \"here\"");
  EXPECT_EQ(cell(b, 0, 1), "NULL");
  auto bytes = RecordDecoder::make(RecordFormat::kRaw, {{"payload", Type::bytea(), false}});
  ASSERT_TRUE(bytes.ok());
  Batch c = empty_batch(bytes->fields());
  ASSERT_TRUE(bytes->decode(std::string_view("\x00\xff", 2), c).ok());
  EXPECT_EQ(cell(c, 0, 0), "\\x00ff");
}

TEST(RecordEncoderTest, RoundTripsEveryFormat) {
  for (RecordFormat format : {RecordFormat::kJson, RecordFormat::kCsv}) {
    auto dec = RecordDecoder::make(format, order_fields());
    auto enc = RecordEncoder::make(format, order_fields());
    ASSERT_TRUE(dec.ok() && enc.ok());
    Batch in = empty_batch(dec->fields());
    ASSERT_TRUE(dec->decode(format == RecordFormat::kJson
                                ? R"({"order_id": 1, "country": "a,\"b\"\n", "amount": -0.5, "ts": "2024-01-02 03:04:05.5",
                                     "paid": false, "extra": [1, {"x": "y"}]})"
                                : "1,\"a,\"\"b\"\"\n\",-0.5,2024-01-02 03:04:05.5,f,\"[1, {\"\"x\"\": \"\"y\"\"}]\"",
                            in)
                    .ok());
    ASSERT_TRUE(dec->decode(format == RecordFormat::kJson ? R"({"order_id": 2, "country": ""})" : "2,\"\",,,,", in).ok());
    Batch out = empty_batch(dec->fields());
    for (size_t r = 0; r < in.rows; ++r) {
      std::optional<std::string> value = enc->encode(in, r);
      ASSERT_TRUE(value.has_value());
      Status s = dec->decode(*value, out);
      ASSERT_TRUE(s.ok()) << *value << ": " << s.message();
    }
    for (size_t r = 0; r < in.rows; ++r) {
      for (size_t c = 0; c < in.columns.size(); ++c) {
        EXPECT_EQ(cell(out, c, r), cell(in, c, r)) << record_format_name(format) << " row " << r << " col " << c;
      }
    }
  }
  auto enc = RecordEncoder::make(RecordFormat::kJson, {{"n", Type::double_precision(), false}, {"b", Type::boolean(), false}});
  ASSERT_TRUE(enc.ok());
  Batch b(std::vector<Type>{Type::double_precision(), Type::boolean()});
  b.append_row({types::Value::double_precision(1.5), types::Value::boolean(true)});
  b.append_row({types::Value::double_precision(std::numeric_limits<double>::infinity()), types::Value::null(Type::boolean())});
  EXPECT_EQ(*enc->encode(b, 0), R"({"n": 1.5, "b": true})");
  EXPECT_EQ(*enc->encode(b, 1), R"({"n": "Infinity", "b": null})");
  auto raw = RecordEncoder::make(RecordFormat::kRaw, {{"v", Type::text(), false}});
  Batch r(std::vector<Type>{Type::text()});
  r.append_row({types::Value::text("x,y")});
  r.append_row({types::Value::null(Type::text())});
  EXPECT_EQ(*raw->encode(r, 0), "x,y");
  EXPECT_FALSE(raw->encode(r, 1).has_value());
}

}  // namespace
}  // namespace strata::formats
