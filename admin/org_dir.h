#pragma once
// The organisation's directory, kept by its admin (telemaint-admin): the organisation key and
// everything the admin must remember to approve and revoke. Never needed on the relay.
//
//   DIR/org.key            the Ed25519 key (0600; DIR itself is 0700)
//   DIR/org.pub            its public key, 64 hex digits (give it to the relay: --org-key)
//   DIR/org.json           {"name": "Acme IT"}
//   DIR/tokens/ID.json     each enrolment token with its secret (0600): approvals check MACs
//   DIR/machines/ID.json   each machine record approved
//   DIR/revocations.json   what is revoked so far, and the last list's serial
// Single-threaded; one admin command at a time.
#include <optional>
#include <string>

#include "common/files.h"
#include "crypto/identity.h"
#include "org/enrolment.h"
#include "org/statements.h"

namespace telemaint::admin {

class OrgDir {
 public:
  // Makes the directory and a new key; fails when DIR already holds a key.
  static Result<OrgDir> Create(const std::string& dir, const std::string& name);
  static Result<OrgDir> Open(const std::string& dir);

  const std::string& name() const { return name_; }
  const Bytes& public_key() const { return key_.public_key(); }
  const crypto::SigningKey& key() const { return key_; }

  Status SaveToken(const org::EnrolmentToken& token);
  Result<org::EnrolmentToken> Token(const std::string& token_id) const;
  Status SaveMachine(const std::string& machine_id, const std::string& record) const;
  Result<org::RevocationList> Revocations() const;  // an empty list (serial 0) at first
  Status SaveRevocations(const org::RevocationList& list) const;

 private:
  OrgDir(std::string dir, std::string name, crypto::SigningKey key)
      : dir_(std::move(dir)), name_(std::move(name)), key_(std::move(key)) {}
  std::string dir_, name_;
  crypto::SigningKey key_;
};

Result<std::string> ReadWholeFile(const std::string& path, size_t limit = 1 << 20);

}  // namespace telemaint::admin
