#include "formats/record_encoder.h"

#include "types/cast.h"
#include "types/jsonb.h"

namespace strata::formats {

using types::TypeId;

namespace {

// Numbers stay JSON numbers unless their text is not one (NaN, Infinity).
bool is_json_number_text(std::string_view s) {
  return !s.empty() && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) && s.find_first_of("nNI") == std::string_view::npos;
}

void append_csv_field(std::string_view text, std::string& out) {
  bool quote = text.empty() || text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

Result<RecordEncoder> RecordEncoder::make(RecordFormat format, std::vector<FieldSpec> fields) {
  STRATA_RETURN_IF_ERROR(check_record_fields(format, fields));
  return RecordEncoder(format, std::move(fields));
}

std::optional<std::string> RecordEncoder::encode(const types::Batch& batch, size_t row) const {
  std::string out;
  std::string text;
  switch (format_) {
    case RecordFormat::kJson:
      out.push_back('{');
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (i > 0) out.append(", ");
        types::append_json_string(fields_[i].name, out);
        out.append(": ");
        const types::Vector& col = batch.columns[i];
        if (col.is_null(row)) {
          out.append("null");
          continue;
        }
        text.clear();
        types::append_text(col, row, text);
        const types::Type& t = col.type();
        if (t.id() == TypeId::kBoolean) {
          out.append(text == "t" ? "true" : "false");
        } else if (t.id() == TypeId::kJsonb) {
          out.append(text);
        } else if (t.is_numeric() && is_json_number_text(text)) {
          out.append(text);
        } else {
          types::append_json_string(text, out);
        }
      }
      out.push_back('}');
      return out;
    case RecordFormat::kCsv:
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (i > 0) out.push_back(',');
        const types::Vector& col = batch.columns[i];
        if (col.is_null(row)) continue;
        text.clear();
        types::append_text(col, row, text);
        append_csv_field(text, out);
      }
      return out;
    case RecordFormat::kRaw: {
      const types::Vector& col = batch.columns[0];
      if (col.is_null(row)) return std::nullopt;
      return std::string(col.data<std::string_view>()[row]);
    }
  }
  return out;
}

}  // namespace strata::formats
