// The Node `ws` half of websocket_test.sh: apps/chat's /echo and /ws driven by a client nobody
// here wrote (Debian's node-ws). Each check prints `ok: ...`; a failed check prints `FAIL: ...`
// and ends its step, the other steps still run, and the exit status is 1. Every wait is bounded.
// Usage: node websocket_client.js PORT
'use strict';
const WebSocket = require('/usr/share/nodejs/ws');
const crypto = require('crypto');

const port = Number(process.argv[2]);
const base = `ws://127.0.0.1:${port}`;
const KiB = 1024, MiB = 1024 * 1024;

const ok = what => console.log(`ok: ${what}`);
class Failure extends Error {}
const check = (cond, what) => { if (!cond) throw new Failure(what); };

// Resolves with the first of `events` that `emitter` emits, or rejects after `ms`.
function next(emitter, events, ms, what) {
  return new Promise((resolve, reject) => {
    const handlers = {};
    const done = () => { clearTimeout(timer); for (const e in handlers) emitter.off(e, handlers[e]); };
    const timer = setTimeout(() => { done(); reject(new Failure(`${what}: nothing within ${ms} ms`)); }, ms);
    for (const e of events) {
      handlers[e] = (...args) => { done(); resolve({ event: e, args }); };
      emitter.on(e, handlers[e]);
    }
  });
}

// Opens a client and collects what it is sent: ws.inbox is the list of {data, binary}, and
// ws.closed resolves with {code, reason} (code 1006 when no close frame came).
async function open(path, options = {}) {
  const ws = new WebSocket(base + path, { maxPayload: 64 * MiB, ...options });
  ws.inbox = [];
  ws.waiters = [];
  ws.on('message', (data, binary) => {
    ws.inbox.push({ data, binary });
    for (const w of ws.waiters.splice(0)) w();
  });
  ws.errors = [];
  ws.on('error', e => ws.errors.push(e.message));
  ws.closed = new Promise(resolve => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const r = await next(ws, ['open', 'close'], 10000, `connect to ${path}`);
  check(r.event === 'open', `connect to ${path}: closed before opening (${ws.errors.join('; ')})`);
  return ws;
}

// Waits until ws.inbox holds n messages.
async function inbox(ws, n, ms, what) {
  const deadline = Date.now() + ms;
  while (ws.inbox.length < n) {
    const left = deadline - Date.now();
    check(left > 0 && ws.readyState === WebSocket.OPEN,
      `${what}: ${ws.inbox.length} of ${n} messages, ${ws.readyState === WebSocket.OPEN ? 'timed out' : 'connection closed'}`);
    await Promise.race([new Promise(r => ws.waiters.push(r)), new Promise(r => setTimeout(r, Math.min(left, 200)))]);
  }
  return ws.inbox;
}

async function closedWithin(ws, ms, what) {
  const timer = new Promise(r => setTimeout(() => r(null), ms));
  const got = await Promise.race([ws.closed, timer]);
  check(got !== null, `${what}: no close within ${ms} ms`);
  return got;
}

// Text of n bytes (ASCII, so bytes and characters agree) and binary of n random bytes.
function text(n) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789';
  const bytes = crypto.randomBytes(n);
  for (let i = 0; i < n; i++) bytes[i] = alphabet.charCodeAt(bytes[i] % alphabet.length);
  return bytes.toString('latin1');
}

const sizes = [0, 1, 125, 126, 65535, 65536, MiB, 16 * MiB];
const label = n => n >= MiB ? `${n / MiB} MiB` : `${n}`;

async function echo(deflate) {
  const mode = deflate ? 'permessage-deflate on' : 'permessage-deflate off';
  const ws = await open('/echo', { perMessageDeflate: deflate });
  const names = ws.extensions.split(',').map(e => e.split(';')[0].trim()).filter(Boolean);
  if (deflate) check(names.includes('permessage-deflate'), `${mode}: extensions '${ws.extensions}', no permessage-deflate`);
  else check(names.length === 0, `${mode}: extensions '${ws.extensions}', none offered`);
  ok(`/echo ${mode}: extensions '${ws.extensions}'`);

  for (const binary of [false, true]) {
    for (const n of sizes) {
      const sent = binary ? crypto.randomBytes(n) : text(n);
      const start = ws.inbox.length;
      ws.send(sent, { binary });
      const [got] = (await inbox(ws, start + 1, 60000, `${mode} ${binary ? 'binary' : 'text'} ${label(n)}`)).slice(start);
      const want = Buffer.isBuffer(sent) ? sent : Buffer.from(sent, 'latin1');
      check(got.binary === binary, `${mode} ${label(n)}: echoed as ${got.binary ? 'binary' : 'text'}`);
      check(got.data.length === n && got.data.equals(want),
        `${mode} ${binary ? 'binary' : 'text'} ${label(n)}: ${got.data.length} bytes back, not the ${n} sent`);
    }
    ok(`/echo ${mode}: ${binary ? 'binary' : 'text'} of ${sizes.map(label).join(', ')} bytes echoed byte-identical`);
  }

  for (const binary of [false, true]) {
    const parts = [text(1000), text(70000), text(5)].map(p => binary ? Buffer.from(p, 'latin1') : p);
    const start = ws.inbox.length;
    ws.send(parts[0], { binary, fin: false });
    ws.send(parts[1], { binary, fin: false });
    ws.send(parts[2], { binary, fin: true });
    const [got] = (await inbox(ws, start + 1, 10000, `${mode} fragmented`)).slice(start);
    const whole = Buffer.concat(parts.map(p => Buffer.isBuffer(p) ? p : Buffer.from(p, 'latin1')));
    check(got.binary === binary && got.data.equals(whole),
      `${mode}: a fragmented ${binary ? 'binary' : 'text'} message came back as ${got.data.length} bytes`);
    await new Promise(r => setTimeout(r, 100));
    check(ws.inbox.length === start + 1, `${mode}: a fragmented message came back as ${ws.inbox.length - start} messages`);
  }
  ok(`/echo ${mode}: a text and a binary message in 3 fragments (1000 + 70000 + 5 bytes) echoed whole, as one message`);

  const payload = Buffer.from('are you there?');
  ws.ping(payload);
  const pong = await next(ws, ['pong', 'close'], 5000, `${mode} ping`);
  check(pong.event === 'pong' && pong.args[0].equals(payload), `${mode}: ping answered with ${pong.event} '${pong.args[0]}'`);
  ok(`/echo ${mode}: a ping gets a pong with its payload`);

  ws.close(1000);
  const c = await closedWithin(ws, 5000, `${mode} close(1000)`);
  check(c.code === 1000, `${mode}: close(1000) gave close code ${c.code}`);
  ok(`/echo ${mode}: close(1000) -> close event 1000`);
}

async function closes() {
  const ws = await open('/echo');
  ws.close(4001, 'reason');
  const c = await closedWithin(ws, 5000, 'close(4001)');
  check(c.code === 4001 && c.reason === 'reason', `close(4001, 'reason') gave ${c.code} '${c.reason}'`);
  ok(`/echo: close(4001, 'reason') echoed: ${c.code} '${c.reason}'`);
}

async function tooBig(deflate) {
  const mode = `deflate ${deflate ? 'on' : 'off'}`;
  const big = await open('/echo', { perMessageDeflate: deflate });
  big.send(crypto.randomBytes(16 * MiB + 1));
  const b = await closedWithin(big, 20000, `16 MiB + 1 (${mode})`);
  check(b.code === 1009, `a 16 MiB + 1 message (${mode}) gave close ${b.code} '${b.reason}', not 1009 ` +
    `(1006: the connection ended with no close frame read)`);
  check(big.inbox.length === 0, 'a 16 MiB + 1 message was echoed');
  ok(`/echo: a 16 MiB + 1 message (${mode}) -> close 1009 '${b.reason}', nothing echoed`);
}

async function room() {
  const a = await open('/ws'), b = await open('/ws');
  a.send('hello from a');
  await inbox(a, 1, 5000, '/ws a hears itself');   // so that the order in both inboxes is known
  b.send('hello from b');
  for (const [name, c] of [['a', a], ['b', b]]) {
    const got = (await inbox(c, 2, 5000, `/ws client ${name}`)).map(m => m.data.toString());
    check(got[0] === 'hello from a' && got[1] === 'hello from b', `/ws client ${name} received ${JSON.stringify(got)}`);
  }
  ok("/ws: two clients each send one message; both receive 'hello from a' then 'hello from b'");

  const exact = 'x'.repeat(64 * KiB);
  a.send(exact);
  for (const c of [a, b]) {
    const got = await inbox(c, 3, 5000, '/ws 64 KiB');
    check(got[2].data.length === 64 * KiB, `/ws: a 64 KiB message arrived as ${got[2].data.length} bytes`);
  }
  ok('/ws: a message of exactly 64 KiB reaches both clients');

  b.send('y'.repeat(64 * KiB + 1));
  const c = await closedWithin(b, 5000, '/ws 64 KiB + 1');
  check(c.code === 1009, `/ws: a 64 KiB + 1 message gave close ${c.code} '${c.reason}'`);
  await new Promise(r => setTimeout(r, 200));
  check(a.inbox.length === 3, `/ws: the other client received ${a.inbox.length - 3} part(s) of the oversized message`);
  a.send('still here');
  await inbox(a, 4, 5000, '/ws after the oversized message');
  ok(`/ws: a 64 KiB + 1 message -> close 1009 '${c.reason}' for its sender; the room carries on`);
  a.close(1000);
  await closedWithin(a, 5000, '/ws close');
}

// A client that stops reading falls behind: once its queue holds 64 messages it is dropped with
// 1008, and the client that keeps reading gets every message. The sender keeps at most 16 of its
// messages in flight, so that it never falls 64 behind itself; 1500 x 60 KiB (88 MiB) is more than
// the paused client's socket buffers (tcp_rmem allows 32 MiB here), the server's and its queue
// can hold.
async function slowClient() {
  // Without permessage-deflate, and random text, so that the bytes on the wire are the bytes sent.
  const fast = await open('/ws', { perMessageDeflate: false }), slow = await open('/ws', { perMessageDeflate: false });
  slow.pause();
  const count = 1500, size = 60 * KiB, window = 16;
  for (let i = 0; i < count; i++) {
    if (i >= window) await inbox(fast, i - window + 1, 20000, `/ws the reading client, message ${i}`);
    fast.send(`${i} ${text(size)}`);
  }
  await inbox(fast, count, 20000, '/ws the reading client');
  check(fast.inbox.every((m, i) => m.data.toString().startsWith(`${i} `)), '/ws: the reading client got the messages out of order');
  slow.resume();
  const c = await closedWithin(slow, 40000, '/ws the paused client, once it reads again');
  check(c.code === 1008, `/ws: the client that stopped reading was closed with ${c.code} '${c.reason}', not 1008`);
  check(slow.inbox.length < count, `/ws: the paused client got all ${count} messages`);
  ok(`/ws: a client that stops reading while ${count} x 60 KiB are sent is dropped with 1008 '${c.reason}' ` +
     `after ${slow.inbox.length} messages; the client that reads got all ${count} in order`);
  fast.close(1000);
  await closedWithin(fast, 5000, '/ws close');
}

// Each step runs even when an earlier one failed, so that one run shows every failure.
const steps = [
  ['/echo with permessage-deflate', () => echo(true)],
  ['/echo without permessage-deflate', () => echo(false)],
  ['/echo close(4001, reason)', closes],
  ['/echo 16 MiB + 1, permessage-deflate off', () => tooBig(false)],
  ['/echo 16 MiB + 1, permessage-deflate on', () => tooBig(true)],
  ['/ws, the room', room],
  ['/ws, a client that stops reading', slowClient],
];
(async () => {
  const failed = [];
  for (const [name, step] of steps) {
    console.log(`--- ${name}`);
    try {
      await step();
    } catch (e) {
      console.log(`FAIL: ${e instanceof Failure ? e.message : e.stack}`);
      failed.push(name);
    }
  }
  if (failed.length) console.log(`node ws client: ${failed.length} step(s) failed: ${failed.join('; ')}`);
  process.exit(failed.length ? 1 : 0);
})();
