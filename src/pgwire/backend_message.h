// Backend (server -> client) messages: MessageWriter appends framed messages to a
// send buffer; decode_backend_message reads them back (test clients, golden tests).
// Byte layouts: docs/formats/pgwire.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "pgwire/backend.h"

namespace strata::pgwire {

// The fields of an ErrorResponse / NoticeResponse we send (field type in brackets).
struct ErrorFields {
  std::string severity = "ERROR";  // [S] and [V]: ERROR, FATAL, PANIC, NOTICE, WARNING, ...
  std::string sqlstate = "XX000";  // [C]
  std::string message;             // [M]
  std::string detail;              // [D] sent when not empty
  std::string hint;                // [H] sent when not empty
  int32_t position = 0;            // [P] 1-based character offset, sent when > 0

  static ErrorFields from_status(const Status& status, std::string_view severity = "ERROR");
  static ErrorFields from_notice(const Notice& notice);
};

// Result column formats: 0 text, 1 binary.
inline constexpr int16_t kFormatText = 0;
inline constexpr int16_t kFormatBinary = 1;

class MessageWriter {
 public:
  explicit MessageWriter(std::vector<uint8_t>* out) : out_(out), w_(out) {}

  void authentication_ok();                                            // 'R' 0
  void parameter_status(std::string_view name, std::string_view value);  // 'S'
  void backend_key_data(int32_t process_id, int32_t secret_key);       // 'K'
  void ready_for_query(char transaction_status);                       // 'Z'
  // 'T'. `formats` holds one code per column (empty = all text).
  void row_description(const std::vector<ColumnDescription>& columns, const std::vector<int16_t>& formats);
  void no_data();                                                      // 'n'
  void parameter_description(const std::vector<uint32_t>& oids);       // 't'
  void command_complete(std::string_view tag);                         // 'C'
  void empty_query_response();                                         // 'I'
  void error_response(const ErrorFields& e) { fields_message('E', e); }
  void notice_response(const ErrorFields& e) { fields_message('N', e); }
  void parse_complete();                                               // '1'
  void bind_complete();                                                // '2'
  void close_complete();                                               // '3'
  void portal_suspended();                                             // 's'
  void copy_in_response(int16_t column_count);                         // 'G', text format
  void copy_out_response(int16_t column_count);                        // 'H', text format
  void copy_data(std::string_view data);                               // 'd'
  void copy_done();                                                    // 'c'

  // DataRow ('D'), built field by field: begin_data_row(n), then n times either
  // null_field() or begin_field() + bytes appended to buffer() + end_field(), then
  // end_message().
  void begin_data_row(int16_t field_count);
  void null_field() { w_.i32(-1); }
  void begin_field() {
    field_start_ = out_->size();
    w_.i32(0);
  }
  void end_field() { w_.patch_i32(field_start_, static_cast<int32_t>(out_->size() - field_start_ - 4)); }
  void end_message();
  std::vector<uint8_t>& buffer() { return *out_; }

 private:
  void begin(char type);
  void fields_message(char type, const ErrorFields& e);
  void cstring(std::string_view s) {
    w_.string(s);
    w_.u8(0);
  }

  std::vector<uint8_t>* out_;
  ByteWriter w_;
  size_t message_start_ = 0;
  size_t field_start_ = 0;
};

// One decoded backend message, for clients and tests: the type and its body.
struct BackendMessage {
  char type = 0;
  std::vector<uint8_t> body;

  // Field-coded bodies ('E', 'N'): code -> value.
  std::vector<std::pair<char, std::string>> fields() const;
  std::optional<std::string> field(char code) const;
  // 'D': the values (nullopt = NULL); 'T': the column names; 'C': the tag.
  std::vector<std::optional<std::string>> data_row() const;
  std::vector<std::string> row_description_names() const;
  std::vector<uint32_t> row_description_oids() const;
  std::string command_tag() const;
};

// Decodes the first whole message of `data`: the number of bytes it used, or 0
// when `data` holds only part of one. A negative length is a Corruption error.
Result<size_t> decode_backend_message(std::span<const uint8_t> data, BackendMessage* out);

}  // namespace strata::pgwire
