#include "io/file_system.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include "io/fault_injecting_file_system.h"

namespace strata::io {
namespace {

class FileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/strata_io_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { ASSERT_TRUE(posix_file_system()->remove_all(dir_).ok()); }
  std::string dir_;
};

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST_F(FileSystemTest, AppendSyncRead) {
  FileSystem* fs = posix_file_system();
  std::string path = dir_ + "/a.log";
  auto w = fs->open_writable(path);
  ASSERT_TRUE(w.ok()) << w.status().to_string();
  ASSERT_TRUE((*w)->append(as_bytes("hello ")).ok());
  ASSERT_TRUE((*w)->append(as_bytes("world")).ok());
  ASSERT_TRUE((*w)->sync().ok());
  EXPECT_EQ((*w)->size_bytes(), 11u);
  auto r = fs->open_readable(path);
  ASSERT_TRUE(r.ok());
  std::vector<uint8_t> buf(20);
  auto n = (*r)->read(6, buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf.begin(), buf.begin() + static_cast<long>(*n)), "world");
  ASSERT_TRUE((*w)->truncate(5).ok());
  EXPECT_EQ(*(*r)->size_bytes(), 5u);
}

TEST_F(FileSystemTest, AtomicWriteAndList) {
  FileSystem* fs = posix_file_system();
  ASSERT_TRUE(fs->write_file_atomic(dir_ + "/meta", as_bytes("v1")).ok());
  ASSERT_TRUE(fs->write_file_atomic(dir_ + "/meta", as_bytes("v2")).ok());
  auto data = fs->read_file(dir_ + "/meta", 100);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(std::string(data->begin(), data->end()), "v2");
  auto names = fs->list_dir(dir_);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"meta"});
  EXPECT_EQ(fs->read_file(dir_ + "/meta", 1).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(fs->open_readable(dir_ + "/missing").status().code(), StatusCode::kNotFound);
}

TEST_F(FileSystemTest, InjectedSyncFailureAndPowerLoss) {
  FaultInjectingFileSystem fs(posix_file_system());
  std::string path = dir_ + "/b.log";
  auto w = fs.open_writable(path);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->append(as_bytes("durable")).ok());
  ASSERT_TRUE((*w)->sync().ok());
  ASSERT_TRUE((*w)->append(as_bytes("-lost")).ok());
  fs.fail_next_syncs(1);
  Status s = (*w)->sync();
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_EQ(fs.injected_sync_failures(), 1);
  ASSERT_TRUE(fs.drop_unsynced_data().ok());
  auto data = fs.read_file(path, 100);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(std::string(data->begin(), data->end()), "durable");
}

TEST_F(FileSystemTest, InjectedAppendFailures) {
  FaultInjectingFileSystem fs(posix_file_system(), 7);
  fs.set_append_failure_probability(1.0);
  auto w = fs.open_writable(dir_ + "/c.log");
  ASSERT_TRUE(w.ok());
  EXPECT_FALSE((*w)->append(as_bytes("x")).ok());
  EXPECT_EQ(fs.injected_append_failures(), 1);
}

}  // namespace
}  // namespace strata::io
