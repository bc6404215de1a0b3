// LogTopicAccess: exec::TopicAccess over the broker's LogManager.
//
// Every call is posted to the event loop (which owns the log) and the calling
// thread (a pgwire worker) waits for the answer; the loop never waits. Appends
// are answered after the flusher's fdatasync covers them (acks=all). Record
// batches are built before posting and decoded after the answer, on the calling
// thread, so the loop only appends and preads.
//
// Lifecycle: stop() (any thread) makes waiting and later calls fail with
// kUnavailable "server shutting down", so workers never wait on a loop that has
// stopped running.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "exec/topic_access.h"
#include "log/log_manager.h"
#include "net/asio.h"

namespace strata::server {

// Largest RecordBatch built for one INSERT append (several are appended together
// when the rows need more); below the default max.message.bytes.
inline constexpr size_t kInsertBatchBytesMax = 512u << 10;
// Bound on a fetched batch's decompressed size.
inline constexpr size_t kReadDecompressedBytesMax = 64u << 20;

class LogTopicAccess final : public exec::TopicAccess {
 public:
  // `appended` runs on the loop after each append (wakes Kafka long polls).
  LogTopicAccess(net::asio::io_context& io, log::LogManager* log, std::function<void()> appended)
      : io_(io), log_(log), appended_(std::move(appended)) {}

  Result<int32_t> ensure_topic(const std::string& topic, int32_t partitions) override;
  Result<std::vector<exec::PartitionOffsets>> partitions(const std::string& topic) override;
  Result<int64_t> append(const std::string& topic, int32_t partition,
                         std::vector<exec::ProducedRecord> records) override;
  Result<std::vector<exec::FetchedRecord>> read(const std::string& topic, int32_t partition, int64_t from_offset,
                                                int64_t before_offset, int32_t max_bytes) override;

  void stop() { stopped_->store(true); }

 private:
  // Runs `work` on the loop; `work` must call its reply exactly once (from the
  // loop or, for appends, from the flusher thread). Waits for that reply.
  template <typename T>
  Result<T> on_loop(std::function<void(std::function<void(Result<T>)>)> work);

  net::asio::io_context& io_;
  log::LogManager* log_;
  std::function<void()> appended_;
  std::shared_ptr<std::atomic<bool>> stopped_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace strata::server
