// The page's CPace against the draft's vectors (draft-irtf-cfrg-cpace-21, ristretto255/SHA-512),
// the same vectors tests/crypto/cpace_test.cc checks the C++ side with, and the key schedule
// against the values tests/crypto/handshake_test.cc checks (KeyScheduleMatchesTheWebViewer).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sodium from 'libsodium-wrappers-sumo';
import * as cpace from '../src/protocol/cpace.js';
import { fromHex, toHex, utf8 } from '../src/protocol/bytes.js';
import { deriveChannelKeys, confirmTag, checkTag, transcriptHash } from '../src/protocol/key_schedule.js';

await sodium.ready;
const H = (hex) => fromHex(hex, hex.length / 2);
const PRS = utf8('Password');
const CI = H('0b415f696e69746961746f720b425f726573706f6e646572');
const SID = H('7e4b4791d6a8ef019b936c79fb7f2c57');
const ADA = utf8('ADa'), ADB = utf8('ADb');
const YA = 'da3d23700a9e5699258aef94dc060dfda5ebb61f02a5ea77fad53f4ff0976d08';
const YB = 'd2316b454718c35362d83d69df6320f38578ed5984651435e2949762d900b80d';

test('encodings match the draft', () => {
  assert.equal(toHex(cpace.prependLen(new Uint8Array(0))), '00');
  assert.equal(toHex(cpace.prependLen(utf8('1234'))), '0431323334');
  const r128 = Uint8Array.from({ length: 128 }, (_, i) => i);
  const p = cpace.prependLen(r128);
  assert.deepEqual([p.length, p[0], p[1]], [130, 0x80, 0x01]);
  assert.equal(toHex(cpace.lvCat(utf8('1234'), utf8('5'), utf8(''), utf8('678'))),
    '043132333401350003363738');
});

test('generator string and generator match the draft', () => {
  assert.equal(toHex(cpace.generatorString(PRS, CI, SID)),
    '11435061636552697374726574746f3235350850617373776f726464' + '0'.repeat(200) +
    '180b415f696e69746961746f720b425f726573706f6e646572107e4b4791d6a8ef019b936c79fb7f2c57');
  assert.equal(toHex(cpace.generator(sodium, PRS, CI, SID)),
    '222b6b195fe84b1652badb6f6a3ae3d24341e7306967f0b8115b40d5698c7e56');
});

test('shares, K and ISK match the draft', () => {
  const a = cpace.start(sodium, PRS, CI, SID, H(YA));
  const b = cpace.start(sodium, PRS, CI, SID, H(YB));
  assert.equal(toHex(a.share), 'd6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0eec482b9157');
  assert.equal(toHex(b.share), '3ea7e0b19560d7c0b0f5734f63b955286dfa8232b5ebe63324e2d9e7433f7258');
  const k = cpace.scalarMultVfy(sodium, H(YA), b.share);
  assert.equal(toHex(k), '80b69a8a76457ab6a4d7f887a4bf6b55a2f80ac19c333f917a05fc9887c8b40f');
  const isk = 'b69effbf61b51d56401c0f65601abe428de8206feaaf0e32198896dcae7b35cd2b38950a39dfd5d4a7916461' +
    '4c2984f7daa460b588c1e80c3fa2068af7900447';
  const ya = a.share, yb = b.share;
  assert.equal(toHex(cpace.finish(sodium, a, SID, yb, ya, ADA, yb, ADB)), isk);
  assert.equal(toHex(cpace.finish(sodium, b, SID, ya, ya, ADA, yb, ADB)), isk);
});

test('invalid, identity and top-bit shares abort', () => {
  const y = () => H(YA);
  assert.equal(cpace.scalarMultVfy(sodium, y(),
    H('2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c')), null);
  assert.equal(cpace.scalarMultVfy(sodium, y(), new Uint8Array(32)), null);
  assert.equal(cpace.scalarMultVfy(sodium, y(), new Uint8Array(31).fill(1)), null);
  const valid = H('2c3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c');
  assert.notEqual(cpace.scalarMultVfy(sodium, y(), valid), null);
  const topBit = valid.slice(); topBit[31] |= 0x80;
  assert.equal(cpace.scalarMultVfy(sodium, y(), topBit), null);
});

test('channel identifier for nameplate 12345 is the documented one', () => {
  assert.equal(toHex(cpace.channelIdentifier('12345')),
    '0c74656c656d61696e742f763104686f737406766965776572053132333435');
});

// ISK = 00 01 … 3f: the values tests/crypto/handshake_test.cc expects from the C++ side.
const KEY_SCHEDULE_VECTOR = {
  confirmHost: 
    '85813401ff8ed9af3219e0940c890236b249cbbcdebedacb9a02d0de7a19d75c', confirmViewer: 
    '805d2ee01de7bcea3076436cfe98233dd3a0092b15f7a3fc147cc2c573ca4c45', hostToViewer: 
    'a949b6106d678a9083bed404b11c51ac05aeff7fb5fa5e15d7153bbeb4a15df4',
  viewerToHost: 
    '28d6308340c18f1f79aa91336b532efdb416ec03585aa3aeaf78c7b766e56067', binding: 
    '2e8034ac350180e720843f0fe4a149a0f4b047c110c1ce2446fcda46ce566df3', tagHost: 
    'b0340675725849fea42ddda8aab0fea9511c389edfd0bc8ae959b20ccb723c91',
  tagViewer: 
    'ff9e6548c62d39c26eb76ba63d4c0e359a383e9b8dca590eb472072352b4bfdd', transcript: 
    '6e095f2bf866cb5fd46a2ef25576b9b58dbfcd8777ece05b411e674d2a8a257c' };

test('key schedule matches the C++ side', () => {
  const isk = Uint8Array.from({ length: 64 }, (_, i) => i);
  const keys = deriveChannelKeys(sodium, isk);
  const got = { confirmHost: toHex(keys.confirmHost), confirmViewer: toHex(keys.confirmViewer),
    hostToViewer: toHex(keys.hostToViewer), viewerToHost: toHex(keys.viewerToHost),
    binding: toHex(keys.binding), tagHost: toHex(confirmTag(sodium, keys, true)),
    tagViewer: toHex(confirmTag(sodium, keys, false)),
    transcript: toHex(transcriptHash(sodium, keys.binding)) };
  if (process.env.PRINT_VECTOR) console.log(JSON.stringify(got, null, 1));
  assert.deepEqual(got, KEY_SCHEDULE_VECTOR);
  assert.ok(checkTag(sodium, keys, true, confirmTag(sodium, keys, true)));
  assert.ok(!checkTag(sodium, keys, false, confirmTag(sodium, keys, true)));
});
