// Enrolled machines for the page: the technician's certificate and the newest revocation list
// kept in this browser (localStorage: both are public statements), and the machine list asked
// of the relay's /v1/org endpoint (docs/protocol.md#organisation-endpoint). Each record is
// checked against the organisation key the certificate names.
import { StatementError, verifyCertificate, verifyMachineRecord, verifyRevocationList }
  from './org.js';

const CERT_KEY = 'telemaint.certificate';
// One kept list per organisation: another organisation's certificate cannot displace it.
const revokedKey = (sodium, orgKey) => `telemaint.revocations.${sodium.to_hex(orgKey)}`;
const LIST_TIMEOUT_MS = 20000;

// What the relay or a machine wrote, made safe to show: no control or bidi characters, bounded.
export function printable(text, max = 200) {
  return String(text).replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .slice(0, max);
}

export function storedCertificate() { return localStorage.getItem(CERT_KEY) ?? ''; }

// Checks and keeps a certificate file's text; returns what it certifies.
export function importCertificate(sodium, text, publicKey) {
  const cert = verifyCertificate(sodium, text.trim(), publicKey);
  localStorage.setItem(CERT_KEY, text.trim());
  return cert;
}

// The certificate kept, if it still checks out for this browser's key.
export function currentCertificate(sodium, publicKey) {
  const text = storedCertificate();
  if (!text) return null;
  try { return { text, ...verifyCertificate(sodium, text, publicKey) }; } catch { return null; }
}

export function knownRevocations(sodium, orgKey) {
  const text = localStorage.getItem(revokedKey(sodium, orgKey));
  if (!text) return null;
  try { return verifyRevocationList(sodium, orgKey, text); } catch { return null; }
}

// Keeps `text` if it checks out and is newer than the list kept (a relay cannot roll back).
export function keepRevocations(sodium, orgKey, text) {
  if (!text) return;
  let list;
  try { list = verifyRevocationList(sodium, orgKey, text); } catch { return; }
  const known = knownRevocations(sodium, orgKey);
  if (!known || list.serial > known.serial) localStorage.setItem(revokedKey(sodium, orgKey), text);
}

// The machine a record names, checked: signed, not revoked, the machine that answered, and
// the one asked for (by id or name).
export function checkRecordFor(sodium, orgKey) {
  return (text, machineId, wanted) => {
    const record = verifyMachineRecord(sodium, orgKey, text, knownRevocations(sodium, orgKey));
    if (record.machineId !== machineId)
      throw new StatementError('the machine\'s record is not the machine that answered');
    if (record.machineId !== wanted && record.name !== wanted)
      throw new StatementError(`the relay connected you to ${record.name}, not to ${wanted}`);
    return record;
  };
}

function ask(ws, message) {
  return new Promise((resolve, reject) => {
    ws.onmessage = (e) => {
      let m;
      try { m = JSON.parse(e.data); } catch { m = null; }
      if (m?.type === 'error') reject(Object.assign(new Error(m.message || m.code), { code: m.code }));
      else if (m) resolve(m);
      else reject(new Error('the relay sent something else than an answer'));
    };
    ws.onclose = () => reject(Object.assign(new Error('lost'), { code: 'lost' }));
    ws.send(JSON.stringify(message));
  });
}

// [{machineId, name, customer, online, busy, revoked, verified, lastSeen, summary}]; throws
// with .code the relay's error code (auth_failed, not_configured, …) or 'lost'.
export async function listMachines(sodium, relayUrl, account, password, orgKey) {
  const ws = new WebSocket(new URL('/v1/org', relayUrl).href);
  const timer = setTimeout(() => ws.close(), LIST_TIMEOUT_MS);  // the wait ends as 'lost'
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onclose = () => reject(Object.assign(new Error('lost'), { code: 'lost' }));
  });
  try {
    await ask(ws, { type: 'login', proto: 1, user: account, password });
    const answer = await ask(ws, { type: 'machines' });
    keepRevocations(sodium, orgKey, answer.revocations);
    const revoked = knownRevocations(sodium, orgKey);
    return (Array.isArray(answer.machines) ? answer.machines : []).map((m) => describe(sodium, orgKey, m, revoked));
  } finally {
    clearTimeout(timer);
    ws.close();
  }
}

function describe(sodium, orgKey, m, revoked) {
  let record = null;
  try { record = verifyMachineRecord(sodium, orgKey, String(m.record ?? ''), null); } catch {}
  const verified = record !== null && record.machineId === m.machine_id;
  const inventory = m.inventory && typeof m.inventory === 'object' ? m.inventory : {};
  const summary = [inventory.hostname, inventory.os?.name].filter((s) => typeof s === 'string' && s)
    .join(' — ');
  return { machineId: String(m.machine_id ?? ''),
    name: printable(verified ? record.name : m.name ?? '', 64),
    customer: printable(verified ? record.customer : m.customer ?? '', 64), online: m.online === true,
    busy: m.busy === true, revoked: m.revoked === true || !!revoked?.machines.has(m.machine_id),
    verified, lastSeen: Number(m.last_seen) || 0, summary: printable(summary) };
}
