#include "relay/throttle.h"

#include <algorithm>

namespace telemaint::relay {

RateLimiter::RateLimiter(double per_minute, double burst, NowFn now)
    : per_second_(per_minute / 60.0), burst_(burst), now_(std::move(now)), last_sweep_(now_()) {}

bool RateLimiter::Allow(const std::string& key) {
  Sweep();
  auto now = now_();
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.last).count();
  b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
  b.last = now;
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

void RateLimiter::Sweep() {
  auto now = now_();
  if (now - last_sweep_ < std::chrono::minutes(1)) return;
  last_sweep_ = now;
  // A bucket idle long enough to be full again carries no information.
  const double refill_seconds = per_second_ > 0 ? burst_ / per_second_ : 3600;
  std::erase_if(buckets_, [&](const auto& kv) {
    return std::chrono::duration<double>(now - kv.second.last).count() > refill_seconds;
  });
}

LoginThrottle::LoginThrottle(Options options, NowFn now)
    : options_(options), now_(std::move(now)) {}

LoginThrottle::Entry* LoginThrottle::Current(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (now_() - it->second.first > options_.window) {
    entries_.erase(it);
    return nullptr;
  }
  return &it->second;
}

Clock::duration LoginThrottle::DelayFor(const std::string& key) {
  Entry* e = Current(key);
  if (!e || e->failures < options_.free_failures) return Clock::duration::zero();
  int extra = std::min(e->failures - options_.free_failures, 16);
  auto delay = options_.base_delay * (1 << extra);
  return std::min<Clock::duration>(delay, options_.max_delay);
}

bool LoginThrottle::LockedOut(const std::string& key) {
  Entry* e = Current(key);
  return e && e->failures >= options_.lockout_failures;
}

void LoginThrottle::RecordFailure(const std::string& key) {
  if (entries_.size() > 100000) entries_.clear();  // bounded memory under a flood
  Entry* e = Current(key);
  if (!e) {
    entries_[key] = Entry{1, now_()};
    return;
  }
  e->failures++;
}

void LoginThrottle::RecordSuccess(const std::string& key) { entries_.erase(key); }

}  // namespace telemaint::relay
