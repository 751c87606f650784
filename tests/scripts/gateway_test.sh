#!/usr/bin/env bash
# apps/gateway as its users run it, in front of a real apps/hello: curl asks for /aggregate,
# Python's json reads the document. With one upstream down the answer is 206 with that part
# named missing; with hello stopped too it is 502; SIGTERM then drains and exits 0.
# Usage: gateway_test.sh PATH_TO_HELLO PATH_TO_GATEWAY
set -uo pipefail
hello=$1
gateway=$2
source "$(dirname "$0")/../../scripts/hello_process.sh"

show_context() {
    echo "--- hello's output:"; tail -n 20 "$tmp/hello.log" 2>/dev/null
    echo "--- gateway's output:"; tail -n 20 "$tmp/gateway.log" 2>/dev/null
}

# aggregate EXPECTED_STATUS PYTHON_CHECK: GET /aggregate with curl; PYTHON_CHECK is an
# expression over `doc` (the parsed body) that must be true.
aggregate() {
    local want=$1 check=$2 status
    status=$(curl -s --max-time 10 -o "$tmp/body" -w '%{http_code}' "$gateway_url/aggregate") ||
        fail "curl /aggregate failed ($?)"
    [ "$status" = "$want" ] || fail "/aggregate: status $status, expected $want: $(head -c 300 "$tmp/body")"
    python3 -c "import json, sys; doc = json.load(open(sys.argv[1])); sys.exit(0 if ($check) else 1)" "$tmp/body" ||
        fail "/aggregate's document fails '$check': $(head -c 300 "$tmp/body")"
    echo "ok: /aggregate $want with $check"
}

start_hello /
hello_pid=$pid
extra_pids+=("$hello_pid")
upstream=http://127.0.0.1:$port
down_port=$(free_port)   # nothing listens there

hello=$gateway
hello_log=$tmp/gateway.log
start_hello /upstreams --budget 500 \
    --upstream "json=$upstream/json" --upstream "greeting=$upstream/hello/gateway" \
    --upstream "down=http://127.0.0.1:$down_port/x"
gateway_url=http://127.0.0.1:$port

aggregate 206 "doc['json'] == {'message': 'Hello, World!'} and doc['greeting'] == 'Hello, gateway!' \
    and doc['down'] is None and 'refused' in doc['missing']['down'] and list(doc['missing']) == ['down']"

kill -TERM "$hello_pid"
wait_gone "$hello_pid" 10 || fail "hello still running 10 s after SIGTERM"
aggregate 502 "sorted(doc['missing']) == ['down', 'greeting', 'json'] and doc['json'] is None"

kill -TERM "$pid"
wait_gone "$pid" 10 || fail "gateway still running 10 s after SIGTERM"
wait "$pid"
code=$?
pid=
[ "$code" = 0 ] || fail "gateway exited with $code after SIGTERM"
echo "ok: SIGTERM drains and exits 0"
