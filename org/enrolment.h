#pragma once
// Enrolment of a customer's machine (docs/protocol.md#enrolment). The admin's token file gives
// the machine what it must trust (the organisation key, the relay, its CA's digest) and a
// 32-byte secret shared only by the admin and the machines that hold the token. The machine's
// request to the relay carries a MAC under that secret, so the admin, approving, knows the
// request came from a token holder and was not made or altered by the relay. Pure; thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/bytes.h"
#include "common/status.h"
#include "common/vocabulary.h"

namespace telemaint::org {

inline constexpr size_t kTokenSecretBytes = 32;
inline constexpr size_t kMaxInventoryBytes = 16 * 1024;

struct EnrolmentToken {
  std::string org_name;
  Bytes org_key;
  std::string relay;      // wss://HOST:PORT
  std::string ca_sha256;  // SHA-256 of the CA file's bytes (hex): the --ca given must match
  std::string customer;
  wire::UnattendedPolicy policy = wire::UnattendedPolicy::kAsk;
  int64_t expires_at = 0;  // Unix seconds
  std::string token_id;    // 32 hex
  Bytes secret;            // kTokenSecretBytes; never logged, never sent to the relay
};

std::string EncodeToken(const EnrolmentToken& token);  // the token file's text
Result<EnrolmentToken> DecodeToken(std::string_view text);

// What a machine sends the relay to be enrolled. The relay keeps it pending; the admin checks
// `mac` with the token's secret before signing a machine record for it.
struct EnrolmentRequest {
  std::string machine_id;   // 32 hex, drawn by the machine
  std::string machine_key;  // 64 hex
  std::string name;         // the machine's name, as the admin will approve it
  std::string token_id;
  std::string mac;  // 64 hex: EnrolmentMac
  nlohmann::json inventory = nlohmann::json::object();  // the machine's word; not covered
};

Bytes EnrolmentMac(ByteView secret, const EnrolmentRequest& request);
// Ok when `request.mac` is the MAC under `secret`.
Status CheckEnrolmentMac(ByteView secret, const EnrolmentRequest& request);
nlohmann::json RequestToJson(const EnrolmentRequest& request);
Result<EnrolmentRequest> RequestFromJson(const nlohmann::json& j);

// Machine names: 1-64 printable characters, no control characters.
bool IsValidMachineName(std::string_view name);

}  // namespace telemaint::org
