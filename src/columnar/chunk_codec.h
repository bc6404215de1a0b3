// Chunk codec: encodes a run of a Vector's rows into the bytes of one column
// chunk (NULL bitmap + the non-NULL values in one Encoding), decodes them
// back, computes zone maps, compresses, and serialises types and values.
// Internal to the module; layouts in docs/formats/column-part.md.
//
// Decoding never trusts its input: every count, width, index and length is
// checked against the bytes present and the row count the caller knows, and
// failures are kCorruption with a short reason (callers add file and chunk).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "columnar/part_format.h"
#include "columnar/zone_predicate.h"
#include "types/type.h"
#include "types/value.h"
#include "types/vector.h"

namespace strata::columnar {

// The encodings that apply to values of `type` (kPlain first).
std::vector<Encoding> encodings_for(const types::Type& type);

// Encodes rows [begin, begin + count) of `v` with the smallest applicable
// encoding, or with `only` when given (which must apply to the type). Returns
// the encoding used; `out` is replaced.
Encoding encode_chunk(const types::Vector& v, size_t begin, size_t count, std::vector<uint8_t>* out,
                      std::optional<Encoding> only = std::nullopt);

// Decodes a chunk of exactly `rows` rows (<= kRowGroupRowsMax) into `out`,
// which is reset to `type` and `rows` rows.
Status decode_chunk(std::span<const uint8_t> bytes, Encoding encoding, const types::Type& type, size_t rows,
                    types::Vector* out);

// Min, max and NULL count of rows [begin, begin + count) of `v`.
ZoneMap compute_zone_map(const types::Vector& v, size_t begin, size_t count);

// Compresses `in` into `out` (replaced). kNone copies.
Status compress(Compression c, int zstd_level, std::span<const uint8_t> in, std::vector<uint8_t>* out);
// Decompresses into exactly `expected_bytes` bytes; anything else is kCorruption.
Status decompress(Compression c, std::span<const uint8_t> in, size_t expected_bytes, std::vector<uint8_t>* out);

// Type: u8 TypeId, varint precision, varint scale (as the catalog file).
void write_type(ByteWriter& w, const types::Type& t);
// False (reader failed) for an unknown TypeId or a bad modifier.
bool read_type(ByteReader& r, types::Type* out);
// Value of type `t` (the type is not written): u8 null flag, then the value.
void write_value(ByteWriter& w, const types::Value& v);
// REQUIRES nothing of the input: returns false when the bytes do not hold a valid value of `t`.
bool read_value(ByteReader& r, const types::Type& t, types::Value* out);

}  // namespace strata::columnar
