// Every word of the wire protocol the web viewer speaks, spelled once (the C++ side spells
// them in common/vocabulary.h; docs/protocol.md is the reference for both).

export const PROTOCOL_VERSION = 1;
export const VIEWER_PATH = '/v1/viewer';

// Handshake message types (first byte of a binary frame before the channel is up).
export const Handshake = Object.freeze({ HOST_SHARE: 0x01, VIEWER_SHARE: 0x02,
  HOST_CONFIRM: 0x03, VIEWER_CONFIRM: 0x04 });

// Inner message types (first byte of a channel plaintext).
export const Inner = Object.freeze({ DATA: 0x01, CONTROL: 0x02 });

// Control messages between a peer and the relay (JSON text frames).
export const Control = Object.freeze({ JOIN: 'join', PAIRED: 'paired', ABORT: 'abort',
  RECEIPT: 'receipt', PEER_GONE: 'peer_gone', ERROR: 'error' });

// Session messages inside the channel.
export const SessionMessage = Object.freeze({ CLOSE: 'close', HELLO: 'hello',
  HOST_HELLO: 'host_hello', CONSENT: 'consent', MONITORS: 'monitors',
  SHOW_MONITOR: 'show_monitor', REQUEST_CONTROL: 'request_control' });

export const ConsentState = Object.freeze({ ASKING: 'asking', CONTROL: 'control',
  VIEW_ONLY: 'view_only' });

// Session endings (abort and close reasons; peer_gone reasons add the relay's own).
export const EndReason = Object.freeze({
  PAKE_FAILED: 'pake_failed', USER_DECLINED: 'user_declined', USER_DENIED: 'user_denied',
  CONSENT_TIMEOUT: 'consent_timeout', USER_STOPPED: 'user_stopped', IDENTITY: 'identity',
  VNC_UNAVAILABLE: 'vnc_unavailable', LOCAL_UNAVAILABLE: 'local_unavailable',
  VIEWER_CLOSED: 'viewer_closed', HOST_CLOSED: 'host_closed', INTEGRITY: 'integrity',
  PROTOCOL: 'protocol', CODE_EXPIRED: 'code_expired', TIMEOUT: 'timeout',
  HOST_LEFT: 'host_left', VIEWER_LEFT: 'viewer_left', RELAY_SHUTDOWN: 'relay_shutdown',
  NOT_AUTHORISED: 'not_authorised', POLICY_DENIED: 'policy_denied',
  // A peer's own view of an ending it did not get a word for (as common/vocabulary.h).
  RELAY_LOST: 'relay_lost', INTERNAL: 'internal', CLOSED: 'closed', OTHER: 'other' });

// The word a receipt names for an ending: a known word as is, any other 'other', so the
// technician never signs text the host or the relay chose.
export function endingWord(reason) {
  return Object.values(EndReason).includes(reason) ? reason : EndReason.OTHER;
}

// A relay error during a session, as the C++ side's EndReasonForError.
export function endReasonForError(code) {
  switch (code) {
    case 'code_expired': return EndReason.CODE_EXPIRED;
    case 'timeout': return EndReason.TIMEOUT;
    case 'shutting_down': return EndReason.RELAY_SHUTDOWN;
    case 'internal': return EndReason.INTERNAL;
    case 'bad_request': case 'too_large': return EndReason.PROTOCOL;
    default: return EndReason.RELAY_LOST;
  }
}

// The relay's error codes a viewer can meet.
export const ErrorCode = Object.freeze({
  AUTH_FAILED: 'auth_failed', FORBIDDEN: 'forbidden', RATE_LIMITED: 'rate_limited',
  UNKNOWN_CODE: 'unknown_code', CODE_EXPIRED: 'code_expired', CODE_IN_USE: 'code_in_use',
  SERVER_BUSY: 'server_busy', SHUTTING_DOWN: 'shutting_down', INTERNAL: 'internal',
  BAD_REQUEST: 'bad_request', TOO_LARGE: 'too_large', TIMEOUT: 'timeout',
  UNSUPPORTED_VERSION: 'unsupported_version' });

// Limits shared with the C++ side (common/wire.h, peer/channel_link.cc).
export const Limits = Object.freeze({
  MAX_DATA_PAYLOAD: 65536,       // RFB bytes in one data message
  MAX_SESSION_MESSAGE: 4096,     // JSON bytes of one session message
  MAX_RECEIPT: 2048,
  MAX_RECEIPT_PERMISSIONS: 32,
  HANDSHAKE_TIMEOUT_MS: 30000 });
