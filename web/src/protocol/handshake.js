// The viewer's side of the attended handshake (crypto/handshake.cc; docs/protocol.md#handshake):
// on 0x01 it answers 0x02 with its share only; on 0x03 it checks the host's tag first, then
// opens the host's stream and answers 0x04. It reveals nothing that depends on the code before
// the host has proven that it knows the code.
import { concat, utf8 } from './bytes.js';
import * as cpace from './cpace.js';
import { checkTag, deriveChannelKeys, openChannel } from './key_schedule.js';
import { Handshake } from './words.js';

export class HandshakeError extends Error {
  // wrongCode: a failed attempt (the code was wrong, or a share invalid), not a transport fault;
  // refused: an unattended credential, signature or tag did not check out (not_authorised).
  constructor(message, wrongCode, refused = false) {
    super(message);
    this.wrongCode = wrongCode;
    this.refused = refused;
  }
}

export class ViewerHandshake {
  // nameplate: 5 digits; secret: the 6 secret digits; sid: the 16-byte session id.
  constructor(sodium, nameplate, secret, sid) {
    this.sodium = sodium;
    this.sid = sid;
    this.expected = Handshake.HOST_SHARE;
    const prs = utf8(secret);
    this.state = cpace.start(sodium, prs, cpace.channelIdentifier(nameplate), sid);
    sodium.memzero(prs);
  }

  // One binary frame from the host; returns the frame to send back (or null) and, once the
  // channel is up, {streams: {push, pull, header}, binding}.
  receive(frame) {
    const bytes = new Uint8Array(frame);
    if (bytes.length === 0 || bytes[0] !== this.expected || bytes.length > 57)
      throw new HandshakeError('unexpected handshake message', false);
    if (bytes[0] === Handshake.HOST_SHARE) return this.onHostShare(bytes);
    return this.onHostConfirm(bytes);
  }

  onHostShare(bytes) {
    if (bytes.length !== 33) throw new HandshakeError('malformed share', false);
    const ya = bytes.slice(1);
    const yb = this.state.share;
    const empty = new Uint8Array(0);
    const isk = cpace.finish(this.sodium, this.state, this.sid, ya, ya, empty, yb, empty);
    if (!isk) throw new HandshakeError('the host sent an invalid share', true);
    this.keys = deriveChannelKeys(this.sodium, isk);
    this.sodium.memzero(isk);
    this.expected = Handshake.HOST_CONFIRM;
    return { reply: concat(new Uint8Array([Handshake.VIEWER_SHARE]), yb) };
  }

  // Wipes what the handshake still holds (after a failure or an abandoned session).
  forget() {
    if (this.state?.y) this.sodium.memzero(this.state.y);
    if (this.keys) {
      for (const k of Object.values(this.keys)) if (k) this.sodium.memzero(k);
      this.keys = null;
    }
  }

  onHostConfirm(bytes) {
    if (bytes.length !== 57) throw new HandshakeError('malformed confirmation', false);
    const s = this.sodium;
    if (!checkTag(s, this.keys, true, bytes.slice(1, 33)))
      throw new HandshakeError('wrong code', true);
    const step = openChannel(s, this.keys, bytes.slice(33, 57), Handshake.VIEWER_CONFIRM);
    this.keys = null;  // the binding now belongs to the channel
    this.expected = -1;
    return step;
  }
}
