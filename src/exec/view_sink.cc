#include "exec/view_sink.h"

#include <fmt/format.h>

#include "base/bytes.h"
#include "base/crc32c.h"
#include "exec/view_maintainer.h"

namespace strata::exec {

namespace {

constexpr uint32_t kMagic = 0x53545346;  // "STSF"
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderBytes = 12;  // magic, version, crc
constexpr uint64_t kMaxSinkFileBytes = uint64_t{4} << 30;
// One append carries at most this many records or bytes (then the next one).
constexpr size_t kAppendRecordsMax = 4096;
constexpr size_t kAppendBytesMax = 1 << 20;

void put_optional(ByteWriter& w, const std::optional<std::string>& s) {
  w.u8(s ? 1 : 0);
  if (!s) return;
  w.uvarint(s->size());
  w.string(*s);
}

bool get_optional(ByteReader& r, std::optional<std::string>* out) {
  uint8_t present = r.u8();
  if (!r.ok() || present > 1) return false;
  if (present == 0) {
    out->reset();
    return true;
  }
  uint64_t n = r.uvarint64();
  if (!r.ok() || n > r.remaining()) return false;
  *out = std::string(r.string_view(n));
  return true;
}

std::string changelog_value(std::string_view op, const std::string* before, const std::string* after) {
  std::string out = "{\"op\": \"";
  out.append(op);
  out.append("\", \"before\": ");
  out.append(before ? *before : "null");
  out.append(", \"after\": ");
  out.append(after ? *after : "null");
  out.push_back('}');
  return out;
}

// A batch of `columns` of `b` (copies), for an encoder over those fields.
types::Batch project(const types::Batch& b, const std::vector<int32_t>& columns) {
  types::Batch out;
  for (int32_t c : columns) {
    const types::Vector& src = b.columns[static_cast<size_t>(c)];
    types::Vector v(src.type());
    v.append_rows(src, 0, b.rows);
    out.columns.push_back(std::move(v));
  }
  out.rows = b.rows;
  return out;
}

}  // namespace

Result<SinkMode> parse_sink_mode(const std::string& text) {
  if (text == "append") return SinkMode::kAppend;
  if (text == "upsert") return SinkMode::kUpsert;
  if (text == "changelog") return SinkMode::kChangelog;
  return Status::sql("22023", fmt::format("invalid sink mode \"{}\": choose append, upsert or changelog", text));
}

std::string_view sink_mode_name(SinkMode mode) {
  switch (mode) {
    case SinkMode::kAppend:
      return "append";
    case SinkMode::kUpsert:
      return "upsert";
    case SinkMode::kChangelog:
      return "changelog";
  }
  return "append";
}

int32_t kafka_murmur2(std::string_view data) {
  const uint32_t seed = 0x9747b28c;
  const uint32_t m = 0x5bd1e995;
  const int r = 24;
  const size_t length = data.size();
  uint32_t h = seed ^ static_cast<uint32_t>(length);
  const size_t length4 = length / 4;
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  for (size_t i = 0; i < length4; ++i) {
    const size_t i4 = i * 4;
    uint32_t k = static_cast<uint32_t>(bytes[i4]) | (static_cast<uint32_t>(bytes[i4 + 1]) << 8) |
                 (static_cast<uint32_t>(bytes[i4 + 2]) << 16) | (static_cast<uint32_t>(bytes[i4 + 3]) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const size_t tail = length & ~size_t{3};
  switch (length % 4) {
    case 3:
      h ^= static_cast<uint32_t>(bytes[tail + 2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= static_cast<uint32_t>(bytes[tail + 1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= static_cast<uint32_t>(bytes[tail]);
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

int32_t kafka_partition_for_key(std::string_view key, int32_t partitions) {
  if (partitions <= 1) return 0;
  return static_cast<int32_t>((static_cast<uint32_t>(kafka_murmur2(key)) & 0x7fffffffu) %
                              static_cast<uint32_t>(partitions));
}

std::vector<uint8_t> encode_sink_file(const SinkFile& f) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.u32(kMagic);
  w.u32(kVersion);
  w.u32(0);  // CRC-32C of everything after this field, patched below
  w.u32(f.sink_oid);
  w.u64(f.sequence);
  w.u8(f.first ? 1 : 0);
  w.u64(f.records_before);
  w.uvarint(f.start_offsets.size());
  for (const auto& [p, o] : f.start_offsets) {
    w.varint(p);
    w.varint(o);
  }
  w.uvarint(f.records.size());
  for (const SinkRecord& r : f.records) {
    w.varint(r.partition);
    w.varint(r.timestamp_ms);
    put_optional(w, r.key);
    put_optional(w, r.value);
  }
  w.patch_i32(8, static_cast<int32_t>(crc32c(out.data() + kHeaderBytes, out.size() - kHeaderBytes)));
  return out;
}

Result<SinkFile> decode_sink_file(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  if (r.u32() != kMagic) return Status::corruption("sink file: bad magic");
  uint32_t version = r.u32();
  if (!r.ok() || version != kVersion) return Status::corruption(fmt::format("sink file: unknown version {}", version));
  uint32_t crc = r.u32();
  if (!r.ok() || crc32c(bytes.data() + kHeaderBytes, bytes.size() - kHeaderBytes) != crc) {
    return Status::corruption("sink file: checksum mismatch");
  }
  SinkFile f;
  f.sink_oid = r.u32();
  f.sequence = r.u64();
  uint8_t first = r.u8();
  f.first = first == 1;
  f.records_before = r.u64();
  if (!r.ok() || first > 1) return Status::corruption("sink file: bad header");
  uint64_t n = r.uvarint64();
  if (!r.ok() || n > r.remaining()) return Status::corruption("sink file: bad partition count");
  for (; n > 0; --n) {
    int32_t p = static_cast<int32_t>(r.varint64());
    int64_t o = r.varint64();
    if (!r.ok() || p < 0 || o < 0 || !f.start_offsets.emplace(p, o).second) {
      return Status::corruption("sink file: bad partition");
    }
  }
  n = r.uvarint64();
  if (!r.ok() || n > r.remaining()) return Status::corruption("sink file: bad record count");
  f.records.reserve(n);
  for (; n > 0; --n) {
    SinkRecord rec;
    rec.partition = static_cast<int32_t>(r.varint64());
    rec.timestamp_ms = r.varint64();
    if (!r.ok() || !get_optional(r, &rec.key) || !get_optional(r, &rec.value) ||
        f.start_offsets.count(rec.partition) == 0) {
      return Status::corruption("sink file: bad record");
    }
    f.records.push_back(std::move(rec));
  }
  if (!r.ok() || !r.at_end()) return Status::corruption("sink file: truncated or trailing bytes");
  return f;
}

Result<std::unique_ptr<ViewSink>> ViewSink::make(std::shared_ptr<const catalog::SinkDef> def,
                                                 const ViewMaintainer& view) {
  std::unique_ptr<ViewSink> s(new ViewSink());
  s->def_ = def;
  STRATA_ASSIGN_OR_RETURN(s->mode_, parse_sink_mode(def->mode));
  STRATA_ASSIGN_OR_RETURN(formats::RecordFormat format, formats::parse_record_format(def->format));
  const std::string& vname = view.def().name;
  const std::optional<std::vector<int32_t>>& keys = view.key_columns();
  s->keyed_ = !view.append_only();
  if (!view.upstream_views().empty()) {
    return Status::sql("0A000", fmt::format("sink \"{}\": materialized view \"{}\" reads other views and takes no "
                                            "checkpoints, at which sinks emit; sink the views it reads, or a "
                                            "view over streams",
                                            def->name, vname));
  }
  if (s->keyed_ && !keys) {
    if (s->mode_ != SinkMode::kChangelog) {
      return Status::sql("0A000", fmt::format("sink \"{}\": the rows of materialized view \"{}\" change but have "
                                              "no key in its SELECT list (every GROUP BY column; for a top-N, the "
                                              "PARTITION BY columns and row_number()): use mode 'changelog', "
                                              "whose records are keyed by the whole row",
                                              def->name, vname));
    }
    s->row_keys_ = true;
  }
  if (keys) s->key_columns_ = *keys;
  if (s->mode_ == SinkMode::kAppend && s->keyed_ && !view.emits_on_window_close()) {
    return Status::sql("0A000", fmt::format("sink \"{}\": mode 'append' needs a view whose rows never change (no "
                                            "aggregate, or EMIT ON WINDOW CLOSE); materialized view \"{}\" updates "
                                            "its rows: use mode 'upsert' or 'changelog'",
                                            def->name, vname));
  }
  if (s->mode_ == SinkMode::kUpsert && !s->keyed_) {
    return Status::sql("0A000", fmt::format("sink \"{}\": mode 'upsert' needs a view with GROUP BY or DISTINCT (its "
                                            "key); the rows of materialized view \"{}\" have no key: use mode "
                                            "'append' or 'changelog'",
                                            def->name, vname));
  }
  if (s->mode_ == SinkMode::kChangelog && format != formats::RecordFormat::kJson) {
    return Status::sql("0A000", fmt::format("sink \"{}\": mode 'changelog' writes JSON envelopes; format must be "
                                            "'json'",
                                            def->name));
  }
  std::vector<formats::FieldSpec> fields;
  for (size_t i = 0; i < view.column_types().size(); ++i) {
    fields.push_back({view.column_names()[i], view.column_types()[i], false});
  }
  STRATA_ASSIGN_OR_RETURN(formats::RecordEncoder row, formats::RecordEncoder::make(format, fields));
  s->row_encoder_.emplace(std::move(row));
  if (!s->key_columns_.empty()) {
    std::vector<formats::FieldSpec> key_fields;
    for (int32_t c : s->key_columns_) key_fields.push_back(fields[static_cast<size_t>(c)]);
    STRATA_ASSIGN_OR_RETURN(formats::RecordEncoder key,
                            formats::RecordEncoder::make(formats::RecordFormat::kJson, key_fields));
    s->key_encoder_.emplace(std::move(key));
  }
  return s;
}

Result<std::unordered_map<std::string, std::string>> ViewSink::keyed_rows(const ViewResult& result,
                                                                          std::vector<std::string>* order) const {
  std::unordered_map<std::string, std::string> rows;
  rows.reserve(result.rows);
  std::unordered_map<std::string, uint64_t> copies;  // row_keys_: rows seen so far, by value
  for (const auto& b : result.batches) {
    types::Batch keys;
    if (key_encoder_) keys = project(*b, key_columns_);
    for (size_t i = 0; i < b->rows; ++i) {
      std::optional<std::string> value = row_encoder_->encode(*b, i);
      std::string key;
      if (row_keys_) {
        // The row itself, then which copy of it (JSON never holds a raw newline).
        key = value.value_or("") + '\n' + std::to_string(copies[value.value_or("")]++);
      } else {
        key = key_encoder_ ? *key_encoder_->encode(keys, i) : std::string("{}");
      }
      auto [it, inserted] = rows.emplace(key, value.value_or(""));
      if (!inserted) {
        return Status::sql("XX000", fmt::format("sink \"{}\": two rows of the view have the key {}", def_->name, key));
      }
      if (order) order->push_back(std::move(key));
    }
  }
  return rows;
}

Status ViewSink::load(io::FileSystem* fs, const std::string& path, uint64_t view_sequence,
                      const ViewResult& view_result) {
  prepared_ = false;
  pending_.clear();
  emitted_.clear();
  emitted_rows_ = 0;
  first_ = true;
  records_ = 0;
  sequence_ = 0;
  auto bad = [&](const std::string& why) {
    Status s = Status::corruption(fmt::format("sink file {}: {}", path, why));
    fail(s);
    return s;
  };
  if (path.empty() || !fs->exists(path)) return Status::ok_status();
  Result<std::vector<uint8_t>> bytes = fs->read_file(path, kMaxSinkFileBytes);
  if (!bytes.ok()) return bad(bytes.status().message());
  Result<SinkFile> f = decode_sink_file(*bytes);
  if (!f.ok()) return bad(f.status().message());
  if (f->sink_oid != def_->oid) return bad(fmt::format("written for sink oid {}, not {}", f->sink_oid, def_->oid));
  if (f->sequence > view_sequence + 1) {
    return bad(fmt::format("emission {} is ahead of the view's checkpoint {}", f->sequence, view_sequence));
  }
  // The view's result at its loaded checkpoint is what was emitted, except after
  // a first emission the view never checkpointed (nothing was emitted at all).
  const bool never = f->sequence == view_sequence + 1 && f->first;
  if (!never) {
    first_ = false;
    if (keyed_) {
      STRATA_ASSIGN_OR_RETURN(emitted_, keyed_rows(view_result, nullptr));
    } else {
      emitted_rows_ = view_result.rows;
    }
  }
  sequence_ = f->sequence <= view_sequence ? f->sequence : 0;
  records_ = f->records_before;
  if (f->sequence == view_sequence) {
    // Maybe delivered in part: deliver() appends what the topic lacks.
    records_ += f->records.size();
    pending_file_ = std::move(f).value();
    for (const auto& [p, o] : pending_file_.start_offsets) {
      PendingPartition& pp = pending_[p];
      pp.start_offset = o;
      pp.recovered = true;
    }
    for (size_t i = 0; i < pending_file_.records.size(); ++i) {
      pending_[pending_file_.records[i].partition].records.push_back(i);
    }
    for (auto it = pending_.begin(); it != pending_.end();) {
      it = it->second.records.empty() ? pending_.erase(it) : std::next(it);
    }
  } else if (f->sequence < view_sequence) {
    records_ += f->records.size();
  }
  std::lock_guard<std::mutex> lock(mu_);
  set_stats_locked();
  return Status::ok_status();
}

Status ViewSink::prepare(TopicAccess* access, io::FileSystem* fs, const std::string& path, uint64_t sequence,
                         const ViewResult& result, int64_t now_ms) {
  STRATA_ASSERT(pending_.empty(), "a sink prepares only after its last emission was delivered");
  prepared_ = false;
  SinkFile f;
  f.sink_oid = def_->oid;
  f.sequence = sequence;
  f.first = first_;
  f.records_before = records_;
  STRATA_ASSIGN_OR_RETURN(std::vector<PartitionOffsets> parts, access->partitions(def_->topic));
  if (parts.empty()) return Status::sql("42P01", fmt::format("sink \"{}\": topic \"{}\" has no partitions", def_->name, def_->topic));
  const int32_t n = static_cast<int32_t>(parts.size());
  for (const PartitionOffsets& p : parts) f.start_offsets[p.partition] = p.end_offset;
  uint64_t unkeyed = records_;
  auto add = [&](std::optional<std::string> key, std::optional<std::string> value) {
    if (row_keys_ && key) key->resize(key->rfind('\n'));  // (the record's key is the row)
    SinkRecord r;
    r.partition = key ? kafka_partition_for_key(*key, n) : static_cast<int32_t>(unkeyed++ % static_cast<uint64_t>(n));
    r.partition = parts[static_cast<size_t>(r.partition)].partition;
    r.key = std::move(key);
    r.value = std::move(value);
    r.timestamp_ms = now_ms;
    f.records.push_back(std::move(r));
  };

  // A difference the view's shape rules out stops the sink (a bug, not the input).
  auto broken = [&](const std::string& why) {
    Status s = Status::sql("XX000", fmt::format("sink \"{}\": {}", def_->name, why));
    fail(s);
    return s;
  };
  std::unordered_map<std::string, std::string> now_rows;
  uint64_t now_count = 0;
  if (!keyed_) {
    // Append-only: the rows past those emitted, in the result's order.
    now_count = result.rows;
    if (now_count < emitted_rows_) {
      return broken(fmt::format("the view has {} rows, fewer than the {} emitted", now_count, emitted_rows_));
    }
    uint64_t row = 0;
    for (const auto& b : result.batches) {
      for (size_t i = 0; i < b->rows; ++i, ++row) {
        if (row < emitted_rows_) continue;
        std::optional<std::string> value = row_encoder_->encode(*b, i);
        if (mode_ == SinkMode::kChangelog) {
          add(std::nullopt, changelog_value("c", nullptr, value ? &*value : nullptr));
        } else {
          add(std::nullopt, std::move(value));
        }
      }
    }
  } else {
    std::vector<std::string> order;
    STRATA_ASSIGN_OR_RETURN(now_rows, keyed_rows(result, &order));
    for (const std::string& key : order) {
      const std::string& value = now_rows.at(key);
      auto old = emitted_.find(key);
      if (old != emitted_.end() && old->second == value) continue;
      if (mode_ == SinkMode::kAppend && old != emitted_.end()) {
        return broken(fmt::format("the row with key {} changed in an append sink", key));
      }
      if (mode_ == SinkMode::kChangelog) {
        add(key, old == emitted_.end() ? changelog_value("c", nullptr, &value)
                                       : changelog_value("u", &old->second, &value));
      } else {
        add(mode_ == SinkMode::kAppend ? std::nullopt : std::optional<std::string>(key), value);
      }
    }
    for (const auto& [key, value] : emitted_) {
      if (now_rows.count(key) != 0) continue;
      if (mode_ == SinkMode::kAppend) {
        return broken(fmt::format("the row with key {} left an append sink's view", key));
      }
      add(key, mode_ == SinkMode::kChangelog ? std::optional<std::string>(changelog_value("d", &value, nullptr))
                                             : std::nullopt);
    }
  }
  // An empty difference writes nothing; commit() then only records that the
  // result (possibly empty) was emitted.
  if (!f.records.empty() && !path.empty()) STRATA_RETURN_IF_ERROR(fs->write_file_atomic(path, encode_sink_file(f)));
  prepared_file_ = std::move(f);
  prepared_emitted_ = std::move(now_rows);
  prepared_rows_ = now_count;
  prepared_ = true;
  std::lock_guard<std::mutex> lock(mu_);
  stats_.pending = prepared_file_.records.size();
  return Status::ok_status();
}

void ViewSink::commit() {
  if (!prepared_) return;
  prepared_ = false;
  if (keyed_) {
    emitted_ = std::move(prepared_emitted_);
  } else {
    emitted_rows_ = prepared_rows_;
  }
  prepared_emitted_.clear();
  first_ = false;
  if (!prepared_file_.records.empty()) {
    sequence_ = prepared_file_.sequence;
    records_ += prepared_file_.records.size();
    pending_file_ = std::move(prepared_file_);
    pending_.clear();
    for (const auto& [p, o] : pending_file_.start_offsets) pending_[p].start_offset = o;
    for (size_t i = 0; i < pending_file_.records.size(); ++i) {
      pending_[pending_file_.records[i].partition].records.push_back(i);
    }
    for (auto it = pending_.begin(); it != pending_.end();) {
      it = it->second.records.empty() ? pending_.erase(it) : std::next(it);
    }
  }
  prepared_file_ = SinkFile();
  std::lock_guard<std::mutex> lock(mu_);
  set_stats_locked();
}

Status ViewSink::deliver(TopicAccess* access) {
  if (pending_.empty()) return Status::ok_status();
  if (std::any_of(pending_.begin(), pending_.end(), [](const auto& e) { return e.second.recovered; })) {
    // After a restart: how much of each partition's records the topic holds.
    STRATA_ASSIGN_OR_RETURN(std::vector<PartitionOffsets> parts, access->partitions(def_->topic));
    for (auto& [p, pp] : pending_) {
      if (!pp.recovered) continue;
      const int32_t partition = p;  // clang 14 cannot capture a structured binding
      auto it = std::find_if(parts.begin(), parts.end(),
                             [&](const PartitionOffsets& o) { return o.partition == partition; });
      if (it == parts.end()) {
        Status s = Status::sql("55000", fmt::format("sink \"{}\": partition {} of topic \"{}\" is gone", def_->name,
                                                    p, def_->topic));
        fail(s);
        return s;
      }
      const int64_t have = it->end_offset - pp.start_offset;
      if (have < 0 || have > static_cast<int64_t>(pp.records.size())) {
        Status s = Status::sql(
            "55000", fmt::format("sink \"{}\": partition {} of topic \"{}\" ends at offset {}, outside the {} records "
                                 "from offset {} it was writing (another producer wrote the topic, or it was "
                                 "recreated): stopped to keep every record exactly once",
                                 def_->name, p, def_->topic, it->end_offset, pp.records.size(), pp.start_offset));
        fail(s);
        return s;
      }
      pp.appended = static_cast<size_t>(have);
      pp.recovered = false;
    }
  }
  for (auto it = pending_.begin(); it != pending_.end();) {
    PendingPartition& pp = it->second;
    while (pp.appended < pp.records.size()) {
      std::vector<ProducedRecord> batch;
      size_t bytes = 0;
      for (size_t i = pp.appended; i < pp.records.size() && batch.size() < kAppendRecordsMax && bytes < kAppendBytesMax;
           ++i) {
        const SinkRecord& r = pending_file_.records[pp.records[i]];
        batch.push_back({r.key, r.value, r.timestamp_ms});
        bytes += (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0) + 32;
      }
      const size_t count = batch.size();
      STRATA_ASSIGN_OR_RETURN(int64_t first, access->append(def_->topic, it->first, std::move(batch)));
      const int64_t expected = pp.start_offset + static_cast<int64_t>(pp.appended);
      pp.appended += count;
      if (first != expected) {
        Status s = Status::sql("55000", fmt::format("sink \"{}\": records went to offset {} of partition {} of topic "
                                                    "\"{}\", not {}: another producer writes the topic, so the sink "
                                                    "stopped to keep every record exactly once",
                                                    def_->name, first, it->first, def_->topic, expected));
        fail(s);
        return s;
      }
    }
    it = pending_.erase(it);
  }
  pending_file_ = SinkFile();
  ++emissions_;
  std::lock_guard<std::mutex> lock(mu_);
  set_stats_locked();
  return Status::ok_status();
}

void ViewSink::set_stats_locked() {
  stats_.records = records_;
  stats_.sequence = sequence_;
  stats_.emissions = emissions_;
  uint64_t pending = 0;
  for (const auto& [p, pp] : pending_) pending += pp.records.size() - pp.appended;
  stats_.records -= pending;
  stats_.pending = pending;
}

void ViewSink::fail(Status error) {
  std::lock_guard<std::mutex> lock(mu_);
  failure_ = error;
  stats_.status = error.to_string();
}

Status ViewSink::failure() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failure_;
}

SinkStats ViewSink::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace strata::exec
