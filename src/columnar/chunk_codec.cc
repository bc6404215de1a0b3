#include "columnar/chunk_codec.h"

#include <lz4.h>
#include <zstd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "types/decimal.h"

namespace strata::columnar {
namespace {

// ByteReader::uvarint64 / varint64 decoded inline, for the per-value loops of run
// and dictionary decoding. Same results and failures: anything but a well-formed
// varint inside the data goes through ByteReader, which fails it.
inline uint64_t read_uvarint(ByteReader& r) {
  std::span<const uint8_t> d = r.data();
  size_t p = r.position();
  uint64_t v = 0;
  for (int shift = 0; shift < 70 && p < d.size(); shift += 7) {
    uint8_t b = d[p++];
    if (shift == 63 && (b & 0xfe) != 0) break;
    v |= uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) {
      r.skip(p - r.position());
      return v;
    }
  }
  return r.uvarint64();
}

inline int64_t read_varint(ByteReader& r) {
  uint64_t v = read_uvarint(r);
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

using types::Type;
using types::TypeId;
using types::Value;
using types::Vector;

// Distinct values a dictionary may hold (bounds the writer's hash map).
constexpr size_t kDictionaryEntriesMax = 65536;

bool int_like(const Type& t) { return !t.is_string_like() && t.physical_size() <= 8 && t.id() != TypeId::kUnknown; }
bool is_signed_int(const Type& t) {
  switch (t.id()) {
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return true;
    default:
      return false;
  }
}

// Loads the slot of an int-like type as int64: integers sign-extended, booleans
// and float bit patterns zero-extended.
int64_t load_int(const uint8_t* p, size_t width, bool is_signed) {
  switch (width) {
    case 1:
      return is_signed ? int64_t{static_cast<int8_t>(*p)} : int64_t{*p};
    case 2: {
      int16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case 4: {
      if (is_signed) {
        int32_t v;
        std::memcpy(&v, p, 4);
        return v;
      }
      uint32_t u;
      std::memcpy(&u, p, 4);
      return int64_t{u};
    }
    default: {
      int64_t v;
      std::memcpy(&v, p, 8);
      return v;
    }
  }
}

void store_int(uint8_t* p, size_t width, TypeId id, int64_t v) {
  if (id == TypeId::kBoolean) v = v != 0 ? 1 : 0;
  std::memcpy(p, &v, width);  // little-endian: the low `width` bytes
}

int bit_width(uint64_t max) { return max == 0 ? 0 : 64 - std::countl_zero(max); }

void pack_bits(const std::vector<uint64_t>& values, int width, ByteWriter& w) {
  w.u8(static_cast<uint8_t>(width));
  if (width == 0) return;
  unsigned __int128 acc = 0;
  int bits = 0;
  for (uint64_t v : values) {
    acc |= static_cast<unsigned __int128>(v) << bits;
    bits += width;
    while (bits >= 8) {
      w.u8(static_cast<uint8_t>(acc));
      acc >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) w.u8(static_cast<uint8_t>(acc));
}

// Reads a bit-packed run of n values (a width byte, then LSB-first bits) and calls
// sink(i, value) for each in order. False on a bad width or truncated input.
template <typename Sink>
bool unpack_bits_to(ByteReader& r, size_t n, Sink&& sink) {
  int width = r.u8();
  if (!r.ok() || width > 64) return false;
  if (width == 0) {
    for (size_t i = 0; i < n; i++) sink(i, uint64_t{0});
    return true;
  }
  size_t nbytes = (n * static_cast<size_t>(width) + 7) / 8;
  auto bytes = r.bytes(nbytes);
  if (!r.ok()) return false;
  const uint64_t mask = width == 64 ? ~uint64_t{0} : ((uint64_t{1} << width) - 1);
  size_t i = 0;
  if (width <= 56) {
    // Fast path: one unaligned 8-byte load per value, while the load stays inside
    // the packed bytes; the tail takes the loop below.
    const uint8_t* base = bytes.data();
    const size_t w = static_cast<size_t>(width);
    const size_t fast_end = nbytes >= 8 ? std::min(n, ((nbytes - 8) * 8) / w + 1) : 0;
    for (; i < fast_end; i++) {
      size_t bit = i * w;
      uint64_t word;
      std::memcpy(&word, base + (bit >> 3), 8);
      sink(i, (word >> (bit & 7)) & mask);
    }
  }
  unsigned __int128 acc = 0;
  int bits = 0;
  size_t pos = 0;
  if (i > 0) {
    // Resume the bit stream at value i.
    size_t bit = i * static_cast<size_t>(width);
    pos = bit >> 3;
    int skip = static_cast<int>(bit & 7);
    if (skip != 0) {
      acc = static_cast<unsigned __int128>(bytes[pos++]) >> skip;
      bits = 8 - skip;
    }
  }
  for (; i < n; i++) {
    while (bits < width) {
      acc |= static_cast<unsigned __int128>(bytes[pos++]) << bits;
      bits += 8;
    }
    sink(i, static_cast<uint64_t>(acc) & mask);
    acc >>= width;
    bits -= width;
  }
  return true;
}

// ---- encoders over the non-NULL values ----

void encode_ints(const std::vector<int64_t>& vals, size_t width, Encoding e, ByteWriter& w) {
  switch (e) {
    case Encoding::kPlain:
      for (int64_t v : vals) w.bytes(&v, width);
      return;
    case Encoding::kDictionary: {
      std::unordered_map<int64_t, uint32_t> index;
      std::vector<int64_t> dict;
      std::vector<uint64_t> codes;
      codes.reserve(vals.size());
      for (int64_t v : vals) {
        auto [it, inserted] = index.emplace(v, static_cast<uint32_t>(dict.size()));
        if (inserted) dict.push_back(v);
        codes.push_back(it->second);
      }
      w.uvarint(dict.size());
      for (int64_t v : dict) w.varint(v);
      pack_bits(codes, bit_width(dict.empty() ? 0 : dict.size() - 1), w);
      return;
    }
    case Encoding::kRunLength: {
      std::vector<std::pair<uint64_t, int64_t>> runs;
      for (int64_t v : vals) {
        if (!runs.empty() && runs.back().second == v) {
          runs.back().first++;
        } else {
          runs.emplace_back(1, v);
        }
      }
      w.uvarint(runs.size());
      for (auto& [n, v] : runs) {
        w.uvarint(n);
        w.varint(v);
      }
      return;
    }
    case Encoding::kDelta: {
      if (vals.empty()) return;
      w.varint(vals[0]);
      if (vals.size() == 1) return;
      std::vector<uint64_t> deltas(vals.size() - 1);
      int64_t min_delta = INT64_MAX;
      for (size_t i = 1; i < vals.size(); i++) {
        int64_t d = static_cast<int64_t>(static_cast<uint64_t>(vals[i]) - static_cast<uint64_t>(vals[i - 1]));
        deltas[i - 1] = static_cast<uint64_t>(d);
        min_delta = std::min(min_delta, d);
      }
      uint64_t max = 0;
      for (uint64_t& d : deltas) {
        d -= static_cast<uint64_t>(min_delta);
        max = std::max(max, d);
      }
      w.varint(min_delta);
      pack_bits(deltas, bit_width(max), w);
      return;
    }
    case Encoding::kFrameOfReference: {
      if (vals.empty()) return;
      int64_t min = *std::min_element(vals.begin(), vals.end());
      std::vector<uint64_t> offs(vals.size());
      uint64_t max = 0;
      for (size_t i = 0; i < vals.size(); i++) {
        offs[i] = static_cast<uint64_t>(vals[i]) - static_cast<uint64_t>(min);
        max = std::max(max, offs[i]);
      }
      w.varint(min);
      pack_bits(offs, bit_width(max), w);
      return;
    }
  }
}

// Decodes the n non-NULL values of an int-like chunk straight into out[0..n), each
// converted to T (the column's slot type: the low bytes of the int64 value).
template <typename T>
bool decode_ints_to(ByteReader& r, size_t n, size_t width, bool is_signed, Encoding e, T* out) {
  switch (e) {
    case Encoding::kPlain: {
      auto b = r.bytes(n * width);
      if (!r.ok()) return false;
      if (width == sizeof(T)) {
        if (n > 0) std::memcpy(out, b.data(), n * width);  // little-endian slots, as stored
      } else {
        for (size_t i = 0; i < n; i++) out[i] = static_cast<T>(load_int(b.data() + i * width, width, is_signed));
      }
      return true;
    }
    case Encoding::kDictionary: {
      uint64_t count = r.uvarint64();
      if (!r.ok() || count > r.remaining() || count > kDictionaryEntriesMax) return false;
      if (count == 0 && n > 0) return false;  // codes with nothing to index
      std::vector<T> dict(count);
      for (auto& v : dict) v = static_cast<T>(read_varint(r));
      if (!r.ok()) return false;
      bool codes_ok = true;
      const T* d = dict.data();
      if (!unpack_bits_to(r, n, [&](size_t i, uint64_t code) {
            codes_ok &= code < count;
            out[i] = d[code < count ? code : 0];
          }))
        return false;
      return codes_ok;
    }
    case Encoding::kRunLength: {
      uint64_t runs = r.uvarint64();
      if (!r.ok() || runs > r.remaining()) return false;
      size_t at = 0;
      for (uint64_t i = 0; i < runs; i++) {
        uint64_t len = read_uvarint(r);
        int64_t v = read_varint(r);
        if (!r.ok() || len > n - at) return false;
        std::fill_n(out + at, len, static_cast<T>(v));
        at += len;
      }
      return at == n;
    }
    case Encoding::kDelta: {
      if (n == 0) return true;
      int64_t first = r.varint64();
      out[0] = static_cast<T>(first);
      if (n == 1) return r.ok();
      int64_t min_delta = r.varint64();
      if (!r.ok()) return false;
      uint64_t cur = static_cast<uint64_t>(first);
      const uint64_t step = static_cast<uint64_t>(min_delta);
      return unpack_bits_to(r, n - 1, [&](size_t i, uint64_t v) {
        cur += v + step;
        out[i + 1] = static_cast<T>(cur);
      });
    }
    case Encoding::kFrameOfReference: {
      if (n == 0) return true;
      const uint64_t min = static_cast<uint64_t>(r.varint64());
      if (!r.ok()) return false;
      return unpack_bits_to(r, n, [&](size_t i, uint64_t v) { out[i] = static_cast<T>(min + v); });
    }
  }
  return false;
}

void encode_strings(const std::vector<std::string_view>& vals, Encoding e, ByteWriter& w) {
  if (e == Encoding::kPlain) {
    for (auto s : vals) {
      w.uvarint(s.size());
      w.string(s);
    }
    return;
  }
  std::unordered_map<std::string_view, uint32_t> index;
  std::vector<std::string_view> dict;
  std::vector<uint64_t> codes;
  codes.reserve(vals.size());
  for (auto s : vals) {
    auto [it, inserted] = index.emplace(s, static_cast<uint32_t>(dict.size()));
    if (inserted) dict.push_back(s);
    codes.push_back(it->second);
  }
  w.uvarint(dict.size());
  for (auto s : dict) {
    w.uvarint(s.size());
    w.string(s);
  }
  pack_bits(codes, bit_width(dict.empty() ? 0 : dict.size() - 1), w);
}

bool read_string(ByteReader& r, std::string_view* s) {
  uint64_t len = read_uvarint(r);
  if (!r.ok() || len > r.remaining()) return false;
  *s = r.string_view(len);
  return r.ok();
}

// Decodes n non-NULL strings into `out` as views into `owner`'s heap (a
// dictionary's entries are copied there once, not once per row).
bool decode_strings(ByteReader& r, size_t n, Encoding e, Vector* owner, std::vector<std::string_view>* out) {
  out->resize(n);
  if (e == Encoding::kPlain) {
    for (auto& s : *out) {
      if (!read_string(r, &s)) return false;
      s = owner->add_string(s);
    }
    return true;
  }
  if (e != Encoding::kDictionary) return false;
  uint64_t count = r.uvarint64();
  if (!r.ok() || count > r.remaining() || count > kDictionaryEntriesMax) return false;
  std::vector<std::string_view> dict(count);
  for (auto& s : dict) {
    if (!read_string(r, &s)) return false;
    s = owner->add_string(s);
  }
  bool codes_ok = true;
  if (!unpack_bits_to(r, n, [&](size_t i, uint64_t code) {
        codes_ok &= code < count;
        (*out)[i] = code < count ? dict[code] : std::string_view();
      }))
    return false;
  return codes_ok;
}

// |unscaled| < 10^38.
bool decimal_in_range(__int128 v) {
  static const __int128 kLimit = [] {
    __int128 x = 1;
    for (int i = 0; i < 38; i++) x *= 10;
    return x;
  }();
  return v < kLimit && v > -kLimit;
}

// Tells whether a column type has an order usable for zone maps.
bool has_zone_order(const Type& t) { return t.id() != TypeId::kUnknown; }

int compare_doubles(double a, double b) {
  bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

std::string_view strip_trailing_spaces(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<Encoding> encodings_for(const Type& t) {
  if (t.is_string_like()) return {Encoding::kPlain, Encoding::kDictionary};
  if (int_like(t)) {
    if (t.is_float()) return {Encoding::kPlain, Encoding::kDictionary, Encoding::kRunLength};
    return {Encoding::kPlain, Encoding::kDictionary, Encoding::kRunLength, Encoding::kDelta,
            Encoding::kFrameOfReference};
  }
  return {Encoding::kPlain};
}

Encoding encode_chunk(const Vector& v, size_t begin, size_t count, std::vector<uint8_t>* out,
                      std::optional<Encoding> only) {
  const Type& t = v.type();
  const size_t width = t.physical_size();
  out->clear();
  ByteWriter w(out);
  size_t nulls = 0;
  for (size_t i = 0; i < count; i++) nulls += v.is_null(begin + i) ? 1 : 0;
  if (t.id() == TypeId::kUnknown) nulls = count;  // untyped NULLs only
  if (nulls == 0) {
    w.u8(0);
  } else {
    w.u8(1);
    std::vector<uint8_t> bitmap((count + 7) / 8, 0);
    for (size_t i = 0; i < count; i++) {
      if (t.id() == TypeId::kUnknown || v.is_null(begin + i)) bitmap[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
    }
    w.bytes(bitmap);
  }
  std::vector<Encoding> candidates = only ? std::vector<Encoding>{*only} : encodings_for(t);
  if (t.id() == TypeId::kUnknown) return Encoding::kPlain;

  std::vector<uint8_t> best;
  Encoding best_encoding = candidates.front();
  std::vector<uint8_t> trial;

  if (int_like(t)) {
    std::vector<int64_t> vals;
    vals.reserve(count - nulls);
    const uint8_t* base = v.raw_data();
    bool sgn = is_signed_int(t);
    for (size_t i = 0; i < count; i++) {
      if (!v.is_null(begin + i)) vals.push_back(load_int(base + (begin + i) * width, width, sgn));
    }
    bool first = true;
    for (Encoding e : candidates) {
      if (e == Encoding::kDictionary && !only) {
        // Only worth trying for few distinct values.
        std::unordered_map<int64_t, bool> seen;
        for (int64_t x : vals) {
          seen.emplace(x, true);
          if (seen.size() > std::min(kDictionaryEntriesMax, vals.size() / 2 + 1)) break;
        }
        if (seen.size() > std::min(kDictionaryEntriesMax, vals.size() / 2)) continue;
      }
      trial.clear();
      ByteWriter tw(&trial);
      encode_ints(vals, width, e, tw);
      if (first || trial.size() < best.size()) {
        best.swap(trial);
        best_encoding = e;
        first = false;
      }
    }
  } else if (t.is_string_like()) {
    std::vector<std::string_view> vals;
    vals.reserve(count - nulls);
    const auto* data = v.data<std::string_view>();
    for (size_t i = 0; i < count; i++) {
      if (!v.is_null(begin + i)) vals.push_back(data[begin + i]);
    }
    bool first = true;
    for (Encoding e : candidates) {
      if (e == Encoding::kDictionary && !only) {
        std::unordered_map<std::string_view, bool> seen;
        for (auto s : vals) {
          seen.emplace(s, true);
          if (seen.size() > std::min(kDictionaryEntriesMax, vals.size() / 2 + 1)) break;
        }
        if (seen.size() > std::min(kDictionaryEntriesMax, vals.size() / 2)) continue;
      }
      trial.clear();
      ByteWriter tw(&trial);
      encode_strings(vals, e, tw);
      if (first || trial.size() < best.size()) {
        best.swap(trial);
        best_encoding = e;
        first = false;
      }
    }
  } else {
    // numeric, interval: plain, little-endian fields.
    best_encoding = Encoding::kPlain;
    ByteWriter bw(&best);
    for (size_t i = 0; i < count; i++) {
      if (v.is_null(begin + i)) continue;
      const uint8_t* p = v.raw_data() + (begin + i) * width;
      if (t.id() == TypeId::kNumeric) {
        const auto* d = reinterpret_cast<const types::Decimal*>(p);
        bw.bytes(&d->unscaled, 16);
        int32_t scale = d->scale;
        bw.bytes(&scale, 4);
      } else {
        const auto* iv = reinterpret_cast<const types::Interval*>(p);
        bw.bytes(&iv->months, 4);
        bw.bytes(&iv->days, 4);
        bw.bytes(&iv->micros, 8);
      }
    }
  }
  out->insert(out->end(), best.begin(), best.end());
  return best_encoding;
}

Status decode_chunk(std::span<const uint8_t> bytes, Encoding encoding, const Type& t, size_t rows, Vector* out) {
  auto bad = [](const char* what) { return Status::corruption(what); };
  if (rows > kRowGroupRowsMax) return bad("row count above the row group limit");
  // Every slot is written below: values by the decoders, NULL slots zeroed by
  // set_null (a NULL slot holds zero bytes, e.g. an empty string_view).
  *out = Vector(t);
  out->grow_for_append(rows);
  ByteReader r(bytes);
  uint8_t null_flag = r.u8();
  if (!r.ok() || null_flag > 1) return bad("bad NULL flag");
  size_t nulls = 0;
  if (null_flag == 1) {
    auto bitmap = r.bytes((rows + 7) / 8);
    if (!r.ok()) return bad("truncated NULL bitmap");
    for (size_t i = 0; i < rows; i++) {
      if (bitmap[i / 8] & (1u << (i % 8))) {
        out->set_null(i);
        nulls++;
      }
    }
  }
  const size_t n = rows - nulls;
  if (t.id() == TypeId::kUnknown) {
    if (nulls != rows) return bad("non-NULL value in a column of type unknown");
    return r.at_end() ? Status::ok_status() : bad("trailing bytes");
  }
  auto allowed = encodings_for(t);
  if (std::find(allowed.begin(), allowed.end(), encoding) == allowed.end())
    return bad("encoding not valid for the type");
  const size_t width = t.physical_size();
  uint8_t* data = out->raw_data();
  const uint8_t* nullmap = out->nulls();
  if (int_like(t)) {
    // Values go straight into the slots when there are no NULLs; otherwise into a
    // dense buffer, then scattered to the non-NULL slots.
    auto decode_as = [&](auto* slots) -> bool {
      using T = std::remove_pointer_t<decltype(slots)>;
      const bool is_signed = is_signed_int(t);
      if (nulls == 0) {
        if (!decode_ints_to<T>(r, n, width, is_signed, encoding, slots)) return false;
      } else {
        std::vector<T> dense(n);
        if (!decode_ints_to<T>(r, n, width, is_signed, encoding, dense.data())) return false;
        size_t k = 0;
        for (size_t i = 0; i < rows; i++) {
          if (!nullmap[i]) slots[i] = dense[k++];
        }
      }
      if (t.id() == TypeId::kBoolean) {
        for (size_t i = 0; i < rows; i++) slots[i] = slots[i] != 0 ? 1 : 0;
      }
      return true;
    };
    bool ok = false;
    switch (width) {
      case 1:
        ok = decode_as(reinterpret_cast<uint8_t*>(data));
        break;
      case 2:
        ok = decode_as(reinterpret_cast<uint16_t*>(data));
        break;
      case 4:
        ok = decode_as(reinterpret_cast<uint32_t*>(data));
        break;
      case 8:
        ok = decode_as(reinterpret_cast<uint64_t*>(data));
        break;
      default: {
        std::vector<int64_t> vals(n);
        ok = decode_ints_to<int64_t>(r, n, width, is_signed_int(t), encoding, vals.data());
        size_t k = 0;
        for (size_t i = 0; ok && i < rows; i++) {
          if (!nullmap[i]) store_int(data + i * width, width, t.id(), vals[k++]);
        }
      }
    }
    if (!ok) return bad("bad integer values");
  } else if (t.is_string_like()) {
    std::vector<std::string_view> vals;
    if (!decode_strings(r, n, encoding, out, &vals)) return bad("bad string values");
    auto* slots = out->data<std::string_view>();
    size_t k = 0;
    for (size_t i = 0; i < rows; i++) {
      if (!nullmap[i]) slots[i] = vals[k++];
    }
  } else if (t.id() == TypeId::kNumeric) {
    auto b = r.bytes(n * 20);
    if (!r.ok()) return bad("truncated numeric values");
    auto* slots = out->data<types::Decimal>();
    size_t k = 0;
    for (size_t i = 0; i < rows; i++) {
      if (nullmap[i]) continue;
      types::Decimal d;
      std::memcpy(&d.unscaled, b.data() + k * 20, 16);
      std::memcpy(&d.scale, b.data() + k * 20 + 16, 4);
      k++;
      if (d.scale < 0 || d.scale > 38 || !decimal_in_range(d.unscaled)) return bad("numeric value out of range");
      slots[i] = d;
    }
  } else if (t.id() == TypeId::kInterval) {
    auto b = r.bytes(n * 16);
    if (!r.ok()) return bad("truncated interval values");
    auto* slots = out->data<types::Interval>();
    size_t k = 0;
    for (size_t i = 0; i < rows; i++) {
      if (nullmap[i]) continue;
      types::Interval iv;
      std::memcpy(&iv.months, b.data() + k * 16, 4);
      std::memcpy(&iv.days, b.data() + k * 16 + 4, 4);
      std::memcpy(&iv.micros, b.data() + k * 16 + 8, 8);
      k++;
      slots[i] = iv;
    }
  } else {
    return bad("unsupported type");
  }
  if (!r.at_end()) return bad("trailing bytes after the values");
  return Status::ok_status();
}

ZoneMap compute_zone_map(const Vector& v, size_t begin, size_t count) {
  ZoneMap z;
  z.row_count = static_cast<uint32_t>(count);
  const Type& t = v.type();
  if (t.id() == TypeId::kUnknown) {
    z.null_count = static_cast<uint32_t>(count);
    return z;
  }
  const size_t width = t.physical_size();
  const uint8_t* base = v.raw_data();
  ssize_t min_row = -1, max_row = -1;
  auto rows_cmp = [&](size_t a, size_t b) -> int {
    const uint8_t* pa = base + a * width;
    const uint8_t* pb = base + b * width;
    if (t.is_float()) {
      double da =
          t.id() == TypeId::kReal ? double{*reinterpret_cast<const float*>(pa)} : *reinterpret_cast<const double*>(pa);
      double db =
          t.id() == TypeId::kReal ? double{*reinterpret_cast<const float*>(pb)} : *reinterpret_cast<const double*>(pb);
      return compare_doubles(da, db);
    }
    if (int_like(t)) {
      int64_t ia = load_int(pa, width, is_signed_int(t)), ib = load_int(pb, width, is_signed_int(t));
      return ia < ib ? -1 : (ia > ib ? 1 : 0);
    }
    if (t.is_string_like()) {
      auto sa = *reinterpret_cast<const std::string_view*>(pa);
      auto sb = *reinterpret_cast<const std::string_view*>(pb);
      if (t.id() == TypeId::kChar) {
        sa = strip_trailing_spaces(sa);
        sb = strip_trailing_spaces(sb);
      }
      int c = sa.compare(sb);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    return types::compare_values(v.get_value(a), v.get_value(b));
  };
  for (size_t i = begin; i < begin + count; i++) {
    if (v.is_null(i)) {
      z.null_count++;
      continue;
    }
    if (min_row < 0) {
      min_row = max_row = static_cast<ssize_t>(i);
      continue;
    }
    if (rows_cmp(i, static_cast<size_t>(min_row)) < 0) min_row = static_cast<ssize_t>(i);
    if (rows_cmp(i, static_cast<size_t>(max_row)) > 0) max_row = static_cast<ssize_t>(i);
  }
  if (min_row < 0 || !has_zone_order(t)) return z;
  z.min = v.get_value(static_cast<size_t>(min_row));
  z.max = v.get_value(static_cast<size_t>(max_row));
  if (t.is_string_like() && (z.min.as_string().size() > ZoneMap::kZoneStringBytesMax ||
                             z.max.as_string().size() > ZoneMap::kZoneStringBytesMax)) {
    z.min = Value();
    z.max = Value();
    return z;
  }
  z.has_min_max = true;
  return z;
}

Status compress(Compression c, int zstd_level, std::span<const uint8_t> in, std::vector<uint8_t>* out) {
  switch (c) {
    case Compression::kNone:
      out->assign(in.begin(), in.end());
      return Status::ok_status();
    case Compression::kLz4: {
      if (in.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE))
        return Status::invalid_argument("chunk too large for lz4");
      out->resize(static_cast<size_t>(LZ4_compressBound(static_cast<int>(in.size()))));
      int n = LZ4_compress_default(reinterpret_cast<const char*>(in.data()), reinterpret_cast<char*>(out->data()),
                                   static_cast<int>(in.size()), static_cast<int>(out->size()));
      if (n <= 0) return Status::internal("lz4 compression failed");
      out->resize(static_cast<size_t>(n));
      return Status::ok_status();
    }
    case Compression::kZstd: {
      out->resize(ZSTD_compressBound(in.size()));
      size_t n = ZSTD_compress(out->data(), out->size(), in.data(), in.size(), zstd_level);
      if (ZSTD_isError(n)) return Status::internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
      out->resize(n);
      return Status::ok_status();
    }
  }
  return Status::invalid_argument("unknown compression");
}

Status decompress(Compression c, std::span<const uint8_t> in, size_t expected_bytes, std::vector<uint8_t>* out) {
  switch (c) {
    case Compression::kNone:
      if (in.size() != expected_bytes) return Status::corruption("uncompressed chunk size mismatch");
      out->assign(in.begin(), in.end());
      return Status::ok_status();
    case Compression::kLz4: {
      if (expected_bytes > static_cast<size_t>(INT32_MAX) || in.size() > static_cast<size_t>(INT32_MAX)) {
        return Status::corruption("lz4 chunk too large");
      }
      out->resize(expected_bytes);
      int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in.data()), reinterpret_cast<char*>(out->data()),
                                  static_cast<int>(in.size()), static_cast<int>(expected_bytes));
      if (n < 0 || static_cast<size_t>(n) != expected_bytes) return Status::corruption("lz4 decompression failed");
      return Status::ok_status();
    }
    case Compression::kZstd: {
      out->resize(expected_bytes);
      size_t n = ZSTD_decompress(out->data(), expected_bytes, in.data(), in.size());
      if (ZSTD_isError(n) || n != expected_bytes) return Status::corruption("zstd decompression failed");
      return Status::ok_status();
    }
  }
  return Status::corruption("unknown compression");
}

void write_type(ByteWriter& w, const Type& t) {
  w.u8(static_cast<uint8_t>(t.id()));
  w.varint(t.precision());
  w.varint(t.scale());
}

bool read_type(ByteReader& r, Type* out) {
  uint8_t id = r.u8();
  int64_t p = r.varint64();
  int64_t s = r.varint64();
  if (!r.ok() || id > static_cast<uint8_t>(TypeId::kJsonb) || p < -1 || p > 10485760 || s < -1 || s > 1000) {
    r.fail();
    return false;
  }
  *out = Type(static_cast<TypeId>(id), static_cast<int32_t>(p), static_cast<int32_t>(s));
  return true;
}

void write_value(ByteWriter& w, const Value& v) {
  if (v.is_null()) {
    w.u8(1);
    return;
  }
  w.u8(0);
  const Type& t = v.type();
  switch (t.id()) {
    case TypeId::kUnknown:
      return;
    case TypeId::kBoolean:
      w.u8(v.as_bool() ? 1 : 0);
      return;
    case TypeId::kReal:
    case TypeId::kDouble:
      w.f64(v.as_double());
      return;
    case TypeId::kNumeric: {
      const auto& d = v.as_decimal();
      w.u64(static_cast<uint64_t>(static_cast<unsigned __int128>(d.unscaled) >> 64));
      w.u64(static_cast<uint64_t>(d.unscaled));
      w.varint(d.scale);
      return;
    }
    case TypeId::kInterval: {
      const auto& iv = v.as_interval();
      w.i32(iv.months);
      w.i32(iv.days);
      w.i64(iv.micros);
      return;
    }
    default:
      if (t.is_string_like()) {
        w.uvarint(v.as_string().size());
        w.string(v.as_string());
      } else {
        w.varint(v.as_int());
      }
  }
}

bool read_value(ByteReader& r, const Type& t, Value* out) {
  uint8_t null_flag = r.u8();
  if (!r.ok() || null_flag > 1) {
    r.fail();
    return false;
  }
  if (null_flag == 1 || t.id() == TypeId::kUnknown) {
    *out = Value::null(t);
    return r.ok();
  }
  switch (t.id()) {
    case TypeId::kBoolean: {
      uint8_t b = r.u8();
      if (b > 1) r.fail();
      *out = Value::boolean(b == 1).with_type(t);
      break;
    }
    case TypeId::kReal:
      *out = Value::real(static_cast<float>(r.f64())).with_type(t);
      break;
    case TypeId::kDouble:
      *out = Value::double_precision(r.f64()).with_type(t);
      break;
    case TypeId::kNumeric: {
      uint64_t hi = r.u64();
      uint64_t lo = r.u64();
      int64_t scale = r.varint64();
      types::Decimal d;
      d.unscaled = static_cast<__int128>((static_cast<unsigned __int128>(hi) << 64) | lo);
      if (scale < 0 || scale > 38 || !decimal_in_range(d.unscaled)) r.fail();
      d.scale = static_cast<int32_t>(scale);
      *out = Value::numeric(d, t);
      break;
    }
    case TypeId::kInterval: {
      types::Interval iv;
      iv.months = r.i32();
      iv.days = r.i32();
      iv.micros = r.i64();
      *out = Value::interval(iv).with_type(t);
      break;
    }
    default:
      if (t.is_string_like()) {
        uint64_t len = r.uvarint64();
        if (len > r.remaining()) {
          r.fail();
          return false;
        }
        *out = Value::text(std::string(r.string_view(len)), t);
      } else {
        int64_t v = r.varint64();
        *out = Value::of_int(t, v);
      }
  }
  return r.ok();
}

}  // namespace strata::columnar
