# Sourced (not run) by the scripts that drive apps/hello as a real process: tests/scripts/hello_test.sh,
# tests/scripts/drain_under_load.sh and scripts/soak.sh. The caller sets `hello` (the binary) first.
# Gives: $tmp (removed at exit), $pid (hello, killed at exit if still running), extra_pids
# (more processes to kill at exit), fail MESSAGE, free_port, start_hello PROBE_PATH [ARGS...],
# wait_gone PID SECONDS. A caller may redefine show_context to say more when it fails.
tmp=$(mktemp -d)
pid=
extra_pids=()

cleanup() {
    for p in "${extra_pids[@]}" $pid; do
        if kill -0 "$p" 2>/dev/null; then
            kill -KILL "$p" 2>/dev/null
            wait "$p" 2>/dev/null
        fi
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

show_context() {
    echo "--- the last lines of hello's output:"
    tail -n 20 "$tmp/hello.log" 2>/dev/null
}

fail() {
    echo "FAIL: $*"
    show_context
    exit 1
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts hello on a free port (sets $port and $pid) and waits, at most 10 s, until PROBE_PATH
# answers. Another process may take the port between free_port and hello's bind, so a start
# whose process died is tried again.
start_hello() {
    local probe=$1
    shift
    for attempt in 1 2 3; do
        port=$(free_port)
        "$hello" --host 127.0.0.1 --port "$port" --threads 1 "$@" >"$tmp/hello.log" 2>&1 &
        pid=$!
        for _ in $(seq 100); do
            if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port$probe"; then return 0; fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then fail "hello (pid $pid) did not answer on port $port within 10 s"; fi
        wait "$pid"
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
