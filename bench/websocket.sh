#!/usr/bin/env bash
# WebSocket figures, apps/chat (one loop) beside a Node `ws` echo server (bench/websocket_node_echo.js):
#   1. echo of 100,000 text messages of 32 bytes over 1 connection (100 in flight) and over 64
#      connections (16 in flight on each), driven by Node's ws and by raw frames: median
#      messages/s of 3 alternating rounds, and each server's CPU seconds per 100,000 messages;
#   2. 10,000 idle WebSocket connections: each server's RSS before, while they are open and
#      after they have closed (and whether tern still answers GET / meanwhile);
#   3. broadcast of one message to 1,000 clients of tern's /ws: time from the send until the
#      last client has it, median of 3 (there is no room in the Node server to compare with).
# Servers run on core 0 (taskset -c 0), the load generator (bench/websocket_load.js, Node's ws)
# on core 1. The client's own CPU seconds are printed beside each echo figure: when they are
# close to the elapsed time, the client, not the server, was the limit. Prints a table, appends
# it to bench/results/websocket.csv, and exits non-zero if a check fails. About 1.5 minutes.
# Usage: bench/websocket.sh BUILD_DIR
set -euo pipefail
build=${1:-build/release}
here=$(cd "$(dirname "$0")" && pwd)
out_dir=${TERN_BENCH_OUT:-bench/results}
mkdir -p "$out_dir"
csv=$out_dir/websocket.csv
hello=$build/apps/chat
[ -x "$hello" ] || { echo "no $hello: run make build first"; exit 1; }
echo_total=100000
echo_size=32
idle_count=10000
room_clients=1000

# A missing tool is installed (Debian packages), never skipped.
need() {  # command package
    command -v "$1" >/dev/null && return 0
    echo "installing $2 for $1"
    "$here/../scripts/deps.sh" "$2"
    command -v "$1" >/dev/null || { echo "$1 is still missing after installing $2"; exit 1; }
}
need curl curl
need python3 python3
need node nodejs
need taskset util-linux
if [ ! -e /usr/share/nodejs/ws/package.json ]; then
    echo "installing node-ws for Node's ws"
    "$here/../scripts/deps.sh" node-ws
    [ -e /usr/share/nodejs/ws/package.json ] || { echo "/usr/share/nodejs/ws is still missing"; exit 1; }
fi
# 10,000 connections: that many descriptors in the client and in each server, and some spare.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge $((idle_count + 1000)) ] ||
    { echo "ulimit -n is $(ulimit -n) (hard $(ulimit -Hn)): $idle_count connections need more"; exit 1; }

source "$here/../scripts/hello_process.sh"   # $tmp, cleanup at exit, fail, free_port, start_hello
hello_launcher=(taskset -c 0)
client=(taskset -c 1 timeout 150 node "$here/websocket_load.js")

show_context() {
    local log
    for log in "$tmp"/hello.log "$tmp"/node.log "$tmp"/load.err; do
        if [ -s "$log" ]; then echo "--- the last lines of $log:"; tail -n 20 "$log"; fi
    done
}

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
calc() { python3 -c "print($1)"; }
field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }   # JSON KEY

failures=()
check() {  # NAME CONDITION(python expression): records a FAIL, goes on
    if [ "$(calc "'yes' if ($2) else 'no'")" = yes ]; then echo "PASS: $1"; else echo "FAIL: $1"; failures+=("$1"); fi
}

# Runs the load generator on core 1; its JSON line is the result.
load() {
    local out
    out=$("${client[@]}" "$@" 2>"$tmp/load.err") || fail "websocket_load.js $* failed: $(cat "$tmp/load.err")"
    tail -n 1 <<<"$out"
}

declare -A fig
when=$(date -u +%Y-%m-%dT%H:%M:%SZ)
commit=$(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo unknown)
node_version=$(node --version)
ws_version=$(node -p 'require("/usr/share/nodejs/ws/package.json").version')

start_hello / --log-level warn
tern_pid=$pid
tern_port=$port
node_port=$(free_port)
taskset -c 0 node "$here/websocket_node_echo.js" 127.0.0.1 "$node_port" >"$tmp/node.log" 2>&1 &
node_pid=$!
extra_pids+=("$node_pid")
wait_http "$node_port" / 10 "$node_pid" || fail "the node ws server (pid $node_pid) did not answer on port $node_port within 10 s"
echo "tern: $hello (pid $tern_pid) on port $tern_port; node $node_version ws $ws_version (pid $node_pid) on port $node_port; both on core 0, the client on core 1"
declare -A srv_port=([tern]=$tern_port [node]=$node_port) srv_pid=([tern]=$tern_pid [node]=$node_pid)

echo "=== 1. echo of $echo_total text messages of $echo_size bytes, 3 alternating rounds"
# Two clients: Node's ws, and websocket_load.js's raw frames (far cheaper, so closer to the server's limit).
declare -A rates cpus client_cpus
for kind in echo rawecho; do
    for shape in 1:100 64:16; do
        conns=${shape%:*} window=${shape#*:}
        for s in tern node; do
            "${client[@]}" "$kind" "${srv_port[$s]}" /echo "$conns" 10000 "$echo_size" "$window" >/dev/null 2>&1 || true   # warm up
        done
        for r in 1 2 3; do
            for s in tern node; do
                before=$(cpu_seconds "${srv_pid[$s]}")
                out=$(load "$kind" "${srv_port[$s]}" /echo "$conns" "$echo_total" "$echo_size" "$window")
                after=$(cpu_seconds "${srv_pid[$s]}")
                rate=$(calc "round($(field "$out" rate))")
                cpu=$(calc "round($after - $before, 2)")
                ccpu=$(calc "round($(field "$out" client_cpu_s), 2)")
                rates[$s,$kind,$conns]+="$rate " cpus[$s,$kind,$conns]+="$cpu " client_cpus[$s,$kind,$conns]+="$ccpu "
                echo "round $r $kind $s, $conns connection(s), $window in flight each: $rate messages/s in $(calc "round($(field "$out" seconds), 2)") s; server CPU $cpu s, client CPU $ccpu s"
            done
        done
        for s in tern node; do
            median() { calc "sorted([$(tr ' ' ',' <<<"$1")])[1]"; }
            fig[${kind}_c${conns}_msgs_per_s_$s]=$(median "${rates[$s,$kind,$conns]}")
            fig[${kind}_c${conns}_cpu_s_per_100k_$s]=$(calc "round($(median "${cpus[$s,$kind,$conns]}") * 100000 / $echo_total, 2)")
            fig[${kind}_c${conns}_client_cpu_s_$s]=$(median "${client_cpus[$s,$kind,$conns]}")
        done
    done
done

echo "=== 2. $idle_count idle connections"
for s in tern node; do
    mkfifo "$tmp/idle.in"
    exec 3<>"$tmp/idle.in"     # held open for writing, so that the client's stdin stays open
    "${client[@]}" idle "${srv_port[$s]}" /echo "$idle_count" <"$tmp/idle.in" >"$tmp/idle.out" 2>"$tmp/load.err" &
    idle_pid=$!
    extra_pids+=("$idle_pid")
    rss_before=$(rss_kib "${srv_pid[$s]}")
    for _ in $(seq 600); do
        grep -q '"ready"' "$tmp/idle.out" && break
        kill -0 "$idle_pid" 2>/dev/null || fail "the idle client failed: $(cat "$tmp/load.err")"
        sleep 0.1
    done
    grep -q '"ready"' "$tmp/idle.out" || fail "$s: $idle_count connections not open within 60 s"
    open_seconds=$(field "$(head -n 1 "$tmp/idle.out")" open_seconds)
    sleep 3
    rss_open=$(rss_kib "${srv_pid[$s]}")
    if [ "$s" = tern ]; then
        # One more connection than App's max_connections (10,000 a loop; chat runs one loop and
        # has no flag for it): 503 is the documented answer, a hang or no answer is not.
        status=$(curl -s -o /dev/null --max-time 10 -w '%{http_code}' "http://127.0.0.1:$tern_port/" || true)
        check "2. tern answers GET / with $idle_count connections open (status $status; 503 at max_connections)" "'$status' in ('200', '503')"
        fig[idle_get_status_tern]=$status
    fi
    echo go >&3
    wait "$idle_pid" || fail "the idle client failed: $(cat "$tmp/load.err")"
    exec 3>&-
    rm -f "$tmp/idle.in"
    lost=$(field "$(tail -n 1 "$tmp/idle.out")" lost_while_idle)
    sleep 3
    rss_after=$(rss_kib "${srv_pid[$s]}")
    echo "$s: $idle_count connections open in $open_seconds s; RSS $(mib "$rss_before") MiB before, $(mib "$rss_open") MiB with them open, $(mib "$rss_after") MiB 3 s after they closed; $lost lost while idle"
    check "2. $s kept all $idle_count idle connections ($lost lost)" "$lost == 0"
    fig[idle_rss_before_mib_$s]=$(mib "$rss_before")
    fig[idle_rss_open_mib_$s]=$(mib "$rss_open")
    fig[idle_rss_after_mib_$s]=$(mib "$rss_after")
    fig[idle_kib_per_connection_$s]=$(calc "round(($rss_open - $rss_before) / $idle_count, 1)")
    fig[idle_open_seconds_$s]=$open_seconds
done

echo "=== 3. one message to $room_clients clients of tern's /ws, 3 rounds"
out=$(load broadcast "$tern_port" /ws "$room_clients" 3)
echo "rounds (ms): $(field "$out" rounds_ms)"
fig[broadcast_${room_clients}_median_ms_tern]=$(calc "round($(field "$out" median_ms), 1)")
fig[broadcast_${room_clients}_rounds_ms_tern]=$(calc "' '.join(str(round(t, 1)) for t in $(field "$out" rounds_ms))")

kill -0 "$tern_pid" 2>/dev/null || fail "tern died during the figures"
if grep -E "\[(error|critical)\]" "$hello_log"; then failures+=("tern logged errors"); fi
kill -TERM "$node_pid" "$tern_pid"
wait_gone "$tern_pid" 15 || fail "tern still runs 15 s after SIGTERM"
wait_gone "$node_pid" 5 || fail "the node server still runs 5 s after SIGTERM"

echo
echo "websocket, $commit, $when: tern $hello (one loop) vs node $node_version ws $ws_version; servers on core 0, client (node ws) on core 1"
printf '%-52s %-22s %s\n' "figure" "tern" "node ws"
row() { printf '%-52s %-22s %s\n' "$1" "$2" "${3:--}"; }
for kind in echo rawecho; do
    for c in 1 64; do
        w=100; [ "$c" = 64 ] && w=16
        name="ws client"; [ "$kind" = rawecho ] && name="raw frames"
        row "1. echo 32 B, $name, $c conn x $w: msgs/s" "${fig[${kind}_c${c}_msgs_per_s_tern]}" "${fig[${kind}_c${c}_msgs_per_s_node]}"
        row "   server CPU s per 100k messages" "${fig[${kind}_c${c}_cpu_s_per_100k_tern]}" "${fig[${kind}_c${c}_cpu_s_per_100k_node]}"
        row "   client CPU s (elapsed: 100k / rate)" "${fig[${kind}_c${c}_client_cpu_s_tern]}" "${fig[${kind}_c${c}_client_cpu_s_node]}"
    done
done
row "2. $idle_count idle: RSS MiB before / open / after" \
    "${fig[idle_rss_before_mib_tern]} / ${fig[idle_rss_open_mib_tern]} / ${fig[idle_rss_after_mib_tern]}" \
    "${fig[idle_rss_before_mib_node]} / ${fig[idle_rss_open_mib_node]} / ${fig[idle_rss_after_mib_node]}"
row "   KiB per idle connection" "${fig[idle_kib_per_connection_tern]}" "${fig[idle_kib_per_connection_node]}"
row "   GET / while they are open: status" "${fig[idle_get_status_tern]}"
row "3. broadcast to $room_clients: median ms (rounds)" "${fig[broadcast_${room_clients}_median_ms_tern]} (${fig[broadcast_${room_clients}_rounds_ms_tern]})"

[ -s "$csv" ] || echo "date,commit,metric,server,value" >"$csv"
for key in $(printf '%s\n' "${!fig[@]}" | sort); do
    server=tern metric=$key
    case $key in *_tern) metric=${key%_tern} ;; *_node) metric=${key%_node} server=node-ws ;; esac
    echo "$when,$commit,$metric,$server,\"${fig[$key]}\"" >>"$csv"
done
echo "appended to $csv"

if [ ${#failures[@]} -gt 0 ]; then
    echo "FAILED: ${failures[*]}"
    exit 1
fi
echo "all checks passed"
