#!/usr/bin/env bash
# Rolling restarts behind real load balancers (issue 15). Three apps/hello instances listen on
# 127.0.0.2, .3 and .4 (one free port P for all three), with /healthz (--metrics) and a drain
# delay; HAProxy (deploy/haproxy-tern.cfg) and nginx (deploy/nginx-tern.conf) run in front of them
# on free ports of 127.0.0.1, with the templates' ports replaced. Then:
#   figures   wrk straight to one instance, through HAProxy to one and to three, through nginx;
#   rolling   for each balancer, wrk with GET and then with POST (/echo) while each instance in
#             turn gets SIGTERM, drains (its /healthz fails while it serves on for the drain
#             delay, long enough for HAProxy's checks to take it out), exits 0 and is started
#             again, healthy before the next one goes: wrk must see no error at all (no non-2xx,
#             no socket error);
#   SIGKILL   one instance is killed with -9 under load through HAProxy: the errors wrk sees are
#             printed and must be at most wrk's connections (the requests that instance held);
#             HAProxy's check must take it out, after which a second wrk run sees no error.
# Usage: rolling_restart.sh HELLO [SOURCE_ROOT]   (a release build of apps/hello is best; the
# ASan build works with this modest load: wrk -t1, 16 connections).
# Every process is started here, in the foreground, and stopped by its pid; every wait is bounded.
set -uo pipefail
hello=$1
root=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
here=$(cd "$(dirname "$0")" && pwd)
drain_delay_ms=${DRAIN_DELAY_MS:-1500}     # HAProxy takes an instance out after 2 failed checks: at most ~0.8 s
grace_ms=5000
conns=16
tmp=$(mktemp -d)
declare -a hello_pid=("" "" "" "")   # hello_pid[1..3]
haproxy_pid=
nginx_pid=
wrk_pid=

wait_gone() {   # PID SECONDS: false if still running after SECONDS
    local p=$1 limit=$(($2 * 20))
    for _ in $(seq "$limit"); do
        kill -0 "$p" 2>/dev/null || return 0
        sleep 0.05
    done
    ! kill -0 "$p" 2>/dev/null
}

kill_pid() {    # PID: SIGKILL and reap, if it still runs
    local p=$1
    [ -n "$p" ] || return 0
    if kill -0 "$p" 2>/dev/null; then
        kill -KILL "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    fi
}

cleanup() {
    trap - EXIT INT TERM
    if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
        local workers
        workers=$(pgrep -P "$nginx_pid" || true)   # nginx's workers, by their parent's pid
        kill -TERM "$nginx_pid" 2>/dev/null         # fast shutdown: the master stops its workers
        if ! wait_gone "$nginx_pid" 5; then
            for w in $workers; do kill -KILL "$w" 2>/dev/null || true; done
        fi
        kill_pid "$nginx_pid"
    fi
    kill_pid "$wrk_pid"
    kill_pid "$haproxy_pid"
    for i in 1 2 3; do kill_pid "${hello_pid[$i]}"; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
    echo "FAIL: $*"
    for f in "$tmp"/wrk-last.log "$tmp"/hello*.log "$tmp"/haproxy.log "$tmp"/nginx/error.log; do
        [ -s "$f" ] || continue
        echo "--- the last lines of $(basename "$f"):"
        tail -n 15 "$f"
    done
    exit 1
}

# A missing tool is installed, not skipped (make test installs them all first).
export PATH=$PATH:/usr/sbin
for tool in wrk:wrk curl:curl haproxy:haproxy nginx:nginx-light python3:python3; do
    command -v "${tool%%:*}" >/dev/null || "$root/scripts/deps.sh" "${tool#*:}" >/dev/null ||
        fail "could not install ${tool#*:}"
    command -v "${tool%%:*}" >/dev/null || fail "${tool%%:*} is still missing after installing ${tool#*:}"
done
[ -x "$hello" ] || fail "no hello binary at $hello"

# A port free on 127.0.0.2, .3 and .4 at once, and two free ones on 127.0.0.1.
read -r port haproxy_port nginx_port < <(python3 - <<'PY'
import socket
def free(host, port=0):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((host, port)); return s.getsockname()[1]
    except OSError:
        return None
    finally:
        s.close()
for _ in range(50):
    p = free("127.0.0.2")
    if p and free("127.0.0.3", p) and free("127.0.0.4", p):
        break
print(p, free("127.0.0.1"), free("127.0.0.1"))
PY
)
addr() { echo "127.0.0.$(($1 + 1))"; }

healthy() {     # INSTANCE: /healthz answers 200
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://$(addr "$1"):$port/healthz")" = 200 ]
}

start_instance() {   # INSTANCE: starts it and waits (15 s at most) until /healthz answers 200
    local i=$1
    "$hello" --host "$(addr "$i")" --port "$port" --threads 1 --metrics --stall-ms 0 \
        --drain-delay "$drain_delay_ms" --grace-period "$grace_ms" >>"$tmp/hello$i.log" 2>&1 &
    hello_pid[$i]=$!
    for _ in $(seq 150); do
        healthy "$i" && return 0
        kill -0 "${hello_pid[$i]}" 2>/dev/null || fail "instance $i ($(addr "$i"):$port) exited at start"
        sleep 0.1
    done
    fail "instance $i is not healthy 15 s after its start"
}

stop_instance() {    # INSTANCE: SIGTERM, then its drain must end with exit code 0
    local i=$1 p=${hello_pid[$1]} code
    kill -TERM "$p"
    wait_gone "$p" $(((drain_delay_ms + grace_ms) / 1000 + 5)) || fail "instance $i still running after its drain"
    wait "$p"
    code=$?
    hello_pid[$i]=
    [ "$code" = 0 ] || fail "instance $i exited with $code after SIGTERM"
}

hap() { python3 "$here/haproxy_admin.py" "$tmp/haproxy.sock" "$@"; }

# The balancers, from the deploy/ templates with this run's ports.
for i in 1 2 3; do start_instance "$i"; done
sed -e "s/127\.0\.0\.\([234]\):8080/127.0.0.\1:$port/g" -e "s/127\.0\.0\.1:8001/127.0.0.1:$haproxy_port/" \
    -e "s|^global\$|global\n    stats socket $tmp/haproxy.sock mode 600 level admin|" \
    "$root/deploy/haproxy-tern.cfg" >"$tmp/haproxy.cfg"
grep -q "127.0.0.1:$haproxy_port" "$tmp/haproxy.cfg" && grep -q "127.0.0.4:$port" "$tmp/haproxy.cfg" ||
    fail "the HAProxy template's addresses were not where this script expects them"
haproxy -db -f "$tmp/haproxy.cfg" >"$tmp/haproxy.log" 2>&1 &
haproxy_pid=$!

mkdir -p "$tmp/nginx"
sed -e "s/127\.0\.0\.\([234]\):8080/127.0.0.\1:$port/g" -e "s/127\.0\.0\.1:8000/127.0.0.1:$nginx_port/" \
    "$root/deploy/nginx-tern.conf" >"$tmp/nginx/nginx.conf"
if [ "$(id -u)" != 0 ]; then
    sed -i '/^user /d' "$tmp/nginx/nginx.conf"            # only root may switch users
elif ! id www-data >/dev/null 2>&1; then
    sed -i 's/^user .*/user nobody nogroup;/' "$tmp/nginx/nginx.conf"
fi
chmod 755 "$tmp" "$tmp/nginx"                             # the workers' user may need the temp paths
grep -q "127.0.0.1:$nginx_port" "$tmp/nginx/nginx.conf" && grep -q "127.0.0.4:$port" "$tmp/nginx/nginx.conf" ||
    fail "the nginx template's addresses were not where this script expects them"
nginx -g 'daemon off;' -e "$tmp/nginx/error.log" -p "$tmp/nginx/" -c "$tmp/nginx/nginx.conf" >"$tmp/nginx/stdout.log" 2>&1 &
nginx_pid=$!

for _ in $(seq 100); do
    [ -S "$tmp/haproxy.sock" ] && break
    kill -0 "$haproxy_pid" 2>/dev/null || fail "haproxy exited at start"
    sleep 0.1
done
for i in 1 2 3; do hap wait "tern/t$i" UP 10 || fail "HAProxy does not see instance $i up"; done
for _ in $(seq 100); do
    [ "$(curl -s --max-time 1 "http://127.0.0.1:$nginx_port/")" = "Hello, World!" ] && break
    kill -0 "$nginx_pid" 2>/dev/null || fail "nginx exited at start"
    sleep 0.1
done
[ "$(curl -s --max-time 2 "http://127.0.0.1:$haproxy_port/")" = "Hello, World!" ] || fail "no answer through HAProxy"
[ "$(curl -s --max-time 2 "http://127.0.0.1:$nginx_port/")" = "Hello, World!" ] || fail "no answer through nginx"
[ "$(curl -s --max-time 2 -d ping "http://127.0.0.1:$nginx_port/echo")" = "ping" ] || fail "no POST through nginx"
echo "instances on 127.0.0.{2,3,4}:$port, HAProxy on 127.0.0.1:$haproxy_port, nginx on 127.0.0.1:$nginx_port"

# wrk's summary into the variables rps, p99, requests, socket (connect+read+write+timeout),
# socket_detail and non_2xx.
parse_wrk() {
    local f=$1
    requests=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$f")
    rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$f")
    p99=$(sed -n 's/^ *99% *\([0-9.]*[a-z]*\).*/\1/p' "$f")
    non_2xx=$(sed -n 's/.*Non-2xx or 3xx responses: \([0-9]*\).*/\1/p' "$f")
    local c=0 r=0 w=0 t=0
    read -r c r w t < <(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' "$f")
    : "${c:=0}" "${r:=0}" "${w:=0}" "${t:=0}" "${non_2xx:=0}" "${requests:=0}" "${rps:=0}" "${p99:=?}"
    socket=$((c + r + w + t))
    socket_detail="connect $c, read $r, write $w, timeout $t"
    cp "$f" "$tmp/wrk-last.log"
}

# wrk for a fixed time: URL SECONDS [wrk args...]; parses its summary.
wrk_for() {
    local url=$1 seconds=$2
    shift 2
    wrk -t1 -c"$conns" -d"${seconds}s" --timeout 5s --latency "$@" "$url" >"$tmp/wrk.log" 2>&1 &
    wrk_pid=$!
    wait_gone "$wrk_pid" $((seconds + 10)) || fail "wrk still running $((seconds + 10)) s after a ${seconds} s run"
    wait "$wrk_pid" || fail "wrk failed"
    wrk_pid=
    parse_wrk "$tmp/wrk.log"
}

# wrk in the background until wrk_stop (SIGINT: wrk then prints its summary): URL [wrk args...]
wrk_start() {
    local url=$1
    shift
    wrk -t1 -c"$conns" -d60s --timeout 5s --latency "$@" "$url" >"$tmp/wrk.log" 2>&1 &
    wrk_pid=$!
}
wrk_stop() {
    kill -INT "$wrk_pid" 2>/dev/null
    wait_gone "$wrk_pid" 10 || fail "wrk did not stop 10 s after SIGINT"
    wait "$wrk_pid" || fail "wrk failed"
    wrk_pid=
    parse_wrk "$tmp/wrk.log"
}

# --- figures
declare -a table=()
wrk_for "http://$(addr 1):$port/" 3
table+=("GET straight to one instance|$rps|$p99|$((socket + non_2xx))")
wrk_for "http://127.0.0.1:$haproxy_port/" 3
table+=("GET through HAProxy, 3 instances|$rps|$p99|$((socket + non_2xx))")
hap command "disable server tern/t2" >/dev/null
hap command "disable server tern/t3" >/dev/null
hap wait tern/t2 MAINT 5 && hap wait tern/t3 MAINT 5 || fail "HAProxy did not take t2 and t3 out"
wrk_for "http://127.0.0.1:$haproxy_port/" 3
table+=("GET through HAProxy, 1 instance|$rps|$p99|$((socket + non_2xx))")
hap command "enable server tern/t2" >/dev/null
hap command "enable server tern/t3" >/dev/null
hap wait tern/t2 UP 10 && hap wait tern/t3 UP 10 || fail "t2 and t3 did not come back in HAProxy"
wrk_for "http://127.0.0.1:$nginx_port/" 3
table+=("GET through nginx, 3 instances|$rps|$p99|$((socket + non_2xx))")

# --- rolling restarts
roll() {   # BALANCER: each instance in turn, the next only once the balancer has it back
    local balancer=$1 i
    for i in 1 2 3; do
        stop_instance "$i"
        start_instance "$i"
        if [ "$balancer" = haproxy ]; then
            hap wait "tern/t$i" UP 10 || fail "HAProxy did not bring t$i back"
        else
            # nginx has no health check: it skips an instance for fail_timeout (2 s in the
            # template) after it refused a connection. Taking the next one down sooner could
            # leave nginx with every instance marked failed: "no live upstreams", 502 for all.
            sleep 2
        fi
    done
}
rolling_failed=()
for balancer in haproxy nginx; do
    [ "$balancer" = haproxy ] && url="http://127.0.0.1:$haproxy_port" || url="http://127.0.0.1:$nginx_port"
    for method in GET POST; do
        if [ "$method" = GET ]; then wrk_start "$url/"; else wrk_start "$url/echo" -s "$here/post.lua"; fi
        sleep 1
        started=$SECONDS
        roll "$balancer"
        sleep 1
        wrk_stop
        echo "rolling restart through $balancer, $method: $requests requests, $rps/s, p99 $p99;" \
             "non-2xx $non_2xx, socket errors $socket_detail (restarts took $((SECONDS - started)) s)"
        table+=("$method through $balancer, rolling restart|$rps|$p99|$((socket + non_2xx))")
        [ "$requests" -gt 0 ] || fail "wrk completed no requests through $balancer"
        [ $((socket + non_2xx)) = 0 ] || rolling_failed+=("$balancer $method: non-2xx $non_2xx, $socket_detail")
    done
done

# --- SIGKILL through HAProxy, with GET (HAProxy resends a GET that got no answer) and POST
# (never resent). Each connection HAProxy has open to the killed instance can fail one request:
# the one in flight on it, or one sent on it while idle before HAProxy saw it close. And until
# the dying process's descriptors are closed (the kernel frees its memory first: long for an
# ASan build) its listener still completes handshakes, then resets them; a wrk connection whose
# request failed is closed and comes back as a new session, so that adds at most about one per
# wrk connection. The errors wrk sees must stay within those two, and HAProxy's own count of the
# requests that instance failed (eresp) is printed beside them.
t2_counters() {   # connections open to t2 (used + idle), and its response errors so far
    local used unsafe safe eresp
    read -r used unsafe safe eresp < <(hap fields tern/t2 used_conn_cur idle_conn_cur safe_conn_cur eresp)
    echo "$((used + unsafe + safe)) $eresp"
}
declare -A kill_errors=() kill_bound=() takeout=()
after_kill_errors=0
for method in GET POST; do
    if [ "$method" = GET ]; then wrk_start "http://127.0.0.1:$haproxy_port/"
    else wrk_start "http://127.0.0.1:$haproxy_port/echo" -s "$here/post.lua"; fi
    sleep 1.5
    read -r held eresp_before < <(t2_counters)
    kill -KILL "${hello_pid[2]}"
    killed_at=$(date +%s.%N)
    { wait "${hello_pid[2]}"; } 2>/dev/null   # no "Killed" job report
    hello_pid[2]=
    hap wait tern/t2 DOWN 10 || fail "HAProxy did not take the killed instance out within 10 s"
    takeout[$method]=$(python3 -c "import time; print(f'{time.time() - $killed_at:.2f}')")
    sleep 1
    wrk_stop
    read -r _ eresp_after < <(t2_counters)
    kill_errors[$method]=$((socket + non_2xx))
    kill_bound[$method]=$((held + conns))
    echo "SIGKILL of instance 2 under $method through HAProxy: $requests requests; non-2xx $non_2xx," \
         "socket errors $socket_detail; HAProxy had $held connection(s) open to it, counted" \
         "$((eresp_after - eresp_before)) request(s) it failed (retried if GET), and marked it DOWN after ${takeout[$method]} s"
    table+=("$method through HAProxy, one instance SIGKILLed|$rps|$p99|${kill_errors[$method]}")
    if [ "$method" = GET ]; then wrk_for "http://127.0.0.1:$haproxy_port/" 2
    else wrk_for "http://127.0.0.1:$haproxy_port/echo" 2 -s "$here/post.lua"; fi
    after_kill_errors=$((after_kill_errors + socket + non_2xx))
    table+=("$method through HAProxy, once it took the dead one out|$rps|$p99|$((socket + non_2xx))")
    start_instance 2
    hap wait tern/t2 UP 10 || fail "HAProxy did not bring the restarted instance back"
done

echo
printf '%-52s %12s %10s %7s\n' "wrk -t1 -c$conns" "requests/s" "p99" "errors"
for row in "${table[@]}"; do
    IFS='|' read -r name r p e <<<"$row"
    printf '%-52s %12s %10s %7s\n' "$name" "$r" "$p" "$e"
done
echo

[ ${#rolling_failed[@]} = 0 ] || fail "errors during rolling restarts: ${rolling_failed[*]}"
for method in GET POST; do
    [ "${kill_errors[$method]}" -le "${kill_bound[$method]}" ] ||
        fail "$method: ${kill_errors[$method]} errors after a SIGKILL, more than the ${kill_bound[$method]} connections HAProxy and wrk had"
done
[ "$after_kill_errors" = 0 ] || fail "$after_kill_errors errors after HAProxy took the killed instance out"
for i in 1 2 3; do stop_instance "$i"; done
echo "ok: rolling restarts through HAProxy and nginx lost nothing; a SIGKILL cost ${kill_errors[GET]} GET(s)" \
     "and ${kill_errors[POST]} POST(s) (bounds ${kill_bound[GET]} and ${kill_bound[POST]}), and HAProxy took" \
     "it out in ${takeout[GET]} s and ${takeout[POST]} s"
