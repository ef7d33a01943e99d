#pragma once
// Abuse limits keyed by client address (and account): a token bucket for join attempts, and a
// login throttle that slows repeated failures down and then refuses for a while.
// Pure logic with an injected clock; not thread-safe (the relay's io thread owns them).
#include <string>
#include <unordered_map>

#include "relay/clock.h"

namespace telemaint::relay {

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

  // How long to wait before checking this attempt, or nullopt-like max() when refused.
  Clock::duration DelayFor(const std::string& key);
  bool LockedOut(const std::string& key);
  void RecordFailure(const std::string& key);
  void RecordSuccess(const std::string& key);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point first;
  };
  Entry* Current(const std::string& key);
  Options options_;
  NowFn now_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace telemaint::relay
