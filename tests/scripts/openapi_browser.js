// The browser half of openapi_test.sh: apps/todo's /docs and /redoc in a headless Chromium,
// driven over the DevTools protocol with Node's `ws`. /docs must render Swagger UI's operation
// blocks, one per expected operation (method, path, summary and the operationId in its id), each
// opening to its responses with no error panel; /redoc must list every summary, with a section
// per operationId. On both, no script may throw, no request may fail, and no code or data may come
// from anywhere but 127.0.0.1 (the assets are the app's own); console errors and pictures from
// elsewhere are printed. Each check prints `ok: ...`; a failure prints `FAIL: ...` and exits 1.
// Every wait is bounded.
// Usage: node openapi_browser.js DEVTOOLS_PORT TODO_URL EXPECTED_JSON
//   EXPECTED_JSON: [[method, path, summary, operationId], ...]
'use strict';
const WebSocket = require('/usr/share/nodejs/ws');

const [devtoolsPort, appUrl, expectedJson] = process.argv.slice(2);
const expected = JSON.parse(expectedJson);
const devtools = `http://127.0.0.1:${devtoolsPort}`;
const ok = what => console.log(`ok: ${what}`);
class Failure extends Error {}
const check = (cond, what) => { if (!cond) throw new Failure(what); };
// A failed check that lets the page's other checks run.
let failures = 0;
const expect = (cond, what) => { if (!cond) { console.log(`FAIL: ${what}`); failures++; } return cond; };
const sleep = ms => new Promise(r => setTimeout(r, ms));
const render_ms = 20000;
const local = url => /^(data:|blob:|about:|http:\/\/127\.0\.0\.1[:/])/.test(url);

// One page's DevTools session: call(method, params) resolves with the result; the events it
// listens to are kept as the page's complaints (exceptions, console errors, failed requests).
class Page {
  constructor(name, target) {
    this.name = name;
    this.target = target;
    this.calls = new Map();
    this.next = 1;
    this.exceptions = [];
    this.console = [];
    this.bad_requests = [];
    this.elsewhere = [];
    this.requests = new Map();
  }
  async connect() {
    this.ws = new WebSocket(this.target.webSocketDebuggerUrl, { perMessageDeflate: false });
    this.ws.on('message', data => {
      const msg = JSON.parse(data);
      if (msg.method) return this.event(msg.method, msg.params);
      const call = this.calls.get(msg.id);
      if (!call) return;
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
    for (const domain of ['Runtime', 'Log', 'Network', 'Page']) await this.call(`${domain}.enable`);
  }
  event(method, p) {
    if (method === 'Runtime.exceptionThrown') {
      const d = p.exceptionDetails;
      this.exceptions.push(`${d.exception?.description || d.text} (${d.url || ''}:${d.lineNumber})`);
    } else if (method === 'Runtime.consoleAPICalled' && ['error', 'assert'].includes(p.type)) {
      this.console.push(p.args.map(a => a.value ?? a.description ?? a.type).join(' ').split('\n')[0]);
    } else if (method === 'Log.entryAdded' && p.entry.level === 'error' && !(p.entry.url || '').endsWith('/favicon.ico')) {
      this.console.push(`${p.entry.source}: ${p.entry.text.split('\n')[0]}${p.entry.url ? ` (${p.entry.url})` : ''}`);
    } else if (method === 'Network.requestWillBeSent') {
      const url = p.request.url;
      this.requests.set(p.requestId, url);
      // The pages' code and data must come from the app (--docs-assets); a picture may not:
      // ReDoc's "API docs by Redocly" logo is always cdn.redoc.ly's.
      if (local(url)) return;
      if (['Image', 'Font', 'Media'].includes(p.type)) this.elsewhere.push(`${p.type} ${url}`);
      else this.bad_requests.push(`${p.type || 'a request'} left the app: ${url}`);
    } else if (method === 'Network.responseReceived') {
      const { url, status } = p.response;
      // Chromium asks for /favicon.ico by itself; the app need not have one.
      if (status >= 400 && !url.endsWith('/favicon.ico')) this.bad_requests.push(`${status} for ${url}`);
    } else if (method === 'Network.loadingFailed' && !p.canceled) {
      // A request elsewhere was judged when it was sent (and none gets through offline).
      const url = this.requests.get(p.requestId) || p.requestId;
      if (local(url) && !url.endsWith('/favicon.ico')) this.bad_requests.push(`${p.errorText} for ${url}`);
      else if (!local(url)) this.elsewhere.push(`${p.type} ${url} (${p.errorText})`);
    }
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
  // Prints what the page complained about; fails on exceptions and bad requests.
  complaints() {
    for (const line of this.console) console.log(`  ${this.name} console: ${line}`);
    for (const line of new Set(this.elsewhere)) console.log(`  ${this.name} loaded from elsewhere: ${line}`);
    const clean = expect(this.exceptions.length === 0, `${this.name}: uncaught exceptions: ${this.exceptions.join('; ')}`) &
      expect(this.bad_requests.length === 0, `${this.name}: requests: ${this.bad_requests.join('; ')}`);
    if (clean) ok(`${this.name}: no uncaught exception, every request to the app answered` +
       (this.console.length ? ` (${this.console.length} console error(s) above)` : ', no console error'));
  }
}

async function newPage(name) {
  // Newer Chromium answers /json/new only to PUT (GET gives 405).
  const r = await fetch(`${devtools}/json/new?about:blank`, { method: 'PUT', signal: AbortSignal.timeout(10000) });
  const body = await r.text();
  check(r.ok, `PUT /json/new: status ${r.status} ${body}`);
  const page = new Page(name, JSON.parse(body));
  await page.connect();
  return page;
}
async function closePage(page) {
  page.ws.close();
  await fetch(`${devtools}/json/close/${page.target.id}`, { signal: AbortSignal.timeout(10000) }).catch(() => {});
}

// Swagger UI's operation blocks, and its error panel (a document it could not read or resolve).
const swaggerState = `({
  blocks: [...document.querySelectorAll('.opblock')].map(b => ({
    id: b.id,
    method: (b.querySelector('.opblock-summary-method')?.textContent || '').trim(),
    path: (b.querySelector('.opblock-summary-path')?.getAttribute('data-path') ||
           b.querySelector('.opblock-summary-path')?.textContent || '').replace(/\\u200b/g, '').trim(),
    summary: (b.querySelector('.opblock-summary-description')?.textContent || '').trim(),
    open: !!b.querySelector('.opblock-body .responses-wrapper'),
  })),
  errors: [...document.querySelectorAll('.swagger-ui .errors-wrapper')]
    .map(e => e.innerText.replace(/\\s+/g, ' ').replace(/^Errors Hide /, '').trim())
    .concat(document.body?.innerText.match(/Failed to load API definition[^]{0,200}/)?.[0] || [])
    .filter(Boolean),
  title: document.querySelector('.swagger-ui .info .title')?.innerText.replace(/\\s+/g, ' ').trim() || null,
})`;

async function docs(page) {
  const t0 = Date.now();
  await page.call('Page.navigate', { url: `${appUrl}/docs` });
  const s = await page.until(swaggerState, s => s.blocks.length >= expected.length || s.errors.length > 0,
    render_ms, `Swagger UI renders ${expected.length} .opblock`);
  const took = Date.now() - t0;
  check(s.errors.length === 0, `/docs: Swagger UI shows errors: ${s.errors.join(' | ')}`);
  ok(`/docs: Swagger UI rendered ${s.blocks.length} operations in ${took} ms (title ${JSON.stringify(s.title)})`);
  for (const [method, path, summary, operationId] of expected) {
    const b = s.blocks.find(b => b.method === method && b.path === path);
    if (!expect(b, `/docs: no operation ${method} ${path}; the page shows ${s.blocks.map(b => `${b.method} ${b.path}`).join(', ')}`)) continue;
    const good = expect(b.summary === summary, `/docs: ${method} ${path} has summary ${JSON.stringify(b.summary)}, expected ${JSON.stringify(summary)}`) &
      expect(b.id.endsWith(`-${operationId}`), `/docs: ${method} ${path}'s block is #${b.id}, not #operations-<tag>-${operationId}`);
    if (good) ok(`/docs: ${method} ${path} "${summary}" (#${b.id})`);
  }
  expect(s.blocks.length === expected.length, `/docs: ${s.blocks.length} operations, expected ${expected.length}`);
  // Swagger UI resolves an operation's $refs only when it is opened, so every one is opened (as a
  // user clicks it) until its responses show, and then the error panel must still be absent.
  const t1 = Date.now();
  await page.evaluate(`document.querySelectorAll('.opblock-summary-control').forEach(b => b.click())`);
  const opened = await page.until(swaggerState, s => s.blocks.every(b => b.open) || s.errors.length > 0,
    render_ms, 'every operation opened shows its responses');
  await sleep(300);   // an error panel may come just after the responses
  const last = await page.evaluate(swaggerState);
  if (expect(last.errors.length === 0, `/docs: with the operations opened, Swagger UI shows errors: ${last.errors.join(' | ')}`))
    ok(`/docs: all ${opened.blocks.length} operations opened, their responses shown in ${Date.now() - t1} ms, no error panel`);
  page.complaints();
}

// ReDoc's text, the operations' sections, and its error box (a document it could not read).
const redocState = `({
  text: document.body ? document.body.innerText : '',
  sections: [...document.querySelectorAll('[data-section-id^="operation/"]')].map(e => e.getAttribute('data-section-id')),
  error: (document.body?.innerText || '').match(/Something went wrong[^\\n]*\\n?[^\\n]*/)?.[0] || null,
})`;

async function redoc(page) {
  const summaries = expected.map(e => e[2]);
  const t0 = Date.now();
  await page.call('Page.navigate', { url: `${appUrl}/redoc` });
  const s = await page.until(redocState, s => s.error || summaries.every(x => s.text.includes(x)),
    render_ms, `ReDoc lists ${JSON.stringify(summaries)}`);
  const took = Date.now() - t0;
  check(!s.error, `/redoc: ReDoc says: ${String(s.error).replace(/\n/g, ' ')}`);
  ok(`/redoc: ReDoc lists all ${summaries.length} summaries after ${took} ms`);
  const missing = expected.filter(e => !s.sections.includes(`operation/${e[3]}`));
  if (expect(missing.length === 0, `/redoc: no section operation/<operationId> for ${missing.map(e => `${e[0]} ${e[1]} (${e[3]})`).join(', ')}; has ${JSON.stringify(s.sections)}`))
    ok(`/redoc: a section for each operationId (${expected.map(e => e[3]).join(', ')})`);
  page.complaints();
}

(async () => {
  const version = await (await fetch(`${devtools}/json/version`, { signal: AbortSignal.timeout(10000) })).json();
  ok(`DevTools of ${version.Browser} on port ${devtoolsPort}`);
  for (const [name, run] of [['/docs', docs], ['/redoc', redoc]]) {
    const page = await newPage(name);
    try {
      await run(page);
    } catch (e) {
      if (!(e instanceof Failure)) throw e;
      expect(false, e.message);
      page.complaints();
    }
    await closePage(page);
  }
  if (failures) process.exit(1);
})().then(() => process.exit(0), e => {
  console.log(`FAIL: ${e instanceof Failure ? e.message : e.stack}`);
  process.exit(1);
});
