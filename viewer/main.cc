// telemaint-viewer: argument parsing only; the work is in the viewer library.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "common/display_check.h"
#include "common/log.h"
#include "common/prompt.h"
#include "crypto/identity.h"
#include "crypto/secret.h"
#include "viewer/viewer_app.h"
#include "viewer/rfb_snapshot.h"

using namespace telemaint;

int main(int argc, char** argv) {
  // libvncclient writes with write(): a session ending under it must be an error, not death.
  signal(SIGPIPE, SIG_IGN);
  CLI::App app{
      "telemaint-viewer: joins a customer's session by the code they read to you and shows\n"
      "their screen, end-to-end encrypted, in a window (or serves it to a VNC viewer on a\n"
      "local port with --listen, or saves one picture with --snapshot).\n"
      "The password comes from TELEMAINT_PASSWORD or a prompt."};
  std::string relay_url, listen, code, log_file;
  viewer::ViewerOptions o;
  app.add_option("--relay", relay_url, "Relay address, wss://HOST:PORT (required)");
  app.add_option("--ca", o.ca_file, "CA certificate that signed the relay's (PEM) (required)");
  app.add_option("--user", o.user, "Your technician account (required)");
  app.add_option("--code", code, "The customer's session code (prompted for when absent)");
  app.add_option("--listen", listen,
                 "Instead of a window, serve the session to your own VNC viewer on this local "
                 "address, e.g. 127.0.0.1:5901 (port 0: any free port)");
  app.add_option("--ticket", o.ticket, "Ticket reference, recorded in the relay's log");
  std::string quality = "lossless";
  app.add_option("--snapshot", o.snapshot_file,
                 "Take one picture of the customer's screen (FILE.png or FILE.ppm) and exit");
  app.add_option("--quality", quality, "Picture quality: lossless, high or low")
      ->capture_default_str();
  app.add_option("--log-file", log_file, "Also append log lines to this file");
  {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    o.key_file = (xdg && *xdg ? std::string(xdg) : std::string(home ? home : ".") + "/.config") +
                 "/telemaint/technician.key";
  }
  app.add_option("--key-file", o.key_file,
                 "Your signing key, shown to the customer as a fingerprint (made on first use)")
      ->capture_default_str();
  bool show_key = false;
  app.add_flag("--show-key", show_key,
               "Print your key's fingerprint (what customers see and auditors compare), and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; any usage error exits 2, as documented.
    return app.exit(e) == 0 ? 0 : 2;
  }

  if (show_key) {
    auto key = crypto::SigningKey::LoadOrCreate(o.key_file);
    if (!key.ok()) {
      std::cerr << "error: " << key.status().message() << "\n";
      return 1;
    }
    std::cout << crypto::KeyFingerprint(key->public_key()) << "\n";
    return 0;
  }
  if (relay_url.empty() || o.ca_file.empty() || o.user.empty()) {
    std::cerr << "error: --relay, --ca and --user are required\nRun with --help for more information.\n";
    return 2;
  }
  log::SetProgram("telemaint-viewer");
  if (!log::SetFile(log_file)) {
    std::cerr << "error: cannot open the log file '" << log_file << "'\n";
    return viewer::kExitSetup;  // as in telemaint-relay and telemaint-host
  }
  auto relay = ParseRelayUrl(relay_url);
  if (!relay.ok()) {
    std::cerr << "error: " << relay.status().message() << "\n";
    return viewer::kExitUsage;
  }
  o.window = listen.empty() && o.snapshot_file.empty();
  if (listen.empty()) listen = "127.0.0.1:0";
  auto listen_at = ParseHostPort(listen, /*allow_zero=*/true);
  if (!listen_at.ok()) {
    std::cerr << "error: --listen: " << listen_at.status().message() << "\n";
    return viewer::kExitUsage;
  }
  if (listen_at->host != "127.0.0.1" && listen_at->host != "::1" && listen_at->host != "localhost") {
    std::cerr << "error: --listen must be a loopback address (127.0.0.1 or ::1): the local "
                 "port is unauthenticated\n";
    return viewer::kExitUsage;
  }
  if (listen_at->host == "localhost") listen_at->host = "127.0.0.1";
  o.relay = *relay;
  o.listen = *listen_at;
  if (!o.snapshot_file.empty() && !viewer::IsPictureFileName(o.snapshot_file)) {
    std::cerr << "error: --snapshot takes a .png or .ppm file name\n";  // before a code is spent
    return viewer::kExitUsage;
  }
  auto parsed_quality = viewer::ParseQuality(quality);
  if (!parsed_quality.ok()) {
    std::cerr << "error: " << parsed_quality.status().message() << "\n";
    return viewer::kExitUsage;
  }
  o.quality = *parsed_quality;
  if (std::string why; o.window && !DisplayReachable("", &why)) {
    // Before a code is spent.
    std::cerr << "error: cannot open a window: " << why
              << "; use --listen 127.0.0.1:5901 with your own VNC viewer, or --snapshot FILE.png\n";
    return viewer::kExitSetup;
  }

  if (code.empty()) {
    auto typed = PromptSecret("Session code: ");
    if (!typed) {
      std::cerr << "error: no --code and no terminal to ask for it\n";
      return viewer::kExitUsage;
    }
    code = std::move(*typed);
    crypto::Wipe(*typed);
  }
  std::string password;
  if (const char* env = std::getenv("TELEMAINT_PASSWORD")) {
    password = env;
    unsetenv("TELEMAINT_PASSWORD");  // not inherited by anything we might start
  } else {
    auto typed = PromptSecret("Password for " + o.user + ": ");
    if (!typed) {
      std::cerr << "error: no TELEMAINT_PASSWORD and no terminal to ask for the password\n";
      return viewer::kExitUsage;
    }
    password = std::move(*typed);
    crypto::Wipe(*typed);
  }
  viewer::ViewerApp app_(o);
  return app_.Run(code, password);
}
