#include "crypto/digest.h"

#include <sodium.h>

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

bool EqualInConstantTime(ByteView a, ByteView b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace telemaint::crypto
