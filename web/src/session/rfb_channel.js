// What noVNC sees as its WebSocket: a "raw channel" (core/websock.js) whose bytes travel inside
// the end-to-end channel. noVNC sends RFB bytes with send(); the session delivers the host's
// RFB bytes with deliver(). It is created once the customer has answered, so noVNC meets the
// host's RFB server only after consent, as the native viewer's client does.
export class RfbChannel {
  constructor(onSend, onClose) {
    this.binaryType = 'arraybuffer';
    this.protocol = '';
    this.readyState = 'connecting';
    this.onopen = null;
    this.onmessage = null;
    this.onclose = null;
    this.onerror = null;
    this.onSend_ = onSend;
    this.onClose_ = onClose;
  }

  // Called by noVNC; `data` may be a view into noVNC's own buffer: it is sealed (copied) at once.
  send(data) {
    if (this.readyState !== 'open') return;
    this.onSend_(data instanceof Uint8Array ? data : new Uint8Array(data));
  }

  // Called by noVNC when it disconnects (the technician's Disconnect, or an RFB error).
  close() {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    this.onClose_();
  }

  open() {
    this.readyState = 'open';
    if (this.onopen) this.onopen(new Event('open'));
  }

  deliver(bytes) {
    if (this.readyState !== 'open' || !this.onmessage) return;
    const copy = bytes.slice();  // the caller's buffer is the channel's plaintext
    this.onmessage({ data: copy.buffer });
  }

  ended(reason) {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    if (this.onclose) this.onclose({ code: 1000, reason, wasClean: true });
  }
}
