#include "crypto/digest.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <cstdlib>

namespace telemaint::crypto {

Bytes Blake2b256(std::initializer_list<ByteView> pieces) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kDigestBytes);
  for (ByteView piece : pieces) crypto_generichash_update(&state, piece.data(), piece.size());
  Bytes out(kDigestBytes);
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

Bytes KeyedBlake2b256(ByteView key, std::initializer_list<ByteView> pieces) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.data(), key.size(), kDigestBytes);
  for (ByteView piece : pieces) crypto_generichash_update(&state, piece.data(), piece.size());
  Bytes out(kDigestBytes);
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

Bytes Sha256(ByteView data) {
  Bytes out(crypto_hash_sha256_BYTES);
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

Sha256Stream::Sha256Stream() : context_(EVP_MD_CTX_new()) {
  if (!context_ || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(context_), EVP_sha256(), nullptr) != 1)
    std::abort();  // out of memory, or an OpenSSL without SHA-256: nothing sensible to do
}

Sha256Stream::~Sha256Stream() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_)); }

void Sha256Stream::Update(ByteView piece) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context_), piece.data(), piece.size());
}

Bytes Sha256Stream::Finish() {
  Bytes out(32);
  unsigned int n = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(context_), out.data(), &n);
  return out;
}

bool EqualInConstantTime(ByteView a, ByteView b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace telemaint::crypto
