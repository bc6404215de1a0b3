// libFuzzer target for RecordDecoder: arbitrary bytes decoded as a JSON, CSV and
// raw record into columns of most types must give a row or a reason, never a
// crash, and a decoded row must encode and decode back to a row. JSON's fast
// path for flat objects must agree with the full parser's (the same row, or the
// same reason).
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
  strata::Status st = dec->decode(value, b);
  if (format == RecordFormat::kJson) {
    strata::types::Batch ref(types);
    strata::Status ref_st = dec->decode_json_reference(value, ref);
    STRATA_ASSERT(st.ok() == ref_st.ok() && st.message() == ref_st.message(), "both JSON paths give one answer");
    for (size_t i = 0; st.ok() && i < types.size(); ++i) {
      strata::types::Value x = b.columns[i].get_value(0), y = ref.columns[i].get_value(0);
      STRATA_ASSERT(x.is_null() == y.is_null() && (x.is_null() || x.to_text() == y.to_text()),
                    "both JSON paths decode one row");
    }
  }
  if (!st.ok()) {
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
