#pragma once
// A throwaway telemaint deployment for end-to-end tests: development certificates, a relay
// database with a technician (alice) and an auditor, and helpers that start the real
// telemaint-relay, telemaint-host and telemaint-viewer programs on 127.0.0.1.
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace telemaint::testing {

inline constexpr const char* kTechPassword = "alice-has-a-long-password";
inline constexpr const char* kAuditorPassword = "audrey-reads-the-logs";

class Deployment {
 public:
  Deployment();
  const TempDir& dir() const { return dir_; }
  std::string ca() const { return dir_ / "certs/ca.pem"; }
  std::string data_dir() const { return dir_ / "relay-data"; }

  // Starts the relay (port 0 unless `listen` given) and waits until it listens.
  std::unique_ptr<Process> StartRelay(std::vector<std::string> extra = {},
                                      const std::string& listen = "127.0.0.1:0");
  uint16_t relay_port() const { return relay_port_; }
  // For a relay run in-process by the test itself.
  void set_relay_port(uint16_t port) { relay_port_ = port; }
  std::string relay_url() const { return "wss://localhost:" + std::to_string(relay_port_); }

  // Hosts ask the person at the screen (--ui tty): unless `auto_allow` is false, a stand-in
  // answers "allow control" to every question. Their session log is history_file(name).
  // Starts a host serving `vnc_port`; its code goes to code_file().
  std::unique_ptr<Process> StartHost(uint16_t vnc_port, std::vector<std::string> extra = {},
                                     const std::string& name = "host", bool auto_allow = true);
  // Starts a host serving X display `display` with the built-in server (no --vnc-server).
  std::unique_ptr<Process> StartBuiltInHost(const std::string& display,
                                            std::vector<std::string> extra = {},
                                            const std::string& name = "host",
                                            bool auto_allow = true);
  std::string history_file(const std::string& name = "host") const {
    return dir_ / (name + "-history.log");
  }
  std::string key_file(const std::string& name = "viewer") const { return dir_ / (name + ".key"); }
  // telemaint-host's arguments shared by every host a test starts, then `extra`.
  std::vector<std::string> HostArgs(const std::string& name,
                                    const std::vector<std::string>& extra) const;
  std::string code_file(const std::string& name = "host") const {
    return dir_ / (name + ".code");
  }
  // Waits for the host's (next) code.
  std::string WaitForCode(const std::string& previous = {}, const std::string& name = "host");

  // StartViewer runs this program (the sanitized build's viewer in some tests).
  void set_viewer_program(std::string path) { viewer_program_ = std::move(path); }
  std::unique_ptr<Process> StartViewer(const std::string& code,
                                       std::vector<std::string> extra = {},
                                       const std::string& user = "alice",
                                       const std::string& password = kTechPassword,
                                       const std::string& name = "viewer");
  // A viewer showing the session in its own window on `display` (":N").
  std::unique_ptr<Process> StartWindowViewer(const std::string& code, const std::string& display,
                                             std::vector<std::string> extra = {},
                                             const std::string& name = "viewer");
  std::string log_file(const std::string& name) const { return dir_ / (name + ".log"); }

  // The usual start of a session test: a host, a viewer joined with the host's first code, and
  // the viewer's local port once the session is up (0 if it never came up). The relay must
  // already run.
  struct Joined {
    std::unique_ptr<Process> host, viewer;
    std::string code;
    uint16_t port = 0;
  };
  Joined Join(uint16_t vnc_port);                  // host sharing a VNC server
  Joined JoinBuiltIn(const std::string& display);  // host serving an X display itself

  // Makes a second, unrelated CA and relay certificate under DIR/other-certs.
  std::string MakeOtherCa();

 private:
  TempDir dir_;
  uint16_t relay_port_ = 0;
  std::string viewer_program_ = BinPath("telemaint-viewer");
};

// The 12 digits with the secret part changed and a correct check digit: passes the viewer's
// local check, fails the PAKE.
std::string WrongSecretSameNameplate(const std::string& code);
// A code with a valid check digit for a nameplate of our choosing.
std::string CodeForNameplate(const std::string& nameplate, const std::string& secret = "123456");
// "Listening on 127.0.0.1:PORT" in the viewer's output → PORT (0 if not found).
uint16_t ViewerPort(Process& viewer, std::chrono::milliseconds timeout = 20s);

}  // namespace telemaint::testing
