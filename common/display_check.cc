#include "common/display_check.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace telemaint {

bool DisplayReachable(const std::string& given, std::string* why) {
  std::string name = given;
  if (name.empty()) {
    const char* env = std::getenv("DISPLAY");
    name = env ? env : "";
  }
  if (name.empty()) {
    *why = "no display (DISPLAY is not set)";
    return false;
  }
  if (name[0] != ':') return true;
  const std::string number = name.substr(1, name.find('.') == std::string::npos
                                                ? std::string::npos
                                                : name.find('.') - 1);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "/tmp/.X11-unix/X%s", number.c_str());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  bool ok = fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  if (fd >= 0) close(fd);
  if (!ok) *why = "cannot open the display " + name;
  return ok;
}

}  // namespace telemaint
