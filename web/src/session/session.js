// One attended session from the browser: the relay connection (join), the handshake, the
// tunnel, and the one way every session ends. Events (CustomEvent detail):
//   'phase'     'connecting' | 'joining' | 'handshake' | 'channel'
//   'consent'   'asking' | 'control' | 'view_only'
//   'monitors'  [{name, x, y, width, height}]
//   'host-key'  the fingerprint of the key the customer's computer proved
//   'rfb'       the RfbChannel to hand to noVNC (once the customer answered)
//   'ended'     {reason, origin: 'relay' | 'customer' | 'you' | 'lost', message}
import { fromHex } from '../protocol/bytes.js';
import { HandshakeError, ViewerHandshake } from '../protocol/handshake.js';
import * as messages from '../protocol/session_messages.js';
import { Control, EndReason, Limits, PROTOCOL_VERSION, VIEWER_PATH, endReasonForError }
  from '../protocol/words.js';
import { Tunnel } from './tunnel.js';
import { ViewerUnattendedHandshake } from '../unattended/handshake.js';
import { checkRecordFor, keepRevocations } from '../unattended/machines.js';

export class WebSession extends EventTarget {
  // options: {sodium, relayUrl (wss://host:port), account, password, identity (identity.js),
  // and either nameplate, secret, ticket (attended) or machine (an enrolled machine's id or
  // name) with credential {text, orgKey} (the technician's certificate)}
  constructor(options) {
    super();
    Object.assign(this, options);
    this.ended = false;
    this.tunnel = null;
    this.handshake = null;
    this.inbox = Promise.resolve();  // frames are handled one after the other, in order
  }

  emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }

  start() {
    this.leaving = new AbortController();
    addEventListener('pagehide', () => this.leavePage(), { signal: this.leaving.signal });
    // Closing the tab by mistake asks first while a session runs.
    addEventListener('beforeunload', (e) => e.preventDefault(), { signal: this.leaving.signal });
    this.emit('phase', 'connecting');
    this.ws = new WebSocket(new URL(VIEWER_PATH, this.relayUrl).href);
    this.ws.binaryType = 'arraybuffer';
    this.ws.onopen = () => this.join();
    this.ws.onmessage = (e) => {
      this.inbox = this.inbox.then(() => this.onFrame(e.data)).catch((err) => {
        console.warn(err);
        this.finish({ reason: EndReason.PROTOCOL, origin: 'relay', abort: true });
      });
    };
    this.ws.onclose = () => this.finish({ reason: 'lost', origin: 'lost' });
  }

  join() {
    const join = { type: Control.JOIN, proto: PROTOCOL_VERSION, nameplate: this.nameplate ?? '',
      user: this.account, password: this.password };
    if (this.ticket) join.ticket = this.ticket;
    if (this.machine) join.machine = this.machine;
    this.ws.send(JSON.stringify(join));
    this.password = null;  // a JS string cannot be wiped; at least it is not kept
    this.emit('phase', 'joining');
  }

  sendBinary(bytes) { if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes); }
  sendText(message) { if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message)); }

  async onFrame(data) {
    if (this.ended) return;
    if (typeof data === 'string') return this.onControl(data);
    if (this.tunnel) {
      const ending = this.tunnel.receive(data);
      if (ending) this.finishFromTunnel(ending);
      return;
    }
    if (this.handshake) return await this.onHandshake(data);
    this.finish({ reason: EndReason.PROTOCOL, origin: 'relay' });
  }

  // The relay may send `paired` once, before anything else, then only `peer_gone` or `error`;
  // anything else ends the session as a protocol error (as the C++ viewer).
  onControl(text) {
    let m;
    try { m = JSON.parse(text); } catch { m = null; }
    const type = m && typeof m.type === 'string' ? m.type : '';
    const message = typeof m?.message === 'string' ? m.message : '';
    const paired = this.handshake || this.tunnel;
    if (type === Control.PAIRED && !paired) return this.onPaired(m);
    // An enrolled machine's join: the newest revocation list comes just before `paired`.
    if (type === 'revocations' && this.machine && !paired && typeof m.list === 'string')
      return keepRevocations(this.sodium, this.credential.orgKey, m.list);
    if (type === Control.ERROR) {
      const code = String(m.code);
      return this.finish({ reason: paired ? endReasonForError(code) : code, origin: 'relay', message });
    }
    if (type === Control.PEER_GONE && paired)
      return this.finish({ reason: String(m.reason), origin: 'relay', message });
    this.finish({ reason: EndReason.PROTOCOL, origin: 'relay', abort: true });
  }

  onPaired(m) {
    const sid = fromHex(m.session, 16);
    if (!sid) return this.finish({ reason: EndReason.PROTOCOL, origin: 'relay' });
    this.sessionId = m.session;
    this.handshake = this.machine
      ? new ViewerUnattendedHandshake(this.sodium, sid, { wanted: this.machine,
        identity: this.identity, certificate: this.credential.text,
        checkRecord: checkRecordFor(this.sodium, this.credential.orgKey) })
      : new ViewerHandshake(this.sodium, this.nameplate, this.secret, sid);
    this.secret = null;
    this.timer = setTimeout(() => this.finish({ reason: EndReason.TIMEOUT, origin: 'lost' }),
      Limits.HANDSHAKE_TIMEOUT_MS);
    this.emit('phase', 'handshake');
  }

  async onHandshake(data) {
    const handshake = this.handshake;
    let step;
    try {
      step = await handshake.receive(data);
    } catch (e) {
      if (!(e instanceof HandshakeError)) throw e;
      handshake.forget();
      const reason = e.wrongCode ? EndReason.PAKE_FAILED
        : e.refused ? EndReason.NOT_AUTHORISED : EndReason.PROTOCOL;
      this.sendText({ type: Control.ABORT, reason });
      return this.finish({ reason, origin: 'you', message: e.message });
    }
    if (this.ended) return;
    this.sendBinary(step.reply);
    if (!step.channel) return;
    clearTimeout(this.timer);
    this.handshake = null;
    this.tunnel = new Tunnel(this, step.channel);
    if (step.machine) this.emit('machine', step.machine);
    this.emit('phase', 'channel');
    await this.tunnel.sendHello();  // a failure ends the session through the inbox's catch
  }

  // The technician ends the session (Disconnect, or noVNC closing its channel).
  disconnect() {
    if (this.ended) return;
    if (!this.tunnel) {
      this.sendText({ type: Control.ABORT, reason: EndReason.VIEWER_CLOSED });
      return this.finish({ reason: EndReason.VIEWER_CLOSED, origin: 'you' });
    }
    this.tunnel.sendControl(messages.close(EndReason.VIEWER_CLOSED), true);
    this.finishFromTunnel({ reason: EndReason.VIEWER_CLOSED, abort: true });
  }

  // The page is going away (tab closed, reload): the sealed close and the abort go out at once;
  // there is no time to sign a receipt (the relay records the session without the viewer's).
  leavePage() {
    if (this.ended || !this.ws) return;
    this.tunnel?.sendControl(messages.close(EndReason.VIEWER_CLOSED), true);
    this.sendText({ type: Control.ABORT, reason: EndReason.VIEWER_CLOSED });
    this.ended = true;
    this.ws.close(1000);
  }

  requestControl() { this.tunnel?.sendControl(messages.requestControl()); }
  showMonitor(index) { this.tunnel?.sendControl(messages.showMonitor(index)); }

  // An ending seen in the channel: the host's close, or a fault of ours to report.
  finishFromTunnel({ reason, abort, byHost }) {
    const origin = byHost ? 'customer' : reason === EndReason.VIEWER_CLOSED ? 'you' : 'relay';
    this.finish({ reason, origin, abort });
  }

  // Every ending comes here once: receipt (when the channel was up), abort when this side
  // ends it, then the connection closes.
  async finish({ reason, origin, message = '', abort = false }) {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.password = this.secret = null;
    this.handshake?.forget();
    this.handshake = null;
    this.leaving?.abort();  // no pagehide handler keeps this session alive
    const tunnel = this.tunnel;
    tunnel?.rfb?.ended(reason);
    this.emit('ended', { reason, origin, message });
    if (tunnel && this.ws.readyState === WebSocket.OPEN) {
      try {
        const receipt = await tunnel.receipt(reason);
        if (receipt) this.sendText(receipt);
      } catch (e) { console.warn(e); }
    }
    if (abort) this.sendText({ type: Control.ABORT, reason });
    this.ws.close(1000);
  }
}
