#include "kafka/wire.h"

namespace strata::kafka {

int64_t WireReader::length_prefix(bool wide) {
  if (flexible_) return static_cast<int64_t>(r_->uvarint32()) - 1;
  return wide ? r_->i32() : r_->i16();
}

std::string WireReader::string() {
  auto s = nullable_string();
  if (!s) {
    fail();
    return {};
  }
  return std::move(*s);
}

std::optional<std::string> WireReader::nullable_string() {
  int64_t len = length_prefix(false);
  if (!r_->ok()) return std::nullopt;
  if (len < 0) {
    if (len != -1) fail();
    return std::nullopt;
  }
  return std::string(r_->string_view(static_cast<size_t>(len)));
}

std::optional<std::span<const uint8_t>> WireReader::nullable_bytes() {
  int64_t len = length_prefix(true);
  if (!r_->ok()) return std::nullopt;
  if (len < 0) {
    if (len != -1) fail();
    return std::nullopt;
  }
  return r_->bytes(static_cast<size_t>(len));
}

std::vector<uint8_t> WireReader::bytes() {
  auto b = nullable_bytes();
  if (!b) {
    fail();
    return {};
  }
  return {b->begin(), b->end()};
}

int32_t WireReader::array_count(size_t min_element_bytes, bool nullable) {
  int64_t n = length_prefix(true);
  if (!r_->ok()) return 0;
  if (n < 0) {
    if (n != -1 || !nullable) fail();
    return -1;
  }
  if (min_element_bytes == 0) min_element_bytes = 1;
  if (static_cast<uint64_t>(n) > r_->remaining() / min_element_bytes) {
    fail();
    return 0;
  }
  return static_cast<int32_t>(n);
}

void WireReader::tagged_fields() {
  if (!flexible_) return;
  uint32_t n = r_->uvarint32();
  for (uint32_t i = 0; i < n && r_->ok(); i++) {
    (void)r_->uvarint32();  // tag
    uint32_t size = r_->uvarint32();
    r_->skip(size);
  }
}

std::vector<int32_t> WireReader::int32_array() {
  return read_array<int32_t>(*this, 4, [&] { return i32(); });
}

std::vector<std::string> WireReader::string_array() {
  return read_array<std::string>(*this, flexible_ ? 1 : 2, [&] { return string(); });
}

void WireWriter::length_prefix(int64_t len, bool wide) {
  if (flexible_) {
    w_.uvarint(static_cast<uint64_t>(len + 1));
  } else if (wide) {
    w_.i32(static_cast<int32_t>(len));
  } else {
    w_.i16(static_cast<int16_t>(len));
  }
}

void WireWriter::string(std::string_view s) {
  length_prefix(static_cast<int64_t>(s.size()), false);
  w_.string(s);
}

void WireWriter::nullable_string(const std::optional<std::string>& s) {
  if (!s) {
    length_prefix(-1, false);
    return;
  }
  string(*s);
}

void WireWriter::bytes(std::span<const uint8_t> b) {
  length_prefix(static_cast<int64_t>(b.size()), true);
  w_.bytes(b);
}

void WireWriter::nullable_bytes(std::optional<std::span<const uint8_t>> b) {
  if (!b) {
    length_prefix(-1, true);
    return;
  }
  bytes(*b);
}

void WireWriter::array_count(int32_t count) { length_prefix(count, true); }

void WireWriter::tagged_fields() {
  if (flexible_) w_.uvarint(0);
}

void WireWriter::int32_array(const std::vector<int32_t>& v) {
  write_array(*this, v, [&](int32_t x) { i32(x); });
}

void WireWriter::string_array(const std::vector<std::string>& v) {
  write_array(*this, v, [&](const std::string& s) { string(s); });
}

}  // namespace strata::kafka
