#include "relay/throttle.h"

#include <gtest/gtest.h>

namespace telemaint::relay {
namespace {

TEST(RateLimiterTest, AllowsBurstThenRefillsOverTime) {
  Clock::time_point now{};
  RateLimiter limiter(/*per_minute=*/6, /*burst=*/3, [&] { return now; });
  EXPECT_TRUE(limiter.Allow("1.2.3.4"));
  EXPECT_TRUE(limiter.Allow("1.2.3.4"));
  EXPECT_TRUE(limiter.Allow("1.2.3.4"));
  EXPECT_FALSE(limiter.Allow("1.2.3.4"));
  EXPECT_TRUE(limiter.Allow("5.6.7.8")) << "other addresses are not affected";
  now += std::chrono::seconds(10);  // 6 per minute: one token per 10 s
  EXPECT_TRUE(limiter.Allow("1.2.3.4"));
  EXPECT_FALSE(limiter.Allow("1.2.3.4"));
}

TEST(LoginThrottleTest, RepeatedFailuresAreSlowedThenLockedOut) {
  Clock::time_point now{};
  LoginThrottle::Options o;
  LoginThrottle t(o, [&] { return now; });
  for (int i = 0; i < o.free_failures; ++i) {
    EXPECT_EQ(t.RetryAfter("a"), Clock::duration::zero());
    t.RecordFailure("a");
  }
  auto d1 = t.RetryAfter("a");
  EXPECT_GT(d1, Clock::duration::zero());
  t.RecordFailure("a");
  EXPECT_GT(t.RetryAfter("a"), d1) << "each failure waits longer";
  for (int i = 0; i < 40; ++i) t.RecordFailure("a");
  EXPECT_LE(t.RetryAfter("a"), o.max_delay);
  EXPECT_TRUE(t.LockedOut("a"));
  EXPECT_FALSE(t.LockedOut("b"));
  now += o.window + std::chrono::seconds(1);
  EXPECT_FALSE(t.LockedOut("a")) << "the window passes";
}

TEST(LoginThrottleTest, TheWaitRunsFromTheLastFailureAndForgivingTakesOneBack) {
  Clock::time_point now{};
  LoginThrottle::Options o;
  LoginThrottle t(o, [&] { return now; });
  for (int i = 0; i <= o.free_failures; ++i) t.RecordFailure("a");
  const auto wait = t.RetryAfter("a");
  ASSERT_GT(wait, Clock::duration::zero());
  now += wait / 2;
  EXPECT_EQ(t.RetryAfter("a"), wait - wait / 2) << "the wait runs down by itself";
  now += wait;
  EXPECT_EQ(t.RetryAfter("a"), Clock::duration::zero());
  t.RecordFailure("a");  // an attempt starts: counted at once
  EXPECT_GT(t.RetryAfter("a"), Clock::duration::zero());
  t.Forgive("a");  // its check could not be made
  EXPECT_EQ(t.RetryAfter("a"), Clock::duration::zero());
}

TEST(AddressGroupTest, IPv6IsLimitedPerSlash64) {
  EXPECT_EQ(AddressGroup("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(AddressGroup("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(AddressGroup("2001:db8:1:2:bbbb:cccc:dddd:eeee"), "2001:db8:1:2::/64");
  EXPECT_NE(AddressGroup("2001:db8:1:3::1"), AddressGroup("2001:db8:1:2::1"));
  EXPECT_EQ(AddressGroup("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(AddressGroup("not an address"), "not an address");
}

TEST(LoginThrottleTest, SuccessClearsFailures) {
  Clock::time_point now{};
  LoginThrottle t({}, [&] { return now; });
  for (int i = 0; i < 10; ++i) t.RecordFailure("a");
  t.RecordSuccess("a");
  EXPECT_EQ(t.RetryAfter("a"), Clock::duration::zero());
}

}  // namespace
}  // namespace telemaint::relay
