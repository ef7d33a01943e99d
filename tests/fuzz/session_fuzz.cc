// Session messages from the other end of the channel (a host may be a scammer's, a viewer an
// impostor's): every decoder refuses or accepts without crashing, and what it accepts is
// within its limits.
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "peer/session_messages.h"

using namespace telemaint;

std::vector<std::string> FuzzSeeds() {
  return {R"({"type":"monitors","monitors":[{"name":"DP-1","x":0,"y":0,"width":1920,"height":1080}]})",
          R"({"type":"show_monitor","index":1})",
          R"({"type":"hello","account":"alice","key":")" + std::string(64, 'a') +
              R"(","signature":")" + std::string(128, 'b') + "\"}",
          R"({"type":"host_hello","key":")" + std::string(64, 'c') + R"(","signature":")" +
              std::string(128, 'd') + "\"}",
          R"({"type":"consent","state":"view_only"})", R"({"type":"request_control"})",
          R"({"type":"close","reason":"user_stopped"})"};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  (void)peer::MessageType(j);
  if (auto monitors = peer::DecodeMonitors(j)) {
    if (monitors->size() > peer::kMaxMonitors) std::abort();
    for (const auto& m : *monitors)
      if (m.name.size() > peer::kMaxMonitorName || m.width < 1 || m.height < 1) std::abort();
  }
  if (auto index = peer::DecodeShowMonitor(j); index && (*index < -1 || *index >= 16)) std::abort();
  if (auto hello = peer::DecodeHello(j); hello && hello->public_key.size() != 32) std::abort();
  if (auto hello = peer::DecodeHostHello(j); hello && hello->signature.size() != 64) std::abort();
  (void)peer::DecodeConsent(j);
  (void)peer::DecodeClose(j);
  (void)peer::IsRequestControl(j);
  return 0;
}
