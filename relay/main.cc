// telemaint-relay: argument parsing only; the work is in the relay library.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "audit/audit_log.h"
#include "common/log.h"
#include "relay/admin_cli.h"
#include "relay/relay.h"
#include "relay/user_cli.h"
#include "relay/web_loader.h"

using namespace telemaint;

namespace {

// The flags in seconds, turned into RelayOptions' durations once parsed.
struct Timeouts {
  int code_ttl = 600, idle = 30, hello = 10, handshake = 10, checkpoint_quiet = 60;
};

void AddLimitOptions(CLI::App& app, relay::RelayOptions& o) {
  app.add_option("--max-connections", o.max_connections, "Connections served at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--max-connections-per-address", o.max_connections_per_address,
                 "Connections served at once from one address (an office behind NAT is one)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--max-waiting-hosts", o.max_waiting_hosts, "Hosts waiting with a code at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 50000));
  app.add_option("--joins-per-minute", o.joins_per_minute, "Join attempts per client address")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 100000.0));
  app.add_option("--hosts-per-minute", o.hosts_per_minute,
                 "New host connections per client address (each is audited)")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 100000.0));
  app.add_option("--audit-checkpoint-every", o.audit_checkpoint_every,
                 "Audit records between signed checkpoints (one is also signed at shutdown)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_flag("--audit-accept-restore", o.audit_accept_restore,
               "Start on an audit log older than the one this relay last signed (a backup "
               "restored on purpose); the log records the records lost")
      ->configurable(false);  // a one-off decision, never a setting every restart repeats
}

void AddTimeoutOptions(CLI::App& app, Timeouts& t) {
  app.add_option("--code-ttl", t.code_ttl, "Seconds a session code stays valid (at most 600)")
      ->capture_default_str()
      ->check(CLI::Range(1, 600));
  app.add_option("--idle-timeout", t.idle, "Seconds of silence before a peer is dropped")
      ->capture_default_str()
      ->check(CLI::Range(4, 3600));
  app.add_option("--handshake-timeout", t.handshake,
                 "Seconds a new connection has for its TLS handshake and HTTP request")
      ->capture_default_str()
      ->check(CLI::Range(1, 120));
  app.add_option("--hello-timeout", t.hello, "Seconds a new connection has to say hello")
      ->capture_default_str()
      ->check(CLI::Range(1, 120));
  app.add_option("--audit-checkpoint-quiet", t.checkpoint_quiet,
                 "Seconds after the last audit record no checkpoint covers before one is signed "
                 "(so a quiet relay's log verifies; 0: never)")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400));
}

CLI::App* AddUserCommands(CLI::App& app, relay::UserCommand& cmd) {
  auto* user = app.add_subcommand("user", "Manage technician, auditor and admin accounts");
  user->require_subcommand(1);
  auto with_data_dir = [&](CLI::App* sub) {
    sub->add_option("--data-dir", cmd.data_dir, "The relay's data directory")->required();
    return sub;
  };
  auto* add = with_data_dir(
      user->add_subcommand("add", "Add an account (password from a prompt or stdin)"));
  add->add_option("NAME", cmd.name, "Account name")->required();
  add->add_option("--role", cmd.role, "technician, auditor or admin")->capture_default_str();
  add->add_option("--display-name", cmd.display_name, "Name the end user is shown");
  add->add_option("--organisation", cmd.organisation, "Organisation the end user is shown");
  add->add_flag("--password-stdin", cmd.password_stdin, "Read the password from stdin");
  with_data_dir(user->add_subcommand("list", "List accounts"));
  for (const char* action : {"disable", "enable"}) {
    auto* sub = with_data_dir(user->add_subcommand(
        action, std::string(action) == "disable" ? "Disable an account (it can no longer log in)"
                                                 : "Enable a disabled account"));
    sub->add_option("NAME", cmd.name, "Account name")->required();
  }
  auto* passwd = with_data_dir(user->add_subcommand("passwd", "Change an account's password"));
  passwd->add_option("NAME", cmd.name, "Account name")->required();
  passwd->add_flag("--password-stdin", cmd.password_stdin, "Read the password from stdin");
  return user;
}

CLI::App* AddPackCommands(CLI::App& app, relay::PackCommand& cmd) {
  auto* pack = app.add_subcommand("pack", "Prepaid hour packs, recorded in the audit log");
  pack->require_subcommand(1);
  auto* add = pack->add_subcommand("add",
                                   "Record a pack of hours a customer bought (the relay "
                                   "must be running: it writes the record)");
  add->add_option("CUSTOMER", cmd.customer, "Customer name, as hosts give it with --customer")
      ->required();
  add->add_option("--hours", cmd.hours, "Hours bought: 10, 2.5 or 1:30")->required();
  add->add_option("--date", cmd.date, "Date bought, YYYY-MM-DD (default: today, UTC)");
  add->add_option("--note", cmd.note, "E.g. the invoice: \"facture F-2031\"");
  auto* list = pack->add_subcommand("list", "List the packs recorded");
  list->add_option("--customer", cmd.customer, "Only this customer");
  for (auto* sub : {add, list})
    sub->add_option("--data-dir", cmd.data_dir, "The relay's data directory")->required();
  return pack;
}

int PrintAuditKey(const std::string& data_dir) {
  auto key = audit::AuditPublicKeyHex(data_dir);
  if (!key.ok()) {
    std::cerr << "error: " << key.status().message() << "\n";
    return 1;
  }
  std::cout << *key << "\n";
  return 0;
}

int Serve(relay::RelayOptions o, const Timeouts& t, const std::string& log_file) {
  if (o.cert_file.empty() || o.key_file.empty() || o.data_dir.empty()) {
    std::cerr << "error: --cert, --key and --data-dir are required to run the relay "
                 "(see --help)\n";
    return 2;
  }
  if (!log::SetFile(log_file)) {
    std::cerr << "error: cannot open the log file '" << log_file << "'\n";
    return 1;
  }
  o.join_burst = std::max(10.0, o.joins_per_minute / 3);
  o.host_burst = std::max(10.0, o.hosts_per_minute / 2);
  o.code_ttl = std::chrono::seconds(t.code_ttl);
  o.idle_timeout = std::chrono::seconds(t.idle);
  o.hello_timeout = std::chrono::seconds(t.hello);
  o.tls_timeout = std::chrono::seconds(t.handshake);
  o.audit_checkpoint_quiet = std::chrono::seconds(t.checkpoint_quiet);
  auto r = relay::Relay::Create(o);
  if (!r.ok()) {
    std::cerr << "error: " << r.status().message() << "\n";
    return 1;
  }
  auto& relay = **r;
  relay.Run(/*handle_signals=*/true, [&relay] {
    log::Info("listening on port ", relay.port());
    // Scripts and tests wait for this line (the port matters when --listen used port 0).
    std::printf("telemaint-relay listening on port %u\n", relay.port());
    std::fflush(stdout);
  });
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "telemaint-relay: pairs customers' hosts with technicians' viewers by session code and\n"
      "forwards their end-to-end encrypted traffic, which it cannot read."};
  app.set_help_all_flag("--help-all", "Show help for all subcommands");
  relay::RelayOptions o;
  Timeouts timeouts;
  std::string log_file, audit_dir;
  app.add_option("--listen", o.listen, "Address and port to listen on (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--cert", o.cert_file, "Relay certificate chain (PEM)");
  app.add_option("--key", o.key_file, "Relay private key (PEM)");
  app.add_option("--data-dir", o.data_dir, "Directory for the relay's database");
  app.add_option("--org-key", o.org_key,
                 "The organisation's public key (64 hex digits, or a file holding them, e.g. "
                 "the org.pub of telemaint-admin init): serves enrolled machines");
  app.add_option("--web-root", o.web_root,
                 "The web viewer's files, served at https://RELAY/ (default: "
                 "../share/telemaint/web next to this program, when there; 'none': no web viewer)");
  AddLimitOptions(app, o);
  AddTimeoutOptions(app, timeouts);
  app.add_option("--log-file", log_file, "Also append log lines to this file");
  // The packaged service's /etc/telemaint/relay.conf; no default, so a relay started by hand
  // or by a test reads only its flags.
  app.set_config("--config", "",
                 "Settings file, keys named as the long options (e.g. /etc/telemaint/relay.conf); "
                 "flags override it");
  // A misspelt key must not be ignored silently (say "webroot = none" serving the page).
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.require_subcommand(0, 1);
  relay::UserCommand user_cmd;
  auto* user = AddUserCommands(app, user_cmd);
  auto* audit_key = app.add_subcommand(
      "audit-key", "Print the audit log's public key (made at first start), for auditors to pin");
  audit_key->add_option("--data-dir", audit_dir, "The relay's data directory")->required();
  auto* checkpoint = app.add_subcommand(
      "audit-checkpoint", "Have the running relay sign a checkpoint of its audit log now");
  checkpoint->add_option("--data-dir", audit_dir, "The relay's data directory")->required();
  relay::PackCommand pack_cmd;
  auto* pack = AddPackCommands(app, pack_cmd);
  std::string loader_relay, loader_root, loader_output = "telemaint-web.html";
  auto* loader = app.add_subcommand(
      "web-loader",
      "Write a page that loads the web viewer from this relay only while it "
      "serves the files reviewed now (pinned by digest; see docs/operations.md)");
  loader->add_option("--relay", loader_relay, "The relay's address, wss://HOST[:PORT]")->required();
  loader->add_option("--web-root", loader_root,
                     "The web viewer's files (default: ../share/telemaint/web next to this "
                     "program)");
  loader->add_option("--output", loader_output, "The page to write")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; any usage error exits 2, as documented.
    return app.exit(e) == 0 ? 0 : 2;
  }
  log::SetProgram("telemaint-relay");
  if (audit_key->parsed()) return PrintAuditKey(audit_dir);
  if (loader->parsed()) return relay::RunWebLoader(loader_relay, loader_root, loader_output);
  if (checkpoint->parsed()) return relay::RunAuditCheckpoint(audit_dir);
  if (pack->parsed()) {
    for (auto* sub : pack->get_subcommands()) pack_cmd.action = sub->get_name();
    return relay::RunPackCommand(pack_cmd);
  }
  if (user->parsed()) {
    for (auto* sub : user->get_subcommands()) user_cmd.action = sub->get_name();
    return relay::RunUserCommand(user_cmd);
  }
  return Serve(o, timeouts, log_file);
}
