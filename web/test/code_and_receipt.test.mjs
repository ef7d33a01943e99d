// The page's session-code check (as crypto/session_code.cc) and its receipt text (as
// receipt/receipt.cc writes it with nlohmann::json, ensure_ascii).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCode, groupCode, codeDigits } from '../src/protocol/code.js';
import { receiptText } from '../src/protocol/receipt.js';
import { fromHex } from '../src/protocol/bytes.js';

test('the documented example code checks out and is grouped in fours', () => {
  assert.deepEqual(checkCode('1234 5678 9018'), { state: 'complete', nameplate: '12345', secret: '678901' });
  assert.deepEqual(checkCode('1234-5678-9018'), checkCode('123456789018'));
  assert.equal(groupCode('123456789018'), '1234 5678 9018');
  assert.equal(groupCode('12345'), '1234 5');
});

test('every single-digit error and adjacent swap is a typo', () => {
  const good = '123456789018';
  for (let i = 0; i < 12; ++i) {
    for (let d = 0; d < 10; ++d) {
      if (String(d) === good[i]) continue;
      const typo = good.slice(0, i) + d + good.slice(i + 1);
      assert.equal(checkCode(typo).state, 'typo', typo);
    }
    if (i < 11 && good[i] !== good[i + 1]) {
      const swapped = good.slice(0, i) + good[i + 1] + good[i] + good.slice(i + 2);
      assert.equal(checkCode(swapped).state, 'typo', swapped);
    }
  }
});

test('partial, too long and non-digit input', () => {
  assert.equal(checkCode('1234 56').state, 'partial');
  assert.equal(checkCode('1234567890181').state, 'invalid');
  assert.equal(checkCode('1234 5678 901a').state, 'invalid');
  assert.equal(codeDigits('12 a'), null);
});

test('the receipt is sorted, compact and ASCII, as the C++ side writes it', () => {
  const text = receiptText({ session: 'ab'.repeat(16), transcript: fromHex('01'.repeat(32), 32),
    hostKey: new Uint8Array(0), technicianKey: fromHex('02'.repeat(32), 32),
    technician: 'zoé "€"', start: 1, end: 2, permissions: ['control', 'view_only'],
    ending: 'viewer_closed' });
  assert.equal(text, '{"end":2,"ending":"viewer_closed","host_key":"","permissions":["control",' +
    '"view_only"],"role":"viewer","session":"' + 'ab'.repeat(16) + '","start":1,' +
    '"technician":"zo\\u00e9 \\"\\u20ac\\"","technician_key":"' + '02'.repeat(32) +
    '","transcript":"' + '01'.repeat(32) + '","type":"telemaint/v1 session receipt"}');
});

test('a receipt names only the protocol\'s ending words', async () => {
  const { endingWord, endReasonForError } = await import('../src/protocol/words.js');
  assert.equal(endingWord('host_closed'), 'host_closed');
  assert.equal(endingWord('user_declined'), 'user_declined');
  assert.equal(endingWord('a host\'s "own" words \ud800'), 'other');
  assert.equal(endReasonForError('too_large'), 'protocol');
  assert.equal(endReasonForError('no_such_code'), 'relay_lost');
});
