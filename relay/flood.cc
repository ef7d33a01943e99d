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
  const auto now = now_();
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (!all && now - it->second.start < window_) {
      ++it;
      continue;
    }
    if (it->second.summary.suppressed > 0) out.push_back(std::move(it->second.summary));
    it = windows_.erase(it);
  }
  return out;
}

}  // namespace telemaint::relay
