#include "log/topic_config.h"

#include <gtest/gtest.h>

namespace strata::log {
namespace {

TEST(TopicConfigTest, OverridesRoundTripThroughMap) {
  TopicConfig base;
  auto c = base.with_overrides({{"segment.bytes", "1024"}, {"cleanup.policy", "compact,delete"},
                                {"message.timestamp.type", "LogAppendTime"}, {"retention.ms", "-1"}});
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->segment_bytes, 1024);
  EXPECT_EQ(c->cleanup_policy, CleanupPolicy::kCompactDelete);
  EXPECT_TRUE(c->message_timestamp_log_append);
  auto again = TopicConfig().with_overrides(c->to_map());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->to_map(), c->to_map());
}

TEST(TopicConfigTest, RejectsUnknownAndBadValues) {
  EXPECT_EQ(TopicConfig().with_overrides({{"no.such", "1"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TopicConfig().with_overrides({{"segment.bytes", "abc"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TopicConfig().with_overrides({{"cleanup.policy", "nope"}}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::log
