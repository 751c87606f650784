# Sourced (not run) by the scripts that drive apps/hello, and the servers it is compared with, as
# real processes on 127.0.0.1: tests/scripts/hello_test.sh, tests/scripts/drain_under_load.sh,
# scripts/soak.sh and bench/{compare,instructions,stall_cost}.sh. The caller sets `hello` (the
# binary) first.
# Gives: $tmp (removed at exit), $pid (hello, killed at exit if still running), extra_pids
# (more processes to kill at exit), fail MESSAGE, free_port, wait_http PORT PATH SECONDS [PID],
# start_hello PROBE_PATH [ARGS...], wait_gone PID SECONDS. A caller may redefine show_context to
# say more when it fails, and may set before start_hello: hello_launcher (a command to run hello
# under, such as `taskset -c 1`), hello_log (where hello's output goes) and hello_start_seconds.
# Safe under `set -e`: cleanup and start_hello stand a process's non-zero exit.
tmp=$(mktemp -d)
pid=
extra_pids=()
hello_launcher=()
hello_log=$tmp/hello.log
hello_start_seconds=10

cleanup() {
    for p in "${extra_pids[@]}" $pid; do
        if kill -0 "$p" 2>/dev/null; then
            kill -KILL "$p" 2>/dev/null || true
            wait "$p" 2>/dev/null || true
        fi
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

show_context() {
    echo "--- the last lines of hello's output:"
    tail -n 20 "$hello_log" 2>/dev/null || true
}

fail() {
    echo "FAIL: $*"
    show_context
    exit 1
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits at most SECONDS until http://127.0.0.1:PORT PATH answers, with any status; false if it
# does not, and at once if process PID (when given) has ended. A server that has accepted the
# connection is given the rest of the time to answer rather than asked again, so a slow one
# (under valgrind) gets one request, not one per try.
wait_http() {
    local port=$1 path=$2 seconds=$3 server=${4:-}
    local deadline=$((SECONDS + seconds)) left   # to within a second: bash's SECONDS is whole
    while left=$((deadline - SECONDS)); [ "$left" -gt 0 ]; do
        curl -s -o /dev/null --max-time "$left" "http://127.0.0.1:$port$path" && return 0
        if [ -n "$server" ] && ! kill -0 "$server" 2>/dev/null; then return 1; fi
        sleep 0.1
    done
    return 1
}

# Starts hello on a free port (sets $port and $pid) and waits, at most $hello_start_seconds, until
# PROBE_PATH answers. Another process may take the port between free_port and hello's bind, so a
# start whose process died is tried again.
start_hello() {
    local probe=$1 attempt
    shift
    for attempt in 1 2 3; do
        port=$(free_port)
        "${hello_launcher[@]}" "$hello" --host 127.0.0.1 --port "$port" --threads 1 "$@" >"$hello_log" 2>&1 &
        pid=$!
        wait_http "$port" "$probe" "$hello_start_seconds" "$pid" && return 0
        if kill -0 "$pid" 2>/dev/null; then
            fail "hello (pid $pid) did not answer on port $port within $hello_start_seconds s"
        fi
        wait "$pid" || true
        echo "hello exited early on attempt $attempt (port $port taken?)"
        pid=
    done
    fail "hello would not start"
}

# Waits at most SECONDS for process PID to end; false if it is still running.
wait_gone() {
    local p=$1 limit=$(($2 * 10))
    for _ in $(seq "$limit"); do
        kill -0 "$p" 2>/dev/null || return 0
        sleep 0.1
    done
    ! kill -0 "$p" 2>/dev/null
}
