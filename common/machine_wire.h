#pragma once
// The control messages of an enrolled machine's connection (/v1/machine), apart from the
// attended ones of common/wire.h (which a machine's connection also carries once paired:
// paired, abort, consent, receipt, peer_gone, error). Strict decoding as there; these may be
// larger (an inventory, a revocation list). See docs/protocol.md#machine-connections.
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "common/wire.h"

namespace telemaint::wire {

inline constexpr size_t kMaxMachineMessageBytes = 320 * 1024;  // a revocation list fits

struct Enrol {  // machine -> relay, first message: an enrolment request (org/enrolment.h)
  int proto = kProtocolVersion;
  nlohmann::json request;
};
struct Enrolled {  // relay -> machine: the request is stored
  bool approved = false;  // already approved (a repeated enrolment): `service` may start
};
struct Present {  // machine -> relay, first message: an approved machine comes online
  int proto = kProtocolVersion;
  std::string machine_id;
  std::string version;
};
struct Challenge {  // relay -> machine: sign this (crypto::MachinePresenceStatement)
  std::string nonce;  // 64 hex
};
struct Prove {  // machine -> relay
  std::string signature;  // 128 hex
};
struct Welcome {  // relay -> machine: the proof checked out; the machine is online
  std::string record;       // its org-signed machine record
  std::string revocations;  // the latest signed revocation list ("" when none)
};
struct Revocations {  // relay -> machine, when an admin publishes a new list
  std::string list;
};
struct Inventory {  // machine -> relay, after Welcome and every few hours
  nlohmann::json inventory;
};

using MachineMessage =
    std::variant<Enrol, Enrolled, Present, Challenge, Prove, Welcome, Revocations, Inventory>;

std::string EncodeMachine(const MachineMessage& message);
// Messages of this file only; a text that is not one (an `error`, `paired`...) is an error:
// decode it with wire::Decode.
Result<MachineMessage> DecodeMachine(std::string_view text);

}  // namespace telemaint::wire
