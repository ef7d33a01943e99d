// The key schedule after CPace (crypto/handshake.cc, DeriveChannelKeys): keyed BLAKE2b of the
// ISK gives PRK; crypto_kdf gives the confirmation keys, the two stream keys and the binding.
import { concat, labelled, utf8 } from './bytes.js';

const KEY_SCHEDULE_LABEL = utf8('telemaint/v1 channel keys');
const KDF_CONTEXT = 'tmchan01';
const CONFIRM_HOST = utf8('telemaint/v1 confirm host');
const CONFIRM_VIEWER = utf8('telemaint/v1 confirm viewer');

export const KeyId = Object.freeze({ CONFIRM_HOST: 1, CONFIRM_VIEWER: 2, HOST_TO_VIEWER: 3,
  VIEWER_TO_HOST: 4, BINDING: 5 });

export function deriveChannelKeys(sodium, isk) {
  const prk = sodium.crypto_generichash(32, KEY_SCHEDULE_LABEL, isk);
  const derive = (id) => sodium.crypto_kdf_derive_from_key(32, id, KDF_CONTEXT, prk);
  const keys = {
    confirmHost: derive(KeyId.CONFIRM_HOST),
    confirmViewer: derive(KeyId.CONFIRM_VIEWER),
    hostToViewer: derive(KeyId.HOST_TO_VIEWER),
    viewerToHost: derive(KeyId.VIEWER_TO_HOST),
    binding: derive(KeyId.BINDING),
  };
  sodium.memzero(prk);
  return keys;
}

export function confirmTag(sodium, keys, fromHost) {
  return fromHost ? sodium.crypto_auth_hmacsha256(CONFIRM_HOST, keys.confirmHost)
    : sodium.crypto_auth_hmacsha256(CONFIRM_VIEWER, keys.confirmViewer);
}

export function checkTag(sodium, keys, fromHost, tag) {
  if (tag.length !== 32) return false;
  return fromHost ? sodium.crypto_auth_hmacsha256_verify(tag, CONFIRM_HOST, keys.confirmHost)
    : sodium.crypto_auth_hmacsha256_verify(tag, CONFIRM_VIEWER, keys.confirmViewer);
}

// Once the host's tag checked out (both handshakes): opens the host's stream with its header,
// starts ours, and answers `replyType` ‖ our tag ‖ our header. The handshake keys are dropped;
// the binding goes to the channel.
export function openChannel(sodium, keys, hostHeader, replyType) {
  const pull = sodium.crypto_secretstream_xchacha20poly1305_init_pull(hostHeader, keys.hostToViewer);
  const { state: push, header } =
    sodium.crypto_secretstream_xchacha20poly1305_init_push(keys.viewerToHost);
  const reply = concat(new Uint8Array([replyType]), confirmTag(sodium, keys, false), header);
  const binding = keys.binding;
  dropHandshakeKeys(sodium, keys);
  return { reply, channel: { push, pull, binding } };
}

// Forgets the handshake keys once both streams exist; the binding stays.
export function dropHandshakeKeys(sodium, keys) {
  for (const name of ['confirmHost', 'confirmViewer', 'hostToViewer', 'viewerToHost']) {
    sodium.memzero(keys[name]);
    keys[name] = null;
  }
}

// Signed statements over the channel binding (crypto/identity.cc).
export function technicianHelloStatement(binding) {
  return labelled('telemaint/v1 technician hello', binding);
}
export function hostHelloStatement(binding) {
  return labelled('telemaint/v1 host hello', binding);
}
export function transcriptHash(sodium, binding) {
  return sodium.crypto_generichash(32, labelled('telemaint/v1 receipt transcript', binding));
}
export function receiptStatement(receiptText) {
  return labelled('telemaint/v1 session receipt', utf8(receiptText));
}
export function keyFingerprint(sodium, publicKey) {
  const hex = sodium.to_hex(sodium.crypto_generichash(16, publicKey));
  return hex.match(/.{4}/g).join(' ');
}
