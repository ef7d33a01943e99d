// The host's core links and serves a desktop without X11: built against tm_host alone (no
// tm_host_x11, no libX11), it starts the built-in server on a synthetic desktop and reads the
// RFB greeting of a session. ctest also checks that the program does not load libX11 (see
// tests/CMakeLists.txt), so a Windows or Wayland desktop is one new folder beside host/x11/.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "host/host_agent.h"
#include "host/rfb_server.h"
#include "host/synthetic_desktop.h"

using namespace telemaint;

int main() {
  // The agent links too (its object files are pulled in): the whole core, not one class.
  host::HostAgent agent(host::HostOptions{}, host::HostPlatform{});
  auto server = host::RfbServer::Start(std::make_unique<host::SyntheticDesktop>(64, 48));
  if (!server.ok()) {
    std::fprintf(stderr, "the built-in server did not start: %s\n",
                 server.status().message().c_str());
    return 1;
  }
  auto fd = (*server)->NewSession();
  if (!fd.ok()) return 1;
  char greeting[12] = {};
  size_t got = 0;
  while (got < sizeof greeting) {
    ssize_t n = read(*fd, greeting + got, sizeof greeting - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  close(*fd);
  const std::string text(greeting, got);
  if (text != "RFB 003.008\n") {
    std::fprintf(stderr, "unexpected greeting from the built-in server: '%s'\n", text.c_str());
    return 1;
  }
  std::printf("the host core served a synthetic desktop without X11\n");
  return 0;
}
