#include "exec/spill_file.h"

#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string_view>

#include "base/crc32c.h"
#include "exec/operator.h"

namespace strata::exec {

using types::Batch;
using types::Type;
using types::Vector;

namespace {

std::atomic<uint64_t> g_spill_file_counter{0};

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  uint8_t b[4];
  std::memcpy(b, &v, 4);
  out.insert(out.end(), b, b + 4);
}

uint32_t get_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

Status corrupted(const std::string& path, const char* what) {
  return Status::sql("XX001", "spill file " + path + " is damaged: " + what);
}

}  // namespace

Result<std::unique_ptr<SpillFile>> SpillFile::create(const ExecContext& ctx, const std::string& prefix,
                                                     std::vector<Type> types) {
  if (ctx.spill_dir.empty()) {
    return Status::sql("53200", "out of memory: the query needs to spill to disk but no spill directory is set");
  }
  std::string path = ctx.spill_dir + "/" + prefix + "-" + std::to_string(::getpid()) + "-" +
                     std::to_string(g_spill_file_counter.fetch_add(1)) + ".spill";
  std::unique_ptr<SpillFile> f(new SpillFile(path, std::move(types)));
  STRATA_ASSIGN_OR_RETURN(f->writer_, io::posix_file_system()->open_writable(path));
  return f;
}

SpillFile::~SpillFile() { close(); }

void SpillFile::close() {
  reader_.reset();
  if (writer_) {
    (void)writer_->close();
    writer_.reset();
  }
  if (!path_.empty()) {
    (void)io::posix_file_system()->remove(path_);
    path_.clear();
  }
  buffer_.clear();
  buffer_.shrink_to_fit();
}

Status SpillFile::write(const Batch& batch) {
  STRATA_ASSERT(!finished_, "SpillFile::write after finish");
  STRATA_ASSERT(batch.columns.size() == types_.size(), "SpillFile: batch width differs");
  if (batch.rows == 0) return Status::ok_status();
  size_t header_at = buffer_.size();
  put_u32(buffer_, 0);  // payload bytes, patched below
  put_u32(buffer_, 0);  // crc
  size_t payload_at = buffer_.size();
  put_u32(buffer_, static_cast<uint32_t>(batch.rows));
  put_u32(buffer_, static_cast<uint32_t>(types_.size()));
  for (size_t c = 0; c < types_.size(); ++c) {
    const Vector& v = batch.columns[c];
    buffer_.insert(buffer_.end(), v.nulls(), v.nulls() + batch.rows);
    if (types_[c].is_string_like()) {
      const auto* s = v.data<std::string_view>();
      for (size_t r = 0; r < batch.rows; ++r) put_u32(buffer_, static_cast<uint32_t>(s[r].size()));
      for (size_t r = 0; r < batch.rows; ++r) buffer_.insert(buffer_.end(), s[r].begin(), s[r].end());
    } else {
      size_t bytes = batch.rows * types_[c].physical_size();
      buffer_.insert(buffer_.end(), v.raw_data(), v.raw_data() + bytes);
    }
  }
  uint32_t payload_bytes = static_cast<uint32_t>(buffer_.size() - payload_at);
  uint32_t crc = crc32c(buffer_.data() + payload_at, payload_bytes);
  std::memcpy(buffer_.data() + header_at, &payload_bytes, 4);
  std::memcpy(buffer_.data() + header_at + 4, &crc, 4);
  ++batch_count_;
  row_count_ += batch.rows;
  if (buffer_.size() >= kWriteBufferBytes) return flush();
  return Status::ok_status();
}

Status SpillFile::flush() {
  if (buffer_.empty()) return Status::ok_status();
  STRATA_RETURN_IF_ERROR(writer_->append(std::span<const uint8_t>(buffer_.data(), buffer_.size())));
  file_bytes_ += buffer_.size();
  buffer_.clear();
  return Status::ok_status();
}

Status SpillFile::finish() {
  if (finished_) return Status::ok_status();
  STRATA_RETURN_IF_ERROR(flush());
  STRATA_RETURN_IF_ERROR(writer_->close());
  writer_.reset();
  buffer_.shrink_to_fit();
  finished_ = true;
  STRATA_ASSIGN_OR_RETURN(reader_, io::posix_file_system()->open_readable(path_));
  read_offset_ = 0;
  return Status::ok_status();
}

Result<bool> SpillFile::read(Batch& out) {
  STRATA_ASSERT(finished_, "SpillFile::read before finish");
  out = Batch(types_);
  if (read_offset_ >= file_bytes_) return false;
  uint8_t header[8];
  STRATA_ASSIGN_OR_RETURN(size_t n, reader_->read(read_offset_, std::span<uint8_t>(header, 8)));
  if (n != 8) return corrupted(path_, "short header");
  uint32_t payload_bytes = get_u32(header);
  uint32_t crc = get_u32(header + 4);
  if (read_offset_ + 8 + payload_bytes > file_bytes_) return corrupted(path_, "record past the end");
  read_buffer_.resize(payload_bytes);
  STRATA_ASSIGN_OR_RETURN(n, reader_->read(read_offset_ + 8, std::span<uint8_t>(read_buffer_.data(), payload_bytes)));
  if (n != payload_bytes) return corrupted(path_, "short record");
  if (crc32c(read_buffer_.data(), payload_bytes) != crc) return corrupted(path_, "checksum mismatch");
  read_offset_ += 8 + payload_bytes;

  const uint8_t* p = read_buffer_.data();
  const uint8_t* end = p + payload_bytes;
  auto need = [&](size_t bytes) { return static_cast<size_t>(end - p) >= bytes; };
  if (!need(8)) return corrupted(path_, "short batch header");
  uint32_t rows = get_u32(p);
  uint32_t columns = get_u32(p + 4);
  p += 8;
  if (columns != types_.size()) return corrupted(path_, "column count");
  for (size_t c = 0; c < types_.size(); ++c) {
    Vector& v = out.columns[c];
    v.resize(rows);
    if (!need(rows)) return corrupted(path_, "short null flags");
    std::memcpy(v.nulls(), p, rows);
    p += rows;
    if (types_[c].is_string_like()) {
      if (!need(size_t{rows} * 4)) return corrupted(path_, "short string lengths");
      const uint8_t* lengths = p;
      p += size_t{rows} * 4;
      auto* views = v.data<std::string_view>();
      for (size_t r = 0; r < rows; ++r) {
        uint32_t len = get_u32(lengths + r * 4);
        if (!need(len)) return corrupted(path_, "short string bytes");
        views[r] = v.add_string(std::string_view(reinterpret_cast<const char*>(p), len));
        p += len;
      }
    } else {
      size_t bytes = size_t{rows} * types_[c].physical_size();
      if (!need(bytes)) return corrupted(path_, "short column data");
      std::memcpy(v.raw_data(), p, bytes);
      p += bytes;
    }
  }
  out.rows = rows;
  return true;
}

}  // namespace strata::exec
