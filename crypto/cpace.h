#pragma once
// CPace over ristretto255 with SHA-512, initiator-responder mode, as specified in
// draft-irtf-cfrg-cpace, built from libsodium primitives only. See docs/protocol.md#cpace.
// A CPace object is single-use and not thread-safe.
#include <array>
#include <cstdint>
#include <initializer_list>

#include "common/bytes.h"
#include "common/status.h"
#include "crypto/secret.h"

namespace telemaint::crypto {

inline constexpr std::string_view kCPaceDsi = "CPaceRistretto255";
inline constexpr std::string_view kCPaceDsiIsk = "CPaceRistretto255_ISK";
inline constexpr size_t kCPaceHashBlockBytes = 128;  // s_in_bytes of SHA-512
inline constexpr size_t kCPacePointBytes = 32;
inline constexpr size_t kCPaceIskBytes = 64;
using Point = std::array<uint8_t, kCPacePointBytes>;

// The draft's encodings, exposed for the test vectors.
Bytes CPacePrependLen(ByteView data);
Bytes CPaceLvCat(std::initializer_list<ByteView> parts);
Bytes CPaceGeneratorString(ByteView prs, ByteView ci, ByteView sid);
Result<Point> CPaceGenerator(ByteView prs, ByteView ci, ByteView sid);
// K = scalar·point, refusing a non-canonical or invalid encoding and the identity result (the
// draft's scalar_mult_vfy, with abort in place of returning the identity).
Result<SecretBytes> CPaceScalarMultVfy(ByteView scalar, ByteView point);

class CPace {
 public:
  enum class Role { kInitiator, kResponder };

  // Derives the generator from the password and draws a fresh secret scalar.
  static Result<CPace> Start(Role role, ByteView prs, ByteView ci, ByteView sid, ByteView ad);
  // Same with a given scalar (32 bytes, little endian): only for the draft's test vectors.
  static Result<CPace> StartWithScalar(Role role, ByteView prs, ByteView ci, ByteView sid,
                                       ByteView ad, ByteView scalar);

  // Y = y·g, the share sent to the peer.
  const Point& share() const { return share_; }

  // K = y·Y_peer, aborting on an invalid encoding or the identity; returns the 64-byte ISK.
  Result<SecretBytes> Finish(ByteView peer_share, ByteView peer_ad) const;

 private:
  CPace() = default;
  Role role_ = Role::kInitiator;
  SecretBytes scalar_;
  Bytes sid_;
  Bytes ad_;
  Point share_{};
};

}  // namespace telemaint::crypto
