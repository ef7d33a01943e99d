// telemaint-host: argument parsing, and the platform put together with the host core: an X11
// desktop (host/x11/) and the windows (host/gui/) or the terminal. The work is in the libraries.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "common/display_check.h"
#include "common/language.h"
#include "common/log.h"
#include "host/active_display.h"
#include "host/desktop.h"
#include "host/gui/gui_host.h"
#include "host/host_agent.h"
#include "host/machine_state.h"
#include "host/policy.h"
#include "host/session_history.h"
#include "host/x11/keep_above.h"
#include "host/x11/x11_clipboard.h"
#include "host/x11/x11_display.h"

using namespace telemaint;

namespace {

constexpr const char* kHostConfig = "/etc/telemaint/host.conf";

struct Arguments {
  std::string relay_url, vnc, log_file, ui;
  bool verbose = false;
  int consent_seconds = 120;
  int handshake_seconds = 30;
  host::HostOptions options;
};

void AddOptions(CLI::App& app, Arguments& a) {
  host::HostOptions& o = a.options;
  app.add_option("--relay", a.relay_url, "Relay address, wss://HOST:PORT (required)");
  app.add_option("--ca", o.ca_file, "CA certificate that signed the relay's (PEM) (required)");
  app.add_option("--vnc-server", a.vnc,
                 "Share an existing VNC server, HOST:PORT (default: serve this X display)");
  app.add_option("--display", o.display, "X display to share, e.g. :0 (default: $DISPLAY)");
  app.add_option("--code-file", o.code_file, "Also write the current session code to this file");
  app.add_option("--customer", o.customer, "Customer name, recorded in the relay's log");
  app.add_option("--machine-name", o.machine_name,
                 "This computer's name in the relay's log (default: its host name)");
  app.add_option("--log-file", a.log_file,
                 "Where log lines go (default: ~/.local/state/telemaint/host.log; the service "
                 "logs to standard error, for the journal)");
  app.add_flag("-v,--verbose", a.verbose,
               "Log debugging detail, and show the log lines on this terminal too");
  app.add_option("--ui", a.ui,
                 "How you are asked and shown sessions: gui (a window with the code, the "
                 "question and a banner with Stop; the default when a display is open) or tty "
                 "(questions on this terminal, answers typed a line each)")
      ->check(CLI::IsMember({"gui", "tty"}));
  app.add_option("--test-clock-rate", o.clock_rate,
                 "Tests only: the clock for answering runs this many times faster")
      ->check(CLI::Range(1, 1000))
      ->group("");  // hidden: not for people
  app.add_option("--handshake-timeout", a.handshake_seconds,
                 "Seconds the key exchange with a technician may take once the relay paired "
                 "you")
      ->check(CLI::Range(1, 120))
      ->capture_default_str();
  app.add_option("--consent-timeout", a.consent_seconds,
                 "Seconds you have to answer a technician; no answer means no")
      ->check(CLI::Range(1, 120))
      ->capture_default_str();
  app.add_option("--downloads", o.downloads,
                 "Where files you accept from the technician are saved (default: your downloads "
                 "folder, as xdg-user-dir DOWNLOAD names it)");
  app.add_flag("--primary", o.primary_selection,
               "Share the PRIMARY selection (text merely highlighted) too, not only the "
               "clipboard");
  app.add_flag("!--no-clipboard", o.clipboard,
               "Start each session with the clipboard not shared (you can switch it on)");
  o.history_file = host::DefaultHistoryPath();
  app.add_option("--history-file", o.history_file, "Where this computer's session log is kept")
      ->capture_default_str();
  o.key_file = host::DefaultHostKeyPath();
  app.add_option("--key-file", o.key_file,
                 "This computer's signing key for session receipts (made on first use, 0600)")
      ->capture_default_str();
}

// `telemaint-host policy`: shows, or (root) sets, an enrolled machine's unattended policy.
int Policy(const std::string& state_dir, const std::string& set, const std::string& hours,
           bool clear_hours) {
  host::MachineState state(state_dir);
  auto policy = host::LoadPolicy(state.policy_file());
  if (set.empty() && hours.empty() && !clear_hours) {
    if (!policy.ok()) {
      std::cerr << "error: " << policy.status().message() << "\n";
      return 1;
    }
    std::cout << "policy " << wire::ToWire(policy->policy)
              << (policy->hours.empty() ? "" : ", hours " + policy->hours) << "\n";
    return 0;
  }
  host::MachinePolicy p = policy.ok() ? *policy : host::MachinePolicy{};
  if (!set.empty()) {
    auto word = wire::FromWire<wire::UnattendedPolicy>(set);
    if (!word) {
      std::cerr << "error: the policy is allow, ask or deny\n";
      return 2;
    }
    p.policy = *word;
  }
  if (clear_hours) p.hours.clear();
  if (!hours.empty()) {
    if (auto parsed = host::ParseHours(hours); !parsed.ok()) {
      std::cerr << "error: " << parsed.status().message() << "\n";
      return 2;
    }
    p.hours = hours;
  }
  if (Status s = host::SavePolicy(state.policy_file(), p); !s.ok()) {
    std::cerr << "error: " << s.message() << " (only root may change the policy)\n";
    return 1;
  }
  std::cout << "policy " << wire::ToWire(p.policy) << (p.hours.empty() ? "" : ", hours " + p.hours)
            << " (applies from the next session)\n";
  return 0;
}

// Under systemd nobody gives a display: the service shares the active session's.
void ChooseServiceDisplay(host::HostOptions& o) {
  const char* env = std::getenv("DISPLAY");
  if (!o.display.empty() || (env && *env)) return;
  host::ActiveDisplay found = host::FindActiveDisplay();
  if (found.display.empty()) {
    std::cout << "No X display was given and none is active on this machine; retrying later."
              << std::endl;
    return;
  }
  o.display = found.display;
  if (!found.xauthority.empty()) setenv("XAUTHORITY", found.xauthority.c_str(), 1);
  std::cout << "Sharing display " << found.display << " (" << found.how << ")." << std::endl;
}

int PrintLog(const std::string& history_file) {
  auto lines = host::SessionHistory::Summaries(history_file, LanguageFromLocale());
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

// The relay and the VNC server as typed; a usage error's sentence if not.
Status ParseAddresses(Arguments& a) {
  if (a.options.state_dir.empty()) {  // an enrolled machine's relay is in its state
    auto relay = ParseRelayUrl(a.relay_url);
    if (!relay.ok()) return relay.status();
    a.options.relay = *relay;
  }
  if (a.vnc.empty()) return Status::Ok();
  auto vnc_server = ParseHostPort(a.vnc);
  if (!vnc_server.ok())
    return Status::InvalidInput("--vnc-server: " + vnc_server.status().message());
  a.options.vnc_server = *vnc_server;
  return Status::Ok();
}

// This build's desktop: an X11 display (the windows get X11's keep-above apart).
host::HostPlatform X11Platform(const std::string& display) {
  host::HostPlatform platform;
  platform.open_desktop = [display]() -> Result<std::unique_ptr<host::Desktop>> {
    auto x11 = host::X11Display::Open(display);
    if (!x11.ok()) return x11.status();
    return std::unique_ptr<host::Desktop>(std::move(*x11));
  };
  platform.open_clipboard = [display](bool primary) {
    return host::OpenX11Clipboard(display, primary);
  };
  return platform;
}

int RunHost(Arguments& a) {
  std::string why;
  // The socket first (cheap, no X library involved), then a real connection: a display that
  // refuses us (X authority) must fall back to the terminal, not end the program in FLTK.
  const host::HostOptions& o = a.options;
  const bool display_open =
      DisplayReachable(o.display, &why) && host::CanOpenX11Display(o.display, &why);
  const std::string ui = a.ui.empty() ? (display_open ? "gui" : "tty") : a.ui;
  if (ui == "gui" && !display_open) {
    std::cerr << "error: --ui gui: " << why << "; use --ui tty to answer on this terminal\n";
    return 1;
  }
  if (ui == "gui")
    return host::gui::RunHostWithWindows(o, X11Platform(o.display), host::x11::KeepAbove);
  host::HostAgent agent(o, X11Platform(o.display));
  return agent.Run();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "telemaint-host: lets a technician reach this computer. It dials out to the relay (it\n"
      "listens on no port), shows a one-time session code to read to the technician, and\n"
      "carries the session, end-to-end encrypted, to this screen once you say yes.\n"
      "`telemaint-host log` shows the sessions this computer has had."};
  Arguments a;
  AddOptions(app, a);
  // What the provider sets once, so that the customer runs telemaint-host with no arguments:
  // keys named as the long options (relay = "wss://…", ca = "…", customer = "…"); a flag
  // given on the command line overrides the file.
  app.set_config("--config", kHostConfig,
                 "Settings file, keys named as the long options; flags override it")
      ->capture_default_str();
  app.allow_config_extras(CLI::config_extras_mode::error);  // a misspelt key says so
  auto* log_cmd = app.add_subcommand("log", "Show the sessions this computer has had, and exit");
  log_cmd->fallthrough();  // `telemaint-host log --history-file F`
  std::string state_dir = host::DefaultStateDir();
  host::EnrolOptions enrol;
  auto* enroll_cmd = app.add_subcommand(
      "enroll", "Enrol this machine for unattended access with a token from your provider");
  enroll_cmd->add_option("--token", enrol.token_file, "The enrolment token file")->required();
  enroll_cmd->add_option("--ca", enrol.ca_file, "The relay's CA certificate (PEM)")->required();
  enroll_cmd->add_option("--state-dir", state_dir, "Where the machine's key and state are kept")
      ->capture_default_str();
  enroll_cmd->add_option("--machine", enrol.machine_name,
                         "The machine's name (default: host name)");
  auto* service_cmd = app.add_subcommand(
      "service", "Stay online for unattended sessions (an enrolled machine; see the policy)");
  service_cmd->add_option("--state-dir", state_dir, "The machine's state directory")
      ->capture_default_str();
  service_cmd->fallthrough();  // --display, --ui, --log-file, ...
  std::string policy_set, policy_hours;
  bool clear_hours = false;
  auto* policy_cmd = app.add_subcommand(
      "policy", "Show or (root) set this machine's unattended policy: allow, ask or deny");
  policy_cmd->add_option("--state-dir", state_dir, "The machine's state directory")
      ->capture_default_str();
  policy_cmd->add_option("POLICY", policy_set, "allow, ask or deny");
  policy_cmd->add_option("--hours", policy_hours,
                         "Only within these hours, e.g. \"Mon-Fri 08:00-18:00\" (local time)");
  policy_cmd->add_flag("--any-time", clear_hours, "Remove the hours");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; any usage error exits 2, as documented.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (log_cmd->parsed()) return PrintLog(a.options.history_file);
  if (policy_cmd->parsed()) return Policy(state_dir, policy_set, policy_hours, clear_hours);
  if (enroll_cmd->parsed()) {
    enrol.state_dir = state_dir;
    return host::Enroll(enrol, [](const std::string& line) { std::cout << line << std::endl; });
  }
  if (service_cmd->parsed()) {
    a.options.state_dir = state_dir;
    ChooseServiceDisplay(a.options);
    a.options.min_backoff = std::chrono::seconds(1);  // doubling to a minute, with jitter
    a.options.max_backoff = std::chrono::seconds(60);
  }
  if (a.options.state_dir.empty() && (a.relay_url.empty() || a.options.ca_file.empty())) {
    std::cerr << "error: telemaint-host is not set up on this computer yet: your provider writes "
                 "the relay's address and certificate in "
              << kHostConfig
              << " (relay = \"wss://relay.example.com:8443\", ca = \"/path/ca.pem\"), or "
                 "give --relay and --ca\n";
    // Started from the menu, nobody reads standard error: the window says it.
    std::string why;
    // Only when the window was asked for (the menu entry runs `telemaint-host --ui gui`): a
    // script or autostart without a terminal must not wait on a window nobody expects.
    if (a.ui == "gui" && !isatty(STDIN_FILENO) && DisplayReachable(a.options.display, &why) &&
        host::CanOpenX11Display(a.options.display, &why))
      host::gui::ShowNotSetUp(a.options.display);
    return 2;
  }
  a.options.consent_timeout = std::chrono::seconds(a.consent_seconds);
  a.options.handshake_timeout = std::chrono::seconds(a.handshake_seconds);
  log::SetProgram("telemaint-host");
  if (a.verbose) log::SetLevel(log::Level::kDebug);
  // This terminal is for the sentences meant for the person; log lines go to the file. The
  // service has no person at a terminal: its lines go to the journal.
  const bool service = !a.options.state_dir.empty();
  log::SetTerminal(a.verbose || service);
  if (!a.log_file.empty() && !log::SetFile(a.log_file)) {
    std::cerr << "error: cannot open the log file '" << a.log_file << "'\n";
    return 1;
  }
  if (a.log_file.empty() && !service) log::SetFileInStateDirectory("host");
  if (Status s = ParseAddresses(a); !s.ok()) {
    std::cerr << "error: " << s.message() << "\n";
    return 2;
  }
  return RunHost(a);
}
