// The session code the customer reads out: 5 nameplate digits, 6 secret digits, 1 Damm check
// digit (docs/protocol.md#session-code). Pure functions, shared by the page and node tests.

const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9], [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5], [2, 5, 8, 1, 4, 3, 6, 7, 9, 0]];

export const CODE_DIGITS = 12;

export function dammCheckDigit(digits) {
  let interim = 0;
  for (const c of digits) interim = DAMM[interim][c.charCodeAt(0) - 48];
  return interim;
}

// The digits typed so far (spaces, tabs and '-' ignored); null if anything else was typed.
export function codeDigits(typed) {
  const digits = typed.replace(/[\s-]/g, '');
  return /^[0-9]*$/.test(digits) ? digits : null;
}

// Groups of four as the host shows them: "1234 5678 9018".
export function groupCode(digits) {
  return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}

// What the typed text is: {state: 'partial'|'complete'|'typo'|'invalid', nameplate, secret}.
export function checkCode(typed) {
  const digits = codeDigits(typed);
  if (digits === null || digits.length > CODE_DIGITS) return { state: 'invalid' };
  if (digits.length < CODE_DIGITS) return { state: 'partial' };
  if (dammCheckDigit(digits.slice(0, 11)) !== Number(digits[11])) return { state: 'typo' };
  return { state: 'complete', nameplate: digits.slice(0, 5), secret: digits.slice(5, 11) };
}
