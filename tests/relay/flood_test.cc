// Refusals counted per address and minute: the first in full, the rest as one summary; and log
// lines per kind and minute, whatever their addresses.
#include <gtest/gtest.h>

#include "relay/flood.h"

namespace telemaint::relay {
namespace {

TEST(RefusalCounterTest, AFloodIsOneFullRefusalAndOneSummaryPerAddressAndMinute) {
  Clock::time_point now{};
  RefusalCounter counter([&] { return now; });
  EXPECT_TRUE(counter.First("192.0.2.1", "unknown_code"));
  for (int i = 0; i < 299; ++i)
    EXPECT_FALSE(counter.First("192.0.2.1", i % 2 ? "unknown_code" : "rate_limited"));
  EXPECT_TRUE(counter.First("192.0.2.2", "unknown_code")) << "other addresses are apart";
  EXPECT_TRUE(counter.TakeFinished().empty()) << "the minute is not over";
  now += std::chrono::seconds(61);
  auto summaries = counter.TakeFinished();
  ASSERT_EQ(summaries.size(), 1u) << "192.0.2.2 had nothing suppressed";
  EXPECT_EQ(summaries[0].address, "192.0.2.1");
  EXPECT_EQ(summaries[0].suppressed, 299);
  EXPECT_EQ(summaries[0].results["rate_limited"], 150);
  EXPECT_TRUE(counter.First("192.0.2.1", "unknown_code")) << "a new minute starts in full";
  EXPECT_FALSE(counter.First("192.0.2.1", "unknown_code"));
  EXPECT_EQ(counter.TakeFinished(/*all=*/true).size(), 1u) << "at stop, everything counted";
}

TEST(LogLimiterTest, EachKindHasItsLinesPerMinuteWhateverTheAddresses) {
  Clock::time_point now{};
  LogLimiter limiter([&] { return now; }, /*burst=*/10);
  int written = 0;
  for (int i = 0; i < 1000; ++i)  // a thousand addresses, one failed handshake each
    written += limiter.Allow("TLS handshake failed", "198.51.100." + std::to_string(i % 250));
  EXPECT_EQ(written, 10);
  EXPECT_TRUE(limiter.Allow("refused login", "192.0.2.1")) << "other kinds are apart";
  EXPECT_TRUE(limiter.TakeFinished().empty()) << "the minute is not over";
  now += std::chrono::seconds(61);
  auto summaries = limiter.TakeFinished();
  ASSERT_EQ(summaries.size(), 1u) << "nothing of 'refused login' was suppressed";
  EXPECT_EQ(summaries[0].kind, "TLS handshake failed");
  EXPECT_EQ(summaries[0].suppressed, 990);
  EXPECT_EQ(summaries[0].addresses, 250u);
  EXPECT_TRUE(limiter.Allow("TLS handshake failed", "192.0.2.9")) << "a new minute";
}

}  // namespace
}  // namespace telemaint::relay
