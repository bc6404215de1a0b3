// CRC-32C (Castagnoli), as used by Kafka RecordBatch v2 and our own formats.
// Uses the SSE4.2 instruction when the CPU has it, a table otherwise.
#pragma once

#include <cstddef>
#include <cstdint>

namespace strata {

// Extends `crc` (0 for a fresh checksum) over `data[0, size)`.
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t size);
inline uint32_t crc32c(const void* data, size_t size) { return crc32c_extend(0, data, size); }

}  // namespace strata
