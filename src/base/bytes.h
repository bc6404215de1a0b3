// ByteReader / ByteWriter: bounds-checked big-endian and varint coding, the
// primitives of every wire and disk format (Kafka uses big-endian integers,
// zig-zag varints inside records and unsigned varints in flexible versions).
//
// ByteReader has a sticky failure flag: a read past the end returns zero,
// marks the reader failed and every later read also fails. Decoders read a
// whole structure and check ok() once; a peer's lengths are never trusted.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}
  ByteReader(const void* data, size_t size) : data_(static_cast<const uint8_t*>(data), size) {}

  bool ok() const { return !failed_; }
  void fail() { failed_ = true; pos_ = data_.size(); }
  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }
  std::span<const uint8_t> data() const { return data_; }

  uint8_t u8() { return static_cast<uint8_t>(fixed<1>()); }
  int8_t i8() { return static_cast<int8_t>(fixed<1>()); }
  int16_t i16() { return static_cast<int16_t>(fixed<2>()); }
  uint16_t u16() { return static_cast<uint16_t>(fixed<2>()); }
  int32_t i32() { return static_cast<int32_t>(fixed<4>()); }
  uint32_t u32() { return static_cast<uint32_t>(fixed<4>()); }
  int64_t i64() { return static_cast<int64_t>(fixed<8>()); }
  uint64_t u64() { return fixed<8>(); }
  double f64() {
    uint64_t v = u64();
    double d;
    std::memcpy(&d, &v, 8);
    return d;
  }

  // Unsigned LEB128 varint of at most 5 bytes (32-bit) / 10 bytes (64-bit).
  uint32_t uvarint32();
  uint64_t uvarint64();
  // Zig-zag signed varints.
  int32_t varint32() {
    uint32_t v = uvarint32();
    return static_cast<int32_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  int64_t varint64() {
    uint64_t v = uvarint64();
    return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }

  // Takes `n` bytes; fails (and returns an empty span) if fewer remain.
  std::span<const uint8_t> bytes(size_t n) {
    if (n > remaining()) {
      fail();
      return {};
    }
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  std::string_view string_view(size_t n) {
    auto s = bytes(n);
    return {reinterpret_cast<const char*>(s.data()), s.size()};
  }
  void skip(size_t n) { (void)bytes(n); }

 private:
  template <int N>
  uint64_t fixed() {
    if (remaining() < N) {
      fail();
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < N; i++) v = (v << 8) | data_[pos_ + i];
    pos_ += N;
    return v;
  }

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  bool failed_ = false;
};

class ByteWriter {
 public:
  ByteWriter() = default;
  explicit ByteWriter(std::vector<uint8_t>* out) : out_(out) {}

  std::vector<uint8_t>& buffer() { return *out_; }
  size_t size() const { return out_->size(); }

  void u8(uint8_t v) { out_->push_back(v); }
  void i8(int8_t v) { u8(static_cast<uint8_t>(v)); }
  void i16(int16_t v) { fixed<2>(static_cast<uint16_t>(v)); }
  void u16(uint16_t v) { fixed<2>(v); }
  void i32(int32_t v) { fixed<4>(static_cast<uint32_t>(v)); }
  void u32(uint32_t v) { fixed<4>(v); }
  void i64(int64_t v) { fixed<8>(static_cast<uint64_t>(v)); }
  void u64(uint64_t v) { fixed<8>(v); }
  void f64(double d) {
    uint64_t v;
    std::memcpy(&v, &d, 8);
    u64(v);
  }
  void uvarint(uint64_t v) {
    while (v >= 0x80) {
      out_->push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    out_->push_back(static_cast<uint8_t>(v));
  }
  void varint(int64_t v) { uvarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void bytes(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    out_->insert(out_->end(), b, b + n);
  }
  void bytes(std::span<const uint8_t> s) { bytes(s.data(), s.size()); }
  void string(std::string_view s) { bytes(s.data(), s.size()); }

  // Overwrites a previously written big-endian int32 at `pos` (for lengths
  // and checksums known only after the body is written).
  void patch_i32(size_t pos, int32_t v) {
    for (int i = 0; i < 4; i++) (*out_)[pos + i] = static_cast<uint8_t>(static_cast<uint32_t>(v) >> (24 - 8 * i));
  }

 private:
  template <int N>
  void fixed(uint64_t v) {
    for (int i = N - 1; i >= 0; i--) out_->push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  std::vector<uint8_t>* out_ = nullptr;
};

// Unaligned big-endian loads and stores on raw memory.
inline uint32_t load_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
inline uint64_t load_be64(const uint8_t* p) { return (uint64_t{load_be32(p)} << 32) | load_be32(p + 4); }
inline uint16_t load_be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline void store_be32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
inline void store_be64(uint8_t* p, uint64_t v) {
  store_be32(p, static_cast<uint32_t>(v >> 32));
  store_be32(p + 4, static_cast<uint32_t>(v));
}

}  // namespace strata
