// The customer's screen in the page: noVNC's RFB client on an RfbChannel, with the encodings
// chosen by picture quality (as the native viewer's Quality menu: lossless is ZRLE, never JPEG).
import RFB from '@novnc/novnc';

// RFB encoding numbers (RFC 6143 and the registry noVNC follows).
const Enc = Object.freeze({ RAW: 0, COPY_RECT: 1, TIGHT: 7, ZRLE: 16,
  QUALITY_0: -32, COMPRESS_0: -256, DESKTOP_SIZE: -223, LAST_RECT: -224, CURSOR: -239,
  EXTENDED_DESKTOP_SIZE: -308 });

export const Quality = Object.freeze({
  lossless: { jpeg: false, quality: 9, compression: 2 },
  high: { jpeg: true, quality: 8, compression: 2 },
  low: { jpeg: true, quality: 3, compression: 9 } });

class TelemaintRFB extends RFB {
  // noVNC's own list always offers Tight with a JPEG quality level; ours follows the quality.
  _sendEncodings() {
    const q = Quality[this.telemaintQuality] ?? Quality.lossless;
    const encs = q.jpeg ? [Enc.TIGHT, Enc.ZRLE, Enc.COPY_RECT, Enc.RAW,
      Enc.QUALITY_0 + q.quality] : [Enc.ZRLE, Enc.COPY_RECT, Enc.RAW];
    encs.push(Enc.COMPRESS_0 + q.compression, Enc.DESKTOP_SIZE, Enc.LAST_RECT,
      Enc.EXTENDED_DESKTOP_SIZE, Enc.CURSOR);
    RFB.messages.clientEncodings(this._sock, encs);
  }

  // A new quality: new encodings, then the whole picture again at that quality.
  applyQuality(quality) {
    this.telemaintQuality = quality;
    if (this._rfbConnectionState !== 'connected') return;
    this._sendEncodings();
    RFB.messages.fbUpdateRequest(this._sock, false, 0, 0, this._fbWidth, this._fbHeight);
  }
}

export class Screen {
  constructor(container, channel, quality) {
    this.rfb = new TelemaintRFB(container, channel, { shared: true });
    this.rfb.telemaintQuality = quality;
    this.rfb.scaleViewport = true;
    this.rfb.background = '#202124';
    this.inputAllowed = false;
    this.techViewOnly = false;
    this.applyViewOnly();
  }

  setQuality(quality) { this.rfb.applyQuality(quality); }

  // Actual size shows the screen at 1:1 with scroll bars (#screen scrolls), never clipped.
  setFit(fit) { this.rfb.scaleViewport = fit; }
  // Input goes to the customer only while they allow control and the technician wants it.
  setCustomerAllowsInput(allowed) { this.inputAllowed = allowed; this.applyViewOnly(); }
  setTechnicianViewOnly(on) { this.techViewOnly = on; this.applyViewOnly(); }
  applyViewOnly() { this.rfb.viewOnly = !this.inputAllowed || this.techViewOnly; }
  sendCtrlAltDel() { this.rfb.sendCtrlAltDel(); }
  focus() { this.rfb.focus(); }
  disconnect() { this.rfb.disconnect(); }
}
