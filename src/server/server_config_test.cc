#include "server/server_config.h"

#include <gtest/gtest.h>

namespace strata::server {
namespace {

TEST(ServerConfig, TomlOverridesDefaults) {
  ServerConfig c;
  Status s = c.load_toml_string(R"(
data_dir = "/var/lib/strata"
log_level = "debug"
[kafka]
listen = "0.0.0.0:19092"
num_partitions = 3
max_request_bytes = 2097152
[pg]
max_connections = 7
worker_threads = 3
[sql]
query_memory_bytes = 67108864
parallel_workers = 2
[streams]
checkpoint_interval_ms = 300
runtime_threads = 4
[log]
flush_interval_ms = 250
[log.topic_defaults]
"retention.ms" = 60000
"cleanup.policy" = "compact"
)",
                                "test.toml");
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_EQ(c.data_dir, "/var/lib/strata");
  EXPECT_EQ(c.log_level, logging::Level::kDebug);
  EXPECT_EQ(c.kafka_listen, "0.0.0.0:19092");
  EXPECT_EQ(c.kafka.default_partitions, 3);
  EXPECT_EQ(c.kafka.max_request_bytes, 2097152);
  EXPECT_EQ(c.log.flush_interval_ms, 250);
  EXPECT_EQ(c.pg.max_connections, 7);
  EXPECT_EQ(c.pg.worker_threads, 3);
  EXPECT_EQ(c.sql.query_memory_bytes, 67108864);
  EXPECT_EQ(c.sql.parallel_workers, 2);
  EXPECT_EQ(c.sql.parallel_rows_min, 131072);
  EXPECT_EQ(c.streams.checkpoint_interval_ms, 300);
  EXPECT_EQ(c.streams.runtime_threads, 4);
  EXPECT_EQ(c.log.topic_defaults.retention_ms, 60000);
  EXPECT_EQ(c.log.topic_defaults.cleanup_policy, log::CleanupPolicy::kCompact);
  EXPECT_TRUE(c.validate().ok());
}

TEST(ServerConfig, UnknownKeyIsAnError) {
  ServerConfig c;
  Status s = c.load_toml_string("[kafka]\nlisten_port = 9092\n", "test.toml");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("kafka.listen_port"), std::string::npos) << s.message();
}

TEST(ServerConfig, BadValuesAreErrors) {
  ServerConfig c;
  EXPECT_FALSE(c.load_toml_string("[kafka]\nnum_partitions = 0\n", "t").ok());
  EXPECT_FALSE(c.load_toml_string("[kafka]\nnum_partitions = \"three\"\n", "t").ok());
  EXPECT_FALSE(c.load_toml_string("log_level = \"loud\"\n", "t").ok());
  EXPECT_FALSE(c.load_toml_string("[streams]\nruntime_threads = -1\n", "t").ok());
  EXPECT_FALSE(c.load_toml_string("[log.topic_defaults]\n\"cleanup.policy\" = \"sometimes\"\n", "t").ok());
  EXPECT_FALSE(c.load_toml_string("data_dir = \n", "t").ok());                       // syntax error
  EXPECT_FALSE(c.load_toml_string("[sql]\nquery_memory_bytes = 1000\n", "t").ok());  // under 1 MiB
  EXPECT_FALSE(c.load_toml_string("[pg]\nmax_connections = 0\n", "t").ok());
  ServerConfig bad_addr;
  bad_addr.kafka_listen = "no-port";
  EXPECT_FALSE(bad_addr.validate().ok());
}

}  // namespace
}  // namespace strata::server
