// Fuzzes recovery: the input becomes the last segment's .log file of a
// partition; LogManager::open must not crash, and the recovered partition
// must either be fenced or serve reads and appends.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/logging.h"
#include "io/clock.h"
#include "io/file_system.h"
#include "log/log_manager.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  strata::logging::set_level(strata::logging::Level::kError);
  char tmpl[] = "/tmp/strata_recovery_fuzz_XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 0;
  const std::string root = tmpl;
  auto* fs = strata::io::posix_file_system();
  const std::string pdir = root + "/topics/t/0";
  if (fs->create_dirs(pdir).ok()) {
    std::string meta = "version=1\npartitions=1\n";
    (void)fs->write_file_atomic(root + "/topics/t/topic.conf", {reinterpret_cast<const uint8_t*>(meta.data()), meta.size()});
    (void)fs->write_file_atomic(pdir + "/00000000000000000000.log", {data, size});
    strata::io::ManualClock clock;
    strata::log::LogOptions opts;
    opts.data_dir = root;
    auto log = strata::log::LogManager::open(opts, fs, &clock);
    if (log.ok()) {
      strata::log::Partition* p = (*log)->partition("t", 0);
      if (p != nullptr && !p->fenced()) {
        auto r = p->read(p->log_start_offset(), 1 << 16);
        (void)r;
      }
      (void)(*log)->close();
    }
  }
  (void)fs->remove_all(root);
  return 0;
}
