#include "host/policy.h"

#include "common/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace telemaint::host {
namespace {

constexpr std::array<const char*, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int DayIndex(std::string word) {
  for (auto& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t i = 0; i < kDays.size(); ++i)
    if (word == kDays[i]) return static_cast<int>(i);
  return -1;
}

// "Mon-Fri", "Sat,Sun", "Mon", "daily": a bit per day, 0 when malformed.
unsigned ParseDays(const std::string& text) {
  if (text == "daily" || text == "*") return 0x7f;
  unsigned days = 0;
  std::stringstream parts(text);
  for (std::string part; std::getline(parts, part, ',');) {
    const size_t dash = part.find('-');
    const int from = DayIndex(part.substr(0, dash));
    const int to = dash == std::string::npos ? from : DayIndex(part.substr(dash + 1));
    if (from < 0 || to < 0) return 0;
    for (int d = from;; d = (d + 1) % 7) {  // "Sat-Mon" wraps
      days |= 1u << d;
      if (d == to) break;
    }
  }
  return days;
}

int ParseClock(const std::string& text) {
  int h = -1, m = -1;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%d:%d%c", &h, &m, &extra) != 2) return -1;
  if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) return -1;
  return h * 60 + m;
}

}  // namespace

Result<Hours> ParseHours(const std::string& text) {
  const size_t space = text.find(' ');
  const Status bad = Status::InvalidInput(
      "hours look like \"Mon-Fri 08:00-18:00\" (days: Mon…Sun, ranges and commas, or daily); "
      "not \"" + text + "\"");
  if (space == std::string::npos) return bad;
  const std::string times = text.substr(space + 1);
  const size_t dash = times.find('-');
  Hours h;
  h.days = ParseDays(text.substr(0, space));
  h.from_minute = dash == std::string::npos ? -1 : ParseClock(times.substr(0, dash));
  h.to_minute = dash == std::string::npos ? -1 : ParseClock(times.substr(dash + 1));
  if (h.days == 0 || h.from_minute < 0 || h.to_minute < 0 || h.from_minute == h.to_minute)
    return bad;
  return h;
}

bool WithinHours(const Hours& hours, const std::tm& local) {
  const int day = (local.tm_wday + 6) % 7;  // tm: Sunday 0; ours: Monday 0
  const int minute = local.tm_hour * 60 + local.tm_min;
  if (hours.from_minute < hours.to_minute)
    return (hours.days >> day & 1) && minute >= hours.from_minute && minute < hours.to_minute;
  // Past midnight: the evening belongs to its day, the small hours to the day before.
  if (minute >= hours.from_minute) return hours.days >> day & 1;
  const int yesterday = (day + 6) % 7;
  return (hours.days >> yesterday & 1) && minute < hours.to_minute;
}

Result<MachinePolicy> LoadPolicy(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("no policy file " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str(), nullptr, false);
  MachinePolicy p;
  const bool shaped = j.is_object() && j.contains("policy") && j["policy"].is_string() &&
                      (!j.contains("hours") || j["hours"].is_string());
  if (!shaped) return Status::InvalidInput("the policy file " + path + " is damaged");
  auto word = j["policy"].get<std::string>();
  auto policy = wire::FromWire<wire::UnattendedPolicy>(word);
  if (!policy) return Status::InvalidInput("the policy file " + path + " is damaged");
  p.policy = *policy;
  p.hours = j.value("hours", std::string());
  if (!p.hours.empty() && !ParseHours(p.hours).ok())
    return Status::InvalidInput("the policy file " + path + " has invalid hours");
  return p;
}

Status SavePolicy(const std::string& path, const MachinePolicy& p) {
  nlohmann::json j = {{"policy", wire::ToWire(p.policy)}, {"hours", p.hours}};
  return WriteFileAtomically(path, j.dump(2) + "\n", 0644);
}

PolicyNow ApplyPolicy(const MachinePolicy& p, std::time_t now) {
  if (p.policy == wire::UnattendedPolicy::kDeny)
    return {p.policy, "this machine's policy refuses unattended sessions"};
  if (p.hours.empty()) return {p.policy, ""};
  auto hours = ParseHours(p.hours);
  std::tm local{};
  localtime_r(&now, &local);
  if (hours.ok() && WithinHours(*hours, local)) return {p.policy, ""};
  return {wire::UnattendedPolicy::kDeny,
          "outside this machine's hours for unattended sessions (" + p.hours + ")"};
}

}  // namespace telemaint::host
