#include "log/compression.h"

#include <lz4frame.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <memory>

#include "base/bytes.h"

namespace strata::log {
namespace {

constexpr size_t kChunkBytes = 64 * 1024;
// snappy-java's stream header: magic, then int32 version and int32 compatible version.
constexpr uint8_t kXerialMagic[8] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0x00};
constexpr size_t kXerialHeaderBytes = 16;
// snappy-java's default block size; also our block size when writing.
constexpr size_t kXerialBlockBytes = 32 * 1024;

Status too_large(size_t max) {
  return Status::resource_exhausted("decompressed data exceeds " + std::to_string(max) + " bytes");
}

// Grows `out` by up to one chunk without passing `limit` (its final size).
// Returns the writable region, empty when the limit is reached.
std::span<uint8_t> grow(std::vector<uint8_t>* out, size_t limit) {
  size_t old = out->size();
  size_t n = std::min(kChunkBytes, limit - old);
  out->resize(old + n);
  return {out->data() + old, n};
}

Status gzip_decompress(std::span<const uint8_t> in, size_t max, std::vector<uint8_t>* out) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return Status::internal("inflateInit2 failed");
  std::unique_ptr<z_stream, void (*)(z_stream*)> guard(&zs, [](z_stream* z) { inflateEnd(z); });
  const size_t limit = out->size() + max;
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  while (true) {
    size_t before = out->size();
    if (before == limit) {
      // Full: only ok when the stream ends exactly here.
      uint8_t probe;
      zs.next_out = &probe;
      zs.avail_out = 1;
      int rc = inflate(&zs, Z_NO_FLUSH);
      if (rc == Z_STREAM_END && zs.avail_out == 1) return Status::ok_status();
      return too_large(max);
    }
    auto region = grow(out, limit);
    zs.next_out = region.data();
    zs.avail_out = static_cast<uInt>(region.size());
    int rc = inflate(&zs, Z_NO_FLUSH);
    out->resize(before + (region.size() - zs.avail_out));
    if (rc == Z_STREAM_END) return Status::ok_status();
    if (rc != Z_OK) return Status::corruption(std::string("gzip: ") + (zs.msg ? zs.msg : "inflate failed"));
    if (zs.avail_in == 0 && zs.avail_out != 0) return Status::corruption("gzip: truncated stream");
  }
}

Status gzip_compress(std::span<const uint8_t> in, std::vector<uint8_t>* out) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::internal("deflateInit2 failed");
  }
  size_t old = out->size();
  size_t bound = deflateBound(&zs, static_cast<uLong>(in.size())) + 32;
  out->resize(old + bound);
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out->data() + old;
  zs.avail_out = static_cast<uInt>(bound);
  int rc = deflate(&zs, Z_FINISH);
  size_t produced = bound - zs.avail_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    out->resize(old);
    return Status::internal("gzip: deflate did not finish");
  }
  out->resize(old + produced);
  return Status::ok_status();
}

Status snappy_raw_block(std::span<const uint8_t> in, size_t max, std::vector<uint8_t>* out) {
  size_t n = 0;
  const char* src = reinterpret_cast<const char*>(in.data());
  if (snappy_uncompressed_length(src, in.size(), &n) != SNAPPY_OK) return Status::corruption("snappy: bad length");
  if (n > max) return too_large(max);
  size_t old = out->size();
  out->resize(old + n);
  size_t got = n;
  if (snappy_uncompress(src, in.size(), reinterpret_cast<char*>(out->data() + old), &got) != SNAPPY_OK || got != n) {
    out->resize(old);
    return Status::corruption("snappy: bad block");
  }
  return Status::ok_status();
}

Status snappy_decompress(std::span<const uint8_t> in, size_t max, std::vector<uint8_t>* out) {
  if (in.size() < kXerialHeaderBytes || std::memcmp(in.data(), kXerialMagic, sizeof(kXerialMagic)) != 0) {
    return snappy_raw_block(in, max, out);
  }
  const size_t start = out->size();
  ByteReader r(in.subspan(kXerialHeaderBytes));
  while (!r.at_end()) {
    int32_t len = r.i32();
    if (!r.ok() || len < 0 || static_cast<size_t>(len) > r.remaining()) return Status::corruption("snappy: bad xerial block length");
    auto block = r.bytes(static_cast<size_t>(len));
    STRATA_RETURN_IF_ERROR(snappy_raw_block(block, max - (out->size() - start), out));
  }
  return Status::ok_status();
}

Status snappy_compress_xerial(std::span<const uint8_t> in, std::vector<uint8_t>* out) {
  ByteWriter w(out);
  w.bytes(kXerialMagic, sizeof(kXerialMagic));
  w.i32(1);  // version
  w.i32(1);  // compatible version
  for (size_t pos = 0; pos < in.size(); pos += kXerialBlockBytes) {
    size_t n = std::min(kXerialBlockBytes, in.size() - pos);
    size_t cap = snappy_max_compressed_length(n);
    size_t len_pos = out->size();
    w.i32(0);
    size_t old = out->size();
    out->resize(old + cap);
    if (snappy_compress(reinterpret_cast<const char*>(in.data() + pos), n, reinterpret_cast<char*>(out->data() + old), &cap) != SNAPPY_OK) {
      return Status::internal("snappy_compress failed");
    }
    out->resize(old + cap);
    w.patch_i32(len_pos, static_cast<int32_t>(cap));
  }
  return Status::ok_status();
}

Status lz4_decompress(std::span<const uint8_t> in, size_t max, std::vector<uint8_t>* out) {
  LZ4F_dctx* ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) return Status::internal("lz4: no context");
  std::unique_ptr<LZ4F_dctx, decltype(&LZ4F_freeDecompressionContext)> guard(ctx, &LZ4F_freeDecompressionContext);
  const size_t limit = out->size() + max;
  size_t pos = 0;
  while (true) {
    size_t before = out->size();
    if (before == limit) {
      if (pos == in.size()) break;
      uint8_t probe;
      size_t dst = 1, src = in.size() - pos;
      size_t rc = LZ4F_decompress(ctx, &probe, &dst, in.data() + pos, &src, nullptr);
      if (!LZ4F_isError(rc) && rc == 0 && dst == 0) return Status::ok_status();
      return too_large(max);
    }
    auto region = grow(out, limit);
    size_t dst = region.size(), src = in.size() - pos;
    size_t rc = LZ4F_decompress(ctx, region.data(), &dst, in.data() + pos, &src, nullptr);
    out->resize(before + dst);
    if (LZ4F_isError(rc)) return Status::corruption(std::string("lz4: ") + LZ4F_getErrorName(rc));
    pos += src;
    if (rc == 0) break;  // frame complete
    if (pos == in.size() && dst == 0) return Status::corruption("lz4: truncated frame");
  }
  if (pos != in.size()) return Status::corruption("lz4: trailing bytes after frame");
  return Status::ok_status();
}

Status lz4_compress(std::span<const uint8_t> in, std::vector<uint8_t>* out) {
  LZ4F_preferences_t prefs{};
  size_t cap = LZ4F_compressFrameBound(in.size(), &prefs);
  size_t old = out->size();
  out->resize(old + cap);
  size_t n = LZ4F_compressFrame(out->data() + old, cap, in.data(), in.size(), &prefs);
  if (LZ4F_isError(n)) {
    out->resize(old);
    return Status::internal(std::string("lz4: ") + LZ4F_getErrorName(n));
  }
  out->resize(old + n);
  return Status::ok_status();
}

Status zstd_decompress(std::span<const uint8_t> in, size_t max, std::vector<uint8_t>* out) {
  ZSTD_DCtx* ctx = ZSTD_createDCtx();
  if (ctx == nullptr) return Status::internal("zstd: no context");
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> guard(ctx, &ZSTD_freeDCtx);
  // Bound the window so a hostile frame cannot make zstd allocate a huge one.
  ZSTD_DCtx_setParameter(ctx, ZSTD_d_windowLogMax, 27);
  const size_t limit = out->size() + max;
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  size_t last = 1;
  while (true) {
    size_t before = out->size();
    if (before == limit) {
      if (last == 0 && ib.pos == ib.size) return Status::ok_status();
      uint8_t probe;
      ZSTD_outBuffer ob{&probe, 1, 0};
      size_t rc = ZSTD_decompressStream(ctx, &ob, &ib);
      if (!ZSTD_isError(rc) && rc == 0 && ob.pos == 0 && ib.pos == ib.size) return Status::ok_status();
      return too_large(max);
    }
    auto region = grow(out, limit);
    ZSTD_outBuffer ob{region.data(), region.size(), 0};
    size_t rc = ZSTD_decompressStream(ctx, &ob, &ib);
    out->resize(before + ob.pos);
    if (ZSTD_isError(rc)) return Status::corruption(std::string("zstd: ") + ZSTD_getErrorName(rc));
    last = rc;
    if (rc == 0 && ib.pos == ib.size) return Status::ok_status();
    if (ib.pos == ib.size && ob.pos < ob.size) return Status::corruption("zstd: truncated frame");
  }
}

Status zstd_compress(std::span<const uint8_t> in, std::vector<uint8_t>* out) {
  size_t cap = ZSTD_compressBound(in.size());
  size_t old = out->size();
  out->resize(old + cap);
  size_t n = ZSTD_compress(out->data() + old, cap, in.data(), in.size(), 3);
  if (ZSTD_isError(n)) {
    out->resize(old);
    return Status::internal(std::string("zstd: ") + ZSTD_getErrorName(n));
  }
  out->resize(old + n);
  return Status::ok_status();
}

}  // namespace

Status decompress(Compression codec, std::span<const uint8_t> in, size_t max_output_bytes, std::vector<uint8_t>* out) {
  switch (codec) {
    case Compression::kNone:
      if (in.size() > max_output_bytes) return too_large(max_output_bytes);
      out->insert(out->end(), in.begin(), in.end());
      return Status::ok_status();
    case Compression::kGzip: return gzip_decompress(in, max_output_bytes, out);
    case Compression::kSnappy: return snappy_decompress(in, max_output_bytes, out);
    case Compression::kLz4: return lz4_decompress(in, max_output_bytes, out);
    case Compression::kZstd: return zstd_decompress(in, max_output_bytes, out);
  }
  return Status::corruption("unknown compression codec");
}

Status compress(Compression codec, std::span<const uint8_t> in, std::vector<uint8_t>* out) {
  switch (codec) {
    case Compression::kNone:
      out->insert(out->end(), in.begin(), in.end());
      return Status::ok_status();
    case Compression::kGzip: return gzip_compress(in, out);
    case Compression::kSnappy: return snappy_compress_xerial(in, out);
    case Compression::kLz4: return lz4_compress(in, out);
    case Compression::kZstd: return zstd_compress(in, out);
  }
  return Status::invalid_argument("unknown compression codec");
}

}  // namespace strata::log
