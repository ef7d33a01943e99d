// Enrolled machines in the page: this browser's key for the admin to certify, the certificate
// import, the machine list from the relay, and Connect on a machine that is online.
import { currentCertificate, importCertificate, listMachines, printable }
  from '../unattended/machines.js';
import { endingSentence, t } from './i18n.js';

const $ = (id) => document.getElementById(id);

export class MachinesPanel {
  // onConnect({account, password, machine, credential}) starts a session.
  constructor(sodium, identity, relayUrl, onConnect) {
    Object.assign(this, { sodium, identity, relayUrl, onConnect });
    $('public-key').textContent = sodium.to_hex(identity.publicKey);
    $('certificate-file').onchange = () => this.importFile();
    $('list-machines').onclick = () => this.list();
    for (const id of ['account', 'password']) $(id).addEventListener('input', () => this.update());
    this.showCertificate();
  }

  update() { $('list-machines').disabled = !this.credential || !$('account').value || !$('password').value; }

  showCertificate() {
    this.credential = currentCertificate(this.sodium, this.identity.publicKey);
    const c = this.credential;
    const expired = c && c.notAfter * 1000 < Date.now();
    $('certificate-status').textContent = !c ? t('noCertificate')
      : expired ? t('certificateExpired')
        : t('certificateFor', { account: c.account, org: c.org,
          date: new Date(c.notAfter * 1000).toLocaleDateString() });
    this.update();
  }

  async importFile() {
    const file = $('certificate-file').files[0];
    if (!file) return;
    try {
      importCertificate(this.sodium, await file.text(), this.identity.publicKey);
      this.showCertificate();
    } catch (e) {
      $('certificate-status').textContent = e.message;
    }
  }

  async list() {
    $('machines-status').textContent = t('listing');
    $('machines').tBodies[0].replaceChildren();
    try {
      const machines = await listMachines(this.sodium, this.relayUrl, $('account').value.trim(),
        $('password').value, this.credential.orgKey);
      $('machines-status').textContent = machines.length ? '' : t('noMachines');
      for (const m of machines) this.addRow(m);
    } catch (e) {
      $('machines-status').textContent = endingSentence({ reason: e.code ?? 'lost', origin: 'relay',
        message: printable(e.message) });
    }
  }

  addRow(m) {
    const row = $('machines').tBodies[0].insertRow();
    row.dataset.machine = m.name;
    const state = m.revoked ? 'revoked' : m.busy ? 'busy' : m.online ? 'online' : 'offline';
    const cell = row.insertCell();
    const name = document.createElement('strong');
    name.textContent = `${m.name} (${m.customer})`;
    const detail = document.createElement('div');
    detail.className = 'detail';
    detail.textContent = [t(`state_${state}`), m.summary, m.verified ? '' : t('unverified')]
      .filter(Boolean).join(' · ');
    cell.append(name, detail);
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = t('machineConnect');
    button.disabled = state !== 'online' || !m.verified;
    button.onclick = () => this.connect(m);
    row.insertCell().append(button);
  }

  connect(m) {
    const password = $('password').value;
    $('password').value = '';
    this.update();
    this.onConnect({ account: $('account').value.trim(), password, machine: m.machineId,
      credential: { text: this.credential.text, orgKey: this.credential.orgKey } });
  }
}
