// The web viewer's entry point: loads libsodium and the technician's key, then runs one
// session at a time (docs/technician-guide.md#the-web-viewer).
import sodium from 'libsodium-wrappers-sumo';
import { keyFingerprint } from './protocol/key_schedule.js';
import { WebSession } from './session/session.js';
import { loadOrCreateIdentity } from './session/identity.js';
import { ConnectForm } from './ui/connect_form.js';
import { MachinesPanel } from './ui/machines_panel.js';
import { SessionView } from './ui/session_view.js';
import { chooseLanguage, endingSentence, t, translatePage } from './ui/i18n.js';

const $ = (id) => document.getElementById(id);

// The relay: this page's own origin, or the one a pinned loader names (web/loader).
function relayUrl() {
  const named = document.querySelector('meta[name="telemaint-relay"]')?.content;
  return named || `wss://${location.host}`;
}

function show(view) {
  $('connect-view').hidden = view !== 'connect';
  $('session-view').hidden = view !== 'session';
}

async function main() {
  // Inside another site's frame a page could be made to click Connect or Ask for control.
  if (window.top !== window.self) throw new Error('telemaint does not run inside a frame');
  $('not-loaded').remove();  // the code did load
  const language = chooseLanguage(new URLSearchParams(location.search).get('lang'));
  $('language').value = language;
  translatePage();
  $('relay-name').textContent = relayUrl();
  await sodium.ready;
  const identity = await loadOrCreateIdentity(sodium);
  const fp = keyFingerprint(sodium, identity.publicKey);
  const keyNote = () => t(identity.kind === 'webcrypto' ? 'keyWebCrypto' : 'keyLibsodium', { fp });
  $('key-note').textContent = keyNote();
  $('language').onchange = () => { chooseLanguage($('language').value); translatePage(); $('key-note').textContent = keyNote(); };
  const view = new SessionView();
  const startSession = (details) => {
    const session = new WebSession({ sodium, identity, relayUrl: relayUrl(), ...details });
    view.attach(session);
    session.addEventListener('ended', (e) => {
      $('ending').textContent = endingSentence(e.detail);
      $('ending').dataset.reason = e.detail.reason;
      $('ending').hidden = false;
      show('connect');
      form.focus();
    });
    $('ending').hidden = true;
    show('session');
    session.start();
  };
  const form = new ConnectForm(startSession);
  new MachinesPanel(sodium, identity, relayUrl(), startSession);
  document.body.dataset.ready = 'true';
  form.focus();
}

main().catch((e) => {
  document.body.dataset.ready = 'failed';
  $('ending').textContent = String(e);
  $('ending').hidden = false;
});
