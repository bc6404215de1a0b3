#include "log/log_manager_impl.h"

#include <gtest/gtest.h>

#include "log/test_util.h"

namespace strata::log {
namespace {

using namespace testing;  // NOLINT

TEST(LogManagerTest, TopicLifecycleSurvivesReopen) {
  TempDir dir;
  io::ManualClock clock;
  LogOptions opts = options_for(dir.path());
  auto log = open_log(opts, io::posix_file_system(), &clock);
  ASSERT_NE(log, nullptr);
  auto info = log->create_topic("orders", 3, {{"retention.ms", "5000"}});
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  EXPECT_EQ(info->partition_count, 3);
  EXPECT_EQ(info->config.retention_ms, 5000);
  EXPECT_EQ(log->create_topic("orders", 1, {}).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(log->create_topic("bad/name", 1, {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log->create_topic("x", 1, {{"no.such.config", "1"}}).status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(log->create_topic("__consumer_offsets", 1, {{"cleanup.policy", "compact"}}).ok());
  EXPECT_TRUE(log->find_topic("__consumer_offsets")->internal);
  ASSERT_TRUE(log->create_partitions("orders", 5).ok());
  EXPECT_FALSE(log->create_partitions("orders", 4).ok());
  ASSERT_TRUE(log->alter_topic_config("orders", {{"segment.bytes", "100000"}}).ok());
  auto b = make_batch(2);
  ASSERT_TRUE(log->partition("orders", 4)->append(b, 0).status.ok());
  EXPECT_EQ(log->partition("orders", 5), nullptr);
  EXPECT_EQ(log->partition("nope", 0), nullptr);
  ASSERT_TRUE(log->create_topic("gone", 1, {}).ok());
  ASSERT_TRUE(log->delete_topic("gone").ok());
  EXPECT_EQ(log->delete_topic("gone").code(), StatusCode::kNotFound);
  ASSERT_TRUE(log->close().ok());
  log.reset();

  log = open_log(opts, io::posix_file_system(), &clock);
  ASSERT_NE(log, nullptr);
  auto topics = log->topics();
  ASSERT_EQ(topics.size(), 2u);
  auto orders = log->find_topic("orders");
  ASSERT_TRUE(orders.has_value());
  EXPECT_EQ(orders->partition_count, 5);
  EXPECT_EQ(orders->config.retention_ms, 5000);
  EXPECT_EQ(orders->config.segment_bytes, 100000);
  EXPECT_EQ(log->find_topic("__consumer_offsets")->config.cleanup_policy, CleanupPolicy::kCompact);
  EXPECT_FALSE(log->find_topic("gone").has_value());
  EXPECT_EQ(log->partition("orders", 4)->log_end_offset(), 2);
}

TEST(LogManagerTest, TopicNames) {
  EXPECT_TRUE(LogManagerImpl::valid_topic_name("a.b_c-D9"));
  EXPECT_FALSE(LogManagerImpl::valid_topic_name(""));
  EXPECT_FALSE(LogManagerImpl::valid_topic_name("."));
  EXPECT_FALSE(LogManagerImpl::valid_topic_name(".."));
  EXPECT_FALSE(LogManagerImpl::valid_topic_name(std::string(250, 'a')));
  EXPECT_TRUE(LogManagerImpl::valid_topic_name(std::string(249, 'a')));
  EXPECT_FALSE(LogManagerImpl::valid_topic_name("a b"));
}

TEST(LogManagerTest, PartitionLimit) {
  TempDir dir;
  io::ManualClock clock;
  LogOptions opts = options_for(dir.path());
  opts.max_partitions = 4;
  auto log = open_log(opts, io::posix_file_system(), &clock);
  ASSERT_TRUE(log->create_topic("a", 3, {}).ok());
  EXPECT_EQ(log->create_topic("b", 2, {}).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(log->create_partitions("a", 5).code(), StatusCode::kResourceExhausted);
}

TEST(LogManagerTest, UnfinishedTopicDirectoryIsRemovedAtOpen) {
  TempDir dir;
  io::ManualClock clock;
  LogOptions opts = options_for(dir.path());
  ASSERT_TRUE(io::posix_file_system()->create_dirs(dir.path() + "/topics/half/0").ok());
  auto log = open_log(opts, io::posix_file_system(), &clock);
  ASSERT_NE(log, nullptr);
  EXPECT_TRUE(log->topics().empty());
  EXPECT_FALSE(io::posix_file_system()->exists(dir.path() + "/topics/half"));
}

}  // namespace
}  // namespace strata::log
