#include "pgwire/backend_message.h"

#include <cstring>

#include "pgwire/sqlstate.h"

namespace strata::pgwire {

ErrorFields ErrorFields::from_status(const Status& status, std::string_view severity) {
  ErrorFields e;
  e.severity = std::string(severity);
  e.sqlstate = std::string(sqlstate::for_status(status));
  e.message = status.message();
  e.position = status.position();
  return e;
}

ErrorFields ErrorFields::from_notice(const Notice& notice) {
  ErrorFields e;
  e.severity = notice.severity;
  e.sqlstate = notice.sqlstate;
  e.message = notice.message;
  e.detail = notice.detail;
  e.hint = notice.hint;
  return e;
}

void MessageWriter::begin(char type) {
  message_start_ = out_->size();
  w_.u8(static_cast<uint8_t>(type));
  w_.i32(0);
}

void MessageWriter::end_message() {
  w_.patch_i32(message_start_ + 1, static_cast<int32_t>(out_->size() - message_start_ - 1));
}

void MessageWriter::authentication_ok() {
  begin('R');
  w_.i32(0);
  end_message();
}

void MessageWriter::parameter_status(std::string_view name, std::string_view value) {
  begin('S');
  cstring(name);
  cstring(value);
  end_message();
}

void MessageWriter::backend_key_data(int32_t process_id, int32_t secret_key) {
  begin('K');
  w_.i32(process_id);
  w_.i32(secret_key);
  end_message();
}

void MessageWriter::ready_for_query(char transaction_status) {
  begin('Z');
  w_.u8(static_cast<uint8_t>(transaction_status));
  end_message();
}

void MessageWriter::row_description(const std::vector<ColumnDescription>& columns,
                                    const std::vector<int16_t>& formats) {
  begin('T');
  w_.i16(static_cast<int16_t>(columns.size()));
  for (size_t i = 0; i < columns.size(); i++) {
    const ColumnDescription& c = columns[i];
    cstring(c.name);
    w_.u32(c.table_oid);
    w_.i16(c.column_number);
    w_.u32(c.type.pg_oid());
    w_.i16(c.type.pg_typlen());
    w_.i32(c.type.pg_typmod());
    w_.i16(i < formats.size() ? formats[i] : kFormatText);
  }
  end_message();
}

void MessageWriter::no_data() {
  begin('n');
  end_message();
}

void MessageWriter::parameter_description(const std::vector<uint32_t>& oids) {
  begin('t');
  w_.i16(static_cast<int16_t>(oids.size()));
  for (uint32_t oid : oids) w_.u32(oid);
  end_message();
}

void MessageWriter::command_complete(std::string_view tag) {
  begin('C');
  cstring(tag);
  end_message();
}

void MessageWriter::empty_query_response() {
  begin('I');
  end_message();
}

void MessageWriter::fields_message(char type, const ErrorFields& e) {
  begin(type);
  auto field = [&](char code, std::string_view v) {
    w_.u8(static_cast<uint8_t>(code));
    cstring(v);
  };
  field('S', e.severity);
  field('V', e.severity);
  field('C', e.sqlstate);
  field('M', e.message);
  if (!e.detail.empty()) field('D', e.detail);
  if (!e.hint.empty()) field('H', e.hint);
  if (e.position > 0) field('P', std::to_string(e.position));
  w_.u8(0);
  end_message();
}

void MessageWriter::parse_complete() {
  begin('1');
  end_message();
}

void MessageWriter::bind_complete() {
  begin('2');
  end_message();
}

void MessageWriter::close_complete() {
  begin('3');
  end_message();
}

void MessageWriter::portal_suspended() {
  begin('s');
  end_message();
}

void MessageWriter::copy_in_response(int16_t column_count) {
  begin('G');
  w_.u8(0);
  w_.i16(column_count);
  for (int16_t i = 0; i < column_count; i++) w_.i16(kFormatText);
  end_message();
}

void MessageWriter::copy_out_response(int16_t column_count) {
  begin('H');
  w_.u8(0);
  w_.i16(column_count);
  for (int16_t i = 0; i < column_count; i++) w_.i16(kFormatText);
  end_message();
}

void MessageWriter::copy_data(std::string_view data) {
  begin('d');
  w_.string(data);
  end_message();
}

void MessageWriter::copy_done() {
  begin('c');
  end_message();
}

void MessageWriter::begin_data_row(int16_t field_count) {
  begin('D');
  w_.i16(field_count);
}

// --- decoding (clients and tests) ---

Result<size_t> decode_backend_message(std::span<const uint8_t> data, BackendMessage* out) {
  if (data.size() < 5) return size_t{0};
  int32_t len = static_cast<int32_t>(load_be32(data.data() + 1));
  if (len < 4) return Status::corruption("backend message length " + std::to_string(len));
  if (data.size() < static_cast<size_t>(len) + 1) return size_t{0};
  out->type = static_cast<char>(data[0]);
  out->body.assign(data.begin() + 5, data.begin() + 1 + len);
  return static_cast<size_t>(len) + 1;
}

namespace {
std::string read_cstr(ByteReader& r) {
  auto rest = r.data().subspan(r.position());
  const void* nul = std::memchr(rest.data(), 0, rest.size());
  if (nul == nullptr) {
    r.fail();
    return {};
  }
  std::string s(r.string_view(static_cast<const uint8_t*>(nul) - rest.data()));
  r.skip(1);
  return s;
}
}  // namespace

std::vector<std::pair<char, std::string>> BackendMessage::fields() const {
  std::vector<std::pair<char, std::string>> out;
  ByteReader r(body);
  while (r.ok() && !r.at_end()) {
    char code = static_cast<char>(r.u8());
    if (code == 0) break;
    std::string v = read_cstr(r);
    if (!r.ok()) break;
    out.emplace_back(code, std::move(v));
  }
  return out;
}

std::optional<std::string> BackendMessage::field(char code) const {
  for (auto& [c, v] : fields()) {
    if (c == code) return v;
  }
  return std::nullopt;
}

std::vector<std::optional<std::string>> BackendMessage::data_row() const {
  std::vector<std::optional<std::string>> out;
  ByteReader r(body);
  int16_t n = r.i16();
  for (int16_t i = 0; i < n && r.ok(); i++) {
    int32_t len = r.i32();
    if (len < 0) {
      out.emplace_back(std::nullopt);
    } else {
      out.emplace_back(std::string(r.string_view(static_cast<size_t>(len))));
    }
  }
  return out;
}

std::vector<std::string> BackendMessage::row_description_names() const {
  std::vector<std::string> out;
  ByteReader r(body);
  int16_t n = r.i16();
  for (int16_t i = 0; i < n && r.ok(); i++) {
    out.push_back(read_cstr(r));
    r.skip(18);
  }
  return out;
}

std::vector<uint32_t> BackendMessage::row_description_oids() const {
  std::vector<uint32_t> out;
  ByteReader r(body);
  int16_t n = r.i16();
  for (int16_t i = 0; i < n && r.ok(); i++) {
    (void)read_cstr(r);
    r.skip(6);
    out.push_back(r.u32());
    r.skip(8);
  }
  return out;
}

std::string BackendMessage::command_tag() const {
  ByteReader r(body);
  return read_cstr(r);
}

}  // namespace strata::pgwire
