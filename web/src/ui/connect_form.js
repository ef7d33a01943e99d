// The connect form: the code is grouped in fours as it is typed and checked (Damm) as soon as
// all 12 digits are there, so a typo is caught before anything is sent; Connect stays off until
// the code checks out and an account and password are given.
import { checkCode, codeDigits, groupCode } from '../protocol/code.js';
import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);

export class ConnectForm {
  constructor(onConnect) {
    this.onConnect = onConnect;
    $('code').addEventListener('input', () => this.onCodeInput());
    for (const id of ['account', 'password']) $(id).addEventListener('input', () => this.update());
    $('connect-form').addEventListener('submit', (e) => { e.preventDefault(); this.submit(); });
    $('account').value = localStorage.getItem('telemaint.account') ?? '';
  }

  onCodeInput() {
    const input = $('code');
    const digits = codeDigits(input.value);
    if (digits !== null) input.value = groupCode(digits.slice(0, 12));
    this.update();
  }

  update() {
    const check = checkCode($('code').value);
    const status = $('code-status');
    status.className = 'hint';
    if (check.state === 'typo') { status.textContent = t('codeTypo'); status.className = 'hint typo'; }
    else if (check.state === 'invalid') { status.textContent = t('codeInvalid'); status.className = 'hint typo'; }
    else if (check.state === 'complete') { status.textContent = t('codeComplete'); status.className = 'hint ok'; }
    else status.textContent = t('codeHint');
    $('connect').disabled = check.state !== 'complete' || !$('account').value || !$('password').value;
    return check;
  }

  submit() {
    const check = this.update();
    if (check.state !== 'complete' || $('connect').disabled) return;
    const account = $('account').value.trim();
    localStorage.setItem('telemaint.account', account);
    const password = $('password').value;
    $('password').value = '';
    $('code').value = '';
    this.update();
    this.onConnect({ account, password, nameplate: check.nameplate, secret: check.secret,
      ticket: $('ticket').value.trim() });
  }

  focus() { ($('account').value ? $('code') : $('account')).focus(); }
}
