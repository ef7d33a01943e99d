#include "org/enrolment.h"

#include "crypto/digest.h"
#include "org/fields.h"
#include "org/statements.h"

namespace telemaint::org {
namespace {

using nlohmann::json;

constexpr std::string_view kTokenType = "telemaint enrolment token v1";
constexpr std::string_view kMacLabel = "telemaint/v1 enrolment request";

// Length-prefixed, so no two requests MAC the same bytes.
Bytes Piece(std::string_view text) {
  Bytes out;
  out.reserve(2 + text.size());
  out.push_back(static_cast<uint8_t>(text.size() >> 8));
  out.push_back(static_cast<uint8_t>(text.size()));
  out.insert(out.end(), text.begin(), text.end());
  return out;
}

}  // namespace

bool IsValidMachineName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

std::string EncodeToken(const EnrolmentToken& t) {
  return json{{"type", kTokenType},          {"org", t.org_name},
              {"org_key", ToHex(t.org_key)}, {"relay", t.relay},
              {"ca_sha256", t.ca_sha256},    {"customer", t.customer},
              {"policy", wire::ToWire(t.policy)}, {"expires_at", t.expires_at},
              {"token_id", t.token_id},      {"secret", ToHex(t.secret)}}
             .dump(2) +
         "\n";
}

Result<EnrolmentToken> DecodeToken(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  EnrolmentToken t;
  std::string type, key, policy, secret;
  if (j.is_discarded() || !j.is_object() || !TextField(j, "type", type) || type != kTokenType ||
      !TextField(j, "org", t.org_name) || !TextField(j, "org_key", key) || !IsPublicKeyHex(key) ||
      !TextField(j, "relay", t.relay) || !TextField(j, "ca_sha256", t.ca_sha256) ||
      !TextField(j, "customer", t.customer) || !TextField(j, "policy", policy) ||
      !TextField(j, "token_id", t.token_id) || !IsMachineId(t.token_id) ||
      !TextField(j, "secret", secret) || !j.contains("expires_at") ||
      !j["expires_at"].is_number_integer())
    return Status::InvalidInput("this is not a telemaint enrolment token");
  auto known = wire::FromWire<wire::UnattendedPolicy>(policy);
  t.secret = FromHex(secret);
  if (!known || t.secret.size() != kTokenSecretBytes)
    return Status::InvalidInput("this is not a telemaint enrolment token");
  t.policy = *known;
  t.org_key = FromHex(key);
  t.expires_at = j["expires_at"].get<int64_t>();
  return t;
}

Bytes EnrolmentMac(ByteView secret, const EnrolmentRequest& r) {
  Bytes id = Piece(r.machine_id), key = Piece(r.machine_key), name = Piece(r.name),
        token = Piece(r.token_id);
  return crypto::KeyedBlake2b256(secret, {AsBytes(kMacLabel), id, key, name, token});
}

Status CheckEnrolmentMac(ByteView secret, const EnrolmentRequest& request) {
  if (crypto::EqualInConstantTime(FromHex(request.mac), EnrolmentMac(secret, request)))
    return Status::Ok();
  return Status::AuthFailed("the request of " + request.name +
                            " was not made with this token (it was altered or invented)");
}

json RequestToJson(const EnrolmentRequest& r) {
  return {{"machine_id", r.machine_id}, {"machine_key", r.machine_key}, {"name", r.name},
          {"token_id", r.token_id},     {"mac", r.mac},                 {"inventory", r.inventory}};
}

Result<EnrolmentRequest> RequestFromJson(const json& j) {
  EnrolmentRequest r;
  if (!j.is_object() || !TextField(j, "machine_id", r.machine_id) || !IsMachineId(r.machine_id) ||
      !TextField(j, "machine_key", r.machine_key) || !IsPublicKeyHex(r.machine_key) ||
      !TextField(j, "name", r.name) || !IsValidMachineName(r.name) ||
      !TextField(j, "token_id", r.token_id) || !IsMachineId(r.token_id) || !TextField(j, "mac", r.mac) ||
      r.mac.size() != 64 || r.machine_id != MachineIdForKey(FromHex(r.machine_key)))
    return Status::InvalidInput("malformed enrolment request");
  if (auto it = j.find("inventory"); it != j.end() && it->is_object()) r.inventory = *it;
  return r;
}

}  // namespace telemaint::org
