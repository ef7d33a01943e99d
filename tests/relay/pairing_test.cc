#include "relay/pairing.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace telemaint::relay {
namespace {

class PairingTest : public ::testing::Test {
 protected:
  PairingRegistry Make(PairingRegistry::Options o = {}) {
    return PairingRegistry(
        o, [this] { return now_; },
        [this](uint32_t n) { return static_cast<uint32_t>(rng_() % n); });
  }
  void Advance(Clock::duration d) { now_ += d; }
  Clock::time_point now_{};
  std::mt19937 rng_{42};
};

TEST_F(PairingTest, NameplatesAreFiveDigitsUniqueAndNotSequential) {
  auto r = Make();
  std::set<std::string> seen;
  std::vector<int> values;
  for (uint64_t host = 1; host <= 500; ++host) {
    auto np = r.Allocate(host);
    ASSERT_TRUE(np.ok());
    ASSERT_EQ(np->size(), 5u);
    EXPECT_TRUE(seen.insert(*np).second) << "duplicate " << *np;
    values.push_back(std::stoi(*np));
  }
  int sequential = 0;
  for (size_t i = 1; i < values.size(); ++i) sequential += values[i] == values[i - 1] + 1;
  EXPECT_LT(sequential, 5);
  EXPECT_EQ(r.waiting(), 500u);
}

TEST_F(PairingTest, CollisionsAreRedrawn) {
  // A random source that repeats itself must not hand out a taken nameplate.
  std::vector<uint32_t> script = {7, 7, 7, 8};
  size_t i = 0;
  PairingRegistry r(
      {}, [this] { return now_; }, [&](uint32_t) { return script[i++ % script.size()]; });
  EXPECT_EQ(*r.Allocate(1), "00007");
  EXPECT_EQ(*r.Allocate(2), "00008");
}

TEST_F(PairingTest, FindsWaitingHostAndForgetsItOnPairing) {
  auto r = Make();
  auto np = *r.Allocate(77);
  auto found = r.Find(np);
  EXPECT_EQ(found.state, PairingRegistry::Lookup::kWaiting);
  EXPECT_EQ(found.host, 77u);
  r.MarkPaired(np);
  EXPECT_EQ(r.Find(np).state, PairingRegistry::Lookup::kInUse) << "a third party can't join";
  EXPECT_EQ(r.waiting(), 0u);
}

TEST_F(PairingTest, UnknownNameplate) {
  auto r = Make();
  EXPECT_EQ(r.Find("12345").state, PairingRegistry::Lookup::kUnknown);
}

TEST_F(PairingTest, ExpiresAfterTtlWithInjectedClock) {
  auto r = Make();
  auto np = *r.Allocate(5);
  Advance(std::chrono::minutes(9) + std::chrono::seconds(59));
  EXPECT_TRUE(r.ExpireDue().empty());
  EXPECT_EQ(r.Find(np).state, PairingRegistry::Lookup::kWaiting);
  Advance(std::chrono::seconds(1));
  EXPECT_EQ(r.Find(np).state, PairingRegistry::Lookup::kExpired) << "expired even before the sweep";
  auto due = r.ExpireDue();
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0], 5u);
  EXPECT_EQ(r.Find(np).state, PairingRegistry::Lookup::kExpired);
  EXPECT_EQ(r.waiting(), 0u);
  Advance(std::chrono::hours(1));
  r.ExpireDue();
  EXPECT_EQ(r.Find(np).state, PairingRegistry::Lookup::kUnknown) << "tombstones fade";
}

TEST_F(PairingTest, AReleasedNameplateIsNotHandedOutAgainForAWhile) {
  auto r = Make();
  auto np = *r.Allocate(9);
  r.Release(np);  // the host left before its code ran out, or asked for a new one
  EXPECT_EQ(r.Find(np).state, PairingRegistry::Lookup::kExpired) << "a late technician is told";
  EXPECT_EQ(r.waiting(), 0u);
  Advance(std::chrono::minutes(21));
  r.ExpireDue();
  EXPECT_EQ(r.Find(np).state, PairingRegistry::Lookup::kUnknown) << "then it is free again";
}

TEST_F(PairingTest, HostLeavingAtExpiryLeavesAnExpiredCode) {
  auto r = Make();
  auto np = *r.Allocate(9);
  Advance(std::chrono::minutes(10));
  r.Release(np);
  EXPECT_EQ(r.Find(np).state, PairingRegistry::Lookup::kExpired);
}

TEST_F(PairingTest, WaitingLimitIsEnforced) {
  PairingRegistry::Options o;
  o.max_waiting = 3;
  auto r = Make(o);
  for (uint64_t h = 0; h < 3; ++h) ASSERT_TRUE(r.Allocate(h).ok());
  auto refused = r.Allocate(4);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kLimit);
}

}  // namespace
}  // namespace telemaint::relay
