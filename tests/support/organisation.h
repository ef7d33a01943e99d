#pragma once
// Unattended access for end-to-end tests, on top of a Deployment: the organisation's directory
// (telemaint-admin init), an admin account, the relay with --org-key, the technician alice's
// certified key, and machines enrolled with tokens and approved, all with the real programs.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/deployment.h"

namespace telemaint::testing {

inline constexpr const char* kAdminPassword = "boss-approves-machines";

class Organisation {
 public:
  explicit Organisation(Deployment& d);
  std::string org_dir() const { return d_.dir() / "org"; }
  std::string org_pub() const { return d_.dir() / "org/org.pub"; }
  std::string state_dir(const std::string& machine) const { return d_.dir() / machine; }
  std::string cert_file() const { return d_.dir() / "technician.cert"; }  // beside viewer.key

  std::unique_ptr<Process> StartRelay(const std::string& listen = "127.0.0.1:0");
  // telemaint-admin with the admin's password, for the relay of the deployment; its exit code
  // (the output in `output` when given).
  int Admin(std::vector<std::string> args, std::string* output = nullptr);
  std::string Token(const std::string& policy, const std::string& customer = "Dupont");
  // `telemaint-host enroll`; its exit code.
  int Enrol(const std::string& token, const std::string& machine, std::string* output = nullptr);
  // Enrols with a new token and approves: the machine's id.
  std::string EnrolAndApprove(const std::string& machine, const std::string& policy);
  // Certifies the viewer's key (made if needed) for `account`.
  void CertifyTechnician(const std::string& account = "alice",
                         std::vector<std::string> extra = {});
  std::string TechnicianKeyHex();
  // `telemaint-host service` on an X display, on a pseudo-terminal (--ui tty unless `extra`
  // names one); nobody answers questions.
  std::unique_ptr<Process> StartService(const std::string& machine, const std::string& display,
                                        std::vector<std::string> extra = {});
  // The usual start of an unattended test: `machine` enrolled and approved with `policy`,
  // alice's viewer key certified, and the machine's service started on `display`.
  struct OnlineMachine {
    std::string id;
    std::unique_ptr<Process> service;
  };
  OnlineMachine StartMachine(const std::string& machine, const std::string& policy,
                             const std::string& display, std::vector<std::string> extra = {});
  // A viewer for `machine` (name or id) with alice's key, certificate and password.
  std::unique_ptr<Process> StartViewer(const std::string& machine,
                                       std::vector<std::string> extra = {});
  // `telemaint-viewer machines --json`, of one customer's machines when `customer` is given.
  nlohmann::json Machines(const std::string& customer = {});

 private:
  Deployment& d_;
};

// Waits until the relay's machine list says `name` is online (true) within `timeout`.
bool WaitOnline(Organisation& org, const std::string& name, std::chrono::milliseconds timeout);

}  // namespace telemaint::testing
