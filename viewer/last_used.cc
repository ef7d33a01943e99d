#include "viewer/last_used.h"

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/files.h"

namespace telemaint::viewer {

std::string LastUsedFile() { return UserStateDirectory() + "/viewer-last.json"; }

bool FillFromLastUsed(std::string& relay, std::string& ca, std::string& user) {
  if (!relay.empty() && !ca.empty() && !user.empty()) return false;
  auto j = nlohmann::json::parse(ReadTextFile(LastUsedFile(), 4096), nullptr, false);
  if (!j.is_object()) return false;
  bool filled = false;
  auto fill = [&](std::string& field, const char* key) {
    if (!field.empty() || !j.contains(key) || !j[key].is_string()) return;
    field = j[key].get<std::string>();
    filled = !field.empty() || filled;
  };
  fill(relay, "relay");
  fill(ca, "ca");
  fill(user, "user");
  return filled;
}

void RememberLastUsed(const LastUsed& used) {
  std::error_code ec;
  const std::filesystem::path file = LastUsedFile();
  std::filesystem::create_directories(file.parent_path(), ec);
  const std::string ca = std::filesystem::absolute(used.ca, ec).lexically_normal().string();
  const nlohmann::json j = {{"relay", used.relay}, {"ca", ec ? used.ca : ca}, {"user", used.user}};
  (void)WriteFileAtomically(file.string(), j.dump() + "\n", 0600);
}

}  // namespace telemaint::viewer
