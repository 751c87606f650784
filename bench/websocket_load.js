// The load generator of bench/websocket.sh, on Node's `ws` (Debian's node-ws): one process,
// meant to run pinned to its own core. Every mode prints one JSON line with its figures, and the
// client's own CPU seconds, so that a reader can tell when the client was the limit. Connections
// offer no permessage-deflate: the bytes on the wire are the bytes sent. Every wait is bounded.
//   echo PORT PATH CONNECTIONS TOTAL SIZE WINDOW
//       TOTAL text messages of SIZE bytes, spread over CONNECTIONS, each connection keeping at
//       most WINDOW of its messages in flight; each echo is checked (length and sequence tag).
//   rawecho PORT PATH CONNECTIONS TOTAL SIZE WINDOW
//       the same over plain sockets with frames built here (masked, one write for each batch of
//       messages), for a client that costs far less than ws and so shows more of the server.
//   idle PORT PATH COUNT
//       opens COUNT connections (500 at a time, source addresses 127.0.0.1-4 in turn), prints
//       {"ready":COUNT} and holds them until a line arrives on stdin, then closes them all.
//   broadcast PORT PATH CLIENTS ROUNDS
//       CLIENTS connections to the room; in each round one of them sends a message and the time
//       until the last of the CLIENTS (the sender included) has received it is measured.
'use strict';
const WebSocket = require('/usr/share/nodejs/ws');

const [mode, port, path, ...rest] = process.argv.slice(2);
const url = `ws://127.0.0.1:${port}${path}`;
const cpu0 = process.cpuUsage();
const clientCpu = () => { const u = process.cpuUsage(cpu0); return (u.user + u.system) / 1e6; };
const die = why => { console.error(`websocket_load ${mode}: ${why}`); process.exit(1); };
const sleep = ms => new Promise(r => setTimeout(r, ms));

function connect(localAddress) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, localAddress, handshakeTimeout: 20000 });
    ws.once('open', () => { ws.removeAllListeners('error'); ws.on('error', () => {}); resolve(ws); });
    ws.once('error', reject);
  });
}

// Opens count connections, at most `parallel` handshakes at a time.
async function connectMany(count, parallel = 500) {
  const out = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await connect(`127.0.0.${1 + (i % 4)}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return out;
}

async function echo(connections, total, size, window) {
  const sockets = await connectMany(connections);
  const share = c => Math.floor(total / connections) + (c < total % connections ? 1 : 0);
  const pad = 'x'.repeat(size);
  const start = process.hrtime.bigint();
  await Promise.all(sockets.map((ws, c) => new Promise((resolve, reject) => {
    const per = share(c);
    let sent = 0, got = 0;
    if (per === 0) return resolve();
    const message = i => { const tag = `${c}:${i}:`; return tag + pad.slice(tag.length); };
    const pump = () => { while (sent < per && sent - got < window) ws.send(message(sent++)); };
    ws.on('message', data => {
      const want = `${c}:${got}:`;
      if (data.length !== size || data.toString('latin1', 0, want.length) !== want)
        return reject(new Error(`connection ${c}: echo ${got} is wrong (${data.length} bytes)`));
      if (++got === per) return resolve();
      pump();
    });
    ws.on('close', code => { if (got < per) reject(new Error(`connection ${c} closed (${code}) after ${got} echoes`)); });
    pump();
  })));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const messages = total;
  for (const ws of sockets) ws.terminate();
  return { messages, seconds, rate: messages / seconds, client_cpu_s: clientCpu() };
}

// A WebSocket client in a few lines, for the echo of small text messages only: the handshake,
// masked text frames of SIZE (< 126) bytes out, unmasked text frames in.
function rawConnect() {
  const net = require('net'), crypto = require('crypto');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
    socket.setNoDelay(true);
    let head = Buffer.alloc(0);
    const onData = piece => {
      head = Buffer.concat([head, piece]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const status = head.toString('latin1', 0, head.indexOf('\r\n'));
      if (!/^HTTP\/1\.1 101/.test(status)) return reject(new Error(`handshake: ${status}`));
      resolve({ socket, rest: head.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  });
}

async function rawEcho(connections, total, size, window) {
  if (size >= 126) die('rawecho: SIZE must be under 126');
  const conns = [];
  for (let c = 0; c < connections; c++) conns.push(await rawConnect());
  const share = c => Math.floor(total / connections) + (c < total % connections ? 1 : 0);
  const mask = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  // Message i of connection c: its tag `c:i:`, padded with x to SIZE bytes.
  const payload = (c, i) => { const tag = `${c}:${i}:`; return tag + 'x'.repeat(size - tag.length); };
  const frame = text => {
    const f = Buffer.allocUnsafe(6 + size);
    f[0] = 0x81; f[1] = 0x80 | size; mask.copy(f, 2);
    f.write(text, 6, 'latin1');
    for (let k = 0; k < size; k++) f[6 + k] ^= mask[k & 3];
    return f;
  };
  const start = process.hrtime.bigint();
  await Promise.all(conns.map(({ socket, rest }, c) => new Promise((resolve, reject) => {
    const per = share(c);
    let sent = 0, got = 0, buf = rest;
    if (per === 0) return resolve();
    const pump = () => {
      const batch = [];
      while (sent < per && sent - got < window) batch.push(frame(payload(c, sent++)));
      if (batch.length) socket.write(batch.length === 1 ? batch[0] : Buffer.concat(batch));
    };
    const take = () => {
      let off = 0;
      while (buf.length - off >= 2) {
        const len = buf[off + 1] & 0x7f;
        if (buf[off] !== 0x81 || len >= 126) return reject(new Error(`connection ${c}: frame ${buf[off].toString(16)} ${len}`));
        if (buf.length - off < 2 + len) break;
        const want = `${c}:${got}:`;
        if (len !== size || buf.toString('latin1', off + 2, off + 2 + want.length) !== want)
          return reject(new Error(`connection ${c}: echo ${got} is wrong`));
        off += 2 + len;
        if (++got === per) { socket.destroy(); return resolve(); }
      }
      buf = buf.subarray(off);
      pump();
    };
    socket.on('data', piece => { buf = buf.length ? Buffer.concat([buf, piece]) : piece; take(); });
    socket.on('close', () => { if (got < per) reject(new Error(`connection ${c} closed after ${got} echoes`)); });
    if (buf.length) take(); else pump();
  })));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { messages: total, seconds, rate: total / seconds, client_cpu_s: clientCpu() };
}

async function idle(count) {
  const start = Date.now();
  const sockets = await connectMany(count);
  let closed = 0;
  for (const ws of sockets) ws.on('close', () => closed++);
  console.log(JSON.stringify({ ready: count, open_seconds: (Date.now() - start) / 1000 }));
  await new Promise(resolve => process.stdin.once('data', resolve));
  const lost = closed;
  for (const ws of sockets) ws.terminate();
  return { held: count, lost_while_idle: lost, client_cpu_s: clientCpu() };
}

async function broadcast(clients, rounds) {
  const sockets = await connectMany(clients);
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const text = `round ${r} ${'b'.repeat(32)}`;
    let left = clients;
    const all = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`round ${r}: ${left} of ${clients} clients still waiting after 30 s`)), 30000);
      for (const ws of sockets) {
        ws.once('message', data => {
          if (data.toString() !== text) return reject(new Error(`round ${r}: got '${data}'`));
          if (--left === 0) { clearTimeout(timer); resolve(); }
        });
      }
    });
    const start = process.hrtime.bigint();
    sockets[r % clients].send(text);
    await all;
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    await sleep(200);
  }
  for (const ws of sockets) ws.terminate();
  const sorted = [...times].sort((a, b) => a - b);
  return { clients, rounds_ms: times, median_ms: sorted[Math.floor(sorted.length / 2)], client_cpu_s: clientCpu() };
}

const n = rest.map(Number);
const run = { echo: () => echo(n[0], n[1], n[2], n[3]), rawecho: () => rawEcho(n[0], n[1], n[2], n[3]), idle: () => idle(n[0]), broadcast: () => broadcast(n[0], n[1]) }[mode];
if (!run) die('mode must be echo, rawecho, idle or broadcast');
const limit = setTimeout(() => die('did not finish within 120 s'), 120000);
run().then(r => { clearTimeout(limit); console.log(JSON.stringify(r)); process.exit(0); }, e => die(e.message));
