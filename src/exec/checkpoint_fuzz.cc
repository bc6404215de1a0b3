// Fuzzes the decoders of the streaming runtime's durable files, which a crash or
// a damaged disk hands back: view checkpoints (decode_view_checkpoint), rows
// file chunks (decode_rows_chunks) and sink files (decode_sink_file). Each must
// refuse bad bytes without crashing or over-allocating, and whatever it accepts
// must encode back to bytes that decode to the same encoding.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/assert.h"
#include "base/crc32c.h"
#include "exec/view_checkpoint.h"
#include "exec/view_sink.h"

using namespace strata;

namespace {

// With the checksum of a file whose CRC-32C (big-endian u32 at byte 8) covers
// every byte from 12 patched to match, so mutations reach the body's parser.
std::vector<uint8_t> with_valid_crc(std::span<const uint8_t> in) {
  std::vector<uint8_t> v(in.begin(), in.end());
  if (v.size() < 12) return v;
  const uint32_t crc = crc32c(v.data() + 12, v.size() - 12);
  v[8] = static_cast<uint8_t>(crc >> 24);
  v[9] = static_cast<uint8_t>(crc >> 16);
  v[10] = static_cast<uint8_t>(crc >> 8);
  v[11] = static_cast<uint8_t>(crc);
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::span<const uint8_t> raw(data + 1, size - 1);
  // Half the inputs keep their bytes; the other half get a valid checksum.
  const std::vector<uint8_t> patched = with_valid_crc(raw);
  std::span<const uint8_t> in = (data[0] / 3) % 2 == 1 ? std::span<const uint8_t>(patched) : raw;
  switch (data[0] % 3) {
    case 0: {
      Result<exec::ViewCheckpoint> c = exec::decode_view_checkpoint(in);
      if (!c.ok()) break;
      std::vector<uint8_t> once = exec::encode_view_checkpoint(*c);
      Result<exec::ViewCheckpoint> again = exec::decode_view_checkpoint(once);
      STRATA_ASSERT(again.ok(), "a re-encoded view checkpoint must decode");
      STRATA_ASSERT(exec::encode_view_checkpoint(*again) == once, "view checkpoint encoding must be stable");
      break;
    }
    case 1: {
      // The column types come from the first byte of the rest: a few shapes.
      static const std::vector<std::vector<types::Type>> kShapes = {
          {types::Type::bigint()},
          {types::Type::bigint(), types::Type::text()},
          {types::Type::bigint(), types::Type::text(), types::Type::numeric(10, 2)},
          {types::Type::timestamp(), types::Type::double_precision(), types::Type::boolean()}};
      if (in.empty()) break;
      const auto& types = kShapes[in[0] % kShapes.size()];
      std::vector<std::shared_ptr<const types::Batch>> batches;
      if (!exec::decode_rows_chunks(in.subspan(1), types, &batches).ok()) break;
      std::vector<uint8_t> once = exec::encode_rows_chunk(types, batches);
      std::vector<std::shared_ptr<const types::Batch>> again;
      STRATA_ASSERT(exec::decode_rows_chunks(once, types, &again).ok(), "a re-encoded rows chunk must decode");
      STRATA_ASSERT(exec::encode_rows_chunk(types, again) == once, "rows chunk encoding must be stable");
      break;
    }
    default: {
      Result<exec::SinkFile> f = exec::decode_sink_file(in);
      if (!f.ok()) break;
      std::vector<uint8_t> once = exec::encode_sink_file(*f);
      Result<exec::SinkFile> again = exec::decode_sink_file(once);
      STRATA_ASSERT(again.ok(), "a re-encoded sink file must decode");
      STRATA_ASSERT(exec::encode_sink_file(*again) == once, "sink file encoding must be stable");
      break;
    }
  }
  return 0;
}
