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

}  // namespace telemaint::crypto
