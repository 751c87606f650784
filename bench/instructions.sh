#!/usr/bin/env bash
# Instructions per request for apps/hello's / and /json, counted by callgrind (repeatable on a
# noisy machine, unlike wall-clock time). Two runs per path, with N and 2N keep-alive requests;
# the difference divided by N cancels start-up and shutdown.
# Another server and other paths: BENCH_APP (a path under BUILD_DIR, default apps/hello) and
# BENCH_PATHS (default "/ /json"); bench/typed.sh uses them.
# Usage: [HELLO_ARGS="--stall-ms 0"] bench/instructions.sh BUILD_DIR [N]
set -euo pipefail
build=${1:-build/release}
n=${2:-2000}
hello="$build/${BENCH_APP:-apps/hello}"
command -v valgrind >/dev/null || { echo "valgrind is missing"; exit 1; }
source "$(dirname "$0")/../scripts/hello_process.sh"
hello_launcher=(valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out")
hello_log=$tmp/vg.log
hello_start_seconds=60   # callgrind starts slowly, more so on a busy machine

# Sends `count` requests for `path` one after another on one connection.
drive() {  # port path count
  python3 - "$@" <<'PY'
import socket, sys
port, path, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port))
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

# Runs hello under callgrind for `count` requests for `path` and sets $instructions to the
# total. Not in a $(...) subshell: one would not run the EXIT trap that stops hello. The
# request start_hello sends to see hello up is in every run, so it cancels like start-up does.
count_instructions() {  # path count
  rm -f "$tmp/cg.out"   # so that a run which writes none cannot pass off the last one's
  # shellcheck disable=SC2086
  start_hello / ${HELLO_ARGS:-} --log-level off
  drive "$port" "$1" "$2"
  kill -INT "$pid"
  wait "$pid" || true
  pid=
  instructions=$(awk '/^summary:/ { print $2 }' "$tmp/cg.out")
  [ -n "$instructions" ] || fail "callgrind wrote no summary for GET $1"
}

for path in ${BENCH_PATHS:-/ /json}; do
  count_instructions "$path" "$n"
  one=$instructions
  count_instructions "$path" $((2 * n))
  two=$instructions
  echo "GET $path: $(( (two - one) / n )) instructions per request (callgrind, $n vs $((2 * n)) requests)"
done
