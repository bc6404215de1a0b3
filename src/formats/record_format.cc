#include "formats/record_format.h"

#include <fmt/format.h>

#include <cstring>

namespace strata::formats {

Result<RecordFormat> parse_record_format(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lower == "json") return RecordFormat::kJson;
  if (lower == "csv") return RecordFormat::kCsv;
  if (lower == "raw") return RecordFormat::kRaw;
  return Status::sql("22023", fmt::format("unknown record format \"{}\" (expected json, csv or raw)", name));
}

std::string_view record_format_name(RecordFormat format) {
  switch (format) {
    case RecordFormat::kJson:
      return "json";
    case RecordFormat::kCsv:
      return "csv";
    case RecordFormat::kRaw:
      return "raw";
  }
  return "?";
}

Status check_record_fields(RecordFormat format, const std::vector<FieldSpec>& fields) {
  if (fields.empty()) return Status::sql("42P16", "a record format needs at least one column");
  if (format == RecordFormat::kRaw &&
      (fields.size() != 1 || !(fields[0].type.is_character() || fields[0].type.id() == types::TypeId::kBytea))) {
    return Status::sql("42804", "format 'raw' needs exactly one column of type text, varchar or bytea");
  }
  for (const FieldSpec& f : fields) {
    if (f.type.is_array() || f.type.id() == types::TypeId::kUnknown) {
      return Status::sql("0A000",
                         fmt::format("column \"{}\": type {} cannot be carried in records", f.name, f.type.name()));
    }
  }
  return Status::ok_status();
}

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // Eight ASCII bytes at a time (no byte has its high bit set).
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    static constexpr uint32_t kMinForLength[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace strata::formats
