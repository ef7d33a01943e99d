#pragma once
// The organisation's signed statements (docs/protocol.md#organisation-statements): technician
// certificates, machine records and revocation lists. Each is a small JSON body, kept as the
// exact text that was signed, and an Ed25519 signature by the organisation key over its kind
// and that text (crypto::OrgStatement). Only telemaint-admin holds the organisation key; the
// relay stores and hands out statements, hosts and viewers check them against the key they
// pinned. Pure functions; thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/bytes.h"
#include "common/status.h"
#include "common/vocabulary.h"
#include "crypto/identity.h"

namespace telemaint::org {

using wire::StatementKind;

// A certificate or a record travels in the unattended handshake: crypto::kMaxCredentialBytes.
inline constexpr size_t kMaxStatementBytes = 4096;
inline constexpr size_t kMaxRevocationListBytes = 256 * 1024;
inline constexpr size_t kMaxRevokedEntries = 2000;  // each list: technicians, machines

struct SignedStatement {
  StatementKind kind = StatementKind::kTechnicianCertificate;
  std::string body;  // the JSON text exactly as signed
  Bytes signature;
};

// {"kind":WORD,"body":TEXT,"signature":HEX}
std::string EncodeStatement(const SignedStatement& statement);
Result<SignedStatement> DecodeStatement(std::string_view text);
SignedStatement SignStatement(const crypto::SigningKey& org_key, StatementKind kind,
                              const nlohmann::json& body);
// Decodes `text`, checks its kind and the organisation's signature, and returns the body.
Result<nlohmann::json> VerifyStatement(ByteView org_key, std::string_view text,
                                       StatementKind kind);

struct RevocationList {
  uint64_t serial = 0;  // grows with each list the admin publishes
  int64_t issued_at = 0;
  std::vector<std::string> technicians;  // public keys, 64 hex
  std::vector<std::string> machines;     // machine ids, 32 hex
  bool RevokesTechnician(std::string_view key_hex) const;
  bool RevokesMachine(std::string_view machine_id) const;
  nlohmann::json ToJson() const;
};

struct TechnicianCertificate {
  std::string org_name, account;
  Bytes key;  // the technician's Ed25519 public key
  int64_t issued_at = 0, not_after = 0;
  std::vector<std::string> customers;  // empty: every customer
  std::string serial;                  // random, 32 hex
  bool Covers(std::string_view customer) const;
  nlohmann::json ToJson(ByteView org_key) const;
};

struct MachineRecord {
  std::string org_name, machine_id, customer, name;  // machine_id: 32 hex
  Bytes key;  // the machine's Ed25519 public key
  int64_t enrolled_at = 0, approved_at = 0;
  nlohmann::json ToJson(ByteView org_key) const;
};

// A certificate signed by the organisation, whatever its dates (the technician's own view).
Result<TechnicianCertificate> ReadCertificate(ByteView org_key, std::string_view text);
// The checks a host or a viewer makes: signature, kind, organisation, expiry (`now`, Unix
// seconds) and revocation. Failures are Status::AuthFailed with a sentence for a person.
Result<TechnicianCertificate> CheckCertificate(ByteView org_key, std::string_view text,
                                               int64_t now, const RevocationList* revoked);
Result<MachineRecord> CheckMachineRecord(ByteView org_key, std::string_view text,
                                         const RevocationList* revoked);
Result<RevocationList> CheckRevocationList(ByteView org_key, std::string_view text);

// Machine ids are 16 bytes written as 32 lowercase hex digits: for a machine, the first 16
// bytes of a labelled BLAKE2b of its public key (MachineIdForKey), so no second key can ever
// take an id (records and requests whose id is not their key's are refused); token ids and
// tests use random ones (NewMachineId).
bool IsMachineId(std::string_view text);
std::string NewMachineId();
std::string MachineIdForKey(ByteView machine_key);
bool IsPublicKeyHex(std::string_view text);  // 64 lowercase hex digits
// An organisation key given on a command line: 64 hex digits, or a file whose first line holds
// them (telemaint-admin init writes DIR/org.pub).
Result<Bytes> ReadOrgKey(const std::string& hex_or_file);

}  // namespace telemaint::org
