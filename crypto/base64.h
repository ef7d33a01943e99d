#pragma once
// Base64 (RFC 4648, with padding) for the credentials of HTTP Basic authentication, with
// libsodium's constant-time codec: a password passes through it.
#include <optional>
#include <string>
#include <string_view>

namespace telemaint::crypto {

std::string Base64Encode(std::string_view bytes);
// nullopt when `text` is not valid padded Base64.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace telemaint::crypto
