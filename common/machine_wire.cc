#include "common/machine_wire.h"

namespace telemaint::wire {
namespace {

using nlohmann::json;

struct Encoder {
  json operator()(const Enrol& m) const {
    return {{"type", "enrol"}, {"proto", m.proto}, {"request", m.request}};
  }
  json operator()(const Enrolled& m) const {
    return {{"type", "enrolled"}, {"state", m.approved ? "approved" : "pending"}};
  }
  json operator()(const Present& m) const {
    return {{"type", "present"}, {"proto", m.proto}, {"machine_id", m.machine_id},
            {"version", m.version}};
  }
  json operator()(const Challenge& m) const { return {{"type", "challenge"}, {"nonce", m.nonce}}; }
  json operator()(const Prove& m) const { return {{"type", "prove"}, {"signature", m.signature}}; }
  json operator()(const Welcome& m) const {
    return {{"type", "welcome"}, {"record", m.record}, {"revocations", m.revocations}};
  }
  json operator()(const Revocations& m) const {
    return {{"type", "revocations"}, {"list", m.list}};
  }
  json operator()(const Inventory& m) const {
    return {{"type", "inventory"}, {"inventory", m.inventory}};
  }
};

bool Text(const json& j, const char* key, std::string& out, size_t max = kMaxFieldBytes) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>().size() > max)
    return false;
  out = it->get<std::string>();
  return true;
}

bool Proto(const json& j, int& out) {
  auto it = j.find("proto");
  if (it == j.end() || !it->is_number_integer()) return false;
  auto v = it->get<long long>();
  if (v < 0 || v > 1000) return false;
  out = static_cast<int>(v);
  return true;
}

bool Object(const json& j, const char* key, json& out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_object()) return false;
  out = *it;
  return true;
}

constexpr size_t kStatement = 4096;

bool Fields(const json& j, Enrol& m) { return Proto(j, m.proto) && Object(j, "request", m.request); }
bool Fields(const json& j, Enrolled& m) {
  std::string state;
  if (!Text(j, "state", state) || (state != "approved" && state != "pending")) return false;
  m.approved = state == "approved";
  return true;
}
bool Fields(const json& j, Present& m) {
  return Proto(j, m.proto) && Text(j, "machine_id", m.machine_id) &&
         Text(j, "version", m.version);
}
bool Fields(const json& j, Challenge& m) { return Text(j, "nonce", m.nonce); }
bool Fields(const json& j, Prove& m) { return Text(j, "signature", m.signature); }
bool Fields(const json& j, Welcome& m) {
  return Text(j, "record", m.record, kStatement) &&
         Text(j, "revocations", m.revocations, kMaxMachineMessageBytes);
}
bool Fields(const json& j, Revocations& m) {
  return Text(j, "list", m.list, kMaxMachineMessageBytes);
}
bool Fields(const json& j, Inventory& m) { return Object(j, "inventory", m.inventory); }

template <typename M>
Result<MachineMessage> As(const json& j, std::string_view type) {
  M m;
  if (!Fields(j, m)) return Status::InvalidInput("malformed '" + std::string(type) + "' message");
  return MachineMessage{std::move(m)};
}

using Decoder = Result<MachineMessage> (*)(const json&, std::string_view);
constexpr std::pair<std::string_view, Decoder> kDecoders[] = {
    {"enrol", As<Enrol>},         {"enrolled", As<Enrolled>}, {"present", As<Present>},
    {"challenge", As<Challenge>}, {"prove", As<Prove>},       {"welcome", As<Welcome>},
    {"revocations", As<Revocations>}, {"inventory", As<Inventory>},
};

}  // namespace

std::string EncodeMachine(const MachineMessage& message) {
  return std::visit(Encoder{}, message).dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<MachineMessage> DecodeMachine(std::string_view text) {
  if (text.size() > kMaxMachineMessageBytes) return Status::Limit("control message too large");
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Status::InvalidInput("control message is not a JSON object");
  std::string type;
  if (!Text(j, "type", type)) return Status::InvalidInput("control message has no type");
  for (const auto& [name, decode] : kDecoders)
    if (name == type) return decode(j, type);
  return Status::InvalidInput("not a machine message");
}

}  // namespace telemaint::wire
