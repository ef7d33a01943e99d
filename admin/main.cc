// telemaint-admin: argument parsing only; the work is in commands.cc and relay_commands.cc.
#include <CLI/CLI.hpp>

#include "admin/commands.h"

using namespace telemaint;

namespace {

void AddRelayOptions(CLI::App* sub, admin::RelayArgs& r) {
  sub->add_option("--org", r.org_dir, "The organisation's directory")->required();
  sub->add_option("--relay", r.relay, "Relay address, wss://HOST:PORT")->required();
  sub->add_option("--ca", r.ca_file, "CA certificate that signed the relay's (PEM)")->required();
  sub->add_option("--user", r.user, "Your admin account on the relay")->required();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "telemaint-admin: the organisation's keys for unattended access. Makes the organisation\n"
      "key, technician certificates and enrolment tokens, and with an admin account on the\n"
      "relay approves machines and publishes revocations. The relay password comes from\n"
      "TELEMAINT_PASSWORD or a prompt."};
  app.require_subcommand(1);
  std::string org_dir, name;
  auto* init = app.add_subcommand("init", "Make the organisation key in DIR (0600)");
  init->add_option("--org", org_dir, "Directory for the organisation (made 0700)")->required();
  init->add_option("--name", name, "The organisation's name, e.g. \"Acme IT\"")->required();

  admin::CertifyArgs certify;
  auto* cert = app.add_subcommand("certify", "Certify a technician's key");
  cert->add_option("--org", certify.org_dir, "The organisation's directory")->required();
  cert->add_option("--account", certify.account, "The technician's relay account")->required();
  cert->add_option("--key", certify.key_hex,
                   "The technician's public key (64 hex digits, from telemaint-viewer --show-key)")
      ->required();
  cert->add_option("--days", certify.days, "Validity")->capture_default_str();
  cert->add_option("--customer", certify.customers,
                   "Only for this customer's machines (repeat; default: every customer)");
  cert->add_option("--out", certify.out, "Certificate file to write")->required();

  admin::TokenArgs token;
  auto* tok = app.add_subcommand("token", "Make an enrolment token for one customer's machines");
  tok->add_option("--org", token.org_dir, "The organisation's directory")->required();
  tok->add_option("--relay", token.relay, "Relay address the machines use, wss://HOST:PORT")
      ->required();
  tok->add_option("--ca", token.ca_file, "The relay's CA file (machines must be given the same)");
  tok->add_option("--customer", token.customer, "The customer's name")->required();
  tok->add_option("--days", token.days, "Validity")->capture_default_str();
  tok->add_option("--unattended", token.policy,
                  "The machines' policy: allow (nobody is asked), ask, or deny")
      ->capture_default_str();
  tok->add_option("--out", token.out, "Token file to write (0600)")->required();

  admin::RelayArgs relay;
  std::vector<std::string> machines, technicians;
  bool all = false;
  auto* pending = app.add_subcommand("pending", "List machines waiting for approval");
  AddRelayOptions(pending, relay);
  pending->add_flag("--json", relay.json, "Print JSON");
  auto* approve = app.add_subcommand("approve", "Approve pending machines (signs their records)");
  AddRelayOptions(approve, relay);
  approve->add_option("MACHINE", machines, "Machine id or name");
  approve->add_flag("--all", all, "Every pending machine whose request checks out");
  auto* reject = app.add_subcommand("reject", "Drop pending requests");
  AddRelayOptions(reject, relay);
  reject->add_option("MACHINE_ID", machines, "Machine id")->required();
  auto* revoke = app.add_subcommand("revoke", "Publish a signed revocation");
  AddRelayOptions(revoke, relay);
  revoke->add_option("--technician", technicians, "A technician's public key (64 hex digits)");
  revoke->add_option("--machine", machines, "A machine id");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (init->parsed()) return admin::Init(org_dir, name);
  if (cert->parsed()) return admin::Certify(certify);
  if (tok->parsed()) return admin::MakeToken(token);
  if (pending->parsed()) return admin::Pending(relay);
  if (approve->parsed()) {
    if (machines.empty() && !all) {
      std::cerr << "error: name the machines to approve, or --all\n";
      return 2;
    }
    return admin::Approve(relay, machines, all);
  }
  if (reject->parsed()) return admin::Reject(relay, machines);
  if (technicians.empty() && machines.empty()) {
    std::cerr << "error: revoke needs --technician KEY or --machine ID\n";
    return 2;
  }
  return admin::Revoke(relay, technicians, machines);
}
