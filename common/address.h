#pragma once
// Parsing of the addresses users type on the command line.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace telemaint {

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const;
};

// "127.0.0.1:8443", "relay.example.com:443", "[::1]:443". Port 0 allowed when allow_zero.
Result<HostPort> ParseHostPort(std::string_view text, bool allow_zero = false);
// "wss://relay.example.com:8443" (port defaults to 443; a path is not allowed).
Result<HostPort> ParseRelayUrl(std::string_view url);

}  // namespace telemaint
