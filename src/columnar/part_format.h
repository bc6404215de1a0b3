// The vocabulary of part files shared by PartWriter and PartReader: column
// schemas, encodings, codecs and the format's limits. Byte layout:
// docs/formats/column-part.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "types/type.h"

namespace strata::columnar {

inline constexpr uint32_t kPartMagic = 0x53544350;  // "STCP"
inline constexpr uint32_t kPartFormatVersion = 1;

// A row group holds at most this many rows, so one row group decodes into one
// types::Batch (kBatchRowsMax).
inline constexpr uint32_t kRowGroupRowsMax = 65536;
// Structural limits checked before anything read from disk is allocated.
inline constexpr uint32_t kColumnsMax = 1600;  // PostgreSQL's MaxHeapAttributeNumber
inline constexpr uint32_t kFooterBytesMax = 64u << 20;
inline constexpr uint32_t kColumnNameBytesMax = 1024;

// One column of a part. `field_id` is the table's stable id for the column
// (survives renames and the dropping of other columns); the name is informative.
struct ColumnSchema {
  std::string name;
  types::Type type;
  uint32_t field_id = 0;
  friend bool operator==(const ColumnSchema&, const ColumnSchema&) = default;
};

enum class Compression : uint8_t {
  kNone = 0,
  kLz4 = 1,
  kZstd = 2,
};

// How a chunk's non-NULL values are laid out before compression. The writer
// tries every encoding that applies to the type and keeps the smallest.
enum class Encoding : uint8_t {
  kPlain = 0,             // every type
  kDictionary = 1,        // strings, integer-like: distinct values + bit-packed indexes
  kRunLength = 2,         // integer-like and floats: (run length, value) pairs
  kDelta = 3,             // integer-like: first value, min delta, bit-packed deltas - min delta
  kFrameOfReference = 4,  // integer-like: min value, bit-packed values - min
};
inline constexpr uint8_t kEncodingMax = 4;

std::string_view encoding_name(Encoding e);
std::string_view compression_name(Compression c);

}  // namespace strata::columnar
