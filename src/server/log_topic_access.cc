#include "server/log_topic_access.h"

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "log/record_batch.h"

namespace strata::server {

namespace {

template <typename T>
struct Pending {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Result<T>> result;
};

Status shutting_down() { return Status::sql("57P01", "server shutting down"); }

Status no_topic(const std::string& topic) {
  return Status::sql("42P01", fmt::format("topic \"{}\" does not exist", topic));
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<std::span<const uint8_t>> bytes_of(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s->data()), s->size());
}

std::optional<std::string> string_of(const std::optional<std::span<const uint8_t>>& b) {
  if (!b) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(b->data()), b->size());
}

}  // namespace

template <typename T>
Result<T> LogTopicAccess::on_loop(std::function<void(std::function<void(Result<T>)>)> work) {
  if (stopped_->load()) return shutting_down();
  auto pending = std::make_shared<Pending<T>>();
  net::asio::post(io_, [work = std::move(work), pending] {
    work([pending](Result<T> r) {
      std::lock_guard<std::mutex> lock(pending->mu);
      pending->result.emplace(std::move(r));
      pending->cv.notify_all();
    });
  });
  std::unique_lock<std::mutex> lock(pending->mu);
  while (!pending->result) {
    if (stopped_->load()) return shutting_down();
    pending->cv.wait_for(lock, std::chrono::milliseconds(100));
  }
  return std::move(*pending->result);
}

Result<int32_t> LogTopicAccess::ensure_topic(const std::string& topic, int32_t partitions) {
  return on_loop<int32_t>([this, topic, partitions](std::function<void(Result<int32_t>)> reply) {
    if (auto info = log_->find_topic(topic)) return reply(info->partition_count);
    Result<log::TopicInfo> created = log_->create_topic(topic, partitions, {});
    if (!created.ok()) {
      Status s = created.status();
      return reply(s.code() == StatusCode::kInvalidArgument ? Status::sql("22023", s.message()) : s);
    }
    reply(created->partition_count);
  });
}

Result<std::vector<exec::PartitionOffsets>> LogTopicAccess::partitions(const std::string& topic) {
  using Out = std::vector<exec::PartitionOffsets>;
  return on_loop<Out>([this, topic](std::function<void(Result<Out>)> reply) {
    std::optional<log::TopicInfo> info = log_->find_topic(topic);
    if (!info) return reply(no_topic(topic));
    Out out;
    for (int32_t i = 0; i < info->partition_count; ++i) {
      log::Partition* p = log_->partition(topic, i);
      if (p == nullptr) return reply(no_topic(topic));
      out.push_back({i, p->log_start_offset(), p->log_end_offset()});
    }
    reply(std::move(out));
  });
}

Result<int64_t> LogTopicAccess::append(const std::string& topic, int32_t partition,
                                       std::vector<exec::ProducedRecord> records) {
  // Whole batches, concatenated: Partition::append takes several at once.
  auto bytes = std::make_shared<std::vector<uint8_t>>();
  log::RecordBatchBuilder builder;
  size_t batch_bytes = 0;
  auto flush = [&]() -> Status {
    if (builder.empty()) return Status::ok_status();
    STRATA_ASSIGN_OR_RETURN(std::vector<uint8_t> batch, builder.finish(0));
    bytes->insert(bytes->end(), batch.begin(), batch.end());
    batch_bytes = 0;
    return Status::ok_status();
  };
  for (const exec::ProducedRecord& r : records) {
    size_t size = (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0) + 32;
    if (batch_bytes > 0 && batch_bytes + size > kInsertBatchBytesMax) STRATA_RETURN_IF_ERROR(flush());
    builder.add(r.timestamp_ms, bytes_of(r.key), bytes_of(r.value));
    batch_bytes += size;
  }
  STRATA_RETURN_IF_ERROR(flush());
  if (bytes->empty()) return Status::invalid_argument("no records to append");
  return on_loop<int64_t>([this, topic, partition, bytes](std::function<void(Result<int64_t>)> reply) {
    log::Partition* p = log_->partition(topic, partition);
    if (p == nullptr) return reply(no_topic(topic));
    log::AppendOutcome outcome = p->append(std::span<uint8_t>(*bytes), now_ms());
    if (!outcome.status.ok()) return reply(outcome.status);
    if (appended_) appended_();
    int64_t base = outcome.result.base_offset;
    // The reply runs on the flusher thread once an fdatasync covers the records.
    log_->request_sync(p, outcome.result.last_offset + 1, [reply, base](Status s) {
      if (!s.ok()) return reply(s);
      reply(base);
    });
  });
}

Result<std::vector<exec::FetchedRecord>> LogTopicAccess::read(const std::string& topic, int32_t partition,
                                                              int64_t from_offset, int64_t before_offset,
                                                              int32_t max_bytes) {
  std::vector<exec::FetchedRecord> out;
  std::vector<uint8_t> scratch;
  std::vector<log::Record> records;
  int64_t next = from_offset;
  // Batches wholly before `from_offset` or made only of control records give
  // nothing; keep reading until a record in range or the range's end.
  while (out.empty() && next < before_offset) {
    Result<log::ReadResult> got =
        on_loop<log::ReadResult>([this, topic, partition, next, max_bytes](std::function<void(Result<log::ReadResult>)> reply) {
          log::Partition* p = log_->partition(topic, partition);
          if (p == nullptr) return reply(no_topic(topic));
          reply(p->read(std::max(next, p->log_start_offset()), max_bytes));
        });
    STRATA_RETURN_IF_ERROR(got.status());
    if (got->bytes.empty()) break;
    std::span<const uint8_t> rest(got->bytes);
    int64_t last_seen = next - 1;
    while (rest.size() >= log::kRecordBatchHeaderSize) {
      STRATA_ASSIGN_OR_RETURN(log::RecordBatchHeader h, log::parse_record_batch_header(rest));
      if (h.size_bytes() > rest.size()) break;  // a partial batch at the read limit
      std::span<const uint8_t> batch = rest.subspan(0, h.size_bytes());
      rest = rest.subspan(h.size_bytes());
      last_seen = std::max(last_seen, h.last_offset());
      if (h.is_control()) continue;
      records.clear();
      STRATA_RETURN_IF_ERROR(log::decode_record_batch(batch, kReadDecompressedBytesMax, &scratch, &records));
      for (const log::Record& r : records) {
        if (r.offset < next || r.offset >= before_offset) continue;
        out.push_back({r.offset, r.timestamp, string_of(r.key), string_of(r.value)});
      }
    }
    if (last_seen < next) break;  // no whole batch came back: nothing more to read
    next = last_seen + 1;
  }
  return out;
}

}  // namespace strata::server
