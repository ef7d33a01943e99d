// CPace, draft-irtf-cfrg-cpace-21, ristretto255/SHA-512, as crypto/cpace.cc does it: the
// viewer is the responder (party B). `sodium` is an initialised libsodium-wrappers-sumo.
import { concat, utf8 } from './bytes.js';

const DSI = utf8('CPaceRistretto255');
const ISK_DSI = utf8('CPaceRistretto255_ISK');
const S_IN_BYTES = 128;

export function prependLen(bytes) {
  const len = [];
  let n = bytes.length;
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    len.push(b);
  } while (n);
  return concat(new Uint8Array(len), bytes);
}

export function lvCat(...parts) { return concat(...parts.map(prependLen)); }

// CI = lv_cat("telemaint/v1", "host", "viewer", nameplate).
export function channelIdentifier(nameplate) {
  return lvCat(utf8('telemaint/v1'), utf8('host'), utf8('viewer'), utf8(nameplate));
}

export function generatorString(prs, ci, sid) {
  const zpad = Math.max(0, S_IN_BYTES - 1 - prependLen(prs).length - prependLen(DSI).length);
  return lvCat(DSI, prs, new Uint8Array(zpad), ci, sid);
}

export function generator(sodium, prs, ci, sid) {
  const gs = generatorString(prs, ci, sid);
  const g = sodium.crypto_core_ristretto255_from_hash(sodium.crypto_hash_sha512(gs));
  sodium.memzero(gs);
  return g;
}

// libsodium 1.0.18 ignores a share's top bit when decoding; such encodings are refused first
// so that a point has one encoding only (CPaceScalarMultVfy).
export function scalarMultVfy(sodium, scalar, point) {
  if (point.length !== 32 || (point[31] & 0x80) !== 0) return null;
  try {
    return sodium.crypto_scalarmult_ristretto255(scalar, point);
  } catch {
    return null;  // not canonical, or the identity
  }
}

// One party's state: its scalar and share. `scalar` only for test vectors.
export function start(sodium, prs, ci, sid, scalar = null) {
  const g = generator(sodium, prs, ci, sid);
  const y = scalar ?? sodium.crypto_core_ristretto255_scalar_random();
  const share = sodium.crypto_scalarmult_ristretto255(y, g);
  sodium.memzero(g);  // whoever holds g could test codes offline
  return { y, share };
}

// ISK for the transcript (Ya, ADa) of the initiator and (Yb, ADb) of the responder; null when
// the peer's share is invalid.
export function finish(sodium, state, sid, peerShare, ya, ada, yb, adb) {
  const k = scalarMultVfy(sodium, state.y, peerShare);
  sodium.memzero(state.y);
  if (!k) return null;
  const isk = sodium.crypto_hash_sha512(
    concat(lvCat(ISK_DSI, sid, k), lvCat(ya, ada), lvCat(yb, adb)));
  sodium.memzero(k);
  return isk;
}
