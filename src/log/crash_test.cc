// kill -9 of a process in the middle of producing: every batch acknowledged
// as durable is there after restart, and an idempotent retry of the last
// acknowledged batch is a duplicate, not a second copy.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <future>

#include "log/test_util.h"

namespace strata::log {
namespace {

using namespace testing;  // NOLINT

constexpr int64_t kProducerId = 77;
constexpr int kRecordsPerBatch = 3;

// Child: produces forever, reporting each durable batch's sequence on `fd`.
[[noreturn]] void produce_until_killed(const std::string& data_dir, int fd) {
  LogOptions opts = options_for(data_dir);
  opts.topic_defaults.segment_bytes = 500;
  auto log = open_log(opts, io::posix_file_system(), io::system_clock());
  if (!log || !log->create_topic("t", 1, {}).ok()) _exit(2);
  Partition* p = log->partition("t", 0);
  for (int32_t seq = 0;; seq += kRecordsPerBatch) {
    auto b = make_producer_batch(kProducerId, 0, seq, kRecordsPerBatch);
    auto out = p->append(b, 0);
    if (!out.status.ok()) _exit(3);
    std::promise<Status> done;
    log->request_sync(p, out.result.last_offset + 1, [&done](Status s) { done.set_value(s); });
    if (!done.get_future().get().ok()) _exit(4);
    if (::write(fd, &seq, sizeof(seq)) != sizeof(seq)) _exit(5);
  }
}

TEST(CrashTest, AcknowledgedBatchesSurviveKillAndRetriesAreDuplicates) {
  TempDir dir;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    produce_until_killed(dir.path(), fds[1]);
  }
  ::close(fds[1]);
  int32_t last_acked = -1;
  for (int i = 0; i < 40; i++) {
    int32_t seq;
    ASSERT_EQ(::read(fds[0], &seq, sizeof(seq)), static_cast<ssize_t>(sizeof(seq)));
    last_acked = seq;
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  // Drain acknowledgements sent before the kill landed.
  int32_t seq;
  while (::read(fds[0], &seq, sizeof(seq)) == static_cast<ssize_t>(sizeof(seq))) last_acked = seq;
  ::close(fds[0]);

  LogOptions opts = options_for(dir.path());
  opts.topic_defaults.segment_bytes = 500;
  auto log = open_log(opts, io::posix_file_system(), io::system_clock());
  ASSERT_NE(log, nullptr);
  Partition* p = log->partition("t", 0);
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->fenced());
  const int64_t acked_end = static_cast<int64_t>(last_acked) + kRecordsPerBatch;  // offsets == sequences here
  ASSERT_GE(p->log_end_offset(), acked_end);
  auto retry = make_producer_batch(kProducerId, 0, last_acked, kRecordsPerBatch);
  auto out = p->append(retry, 0);
  ASSERT_TRUE(out.status.ok()) << out.status.to_string();
  EXPECT_TRUE(out.result.duplicate);
  EXPECT_EQ(out.result.base_offset, last_acked);
  // Every offset up to the acknowledged end reads back.
  for (int64_t off = 0; off < acked_end; off += kRecordsPerBatch) {
    auto r = p->read(off, 1);
    ASSERT_TRUE(r.ok());
    auto h = parse_record_batch_header(r->bytes);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->base_offset, off);
    EXPECT_EQ(h->base_sequence, off);
  }
}

}  // namespace
}  // namespace strata::log
