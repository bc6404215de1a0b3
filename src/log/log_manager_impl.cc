#include "log/log_manager_impl.h"

#include <charconv>

#include "base/logging.h"

namespace strata::log {
namespace {

constexpr const char* kTopicMetaFile = "topic.conf";
constexpr uint64_t kTopicMetaMaxBytes = 1 << 20;
constexpr const char* kConfigPrefix = "config.";

bool parse_int32(std::string_view s, int32_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

}  // namespace

Result<std::unique_ptr<LogManager>> LogManager::open(const LogOptions& options, io::FileSystem* fs, io::Clock* clock) {
  auto m = std::make_unique<LogManagerImpl>(options, fs, clock);
  STRATA_RETURN_IF_ERROR(m->load());
  return std::unique_ptr<LogManager>(std::move(m));
}

LogManagerImpl::LogManagerImpl(const LogOptions& options, io::FileSystem* fs, io::Clock* clock)
    : options_(options),
      fs_(fs),
      clock_(clock),
      topics_root_(options.data_dir + "/topics"),
      flusher_(clock, options.flush_interval_ms) {}

LogManagerImpl::~LogManagerImpl() { (void)close(); }

bool LogManagerImpl::valid_topic_name(const std::string& name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string LogManagerImpl::topic_dir(const std::string& name) const { return topics_root_ + "/" + name; }

std::string LogManagerImpl::partition_dir(const std::string& name, int32_t index) const {
  return topic_dir(name) + "/" + std::to_string(index);
}

int32_t LogManagerImpl::partition_total() const {
  int32_t n = 0;
  for (const auto& [name, t] : topics_) n += t.info.partition_count;
  return n;
}

Status LogManagerImpl::load() {
  STRATA_RETURN_IF_ERROR(fs_->create_dirs(topics_root_));
  STRATA_ASSIGN_OR_RETURN(auto names, fs_->list_dir(topics_root_));
  for (const auto& name : names) {
    if (!valid_topic_name(name)) continue;
    STRATA_RETURN_IF_ERROR(load_topic(name));
  }
  flusher_.start();
  return Status::ok_status();
}

Status LogManagerImpl::load_topic(const std::string& name) {
  std::string meta_path = topic_dir(name) + "/" + kTopicMetaFile;
  if (!fs_->exists(meta_path)) {
    logging::warn("removing topic directory without metadata (unfinished create or delete)", "topic", name);
    return fs_->remove_all(topic_dir(name));
  }
  STRATA_ASSIGN_OR_RETURN(auto bytes, fs_->read_file(meta_path, kTopicMetaMaxBytes));
  std::string text(bytes.begin(), bytes.end());
  Topic t;
  t.info.name = name;
  t.info.internal = name.starts_with("__");
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return Status::corruption(meta_path + ": line without '='");
    std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "version") {
      if (value != "1") return Status::corruption(meta_path + ": unsupported version");
    } else if (key == "partitions") {
      if (!parse_int32(value, &t.info.partition_count) || t.info.partition_count < 1) {
        return Status::corruption(meta_path + ": bad partition count");
      }
    } else if (key.starts_with(kConfigPrefix)) {
      t.overrides[std::string(key.substr(std::string_view(kConfigPrefix).size()))] = std::string(value);
    } else {
      return Status::corruption(meta_path + ": unknown key " + std::string(key));
    }
  }
  if (t.info.partition_count < 1) return Status::corruption(meta_path + ": no partition count");
  auto config = options_.topic_defaults.with_overrides(t.overrides);
  if (!config.ok()) return Status::corruption(meta_path + ": " + config.status().message());
  t.info.config = *config;
  for (int32_t i = 0; i < t.info.partition_count; i++) {
    STRATA_ASSIGN_OR_RETURN(auto p, open_partition(name, i, t.info.config));
    t.partitions.push_back(std::move(p));
  }
  topics_[name] = std::move(t);
  return Status::ok_status();
}

Result<std::shared_ptr<LocalPartition>> LogManagerImpl::open_partition(const std::string& topic, int32_t index,
                                                                       const TopicConfig& config) {
  STRATA_ASSIGN_OR_RETURN(auto unique, LocalPartition::open(fs_, clock_, partition_dir(topic, index), topic, index, config));
  std::shared_ptr<LocalPartition> p = std::move(unique);
  std::weak_ptr<LocalPartition> weak = p;
  p->set_flush_request([this, weak] {
    if (auto sp = weak.lock()) flusher_.force(sp);
  });
  flusher_.add(p);
  return p;
}

Status LogManagerImpl::write_topic_meta(const Topic& t) {
  std::string text = "# strata topic metadata\nversion=1\npartitions=" + std::to_string(t.info.partition_count) + "\n";
  for (const auto& [k, v] : t.overrides) text += kConfigPrefix + k + "=" + v + "\n";
  return fs_->write_file_atomic(topic_dir(t.info.name) + "/" + kTopicMetaFile,
                                {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

Result<TopicInfo> LogManagerImpl::create_topic(const std::string& name, int32_t partitions,
                                               const std::map<std::string, std::string>& config_overrides) {
  if (closed_) return Status::unavailable("log manager closed");
  if (!valid_topic_name(name)) return Status::invalid_argument("invalid topic name '" + name + "'");
  if (partitions < 1) return Status::invalid_argument("partition count must be at least 1");
  if (topics_.count(name) != 0) return Status::already_exists("topic " + name + " exists");
  if (static_cast<int64_t>(partition_total()) + partitions > options_.max_partitions) {
    return Status::resource_exhausted("partition limit reached");
  }
  for (const auto& [k, v] : config_overrides) {
    if (k.find_first_of("=\n") != std::string::npos || v.find('\n') != std::string::npos) {
      return Status::invalid_argument("invalid config entry " + k);
    }
  }
  STRATA_ASSIGN_OR_RETURN(TopicConfig config, options_.topic_defaults.with_overrides(config_overrides));
  Topic t;
  t.info.name = name;
  t.info.partition_count = partitions;
  t.info.config = config;
  t.info.internal = name.starts_with("__");
  t.overrides = config_overrides;
  STRATA_RETURN_IF_ERROR(fs_->create_dirs(topic_dir(name)));
  for (int32_t i = 0; i < partitions; i++) {
    STRATA_ASSIGN_OR_RETURN(auto p, open_partition(name, i, config));
    t.partitions.push_back(std::move(p));
  }
  Status s = write_topic_meta(t);
  if (!s.ok()) {
    for (const auto& p : t.partitions) flusher_.remove(p.get());
    (void)fs_->remove_all(topic_dir(name));
    return s;
  }
  STRATA_RETURN_IF_ERROR(fs_->sync_dir(topics_root_));
  TopicInfo info = t.info;
  topics_[name] = std::move(t);
  logging::info("topic created", "topic", name, "partitions", partitions);
  return info;
}

Status LogManagerImpl::delete_topic(const std::string& name) {
  auto it = topics_.find(name);
  if (it == topics_.end()) return Status::not_found("topic " + name);
  for (const auto& p : it->second.partitions) {
    flusher_.remove(p.get());
    p->fence("topic deleted");
  }
  // Metadata first: a crash mid-delete leaves a directory load() removes.
  STRATA_RETURN_IF_ERROR(fs_->remove(topic_dir(name) + "/" + kTopicMetaFile));
  STRATA_RETURN_IF_ERROR(fs_->sync_dir(topic_dir(name)));
  topics_.erase(it);
  STRATA_RETURN_IF_ERROR(fs_->remove_all(topic_dir(name)));
  logging::info("topic deleted", "topic", name);
  return fs_->sync_dir(topics_root_);
}

Status LogManagerImpl::create_partitions(const std::string& name, int32_t new_count) {
  auto it = topics_.find(name);
  if (it == topics_.end()) return Status::not_found("topic " + name);
  Topic& t = it->second;
  if (new_count <= t.info.partition_count) {
    return Status::invalid_argument("topic " + name + " already has " + std::to_string(t.info.partition_count) +
                                    " partitions");
  }
  if (static_cast<int64_t>(partition_total()) + (new_count - t.info.partition_count) > options_.max_partitions) {
    return Status::resource_exhausted("partition limit reached");
  }
  for (int32_t i = t.info.partition_count; i < new_count; i++) {
    STRATA_ASSIGN_OR_RETURN(auto p, open_partition(name, i, t.info.config));
    t.partitions.push_back(std::move(p));
  }
  int32_t old = t.info.partition_count;
  t.info.partition_count = new_count;
  Status s = write_topic_meta(t);
  if (!s.ok()) {
    t.info.partition_count = old;
    while (static_cast<int32_t>(t.partitions.size()) > old) {
      flusher_.remove(t.partitions.back().get());
      t.partitions.pop_back();
    }
  }
  return s;
}

Status LogManagerImpl::alter_topic_config(const std::string& name, const std::map<std::string, std::string>& overrides) {
  auto it = topics_.find(name);
  if (it == topics_.end()) return Status::not_found("topic " + name);
  Topic& t = it->second;
  for (const auto& [k, v] : overrides) {
    if (k.find_first_of("=\n") != std::string::npos || v.find('\n') != std::string::npos) {
      return Status::invalid_argument("invalid config entry " + k);
    }
  }
  std::map<std::string, std::string> merged = t.overrides;
  for (const auto& [k, v] : overrides) merged[k] = v;
  STRATA_ASSIGN_OR_RETURN(TopicConfig config, options_.topic_defaults.with_overrides(merged));
  Topic updated = t;
  updated.overrides = merged;
  updated.info.config = config;
  STRATA_RETURN_IF_ERROR(write_topic_meta(updated));
  t.overrides = std::move(merged);
  t.info.config = config;
  for (const auto& p : t.partitions) p->set_config(config);
  return Status::ok_status();
}

std::vector<TopicInfo> LogManagerImpl::topics() const {
  std::vector<TopicInfo> out;
  out.reserve(topics_.size());
  for (const auto& [name, t] : topics_) out.push_back(t.info);
  return out;
}

std::optional<TopicInfo> LogManagerImpl::find_topic(const std::string& name) const {
  auto it = topics_.find(name);
  if (it == topics_.end()) return std::nullopt;
  return it->second.info;
}

Partition* LogManagerImpl::partition(const std::string& topic, int32_t index) {
  auto it = topics_.find(topic);
  if (it == topics_.end() || index < 0 || index >= static_cast<int32_t>(it->second.partitions.size())) return nullptr;
  return it->second.partitions[static_cast<size_t>(index)].get();
}

void LogManagerImpl::request_sync(Partition* p, int64_t offset, std::function<void(Status)> done) {
  auto* local = dynamic_cast<LocalPartition*>(p);
  if (local == nullptr) {
    done(Status::invalid_argument("request_sync: not a partition of this log"));
    return;
  }
  flusher_.request(local->shared_from_this(), offset, std::move(done));
}

Status LogManagerImpl::run_maintenance() {
  Status first;
  const int64_t now_ms = clock_->now_ms();
  for (auto& [name, t] : topics_) {
    for (const auto& p : t.partitions) {
      Status s = p->run_maintenance(now_ms);
      if (!s.ok()) {
        logging::error("maintenance failed", "topic", name, "partition", p->index(), "error", s.to_string());
        if (first.ok()) first = s;
      }
    }
  }
  return first;
}

Status LogManagerImpl::close() {
  if (closed_) return Status::ok_status();
  closed_ = true;
  flusher_.stop();
  Status first;
  for (auto& [name, t] : topics_) {
    for (const auto& p : t.partitions) {
      if (p->fenced() || !p->has_unsynced()) continue;
      Status s = p->sync();
      if (!s.ok() && first.ok()) first = s;
    }
  }
  return first;
}

}  // namespace strata::log
