#pragma once
// Technician password hashing with Argon2id (libsodium crypto_pwhash_str). Thread-safe; each
// call costs about 64 MiB and ~0.1 s by design, so callers run it off their event loop.
#include <string>

#include "common/status.h"
#include "crypto/secret.h"

namespace telemaint::crypto {

Result<std::string> HashPassword(const SecretBytes& password);
bool VerifyPassword(const std::string& stored_hash, const SecretBytes& password);
// A valid hash of a random password, made once: verifying against it for unknown accounts
// costs the same time as for real ones, so a failed login does not reveal whether the
// account exists.
const std::string& DummyPasswordHash();

}  // namespace telemaint::crypto
