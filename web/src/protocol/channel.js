// The sealed channel (crypto/channel.cc, peer/channel_link.cc): one secretstream per direction,
// one sealed inner message per binary frame; TAG_FINAL only on the last message.
import { concat, fromUtf8, utf8 } from './bytes.js';
import { Inner, Limits } from './words.js';

export class IntegrityError extends Error {}
export class ProtocolError extends Error {}

export class Channel {
  constructor(sodium, { push, pull }) {
    this.sodium = sodium;
    this.push = push;
    this.pull = pull;
    this.broken = false;
    this.finished = false;
  }

  seal(type, payload, final = false) {
    const s = this.sodium;
    const tag = final ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL
      : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    return s.crypto_secretstream_xchacha20poly1305_push(this.push,
      concat(new Uint8Array([type]), payload), null, tag);
  }

  sealData(bytes) { return this.seal(Inner.DATA, bytes); }
  sealControl(message, final = false) { return this.seal(Inner.CONTROL, utf8(JSON.stringify(message)), final); }

  // {type, payload, final}; throws IntegrityError (after which everything is refused) or
  // ProtocolError for an empty message or an empty data message.
  open(frame) {
    const s = this.sodium;
    if (this.broken || this.finished) throw new IntegrityError('message after the end');
    const bytes = new Uint8Array(frame);
    let opened = null;
    if (bytes.length >= s.crypto_secretstream_xchacha20poly1305_ABYTES) {
      try { opened = s.crypto_secretstream_xchacha20poly1305_pull(this.pull, bytes, null); }
      catch { opened = null; }
    }
    if (!opened) { this.broken = true; throw new IntegrityError('a frame failed to open'); }
    const final = opened.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    if (final) this.finished = true;
    const m = opened.message;
    if (m.length === 0) throw new ProtocolError('empty inner message');
    if (m[0] === Inner.DATA && m.length === 1) throw new ProtocolError('empty data message');
    return { type: m[0], payload: m.subarray(1), final };
  }
}

// A control payload as an object with a string `type`, or null (ignored, as on the C++ side).
export function parseControl(payload) {
  if (payload.length > Limits.MAX_SESSION_MESSAGE) return null;
  try {
    const m = JSON.parse(fromUtf8(payload));
    return m && typeof m === 'object' && !Array.isArray(m) && typeof m.type === 'string' &&
      m.type.length > 0 ? m : null;
  } catch {
    return null;
  }
}
