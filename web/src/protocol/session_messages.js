// Session messages inside the channel (peer/session_messages.cc): what the viewer sends, and
// strict checks of what it accepts from the host. Anything that does not check out is ignored.
import { fromHex, toHex } from './bytes.js';
import { ConsentState, SessionMessage } from './words.js';

export function hello(account, publicKey, signature) {
  return { type: SessionMessage.HELLO, account, key: toHex(publicKey),
    signature: toHex(signature) };
}

export const requestControl = () => ({ type: SessionMessage.REQUEST_CONTROL });
export const showMonitor = (index) => ({ type: SessionMessage.SHOW_MONITOR, index });
export const close = (reason) => ({ type: SessionMessage.CLOSE, reason });

// {key, signature} as bytes, or null.
export function decodeHostHello(m) {
  const key = fromHex(m.key, 32), signature = fromHex(m.signature, 64);
  return key && signature ? { key, signature } : null;
}

export function decodeConsent(m) {
  return Object.values(ConsentState).includes(m.state) ? m.state : null;
}

const isInt = (v, lo, hi) => Number.isInteger(v) && v >= lo && v <= hi;

// The monitor list, or null if any part is wrong (the previous list is then kept).
export function decodeMonitors(m) {
  if (!Array.isArray(m.monitors) || m.monitors.length > 16) return null;
  const out = [];
  for (const e of m.monitors) {
    if (!e || typeof e !== 'object' || typeof e.name !== 'string') return null;
    if (new TextEncoder().encode(e.name).length > 64) return null;
    if (!isInt(e.x, 0, 65535) || !isInt(e.y, 0, 65535)) return null;
    if (!isInt(e.width, 1, 65535) || !isInt(e.height, 1, 65535)) return null;
    out.push({ name: e.name.replace(/[\u0000-\u001f\u007f]/g, ' '), x: e.x, y: e.y,
      width: e.width, height: e.height });
  }
  return out;
}

// A close reason as the C++ side reads it: a string cut to 64 bytes, else 'closed'.
export function closeReason(m) {
  return typeof m.reason === 'string' ? m.reason.slice(0, 64) : 'closed';
}
