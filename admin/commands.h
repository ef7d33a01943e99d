#pragma once
// telemaint-admin's commands: the organisation key (init), technician certificates (certify),
// enrolment tokens (token), and against the relay with an admin account: pending requests,
// approvals, rejections and revocations. Each prints what a person needs and returns the
// process's exit code (0 done, 1 failed, 2 usage).
#include <string>
#include <vector>

#include "org/client/org_client.h"

namespace telemaint::admin {

struct CertifyArgs {
  std::string org_dir, account, key_hex, out;
  int days = 365;
  std::vector<std::string> customers;
};
struct TokenArgs {
  std::string org_dir, relay, ca_file, customer, out, policy = "ask";
  int days = 7;
};
// The relay and the admin account; the password comes from TELEMAINT_PASSWORD or a prompt.
struct RelayArgs {
  std::string org_dir, relay, ca_file, user;
  bool json = false;
};

int Init(const std::string& org_dir, const std::string& name);
int Certify(const CertifyArgs& args);
int MakeToken(const TokenArgs& args);
int Pending(const RelayArgs& args);
// Approves the pending requests named (machine id or name), or all with `all`.
int Approve(const RelayArgs& args, const std::vector<std::string>& machines, bool all);
int Reject(const RelayArgs& args, const std::vector<std::string>& machine_ids);
int Revoke(const RelayArgs& args, const std::vector<std::string>& technician_keys,
           const std::vector<std::string>& machine_ids);

}  // namespace telemaint::admin
