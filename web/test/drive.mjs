// Drives Debian's chromium (headless, through playwright-core; no browser download) for the
// end-to-end tests of the web viewer (tests/e2e/web_viewer_test.cc). Reads one JSON command
// per line on stdin ({"id": N, "cmd": ...}) and answers one line each: `#N ok JSON` or
// `#N fail MESSAGE`.
//
// Trust: the browser trusts the relay's test certificate by pinning its public key
// (--ignore-certificate-errors-spki-list with the SHA-256 of its SPKI), so TLS is still
// checked: any other key is refused. --no-sandbox because the tests run as root in a container,
// where chromium's sandbox cannot start; the page's own isolation is not what is tested here.
import { chromium } from 'playwright-core';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

let browser, context, page, cdp;
const consoleLines = [];

function spkiPin(certFile) {
  const cert = new X509Certificate(readFileSync(certFile));
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

async function launch({ cert, locale = 'en-US' }) {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', `--ignore-certificate-errors-spki-list=${spkiPin(cert)}`],
  });
  context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
  cdp = await context.newCDPSession(page);
  return { pin: true };
}

async function open({ url, wait = true }) {
  const response = await page.goto(url);
  if (!wait) return { status: response?.status() ?? 0 };
  await page.waitForSelector('body[data-ready]', { timeout: 20000 });
  return { status: response?.status() ?? 0, headers: response ? await response.allHeaders() : {},
    ready: await page.getAttribute('body', 'data-ready'),
    keyNote: await page.textContent('#key-note') };
}

async function typeCode({ code }) {
  await page.fill('#code', '');
  await page.type('#code', code);
  return { shown: await page.inputValue('#code'), status: await page.textContent('#code-status'),
    connectDisabled: await page.isDisabled('#connect') };
}

async function login({ account, password, code, ticket = '' }) {
  await page.fill('#account', account);
  await page.fill('#password', password);
  await page.fill('#ticket', ticket);
  const typed = await typeCode({ code });
  if (typed.connectDisabled) return { clicked: false, ...typed };
  await page.click('#connect');
  return { clicked: true, ...typed };
}

async function waitStatus({ state, timeout = 30000 }) {
  await page.waitForSelector(`#status[data-state="${state}"]`, { timeout });
  return { text: await page.textContent('#status') };
}

async function waitEnding({ timeout = 30000 }) {
  await page.waitForSelector('#ending:not([hidden])', { timeout });
  return { reason: await page.getAttribute('#ending', 'data-reason'),
    text: await page.textContent('#ending') };
}

// The noVNC canvas as a binary PPM (what the technician sees, pixel for pixel).
async function canvas({ out }) {
  await page.waitForFunction(() => document.querySelector('#screen canvas')?.width > 0, null,
    { timeout: 20000 });
  // RGB bytes as base64: far quicker through the DevTools protocol than an array of numbers.
  const { width, height, rgb64 } = await page.evaluate(() => {
    const c = document.querySelector('#screen canvas');
    const rgba = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const rgb = new Uint8Array(c.width * c.height * 3);
    for (let i = 0, o = 0; i < rgba.length; i += 4) {
      rgb[o++] = rgba[i]; rgb[o++] = rgba[i + 1]; rgb[o++] = rgba[i + 2];
    }
    let binary = '';
    for (let i = 0; i < rgb.length; i += 0x8000)
      binary += String.fromCharCode.apply(null, rgb.subarray(i, i + 0x8000));
    return { width: c.width, height: c.height, rgb64: btoa(binary) };
  });
  const header = Buffer.from(`P6\n${width} ${height}\n255\n`);
  const rgb = Buffer.from(rgb64, 'base64');
  writeFileSync(out, Buffer.concat([header, rgb]));
  return { width, height };
}

// A point of the remote screen (its pixels) where the page shows it, whatever the scaling.
async function pagePoint([x, y]) {
  const box = await page.locator('#screen canvas').boundingBox();
  const size = await page.evaluate(() => {
    const c = document.querySelector('#screen canvas');
    return [c.width, c.height];
  });
  return [box.x + (x + 0.5) * box.width / size[0], box.y + (y + 0.5) * box.height / size[1]];
}

// A click, a wheel turn (deltaY > 0: down) or a drag, at remote-screen pixels.
async function mouse({ action, at, to, deltaY = 0 }) {
  const [x, y] = await pagePoint(at);
  if (action === 'click') await page.mouse.click(x, y);
  if (action === 'wheel') { await page.mouse.move(x, y); await page.mouse.wheel(0, deltaY); }
  if (action === 'drag') {
    await page.mouse.move(x, y);
    await page.mouse.down();
    const [tx, ty] = await pagePoint(to);
    await page.mouse.move(tx, ty, { steps: 8 });
    await page.mouse.up();
  }
  return {};
}

// Keys as a keyboard sends them: characters a US layout lacks (é, €) as the key events a
// French keyboard makes (keydown with that key), not as text insertion, which noVNC ignores.
// `at`: where to click first, in the remote screen's pixels (X has no window manager here:
// keys go to the window under the pointer).
async function type({ text, at = [0, 0] }) {
  await page.mouse.click(...await pagePoint(at));
  for (const ch of text) {
    if (/^[\x20-\x7e]$/.test(ch)) { await page.keyboard.press(ch === ' ' ? 'Space' : ch); continue; }
    for (const type of ['keyDown', 'keyUp'])
      await cdp.send('Input.dispatchKeyEvent', { type, key: ch, text: type === 'keyDown' ? ch : '', code: 'Digit2' });
  }
  return {};
}

// The loader's sentence for code that did not load, once it shows (3 s after the page came).
async function notLoaded() {
  await page.waitForFunction(() => {
    const p = document.getElementById('not-loaded');
    return p && getComputedStyle(p).opacity === '1';
  }, null, { timeout: 20000 });
  return { text: await page.textContent('#not-loaded'),
    ready: await page.getAttribute('body', 'data-ready') };
}

async function screenshot({ out }) { await page.screenshot({ path: out }); return {}; }

async function press({ key }) { await page.keyboard.press(key); return {}; }
async function click({ selector }) { await page.click(selector); return {}; }
async function select({ selector, value }) { await page.selectOption(selector, value); return {}; }
async function options({ selector }) {
  return { labels: await page.$$eval(`${selector} option`, (os) => os.map((o) => o.textContent)) };
}
async function fill({ selector, value }) { await page.fill(selector, value); return {}; }
async function setFile({ selector, file }) { await page.setInputFiles(selector, file); return {}; }
async function attr({ selector, name }) { return { value: await page.getAttribute(selector, name) }; }
async function text({ selector }) { return { text: await page.textContent(selector) }; }
async function quit() { await browser?.close(); setTimeout(() => process.exit(0), 10); return {}; }
async function log() { return { lines: consoleLines }; }

const commands = { launch, open, typeCode, login, waitStatus, waitEnding, canvas, type, press,
  click, text, attr, quit, log, notLoaded, mouse,
  screenshot, fill, setFile, select, options };

const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  let request;
  try {
    request = JSON.parse(line);
    const run = commands[request.cmd];
    if (!run) throw new Error(`unknown command ${request.cmd}`);
    console.log(`#${request.id} ok ` + JSON.stringify(await run(request)));
  } catch (e) {
    console.log(`#${request?.id} fail ` + String(e.message ?? e).split('\n')[0]);
  }
}
await browser?.close();
