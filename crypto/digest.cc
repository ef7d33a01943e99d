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

static_assert(sizeof(crypto_hash_sha256_state) <= 128);

Sha256Stream::Sha256Stream() {
  crypto_hash_sha256_init(reinterpret_cast<crypto_hash_sha256_state*>(state_));
}

Sha256Stream::~Sha256Stream() { sodium_memzero(state_, sizeof state_); }

void Sha256Stream::Update(ByteView piece) {
  crypto_hash_sha256_update(reinterpret_cast<crypto_hash_sha256_state*>(state_), piece.data(),
                            piece.size());
}

Bytes Sha256Stream::Finish() {
  Bytes out(crypto_hash_sha256_BYTES);
  crypto_hash_sha256_final(reinterpret_cast<crypto_hash_sha256_state*>(state_), out.data());
  return out;
}

bool EqualInConstantTime(ByteView a, ByteView b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace telemaint::crypto
