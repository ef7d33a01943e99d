#include "crypto/password.h"

#include <sodium.h>

#include "crypto/random.h"

namespace telemaint::crypto {

Result<std::string> HashPassword(const SecretBytes& password) {
  Init();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.chars().data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return Status::Internal("not enough memory to hash the password");
  return std::string(out);
}

bool VerifyPassword(const std::string& stored_hash, const SecretBytes& password) {
  Init();
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.chars().data(),
                                  password.size()) == 0;
}

const std::string& DummyPasswordHash() {
  static const std::string hash = [] {
    SecretBytes random(32);
    RandomBytes(random.span());
    auto r = HashPassword(random);
    return r.ok() ? r.value() : std::string("$argon2id$v=19$m=65536,t=2,p=1$invalid");
  }();
  return hash;
}

}  // namespace telemaint::crypto
