// Fuzzes PartReader: opening arbitrary bytes as a part, reading every row
// group and testing zone maps must never crash, read out of bounds or
// allocate beyond the limits (chunk_bytes_max, kFooterBytesMax). Checksums
// stop most mutations early, so the same input is also fed to the chunk
// decoder and the footer parser directly, past the CRCs.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "columnar/chunk_codec.h"
#include "columnar/part_reader.h"
#include "columnar/part_footer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata::columnar;
  PartReaderOptions options;
  options.chunk_bytes_max = 1 << 20;
  if (size >= 3) {
    const auto type_id = static_cast<strata::types::TypeId>(data[0] % 18);
    strata::types::Vector v;
    (void)decode_chunk({data + 3, size - 3}, static_cast<Encoding>(data[1] % 5), strata::types::Type(type_id),
                       data[2] % 70, &v);
    PartFooter footer;
    (void)decode_footer({data, size}, size, 1 << 20, &footer);
  }
  auto reader = PartReader::open(std::make_unique<MemoryFile>("fuzz.part", std::vector<uint8_t>(data, data + size)), options);
  if (!reader.ok()) return 0;
  const PartReader& r = **reader;
  std::vector<uint32_t> all(r.columns().size());
  for (uint32_t i = 0; i < all.size(); i++) all[i] = i;
  std::vector<ZonePredicate> preds;
  for (uint32_t i = 0; i < all.size() && i < 4; i++) {
    preds.push_back({i, CompareOp::kGe, strata::types::Value::bigint(0)});
    preds.push_back({i, CompareOp::kEq, strata::types::Value::text("a")});
  }
  for (size_t g = 0; g < r.row_group_count(); g++) {
    (void)r.row_group_may_match(g, preds);
    strata::types::Batch out;
    if (r.read_row_group(g, all, &out).ok()) {
      for (auto& col : out.columns) {
        for (size_t i = 0; i < out.rows && i < 4; i++) (void)col.get_value(i).to_text();
      }
    }
  }
  return 0;
}
