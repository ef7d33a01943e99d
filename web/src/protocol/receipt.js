// The viewer's session receipt (receipt/receipt.cc; docs/protocol.md#session-receipts): JSON
// with its keys sorted, no spaces, every character from U+007F up escaped as \uXXXX, exactly
// as nlohmann::json::dump(ensure_ascii) writes it, so the relay and telemaint-audit check the
// same bytes the page signed.
import { toHex } from './bytes.js';
import { Limits } from './words.js';

export const RECEIPT_TYPE = 'telemaint/v1 session receipt';

function escapeNonAscii(json) {
  return json.replace(/[\u007f-\uffff]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

// facts: {session, transcript, hostKey, technicianKey, technician, start, end, permissions,
// ending}; byte arrays for the keys and transcript (hostKey may be empty).
export function receiptText(facts) {
  const sorted = {
    end: facts.end,
    ending: facts.ending,
    host_key: toHex(facts.hostKey),
    permissions: facts.permissions.slice(0, Limits.MAX_RECEIPT_PERMISSIONS),
    role: 'viewer',
    session: facts.session,
    start: facts.start,
    technician: facts.technician,
    technician_key: toHex(facts.technicianKey),
    transcript: toHex(facts.transcript),
    type: RECEIPT_TYPE,
  };
  return escapeNonAscii(JSON.stringify(sorted));
}
