// Byte helpers: UTF-8, hex, concatenation. Hex is lowercase, as on the C++ side.

const encoder = new TextEncoder();

export function utf8(text) { return encoder.encode(text); }
export function fromUtf8(bytes) { return new TextDecoder('utf-8', { fatal: false }).decode(bytes); }

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// null unless `hex` is exactly `length` bytes of hex digits.
export function fromHex(hex, length) {
  if (typeof hex !== 'string' || hex.length !== 2 * length || !/^[0-9a-fA-F]*$/.test(hex))
    return null;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; ++i) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

// Label ‖ 0x00 ‖ content: the framing of every signed statement (crypto/identity.cc).
export function labelled(label, content) {
  return concat(utf8(label), new Uint8Array([0]), content);
}
