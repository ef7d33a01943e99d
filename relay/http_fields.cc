#include "relay/http_fields.h"

#include <charconv>

#include "crypto/base64.h"
#include "crypto/secret.h"

namespace telemaint::relay {

bool DecodeBasic(std::string& header, std::string& user, std::string& password) {
  const std::string prefix = "Basic ";
  const bool basic = header.compare(0, prefix.size(), prefix) == 0 && header.size() <= 1024;
  auto decoded = basic ? crypto::Base64Decode(std::string_view(header).substr(prefix.size()))
                       : std::nullopt;
  crypto::Wipe(header);
  if (!decoded) return false;
  const auto colon = decoded->find(':');
  if (colon != std::string::npos) {
    user = decoded->substr(0, colon);
    password = decoded->substr(colon + 1);
  }
  crypto::Wipe(*decoded);
  return colon != std::string::npos;
}

std::optional<int64_t> QueryNumber(const std::string& query, const std::string& name) {
  size_t at = 0;
  while (at < query.size()) {
    size_t end = query.find('&', at);
    if (end == std::string::npos) end = query.size();
    std::string part = query.substr(at, end - at);
    if (part.compare(0, name.size() + 1, name + "=") == 0) {
      int64_t value = 0;
      const char* first = part.data() + name.size() + 1;
      const char* last = part.data() + part.size();
      auto [ptr, ec] = std::from_chars(first, last, value);
      if (ec != std::errc() || ptr != last || value < 0) return std::nullopt;
      return value;
    }
    at = end + 1;
  }
  return std::nullopt;
}

}  // namespace telemaint::relay
