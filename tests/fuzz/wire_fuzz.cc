// Control messages from the network: decoding never crashes, and what decodes re-encodes and
// decodes again to the same kind of message.
#include <cstdlib>
#include <string>
#include <vector>

#include "common/address.h"
#include "common/wire.h"

using namespace telemaint;

std::vector<std::string> FuzzSeeds() {
  return {R"({"type":"hello","proto":1,"role":"host","mode":"attended","version":"x"})",
          R"({"type":"join","proto":1,"nameplate":"12345","user":"a","password":"b","ticket":"t"})",
          R"({"type":"nameplate","nameplate":"12345","expires_in":600})",
          R"({"type":"paired","session":"00112233445566778899aabbccddeeff"})",
          R"({"type":"abort","reason":"user_denied"})",
          R"({"type":"peer_gone","reason":"viewer_left","message":"bye"})",
          R"({"type":"error","code":"auth_failed","message":"no"})",
          "wss://relay.example.com:8443", "[::1]:443", "127.0.0.1:5900"};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto decoded = wire::Decode(text);
  if (decoded.ok()) {
    auto again = wire::Decode(wire::Encode(*decoded));
    if (!again.ok() || again->index() != decoded->index()) std::abort();
  }
  (void)ParseHostPort(text, true);
  (void)ParseRelayUrl(text);
  return 0;
}
