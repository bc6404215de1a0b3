// Fuzzes the RecordBatch v2 decoder: header parse, CRC check and record
// decoding (with decompression) must never crash or over-allocate.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "log/record_batch.h"

namespace {
constexpr size_t kMaxDecompressedBytes = 1 << 20;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  auto h = strata::log::parse_record_batch_header(in);
  (void)strata::log::record_batch_crc_ok(in);
  if (h.ok() && h->size_bytes() <= size) {
    std::vector<uint8_t> scratch;
    std::vector<strata::log::Record> records;
    // Decode whether or not the CRC matches: the decoder must be safe on any bytes.
    (void)strata::log::decode_record_batch(in.first(h->size_bytes()), kMaxDecompressedBytes, &scratch, &records);
  }
  return 0;
}
