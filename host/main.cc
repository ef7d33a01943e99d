// telemaint-host: argument parsing only; the work is in the host library.
#include <CLI/CLI.hpp>
#include <iostream>

#include "common/display_check.h"
#include "common/log.h"
#include "host/gui/gui_host.h"
#include "host/host_agent.h"
#include "host/session_history.h"
#include "host/x11/keep_above.h"
#include "host/x11/x11_display.h"

using namespace telemaint;

int main(int argc, char** argv) {
  CLI::App app{
      "telemaint-host: lets a technician reach this computer. It dials out to the relay (it\n"
      "listens on no port), shows a one-time session code to read to the technician, and\n"
      "carries the session, end-to-end encrypted, to this screen once you say yes.\n"
      "`telemaint-host log` shows the sessions this computer has had."};
  std::string relay_url, vnc, log_file;
  host::HostOptions o;
  bool verbose = false;
  app.add_option("--relay", relay_url, "Relay address, wss://HOST:PORT (required)");
  app.add_option("--ca", o.ca_file, "CA certificate that signed the relay's (PEM) (required)");
  app.add_option("--vnc-server", vnc,
                 "Share an existing VNC server, HOST:PORT (default: serve this X display)");
  app.add_option("--display", o.display, "X display to share, e.g. :0 (default: $DISPLAY)");
  app.add_option("--code-file", o.code_file, "Also write the current session code to this file");
  app.add_option("--customer", o.customer, "Customer name, recorded in the relay's log");
  app.add_option("--log-file", log_file, "Also append log lines to this file");
  app.add_flag("--verbose", verbose, "Log debugging detail");
  std::string ui;
  app.add_option("--ui", ui,
                 "How you are asked and shown sessions: gui (a window with the code, the "
                 "question and a banner with Stop; the default when a display is open) or tty "
                 "(questions on this terminal, answers typed a line each)")
      ->check(CLI::IsMember({"gui", "tty"}));
  app.add_option("--test-clock-rate", o.clock_rate,
                 "Tests only: the clock for answering runs this many times faster")
      ->check(CLI::Range(1, 1000))
      ->group("");  // hidden: not for people
  int consent_seconds = 120;
  app.add_option("--consent-timeout", consent_seconds,
                 "Seconds you have to answer a technician; no answer means no")
      ->check(CLI::Range(1, 120))
      ->capture_default_str();
  o.history_file = host::DefaultHistoryPath();
  app.add_option("--history-file", o.history_file, "Where this computer's session log is kept")
      ->capture_default_str();
  o.key_file = host::DefaultHostKeyPath();
  app.add_option("--key-file", o.key_file,
                 "This computer's signing key for session receipts (made on first use, 0600)")
      ->capture_default_str();
  auto* log_cmd = app.add_subcommand("log", "Show the sessions this computer has had, and exit");
  log_cmd->fallthrough();  // `telemaint-host log --history-file F`
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; any usage error exits 2, as documented.
    return app.exit(e) == 0 ? 0 : 2;
  }

  if (log_cmd->parsed()) {
    auto lines = host::SessionHistory::Summaries(o.history_file);
    if (!lines.ok()) {
      std::cout << lines.status().message() << "\n";
      return 0;
    }
    // Names come from the relay: no control character reaches the terminal.
    for (const auto& line : *lines) {
      std::string shown;
      size_t start = 0;
      for (size_t nl; (nl = line.find('\n', start)) != std::string::npos; start = nl + 1)
        shown += log::Printable(line.substr(start, nl - start)) + "\n";
      std::cout << shown << log::Printable(line.substr(start)) << "\n";
    }
    return 0;
  }
  if (relay_url.empty() || o.ca_file.empty()) {
    std::cerr << "error: --relay and --ca are required\nRun with --help for more information.\n";
    return 2;
  }
  o.consent_timeout = std::chrono::seconds(consent_seconds);
  log::SetProgram("telemaint-host");
  if (verbose) log::SetLevel(log::Level::kDebug);
  if (!log::SetFile(log_file)) {
    std::cerr << "error: cannot open the log file '" << log_file << "'\n";
    return 1;
  }
  auto relay = ParseRelayUrl(relay_url);
  if (!relay.ok()) {
    std::cerr << "error: " << relay.status().message() << "\n";
    return 2;
  }
  if (!vnc.empty()) {
    auto vnc_server = ParseHostPort(vnc);
    if (!vnc_server.ok()) {
      std::cerr << "error: --vnc-server: " << vnc_server.status().message() << "\n";
      return 2;
    }
    o.vnc_server = *vnc_server;
  }
  o.relay = *relay;
  std::string why;
  // The socket first (cheap, no X library involved), then a real connection: a display that
  // refuses us (X authority) must fall back to the terminal, not end the program in FLTK.
  const bool display_open =
      DisplayReachable(o.display, &why) && host::CanOpenX11Display(o.display, &why);
  if (ui.empty()) ui = display_open ? "gui" : "tty";
  // The platform: this build shares an X11 display.
  host::HostPlatform platform;
  platform.open_desktop = [display = o.display]() -> Result<std::unique_ptr<host::Desktop>> {
    auto x11 = host::X11Display::Open(display);
    if (!x11.ok()) return x11.status();
    return std::unique_ptr<host::Desktop>(std::move(*x11));
  };
  if (ui == "gui") {
    if (!display_open) {
      std::cerr << "error: --ui gui: " << why << "; use --ui tty to answer on this terminal\n";
      return 1;
    }
    return host::gui::RunHostWithWindows(o, std::move(platform), host::x11::KeepAbove);
  }
  host::HostAgent agent(o, std::move(platform));
  return agent.Run();
}
