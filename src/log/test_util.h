// Helpers shared by the log module's tests: temp directories and batches.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include "io/clock.h"
#include "io/file_system.h"
#include "log/log_manager.h"
#include "log/record_batch.h"

namespace strata::log::testing {

// A directory under /tmp removed (with its contents) when destroyed.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/strata_log_test_XXXXXX";
    char* p = ::mkdtemp(tmpl);
    path_ = p ? p : "/tmp/strata_log_test_fallback";
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A batch of `count` records "k<i>" -> "<value_prefix><i>" at timestamp_ms.
inline std::vector<uint8_t> make_batch(int count, int64_t timestamp_ms = 1000, const std::string& value_prefix = "v",
                                       Compression codec = Compression::kNone) {
  RecordBatchBuilder b(codec);
  for (int i = 0; i < count; i++) {
    std::string k = "k" + std::to_string(i);
    std::string v = value_prefix + std::to_string(i);
    b.add(timestamp_ms, as_bytes(k), as_bytes(v));
  }
  auto r = b.finish(0);
  return std::move(r).value();
}

// An idempotent producer's batch of `count` records.
inline std::vector<uint8_t> make_producer_batch(int64_t producer_id, int16_t epoch, int32_t base_sequence, int count) {
  RecordBatchBuilder b;
  b.set_producer(producer_id, epoch, base_sequence);
  for (int i = 0; i < count; i++) {
    std::string v = "p" + std::to_string(base_sequence + i);
    b.add(1000, std::nullopt, as_bytes(v));
  }
  return std::move(b.finish(0)).value();
}

// A batch with one record key -> value (nullopt value: tombstone).
inline std::vector<uint8_t> make_keyed_batch(const std::string& key, std::optional<std::string> value, int64_t ts_ms) {
  RecordBatchBuilder b;
  if (value) {
    b.add(ts_ms, as_bytes(key), as_bytes(*value));
  } else {
    b.add(ts_ms, as_bytes(key), std::nullopt);
  }
  return std::move(b.finish(0)).value();
}

inline LogOptions options_for(const std::string& dir) {
  LogOptions o;
  o.data_dir = dir;
  o.flush_interval_ms = 20;
  return o;
}

inline std::unique_ptr<LogManager> open_log(const LogOptions& o, io::FileSystem* fs, io::Clock* clock) {
  auto r = LogManager::open(o, fs, clock);
  if (!r.ok()) return nullptr;
  return std::move(r).value();
}

inline std::string partition_dir(const std::string& data_dir, const std::string& topic, int index) {
  return data_dir + "/topics/" + topic + "/" + std::to_string(index);
}

// Every batch of a read result, split.
inline std::vector<RecordBatchHeader> batch_headers(std::span<const uint8_t> bytes) {
  std::vector<RecordBatchHeader> out;
  size_t pos = 0;
  while (pos < bytes.size()) {
    auto h = parse_record_batch_header(bytes.subspan(pos));
    if (!h.ok()) break;
    out.push_back(*h);
    pos += h->size_bytes();
  }
  return out;
}

}  // namespace strata::log::testing
