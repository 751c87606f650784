// The Node `ws` echo server that bench/websocket.sh sets beside apps/chat's /echo: text and
// binary echoed as received, up to 16 MiB a message, no permessage-deflate (ws's default).
// Plain HTTP requests get ws's 426, which is enough for wait_http.
// Usage: node websocket_node_echo.js HOST PORT
'use strict';
const { WebSocketServer } = require('/usr/share/nodejs/ws');

const [host, port] = process.argv.slice(2);
const server = new WebSocketServer({ host, port: Number(port), maxPayload: 16 * 1024 * 1024, backlog: 4096 });
server.on('connection', ws => {
  ws.on('message', (data, binary) => ws.send(data, { binary }));
  ws.on('error', () => {});
});
server.on('listening', () => console.log(`node ws ${require('/usr/share/nodejs/ws/package.json').version} echo on ${host}:${port}`));
process.on('SIGTERM', () => process.exit(0));
