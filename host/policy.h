#pragma once
// An enrolled machine's unattended policy (docs/end-user-guide.md#unattended-access): allow
// (nobody is asked; servers), ask (the person at the screen is asked, no answer is no), deny;
// with optional hours in the machine's local time, outside which it is deny. Set by the
// enrolment token, changed by root with `telemaint-host policy`. Pure but for the file.
#include <ctime>
#include <string>

#include "common/status.h"
#include "common/vocabulary.h"

namespace telemaint::host {

// "Mon-Fri 08:00-18:00", "Sat,Sun 10:00-12:00", "daily 22:00-06:00" (past midnight).
struct Hours {
  unsigned days = 0;  // bit 0 Monday … bit 6 Sunday
  int from_minute = 0, to_minute = 24 * 60;
};
Result<Hours> ParseHours(const std::string& text);
// Whether `local` (the machine's local time) falls within the hours.
bool WithinHours(const Hours& hours, const std::tm& local);

struct MachinePolicy {
  wire::UnattendedPolicy policy = wire::UnattendedPolicy::kAsk;
  std::string hours;  // empty: at any time
};

Result<MachinePolicy> LoadPolicy(const std::string& path);
Status SavePolicy(const std::string& path, const MachinePolicy& policy);

// What applies at `now`: the policy, or deny outside the hours (with a sentence saying why).
struct PolicyNow {
  wire::UnattendedPolicy policy;
  std::string why;  // for deny
};
PolicyNow ApplyPolicy(const MachinePolicy& policy, std::time_t now);

}  // namespace telemaint::host
