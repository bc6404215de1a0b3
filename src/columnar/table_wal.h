// The framing of a table's WAL file (docs/formats/table-manifest.md): an
// 8-byte header (magic, version), then records of
//   u32 length (of type + payload), u32 CRC-32C (of type + payload), u8 type, payload.
// Internal to the module.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "columnar/table_state.h"
#include "io/file_system.h"

namespace strata::columnar {

inline constexpr uint32_t kWalMagic = 0x5354434C;  // "STCL"
inline constexpr uint32_t kWalFormatVersion = 1;
inline constexpr size_t kWalHeaderBytes = 8;
inline constexpr size_t kWalFrameBytes = 8;
inline constexpr uint32_t kWalRecordBytesMax = 1u << 30;

std::string wal_file_name(uint32_t generation);
bool parse_wal_file_name(const std::string& name, uint32_t* generation);

std::vector<uint8_t> wal_header();
// Appends one framed record to `out`.
void frame_record(WalRecordType type, std::span<const uint8_t> payload, std::vector<uint8_t>* out);

struct WalRecord {
  WalRecordType type;
  std::vector<uint8_t> payload;
};

struct WalContents {
  std::vector<WalRecord> records;
  uint64_t valid_bytes = 0;  // header + whole good records
  uint64_t file_bytes = 0;
  std::string problem;       // why reading stopped before file_bytes (torn or bad record)
};

// Reads every whole record with a good CRC from the start; stops at the
// first bad one. kCorruption only for a bad header.
Result<WalContents> read_wal(io::FileSystem* fs, const std::string& path);

}  // namespace strata::columnar
