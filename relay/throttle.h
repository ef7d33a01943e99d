#pragma once
// Abuse limits keyed by client address (and account): a token bucket for join attempts, and a
// login throttle that slows repeated failures down and then refuses for a while.
// Pure logic with an injected clock; not thread-safe (the relay's io thread owns them).
#include <string>
#include <unordered_map>

#include "relay/clock.h"

namespace telemaint::relay {

// The key an address's limits are kept under: an IPv4 address itself, an IPv6 address's /64
// (one customer or attacker usually holds a whole /64: counting each address would make the
// limits unlimited).
std::string AddressGroup(const std::string& address);

class RateLimiter {
 public:
  // `per_minute` events per minute on average, bursts up to `burst`.
  RateLimiter(double per_minute, double burst, NowFn now);
  bool Allow(const std::string& key);

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  void Sweep();
  double per_second_, burst_;
  NowFn now_;
  std::unordered_map<std::string, Bucket> buckets_;
  Clock::time_point last_sweep_;
};

class LoginThrottle {
 public:
  struct Options {
    int free_failures = 3;  // answered at once
    Clock::duration base_delay = std::chrono::milliseconds(500);
    Clock::duration max_delay = std::chrono::seconds(8);
    int lockout_failures = 20;  // then refused outright until the window passes
    Clock::duration window = std::chrono::minutes(15);
  };
  LoginThrottle(Options options, NowFn now);

  // How long until the next attempt may be checked: after `free_failures`, each failure
  // doubles the wait (from its time on), up to `max_delay`. Zero: now.
  Clock::duration RetryAfter(const std::string& key);
  bool LockedOut(const std::string& key);
  // An attempt counts as a failure from the moment it starts (so concurrent attempts cannot
  // race past the lockout); Forgive takes one back (the check could not be made), Success
  // clears them all.
  void RecordFailure(const std::string& key);
  void Forgive(const std::string& key);
  void RecordSuccess(const std::string& key);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point first, last;
    Clock::time_point before_last;  // Forgive's undo (one attempt per key is in flight)
  };
  Entry* Current(const std::string& key);
  Options options_;
  NowFn now_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace telemaint::relay
