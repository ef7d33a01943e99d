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
#include "viewer/connect_dialog.h"
#include "viewer/last_used.h"
#include "viewer/machine_access.h"
#include "viewer/rfb_snapshot.h"
#include "viewer/viewer_app.h"

using namespace telemaint;

namespace {

struct Arguments {
  std::string relay_url, listen, code, log_file, quality = "lossless";
  bool show_key = false, verbose = false;
  std::string customer;  // machines --customer
  bool json = false;     // machines --json
  viewer::ViewerOptions options;
};

std::string ConfigDir() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  return (xdg && *xdg ? std::string(xdg) : std::string(home ? home : ".") + "/.config") +
         "/telemaint";
}

std::string DefaultKeyFile() { return ConfigDir() + "/technician.key"; }

void AddOptions(CLI::App& app, Arguments& a) {
  viewer::ViewerOptions& o = a.options;
  app.add_option("--relay", a.relay_url, "Relay address, wss://HOST:PORT (required)");
  app.add_option("--ca", o.ca_file, "CA certificate that signed the relay's (PEM) (required)");
  app.add_option("--user", o.user, "Your technician account (required)");
  app.add_option("--code", a.code, "The customer's session code (prompted for when absent)");
  app.add_option("--listen", a.listen,
                 "Instead of a window, serve the session to your own VNC viewer on this local "
                 "address, e.g. 127.0.0.1:5901 (port 0: any free port)");
  app.add_option("--ticket", o.ticket, "Ticket reference, recorded in the relay's log");
  app.add_option("--snapshot", o.snapshot_file,
                 "Take one picture of the customer's screen (FILE.png or FILE.ppm) and exit");
  app.add_option("--quality", a.quality, "Picture quality: lossless, high or low")
      ->capture_default_str();
  app.add_option("--log-file", a.log_file,
                 "Where log lines go (default: ~/.local/state/telemaint/viewer.log)");
  app.add_flag("-v,--verbose", a.verbose,
               "Log debugging detail, and show the log lines on this terminal too");
  o.key_file = DefaultKeyFile();
  app.add_option("--key-file", o.key_file,
                 "Your signing key, shown to the customer as a fingerprint (made on first use)")
      ->capture_default_str();
  app.add_flag("--show-key", a.show_key,
               "Print your key's fingerprint (what customers see and auditors compare) and, on "
               "the next line, the whole public key (what your admin certifies), and exit");
  app.add_option("--machine", o.machine,
                 "An enrolled machine to reach unattended (its name or id, see `machines`), "
                 "instead of a customer's code");
  app.add_option("--cert-file", o.cert_file,
                 "Your technician certificate from your admin (default: technician.cert beside "
                 "the key file)");
  app.add_option("--send", o.send_files,
                 "Offer these files to the customer once they let you in (they are asked for "
                 "each one)")
      ->check(CLI::ExistingFile);
  app.add_option("--fetch", o.fetch_path,
                 "Unattended machines with policy allow: have the machine send you this file "
                 "(its path there; its name, size and SHA-256 are recorded in the audit log)");
  app.add_flag("--primary", o.share_primary,
               "Share the PRIMARY selection (text merely highlighted) too, when the customer's "
               "side shares it (its --primary)");
  app.add_flag("!--no-clipboard", o.share_clipboard,
               "Never send your clipboard to the customer nor take theirs (window)");
  app.add_option("--downloads", o.downloads,
                 "Where files the customer sends you are saved (default: your downloads folder)");
  app.add_option("--org-key", o.org_key,
                 "The organisation's public key to trust (64 hex digits or a file; default: the "
                 "one your certificate names)");
}

void DefaultFilesBesideKey(viewer::ViewerOptions& o) {
  if (o.cert_file.empty()) o.cert_file = viewer::DefaultCertificateFile(o.key_file);
  if (o.revocations_file.empty()) o.revocations_file = viewer::DefaultRevocationsFile(o.key_file);
}

int ShowKey(const std::string& key_file) {
  auto key = crypto::SigningKey::LoadOrCreate(key_file);
  if (!key.ok()) {
    std::cerr << "error: " << key.status().message() << "\n";
    return 1;
  }
  std::cout << crypto::KeyFingerprint(key->public_key()) << "\n"
            << ToHex(key->public_key()) << "\n";
  return 0;
}

// Where the session goes: a window, a local port (loopback only), or a picture.
Status ChooseOutput(Arguments& a) {
  viewer::ViewerOptions& o = a.options;
  o.window = a.listen.empty() && o.snapshot_file.empty();
  auto listen_at = ParseHostPort(a.listen.empty() ? "127.0.0.1:0" : a.listen, true);
  if (!listen_at.ok()) return Status::InvalidInput("--listen: " + listen_at.status().message());
  if (listen_at->host != "127.0.0.1" && listen_at->host != "::1" && listen_at->host != "localhost")
    return Status::InvalidInput(
        "--listen must be a loopback address (127.0.0.1 or ::1): the local port is "
        "unauthenticated");
  if (listen_at->host == "localhost") listen_at->host = "127.0.0.1";
  o.listen = *listen_at;
  if (!o.snapshot_file.empty() && !viewer::IsPictureFileName(o.snapshot_file))
    return Status::InvalidInput("--snapshot takes a .png or .ppm file name");
  auto quality = viewer::ParseQuality(a.quality);
  if (!quality.ok()) return quality.status();
  o.quality = *quality;
  return Status::Ok();
}

// Everything is checked before a code is spent.
int CheckArguments(Arguments& a) {
  auto relay = ParseRelayUrl(a.relay_url);
  if (!relay.ok()) {
    std::cerr << "error: " << relay.status().message() << "\n";
    return viewer::kExitUsage;
  }
  a.options.relay = *relay;
  if (Status s = ChooseOutput(a); !s.ok()) {
    std::cerr << "error: " << s.message() << "\n";
    return viewer::kExitUsage;
  }
  if (std::string why; a.options.window && !DisplayReachable("", &why)) {
    std::cerr << "error: cannot open a window: " << why
              << "; use --listen 127.0.0.1:5901 with your own VNC viewer, or --snapshot FILE.png\n";
    return viewer::kExitSetup;
  }
  return viewer::kExitOk;
}

// The code and the password, from the command line, the environment or the terminal.
int AskForSecrets(Arguments& a, std::string& password) {
  if (a.code.empty() && a.options.machine.empty()) {
    auto typed = PromptSecret("Session code: ");
    if (!typed) {
      std::cerr << "error: no --code and no terminal to ask for it\n";
      return viewer::kExitUsage;
    }
    a.code = std::move(*typed);
    crypto::Wipe(*typed);
  }
  if (const char* env = std::getenv("TELEMAINT_PASSWORD")) {
    password = env;
    unsetenv("TELEMAINT_PASSWORD");  // not inherited by anything we might start
    return viewer::kExitOk;
  }
  auto typed = PromptSecret("Password for " + a.options.user + ": ");
  if (!typed) {
    std::cerr << "error: no TELEMAINT_PASSWORD and no terminal to ask for the password\n";
    return viewer::kExitUsage;
  }
  password = std::move(*typed);
  crypto::Wipe(*typed);
  return viewer::kExitOk;
}

// This terminal is for the sentences meant for the technician; log lines go to the file
// (-v: both, with debugging detail). False when the file given cannot be opened.
bool SetUpLogging(const Arguments& a) {
  if (a.verbose) log::SetLevel(log::Level::kDebug);
  log::SetTerminal(a.verbose);
  if (a.log_file.empty()) {
    log::SetFileInStateDirectory("viewer");  // or, failing that, standard error
    return true;
  }
  if (log::SetFile(a.log_file)) return true;
  std::cerr << "error: cannot open the log file '" << a.log_file << "'\n";
  return false;
}

// A session that got past the login (a session, or a code or customer that said no): its
// relay and account are worth remembering.
void RememberIfLoggedIn(int rc, const Arguments& a) {
  if (rc == viewer::kExitOk || rc == viewer::kExitCode || rc == viewer::kExitSessionLost ||
      rc == viewer::kExitDeclined)
    viewer::RememberLastUsed({a.relay_url, a.options.ca_file, a.options.user});
}

// A window and no code: the connect dialog, and again after each session with how it ended,
// until the technician closes it. Exits as the last session did.
int RunWithDialog(Arguments& a) {
  std::string given_password, message = "Type the code the customer reads to you.";
  if (const char* env = std::getenv("TELEMAINT_PASSWORD")) {
    given_password = env;
    unsetenv("TELEMAINT_PASSWORD");
  }
  int rc = viewer::kExitOk;
  viewer::ConnectDetails details{a.relay_url, a.options.ca_file, a.options.user, "", ""};
  while (auto asked = viewer::AskToConnect(details, message, !given_password.empty())) {
    details = {asked->relay_url, asked->ca_file, asked->user, "", ""};
    a.relay_url = asked->relay_url;
    a.options.ca_file = asked->ca_file;
    a.options.user = asked->user;
    std::string password = given_password.empty() ? std::move(asked->password) : given_password;
    crypto::Wipe(asked->password);
    auto relay = ParseRelayUrl(a.relay_url);
    if (!relay.ok()) {
      crypto::Wipe(password);
      crypto::Wipe(asked->code);
      message = "The relay's address: " + relay.status().message();
      continue;
    }
    a.options.relay = *relay;
    std::string last_line;
    viewer::ViewerApp app(a.options, [&last_line](const std::string& line) {
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
      last_line = line;
    });
    std::string code = asked->code;  // Run wipes what it is given
    rc = app.Run(code, password);
    RememberIfLoggedIn(rc, a);
    message = last_line;
    // Refused before the customer's computer was reached (a password, a certificate): the
    // code was not used, so it stays in the field.
    if (rc == viewer::kExitLogin || rc == viewer::kExitSetup) details.code = asked->code;
    crypto::Wipe(asked->code);
  }
  crypto::Wipe(given_password);
  crypto::Wipe(details.code);
  return rc;
}

int ListMachines(Arguments& a) {
  auto relay = ParseRelayUrl(a.relay_url);
  if (!relay.ok()) {
    std::cerr << "error: " << relay.status().message() << "\n";
    return viewer::kExitUsage;
  }
  std::string password;
  if (const char* env = std::getenv("TELEMAINT_PASSWORD")) {
    password = env;
    unsetenv("TELEMAINT_PASSWORD");
  } else if (auto typed = PromptSecret("Password for " + a.options.user + ": ")) {
    password = std::move(*typed);
  } else {
    std::cerr << "error: no TELEMAINT_PASSWORD and no terminal to ask for the password\n";
    return viewer::kExitUsage;
  }
  viewer::MachineListOptions o{{*relay, a.options.ca_file, a.options.user},
                               a.customer,
                               a.json,
                               a.options.org_key,
                               a.options.cert_file,
                               a.options.revocations_file};
  return viewer::ListMachines(o, password);
}

}  // namespace

int main(int argc, char** argv) {
  // libvncclient writes with write(): a session ending under it must be an error, not death.
  signal(SIGPIPE, SIG_IGN);
  CLI::App app{
      "telemaint-viewer: joins a customer's session by the code they read to you and shows\n"
      "their screen, end-to-end encrypted, in a window (or serves it to a VNC viewer on a\n"
      "local port with --listen, or saves one picture with --snapshot).\n"
      "The password comes from TELEMAINT_PASSWORD or a prompt."};
  Arguments a;
  AddOptions(app, a);
  // Keys named as the long options (relay = "wss://…", ca = "…", user = "alice"); a flag given
  // on the command line overrides the file.
  app.set_config("--config", ConfigDir() + "/viewer.conf",
                 "Settings file, keys named as the long options; flags override it")
      ->capture_default_str();
  app.allow_config_extras(CLI::config_extras_mode::error);  // a misspelt key says so
  auto* machines = app.add_subcommand(
      "machines", "List your organisation's enrolled machines: online or not, inventory, health");
  machines->add_option("--customer", a.customer, "Only this customer's machines");
  machines->add_flag("--json", a.json, "Print JSON");
  machines->fallthrough();  // --relay, --ca, --user, --org-key, ...
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; any usage error exits 2, as documented.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (a.show_key) return ShowKey(a.options.key_file);
  if (viewer::FillFromLastUsed(a.relay_url, a.options.ca_file, a.options.user))
    std::cerr << "Using your last session's relay and account (" << viewer::LastUsedFile()
              << "): " << a.relay_url << " as " << a.options.user << "\n";
  // No code for a window (from the menu, most often): the connect dialog asks for everything.
  std::string no_display;
  const bool dialog = !machines->parsed() && a.code.empty() && a.options.machine.empty() &&
                      a.listen.empty() && a.options.snapshot_file.empty() &&
                      DisplayReachable("", &no_display);
  if (!dialog && (a.relay_url.empty() || a.options.ca_file.empty() || a.options.user.empty())) {
    std::cerr << "error: telemaint-viewer needs the relay, its CA certificate and your account: "
                 "give --relay, --ca and --user, or write them in "
              << ConfigDir()
              << "/viewer.conf (relay = \"wss://relay.example.com:8443\", ca = \"/path/ca.pem\", "
                 "user = \"you\")\n";
    return 2;
  }
  DefaultFilesBesideKey(a.options);
  log::SetProgram("telemaint-viewer");
  if (dialog) {
    if (!SetUpLogging(a)) return viewer::kExitSetup;
    if (Status s = ChooseOutput(a); !s.ok()) {
      std::cerr << "error: " << s.message() << "\n";
      return viewer::kExitUsage;
    }
    a.options.window_linger = std::chrono::seconds(0);  // the dialog says how it ended
    return RunWithDialog(a);
  }
  if (machines->parsed()) return ListMachines(a);
  if (!SetUpLogging(a)) return viewer::kExitSetup;  // as in telemaint-relay and telemaint-host
  if (int rc = CheckArguments(a); rc != viewer::kExitOk) return rc;
  std::string password;
  if (int rc = AskForSecrets(a, password); rc != viewer::kExitOk) return rc;
  viewer::ViewerApp viewer_app(a.options);
  const int rc = viewer_app.Run(a.code, password);
  RememberIfLoggedIn(rc, a);
  return rc;
}
