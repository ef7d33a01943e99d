#pragma once
// PairingRegistry: the relay's nameplates. A waiting host holds a 5-digit nameplate drawn at
// random among free ones; it is unique while waiting and released on pairing, expiry or
// disconnect. Recently paired, expired or released nameplates are remembered for a while
// (tombstones, 20 minutes) so a late viewer gets an exact error and the number is not handed
// out again at once.
// Pure logic with injected clock and randomness; not thread-safe (the relay's io thread owns it).
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "relay/clock.h"

namespace telemaint::relay {

class PairingRegistry {
 public:
  using HostId = uint64_t;
  using RandomFn = std::function<uint32_t(uint32_t)>;  // uniform in [0, n)

  struct Options {
    size_t max_waiting = 10000;
    Clock::duration ttl = std::chrono::minutes(10);
    Clock::duration tombstone_ttl = std::chrono::minutes(20);
    size_t max_tombstones = 20000;
  };

  PairingRegistry(Options options, NowFn now, RandomFn random);

  // A fresh nameplate for a waiting host; Limit when too many hosts wait.
  Result<std::string> Allocate(HostId host);

  enum class Lookup { kWaiting, kUnknown, kExpired, kInUse };
  struct Found {
    Lookup state = Lookup::kUnknown;
    HostId host = 0;
  };
  Found Find(const std::string& nameplate) const;

  // The viewer was paired with the waiting host: the nameplate stops being joinable.
  void MarkPaired(const std::string& nameplate);
  // The waiting host went away (an expired nameplate is remembered as expired).
  void Release(const std::string& nameplate);
  // Removes nameplates whose time is up; returns their hosts (to be told and disconnected).
  std::vector<HostId> ExpireDue();

  size_t waiting() const { return waiting_.size(); }
  Clock::duration ttl() const { return options_.ttl; }

 private:
  struct Waiting {
    HostId host;
    Clock::time_point expires;
  };
  struct Tombstone {
    Lookup state;
    Clock::time_point until;
  };
  void Bury(const std::string& nameplate, Lookup state);
  void SweepTombstones();
  bool Taken(const std::string& nameplate) const;

  Options options_;
  NowFn now_;
  RandomFn random_;
  std::unordered_map<std::string, Waiting> waiting_;
  std::unordered_map<std::string, Tombstone> tombstones_;
  std::deque<std::string> tombstone_order_;
};

}  // namespace telemaint::relay
