#pragma once
// OrgStore: what the relay keeps for unattended access (DATA_DIR/machines.db, WAL,
// synchronous=FULL): pending enrolment requests, the org-signed machine records an admin
// uploaded, each machine's last inventory and time seen, and the latest signed revocation list.
// The relay checks the organisation's signature before storing a statement, but it holds no
// key that could make one: everything here is either public or the machines' own word.
// Thread-safe: one connection behind a mutex.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace telemaint::relay {

struct PendingEnrolment {
  std::string machine_id;
  std::string request;  // the request's JSON text, as the machine sent it
  std::string address;  // where it came from
  int64_t received_at = 0;  // Unix seconds
};

struct StoredMachine {
  std::string machine_id, record;  // record: the signed statement's text
  std::string name, customer;
  int64_t approved_at = 0, last_seen = 0;
  std::string inventory;  // JSON text, the machine's own word ("" before its first)
};

class OrgStore {
 public:
  static Result<std::unique_ptr<OrgStore>> Open(const std::string& data_dir);
  ~OrgStore();

  // A machine's request; a second one for the same machine id replaces the first.
  Status AddEnrolment(const PendingEnrolment& enrolment);
  Result<std::vector<PendingEnrolment>> ListEnrolments();
  Status RemoveEnrolment(const std::string& machine_id);  // NotFound when there is none

  // An approved machine's record (it replaces an older one and its pending request).
  Status PutMachine(const StoredMachine& machine);
  Result<std::vector<StoredMachine>> ListMachines();
  Status NoteSeen(const std::string& machine_id, int64_t when, const std::string& inventory);

  Result<std::optional<std::string>> RevocationList();  // the signed statement's text
  Status PutRevocationList(uint64_t serial, const std::string& text);

 private:
  struct Impl;
  explicit OrgStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::relay
