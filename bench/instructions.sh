#!/usr/bin/env bash
# Instructions per request for apps/hello's / and /json, counted by callgrind (repeatable on a
# noisy machine, unlike wall-clock time). Two runs per path, with N and 2N keep-alive requests;
# the difference divided by N cancels start-up and shutdown.
# Usage: [HELLO_ARGS="--stall-ms 0"] bench/instructions.sh BUILD_DIR [N]
set -euo pipefail
build=${1:-build/release}
n=${2:-2000}
hello="$build/apps/hello"
command -v valgrind >/dev/null || { echo "valgrind is missing"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Sends `count` requests for `path` one after another on one connection.
drive() {  # port path count
  python3 - "$@" <<'PY'
import socket, sys, time
port, path, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for _ in range(200):
    try:
        s = socket.create_connection(("127.0.0.1", port)); break
    except OSError:
        time.sleep(0.05)
req = f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
buf = b""
for _ in range(count):
    s.sendall(req)
    while True:
        head_end = buf.find(b"\r\n\r\n")
        if head_end >= 0:
            length = int([l for l in buf[:head_end].split(b"\r\n") if l.lower().startswith(b"content-length:")][0].split(b":")[1])
            if len(buf) >= head_end + 4 + length:
                buf = buf[head_end + 4 + length:]
                break
        buf += s.recv(65536)
s.close()
PY
}

count_instructions() {  # path count
  local port out
  port=$(free_port)
  # shellcheck disable=SC2086
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$hello" --port "$port" --threads 1 ${HELLO_ARGS:-} \
    --log-level off > "$tmp/vg.log" 2>&1 &
  local pid=$!
  drive "$port" "$1" "$2"
  kill -INT "$pid"
  wait "$pid" || true
  awk '/^summary:/ { print $2 }' "$tmp/cg.out"
}

for path in / /json; do
  one=$(count_instructions "$path" "$n")
  two=$(count_instructions "$path" $((2 * n)))
  echo "GET $path: $(( (two - one) / n )) instructions per request (callgrind, $n vs $((2 * n)) requests)"
done
