#pragma once
// Relay-visible control messages (WebSocket text frames holding one JSON object with a
// "type"). Decoding is strict: unknown types, missing or mistyped fields and oversized values
// are errors. See docs/protocol.md#control-messages.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "common/status.h"

namespace telemaint::wire {

inline constexpr int kProtocolVersion = 1;
inline constexpr size_t kMaxControlBytes = 4096;      // a text frame
inline constexpr size_t kMaxDataFrameBytes = 1 << 20;  // a binary frame (end-to-end data)
inline constexpr size_t kMaxFieldBytes = 256;          // any string field

struct Hello {  // host -> relay
  int proto = kProtocolVersion;
  std::string role = "host";
  std::string mode = "attended";
  std::string version;   // host software version, for the audit log
  std::string customer;  // optional customer name, for the audit log
};
struct Join {  // viewer -> relay
  int proto = kProtocolVersion;
  std::string nameplate;
  std::string user;
  std::string password;  // wiped by the holder after use
  std::string ticket;    // optional ticket reference
};
struct NameplateIssued {  // relay -> host
  std::string nameplate;
  int expires_in = 0;  // seconds
};
struct Paired {  // relay -> both
  std::string session;  // 32 hex characters
  // To the host only: the technician as the relay authenticated them, for the consent dialog.
  std::string technician;               // account name
  std::string technician_name;          // display name
  std::string technician_organisation;
};
struct Abort {  // either -> relay
  std::string reason;
};
struct PeerGone {  // relay -> either
  std::string reason;
  std::string message;
};
struct Error {  // relay -> either
  std::string code;
  std::string message;
};

using Control = std::variant<Hello, Join, NameplateIssued, Paired, Abort, PeerGone, Error>;

std::string Encode(const Control& message);
Result<Control> Decode(std::string_view text);

}  // namespace telemaint::wire
