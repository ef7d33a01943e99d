#include "relay/throttle.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace telemaint::relay {

std::string AddressGroup(const std::string& address) {
  in6_addr v6{};
  if (address.find(':') == std::string::npos || inet_pton(AF_INET6, address.c_str(), &v6) != 1)
    return address;
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    char v4[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, &v6.s6_addr[12], v4, sizeof v4) ? std::string(v4) : address;
  }
  std::memset(&v6.s6_addr[8], 0, 8);
  char out[INET6_ADDRSTRLEN];
  if (!inet_ntop(AF_INET6, &v6, out, sizeof out)) return address;
  return std::string(out) + "/64";
}

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

Clock::duration LoginThrottle::RetryAfter(const std::string& key) {
  Entry* e = Current(key);
  if (!e || e->failures < options_.free_failures) return Clock::duration::zero();
  int extra = std::min(e->failures - options_.free_failures, 16);
  auto delay = std::min<Clock::duration>(options_.base_delay * (1 << extra), options_.max_delay);
  return std::max(Clock::duration::zero(), e->last + delay - now_());
}

bool LoginThrottle::LockedOut(const std::string& key) {
  Entry* e = Current(key);
  return e && e->failures >= options_.lockout_failures;
}

void LoginThrottle::RecordFailure(const std::string& key) {
  if (entries_.size() > 100000) entries_.clear();  // bounded memory under a flood
  Entry* e = Current(key);
  if (!e) {
    entries_[key] = Entry{1, now_(), now_(), now_()};
    return;
  }
  e->failures++;
  e->before_last = e->last;
  e->last = now_();
}

void LoginThrottle::Forgive(const std::string& key) {
  Entry* e = Current(key);
  if (!e) return;
  e->last = e->before_last;
  if (--e->failures <= 0) entries_.erase(key);
}

void LoginThrottle::RecordSuccess(const std::string& key) { entries_.erase(key); }

}  // namespace telemaint::relay
