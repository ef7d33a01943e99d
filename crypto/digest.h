#pragma once
// BLAKE2b-256 (libsodium's generichash) over several pieces, as one message: the audit log's
// hash chain. Callers put a distinct label first so no two uses can collide.
#include <initializer_list>

#include "common/bytes.h"

namespace telemaint::crypto {

inline constexpr size_t kDigestBytes = 32;

Bytes Blake2b256(std::initializer_list<ByteView> pieces);
// The same, keyed (a MAC): the enrolment request's proof that its sender holds the token's
// secret (org/enrolment.h). `key` is 16 to 64 bytes.
Bytes KeyedBlake2b256(ByteView key, std::initializer_list<ByteView> pieces);
// SHA-256 (the digest of a CA file in an enrolment token, as people compare with sha256sum).
Bytes Sha256(ByteView data);
// SHA-256 over a stream fed piece by piece (a file in transfer: both ends show the digest,
// which people compare with sha256sum). OpenSSL's, which uses the CPU's SHA instructions: a
// file's digest must not be what limits its transfer. Not copyable; Finish once.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(ByteView piece);
  Bytes Finish();

 private:
  void* context_;  // an EVP_MD_CTX
};
// Compares in time that does not depend on where the bytes differ.
bool EqualInConstantTime(ByteView a, ByteView b);

}  // namespace telemaint::crypto
