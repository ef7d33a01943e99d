#include "common/address.h"

#include <charconv>

namespace telemaint {

std::string HostPort::ToString() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<HostPort> ParseHostPort(std::string_view text, bool allow_zero) {
  HostPort hp;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return Status::InvalidInput("expected [ADDRESS]:PORT, got '" + std::string(text) + "'");
    hp.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
      return Status::InvalidInput("expected HOST:PORT, got '" + std::string(text) + "'");
    hp.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || value > 65535 ||
      (value == 0 && !allow_zero))
    return Status::InvalidInput("invalid port in '" + std::string(text) + "'");
  hp.port = static_cast<uint16_t>(value);
  return hp;
}

Result<HostPort> ParseRelayUrl(std::string_view url) {
  constexpr std::string_view kScheme = "wss://";
  if (url.substr(0, kScheme.size()) != kScheme)
    return Status::InvalidInput("the relay address must start with wss:// (got '" +
                                std::string(url) + "')");
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos)
    return Status::InvalidInput("the relay address takes no path: wss://HOST:PORT");
  bool has_port = rest.find(':') != std::string_view::npos &&
                  (rest.front() != '[' || rest.find("]:") != std::string_view::npos);
  if (!has_port) return ParseHostPort(std::string(rest) + ":443");
  return ParseHostPort(rest);
}

}  // namespace telemaint
