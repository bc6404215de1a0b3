#include "connect/java_random.h"

#include <gtest/gtest.h>

namespace strata::connect {
namespace {

// Expected values printed by OpenJDK's java.util.Random (java R.java on this machine).
TEST(JavaRandomTest, NextIntMatchesTheJdk) {
  JavaRandom r(42);
  EXPECT_EQ(r.next_int(), -1170105035);
  EXPECT_EQ(r.next_int(), 234785527);
}

TEST(JavaRandomTest, BoundedNextIntMatchesTheJdk) {
  JavaRandom r(42);
  EXPECT_EQ(r.next_int(10), 0);
  EXPECT_EQ(r.next_int(100), 63);
  EXPECT_EQ(r.next_int(16), 10);  // power of two: the high-bits path
  EXPECT_EQ(r.next_int(1000000007), 102948884);
  JavaRandom big(int64_t{1} << 40);
  EXPECT_EQ(big.next_int(2147483647), 336615984);  // the rejection loop's bound
  EXPECT_EQ(big.next_int(1 << 30), 259413070);
  JavaRandom neg(-7);
  EXPECT_EQ(neg.next_int(3), 1);
}

TEST(JavaRandomTest, NextLongAndDoubleMatchTheJdk) {
  JavaRandom r(0);
  EXPECT_EQ(r.next_long(), -4962768465676381896LL);
  EXPECT_DOUBLE_EQ(r.next_double(), 0.24053641567148587);
  JavaRandom neg(-7);
  neg.next_int(3);
  EXPECT_EQ(neg.next_long(), -1817049056290694612LL);
  EXPECT_EQ(neg.next_double(), 0.9458454776032215);
}

TEST(JavaRandomTest, BoundedValuesStayInRange) {
  JavaRandom r(7);
  for (int32_t bound : {1, 2, 3, 13, 26, 10000, 1 << 20, 2147483647}) {
    for (int i = 0; i < 1000; ++i) {
      int32_t v = r.next_int(bound);
      ASSERT_GE(v, 0);
      ASSERT_LT(v, bound);
    }
  }
  for (int i = 0; i < 1000; ++i) {
    double d = r.next_double();
    ASSERT_GE(d, 0.0);
    ASSERT_LT(d, 1.0);
  }
}

}  // namespace
}  // namespace strata::connect
