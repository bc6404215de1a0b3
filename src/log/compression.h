// The four Kafka codecs, with bounded output. Kafka framings: gzip (RFC 1952),
// snappy in the xerial/snappy-java framing or raw, LZ4 frame format, zstd frame.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"
#include "log/record_batch.h"

namespace strata::log {

// Appends the decompressed bytes to `out`; fails with kResourceExhausted when
// they would exceed `max_output_bytes`, kCorruption when the input is bad.
Status decompress(Compression codec, std::span<const uint8_t> in, size_t max_output_bytes, std::vector<uint8_t>* out);
// Appends the compressed bytes to `out`.
Status compress(Compression codec, std::span<const uint8_t> in, std::vector<uint8_t>* out);

}  // namespace strata::log
