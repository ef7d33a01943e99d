// The organisation's signed statements as the page checks them (org/statements.cc,
// org/credentials.cc; docs/protocol.md#organisation-statements): a JSON object {kind, body,
// signature}, the signature by the organisation key over
// "telemaint/v1 organisation statement" ‖ 0x00 ‖ kind ‖ 0x00 ‖ body.
import { concat, fromHex, labelled, utf8 } from '../protocol/bytes.js';

export const StatementKind = Object.freeze({ CERTIFICATE: 'technician_certificate',
  MACHINE_RECORD: 'machine_record', REVOCATION_LIST: 'revocation_list' });

const MAX_STATEMENT = 256 * 1024;
const isHex = (s, bytes) => typeof s === 'string' && new RegExp(`^[0-9a-f]{${2 * bytes}}$`).test(s);

export class StatementError extends Error {}

function decode(text) {
  if (typeof text !== 'string' || text.length > MAX_STATEMENT) throw new StatementError('not a statement');
  let s;
  try { s = JSON.parse(text); } catch { throw new StatementError('not a statement'); }
  if (!s || typeof s.kind !== 'string' || typeof s.body !== 'string' || !isHex(s.signature, 64))
    throw new StatementError('not a statement');
  return s;
}

// The statement's body, once its kind and signature check out against `orgKey` (32 bytes).
export function verifyStatement(sodium, orgKey, kind, text) {
  const s = decode(text);
  if (s.kind !== kind) throw new StatementError(`not a ${kind.replace('_', ' ')}`);
  const signed = labelled('telemaint/v1 organisation statement',
    concat(utf8(kind), new Uint8Array([0]), utf8(s.body)));
  if (!sodium.crypto_sign_verify_detached(fromHex(s.signature, 64), signed, orgKey))
    throw new StatementError(`the ${kind.replace('_', ' ')} is not signed by your organisation`);
  let body;
  try { body = JSON.parse(s.body); } catch { body = null; }
  if (!body || typeof body !== 'object' || body.org_key !== sodium.to_hex(orgKey))
    throw new StatementError(`the ${kind.replace('_', ' ')} names another organisation`);
  return body;
}

// The organisation key a certificate names (checked by verifyCertificate with that key).
export function certificateOrgKey(text) {
  try {
    const body = JSON.parse(decode(text).body);
    return isHex(body?.org_key, 32) ? fromHex(body.org_key, 32) : null;
  } catch { return null; }
}

// The technician's own certificate: signed by the key it names, certifying `publicKey`.
export const MAX_CERTIFICATE = 4096;  // what the unattended handshake carries

export function verifyCertificate(sodium, text, publicKey) {
  if (new TextEncoder().encode(text).length > MAX_CERTIFICATE)
    throw new StatementError('this file is too large to be a technician certificate');
  const orgKey = certificateOrgKey(text);
  if (!orgKey) throw new StatementError('this file is not a technician certificate');
  const body = verifyStatement(sodium, orgKey, StatementKind.CERTIFICATE, text);
  if (body.key !== sodium.to_hex(publicKey))
    throw new StatementError('this certificate is for another key than this browser\'s');
  return { orgKey, account: String(body.account), org: String(body.org),
    notAfter: Number(body.not_after), customers: body.customers ?? [] };
}

const isString = (v) => typeof v === 'string' && new TextEncoder().encode(v).length <= 256;
const isTime = (v) => Number.isSafeInteger(v);
// An absent list is empty; a present one must hold only valid entries (at most 2000).
function entries(v, valid) {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > 2000 || !v.every(valid)) return null;
  return v;
}

// As org/credentials.cc CheckRevocationList: one malformed entry refuses the whole list.
export function verifyRevocationList(sodium, orgKey, text) {
  const body = verifyStatement(sodium, orgKey, StatementKind.REVOCATION_LIST, text);
  const machines = entries(body.machines, (m) => isHex(m, 16));
  const technicians = entries(body.technicians, (k) => isHex(k, 32));
  if (!Number.isSafeInteger(body.serial) || body.serial < 0 || !isTime(body.issued_at) ||
      !machines || !technicians)
    throw new StatementError('the revocation list is malformed');
  return { serial: body.serial, machines: new Set(machines), text };
}

// The first 16 bytes of BLAKE2b-256("telemaint/v1 machine id" ‖ key), as org::MachineIdForKey:
// no second key can take a machine's id.
export function machineIdForKey(sodium, key) {
  return sodium.to_hex(sodium.crypto_generichash(32, concat(utf8('telemaint/v1 machine id'), key))
    .slice(0, 16));
}

export function verifyMachineRecord(sodium, orgKey, text, revocations) {
  const body = verifyStatement(sodium, orgKey, StatementKind.MACHINE_RECORD, text);
  if (!isHex(body.machine_id, 16) || !isHex(body.key, 32) || !isString(body.org) ||
      !isString(body.name) || !isString(body.customer) || !isTime(body.enrolled_at) ||
      !isTime(body.approved_at))
    throw new StatementError('the machine record is malformed');
  if (body.machine_id !== machineIdForKey(sodium, fromHex(body.key, 32)))
    throw new StatementError(`the machine record of ${body.name} names an id that is not its key's`);
  if (revocations?.machines.has(body.machine_id))
    throw new StatementError(`the machine ${body.name} was revoked by the organisation`);
  return { machineId: body.machine_id, key: fromHex(body.key, 32), name: body.name,
    customer: body.customer };
}
