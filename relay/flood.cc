#include "relay/flood.h"

namespace telemaint::relay {

RefusalCounter::RefusalCounter(NowFn now, Clock::duration window)
    : now_(std::move(now)), window_(window) {}

bool RefusalCounter::First(const std::string& address, std::string_view result) {
  const auto now = now_();
  auto it = windows_.find(address);
  if (it != windows_.end() && now - it->second.start < window_) {
    ++it->second.summary.suppressed;
    ++it->second.summary.results[std::string(result)];
    return false;
  }
  // A window over but not yet taken: its summary waits for TakeFinished; a fresh one starts.
  if (it != windows_.end() && it->second.summary.suppressed > 0)
    finished_.push_back(std::move(it->second.summary));
  if (windows_.size() > 100000) windows_.clear();  // bounded under a flood of addresses
  windows_[address] = Window{now, Summary{address, 0, {}}};
  return true;
}

std::vector<RefusalCounter::Summary> RefusalCounter::TakeFinished(bool all) {
  std::vector<Summary> out = std::move(finished_);
  finished_.clear();
  TakeWindowsOver(windows_, now_(), window_, all, [&out](auto& entry) {
    if (entry.second.summary.suppressed > 0) out.push_back(std::move(entry.second.summary));
  });
  return out;
}

LogLimiter::LogLimiter(NowFn now, int burst, Clock::duration window)
    : now_(std::move(now)), burst_(burst), window_(window) {}

bool LogLimiter::Allow(std::string_view kind, const std::string& address_group) {
  const auto now = now_();
  auto it = windows_.find(kind);
  if (it != windows_.end() && now - it->second.start >= window_) {
    if (it->second.suppressed > 0)
      finished_.push_back({it->first, it->second.suppressed, it->second.addresses.size()});
    windows_.erase(it);
    it = windows_.end();
  }
  if (it == windows_.end()) {
    Window fresh;
    fresh.start = now;
    it = windows_.emplace(std::string(kind), std::move(fresh)).first;
  }
  Window& w = it->second;
  if (w.written < burst_) {
    ++w.written;
    return true;
  }
  ++w.suppressed;
  if (w.addresses.size() < 100000) w.addresses.insert(address_group);
  return false;
}

std::vector<LogLimiter::Summary> LogLimiter::TakeFinished(bool all) {
  std::vector<Summary> out = std::move(finished_);
  finished_.clear();
  TakeWindowsOver(windows_, now_(), window_, all, [&out](auto& entry) {
    if (entry.second.suppressed > 0)
      out.push_back({entry.first, entry.second.suppressed, entry.second.addresses.size()});
  });
  return out;
}

}  // namespace telemaint::relay
