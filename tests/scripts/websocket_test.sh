#!/usr/bin/env bash
# WebSockets against clients nobody here wrote: apps/chat as a real process on 127.0.0.1 (one
# loop), driven with Node's `ws` (Debian's node-ws) and a headless Chromium.
#   websocket_client.js: /echo, text and binary of 0 B to 16 MiB byte-identical, with and without
#     permessage-deflate; a fragmented message; ping/pong; close codes; 16 MiB + 1 -> 1009.
#     /ws: two clients hear each other; 64 KiB passes, 64 KiB + 1 -> 1009; a client that stops
#     reading is dropped with 1008 while the other gets every message.
#   websocket_browser.js: two Chromium pages of GET / (DevTools protocol) type a line each, and
#     both DOMs must list both lines.
# Then the server's log must be clean and SIGTERM must end it with 0. Every check prints `ok: ...`
# or `FAIL: ...`; all steps run, and the script exits 1 if any failed.
# Usage: websocket_test.sh PATH_TO_CHAT
set -uo pipefail
hello=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/hello_process.sh"   # $tmp, cleanup at exit, fail, start_hello
hello_start_seconds=30   # a sanitized build starts slower

show_context() {
    echo "--- the last lines of chat's output:"
    tail -n 30 "$hello_log" 2>/dev/null || true
}

# A missing client is installed (Debian packages), never skipped.
need() {  # command package
    command -v "$1" >/dev/null && return 0
    echo "installing $2 for $1"
    "$here/../../scripts/deps.sh" "$2" || fail "could not install $2"
    command -v "$1" >/dev/null || fail "$1 is still missing after installing $2"
}
need curl curl
need python3 python3
need node nodejs
need chromium chromium
if [ ! -e /usr/share/nodejs/ws/package.json ]; then
    echo "installing node-ws for Node's ws"
    "$here/../../scripts/deps.sh" node-ws || fail "could not install node-ws"
    [ -e /usr/share/nodejs/ws/package.json ] || fail "/usr/share/nodejs/ws is still missing after installing node-ws"
fi
node -e 'if (typeof fetch !== "function") process.exit(1)' ||
    fail "node $(node --version) has no built-in fetch (Node 18 or later needed)"

step() { echo "--- $*"; }
ok() { echo "ok: $*"; }
failures=()
failed() { echo "FAIL: $*"; failures+=("$*"); }

# Chromium runs in a process group of its own (setsid), so that its zygote and renderers are
# stopped with it; the group is the one this script started, named by its leader's PID.
chromium_pid=
stop_chromium() {
    [ -n "$chromium_pid" ] || return 0
    kill -TERM -- "-$chromium_pid" 2>/dev/null || true
    wait_gone "$chromium_pid" 5 || kill -KILL -- "-$chromium_pid" 2>/dev/null || true
    wait "$chromium_pid" 2>/dev/null || true
    chromium_pid=
}
trap 'stop_chromium; cleanup' EXIT

start_hello /
url=http://127.0.0.1:$port
echo "chat: $hello (pid $pid) on $url"

step "node ws: /echo and /ws (websocket_client.js)"
# Runs a node script with a time limit; its FAIL lines go into the summary at the end.
run_node() {  # SECONDS SCRIPT ARGS...
    local seconds=$1 script=$2 code line
    shift 2
    timeout "$seconds" node "$here/$script" "$@" | tee "$tmp/node.out"
    code=${PIPESTATUS[0]}
    [ "$code" = 0 ] && return 0
    while IFS= read -r line; do failures+=("$script: ${line#FAIL: }"); done < <(grep '^FAIL: ' "$tmp/node.out")
    failed "$script exited with $code$([ "$code" = 124 ] && echo ": timed out after $seconds s")"
}
run_node 240 websocket_client.js "$port"
kill -0 "$pid" 2>/dev/null || fail "chat died during the node ws checks"

step "headless Chromium: two pages of $url/ (websocket_browser.js)"
profile=$tmp/chromium-profile
mkdir -p "$profile"
setsid timeout 120 chromium --headless=new --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$profile" --remote-debugging-port=0 about:blank >"$tmp/chromium.log" 2>&1 &
chromium_pid=$!
# With port 0, Chromium picks a free port and writes it on the first line of DevToolsActivePort.
devtools_port=
for _ in $(seq 300); do
    [ -s "$profile/DevToolsActivePort" ] && devtools_port=$(head -n 1 "$profile/DevToolsActivePort")
    [ -n "$devtools_port" ] && break
    kill -0 "$chromium_pid" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$devtools_port" ]; then
    failed "Chromium wrote no DevTools port within 30 s; its output: $(grep -v dbus "$tmp/chromium.log" | tail -n 10)"
else
    run_node 60 websocket_browser.js "$devtools_port" "$url/"
fi
stop_chromium
ok "Chromium and its child processes stopped"

step "the server's log and its exit"
kill -0 "$pid" 2>/dev/null || fail "chat died during the browser check"
if grep -E "AddressSanitizer|LeakSanitizer|runtime error:|\[(error|critical)\]" "$hello_log"; then
    failed "chat's log shows errors"
else
    ok "no sanitizer report or error in chat's log"
fi
kill -TERM "$pid"
wait_gone "$pid" 15 || fail "chat still runs 15 s after SIGTERM"
wait "$pid"
code=$?
pid=
if [ "$code" = 0 ]; then ok "SIGTERM drains and chat exits 0"; else failed "chat exited with $code after SIGTERM"; fi

if [ ${#failures[@]} -gt 0 ]; then
    echo "websocket_real_clients: ${#failures[@]} failure(s):"
    printf '  %s\n' "${failures[@]}"
    show_context
    exit 1
fi
echo "websocket_real_clients: all checks passed"
