#include "formats/record_decoder.h"

#include <fmt/format.h>

#include <charconv>

#include "types/cast.h"
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
    case RecordFormat::kJson:
      if (!value) return record_error("null record value");
      STRATA_RETURN_IF_ERROR(decode_json(*value, row));
      break;
    case RecordFormat::kCsv:
      if (!value) return record_error("null record value");
      STRATA_RETURN_IF_ERROR(decode_csv(*value, row));
      break;
    case RecordFormat::kRaw:
      STRATA_RETURN_IF_ERROR(decode_raw(value, row));
      break;
  }
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (row[i].is_null() && fields_[i].not_null) {
      return record_error(fmt::format("field \"{}\" is missing or null but the column is NOT NULL", fields_[i].name));
    }
  }
  out.append_row(row);
  return Status::ok_status();
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

Status RecordDecoder::decode_json(std::string_view value, std::vector<Value>& row) const {
  Result<JsonValue> doc = types::parse_json(value);
  if (!doc.ok()) return record_error(fmt::format("malformed JSON: {}", doc.status().message()));
  if (doc->kind != JsonValue::Kind::kObject) return record_error("JSON record is not an object");
  for (size_t i = 0; i < fields_.size(); ++i) {
    const FieldSpec& f = fields_[i];
    const JsonValue* v = doc->find(f.name);
    row.push_back(Value::null(f.type));
    if (v == nullptr || v->kind == JsonValue::Kind::kNull) continue;
    auto wrong_type = [&](std::string_view json_kind) {
      return record_error(fmt::format("field \"{}\": a JSON {} does not fit type {}", f.name, json_kind, f.type.name()));
    };
    if (f.type.id() == TypeId::kJsonb) {
      row.back() = Value::jsonb(types::format_jsonb(*v));
      continue;
    }
    switch (v->kind) {
      case JsonValue::Kind::kString:
        STRATA_RETURN_IF_ERROR(field_from_text(i, v->text, row.back()));
        break;
      case JsonValue::Kind::kNumber:
        if (f.type.id() == TypeId::kTimestamp || f.type.id() == TypeId::kTimestampTz) {
          Result<Value> ts = timestamp_from_millis(v->text, f.type);
          if (!ts.ok()) return record_error(fmt::format("field \"{}\": {}", f.name, ts.status().message()));
          row.back() = std::move(ts).value();
        } else if (f.type.is_numeric() || f.type.is_character()) {
          STRATA_RETURN_IF_ERROR(field_from_text(i, v->text, row.back()));
        } else {
          return wrong_type("number");
        }
        break;
      case JsonValue::Kind::kTrue:
      case JsonValue::Kind::kFalse: {
        bool b = v->kind == JsonValue::Kind::kTrue;
        if (f.type.id() == TypeId::kBoolean) {
          row.back() = Value::boolean(b);
        } else if (f.type.is_character()) {
          STRATA_RETURN_IF_ERROR(field_from_text(i, b ? "true" : "false", row.back()));
        } else {
          return wrong_type("boolean");
        }
        break;
      }
      case JsonValue::Kind::kArray:
      case JsonValue::Kind::kObject:
        if (!f.type.is_character()) return wrong_type(v->kind == JsonValue::Kind::kArray ? "array" : "object");
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
