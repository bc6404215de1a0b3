#include "columnar/table_wal.h"

#include <fmt/format.h>

#include "base/bytes.h"
#include "base/crc32c.h"

namespace strata::columnar {

std::string wal_file_name(uint32_t generation) { return fmt::format("wal-{:010d}.log", generation); }

bool parse_wal_file_name(const std::string& name, uint32_t* generation) {
  if (name.size() != 18 || name.compare(0, 4, "wal-") != 0 || name.compare(14, 4, ".log") != 0) return false;
  uint64_t v = 0;
  for (size_t i = 4; i < 14; i++) {
    if (name[i] < '0' || name[i] > '9') return false;
    v = v * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  if (v > UINT32_MAX) return false;
  *generation = static_cast<uint32_t>(v);
  return true;
}

std::vector<uint8_t> wal_header() {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.u32(kWalMagic);
  w.u32(kWalFormatVersion);
  return out;
}

void frame_record(WalRecordType type, std::span<const uint8_t> payload, std::vector<uint8_t>* out) {
  size_t at = out->size();
  out->resize(at + kWalFrameBytes);
  out->push_back(static_cast<uint8_t>(type));
  out->insert(out->end(), payload.begin(), payload.end());
  uint32_t len = static_cast<uint32_t>(1 + payload.size());
  uint32_t crc = crc32c(out->data() + at + kWalFrameBytes, len);
  store_be32(out->data() + at, len);
  store_be32(out->data() + at + 4, crc);
}

Result<WalContents> read_wal(io::FileSystem* fs, const std::string& path) {
  STRATA_ASSIGN_OR_RETURN(auto file, fs->open_readable(path));
  WalContents out;
  STRATA_ASSIGN_OR_RETURN(out.file_bytes, file->size_bytes());
  uint8_t head[kWalHeaderBytes];
  STRATA_ASSIGN_OR_RETURN(size_t n, file->read(0, head));
  if (n != sizeof(head) || load_be32(head) != kWalMagic || load_be32(head + 4) != kWalFormatVersion) {
    return Status::corruption(fmt::format("WAL {}: bad header", path));
  }
  uint64_t pos = kWalHeaderBytes;
  while (pos < out.file_bytes) {
    uint8_t frame[kWalFrameBytes];
    if (out.file_bytes - pos < kWalFrameBytes) {
      out.problem = fmt::format("{} trailing bytes, shorter than a record frame", out.file_bytes - pos);
      break;
    }
    STRATA_ASSIGN_OR_RETURN(n, file->read(pos, frame));
    if (n != sizeof(frame)) {
      out.problem = "short read";
      break;
    }
    uint32_t len = load_be32(frame);
    uint32_t crc = load_be32(frame + 4);
    if (len == 0 || len > kWalRecordBytesMax || len > out.file_bytes - pos - kWalFrameBytes) {
      out.problem = fmt::format("record at {} claims {} bytes", pos, len);
      break;
    }
    std::vector<uint8_t> body(len);
    STRATA_ASSIGN_OR_RETURN(n, file->read(pos + kWalFrameBytes, body));
    if (n != len) {
      out.problem = "short read";
      break;
    }
    if (crc32c(body.data(), body.size()) != crc) {
      out.problem = fmt::format("record at {}: CRC mismatch", pos);
      break;
    }
    if (body[0] < static_cast<uint8_t>(WalRecordType::kCheckpoint) || body[0] > static_cast<uint8_t>(WalRecordType::kDropColumn)) {
      out.problem = fmt::format("record at {}: unknown type {}", pos, body[0]);
      break;
    }
    WalRecord rec{static_cast<WalRecordType>(body[0]), std::vector<uint8_t>(body.begin() + 1, body.end())};
    out.records.push_back(std::move(rec));
    pos += kWalFrameBytes + len;
  }
  out.valid_bytes = pos;
  if (out.problem.empty()) out.valid_bytes = out.file_bytes;
  return out;
}

}  // namespace strata::columnar
