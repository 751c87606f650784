#!/usr/bin/env bash
# apps/hello as its users run it: a real process on 127.0.0.1, driven with curl, then stopped
# with SIGTERM, which must drain and exit 0.
# Usage: hello_test.sh PATH_TO_HELLO
set -uo pipefail
hello=$1
source "$(dirname "$0")/../../scripts/hello_process.sh"

show_context() {
    echo "--- hello's output:"
    cat "$tmp/hello.log" 2>/dev/null
}

# check NAME EXPECTED_STATUS EXPECTED_TYPE EXPECTED_BODY CURL_ARGS...: one request and its answer.
# An empty EXPECTED_TYPE or EXPECTED_BODY is not checked.
check() {
    local name=$1 want_status=$2 want_type=$3 want_body=$4
    shift 4
    local got
    got=$(curl -s --max-time 10 -o "$tmp/body" -w '%{http_code} %{content_type}' "$@") ||
        fail "$name: curl failed ($?): $*"
    local status=${got%% *} type=${got#* }
    [ "$status" = "$want_status" ] || fail "$name: status $status, expected $want_status"
    [ -z "$want_type" ] || [ "$type" = "$want_type" ] || fail "$name: Content-Type '$type', expected '$want_type'"
    [ -z "$want_body" ] || [ "$(cat "$tmp/body")" = "$want_body" ] ||
        fail "$name: body '$(head -c 200 "$tmp/body")', expected '$want_body'"
    echo "ok: $name"
}

start_hello /
url=http://127.0.0.1:$port

check "GET /" 200 "text/plain; charset=utf-8" "Hello, World!" "$url/"
check "GET /hello/ann" 200 "text/plain; charset=utf-8" "Hello, ann!" "$url/hello/ann"
check "GET /json" 200 "application/json" '{"message":"Hello, World!"}' "$url/json"
check "POST /echo" 200 "text/plain" "tern echoes this" \
    -X POST -H 'Content-Type: text/plain' --data-binary 'tern echoes this' "$url/echo"
# Expect: 100-continue (curl's own default for large bodies) lets the server refuse before the
# 17 MiB are sent; the limit is 16 MiB.
head -c $((17 * 1024 * 1024)) /dev/zero >"$tmp/big"
check "POST /echo with 17 MiB" 413 "" "" \
    -X POST -H 'Expect: 100-continue' --data-binary "@$tmp/big" "$url/echo"
check "GET of an unknown path" 404 "" "" "$url/nope"
check "GET of a POST-only route" 405 "" "" "$url/echo"
# Still serving after the refusals.
check "GET / again" 200 "" "Hello, World!" "$url/"

kill -TERM "$pid"
for _ in $(seq 100); do   # at most 10 s to drain and exit
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$pid" 2>/dev/null && fail "hello still running 10 s after SIGTERM"
wait "$pid"
code=$?
pid=
[ "$code" = 0 ] || fail "hello exited with $code after SIGTERM"
echo "ok: SIGTERM drains and exits 0"

# --max-connections: with one connection held open, the next one is refused with 503.
start_hello / --max-connections 1
exec 3<>"/dev/tcp/127.0.0.1/$port"   # held open, idle
sleep 0.2
status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/" || true)
exec 3>&-
[ "$status" = 503 ] || fail "--max-connections 1: a second connection got $status, not 503"
echo "ok: --max-connections 1 refuses a second connection with 503"
kill -TERM "$pid"
wait "$pid" || true
pid=
