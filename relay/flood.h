#pragma once
// Refusals counted per client address and minute, so that a flood of bad joins costs one audit
// record and one log line per address and minute, not one per attempt: the first refusal of an
// address in its minute is recorded in full, the others only counted, and a summary of them is
// taken once the minute is over. Pure logic with an injected clock; the relay's io thread owns it.
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "relay/clock.h"

namespace telemaint::relay {

// Takes the windows of `windows` that are over at `now` (or all), handing each to `take`.
template <typename Windows, typename Take>
void TakeWindowsOver(Windows& windows, Clock::time_point now, Clock::duration window, bool all,
                     Take take) {
  for (auto it = windows.begin(); it != windows.end();) {
    if (!all && now - it->second.start < window) {
      ++it;
      continue;
    }
    take(*it);
    it = windows.erase(it);
  }
}

class RefusalCounter {
 public:
  struct Summary {
    std::string address;
    int suppressed = 0;                 // refusals after the first of the window
    std::map<std::string, int> results;  // of those, by result word
  };
  explicit RefusalCounter(NowFn now, Clock::duration window = std::chrono::minutes(1));

  // true: the first refusal of this address in its window, to be logged and recorded in full.
  bool First(const std::string& address, std::string_view result);
  // The summaries of windows that are over (or of all, when `all`), which are then forgotten;
  // a window with nothing suppressed gives none.
  std::vector<Summary> TakeFinished(bool all = false);

 private:
  struct Window {
    Clock::time_point start;
    Summary summary;
  };
  NowFn now_;
  Clock::duration window_;
  std::unordered_map<std::string, Window> windows_;
  std::vector<Summary> finished_;
};

// Log lines of one kind that floods produce (a failed TLS handshake, a refused login, a dropped
// connection...) are written at most `burst` times per window, whatever their addresses; the
// others are only counted, and TakeFinished gives one "suppressed N" summary per kind. So many
// addresses cannot flood the log where RefusalCounter, per address, would let them.
class LogLimiter {
 public:
  struct Summary {
    std::string kind;
    int suppressed = 0;
    size_t addresses = 0;  // distinct address groups among the suppressed (counted up to 100000)
  };
  explicit LogLimiter(NowFn now, int burst = 10, Clock::duration window = std::chrono::minutes(1));

  // true: write this line (the kind has not had its `burst` lines in the current window).
  bool Allow(std::string_view kind, const std::string& address_group);
  std::vector<Summary> TakeFinished(bool all = false);

 private:
  struct Window {
    Clock::time_point start;
    int written = 0;
    int suppressed = 0;
    std::set<std::string> addresses;
  };
  NowFn now_;
  int burst_;
  Clock::duration window_;
  std::map<std::string, Window, std::less<>> windows_;
  std::vector<Summary> finished_;
};

}  // namespace telemaint::relay
