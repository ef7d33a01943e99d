// What runs once the channel is up (peer/channel_link.cc on the C++ side): the technician's
// hello first, then the host's session messages and RFB data, and the viewer's receipt at the
// end. Owned by a WebSession; everything runs on the page's one thread.
import { Channel, IntegrityError, ProtocolError, parseControl } from '../protocol/channel.js';
import { hostHelloStatement, keyFingerprint, receiptStatement, technicianHelloStatement,
  transcriptHash } from '../protocol/key_schedule.js';
import { receiptText } from '../protocol/receipt.js';
import * as messages from '../protocol/session_messages.js';
import { toHex } from '../protocol/bytes.js';
import { ConsentState, EndReason, Inner, Limits, SessionMessage, endingWord }
  from '../protocol/words.js';
import { RfbChannel } from './rfb_channel.js';

const MAX_HELD_BYTES = 4 << 20;  // RFB bytes held before noVNC exists (as the C++ side)

export class Tunnel {
  // session: the WebSession (send, emit, finish); keys: {push, pull, binding}.
  constructor(session, keys) {
    this.session = session;
    this.sodium = session.sodium;
    this.channel = new Channel(this.sodium, keys);
    this.binding = keys.binding;
    this.start = Date.now();
    this.hostKey = new Uint8Array(0);
    this.permissions = [];
    this.consent = ConsentState.ASKING;
    this.rfb = null;
    this.held = [];
    this.heldBytes = 0;
    this.sentFinal = false;
  }

  async sendHello() {
    const id = this.session.identity;
    const signature = await id.sign(technicianHelloStatement(this.binding));
    this.sendControl(messages.hello(this.session.account, id.publicKey, signature));
  }

  // Nothing follows this side's final message (TAG_FINAL).
  sendControl(message, final = false) {
    if (this.sentFinal || this.session.ended) return;
    this.session.sendBinary(this.channel.sealControl(message, final));
    if (final) this.sentFinal = true;
  }

  sendData(bytes) {
    if (this.sentFinal) return;
    for (let at = 0; at < bytes.length; at += Limits.MAX_DATA_PAYLOAD)
      this.session.sendBinary(this.channel.sealData(bytes.subarray(at, at + Limits.MAX_DATA_PAYLOAD)));
  }

  // One binary frame from the host. Returns the ending it caused, or null.
  receive(frame) {
    let opened;
    try {
      opened = this.channel.open(frame);
    } catch (e) {
      if (e instanceof IntegrityError) return { reason: EndReason.INTEGRITY, abort: true };
      if (e instanceof ProtocolError) return { reason: EndReason.PROTOCOL, abort: true };
      throw e;
    }
    let ending = null;
    if (opened.type === Inner.DATA) ending = this.onData(opened.payload);
    else if (opened.type === Inner.CONTROL) ending = this.onControl(opened.payload);
    if (!ending && opened.final) ending = { reason: EndReason.CLOSED, byHost: true };
    return ending;
  }

  onData(payload) {
    if (this.rfb) { this.rfb.deliver(payload); return null; }
    this.heldBytes += payload.length + 64;
    if (this.heldBytes > MAX_HELD_BYTES) return { reason: EndReason.PROTOCOL, abort: true };
    this.held.push(payload.slice());
    return null;
  }

  onControl(payload) {
    const m = parseControl(payload);
    if (!m) return null;
    switch (m.type) {
      case SessionMessage.CLOSE: return { reason: messages.closeReason(m), byHost: true };
      case SessionMessage.HOST_HELLO: this.onHostHello(m); break;
      case SessionMessage.CONSENT: this.onConsent(m); break;
      case SessionMessage.MONITORS: {
        const list = messages.decodeMonitors(m);
        if (list) this.session.emit('monitors', list);
        break;
      }
      default: break;  // unknown session messages are ignored
    }
    return null;
  }

  onHostHello(m) {
    if (this.hostKey.length) return;  // only the first counts
    const hello = messages.decodeHostHello(m);
    if (!hello) return;
    if (!this.sodium.crypto_sign_verify_detached(hello.signature,
      hostHelloStatement(this.binding), hello.key)) {
      console.warn('telemaint: the host_hello signature does not verify');
      return;
    }
    this.hostKey = hello.key;
    this.session.emit('host-key', keyFingerprint(this.sodium, hello.key));
  }

  onConsent(m) {
    const state = messages.decodeConsent(m);
    if (!state) return;
    this.consent = state;
    if (state !== ConsentState.ASKING) this.permissions.push(state);
    this.session.emit('consent', state);
    if (state !== ConsentState.ASKING && !this.rfb) this.openRfb();
  }

  openRfb() {
    this.rfb = new RfbChannel((bytes) => this.sendData(bytes),
      () => this.session.disconnect());
    this.session.emit('rfb', this.rfb);
    this.rfb.open();
    for (const bytes of this.held) this.rfb.deliver(bytes);
    this.held = [];
  }

  // The signed receipt (null if it would not fit the relay's limit).
  async receipt(ending) {
    const id = this.session.identity;
    const text = receiptText({ session: this.session.sessionId,
      transcript: transcriptHash(this.sodium, this.binding), hostKey: this.hostKey,
      technicianKey: id.publicKey, technician: this.session.account, start: this.start,
      end: Date.now(), permissions: this.permissions, ending: endingWord(ending) });
    if (new TextEncoder().encode(text).length > Limits.MAX_RECEIPT) return null;
    const signature = await id.sign(receiptStatement(text));
    return { type: 'receipt', receipt: text, signature: toHex(signature) };
  }
}
