#pragma once
// An enrolled machine's state directory (telemaint-host enroll / service; default
// /var/lib/telemaint-host, 0700, root's):
//
//   machine.key        the machine's Ed25519 key (0600): proves it to the relay and signs the
//                      unattended handshake and its session receipts
//   enrolment.json     its id and name, and what the token said to trust: the organisation's
//                      key and name, the relay, the customer
//   ca.pem             the relay's CA, copied at enrolment (checked against the token's digest)
//   policy.json        allow / ask / deny and hours (host/policy.h)
//   record.json        its org-signed machine record, once approved (public)
//   revocations.json   the newest signed revocation list seen (public)
//   sessions.log       its own session list (telemaint-host log --history-file DIR/sessions.log)
// Nothing here is secret but machine.key; the token's secret is never stored.
#include <optional>
#include <string>

#include "common/status.h"
#include "crypto/identity.h"
#include "host/policy.h"
#include "org/enrolment.h"
#include "org/statements.h"

namespace telemaint::host {

std::string DefaultStateDir();

struct Enrolment {
  std::string machine_id, name, customer, relay;
  std::string org_name;
  Bytes org_key;
};

class MachineState {
 public:
  explicit MachineState(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  std::string key_file() const { return dir_ + "/machine.key"; }
  std::string ca_file() const { return dir_ + "/ca.pem"; }
  std::string policy_file() const { return dir_ + "/policy.json"; }
  std::string history_file() const { return dir_ + "/sessions.log"; }

  Status Prepare() const;  // makes the directory (0700)
  Result<Enrolment> LoadEnrolment() const;
  Status SaveEnrolment(const Enrolment& enrolment) const;
  // The stored statements ("" when there is none yet).
  std::string Record() const;
  Status SaveRecord(const std::string& text) const;
  // The newest list seen, checked against the organisation key; nullopt when none.
  std::optional<org::RevocationList> Revocations(ByteView org_key) const;
  // Keeps `text` when it checks out and is newer than the stored one.
  Status KeepRevocations(ByteView org_key, const std::string& text) const;

 private:
  std::string dir_;
};

// `telemaint-host enroll`: makes the machine's key, sends its enrolment request with the
// token's MAC and a first inventory, and stores what the token says to trust. Ok once the
// relay has the request (pending an admin's approval).
struct EnrolOptions {
  std::string token_file, ca_file, state_dir, machine_name;
};
// Prints what a person needs through `say`; returns the exit code.
int Enroll(const EnrolOptions& options, const std::function<void(const std::string&)>& say);

}  // namespace telemaint::host
