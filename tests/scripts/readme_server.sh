# Sourced (not run) by the tests that build README's server as a user would (with CMake, as a
# meson subproject): extracts it and checks the built program against curl.
# Gives: readme_server FILE (writes the first C++ example of README's "A short tour: a server"
# to FILE) and check_readme_server BINARY (starts it on a free port, checks its routes, stops it
# with SIGTERM, which must drain and exit 0). Uses scripts/hello_process.sh.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/hello_process.sh"

readme_server() {
    python3 - "$(dirname "${BASH_SOURCE[0]}")/../../README.md" "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
section = text[text.index("## A short tour: a server"):]
open(sys.argv[2], "w").write(re.search(r"```cpp\n(.*?)```", section, re.S).group(1))
PY
}

# expect NAME WANT ACTUAL
expect() { [ "$2" = "$3" ] || fail "$1: got '$3', expected '$2'"; echo "ok: $1"; }

check_readme_server() {
    hello=$1
    start_hello /
    local base="http://127.0.0.1:$port"
    expect "GET /" "Hello, World!" "$(curl -s --max-time 10 "$base/")"
    expect "GET /hello/{name}" "Hello, user!" "$(curl -s --max-time 10 "$base/hello/user")"
    expect "POST /items" "201 {\"name\":\"pen\",\"price\":1.5,\"note\":null}" \
        "$(curl -s --max-time 10 -w '%{http_code} ' -o "$tmp/body" -H 'Content-Type: application/json' \
            -d '{"name":"pen","price":1.5}' "$base/items"; cat "$tmp/body")"
    expect "POST /items of the wrong shape" 422 \
        "$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -d '{"name":1}' "$base/items")"
    kill -TERM "$pid"
    wait_gone "$pid" 15 || fail "the server did not stop within 15 s of SIGTERM"
    wait "$pid"
    local status=$?
    pid=
    [ "$status" -eq 0 ] || fail "the server exited with $status after SIGTERM"
    echo "ok: drained and exited 0 on SIGTERM"
}
