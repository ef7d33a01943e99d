#include "tests/support/deployment.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "crypto/session_code.h"

namespace telemaint::testing {

namespace {
void Run(std::vector<std::string> argv, const std::string& stdin_text = {}) {
  Process p(std::move(argv), {}, stdin_text);
  auto rc = p.Wait(60s);
  if (!rc || *rc != 0) throw std::runtime_error("setup command failed: " + p.Output());
}
}  // namespace

Deployment::Deployment() {
  Run({"/bin/bash", SourcePath("certs/make-dev-certs.sh"), dir_ / "certs"});
  Run({BinPath("telemaint-relay"), "user", "add", "alice", "--role", "technician",
       "--display-name", "Alice Martin", "--organisation", "Acme IT", "--password-stdin",
       "--data-dir", data_dir()},
      std::string(kTechPassword) + "\n");
  Run({BinPath("telemaint-relay"), "user", "add", "audrey", "--role", "auditor",
       "--password-stdin", "--data-dir", data_dir()},
      std::string(kAuditorPassword) + "\n");
}

std::unique_ptr<Process> Deployment::StartRelay(std::vector<std::string> extra,
                                                const std::string& listen) {
  std::vector<std::string> argv = {BinPath("telemaint-relay"), "--listen", listen, "--cert",
                                   dir_ / "certs/relay.pem", "--key", dir_ / "certs/relay.key",
                                   "--data-dir", data_dir(), "--log-file", log_file("relay")};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto p = std::make_unique<Process>(argv);
  auto line = p->WaitForLine("telemaint-relay listening on port", 15s);
  if (!line) throw std::runtime_error("relay did not start: " + p->Output());
  relay_port_ = static_cast<uint16_t>(std::stoi(line->substr(line->rfind(' ') + 1)));
  return p;
}

namespace {

// The person at the customer's screen, as tests need them: says "allow control" to every
// question, or (auto_allow false) leaves the answers to the test.
std::unique_ptr<Process> StartHostProcess(std::vector<std::string> argv, bool auto_allow) {
  // On a pseudo-terminal, as the person at the PC would run it.
  auto p = std::make_unique<Process>(std::move(argv), std::map<std::string, std::string>{},
                                     std::string(), /*keep_stdin_open=*/true, /*use_pty=*/true);
  if (auto_allow) p->AnswerWhenSeen("or deny [d]?", "a\n");
  return p;
}

}  // namespace

std::unique_ptr<Process> Deployment::StartHost(uint16_t vnc_port, std::vector<std::string> extra,
                                               const std::string& name, bool auto_allow) {
  extra.insert(extra.begin(), {"--vnc-server", "127.0.0.1:" + std::to_string(vnc_port)});
  return StartHostProcess(HostArgs(name, extra), auto_allow);
}

std::unique_ptr<Process> Deployment::StartBuiltInHost(const std::string& display,
                                                      std::vector<std::string> extra,
                                                      const std::string& name, bool auto_allow) {
  extra.insert(extra.begin(), {"--display", display});
  return StartHostProcess(HostArgs(name, extra), auto_allow);
}

std::vector<std::string> Deployment::HostArgs(const std::string& name,
                                              const std::vector<std::string>& extra) const {
  std::vector<std::string> argv = {BinPath("telemaint-host"), "--relay", relay_url(), "--ca",
                                   ca(), "--code-file", code_file(name), "--log-file",
                                   log_file(name), "--history-file", history_file(name),
                                   "--key-file", key_file(name)};
  // On a terminal unless the test chooses (the window is the default when a display is open).
  if (std::find(extra.begin(), extra.end(), "--ui") == extra.end())
    argv.insert(argv.end(), {"--ui", "tty"});
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

std::string Deployment::WaitForCode(const std::string& previous, const std::string& name) {
  auto code = WaitForFileContent(code_file(name), previous, 20s);
  if (!code) throw std::runtime_error("the host showed no new code");
  return *code;
}

std::unique_ptr<Process> Deployment::StartViewer(const std::string& code,
                                                 std::vector<std::string> extra,
                                                 const std::string& user,
                                                 const std::string& password,
                                                 const std::string& name) {
  std::vector<std::string> argv = {viewer_program_, "--relay", relay_url(),
                                   "--ca", ca(), "--user", user, "--code", code, "--listen",
                                   "127.0.0.1:0", "--log-file", log_file(name), "--key-file",
                                   key_file(name)};
  argv.insert(argv.end(), extra.begin(), extra.end());
  // What the viewer remembers of its last session stays in the test's directory.
  std::map<std::string, std::string> env{{"TELEMAINT_PASSWORD", password},
                                         {"XDG_STATE_HOME", dir_ / "state"}};
  // An instrumented viewer stops at the first memory error (its exit status says so); leaks
  // of the libraries it links are not what these tests look for.
  if (viewer_program_ != BinPath("telemaint-viewer"))
    env["ASAN_OPTIONS"] = "abort_on_error=1:detect_leaks=0";
  return std::make_unique<Process>(argv, env);
}

std::unique_ptr<Process> Deployment::StartWindowViewer(const std::string& code,
                                                       const std::string& display,
                                                       std::vector<std::string> extra,
                                                       const std::string& name) {
  std::vector<std::string> argv = {BinPath("telemaint-viewer"), "--relay", relay_url(),
                                   "--ca", ca(), "--user", "alice", "--code", code,
                                   "--log-file", log_file(name), "--key-file", key_file(name)};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<Process>(
      argv, std::map<std::string, std::string>{{"TELEMAINT_PASSWORD", std::string(kTechPassword)},
                                               {"XDG_STATE_HOME", dir_ / "state"},
                                               {"DISPLAY", display}});
}

Deployment::Joined Deployment::Join(uint16_t vnc_port) {
  Joined j;
  j.host = StartHost(vnc_port);
  j.code = WaitForCode();
  j.viewer = StartViewer(j.code);
  j.port = ViewerPort(*j.viewer);
  return j;
}

Deployment::Joined Deployment::JoinBuiltIn(const std::string& display) {
  Joined j;
  j.host = StartBuiltInHost(display);
  j.code = WaitForCode();
  j.viewer = StartViewer(j.code);
  j.port = ViewerPort(*j.viewer);
  return j;
}

std::string Deployment::MakeOtherCa() {
  Run({"/bin/bash", SourcePath("certs/make-dev-certs.sh"), dir_ / "other-certs"});
  return dir_ / "other-certs";
}

std::string CodeForNameplate(const std::string& nameplate, const std::string& secret) {
  std::string eleven = nameplate + secret;
  return eleven + std::to_string(crypto::DammCheckDigit(eleven));
}

std::string WrongSecretSameNameplate(const std::string& code) {
  std::string secret = code.substr(5, 6);
  secret[0] = secret[0] == '9' ? '0' : static_cast<char>(secret[0] + 1);
  return CodeForNameplate(code.substr(0, 5), secret);
}

uint16_t ViewerPort(Process& viewer, std::chrono::milliseconds timeout) {
  auto line = viewer.WaitForLine("Listening on 127.0.0.1:", timeout);
  if (!line) return 0;
  auto pos = line->find("127.0.0.1:") + 10;
  return static_cast<uint16_t>(std::stoi(line->substr(pos)));
}

}  // namespace telemaint::testing
