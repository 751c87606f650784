#!/usr/bin/env bash
# Issue 11's four figures for bodies, apps/fileserver (one loop) beside nginx (one worker):
#   1. a chunked stream of 10,000 x 1 KiB read at 10 KiB/s: tern's RSS over time (it must stay
#      flat), and what happens when the reader goes away;
#   2. a 1 GiB file over loopback (tern's /files/ and nginx with sendfile on): median MB/s of 3
#      alternating rounds and each server's CPU seconds for its transfers;
#   3. a 100 KiB JSON with and without gzip (level 6 on both sides) under wrk: requests/s, CPU
#      per response and the bytes on the wire per response;
#   4. a 100 MiB multipart upload to a fresh tern: its peak RSS, which must stay under 16 MiB.
# Servers run on core 0 (taskset -c 0), clients on core 1. Prints a table, appends it to
# bench/results/bodies.csv, and exits non-zero if a figure's check fails. About 3 minutes.
# Usage: bench/bodies.sh BUILD_DIR   (BODIES_SLOW_SECONDS: how long figure 1 reads, default 60)
set -euo pipefail
build=${1:-build/release}
slow_seconds=${BODIES_SLOW_SECONDS:-60}
wrk_seconds=10
here=$(cd "$(dirname "$0")" && pwd)
out_dir=${TERN_BENCH_OUT:-bench/results}
mkdir -p "$out_dir"
csv=$out_dir/bodies.csv
hello=$build/apps/fileserver
[ -x "$hello" ] || { echo "no $hello: run make build first"; exit 1; }
[[ $slow_seconds =~ ^[0-9]+$ ]] && [ "$slow_seconds" -ge 10 ] ||
    { echo "BODIES_SLOW_SECONDS must be a whole number of seconds, at least 10"; exit 1; }

# A missing tool is installed (Debian packages), never skipped.
need() {  # command package
    command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ] && return 0
    echo "installing $2 for $1"
    "$here/../scripts/deps.sh" "$2"
    command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ] || { echo "$1 is still missing after installing $2"; exit 1; }
}
need curl curl
need python3 python3
need wrk wrk
need nginx nginx-light
need taskset util-linux
PATH=$PATH:/usr/sbin
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

source "$here/../scripts/hello_process.sh"   # $tmp, cleanup at exit, fail, free_port, start_hello
hello_launcher=(taskset -c 0)
client=(taskset -c 1)

show_context() {
    local log
    for log in "$tmp"/hello.log "$tmp"/nginx/error.log "$tmp"/nginx/stderr.log; do
        if [ -s "$log" ]; then echo "--- the last lines of $log:"; tail -n 20 "$log"; fi
    done
}

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
sockets() { find "/proc/$1/fd" -lname 'socket:*' 2>/dev/null | wc -l; }
calc() { python3 -c "print($1)"; }

failures=()
check() {  # NAME CONDITION(python expression): records a FAIL, goes on
    if [ "$(calc "'yes' if ($2) else 'no'")" = yes ]; then echo "PASS: $1"; else echo "FAIL: $1"; failures+=("$1"); fi
}

# Figure results: name -> value, printed at the end and written to the CSV.
declare -A fig
when=$(date -u +%Y-%m-%dT%H:%M:%SZ)
commit=$(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo unknown)

www=$tmp/www
mkdir -p "$www/files" "$tmp/uploads" "$tmp/nginx"

start_tern() {
    start_hello / --root "$www/files" --uploads "$tmp/uploads" --log-level warn
    tern_url=http://127.0.0.1:$port
}

start_nginx() {
    nginx_port=$(free_port)
    cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
master_process off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 1000000;
  types { application/json json; application/octet-stream bin; }
  sendfile on;
  gzip on;
  gzip_comp_level 6;
  gzip_types application/json;
  client_body_temp_path $tmp/nginx; proxy_temp_path $tmp/nginx; fastcgi_temp_path $tmp/nginx;
  uwsgi_temp_path $tmp/nginx; scgi_temp_path $tmp/nginx;
  server {
    listen 127.0.0.1:$nginx_port;
    root $www;
  }
}
CONF
    taskset -c 0 nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" 2>"$tmp/nginx/stderr.log" &
    nginx_pid=$!
    extra_pids+=("$nginx_pid")
    wait_http "$nginx_port" / 10 "$nginx_pid" || fail "nginx (pid $nginx_pid) did not answer on port $nginx_port within 10 s"
    nginx_url=http://127.0.0.1:$nginx_port
}

start_tern
tern_pid=$pid
echo "tern: $hello (pid $tern_pid) on $tern_url, pinned to core 0; clients on core 1"

echo "=== 1. /stream?chunks=10000&size=1024 read at 10 KiB/s for $slow_seconds s"
sockets_idle=$(sockets "$tern_pid")
rss_series=("$(rss_kib "$tern_pid")")
"${client[@]}" python3 - "$port" "$slow_seconds" >"$tmp/slow.out" 2>&1 <<'PY' &
import socket, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
rate = 10 * 1024          # bytes a second, read 1 KiB at a time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)   # before connect, so the window is small
s.connect(("127.0.0.1", port))
s.sendall(b"GET /stream?chunks=10000&size=1024 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
start = time.monotonic()
got, ended = 0, False
while (now := time.monotonic()) - start < seconds:
    ahead = start + got / rate - now
    if ahead > 0:
        time.sleep(min(ahead, start + seconds - now))
        continue
    piece = s.recv(1024)
    if not piece:
        ended = True
        break
    got += len(piece)
elapsed = time.monotonic() - start
print(f"{got} {elapsed:.1f} {'eof' if ended else 'closed'}")
s.close()
PY
reader_pid=$!
extra_pids+=("$reader_pid")
for ((t = 10; t <= slow_seconds; t += 10)); do
    sleep 10
    kill -0 "$tern_pid" 2>/dev/null || fail "tern died during the slow read"
    rss_series+=("$(rss_kib "$tern_pid")")
done
wait_gone "$reader_pid" 15 || fail "the slow reader still runs $((slow_seconds + 15)) s after it started"
wait "$reader_pid" || fail "the slow reader failed: $(cat "$tmp/slow.out")"
read -r slow_bytes slow_elapsed slow_how <"$tmp/slow.out"
[ "$slow_how" = closed ] || fail "the stream ended after $slow_bytes bytes, before the reader closed it"
rss_end=$(rss_kib "$tern_pid")
# The reader has closed with bytes unread: the server learns it on its next write.
gone_after=none
for i in $(seq 100); do
    if [ "$(sockets "$tern_pid")" -le "$sockets_idle" ]; then gone_after=$(calc "$i / 10"); break; fi
    sleep 0.1
done
next_status=$(curl -s -o /dev/null --max-time 10 -w '%{http_code}' "$tern_url/json/1" || true)
sleep 0.5
rss_after=$(rss_kib "$tern_pid")
rss_min=$(printf '%s\n' "${rss_series[@]}" "$rss_end" | sort -n | head -1)
rss_max=$(printf '%s\n' "${rss_series[@]}" "$rss_end" | sort -n | tail -1)
series_mib=$(for k in "${rss_series[@]}"; do printf '%s ' "$(mib "$k")"; done)
echo "read $slow_bytes bytes in $slow_elapsed s, then closed; RSS every 10 s (MiB): $series_mib; at the end $(mib "$rss_end")"
echo "connection dropped by the server ${gone_after} s after the close; next request: $next_status; RSS after: $(mib "$rss_after") MiB"
fig[slow_bytes_read]=$slow_bytes
fig[slow_rss_start_mib]=$(mib "${rss_series[0]}")
fig[slow_rss_series_mib]=${series_mib% }
fig[slow_rss_end_mib]=$(mib "$rss_end")
fig[slow_rss_spread_mib]=$(mib $((rss_max - rss_min)))
fig[slow_dropped_after_s]=$gone_after
fig[slow_next_status]=$next_status
fig[slow_rss_after_mib]=$(mib "$rss_after")
check "1. RSS flat during the slow read (max - min $(mib $((rss_max - rss_min))) MiB <= 2 MiB)" "$rss_max - $rss_min <= 2048"
check "1. the server drops the connection of the reader that left (after $gone_after s)" "'$gone_after' != 'none'"
check "1. the next request is answered after the reader left (status $next_status)" "'$next_status' == '200'"

echo "=== 2. a 1 GiB file over loopback, 3 alternating rounds"
head -c 1G /dev/urandom >"$www/files/big.bin"
big_size=$(stat -c %s "$www/files/big.bin")
start_nginx
echo "nginx (pid $nginx_pid) on $nginx_url, pinned to core 0, sendfile on"
declare -A big_url=([tern]="$tern_url/files/big.bin" [nginx]="$nginx_url/files/big.bin")
declare -A big_pid=([tern]="$tern_pid" [nginx]="$nginx_pid")
declare -A big_cpu=([tern]=0 [nginx]=0) big_speeds=([tern]="" [nginx]="")
for r in 1 2 3; do
    for s in tern nginx; do
        before=$(cpu_seconds "${big_pid[$s]}")
        got=$("${client[@]}" curl -s -o /dev/null --max-time 120 -w '%{http_code} %{size_download} %{speed_download}' "${big_url[$s]}") ||
            fail "$s: curl of the 1 GiB file failed"
        after=$(cpu_seconds "${big_pid[$s]}")
        read -r code size speed <<<"$got"
        [ "$code" = 200 ] && [ "$size" = "$big_size" ] || fail "$s: 1 GiB file: status $code, $size bytes of $big_size"
        big_cpu[$s]=$(calc "${big_cpu[$s]} + $after - $before")
        big_speeds[$s]+="$(calc "round($speed / 1e6)") "
        echo "round $r $s: $(calc "round($speed / 1e6)") MB/s, $(calc "round($after - $before, 2)") s CPU"
    done
done
rm -f "$www/files/big.bin"
for s in tern nginx; do
    fig[file_mbps_$s]=$(calc "sorted([${big_speeds[$s]// /,}])[1]")
    fig[file_cpu_s_per_gib_$s]=$(calc "round(${big_cpu[$s]} / 3, 2)")
done

echo "=== 3. a 100 KiB JSON with and without gzip, wrk -t1 -c16 -d${wrk_seconds}s"
curl -s --max-time 10 -o "$www/json100.json" "$tern_url/json/100" || fail "could not fetch tern's /json/100"
declare -A json_url=([tern]="$tern_url/json/100" [nginx]="$nginx_url/json100.json")
declare -A json_pid=([tern]="$tern_pid" [nginx]="$nginx_pid")
for s in tern nginx; do
    for enc in gzip plain; do
        hdr=(); [ "$enc" = gzip ] && hdr=(-H 'Accept-Encoding: gzip')
        wire=$(curl -s --max-time 10 "${hdr[@]}" -D "$tmp/json.h" -o /dev/null -w '%{http_code} %{size_download}' "${json_url[$s]}")
        read -r code size <<<"$wire"
        [ "$code" = 200 ] || fail "$s /json ($enc): status $code"
        if [ "$enc" = gzip ]; then
            grep -qi '^content-encoding: gzip' "$tmp/json.h" || fail "$s did not gzip the JSON: $(cat "$tmp/json.h")"
        fi
        "${client[@]}" wrk -t1 -c16 -d2s "${hdr[@]}" "${json_url[$s]}" >/dev/null 2>&1 || true   # warm up
        before=$(cpu_seconds "${json_pid[$s]}")
        out=$("${client[@]}" wrk -t1 -c16 -d"${wrk_seconds}s" "${hdr[@]}" "${json_url[$s]}" 2>&1) || fail "wrk failed: $out"
        after=$(cpu_seconds "${json_pid[$s]}")
        rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
        total=$(awk '/ requests in / { print $1 }' <<<"$out")
        errors=$(awk '/Socket errors|Non-2xx/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i } END { print n + 0 }' <<<"$out")
        [ -n "$rps" ] && [ -n "$total" ] || fail "could not read wrk's output: $out"
        fig[json_${enc}_rps_$s]=$rps
        fig[json_${enc}_bytes_$s]=$size
        fig[json_${enc}_cpu_us_$s]=$(calc "round(($after - $before) * 1e6 / $total)")
        fig[json_${enc}_errors_$s]=$errors
        echo "$s $enc: $rps requests/s, $size bytes a response, ${fig[json_${enc}_cpu_us_$s]} us CPU a response, $errors errors"
        check "3. $s $enc: no wrk errors ($errors)" "$errors == 0"
    done
done
kill -TERM "$nginx_pid"; wait_gone "$nginx_pid" 10 || fail "nginx still runs 10 s after SIGTERM"

echo "=== 4. a 100 MiB multipart upload to a fresh tern"
kill -TERM "$tern_pid"; wait_gone "$tern_pid" 10 || fail "tern still runs 10 s after SIGTERM"
wait "$tern_pid" || true
if grep -E "\[(warning|error|critical)\]" "$hello_log" >"$tmp/warnings"; then
    echo "tern logged $(wc -l <"$tmp/warnings") warning(s) in figures 1-3; the first:"; head -n 5 "$tmp/warnings"
fi
rm -f "$tmp/uploads"/*
start_tern
tern_pid=$pid
up_start=$(rss_kib "$tern_pid")
head -c 100M /dev/urandom >"$tmp/up100.bin"
( while [ ! -e "$tmp/stop_sampling" ]; do rss_kib "$tern_pid" >>"$tmp/rss_samples" || break; sleep 0.05; done ) &
sampler_pid=$!
extra_pids+=("$sampler_pid")
got=$("${client[@]}" curl -s --max-time 120 -o "$tmp/upload.json" -w '%{http_code} %{time_total}' \
    -F "note=a 100 MiB upload" -F "file=@$tmp/up100.bin" "$tern_url/upload") || fail "curl -F of 100 MiB failed"
touch "$tmp/stop_sampling"
wait_gone "$sampler_pid" 5 || fail "the RSS sampler did not stop"
read -r code up_time <<<"$got"
[ "$code" = 201 ] || fail "100 MiB upload: status $code: $(head -c 300 "$tmp/upload.json")"
cmp -s "$tmp/up100.bin" "$tmp/uploads/up100.bin" || fail "the 100 MiB upload was saved differently"
up_peak=$(sort -n "$tmp/rss_samples" | tail -1)
up_hwm=$(hwm_kib "$tern_pid")
echo "201 in $up_time s, saved identical; RSS at start $(mib "$up_start") MiB, sampled peak $(mib "$up_peak") MiB ($(wc -l <"$tmp/rss_samples") samples), VmHWM $(mib "$up_hwm") MiB"
fig[upload_seconds]=$up_time
fig[upload_rss_start_mib]=$(mib "$up_start")
fig[upload_rss_peak_sampled_mib]=$(mib "$up_peak")
fig[upload_vmhwm_mib]=$(mib "$up_hwm")
upload_verdict=PASS
check "4. VmHWM during a 100 MiB upload under 16 MiB ($(mib "$up_hwm") MiB)" "$up_hwm < 16384" || true
[ "$up_hwm" -lt 16384 ] || upload_verdict=FAIL
rm -f "$tmp/up100.bin" "$tmp/uploads/up100.bin"

echo
echo "issue 11 bodies, $commit, $when: tern $hello, nginx $(nginx -v 2>&1 | sed 's/.*\///'); servers on core 0, clients on core 1"
printf '%-48s %-30s %s\n' "figure" "tern" "nginx"
row() { printf '%-48s %-30s %s\n' "$1" "$2" "${3:--}"; }
row "1. stream at 10 KiB/s: RSS start/end MiB" "${fig[slow_rss_start_mib]} / ${fig[slow_rss_end_mib]}"
row "   RSS every 10 s, MiB" "${fig[slow_rss_series_mib]}"
row "   reader left: dropped after s, next, RSS MiB" "${fig[slow_dropped_after_s]}, ${fig[slow_next_status]}, ${fig[slow_rss_after_mib]}"
row "2. 1 GiB file: median MB/s of 3" "${fig[file_mbps_tern]}" "${fig[file_mbps_nginx]}"
row "   CPU s per 1 GiB transfer" "${fig[file_cpu_s_per_gib_tern]}" "${fig[file_cpu_s_per_gib_nginx]}"
row "3. 100 KiB JSON gzip: requests/s" "${fig[json_gzip_rps_tern]}" "${fig[json_gzip_rps_nginx]}"
row "   gzip: bytes a response" "${fig[json_gzip_bytes_tern]}" "${fig[json_gzip_bytes_nginx]}"
row "   gzip: CPU us a response" "${fig[json_gzip_cpu_us_tern]}" "${fig[json_gzip_cpu_us_nginx]}"
row "   plain: requests/s" "${fig[json_plain_rps_tern]}" "${fig[json_plain_rps_nginx]}"
row "   plain: bytes a response" "${fig[json_plain_bytes_tern]}" "${fig[json_plain_bytes_nginx]}"
row "   plain: CPU us a response" "${fig[json_plain_cpu_us_tern]}" "${fig[json_plain_cpu_us_nginx]}"
row "4. 100 MiB upload: peak RSS MiB (sampled/HWM)" "${fig[upload_rss_peak_sampled_mib]} / ${fig[upload_vmhwm_mib]} $upload_verdict"

[ -s "$csv" ] || echo "date,commit,metric,server,value" >"$csv"
for key in $(printf '%s\n' "${!fig[@]}" | sort); do
    server=tern metric=$key
    case $key in *_tern) metric=${key%_tern} ;; *_nginx) metric=${key%_nginx} server=nginx ;; esac
    echo "$when,$commit,$metric,$server,\"${fig[$key]}\"" >>"$csv"
done
echo "appended to $csv"

if [ ${#failures[@]} -gt 0 ]; then
    echo "FAILED: ${failures[*]}"
    exit 1
fi
echo "all checks passed"
