#pragma once
// The technician side: checks the typed code locally, logs in to the relay, joins the
// customer's session, runs the end-to-end handshake, and shows the session in a window, serves
// it on a local port to one VNC client, or takes one picture of it. Run() blocks until the
// session ends and returns the process exit code.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/address.h"
#include "viewer/quality.h"

namespace telemaint::viewer {

// Exit codes, documented in docs/technician-guide.md.
enum ExitCode {
  kExitOk = 0,
  kExitSetup = 1,        // relay unreachable, certificate, local port
  kExitUsage = 2,        // bad arguments or a mistyped code (no attempt used)
  kExitLogin = 3,        // user name, password, rate limit
  kExitCode = 4,         // wrong, expired, unknown or already used code; a machine unknown,
                         // offline, busy or revoked
  kExitSessionLost = 5,  // the session broke (relay lost, tampering)
  kExitDeclined = 6,     // the customer said no, or did not answer in time
};

struct ViewerOptions {
  HostPort relay;
  std::string ca_file;
  std::string user;
  HostPort listen;      // used when neither window nor snapshot
  bool window = false;  // show the session in telemaint's own window
  // How long the window shows how the session ended before it closes.
  std::chrono::seconds window_linger{4};
  std::string ticket;
  std::string key_file;       // the technician's signing key (made on first use)
  std::string snapshot_file;  // take one picture (PNG or PPM) and exit, instead of --listen
  Quality quality = Quality::kLossless;
  // Unattended access: the enrolled machine to reach (its id, or its name) instead of a code,
  // the technician's certificate, the organisation key to pin (default: the certificate's),
  // and where the newest revocation list seen is kept.
  std::string machine;
  std::string cert_file, org_key, revocations_file;
  // Beside the screen: files offered to the customer once they let you in (--send), a file an
  // unattended machine with policy allow sends you (--fetch), and where received files land
  // (default: your downloads folder).
  std::vector<std::string> send_files;
  std::string fetch_path;
  std::string downloads;
  bool share_clipboard = true;  // the window's clipboard crosses (when the customer allows it)
  bool share_primary = false;   // and the PRIMARY selection too (--primary)
};

class ViewerApp {
 public:
  // `say` shows a line to the technician (standard output by default).
  ViewerApp(ViewerOptions options, std::function<void(const std::string&)> say = {});
  ~ViewerApp();
  // `code` and `password` are wiped. With options.machine, `code` is unused.
  int Run(std::string& code, std::string& password);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::viewer
