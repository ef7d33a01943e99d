#include "common/wire.h"

#include <nlohmann/json.hpp>

namespace telemaint::wire {
namespace {

using nlohmann::json;

struct Encoder {
  json operator()(const Hello& m) const {
    json j{{"type", "hello"}, {"proto", m.proto}, {"role", m.role}, {"mode", m.mode}};
    if (!m.version.empty()) j["version"] = m.version;
    if (!m.customer.empty()) j["customer"] = m.customer;
    if (!m.machine.empty()) j["machine"] = m.machine;
    return j;
  }
  json operator()(const Join& m) const {
    json j{{"type", "join"}, {"proto", m.proto}, {"nameplate", m.nameplate},
           {"user", m.user}, {"password", m.password}};
    if (!m.ticket.empty()) j["ticket"] = m.ticket;
    return j;
  }
  json operator()(const NameplateIssued& m) const {
    return {{"type", "nameplate"}, {"nameplate", m.nameplate}, {"expires_in", m.expires_in}};
  }
  json operator()(const Paired& m) const {
    json j{{"type", "paired"}, {"session", m.session}};
    if (!m.technician.empty()) {
      j["technician"] = m.technician;
      j["technician_name"] = m.technician_name;
      j["technician_organisation"] = m.technician_organisation;
    }
    return j;
  }
  json operator()(const Abort& m) const { return {{"type", "abort"}, {"reason", m.reason}}; }
  json operator()(const Receipt& m) const {
    return {{"type", "receipt"}, {"receipt", m.receipt}, {"signature", m.signature}};
  }
  json operator()(const Consent& m) const {
    return {{"type", "consent"}, {"event", m.event}, {"permission", m.permission}};
  }
  json operator()(const PeerGone& m) const {
    return {{"type", "peer_gone"}, {"reason", m.reason}, {"message", m.message}};
  }
  json operator()(const Error& m) const {
    return {{"type", "error"}, {"code", m.code}, {"message", m.message}};
  }
};

// Field readers: false when the field is missing (and required), mistyped or too long.
bool GetString(const json& j, const char* key, std::string& out, bool required = true,
               size_t max = kMaxFieldBytes) {
  auto it = j.find(key);
  if (it == j.end()) return !required;
  if (!it->is_string()) return false;
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max) return false;
  out = s;
  return true;
}

bool GetInt(const json& j, const char* key, int& out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return false;
  auto v = it->get<long long>();
  if (v < 0 || v > 1'000'000'000) return false;
  out = static_cast<int>(v);
  return true;
}

Status Malformed(std::string_view type) {
  return Status::InvalidInput("malformed '" + std::string(type) + "' message");
}

}  // namespace

std::string Encode(const Control& message) {
  // Invalid UTF-8 (a mistyped name, a binary password) is replaced rather than thrown on.
  return std::visit(Encoder{}, message).dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Control> Decode(std::string_view text) {
  if (text.size() > kMaxControlBytes) return Status::Limit("control message too large");
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidInput("control message is not a JSON object");
  std::string type;
  if (!GetString(j, "type", type)) return Status::InvalidInput("control message has no type");

  if (type == "hello") {
    Hello m;
    if (!GetInt(j, "proto", m.proto) || !GetString(j, "role", m.role) ||
        !GetString(j, "mode", m.mode) || !GetString(j, "version", m.version, false) ||
        !GetString(j, "customer", m.customer, false) ||
        !GetString(j, "machine", m.machine, false))
      return Malformed(type);
    return Control{m};
  }
  if (type == "join") {
    Join m;
    if (!GetInt(j, "proto", m.proto) || !GetString(j, "nameplate", m.nameplate) ||
        !GetString(j, "user", m.user) || !GetString(j, "password", m.password) ||
        !GetString(j, "ticket", m.ticket, false))
      return Malformed(type);
    return Control{m};
  }
  if (type == "nameplate") {
    NameplateIssued m;
    if (!GetString(j, "nameplate", m.nameplate) || !GetInt(j, "expires_in", m.expires_in))
      return Malformed(type);
    return Control{m};
  }
  if (type == "paired") {
    Paired m;
    if (!GetString(j, "session", m.session) || !GetString(j, "technician", m.technician, false) ||
        !GetString(j, "technician_name", m.technician_name, false) ||
        !GetString(j, "technician_organisation", m.technician_organisation, false))
      return Malformed(type);
    return Control{m};
  }
  if (type == "abort") {
    Abort m;
    if (!GetString(j, "reason", m.reason)) return Malformed(type);
    return Control{m};
  }
  if (type == "receipt") {
    Receipt m;
    if (!GetString(j, "receipt", m.receipt, true, kMaxReceiptBytes) ||
        !GetString(j, "signature", m.signature))
      return Malformed(type);
    return Control{m};
  }
  if (type == "consent") {
    Consent m;
    if (!GetString(j, "event", m.event) || !GetString(j, "permission", m.permission))
      return Malformed(type);
    return Control{m};
  }
  if (type == "peer_gone") {
    PeerGone m;
    if (!GetString(j, "reason", m.reason) || !GetString(j, "message", m.message, false))
      return Malformed(type);
    return Control{m};
  }
  if (type == "error") {
    Error m;
    if (!GetString(j, "code", m.code) || !GetString(j, "message", m.message, false))
      return Malformed(type);
    return Control{m};
  }
  return Status::InvalidInput("unknown control message type");
}

}  // namespace telemaint::wire
