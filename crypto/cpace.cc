#include "crypto/cpace.h"

#include <sodium.h>

#include <algorithm>
#include <functional>

namespace telemaint::crypto {
namespace {

using Sink = std::function<void(ByteView)>;

Bytes Leb128(size_t n) {
  Bytes out;
  do {
    uint8_t b = n & 0x7f;
    n >>= 7;
    if (n) b |= 0x80;
    out.push_back(b);
  } while (n);
  return out;
}

void PrependLenTo(const Sink& sink, ByteView data) {
  Bytes len = Leb128(data.size());
  sink(len);
  sink(data);
}

// generator_string(DSI, PRS, CI, sid, s_in_bytes) =
//   lv_cat(DSI, PRS, zero_bytes(len_zpad), CI, sid), with
//   len_zpad = max(0, s_in_bytes - 1 - len(prepend_len(PRS)) - len(prepend_len(DSI))).
// Streamed so that the password never sits in unlocked memory.
void GeneratorStringTo(const Sink& sink, ByteView prs, ByteView ci, ByteView sid) {
  ByteView dsi = AsBytes(kCPaceDsi);
  const long len_prs = static_cast<long>(Leb128(prs.size()).size() + prs.size());
  const long len_dsi = static_cast<long>(Leb128(dsi.size()).size() + dsi.size());
  const long zpad = std::max(0L, static_cast<long>(kCPaceHashBlockBytes) - 1 - len_prs - len_dsi);
  Bytes zeros(static_cast<size_t>(zpad), 0);
  PrependLenTo(sink, dsi);
  PrependLenTo(sink, prs);
  PrependLenTo(sink, zeros);
  PrependLenTo(sink, ci);
  PrependLenTo(sink, sid);
}

}  // namespace

Bytes CPacePrependLen(ByteView data) {
  Bytes out = Leb128(data.size());
  Append(out, data);
  return out;
}

Bytes CPaceLvCat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) Append(out, CPacePrependLen(p));
  return out;
}

Bytes CPaceGeneratorString(ByteView prs, ByteView ci, ByteView sid) {
  Bytes out;
  GeneratorStringTo([&](ByteView b) { Append(out, b); }, prs, ci, sid);
  return out;
}

Result<Point> CPaceGenerator(ByteView prs, ByteView ci, ByteView sid) {
  Init();
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  GeneratorStringTo([&](ByteView b) { crypto_hash_sha512_update(&st, b.data(), b.size()); },
                    prs, ci, sid);
  SecretBytes digest(crypto_hash_sha512_BYTES);
  crypto_hash_sha512_final(&st, digest.data());
  sodium_memzero(&st, sizeof st);
  Point g;
  crypto_core_ristretto255_from_hash(g.data(), digest.data());
  return g;
}

Result<CPace> CPace::Start(Role role, ByteView prs, ByteView ci, ByteView sid, ByteView ad) {
  SecretBytes y(crypto_core_ristretto255_SCALARBYTES);
  crypto_core_ristretto255_scalar_random(y.data());
  return StartWithScalar(role, prs, ci, sid, ad, y.view());
}

Result<CPace> CPace::StartWithScalar(Role role, ByteView prs, ByteView ci, ByteView sid,
                                     ByteView ad, ByteView scalar) {
  Init();
  if (scalar.size() != crypto_core_ristretto255_SCALARBYTES)
    return Status::Internal("CPace scalar has the wrong size");
  auto g = CPaceGenerator(prs, ci, sid);
  if (!g.ok()) return g.status();
  CPace c;
  c.role_ = role;
  c.scalar_ = SecretBytes(scalar);
  c.sid_.assign(sid.begin(), sid.end());
  c.ad_.assign(ad.begin(), ad.end());
  int rc = crypto_scalarmult_ristretto255(c.share_.data(), c.scalar_.data(), g->data());
  sodium_memzero(g->data(), g->size());  // g lets its holder test codes offline
  if (rc != 0) return Status::Internal("CPace share is the identity");  // only for a zero scalar
  return c;
}

Result<SecretBytes> CPaceScalarMultVfy(ByteView scalar, ByteView point) {
  if (point.size() != kCPacePointBytes)
    return Status::Protocol("the peer's key share has the wrong length");
  if (scalar.size() != crypto_core_ristretto255_SCALARBYTES)
    return Status::Internal("CPace scalar has the wrong size");
  // libsodium 1.0.18 (Debian 12) ignores the top bit when decoding, so an encoding with it set
  // would be read as another (valid) point; ristretto255 requires it clear.
  if (point[kCPacePointBytes - 1] & 0x80)
    return Status::AuthFailed("the peer's key share is invalid");
  SecretBytes k(kCPacePointBytes);
  // Fails for a non-canonical encoding, a point not on the group, or the identity result.
  if (crypto_scalarmult_ristretto255(k.data(), scalar.data(), point.data()) != 0)
    return Status::AuthFailed("the peer's key share is invalid");
  return k;
}

Result<SecretBytes> CPace::Finish(ByteView peer_share, ByteView peer_ad) const {
  auto shared = CPaceScalarMultVfy(scalar_.view(), peer_share);
  if (!shared.ok()) return shared.status();
  const SecretBytes& k = *shared;

  ByteView ya = share_, ada = ad_, yb = peer_share, adb = peer_ad;
  if (role_ == Role::kResponder) {
    std::swap(ya, yb);
    std::swap(ada, adb);
  }
  // ISK = H(lv_cat(DSI_ISK, sid, K) || lv_cat(Ya, ADa) || lv_cat(Yb, ADb))
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  Sink sink = [&](ByteView b) { crypto_hash_sha512_update(&st, b.data(), b.size()); };
  PrependLenTo(sink, AsBytes(kCPaceDsiIsk));
  PrependLenTo(sink, sid_);
  PrependLenTo(sink, k.view());
  PrependLenTo(sink, ya);
  PrependLenTo(sink, ada);
  PrependLenTo(sink, yb);
  PrependLenTo(sink, adb);
  SecretBytes isk(kCPaceIskBytes);
  crypto_hash_sha512_final(&st, isk.data());
  sodium_memzero(&st, sizeof st);
  return isk;
}

}  // namespace telemaint::crypto
