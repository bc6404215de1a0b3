#include "formats/record_decoder.h"

#include <fmt/format.h>

#include <charconv>
#include <cstring>

#include "types/cast.h"
#include "types/datetime.h"
#include "types/jsonb.h"

namespace strata::formats {

using types::JsonValue;
using types::Type;
using types::TypeId;
using types::Value;

namespace {

Status record_error(std::string reason) { return Status::invalid_argument(std::move(reason)); }

// JSON numbers into timestamp columns are milliseconds since the Unix epoch
// (Kafka's timestamp unit); text goes through the type's input function.
Result<Value> timestamp_from_millis(std::string_view number, const Type& type) {
  int64_t ms = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), ms);
  if (ec != std::errc() || end != number.data() + number.size()) {
    return record_error(fmt::format("\"{}\" is not an integer number of milliseconds", number));
  }
  constexpr int64_t kMillisMax = INT64_MAX / 1000;
  if (ms > kMillisMax || ms < -kMillisMax) return record_error(fmt::format("timestamp {} ms out of range", number));
  int64_t micros = ms * 1000;  // types/ timestamps are microseconds since the Unix epoch
  return type.id() == TypeId::kTimestamp ? Value::timestamp(micros) : Value::timestamptz(micros);
}

// "YYYY-MM-DD HH:MM:SS[.f{1,6}]" as types::parse_timestamp reads it, in µs since
// the Unix epoch; nullopt for any other text (parse_timestamp then decides).
std::optional<int64_t> plain_timestamp(std::string_view t) {
  if (t.size() < 19 || t.size() > 26 || t[4] != '-' || t[7] != '-' || t[10] != ' ' || t[13] != ':' ||
      t[16] != ':' || (t.size() > 19 && (t[19] != '.' || t.size() == 20))) {
    return std::nullopt;
  }
  int32_t v[6];
  const size_t at[6] = {0, 5, 8, 11, 14, 17}, len[6] = {4, 2, 2, 2, 2, 2};
  for (size_t k = 0; k < 6; ++k) {
    int32_t n = 0;
    for (size_t i = at[k]; i < at[k] + len[k]; ++i) {
      if (t[i] < '0' || t[i] > '9') return std::nullopt;
      n = n * 10 + (t[i] - '0');
    }
    v[k] = n;
  }
  int64_t micros = 0;
  for (size_t i = 20; i < 26; ++i) {
    int32_t digit = 0;
    if (i < t.size()) {
      if (t[i] < '0' || t[i] > '9') return std::nullopt;
      digit = t[i] - '0';
    }
    micros = micros * 10 + digit;
  }
  if (v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > types::days_in_month(v[0], v[1]) || v[3] > 23 ||
      v[4] > 59 || v[5] > 59) {
    return std::nullopt;
  }
  const int64_t days = types::days_from_civil(v[0], v[1], v[2]);
  return ((days * 24 + v[3]) * 60 + v[4]) * 60'000'000 + int64_t{v[5]} * 1'000'000 + micros;
}

}  // namespace

Result<RecordDecoder> RecordDecoder::make(RecordFormat format, std::vector<FieldSpec> fields) {
  STRATA_RETURN_IF_ERROR(check_record_fields(format, fields));
  return RecordDecoder(format, std::move(fields));
}

Status RecordDecoder::decode(std::optional<std::string_view> value, types::Batch& out) const {
  if (value && value->size() > kRecordValueBytesMax) {
    return record_error(fmt::format("record value of {} bytes exceeds {} bytes", value->size(), kRecordValueBytesMax));
  }
  std::vector<Value> row;
  row.reserve(fields_.size());
  switch (format_) {
    case RecordFormat::kJson: {
      if (!value) return record_error("null record value");
      Status status;
      if (decode_flat_json(*value, out, &status)) return status;
      STRATA_RETURN_IF_ERROR(decode_json_dom(*value, row));
      break;
    }
    case RecordFormat::kCsv:
      if (!value) return record_error("null record value");
      STRATA_RETURN_IF_ERROR(decode_csv(*value, row));
      break;
    case RecordFormat::kRaw:
      STRATA_RETURN_IF_ERROR(decode_raw(value, row));
      break;
  }
  return finish_row(row, out);
}

Status RecordDecoder::finish_row(std::vector<Value>& row, types::Batch& out) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (row[i].is_null() && fields_[i].not_null) {
      return record_error(fmt::format("field \"{}\" is missing or null but the column is NOT NULL", fields_[i].name));
    }
  }
  out.append_row(row);
  return Status::ok_status();
}

Status RecordDecoder::decode_json_reference(std::string_view value, types::Batch& out) const {
  if (value.size() > kRecordValueBytesMax) {
    return record_error(fmt::format("record value of {} bytes exceeds {} bytes", value.size(), kRecordValueBytesMax));
  }
  std::vector<Value> row;
  row.reserve(fields_.size());
  STRATA_RETURN_IF_ERROR(decode_json_dom(value, row));
  return finish_row(row, out);
}

Status RecordDecoder::field_from_text(size_t field, std::string_view text, Value& out) const {
  const FieldSpec& f = fields_[field];
  if (f.type.id() != TypeId::kBytea && !is_valid_utf8(text)) {
    return record_error(fmt::format("field \"{}\": invalid UTF-8", f.name));
  }
  if (f.type.id() == TypeId::kJsonb) {
    Result<std::string> json = types::normalize_jsonb(text);
    if (!json.ok()) return record_error(fmt::format("field \"{}\": {}", f.name, json.status().message()));
    out = Value::jsonb(std::move(json).value());
    return Status::ok_status();
  }
  Result<Value> v = types::parse_value(text, f.type);
  if (!v.ok()) return record_error(fmt::format("field \"{}\": {}", f.name, v.status().message()));
  out = std::move(v).value();
  return Status::ok_status();
}

Status RecordDecoder::field_from_json(size_t i, JsonKind kind, std::string_view text, Value& out) const {
  const FieldSpec& f = fields_[i];
  auto wrong_type = [&](std::string_view json_kind) {
    return record_error(fmt::format("field \"{}\": a JSON {} does not fit type {}", f.name, json_kind, f.type.name()));
  };
  switch (kind) {
    case JsonKind::kNull:
      return Status::ok_status();
    case JsonKind::kString:
      if (f.type.id() == TypeId::kTimestamp) {
        if (std::optional<int64_t> us = plain_timestamp(text)) {
          out = Value::timestamp(*us);
          return Status::ok_status();
        }
      }
      return field_from_text(i, text, out);
    case JsonKind::kNumber:
      if (f.type.id() == TypeId::kTimestamp || f.type.id() == TypeId::kTimestampTz) {
        Result<Value> ts = timestamp_from_millis(text, f.type);
        if (!ts.ok()) return record_error(fmt::format("field \"{}\": {}", f.name, ts.status().message()));
        out = std::move(ts).value();
        return Status::ok_status();
      }
      if (f.type.id() == TypeId::kBigInt) {
        // The common case without parse_value; anything else (out of range, a
        // fraction) goes through it and gets its result or error.
        int64_t n = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec == std::errc() && end == text.data() + text.size()) {
          out = Value::bigint(n);
          return Status::ok_status();
        }
      }
      if (f.type.is_numeric() || f.type.is_character()) return field_from_text(i, text, out);
      return wrong_type("number");
    case JsonKind::kTrue:
    case JsonKind::kFalse: {
      const bool b = kind == JsonKind::kTrue;
      if (f.type.id() == TypeId::kBoolean) {
        out = Value::boolean(b);
        return Status::ok_status();
      }
      if (f.type.is_character()) return field_from_text(i, b ? "true" : "false", out);
      return wrong_type("boolean");
    }
  }
  return Status::ok_status();
}

namespace {

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A JSON string at s[*pos] == '"' whose escapes are all of one character
// (\" \\ \/ \b \f \n \r \t; \u is left to the parser) and without control
// characters: its decoded content, with *pos past the closing quote. Content
// with escapes is decoded onto the end of *scratch (nullptr: only checked),
// which is first given room for all of `s`: decoded text is never longer than
// its JSON, so views into *scratch returned earlier stay valid. nullopt for
// anything else.
std::optional<std::string_view> simple_string(std::string_view s, size_t* pos, std::string* scratch) {
  const size_t start = *pos + 1;
  size_t i = start;
  bool escaped = false;
  // Eight bytes at a time while none is a quote, a backslash or below 0x20
  // (the SWAR "has a byte equal to / less than" tests; bytes >= 0x80 pass).
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  while (i + 8 <= s.size()) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    const uint64_t quote = w ^ (kOnes * '"'), slash = w ^ (kOnes * '\\');
    const uint64_t special = ((quote - kOnes) & ~quote) | ((slash - kOnes) & ~slash) | ((w - kOnes * 0x20) & ~w);
    if ((special & kHighs) != 0) break;
    i += 8;
  }
  for (; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"') break;
    if (c < 0x20) return std::nullopt;
    if (c == '\\') {
      if (i + 1 >= s.size()) return std::nullopt;
      const char e = s[++i];
      if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') {
        return std::nullopt;
      }
      escaped = true;
    }
  }
  if (i >= s.size()) return std::nullopt;
  *pos = i + 1;
  std::string_view raw = s.substr(start, i - start);
  if (!escaped) return raw;
  if (scratch == nullptr) return std::string_view();
  if (scratch->capacity() < s.size()) scratch->reserve(s.size());  // only while empty: see above
  const size_t begin = scratch->size();
  size_t k = 0;
  while (k < raw.size()) {
    const size_t slash = raw.find('\\', k);
    if (slash == std::string_view::npos) {
      scratch->append(raw.substr(k));
      break;
    }
    scratch->append(raw.substr(k, slash - k));
    char c = raw[slash + 1];
    switch (c) {
      case 'b': c = '\b'; break;
      case 'f': c = '\f'; break;
      case 'n': c = '\n'; break;
      case 'r': c = '\r'; break;
      case 't': c = '\t'; break;
      default: break;  // " \ /
    }
    scratch->push_back(c);
    k = slash + 2;
  }
  return std::string_view(*scratch).substr(begin);
}

// A JSON integer at s[*pos] of at most 18 digits, not -0, not followed by a
// fraction or exponent: parse_json's normalised text of it is itself.
std::optional<std::string_view> plain_integer(std::string_view s, size_t* pos) {
  size_t i = *pos;
  if (i < s.size() && s[i] == '-') ++i;
  const size_t digits = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  const size_t n = i - digits;
  if (n == 0 || n > 18 || (s[digits] == '0' && (n > 1 || digits != *pos))) return std::nullopt;
  if (i < s.size() && (s[i] == '.' || s[i] == 'e' || s[i] == 'E')) return std::nullopt;
  std::string_view text = s.substr(*pos, i - *pos);
  *pos = i;
  return text;
}

}  // namespace

bool RecordDecoder::decode_flat_json(std::string_view s, types::Batch& out, Status* status) const {
  // Per field: the last member with its name (parse_json keeps the last of
  // duplicate keys).
  constexpr size_t kFieldsMax = 64;
  if (fields_.size() > kFieldsMax) return false;
  JsonKind kinds[kFieldsMax] = {};
  std::string_view texts[kFieldsMax];
  bool seen[kFieldsMax] = {};
  std::string unescaped;  // the content of the fields' strings that had escapes
  size_t expected = 0;                // the field the next key probably names
  size_t pos = 0;
  while (pos < s.size() && is_json_space(s[pos])) ++pos;
  if (pos >= s.size() || s[pos] != '{') return false;
  ++pos;
  while (pos < s.size() && is_json_space(s[pos])) ++pos;
  if (pos < s.size() && s[pos] == '}') {
    ++pos;
  } else {
    while (true) {
      while (pos < s.size() && is_json_space(s[pos])) ++pos;
      if (pos >= s.size() || s[pos] != '"') return false;
      // Keys with escapes go to the parser (they are rare; no scratch to keep).
      const size_t key_start = pos;
      std::optional<std::string_view> key = simple_string(s, &pos, nullptr);
      if (!key || pos - key_start - 2 != key->size()) return false;
      // Records usually list the fields in column order: try the next one first.
      size_t field = fields_.size();
      if (expected < fields_.size() && fields_[expected].name == *key) {
        field = expected;
      } else {
        for (size_t i = 0; i < fields_.size(); ++i) {
          if (fields_[i].name == *key) {
            field = i;
            break;
          }
        }
      }
      expected = field + 1;
      while (pos < s.size() && is_json_space(s[pos])) ++pos;
      if (pos >= s.size() || s[pos] != ':') return false;
      ++pos;
      while (pos < s.size() && is_json_space(s[pos])) ++pos;
      if (pos >= s.size()) return false;
      JsonKind kind;
      std::string_view text;
      const char c = s[pos];
      if (c == '"') {
        std::optional<std::string_view> str =
            simple_string(s, &pos, field < fields_.size() ? &unescaped : nullptr);
        if (!str) return false;
        kind = JsonKind::kString;
        text = *str;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        std::optional<std::string_view> num = plain_integer(s, &pos);
        if (!num) return false;
        kind = JsonKind::kNumber;
        text = *num;
      } else if (s.substr(pos, 4) == "true") {
        kind = JsonKind::kTrue;
        pos += 4;
      } else if (s.substr(pos, 5) == "false") {
        kind = JsonKind::kFalse;
        pos += 5;
      } else if (s.substr(pos, 4) == "null") {
        kind = JsonKind::kNull;
        pos += 4;
      } else {
        return false;  // an array, an object, or not JSON
      }
      if (field < fields_.size()) {
        kinds[field] = kind;
        texts[field] = text;
        seen[field] = true;
      }
      while (pos < s.size() && is_json_space(s[pos])) ++pos;
      if (pos >= s.size()) return false;
      if (s[pos] == ',') {
        ++pos;
        continue;
      }
      if (s[pos] != '}') return false;
      ++pos;
      break;
    }
  }
  while (pos < s.size() && is_json_space(s[pos])) ++pos;
  if (pos != s.size()) return false;
  // A well-formed flat object: from here on errors are the record's. Each field
  // goes straight into its column; on an error every column is cut back to
  // `row`, so `out` is unchanged. Errors come in the reference path's order:
  // the first field that does not convert, then the first NOT NULL violation.
  const size_t row = out.rows;
  auto fail = [&](Status st) {
    for (types::Vector& c : out.columns) {
      if (c.size() > row) c.resize(row);
    }
    *status = std::move(st);
    return true;
  };
  for (size_t i = 0; i < fields_.size(); ++i) {
    const FieldSpec& f = fields_[i];
    types::Vector& col = out.columns[i];
    if (!seen[i] || kinds[i] == JsonKind::kNull) {
      col.resize(row + 1);
      col.set_null(row);
      continue;
    }
    if (f.type.id() == TypeId::kJsonb) {
      // jsonb keeps the scalar's JSON text, as format_jsonb writes it.
      std::string text;
      if (kinds[i] == JsonKind::kString) {
        types::append_json_string(texts[i], text);
      } else {
        text = kinds[i] == JsonKind::kNumber ? std::string(texts[i]) : kinds[i] == JsonKind::kTrue ? "true" : "false";
      }
      col.append_value(Value::jsonb(std::move(text)));
      continue;
    }
    // The common columns without a Value: bigint from a plain integer, text.
    if (kinds[i] == JsonKind::kNumber && f.type.id() == TypeId::kBigInt) {
      int64_t n = 0;
      auto [end, ec] = std::from_chars(texts[i].data(), texts[i].data() + texts[i].size(), n);
      if (ec == std::errc() && end == texts[i].data() + texts[i].size()) {
        col.resize(row + 1);
        col.data<int64_t>()[row] = n;
        continue;
      }
    }
    if (kinds[i] == JsonKind::kString && f.type.id() == TypeId::kText) {
      if (!is_valid_utf8(texts[i])) return fail(record_error(fmt::format("field \"{}\": invalid UTF-8", f.name)));
      std::string_view stored = col.add_string(texts[i]);
      col.resize(row + 1);
      col.data<std::string_view>()[row] = stored;
      continue;
    }
    Value v = Value::null(f.type);
    Status st = field_from_json(i, kinds[i], texts[i], v);
    if (!st.ok()) return fail(std::move(st));
    col.append_value(v);
  }
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].not_null && out.columns[i].is_null(row)) {
      return fail(record_error(
          fmt::format("field \"{}\" is missing or null but the column is NOT NULL", fields_[i].name)));
    }
  }
  out.rows = row + 1;
  *status = Status::ok_status();
  return true;
}

Status RecordDecoder::decode_json_dom(std::string_view value, std::vector<Value>& row) const {
  Result<JsonValue> doc = types::parse_json(value);
  if (!doc.ok()) return record_error(fmt::format("malformed JSON: {}", doc.status().message()));
  if (doc->kind != JsonValue::Kind::kObject) return record_error("JSON record is not an object");
  for (size_t i = 0; i < fields_.size(); ++i) {
    const FieldSpec& f = fields_[i];
    const JsonValue* v = doc->find(f.name);
    row.push_back(Value::null(f.type));
    if (v == nullptr || v->kind == JsonValue::Kind::kNull) continue;
    if (f.type.id() == TypeId::kJsonb) {
      row.back() = Value::jsonb(types::format_jsonb(*v));
      continue;
    }
    switch (v->kind) {
      case JsonValue::Kind::kString:
        STRATA_RETURN_IF_ERROR(field_from_json(i, JsonKind::kString, v->text, row.back()));
        break;
      case JsonValue::Kind::kNumber:
        STRATA_RETURN_IF_ERROR(field_from_json(i, JsonKind::kNumber, v->text, row.back()));
        break;
      case JsonValue::Kind::kTrue:
        STRATA_RETURN_IF_ERROR(field_from_json(i, JsonKind::kTrue, {}, row.back()));
        break;
      case JsonValue::Kind::kFalse:
        STRATA_RETURN_IF_ERROR(field_from_json(i, JsonKind::kFalse, {}, row.back()));
        break;
      case JsonValue::Kind::kArray:
      case JsonValue::Kind::kObject:
        if (!f.type.is_character()) {
          return record_error(fmt::format("field \"{}\": a JSON {} does not fit type {}", f.name,
                                          v->kind == JsonValue::Kind::kArray ? "array" : "object", f.type.name()));
        }
        STRATA_RETURN_IF_ERROR(field_from_text(i, types::format_jsonb(*v), row.back()));
        break;
      case JsonValue::Kind::kNull:
        break;
    }
  }
  return Status::ok_status();
}

Status split_csv_record(std::string_view record, std::vector<std::optional<std::string>>& fields) {
  fields.clear();
  if (record.ends_with("\r\n")) {
    record.remove_suffix(2);
  } else if (record.ends_with("\n")) {
    record.remove_suffix(1);
  }
  size_t i = 0;
  while (true) {
    if (i < record.size() && record[i] == '"') {
      std::string field;
      ++i;
      while (true) {
        if (i >= record.size()) return record_error("malformed CSV: unterminated quoted field");
        if (record[i] == '"') {
          if (i + 1 < record.size() && record[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(record[i++]);
      }
      fields.emplace_back(std::move(field));
      if (i < record.size() && record[i] != ',') return record_error("malformed CSV: text after a closing quote");
    } else {
      size_t end = record.find(',', i);
      std::string_view raw = record.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
      if (raw.find('"') != std::string_view::npos) return record_error("malformed CSV: quote inside an unquoted field");
      if (raw.empty()) {
        fields.emplace_back(std::nullopt);
      } else {
        fields.emplace_back(std::string(raw));
      }
      i = end == std::string_view::npos ? record.size() : end;
    }
    if (i >= record.size()) return Status::ok_status();
    ++i;  // the ','
    if (i == record.size()) {
      fields.emplace_back(std::nullopt);
      return Status::ok_status();
    }
  }
}

Status RecordDecoder::decode_csv(std::string_view value, std::vector<Value>& row) const {
  std::vector<std::optional<std::string>> parts;
  STRATA_RETURN_IF_ERROR(split_csv_record(value, parts));
  if (parts.size() != fields_.size()) {
    return record_error(fmt::format("CSV record has {} fields, the stream has {} columns", parts.size(), fields_.size()));
  }
  for (size_t i = 0; i < fields_.size(); ++i) {
    row.push_back(Value::null(fields_[i].type));
    if (parts[i]) STRATA_RETURN_IF_ERROR(field_from_text(i, *parts[i], row.back()));
  }
  return Status::ok_status();
}

Status RecordDecoder::decode_raw(std::optional<std::string_view> value, std::vector<Value>& row) const {
  const FieldSpec& f = fields_[0];
  if (!value) {
    row.push_back(Value::null(f.type));
    return Status::ok_status();
  }
  if (f.type.id() == TypeId::kBytea) {
    row.push_back(Value::bytea(std::string(*value)));
    return Status::ok_status();
  }
  row.push_back(Value::null(f.type));
  return field_from_text(0, *value, row.back());
}

}  // namespace strata::formats
