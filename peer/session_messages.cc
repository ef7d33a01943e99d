#include "peer/session_messages.h"

#include <algorithm>

namespace telemaint::peer {
namespace {

bool IsType(const nlohmann::json& m, const char* type) {
  if (!m.is_object()) return false;
  auto t = m.find("type");
  return t != m.end() && t->is_string() && t->get<std::string>() == type;
}

std::optional<int> IntField(const nlohmann::json& m, const char* name, int min, int max) {
  auto f = m.find(name);
  if (f == m.end() || !f->is_number_integer()) return std::nullopt;
  auto v = f->get<int64_t>();
  if (v < min || v > max) return std::nullopt;
  return static_cast<int>(v);
}

}  // namespace

nlohmann::json EncodeMonitors(const std::vector<MonitorInfo>& monitors) {
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < monitors.size() && i < kMaxMonitors; ++i) {
    const MonitorInfo& m = monitors[i];
    // Cut on a character boundary: a split UTF-8 sequence would grow when escaped and the
    // viewer would refuse the whole list.
    size_t cut = std::min(m.name.size(), kMaxMonitorName);
    while (cut > 0 && cut < m.name.size() &&
           (static_cast<unsigned char>(m.name[cut]) & 0xc0) == 0x80)
      --cut;
    list.push_back({{"name", m.name.substr(0, cut)},
                    {"x", m.x},
                    {"y", m.y},
                    {"width", m.width},
                    {"height", m.height}});
  }
  return {{"type", "monitors"}, {"monitors", list}};
}

std::optional<std::vector<MonitorInfo>> DecodeMonitors(const nlohmann::json& message) {
  if (!IsType(message, "monitors")) return std::nullopt;
  auto list = message.find("monitors");
  if (list == message.end() || !list->is_array() || list->size() > kMaxMonitors)
    return std::nullopt;
  std::vector<MonitorInfo> out;
  for (const auto& entry : *list) {
    if (!entry.is_object()) return std::nullopt;
    auto name = entry.find("name");
    if (name == entry.end() || !name->is_string()) return std::nullopt;
    MonitorInfo m;
    m.name = name->get<std::string>();
    if (m.name.size() > kMaxMonitorName) return std::nullopt;
    for (char& c : m.name)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';  // shown in a menu
    auto x = IntField(entry, "x", 0, kMaxCoordinate), y = IntField(entry, "y", 0, kMaxCoordinate);
    auto w = IntField(entry, "width", 1, kMaxCoordinate);
    auto h = IntField(entry, "height", 1, kMaxCoordinate);
    if (!x || !y || !w || !h) return std::nullopt;
    m.x = *x;
    m.y = *y;
    m.width = *w;
    m.height = *h;
    out.push_back(std::move(m));
  }
  return out;
}

nlohmann::json EncodeShowMonitor(int index) { return {{"type", "show_monitor"}, {"index", index}}; }

std::optional<int> DecodeShowMonitor(const nlohmann::json& message) {
  if (!IsType(message, "show_monitor")) return std::nullopt;
  return IntField(message, "index", -1, static_cast<int>(kMaxMonitors) - 1);
}

nlohmann::json EncodeHello(const TechnicianHello& hello) {
  return {{"type", "hello"},
          {"account", hello.account},
          {"key", ToHex(hello.public_key)},
          {"signature", ToHex(hello.signature)}};
}

std::optional<TechnicianHello> DecodeHello(const nlohmann::json& message) {
  if (!IsType(message, "hello")) return std::nullopt;
  auto text = [&](const char* name, size_t max) -> std::optional<std::string> {
    auto f = message.find(name);
    if (f == message.end() || !f->is_string() || f->get_ref<const std::string&>().size() > max)
      return std::nullopt;
    return f->get<std::string>();
  };
  auto account = text("account", 64), key = text("key", 64), signature = text("signature", 128);
  if (!account || !key || !signature) return std::nullopt;
  TechnicianHello hello{*account, FromHex(*key), FromHex(*signature)};
  if (hello.public_key.size() != 32 || hello.signature.size() != 64) return std::nullopt;
  return hello;
}

nlohmann::json EncodeHostHello(const HostHello& hello) {
  return {{"type", "host_hello"}, {"key", ToHex(hello.public_key)},
          {"signature", ToHex(hello.signature)}};
}

std::optional<HostHello> DecodeHostHello(const nlohmann::json& message) {
  if (!IsType(message, "host_hello")) return std::nullopt;
  auto key = message.find("key"), signature = message.find("signature");
  if (key == message.end() || signature == message.end() || !key->is_string() ||
      !signature->is_string() || key->get_ref<const std::string&>().size() != 64 ||
      signature->get_ref<const std::string&>().size() != 128)
    return std::nullopt;
  HostHello hello{FromHex(key->get<std::string>()), FromHex(signature->get<std::string>())};
  if (hello.public_key.size() != 32 || hello.signature.size() != 64) return std::nullopt;
  return hello;
}

nlohmann::json EncodeConsent(ConsentState state) {
  return {{"type", "consent"}, {"state", wire::ToWire(state)}};
}

std::optional<ConsentState> DecodeConsent(const nlohmann::json& message) {
  if (!IsType(message, "consent")) return std::nullopt;
  auto f = message.find("state");
  if (f == message.end() || !f->is_string()) return std::nullopt;
  return wire::FromWire<ConsentState>(f->get_ref<const std::string&>());
}

nlohmann::json EncodeClose(wire::EndReason reason) {
  return {{"type", "close"}, {"reason", wire::ToWire(reason)}};
}

std::optional<wire::EndReason> DecodeClose(const nlohmann::json& message) {
  if (!IsType(message, "close")) return std::nullopt;
  auto r = message.find("reason");
  if (r == message.end() || !r->is_string()) return wire::EndReason::kClosed;
  return wire::FromWire<wire::EndReason>(r->get_ref<const std::string&>())
      .value_or(wire::EndReason::kOther);
}

std::string MessageType(const nlohmann::json& message) {
  if (!message.is_object()) return {};
  auto t = message.find("type");
  return t != message.end() && t->is_string() ? t->get<std::string>() : std::string();
}

nlohmann::json EncodeRequestControl() { return {{"type", "request_control"}}; }
bool IsRequestControl(const nlohmann::json& message) { return IsType(message, "request_control"); }

}  // namespace telemaint::peer
