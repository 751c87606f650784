#!/usr/bin/env bash
# Issue 13's client figures: 10,000 GETs of apps/hello's / with 64 in flight, from one core, by
#   tern's http::Client (bench/client_fetch.cpp), aiohttp and httpx
#   (bench/client_python.py), each with one client allowed 64 connections: the median of 3
#   alternating rounds of the fetch's wall seconds, the client process's CPU seconds (user +
#   sys, start-up included) and the server's CPU seconds for the run; then wrk -t1 -c64 against
#   the same server and URL for the requests/s the server can give.
# The server (one loop) runs on core 0 (taskset -c 0), each client on core 1. Prints a markdown
# table, appends the figures to bench/results/client.csv, and exits non-zero if any call failed.
# Python's clients are Debian's (python3-aiohttp, python3-httpx), run by /usr/bin/python3 so
# that a python3 earlier on PATH (pyenv, a venv) does not hide them. About 45 seconds.
# Usage: bench/client.sh BUILD_DIR
set -euo pipefail
build=${1:-build/release}
here=$(cd "$(dirname "$0")" && pwd)
out_dir=${TERN_BENCH_OUT:-bench/results}
mkdir -p "$out_dir"
csv=$out_dir/client.csv
hello=$build/apps/hello
fetch=$build/bench/client_fetch
[ -x "$hello" ] || { echo "no $hello: run make build first"; exit 1; }
[ -x "$fetch" ] || { echo "no $fetch: run make build first"; exit 1; }
count=10000
inflight=64
rounds=3
wrk_seconds=5
py=/usr/bin/python3
clients=(tern aiohttp httpx)

# A missing tool is installed (Debian packages), never skipped.
need() {  # command package
    command -v "$1" >/dev/null && return 0
    echo "installing $2 for $1"
    "$here/../scripts/deps.sh" "$2"
    command -v "$1" >/dev/null || { echo "$1 is still missing after installing $2"; exit 1; }
}
need_module() {  # python-module package
    "$py" -c "import $1" 2>/dev/null && return 0
    echo "installing $2 for $py's $1"
    "$here/../scripts/deps.sh" "$2"
    "$py" -c "import $1" 2>/dev/null || { echo "$py cannot import $1 after installing $2"; exit 1; }
}
need curl curl
need python3 python3
need wrk wrk
need taskset util-linux
[ -x /usr/bin/time ] || "$here/../scripts/deps.sh" time
[ -x /usr/bin/time ] || { echo "/usr/bin/time is still missing after installing time"; exit 1; }
[ -x "$py" ] || "$here/../scripts/deps.sh" python3
need_module aiohttp python3-aiohttp
need_module httpx python3-httpx

source "$here/../scripts/hello_process.sh"   # $tmp, cleanup at exit, fail, free_port, start_hello
hello_launcher=(taskset -c 0)

show_context() {
    local log
    for log in "$tmp"/hello.log "$tmp"/client.err; do
        if [ -s "$log" ]; then echo "--- the last lines of $log:"; tail -n 20 "$log"; fi
    done
}

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$1/stat"; }
calc() { python3 -c "print($1)"; }
median() { local v; v=$(tr ' ' ',' <<<"${1% }"); calc "sorted([$v])[len([$v]) // 2]"; }   # "A B C"
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }   # LINE KEY: the value of key=value

failures=()
declare -A command=(
    [tern]="$fetch"
    [aiohttp]="$py $here/client_python.py aiohttp"
    [httpx]="$py $here/client_python.py httpx"
)

# Runs client NAME for N calls on core 1 under /usr/bin/time; sets line, elapsed, client_cpu,
# server_cpu. A failed run is recorded and the figures go on.
run_client() {  # NAME N
    local name=$1 n=$2 before after user sys rc=0
    before=$(cpu_seconds "$pid")
    # shellcheck disable=SC2086  # the command is a program and its script, split on purpose
    /usr/bin/time -f '%e %U %S' -o "$tmp/time" taskset -c 1 ${command[$name]} "$url" "$n" "$inflight" \
        >"$tmp/client.out" 2>"$tmp/client.err" || rc=$?
    after=$(cpu_seconds "$pid")
    kill -0 "$pid" 2>/dev/null || fail "tern died during the $name run"
    line=$(tail -n 1 "$tmp/client.out")
    read -r elapsed user sys < <(tail -n 1 "$tmp/time")   # after "Command exited with ..." if it failed
    client_cpu=$(calc "round($user + $sys, 2)")
    server_cpu=$(calc "round($after - $before, 2)")
    if [ "$rc" -ne 0 ] || [ "$(field "$line" errors)" != 0 ]; then
        echo "FAIL: $name ($n calls) exited $rc: ${line:-no result line}"
        head -n 5 "$tmp/client.err"
        failures+=("$name")
    fi
}

when=$(date -u +%Y-%m-%dT%H:%M:%SZ)
commit=$(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo unknown)
aiohttp_version=$("$py" -c 'import aiohttp; print(aiohttp.__version__)')
httpx_version=$("$py" -c 'import httpx; print(httpx.__version__)')
python_version=$("$py" -c 'import platform; print(platform.python_version())')

start_hello / --log-level warn
url=http://127.0.0.1:$port/
echo "tern: $hello (pid $pid, one loop) on $url, pinned to core 0; clients on core 1"
echo "clients: $fetch, aiohttp $aiohttp_version and httpx $httpx_version on Python $python_version"

echo "=== warm-up: 1,000 calls each"
for c in "${clients[@]}"; do run_client "$c" 1000; done

echo "=== $count GETs with $inflight in flight, $rounds alternating rounds"
declare -A walls cpus server_cpus elapsed_s conns
for r in $(seq "$rounds"); do
    for c in "${clients[@]}"; do
        run_client "$c" "$count"
        wall=$(field "$line" wall_s)
        [ -n "$wall" ] || fail "$c printed no wall_s: ${line:-nothing}"
        walls[$c]+="$wall " cpus[$c]+="$client_cpu " server_cpus[$c]+="$server_cpu "
        elapsed_s[$c]+="$elapsed " conns[$c]+="$(field "$line" connections) "
        echo "round $r $c: fetch $wall s (process $elapsed s), client CPU $client_cpu s, server CPU $server_cpu s, errors $(field "$line" errors), connections $(field "$line" connections)"
    done
done

echo "=== wrk -t1 -c$inflight -d${wrk_seconds}s $url"
taskset -c 1 wrk -t1 -c"$inflight" -d1s "$url" >/dev/null 2>&1 || true   # warm up
before=$(cpu_seconds "$pid")
/usr/bin/time -f '%e %U %S' -o "$tmp/time" taskset -c 1 wrk -t1 -c"$inflight" -d"${wrk_seconds}s" "$url" >"$tmp/wrk.out" 2>&1 ||
    fail "wrk failed: $(cat "$tmp/wrk.out")"
after=$(cpu_seconds "$pid")
cat "$tmp/wrk.out"
wrk_rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$tmp/wrk.out")
wrk_total=$(awk '/ requests in / { print $1 }' "$tmp/wrk.out")
wrk_errors=$(awk '/Socket errors|Non-2xx/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i } END { print n + 0 }' "$tmp/wrk.out")
[ -n "$wrk_rps" ] && [ -n "$wrk_total" ] || fail "could not read wrk's output"
[ "$wrk_errors" = 0 ] || { echo "FAIL: wrk saw $wrk_errors errors"; failures+=(wrk); }
read -r _ wrk_user wrk_sys <"$tmp/time"
# Scaled to $count requests, to stand beside the clients' rows.
wrk_wall=$(calc "round($count / $wrk_rps, 3)")
wrk_cpu=$(calc "round(($wrk_user + $wrk_sys) * $count / $wrk_total, 2)")
wrk_server_cpu=$(calc "round(($after - $before) * $count / $wrk_total, 2)")

kill -TERM "$pid"
wait_gone "$pid" 15 || fail "tern still runs 15 s after SIGTERM"
if grep -E "\[(error|critical)\]" "$hello_log"; then failures+=("tern logged errors"); fi

declare -A fig
for c in "${clients[@]}"; do
    fig[wall_s_$c]=$(median "${walls[$c]}")
    fig[client_cpu_s_$c]=$(median "${cpus[$c]}")
    fig[server_cpu_s_$c]=$(median "${server_cpus[$c]}")
    fig[process_s_$c]=$(median "${elapsed_s[$c]}")
    fig[requests_per_s_$c]=$(calc "round($count / ${fig[wall_s_$c]})")
    fig[connections_$c]=${conns[$c]% }
    fig[wall_s_rounds_$c]=${walls[$c]% }
done
fig[wall_s_wrk]=$wrk_wall
fig[client_cpu_s_wrk]=$wrk_cpu
fig[server_cpu_s_wrk]=$wrk_server_cpu
fig[requests_per_s_wrk]=$wrk_rps

echo
echo "client, $commit, $when: $count GETs of apps/hello's / ($inflight in flight), tern on core 0 (one loop), client on core 1; medians of $rounds rounds"
echo
echo "| client | wall s | client CPU s | server CPU s | requests/s |"
echo "|---|---|---|---|---|"
declare -A label=([tern]="tern http::Client" [aiohttp]="aiohttp $aiohttp_version" [httpx]="httpx $httpx_version")
for c in "${clients[@]}"; do
    echo "| ${label[$c]} | ${fig[wall_s_$c]} | ${fig[client_cpu_s_$c]} | ${fig[server_cpu_s_$c]} | ${fig[requests_per_s_$c]} |"
done
echo "| wrk -t1 -c$inflight -d${wrk_seconds}s (per $count) | $wrk_wall | $wrk_cpu | $wrk_server_cpu | $wrk_rps |"
echo
echo "wall s: the fetch from the first call to the last answer; client CPU s: the whole process, start-up included"
echo "(process wall s: tern ${fig[process_s_tern]}, aiohttp ${fig[process_s_aiohttp]}, httpx ${fig[process_s_httpx]}). Connections each round: tern opened ${fig[connections_tern]}; in the pool at the end: aiohttp ${fig[connections_aiohttp]}, httpx ${fig[connections_httpx]}."

[ -s "$csv" ] || echo "date,commit,metric,client,value" >"$csv"
for key in $(printf '%s\n' "${!fig[@]}" | sort); do
    client=${key##*_}
    echo "$when,$commit,${key%_*},$client,\"${fig[$key]}\"" >>"$csv"
done
echo "appended to $csv"

if [ ${#failures[@]} -gt 0 ]; then
    echo "FAILED: ${failures[*]}"
    exit 1
fi
echo "all calls answered 200 with a body"
