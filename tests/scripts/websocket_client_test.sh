#!/usr/bin/env bash
# tern's WebSocket client (websocket::connect) against Node's ws server, which nobody here wrote:
# a ws echo server with permessage-deflate and a subprotocol on a free port, then
# ws_client_probe against it. Usage: websocket_client_test.sh PROBE_BINARY
set -euo pipefail
probe=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/scripts/deps.sh" nodejs node-ws >/dev/null
source "$root/scripts/hello_process.sh"   # tmp, cleanup, free_port

cat >"$tmp/server.js" <<'JS'
const { WebSocketServer } = require('/usr/share/nodejs/ws');
const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2]), perMessageDeflate: true,
                                  maxPayload: 16 * 1024 * 1024,
                                  handleProtocols: (protocols) => protocols.has('echo.v1') ? 'echo.v1' : false });
wss.on('connection', ws => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
wss.on('listening', () => console.log('listening'));
JS
port=$(free_port)
timeout 120 node "$tmp/server.js" "$port" >"$tmp/node.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q listening "$tmp/node.log" && break; sleep 0.1; done
grep -q listening "$tmp/node.log" || fail "the Node ws server did not start: $(cat "$tmp/node.log")"
echo "Node ws echo server (pid $pid) on 127.0.0.1:$port"
status=0
timeout 60 "$probe" "ws://127.0.0.1:$port/echo" || status=$?
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
pid=
[ "$status" -eq 0 ] && echo "tern's client passed every check against Node's ws" || echo "FAIL: the probe exited with $status"
exit "$status"
