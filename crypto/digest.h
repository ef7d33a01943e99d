#pragma once
// BLAKE2b-256 (libsodium's generichash) over several pieces, as one message: the audit log's
// hash chain. Callers put a distinct label first so no two uses can collide.
#include <initializer_list>

#include "common/bytes.h"

namespace telemaint::crypto {

inline constexpr size_t kDigestBytes = 32;

Bytes Blake2b256(std::initializer_list<ByteView> pieces);

}  // namespace telemaint::crypto
