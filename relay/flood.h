#pragma once
// Refusals counted per client address and minute, so that a flood of bad joins costs one audit
// record and one log line per address and minute, not one per attempt: the first refusal of an
// address in its minute is recorded in full, the others only counted, and a summary of them is
// taken once the minute is over. Pure logic with an injected clock; the relay's io thread owns it.
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "relay/clock.h"

namespace telemaint::relay {

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

}  // namespace telemaint::relay
