#include "base/bytes.h"

namespace strata {

uint32_t ByteReader::uvarint32() {
  uint32_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (at_end()) {
      fail();
      return 0;
    }
    uint8_t b = data_[pos_++];
    if (shift == 28 && (b & 0xf0) != 0) {  // more than 32 bits
      fail();
      return 0;
    }
    v |= uint32_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) return v;
  }
  fail();
  return 0;
}

uint64_t ByteReader::uvarint64() {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (at_end()) {
      fail();
      return 0;
    }
    uint8_t b = data_[pos_++];
    if (shift == 63 && (b & 0xfe) != 0) {
      fail();
      return 0;
    }
    v |= uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) return v;
  }
  fail();
  return 0;
}

}  // namespace strata
