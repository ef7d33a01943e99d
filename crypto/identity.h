#pragma once
// A technician's long-term signing key (Ed25519). Inside a session's channel the viewer signs
// the channel binding with it (a value derived from the handshake's key, shared only by the
// two ends that ran it), so the customer's host learns which key the technician holds for
// this very channel and shows its fingerprint; signed receipts for the audit log will use it.
// The key file holds the 32-byte seed in hex and must be readable by its owner only.
#include <string>

#include "common/bytes.h"
#include "common/status.h"
#include "crypto/secret.h"

namespace telemaint::crypto {

inline constexpr size_t kSignaturePublicKeyBytes = 32;
inline constexpr size_t kSignatureBytes = 64;

class SigningKey {
 public:
  // Reads the key at `path`, or makes one there (mode 0600) when the file does not exist.
  static Result<SigningKey> LoadOrCreate(const std::string& path);
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

}  // namespace telemaint::crypto
