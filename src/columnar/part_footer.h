// The footer and trailer of a part file (docs/formats/column-part.md), shared
// by PartWriter and PartReader. Internal to the module.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "columnar/part_reader.h"

namespace strata::columnar {

inline constexpr size_t kPartHeaderBytes = 8;    // magic, version
inline constexpr size_t kPartTrailerBytes = 16;  // footer size, footer CRC, version, magic

struct PartFooter {
  std::vector<ColumnSchema> columns;
  uint64_t row_count = 0;
  std::vector<RowGroupInfo> row_groups;
};

std::vector<uint8_t> encode_footer(const PartFooter& f);
// Parses and checks a footer of a file whose chunks end at `data_end`.
Status decode_footer(std::span<const uint8_t> bytes, uint64_t data_end, uint64_t chunk_bytes_max, PartFooter* out);

}  // namespace strata::columnar
