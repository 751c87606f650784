// The browser half of websocket_test.sh: two pages of apps/chat in a headless Chromium, driven
// over the DevTools protocol with Node's `ws`. Each page waits for its socket to open, types a
// line into #text and presses Enter; then both DOMs are read and each #messages list must hold
// both lines, in the same order. Each check prints `ok: ...`; a failure prints `FAIL: ...` and
// exits 1. Every wait is bounded.
// Usage: node websocket_browser.js DEVTOOLS_PORT CHAT_URL
'use strict';
const WebSocket = require('/usr/share/nodejs/ws');

const [devtoolsPort, chatUrl] = process.argv.slice(2);
const devtools = `http://127.0.0.1:${devtoolsPort}`;
const ok = what => console.log(`ok: ${what}`);
class Failure extends Error {}
const check = (cond, what) => { if (!cond) throw new Failure(what); };
const sleep = ms => new Promise(r => setTimeout(r, ms));

// One page's DevTools session: call(method, params) resolves with the result.
class Page {
  constructor(name, target) {
    this.name = name;
    this.target = target;
    this.calls = new Map();
    this.next = 1;
  }
  async connect() {
    this.ws = new WebSocket(this.target.webSocketDebuggerUrl, { perMessageDeflate: false });
    this.ws.on('message', data => {
      const msg = JSON.parse(data);
      const call = this.calls.get(msg.id);
      if (!call) return;   // an event: not subscribed to any
      this.calls.delete(msg.id);
      if (msg.error) call.reject(new Failure(`${this.name}: ${call.method}: ${JSON.stringify(msg.error)}`));
      else call.resolve(msg.result);
    });
    this.ws.on('error', () => {});
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Failure(`${this.name}: DevTools session did not open`)), 10000);
      this.ws.once('open', () => { clearTimeout(timer); resolve(); });
      this.ws.once('close', () => { clearTimeout(timer); reject(new Failure(`${this.name}: DevTools session closed`)); });
    });
  }
  call(method, params = {}) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.calls.delete(id); reject(new Failure(`${this.name}: ${method}: no answer within 10 s`)); }, 10000);
      this.calls.set(id, {
        method,
        resolve: r => { clearTimeout(timer); resolve(r); },
        reject: e => { clearTimeout(timer); reject(e); },
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
  async evaluate(expression) {
    const r = await this.call('Runtime.evaluate', { expression, returnByValue: true });
    check(!r.exceptionDetails, `${this.name}: ${expression}: ${JSON.stringify(r.exceptionDetails)}`);
    return r.result.value;
  }
  // Polls `expression` until `done(value)`, for at most ms; returns the last value.
  async until(expression, done, ms, what) {
    const deadline = Date.now() + ms;
    let value;
    for (;;) {
      value = await this.evaluate(expression);
      if (done(value)) return value;
      check(Date.now() < deadline, `${this.name}: ${what} within ${ms} ms; last: ${JSON.stringify(value)}`);
      await sleep(100);
    }
  }
  // Types into #text as a user would (focus, characters, Enter: the form's implicit submission).
  async type(line) {
    await this.evaluate("document.getElementById('text').focus()");
    await this.call('Input.insertText', { text: line });
    for (const type of ['keyDown', 'keyUp']) {
      await this.call('Input.dispatchKeyEvent', {
        type, key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13,
        ...(type === 'keyDown' ? { text: '\r' } : {}),
      });
    }
  }
}

// The page's state; {loading: ...} while a new target still shows about:blank or is being parsed.
const state = `document.getElementById('status') && document.getElementById('text') ?
  { status: document.getElementById('status').textContent,
    input: document.getElementById('text').value,
    messages: [...document.querySelectorAll('#messages li')].map(li => li.textContent) } :
  { loading: location.href, messages: [] }`;

async function newTarget(url) {
  // Newer Chromium answers /json/new only to PUT (GET gives 405).
  const r = await fetch(`${devtools}/json/new?${url}`, { method: 'PUT', signal: AbortSignal.timeout(10000) });
  const body = await r.text();
  check(r.ok, `PUT /json/new: status ${r.status} ${body}`);
  return JSON.parse(body);
}

(async () => {
  const version = await (await fetch(`${devtools}/json/version`, { signal: AbortSignal.timeout(10000) })).json();
  ok(`DevTools of ${version.Browser} on port ${devtoolsPort}`);
  const pages = [];
  for (const name of ['page 1', 'page 2']) {
    const page = new Page(name, await newTarget(chatUrl));
    await page.connect();
    pages.push(page);
  }
  for (const page of pages) {
    await page.until(state, s => s.status === 'open', 10000, "#status 'open'");
    ok(`${page.name}: ${chatUrl} loaded, #status says 'open'`);
  }
  const lines = ['hello from page 1', 'héllo from page 2 ✓'];
  for (const [i, page] of pages.entries()) {
    await page.type(lines[i]);
    // Each waits for its own line to come back, so both lists have the same order.
    const s = await page.until(state, s => s.messages.length > i, 10000, `its own line back in #messages`);
    check(s.input === '', `${page.name}: #text still holds '${s.input}' after Enter`);
    ok(`${page.name}: typed '${lines[i]}' + Enter; #text cleared, the line came back`);
  }
  for (const page of pages) {
    const s = await page.until(state, s => s.messages.length >= 2, 10000, 'two #messages li');
    await sleep(300);
    const last = await page.evaluate(state);
    check(JSON.stringify(last.messages) === JSON.stringify(lines),
      `${page.name}: #messages holds ${JSON.stringify(last.messages)}, expected ${JSON.stringify(lines)}`);
    check(last.status === 'open', `${page.name}: #status says '${last.status}'`);
    ok(`${page.name}'s DOM: #messages li = ${JSON.stringify(last.messages)}, #status '${last.status}'`);
  }
  for (const page of pages) {
    page.ws.close();
    await fetch(`${devtools}/json/close/${page.target.id}`, { signal: AbortSignal.timeout(10000) }).catch(() => {});
  }
})().then(() => process.exit(0), e => {
  console.log(`FAIL: ${e instanceof Failure ? e.message : e.stack}`);
  process.exit(1);
});
