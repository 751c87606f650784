#!/usr/bin/env bash
# Side-by-side HTTP benchmark: apps/hello (one loop) against nginx (one worker), each pinned to
# CPU 1, with wrk pinned to CPU 0, in one run so that the ratios hold on a noisy machine.
# Usage: bench/run.sh BUILD_DIR [DURATION_SECONDS] [CONNECTIONS]
set -euo pipefail
build=${1:-build/release}
duration=${2:-5}
connections=${3:-64}
here=$(cd "$(dirname "$0")" && pwd)
hello="$build/apps/hello"
[ -x "$hello" ] || { echo "no $hello: build the release first (make build)"; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing (make deps)"; exit 1; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "nginx is missing (scripts/deps.sh nginx-light)"; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_ready() {  # port
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
    sleep 0.05
  done
  echo "server on port $1 did not come up"; exit 1
}

# CPU seconds (user + system) a process has used so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"
}

hello_port=$(free_port)
taskset -c 1 "$hello" --host 127.0.0.1 --port "$hello_port" --threads 1 --log-level warn &
hello_pid=$!
pids+=("$hello_pid")

nginx_port=$(free_port)
mkdir -p "$tmp/nginx"
cat > "$tmp/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
master_process off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx;
  proxy_temp_path $tmp/nginx;
  fastcgi_temp_path $tmp/nginx;
  uwsgi_temp_path $tmp/nginx;
  scgi_temp_path $tmp/nginx;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { default_type text/plain; return 200 "Hello, World!"; }
    location /json { default_type application/json; return 200 '{"message":"Hello, World!"}'; }
  }
}
CONF
taskset -c 1 "$nginx_bin" -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" &
nginx_pid=$!
pids+=("$nginx_pid")

wait_ready "$hello_port"
wait_ready "$nginx_port"

printf '%-8s %-6s %12s %9s %9s %9s %14s\n' server path "requests/s" "p50" "p99" errors "cpu/request"
run_one() {  # name pid port path
  local name=$1 pid=$2 port=$3 path=$4
  taskset -c 0 wrk -t1 -c"$connections" -d1s "http://127.0.0.1:$port$path" >/dev/null 2>&1 || true   # warm up
  local before after out
  before=$(cpu_seconds "$pid")
  out=$(taskset -c 0 wrk -t1 -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$port$path")
  after=$(cpu_seconds "$pid")
  local rps p50 p99 total errors
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  total=$(awk '/requests in/ { print $1 }' <<<"$out")
  errors=$(awk '/Socket errors|Non-2xx/ { n += $NF } END { print n + 0 }' <<<"$out")
  local cpu_us
  cpu_us=$(awk -v a="$after" -v b="$before" -v n="$total" 'BEGIN { if (n > 0) printf "%.2f us", (a - b) * 1e6 / n; else print "-" }')
  printf '%-8s %-6s %12s %9s %9s %9s %14s\n' "$name" "$path" "$rps" "$p50" "$p99" "$errors" "$cpu_us"
}

for round in 1 2; do
  for path in / /json; do
    run_one tern "$hello_pid" "$hello_port" "$path"
    run_one nginx "$nginx_pid" "$nginx_port" "$path"
  done
done
