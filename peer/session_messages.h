#pragma once
// Session messages between host and viewer, inside the end-to-end channel (see
// docs/protocol.md#session-messages). Each side treats the other's as untrusted: every field
// is checked, and anything malformed is ignored rather than half-applied.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/bytes.h"
#include "common/vocabulary.h"

namespace telemaint::peer {

// Control JSON inside the channel (inner type kInnerControl): small, rare, and checked field by
// field by whoever handles it.
inline constexpr size_t kMaxSessionMessage = 4096;

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

// viewer -> host, first in every session: the technician's key, and its signature over
// crypto::TechnicianHelloStatement(channel binding), which proves the key is held by the end
// of this very channel.
// {"type":"hello","account":...,"key":HEX32,"signature":HEX64}
struct TechnicianHello {
  std::string account;
  Bytes public_key, signature;
};
nlohmann::json EncodeHello(const TechnicianHello& hello);
std::optional<TechnicianHello> DecodeHello(const nlohmann::json& message);

// host -> viewer, first in every session: the host's key and its signature over
// crypto::HostHelloStatement(channel binding), so both session receipts name the same host.
// {"type":"host_hello","key":HEX32,"signature":HEX64}
struct HostHello {
  Bytes public_key, signature;
};
nlohmann::json EncodeHostHello(const HostHello& hello);
std::optional<HostHello> DecodeHostHello(const nlohmann::json& message);

// host -> viewer: what the person at the customer's screen decided, and every change.
// {"type":"consent","state":"asking"|"control"|"view_only"}
using ConsentState = wire::ConsentState;
nlohmann::json EncodeConsent(ConsentState state);
std::optional<ConsentState> DecodeConsent(const nlohmann::json& message);

// either side, last in every session (sealed with the stream's final tag): how it ended.
// {"type":"close","reason":WORD}. Decoding gives the reason of any "close" (kClosed without
// one, kOther for a word this version does not know); nullopt for any other message.
nlohmann::json EncodeClose(wire::EndReason reason);
std::optional<wire::EndReason> DecodeClose(const nlohmann::json& message);
// The message's "type", or "" when it has none (the tunnel dispatches on it).
std::string MessageType(const nlohmann::json& message);

// viewer -> host: from a view-only session, ask for control (the person is asked again).
nlohmann::json EncodeRequestControl();
bool IsRequestControl(const nlohmann::json& message);

}  // namespace telemaint::peer
