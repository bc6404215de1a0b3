// Helpers shared by the log module's tests: temp directories and batches.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

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

}  // namespace strata::log::testing
