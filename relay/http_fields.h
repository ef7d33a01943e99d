#pragma once
// Fields of the auditors' HTTP requests, parsed from untrusted bytes (tests/fuzz/http_fuzz.cc).
#include <cstdint>
#include <optional>
#include <string>

namespace telemaint::relay {

// "user:password" from "Basic base64"; false when malformed. Wipes what held the password
// (`header` included).
bool DecodeBasic(std::string& header, std::string& user, std::string& password);

// The non-negative decimal value of `name` in a query string ("after=5&limit=10"), or nullopt.
std::optional<int64_t> QueryNumber(const std::string& query, const std::string& name);

}  // namespace telemaint::relay
