#pragma once
// Relay-visible control messages (WebSocket text frames holding one JSON object with a
// "type"). Decoding is strict: unknown types, missing or mistyped fields and oversized values
// are errors. The words inside them (codes, reasons, permissions) are common/vocabulary.h's.
// See docs/protocol.md#control-messages.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/status.h"
#include "common/vocabulary.h"

namespace telemaint::wire {

inline constexpr int kProtocolVersion = 1;
inline constexpr size_t kMaxControlBytes = 4096;  // a text frame
// A binary frame (end-to-end data), at the relay and at both peers: 64 KiB of RFB and the
// channel's overhead fit many times over; a frame past it closes the connection.
inline constexpr size_t kMaxDataFrameBytes = (1u << 20) + 64;
inline constexpr size_t kMaxFieldBytes = 256;  // any string field

struct Hello {  // host -> relay
  int proto = kProtocolVersion;
  Party role = Party::kHost;  // decoding refuses an unknown role or mode
  HostMode mode = HostMode::kAttended;
  std::string version;   // host software version, for the audit log
  std::string customer;  // optional customer name, for the audit log
  std::string machine;   // the host computer's name, for the audit log
};
struct Join {  // viewer -> relay
  int proto = kProtocolVersion;
  std::string nameplate;  // attended: the code's nameplate; empty with `machine`
  std::string user;
  std::string password;  // wiped by the holder after use
  std::string ticket;    // optional ticket reference
  std::string machine;   // unattended: an enrolled machine's id (or unique name)
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
  EndReason reason = EndReason::kOther;  // a word this version does not know: kOther
};
// host -> relay, during a session: what the person at the screen allowed, for the audit log.
// Metadata only (the relay learns nothing of the screen). A word this version does not know
// decodes as nullopt (the relay does not record it).
struct Consent {
  std::optional<ConsentEvent> event;
  std::optional<Permission> permission;
};
// host -> relay, during a session: a file, clipboard text or chat message crossed it, for the
// audit log. Facts only — never the content: its size, and for a file its name (made safe, at
// most kMaxFieldBytes) and SHA-256. Words this version does not know decode as nullopt.
struct Transfer {
  std::optional<TransferKind> what;
  std::optional<TransferEvent> event;
  Party from = Party::kHost;  // who sent the file or text
  std::string name;           // a file's name as it was offered (made safe)
  uint64_t size = 0;          // bytes
  std::string sha256;         // hex, once known (completed files)
  std::string detail;         // why it was refused, cancelled or failed (a sentence)
};
// host or viewer -> relay, when a session ends: its signed session receipt, stored by the
// relay in the audit chain (see receipt/receipt.h). The relay cannot read the channel; it only
// keeps this.
struct Receipt {
  std::string receipt;    // JSON text, at most kMaxReceiptBytes
  std::string signature;  // hex
};
inline constexpr size_t kMaxReceiptBytes = 2048;
struct PeerGone {  // relay -> either
  EndReason reason = EndReason::kOther;
  std::string message;
};
struct Error {  // relay -> either
  ErrorCode code = ErrorCode::kOther;
  std::string message;
};

using Control = std::variant<Hello, Join, NameplateIssued, Paired, Abort, Consent, Transfer,
                             Receipt, PeerGone, Error>;

std::string Encode(const Control& message);
Result<Control> Decode(std::string_view text);

}  // namespace telemaint::wire
