// libFuzzer target for RecordDecoder: arbitrary bytes decoded as a JSON, CSV and
// raw record into columns of most types must give a row or a reason, never a
// crash, and a decoded row must encode and decode back to a row.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/assert.h"
#include "formats/record_decoder.h"
#include "formats/record_encoder.h"

namespace {

using strata::formats::FieldSpec;
using strata::formats::RecordDecoder;
using strata::formats::RecordEncoder;
using strata::formats::RecordFormat;
using strata::types::Type;

std::vector<FieldSpec> fuzz_fields() {
  return {{"a", Type::bigint(), false},       {"b", Type::text(), false},       {"c", Type::numeric(10, 2), false},
          {"d", Type::timestamp(), false},    {"e", Type::boolean(), true},     {"f", Type::jsonb(), false},
          {"g", Type::double_precision(), false}, {"h", Type::varchar(4), false}, {"i", Type::date(), false},
          {"j", Type::interval(), false}};
}

void check(RecordFormat format, const std::vector<FieldSpec>& fields, std::string_view value) {
  auto dec = RecordDecoder::make(format, fields);
  auto enc = RecordEncoder::make(format, fields);
  STRATA_ASSERT(dec.ok() && enc.ok(), "fuzz fields are valid");
  std::vector<Type> types;
  for (const auto& f : fields) types.push_back(f.type);
  strata::types::Batch b(types);
  if (!dec->decode(value, b).ok()) {
    STRATA_ASSERT(b.rows == 0, "a rejected record appends nothing");
    return;
  }
  STRATA_ASSERT(b.rows == 1, "an accepted record appends one row");
  std::optional<std::string> again = enc->encode(b, 0);
  strata::types::Batch c(types);
  STRATA_ASSERT(dec->decode(again, c).ok(), "an encoded row decodes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view value(reinterpret_cast<const char*>(data), size);
  static const std::vector<FieldSpec> fields = fuzz_fields();
  check(RecordFormat::kJson, fields, value);
  check(RecordFormat::kCsv, fields, value);
  check(RecordFormat::kRaw, {{"v", Type::text(), false}}, value);
  return 0;
}
