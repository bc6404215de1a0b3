// StreamStorage: a stream (catalog::StreamDef) seen as a table's storage, so that
// SELECT and INSERT over streams run through the ordinary binder, planner,
// operators and transaction code.
//
// Reading: snapshot() records every partition's [log start, log end) at that
// moment; the view's scans read exactly those records, partition by partition,
// decoding each record's value through formats::RecordDecoder. A record that does
// not decode is skipped and counted (take_skipped()); the session reports the
// count in a NOTICE. The streaming runtime of a later slice dead-letters them.
//
// Writing: commit() encodes each inserted row as one record (formats::
// RecordEncoder), key null, partition = CRC-32C(value) mod the topic's partition
// count (so equal rows land together and distinct rows spread), one append per
// partition, and returns after every append is durable. Appends to different
// partitions are not atomic together: a failure can leave earlier partitions'
// records stored (the statement still fails). Deletes and TRUNCATE are refused.
//
// Threads: like every TableStorage (any statement thread); the view's skipped
// counter is atomic.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "catalog/catalog.h"
#include "exec/table_storage.h"
#include "exec/topic_access.h"

namespace strata::exec {

// Bytes asked per TopicAccess::read while scanning a stream.
inline constexpr int32_t kStreamReadBytes = 1 << 20;

class StreamReadView : public TableReadView {
 public:
  StreamReadView(std::shared_ptr<const catalog::StreamDef> stream, TopicAccess* access,
                 Result<std::vector<PartitionOffsets>> ranges);
  uint64_t row_count() const override;
  Status scan(const std::vector<int32_t>& columns, bool with_row_id,
              const std::function<Status(types::Batch&)>& sink) const override;
  Result<std::unique_ptr<RowBatchIterator>> open(const ScanRequest& request) const override;
  const std::string& stream_name() const { return stream_->name; }

  // Records skipped since the last call (they did not decode), and the reason of
  // the first of them with its partition and offset; resets the count.
  struct Skipped {
    uint64_t count = 0;
    std::string first_reason;
  };
  Skipped take_skipped() const;
  // Called by this view's scans.
  void note_skipped(int32_t partition, int64_t offset, const std::string& reason) const;

 private:
  std::shared_ptr<const catalog::StreamDef> stream_;
  TopicAccess* access_;
  Result<std::vector<PartitionOffsets>> ranges_;
  mutable std::mutex skipped_mu_;
  mutable Skipped skipped_;
};

// REQUIRES: access is not null and outlives the storage.
std::shared_ptr<TableStorage> make_stream_storage(std::shared_ptr<const catalog::StreamDef> stream,
                                                  TopicAccess* access);

}  // namespace strata::exec
