// WireReader / WireWriter: the Kafka protocol's primitive types over
// ByteReader / ByteWriter, for one message version.
//
// A message version is either classic (STRING = int16 length, ARRAY = int32
// count, BYTES = int32 length) or flexible (COMPACT_* = uvarint length+1,
// tagged fields after every struct). The `flexible` flag picks the encoding.
//
// WireReader keeps ByteReader's sticky failure: decoders read a whole message
// and check ok() once. Array counts are checked against the remaining bytes
// (count * min_element_bytes) before anything is reserved, so a peer cannot
// make us allocate more than its frame size.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace strata::kafka {

class WireReader {
 public:
  WireReader(ByteReader* r, bool flexible) : r_(r), flexible_(flexible) {}

  bool flexible() const { return flexible_; }
  bool ok() const { return r_->ok(); }
  void fail() { r_->fail(); }
  ByteReader* raw() { return r_; }

  int8_t i8() { return r_->i8(); }
  int16_t i16() { return r_->i16(); }
  int32_t i32() { return r_->i32(); }
  int64_t i64() { return r_->i64(); }
  bool boolean() { return r_->u8() != 0; }

  // STRING / COMPACT_STRING; a null fails the reader.
  std::string string();
  std::optional<std::string> nullable_string();
  // BYTES / COMPACT_BYTES; null reads as nullopt.
  std::optional<std::span<const uint8_t>> nullable_bytes();
  std::vector<uint8_t> bytes();
  // ARRAY / COMPACT_ARRAY count: -1 for null (fails unless `nullable`);
  // fails when the elements cannot fit in the remaining bytes.
  int32_t array_count(size_t min_element_bytes, bool nullable = false);
  // Reads and skips the tagged fields of a flexible struct (no-op otherwise).
  void tagged_fields();

  std::vector<int32_t> int32_array();
  std::vector<std::string> string_array();

 private:
  int64_t length_prefix(bool wide);

  ByteReader* r_;
  bool flexible_;
};

class WireWriter {
 public:
  WireWriter(std::vector<uint8_t>* out, bool flexible) : w_(out), flexible_(flexible) {}

  bool flexible() const { return flexible_; }
  ByteWriter& raw() { return w_; }

  void i8(int8_t v) { w_.i8(v); }
  void i16(int16_t v) { w_.i16(v); }
  void i32(int32_t v) { w_.i32(v); }
  void i64(int64_t v) { w_.i64(v); }
  void boolean(bool v) { w_.u8(v ? 1 : 0); }
  void string(std::string_view s);
  void nullable_string(const std::optional<std::string>& s);
  void bytes(std::span<const uint8_t> b);
  void nullable_bytes(std::optional<std::span<const uint8_t>> b);
  // `count` = -1 writes a null array.
  void array_count(int32_t count);
  // An empty tagged-field section (flexible only).
  void tagged_fields();

  void int32_array(const std::vector<int32_t>& v);
  void string_array(const std::vector<std::string>& v);

 private:
  void length_prefix(int64_t len, bool wide);

  ByteWriter w_;
  bool flexible_;
};

// Decodes a whole array: `count_min_bytes` is the smallest element's size.
template <class T, class F>
std::vector<T> read_array(WireReader& r, size_t min_element_bytes, F&& read_one) {
  std::vector<T> out;
  int32_t n = r.array_count(min_element_bytes);
  if (n <= 0) return out;
  out.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n && r.ok(); i++) out.push_back(read_one());
  return out;
}

template <class T, class F>
void write_array(WireWriter& w, const std::vector<T>& items, F&& write_one) {
  w.array_count(static_cast<int32_t>(items.size()));
  for (const auto& item : items) write_one(item);
}

}  // namespace strata::kafka
