#!/usr/bin/env bash
# Soak: apps/hello (one loop) under full wrk load for MINUTES, in one-minute segments, with the
# server's resident memory (VmRSS) after each. Fails when the last minute's RSS is more than 5%
# above the first's: steady load must not grow memory.
# Usage: scripts/soak.sh BUILD_DIR [MINUTES]   (BUILD_DIR: a release build with apps/hello)
set -uo pipefail
build=${1:?usage: soak.sh BUILD_DIR [MINUTES]}
minutes=${2:-10}
hello=$build/apps/hello
source "$(dirname "$0")/hello_process.sh"

command -v wrk >/dev/null || fail "wrk is not installed"
[ -x "$hello" ] || fail "no hello binary at $hello"
[ "$minutes" -ge 1 ] 2>/dev/null || fail "MINUTES must be a whole number of at least 1"

start_hello /

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }

echo "soak: hello (pid $pid, 1 loop) under wrk -t1 -c64 for $minutes minute(s)"
printf '%6s  %10s  %12s  %12s  %8s\n' minute "RSS (KiB)" requests "req/s" errors
first=
last=
for m in $(seq "$minutes"); do
    wrk -t1 -c64 -d60s "http://127.0.0.1:$port/" >"$tmp/wrk.log" 2>&1 || fail "wrk failed in minute $m"
    kill -0 "$pid" 2>/dev/null || fail "hello died in minute $m"
    rss=$(rss_kib)
    [ -n "$rss" ] || fail "no VmRSS for hello (pid $pid)"
    requests=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$tmp/wrk.log")
    rate=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$tmp/wrk.log")
    errors=$(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1+\2+\3+\4/p' \
        "$tmp/wrk.log")
    non_2xx=$(sed -n 's/.*Non-2xx or 3xx responses: \([0-9]*\).*/\1/p' "$tmp/wrk.log")
    printf '%6s  %10s  %12s  %12s  %8s\n' "$m" "$rss" "${requests:-?}" "${rate:-?}" \
        "$(( ${errors:-0} + ${non_2xx:-0} ))"
    [ -n "$first" ] || first=$rss
    last=$rss
done

kill -TERM "$pid"
wait_gone "$pid" 15 || fail "hello still running 15 s after SIGTERM"
wait "$pid" || fail "hello exited with $? after SIGTERM"
pid=

growth=$(python3 -c "print(f'{($last - $first) * 100 / $first:+.1f}')")
echo "RSS: minute 1 $first KiB, minute $minutes $last KiB ($growth%)"
python3 -c "import sys; sys.exit(0 if $last <= $first * 1.05 else 1)" ||
    fail "RSS grew by more than 5% between minute 1 and minute $minutes"
echo "ok: memory steady under load"
