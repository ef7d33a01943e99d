#include "tests/support/organisation.h"

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace telemaint::testing {

namespace {
int RunToEnd(std::vector<std::string> argv, std::map<std::string, std::string> env,
             std::string* output) {
  Process p(std::move(argv), std::move(env));
  auto rc = p.Wait(60s);
  if (output) *output = p.Output();
  return rc.value_or(-1);
}
}  // namespace

Organisation::Organisation(Deployment& d) : d_(d) {
  std::string out;
  if (RunToEnd({BinPath("telemaint-admin"), "init", "--org", org_dir(), "--name", "Acme IT"}, {},
               &out) != 0)
    throw std::runtime_error("telemaint-admin init failed: " + out);
  Process add({BinPath("telemaint-relay"), "user", "add", "boss", "--role", "admin",
               "--password-stdin", "--data-dir", d_.data_dir()},
              {}, std::string(kAdminPassword) + "\n");
  if (add.Wait(60s) != 0) throw std::runtime_error("user add failed: " + add.Output());
}

std::unique_ptr<Process> Organisation::StartRelay(const std::string& listen) {
  return d_.StartRelay({"--org-key", org_pub()}, listen);
}

int Organisation::Admin(std::vector<std::string> args, std::string* output) {
  std::vector<std::string> argv = {BinPath("telemaint-admin")};
  argv.insert(argv.end(), args.begin(), args.end());
  const bool to_relay = args[0] == "pending" || args[0] == "approve" || args[0] == "reject" ||
                        args[0] == "revoke";
  if (to_relay)
    argv.insert(argv.end(), {"--org", org_dir(), "--relay", d_.relay_url(), "--ca", d_.ca(),
                             "--user", "boss"});
  return RunToEnd(argv, {{"TELEMAINT_PASSWORD", kAdminPassword}}, output);
}

std::string Organisation::Token(const std::string& policy, const std::string& customer) {
  static int made = 0;
  const std::string file = d_.dir() / ("token-" + std::to_string(++made) + ".json");
  std::string out;
  if (Admin({"token", "--org", org_dir(), "--relay", d_.relay_url(), "--ca", d_.ca(),
             "--customer", customer, "--unattended", policy, "--out", file},
            &out) != 0)
    throw std::runtime_error("token failed: " + out);
  return file;
}

int Organisation::Enrol(const std::string& token, const std::string& machine,
                        std::string* output) {
  return RunToEnd({BinPath("telemaint-host"), "enroll", "--token", token, "--ca", d_.ca(),
                   "--state-dir", state_dir(machine), "--machine", machine},
                  {}, output);
}

std::string Organisation::EnrolAndApprove(const std::string& machine, const std::string& policy) {
  std::string out;
  if (Enrol(Token(policy), machine, &out) != 0) throw std::runtime_error("enrol: " + out);
  if (Admin({"approve", machine}, &out) != 0) throw std::runtime_error("approve: " + out);
  const std::string id = out.substr(out.find("Approved machine ") + 17, 32);
  return id;
}

std::string Organisation::TechnicianKeyHex() {
  std::string out;
  RunToEnd({BinPath("telemaint-viewer"), "--show-key", "--key-file", d_.key_file("viewer")}, {},
           &out);
  return out.substr(out.find('\n') + 1, 64);
}

void Organisation::CertifyTechnician(const std::string& account, std::vector<std::string> extra) {
  std::vector<std::string> args = {"certify", "--org", org_dir(), "--account", account, "--key",
                                   TechnicianKeyHex(), "--out", cert_file()};
  args.insert(args.end(), extra.begin(), extra.end());
  std::string out;
  if (Admin(args, &out) != 0) throw std::runtime_error("certify: " + out);
}

Organisation::OnlineMachine Organisation::StartMachine(const std::string& machine,
                                                      const std::string& policy,
                                                      const std::string& display,
                                                      std::vector<std::string> extra) {
  OnlineMachine m;
  m.id = EnrolAndApprove(machine, policy);
  CertifyTechnician();
  m.service = StartService(machine, display, std::move(extra));
  return m;
}

std::unique_ptr<Process> Organisation::StartService(const std::string& machine,
                                                    const std::string& display,
                                                    std::vector<std::string> extra) {
  std::vector<std::string> argv = {BinPath("telemaint-host"), "service", "--state-dir",
                                   state_dir(machine), "--display", display, "--log-file",
                                   d_.log_file(machine)};
  if (std::find(extra.begin(), extra.end(), "--ui") == extra.end())
    argv.insert(argv.end(), {"--ui", "tty"});
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<Process>(argv, std::map<std::string, std::string>{}, std::string(),
                                   /*keep_stdin_open=*/true, /*use_pty=*/true);
}

std::unique_ptr<Process> Organisation::StartViewer(const std::string& machine,
                                                   std::vector<std::string> extra) {
  std::vector<std::string> argv = {BinPath("telemaint-viewer"), "--relay", d_.relay_url(),
                                   "--ca", d_.ca(), "--user", "alice", "--key-file",
                                   d_.key_file("viewer"), "--machine", machine};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<Process>(argv, std::map<std::string, std::string>{
                                             {"TELEMAINT_PASSWORD", kTechPassword}});
}

nlohmann::json Organisation::Machines(const std::string& customer) {
  std::vector<std::string> argv = {BinPath("telemaint-viewer"), "machines", "--json", "--relay",
                                   d_.relay_url(), "--ca", d_.ca(), "--user", "alice",
                                   "--key-file", d_.key_file("viewer")};
  if (!customer.empty()) argv.insert(argv.end(), {"--customer", customer});
  std::string out;
  RunToEnd(argv, {{"TELEMAINT_PASSWORD", kTechPassword}}, &out);
  const size_t open = out.find('['), close = out.rfind(']');
  if (open == std::string::npos || close == std::string::npos || close < open)
    return nlohmann::json::array();
  auto list = nlohmann::json::parse(out.substr(open, close - open + 1), nullptr, false);
  return list.is_array() ? list : nlohmann::json::array();
}

bool WaitOnline(Organisation& org, const std::string& name, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  do {
    for (const auto& m : org.Machines())
      if (m.value("name", "") == name && m.value("online", false) && !m.value("busy", true))
        return true;
    std::this_thread::sleep_for(200ms);
  } while (std::chrono::steady_clock::now() < end);
  return false;
}

}  // namespace telemaint::testing
