#include "common/wire.h"

#include <nlohmann/json.hpp>

namespace telemaint::wire {
namespace {

using nlohmann::json;

struct Encoder {
  json operator()(const Hello& m) const {
    json j{{"type", "hello"}, {"proto", m.proto}, {"role", ToWire(m.role)},
           {"mode", ToWire(m.mode)}};
    if (!m.version.empty()) j["version"] = m.version;
    if (!m.customer.empty()) j["customer"] = m.customer;
    if (!m.machine.empty()) j["machine"] = m.machine;
    return j;
  }
  json operator()(const Join& m) const {
    json j{{"type", "join"}, {"proto", m.proto}, {"nameplate", m.nameplate},
           {"user", m.user}, {"password", m.password}};
    if (!m.ticket.empty()) j["ticket"] = m.ticket;
    if (!m.machine.empty()) j["machine"] = m.machine;
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
  json operator()(const Abort& m) const {
    return {{"type", "abort"}, {"reason", ToWire(m.reason)}};
  }
  json operator()(const Receipt& m) const {
    return {{"type", "receipt"}, {"receipt", m.receipt}, {"signature", m.signature}};
  }
  json operator()(const Consent& m) const {
    return {{"type", "consent"},
            {"event", m.event ? ToWire(*m.event) : ""},
            {"permission", m.permission ? ToWire(*m.permission) : ""}};
  }
  json operator()(const Transfer& m) const {
    json j{{"type", "transfer"},
           {"what", m.what ? ToWire(*m.what) : ""},
           {"event", m.event ? ToWire(*m.event) : ""},
           {"from", ToWire(m.from)},
           {"size", m.size}};
    if (!m.name.empty()) j["name"] = m.name;
    if (!m.sha256.empty()) j["sha256"] = m.sha256;
    if (!m.detail.empty()) j["detail"] = m.detail;
    return j;
  }
  json operator()(const PeerGone& m) const {
    return {{"type", "peer_gone"}, {"reason", ToWire(m.reason)}, {"message", m.message}};
  }
  json operator()(const Error& m) const {
    return {{"type", "error"}, {"code", ToWire(m.code)}, {"message", m.message}};
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

// A word of the vocabulary; `unknown` when the field holds a word this version does not know.
template <typename E>
bool GetWord(const json& j, const char* key, E& out, std::optional<E> unknown) {
  std::string word;
  if (!GetString(j, key, word)) return false;
  auto value = FromWire<E>(word);
  if (!value && !unknown) return false;
  out = value ? *value : *unknown;
  return true;
}
template <typename E>
bool GetOptionalWord(const json& j, const char* key, std::optional<E>& out) {
  std::string word;
  if (!GetString(j, key, word)) return false;
  out = FromWire<E>(word);
  return true;
}

// One decoder per message type: false when a field is missing, mistyped or too long.
bool DecodeFields(const json& j, Hello& m) {
  return GetInt(j, "proto", m.proto) && GetWord<Party>(j, "role", m.role, std::nullopt) &&
         GetWord<HostMode>(j, "mode", m.mode, std::nullopt) &&
         GetString(j, "version", m.version, false) &&
         GetString(j, "customer", m.customer, false) && GetString(j, "machine", m.machine, false);
}
bool DecodeFields(const json& j, Join& m) {
  return GetInt(j, "proto", m.proto) && GetString(j, "nameplate", m.nameplate) &&
         GetString(j, "user", m.user) && GetString(j, "password", m.password) &&
         GetString(j, "ticket", m.ticket, false) && GetString(j, "machine", m.machine, false);
}
bool DecodeFields(const json& j, NameplateIssued& m) {
  return GetString(j, "nameplate", m.nameplate) && GetInt(j, "expires_in", m.expires_in);
}
bool DecodeFields(const json& j, Paired& m) {
  return GetString(j, "session", m.session) && GetString(j, "technician", m.technician, false) &&
         GetString(j, "technician_name", m.technician_name, false) &&
         GetString(j, "technician_organisation", m.technician_organisation, false);
}
bool DecodeFields(const json& j, Abort& m) {
  return GetWord<EndReason>(j, "reason", m.reason, EndReason::kOther);
}
bool DecodeFields(const json& j, Receipt& m) {
  return GetString(j, "receipt", m.receipt, true, kMaxReceiptBytes) &&
         GetString(j, "signature", m.signature);
}
bool DecodeFields(const json& j, Consent& m) {
  return GetOptionalWord(j, "event", m.event) && GetOptionalWord(j, "permission", m.permission);
}
bool GetSize(const json& j, const char* key, uint64_t& out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return false;
  out = it->get<uint64_t>();
  return true;
}
bool DecodeFields(const json& j, Transfer& m) {
  return GetOptionalWord(j, "what", m.what) && GetOptionalWord(j, "event", m.event) &&
         GetWord<Party>(j, "from", m.from, std::nullopt) && m.from != Party::kRelay &&
         GetSize(j, "size", m.size) && GetString(j, "name", m.name, false) &&
         GetString(j, "sha256", m.sha256, false, 64) && GetString(j, "detail", m.detail, false);
}
bool DecodeFields(const json& j, PeerGone& m) {
  return GetWord<EndReason>(j, "reason", m.reason, EndReason::kOther) &&
         GetString(j, "message", m.message, false);
}
bool DecodeFields(const json& j, Error& m) {
  return GetWord<ErrorCode>(j, "code", m.code, ErrorCode::kOther) &&
         GetString(j, "message", m.message, false);
}

template <typename M>
Result<Control> DecodeAs(const json& j, std::string_view type) {
  M m;
  if (!DecodeFields(j, m))
    return Status::InvalidInput("malformed '" + std::string(type) + "' message");
  return Control{std::move(m)};
}

using Decoder = Result<Control> (*)(const json&, std::string_view);
constexpr std::pair<std::string_view, Decoder> kDecoders[] = {
    {"hello", DecodeAs<Hello>},         {"join", DecodeAs<Join>},
    {"nameplate", DecodeAs<NameplateIssued>}, {"paired", DecodeAs<Paired>},
    {"abort", DecodeAs<Abort>},         {"receipt", DecodeAs<Receipt>},
    {"consent", DecodeAs<Consent>},     {"peer_gone", DecodeAs<PeerGone>},
    {"transfer", DecodeAs<Transfer>},
    {"error", DecodeAs<Error>},
};

}  // namespace

std::string Encode(const Control& message) {
  // Invalid UTF-8 (a mistyped name, a binary password) is replaced rather than thrown on.
  return std::visit(Encoder{}, message).dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Control> Decode(std::string_view text) {
  if (text.size() > kMaxControlBytes) return Status::Limit("control message too large");
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return Status::InvalidInput("control message is not a JSON object");
  std::string type;
  if (!GetString(j, "type", type)) return Status::InvalidInput("control message has no type");
  for (const auto& [name, decode] : kDecoders)
    if (name == type) return decode(j, type);
  return Status::InvalidInput("unknown control message type");
}

}  // namespace telemaint::wire
