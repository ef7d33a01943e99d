// The viewer's side of the unattended handshake (crypto/unattended.cc;
// docs/protocol.md#unattended-handshake): X25519 ephemerals, the technician signs TH2, the
// machine signs TH3, ISK keyed by the shared secret over TH3, then the attended key schedule.
import { concat, labelled, toHex, utf8 } from '../protocol/bytes.js';
import { HandshakeError } from '../protocol/handshake.js';
import { checkTag, deriveChannelKeys, dropHandshakeKeys, openChannel }
  from '../protocol/key_schedule.js';

export const UnattendedMessage = Object.freeze({ HOST: 0x11, VIEWER: 0x12, RECORD: 0x13,
  CONFIRM: 0x14 });
const MAX_CREDENTIAL = 4096;
const MAX_MESSAGE = 1 + 32 + 2 + MAX_CREDENTIAL + 64 + 32 + 24;
const TRANSCRIPT = utf8('telemaint/v1 unattended transcript');
const VIEWER_SIGNS = 'telemaint/v1 unattended viewer';
const HOST_SIGNS = 'telemaint/v1 unattended host';
const KEYS_LABEL = utf8('telemaint/v1 unattended keys');

function transcriptHash(sodium, pieces) {
  const parts = [TRANSCRIPT];
  for (const p of pieces) {
    const n = p.length;
    parts.push(new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]), p);
  }
  return sodium.crypto_generichash(32, concat(...parts));
}

function credentialBytes(text) {
  const bytes = utf8(text);
  return concat(new Uint8Array([bytes.length >> 8, bytes.length & 0xff]), bytes);
}

export class ViewerUnattendedHandshake {
  // wanted: the machine id or name asked for; checkRecord(text, machineIdHex) → {key, ...} or
  // throws; identity: the technician's key; certificate: its certificate's text.
  constructor(sodium, sid, { wanted, identity, certificate, checkRecord }) {
    if (utf8(certificate).length > MAX_CREDENTIAL) throw new Error('the certificate is too large');
    Object.assign(this, { sodium, sid, wanted, identity, certificate, checkRecord });
    this.secret = sodium.randombytes_buf(32);
    this.ephemeral = sodium.crypto_scalarmult_base(this.secret);
    this.expected = UnattendedMessage.HOST;
  }

  async receive(frame) {
    const bytes = new Uint8Array(frame);
    if (bytes.length === 0 || bytes.length > MAX_MESSAGE || bytes[0] !== this.expected)
      throw new HandshakeError('unexpected handshake message', false);
    this.expected = -1;
    return bytes[0] === UnattendedMessage.HOST ? this.onHost(bytes) : this.onRecord(bytes);
  }

  async onHost(bytes) {
    if (bytes.length !== 1 + 32 + 16) throw new HandshakeError('malformed handshake message', false);
    this.peerEphemeral = bytes.slice(1, 33);
    this.machineId = bytes.slice(33, 49);
    if (/^[0-9a-f]{32}$/.test(this.wanted) && toHex(this.machineId) !== this.wanted)
      throw new HandshakeError('the relay connected you to another machine than the one you ' +
        'asked for', false, true);
    const cert = utf8(this.certificate);
    this.th2 = transcriptHash(this.sodium, [this.sid, this.peerEphemeral, this.machineId,
      this.ephemeral, cert]);
    this.technicianSignature = await this.identity.sign(labelled(VIEWER_SIGNS, this.th2));
    this.expected = UnattendedMessage.RECORD;
    return { reply: concat(new Uint8Array([UnattendedMessage.VIEWER]), this.ephemeral,
      credentialBytes(this.certificate), this.technicianSignature) };
  }

  parseRecordMessage(bytes) {
    const n = bytes.length >= 3 ? (bytes[1] << 8) | bytes[2] : 0;
    if (n === 0 || n > MAX_CREDENTIAL || bytes.length !== 3 + n + 64 + 32 + 24)
      throw new HandshakeError('malformed handshake message', false);
    let at = 3 + n;
    const take = (len) => bytes.slice(at, (at += len));
    const record = new TextDecoder().decode(bytes.slice(3, 3 + n));
    return { recordBytes: bytes.slice(3, 3 + n), record, signature: take(64), tag: take(32),
      header: take(24) };
  }

  onRecord(bytes) {
    const s = this.sodium;
    const m = this.parseRecordMessage(bytes);
    const th3 = transcriptHash(s, [this.th2, this.technicianSignature, m.recordBytes]);
    let machine;
    try {
      machine = this.checkRecord(m.record, toHex(this.machineId), this.wanted);
    } catch (e) {
      throw new HandshakeError(e.message, false, true);
    }
    if (!s.crypto_sign_verify_detached(m.signature, labelled(HOST_SIGNS, th3), machine.key))
      throw new HandshakeError('the machine\'s signature does not check out', false, true);
    let shared;
    try { shared = s.crypto_scalarmult(this.secret, this.peerEphemeral); } catch { shared = null; }
    s.memzero(this.secret);
    if (!shared || shared.every((b) => b === 0))
      throw new HandshakeError('the machine\'s key share is invalid', false, true);
    const isk = s.crypto_generichash(64, concat(KEYS_LABEL, th3), shared);
    s.memzero(shared);
    const keys = deriveChannelKeys(s, isk);
    s.memzero(isk);
    if (!checkTag(s, keys, true, m.tag)) {
      dropHandshakeKeys(s, keys);
      s.memzero(keys.binding);
      throw new HandshakeError('the key confirmation failed', false, true);
    }
    return { ...openChannel(s, keys, m.header, UnattendedMessage.CONFIRM), machine };
  }

  forget() { if (this.secret) this.sodium.memzero(this.secret); }
}
