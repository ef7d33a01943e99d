// The session in the page: the toolbar (fit, full screen, Ctrl+Alt+Del, quality, monitors,
// view only, ask for control, disconnect), the status line, and the customer's screen.
import { Screen } from './screen.js';
import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);

export class SessionView {
  constructor() {
    this.session = null;
    this.screen = null;
    this.fit = true;
    $('fit').onclick = () => this.toggleFit();
    $('full-screen').onclick = () => this.fullScreen();
    // In full screen the browser may pass system keys (Alt+Tab, Ctrl+W, Esc) to the page.
    document.addEventListener('fullscreenchange', () => {
      if (!document.fullscreenElement) navigator.keyboard?.unlock?.();
    });
    $('cad').onclick = () => this.screen?.sendCtrlAltDel();
    $('quality').onchange = () => this.screen?.setQuality($('quality').value);
    $('monitor').onchange = () => this.session?.showMonitor(Number($('monitor').value));
    $('view-only').onchange = () => this.screen?.setTechnicianViewOnly($('view-only').checked);
    $('ask-control').onclick = () => this.askForControl();
    $('disconnect').onclick = () => this.session?.disconnect();
  }

  attach(session) {
    this.session = session;
    this.machine = null;
    this.asking = null;
    this.requested = false;
    $('host-key').textContent = '';
    this.setMonitors([]);
    session.addEventListener('phase', (e) => this.setStatus(t(`phase_${e.detail}`), 'phase'));
    session.addEventListener('consent', (e) => this.onConsent(e.detail));
    session.addEventListener('monitors', (e) => this.setMonitors(e.detail));
    session.addEventListener('machine', (e) => { this.machine = `${e.detail.name} (${e.detail.customer})`; });
    session.addEventListener('host-key', (e) => {
      const key = t('hostKey', { fp: e.detail });
      $('host-key').textContent = this.machine ? `${this.machine} — ${key}` : key;
    });
    session.addEventListener('rfb', (e) => this.openScreen(e.detail));
    session.addEventListener('ended', () => this.close());
  }

  setStatus(text, state) {
    $('status').textContent = text;
    $('status').dataset.state = state;
  }

  onConsent(state) {
    clearInterval(this.askingTimer);
    $('ask-control').disabled = state !== 'view_only';
    if (state === 'asking') return this.showAsking();
    if (state === 'view_only' && this.requested) this.setStatus(t('requestDeclined'), state);
    else this.setStatus(t(state), state);
    this.requested = false;
    this.screen?.setCustomerAllowsInput(state === 'control');
    this.pendingInput = state === 'control';
  }

  showAsking() {
    const since = Date.now();
    const show = () => {
      const s = Math.floor((Date.now() - since) / 1000);
      this.setStatus(t('asking', { time: `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}` }), 'asking');
    };
    show();
    this.askingTimer = setInterval(show, 1000);
  }

  askForControl() {
    this.requested = true;
    $('ask-control').disabled = true;
    this.session?.requestControl();
  }

  openScreen(channel) {
    this.screen = new Screen($('screen'), channel, $('quality').value);
    this.screen.setCustomerAllowsInput(this.pendingInput === true);
    this.screen.setTechnicianViewOnly($('view-only').checked);
    this.screen.setFit(this.fit);
    this.screen.focus();
  }

  async fullScreen() {
    try {
      await $('session-view').requestFullscreen();
      await navigator.keyboard?.lock?.();
    } catch (e) {
      console.warn('full screen:', e.message);
    }
    this.screen?.focus();
  }

  toggleFit() {
    this.fit = !this.fit;
    $('fit').textContent = t(this.fit ? 'actual' : 'fit');
    this.screen?.setFit(this.fit);
  }

  setMonitors(list) {
    const select = $('monitor');
    select.length = 1;
    list.forEach((m, i) => select.add(new Option(`${i + 1}: ${m.name} (${m.width}×${m.height})`, String(i))));
  }

  close() {
    clearInterval(this.askingTimer);
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    this.screen = null;
    $('screen').replaceChildren();
    this.session = null;
  }
}
