#include "host/active_display.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "inventory/command.h"

namespace telemaint::host {

namespace {

constexpr auto kLoginctlTime = std::chrono::seconds(3);

std::string Field(const std::string& text, const std::string& key) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  return {};
}

// The authority file a display manager or a login left for `user`, if one exists.
std::string XAuthorityOf(const std::string& user) {
  passwd pw{}, *found = nullptr;
  char buffer[4096];
  if (getpwnam_r(user.c_str(), &pw, buffer, sizeof buffer, &found) != 0 || !found) return {};
  const std::string uid = std::to_string(pw.pw_uid), home = pw.pw_dir;
  for (const std::string& path : {"/run/user/" + uid + "/gdm/Xauthority", home + "/.Xauthority"})
    if (access(path.c_str(), R_OK) == 0) return path;
  return {};
}

std::optional<ActiveDisplay> FromLogind() {
  auto sessions = inventory::RunCommand({"/usr/bin/loginctl", "list-sessions", "--no-legend"},
                                        kLoginctlTime);
  if (!sessions) return std::nullopt;
  std::istringstream lines(*sessions);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string id;
    if (!(fields >> id)) continue;
    auto shown = inventory::RunCommand({"/usr/bin/loginctl", "show-session", id, "-p", "Display",
                                        "-p", "Active", "-p", "Type", "-p", "Name", "-p",
                                        "Remote"},
                                       kLoginctlTime);
    std::string user;
    if (!shown) continue;
    if (auto display = DisplayOfSession(*shown, user))
      return ActiveDisplay{*display, XAuthorityOf(user), "the active session of " + user};
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> DisplayOfSession(const std::string& show_output, std::string& user) {
  const std::string display = Field(show_output, "Display"), type = Field(show_output, "Type");
  user = Field(show_output, "Name");
  if (display.empty() || Field(show_output, "Active") != "yes" ||
      Field(show_output, "Remote") == "yes" || (type != "x11" && type != "wayland"))
    return std::nullopt;
  return display;
}

std::vector<std::string> LocalXDisplays(const std::string& x11_unix_dir) {
  std::vector<int> numbers;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(x11_unix_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 2 || name[0] != 'X') continue;
    if (!std::all_of(name.begin() + 1, name.end(), ::isdigit)) continue;
    numbers.push_back(std::stoi(name.substr(1)));
  }
  std::sort(numbers.begin(), numbers.end());
  std::vector<std::string> out;
  for (int n : numbers) out.push_back(":" + std::to_string(n));
  return out;
}

ActiveDisplay FindActiveDisplay() {
  if (auto active = FromLogind()) return *active;
  auto local = LocalXDisplays("/tmp/.X11-unix");
  if (local.size() == 1) return {local[0], "", "the only X server on this machine"};
  return {};
}

}  // namespace telemaint::host
