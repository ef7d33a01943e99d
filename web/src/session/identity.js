// The technician's signing key in this browser (kept in IndexedDB, database "telemaint").
// Preferred: a WebCrypto Ed25519 key made non-extractable, so no script, not even a later
// altered one, can read the private key out (it could only ask for signatures while loaded).
// Browsers without WebCrypto Ed25519 get a libsodium key whose seed is stored in IndexedDB,
// readable by any script of this origin; the page says which (docs/technician-guide.md).
// Signatures are plain Ed25519 either way: the host checks them with libsodium.

const DB_NAME = 'telemaint', STORE = 'keys', ENTRY = 'technician';

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function openStore() {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  return request(open);
}

async function readEntry(db) {
  return request(db.transaction(STORE).objectStore(STORE).get(ENTRY));
}

async function writeEntry(db, value) {
  const tx = db.transaction(STORE, 'readwrite');
  tx.objectStore(STORE).put(value, ENTRY);
  await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
}

async function webCryptoKey() {
  try {
    return await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
  } catch {
    return null;  // no Ed25519 in this browser's WebCrypto
  }
}

async function fromEntry(sodium, entry) {
  if (entry.kind === 'webcrypto') {
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', entry.pair.publicKey));
    return { kind: 'webcrypto', publicKey: raw,
      sign: async (m) => new Uint8Array(await crypto.subtle.sign('Ed25519', entry.pair.privateKey, m)) };
  }
  const pair = sodium.crypto_sign_seed_keypair(entry.seed);
  return { kind: 'libsodium', publicKey: pair.publicKey,
    sign: async (m) => sodium.crypto_sign_detached(m, pair.privateKey) };
}

export async function loadOrCreateIdentity(sodium) {
  const db = await openStore();
  let entry = await readEntry(db);
  if (!entry) {
    const pair = await webCryptoKey();
    entry = pair ? { kind: 'webcrypto', pair }
      : { kind: 'libsodium', seed: sodium.randombytes_buf(32) };
    await writeEntry(db, entry);
  }
  db.close();
  return fromEntry(sodium, entry);
}
