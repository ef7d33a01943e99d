#pragma once
// HostAgent: the customer side. Dials out to the relay (it listens on no port), shows a
// one-time session code, runs the end-to-end handshake when a technician joins, and carries
// the session to a VNC server. One relay connection serves one code and at most one session;
// then the agent reconnects for a fresh code. Reconnects by itself, with backoff and jitter,
// when the relay is unreachable. Run() blocks; Stop() may be called from any thread.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/address.h"
#include "host/platform.h"

namespace telemaint::host {

struct HostOptions {
  HostPort relay;
  std::string ca_file;
  // An existing VNC server to share; without it the host serves the platform's desktop
  // (HostPlatform::open_desktop) through the built-in server.
  std::optional<HostPort> vnc_server;
  std::string display;  // the X display the windows and the desktop use (empty: $DISPLAY)
  std::string code_file;  // if set, the current code is written there (mode 0600)
  std::string customer;   // optional customer name, recorded in the relay's log
  std::string machine_name;  // this computer's name in the relay's log (default: host name)
  std::chrono::seconds max_code_age{600};
  std::chrono::seconds handshake_timeout{30};
  std::chrono::milliseconds min_backoff{500};
  std::chrono::milliseconds max_backoff{30000};
  // How long the person at the screen has to answer; no answer is a no.
  std::chrono::seconds consent_timeout{120};
  int clock_rate = 1;  // tests only: the consent clock runs this many times faster
  std::string history_file;  // the host's own session log (empty: not kept)
  std::string key_file;      // this computer's signing key (receipts), made on first use
  // An enrolled machine's service (`telemaint-host service`): its state directory
  // (host/machine_state.h), which then gives the relay, the CA, the key and the session list.
  std::string state_dir;
  std::chrono::minutes inventory_every{240};  // the inventory is sent again this often
  // Beside the screen (host/session_extras.h): where accepted files land (empty: the
  // downloads folder, xdg-user-dir DOWNLOAD), whether PRIMARY is shared along with CLIPBOARD,
  // and whether the clipboard is shared at all at the start of a session (the person can
  // switch it during one).
  std::string downloads;
  bool primary_selection = false;
  bool clipboard = true;
};

class HostAgent {
 public:
  HostAgent(HostOptions options, HostPlatform platform);
  ~HostAgent();
  int Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::host
