#pragma once
// A technician's long-term signing key (Ed25519). Inside a session's channel the viewer signs
// the channel binding with it (a value derived from the handshake's key, shared only by the
// two ends that ran it), so the customer's host learns which key the technician holds for
// this very channel and shows its fingerprint; the viewer signs its session receipt with it too.
// The host and the relay's audit log have keys of the same kind.
// The key file holds the 32-byte seed in hex and must be readable by its owner only.
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"
#include "crypto/secret.h"

namespace telemaint::crypto {

inline constexpr size_t kSignaturePublicKeyBytes = 32;
inline constexpr size_t kSignatureBytes = 64;

class SigningKey {
 public:
  // Reads the key at `path`, or makes one there (mode 0600) when the file does not exist.
  // `role` names the key in its file's first line ("technician", "host", "relay audit").
  static Result<SigningKey> LoadOrCreate(const std::string& path,
                                         std::string_view role = "technician");
  // Reads the key at `path`; fails when there is none (keys that must not appear by accident:
  // the organisation's).
  static Result<SigningKey> Load(const std::string& path, std::string_view role);
  // Makes a new key at `path` (mode 0600); fails when the file exists.
  static Result<SigningKey> Create(const std::string& path, std::string_view role);
  static SigningKey Generate();
  const Bytes& public_key() const { return public_key_; }
  Bytes Sign(ByteView message) const;

 private:
  SecretBytes secret_;  // libsodium's 64-byte secret key (seed and public key)
  Bytes public_key_;
};

bool VerifySignature(ByteView public_key, ByteView message, ByteView signature);

// What a person compares: 32 hex digits in groups of four (BLAKE2b of the public key).
std::string KeyFingerprint(ByteView public_key);

// What the viewer signs to introduce itself in a session: a label and the channel binding.
Bytes TechnicianHelloStatement(ByteView channel_binding);
// What the host signs to introduce itself to the viewer: another label, the same binding.
Bytes HostHelloStatement(ByteView channel_binding);
// The session's transcript hash in receipts: BLAKE2b-256 of a label and the channel binding,
// a value only the two ends can compute (the relay never holds the channel's keys), which
// does not reveal the binding itself.
Bytes TranscriptHash(ByteView channel_binding);
// What a session receipt's signature covers: a label and the receipt's JSON text.
Bytes ReceiptStatement(std::string_view receipt_json);
// What the organisation key signs (org/statements.h): a label, the statement's kind and its
// body text, each apart.
Bytes OrgStatement(std::string_view kind, std::string_view body);
// What a machine signs to prove its key to the relay: a label, the relay's fresh challenge and
// the machine id, so a proof made for one relay connection serves no other.
Bytes MachinePresenceStatement(ByteView challenge, std::string_view machine_id);

}  // namespace telemaint::crypto
