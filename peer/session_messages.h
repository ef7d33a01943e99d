#pragma once
// Session messages between host and viewer, inside the end-to-end channel (see
// docs/protocol.md#session-messages). Each side treats the other's as untrusted: every field
// is checked, and anything malformed is ignored rather than half-applied.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace telemaint::peer {

inline constexpr size_t kMaxMonitors = 16;
inline constexpr size_t kMaxMonitorName = 64;
inline constexpr int kMaxCoordinate = 65535;

struct MonitorInfo {
  std::string name;
  int x = 0, y = 0, width = 0, height = 0;
};

// host -> viewer: {"type":"monitors","monitors":[{"name","x","y","width","height"},...]}
nlohmann::json EncodeMonitors(const std::vector<MonitorInfo>& monitors);
std::optional<std::vector<MonitorInfo>> DecodeMonitors(const nlohmann::json& message);

// viewer -> host: {"type":"show_monitor","index":N}, -1 for the whole screen.
nlohmann::json EncodeShowMonitor(int index);
std::optional<int> DecodeShowMonitor(const nlohmann::json& message);

}  // namespace telemaint::peer
