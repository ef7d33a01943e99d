#pragma once
// Which X display an enrolled machine's service shares when it is given none (no --display and
// no DISPLAY, as under systemd): the display of the active graphical session that systemd-logind
// knows (loginctl), with that session user's X authority file when there is one; else the X
// server running on this machine when there is exactly one (/tmp/.X11-unix). Blocking (loginctl
// is run with a timeout); call it before the service starts.
#include <optional>
#include <string>
#include <vector>

namespace telemaint::host {

struct ActiveDisplay {
  std::string display;     // ":0"; empty when none was found
  std::string xauthority;  // the session user's authority file, if any
  std::string how;         // for the log: "the active session of alice", "the only X server"
};
ActiveDisplay FindActiveDisplay();

// The pure parts, for tests. From `loginctl show-session ID -p Display -p Active -p Type -p Name
// -p Remote` output: the display when the session is active, local, graphical (x11 or
// wayland with Xwayland), else nullopt; `user` gets its user's name.
std::optional<std::string> DisplayOfSession(const std::string& show_output, std::string& user);
// The displays whose sockets are in `x11_unix_dir` (":0" for X0), in order.
std::vector<std::string> LocalXDisplays(const std::string& x11_unix_dir);

}  // namespace telemaint::host
