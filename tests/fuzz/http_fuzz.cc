// The auditors' endpoints read two fields from untrusted requests before any password check:
// the Authorization header and the query string's numbers.
#include <cstdlib>
#include <string>
#include <vector>

#include "relay/http_fields.h"

using namespace telemaint;

std::vector<std::string> FuzzSeeds() {
  return {"Basic YXVkcmV5OnNlY3JldA==\nafter=10&limit=500",
          "Basic Og==\nlimit=99999999999999999999&after=-1", "Bearer x\nafter=&after=3"};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const size_t newline = text.find('\n');
  std::string header = text.substr(0, newline);
  const std::string query = newline == std::string::npos ? "" : text.substr(newline + 1);
  std::string user, password;
  if (relay::DecodeBasic(header, user, password)) {
    if (user.find(':') != std::string::npos) std::abort();  // the user ends at the first colon
  } else if (!user.empty() || !password.empty()) {
    std::abort();
  }
  for (const char* name : {"after", "limit"})
    if (auto n = relay::QueryNumber(query, name); n && *n < 0) std::abort();
  return 0;
}
