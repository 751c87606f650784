#!/usr/bin/env bash
# Instructions per request on every kind of request tern serves, counted by callgrind (repeatable
# on a noisy machine, unlike wall-clock time), the way bench/instructions.sh counts apps/hello's:
#   apps/hello:          GET / and GET /json one at a time on one keep-alive connection, and
#                        GET / pipelined 16 deep (16 requests per send, then 16 responses read);
#   bench/routes_server: GET /items/42 (a typed handler), GET /static/hello.txt answered 304 (with
#                        If-None-Match: the ETag of a plain GET), and a WebSocket echo message on
#                        /echo (one masked text frame "hello" sent, its echo read back).
# Per row, the fewest instructions of BENCH_REPEATS (default 3) runs with N requests (messages for
# the echo) and of as many with 2N; the difference divided by N cancels start-up, the probe
# request, the handshake and shutdown. Every answer is checked
# (bench/route_instructions.py), so a broken route fails the run instead of being counted.
# Writes OUT_DIR/instructions.csv (route,instructions_per_request,requests; requests is N) and
# OUT_DIR/instructions.png, a bar per row. OUT_DIR is TERN_BENCH_OUT, default bench/results.
# Usage: [BENCH_REPEATS=3] bench/route_instructions.sh BUILD_DIR [N]   (N a multiple of 16, default 2000)
set -euo pipefail
build=${1:-build/release}
n=${2:-2000}
repeats=${BENCH_REPEATS:-3}
depth=16
here=$(cd "$(dirname "$0")" && pwd)
out_dir=${TERN_BENCH_OUT:-bench/results}
hello_app=$build/apps/hello
routes_server=$build/bench/routes_server
for binary in "$hello_app" "$routes_server"; do
  [ -x "$binary" ] || { echo "no $binary: meson compile -C $build hello routes_server"; exit 1; }
done
if [ "$n" -le 0 ] || [ $((n % depth)) -ne 0 ]; then echo "N ($n) must be a positive multiple of $depth"; exit 1; fi
command -v valgrind >/dev/null || "$here/../scripts/deps.sh" valgrind
command -v gnuplot >/dev/null || "$here/../scripts/deps.sh" gnuplot-nox
mkdir -p "$out_dir"

source "$here/../scripts/hello_process.sh"   # $tmp, $pid, fail, start_hello, cleanup at exit
# On one core: the static file's fs calls finish on libuv's thread pool, and the loop, woken by
# the worker's uv_async_send, spins in uv__async_spin until that worker gets valgrind's lock back
# to finish the send. Spread over two cores, how often that happens follows the machine's load
# (0.5k to 4k instructions per 304 between runs); on one, the woken loop nearly always preempts
# the worker, so the spin (about 4.5k instructions per 304) is in every count, and the 304 row
# still varies by 2-3% between runs where the other rows stay within 1%.
hello_launcher=(taskset -c 0 valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out")
hello_log=$tmp/vg.log
hello_start_seconds=60   # callgrind starts slowly, more so on a busy machine
driver=(python3 "$here/route_instructions.py")

# The rows: each drives COUNT requests at PORT and fails (non-zero) on a wrong answer.
drive_root() { "${driver[@]}" http "$1" / "$2"; }
drive_json() { "${driver[@]}" http "$1" /json "$2"; }
drive_pipelined() { "${driver[@]}" http "$1" / "$2" --depth "$depth"; }
drive_typed() { "${driver[@]}" http "$1" /items/42 "$2"; }
drive_not_modified() {
  local etag   # every run asks for it afresh: each server makes its own directory and file
  etag=$("${driver[@]}" etag "$1" /static/hello.txt) &&
    "${driver[@]}" http "$1" /static/hello.txt "$2" --status 304 --header "If-None-Match: $etag"
}
drive_echo() { "${driver[@]}" websocket "$1" /echo "$2"; }

# Runs SERVER under callgrind (probed with PROBE until it answers), drives COUNT requests with
# DRIVE, stops it with SIGINT and sets $instructions to the summary. Not in a $(...) subshell:
# one would not run the EXIT trap that stops the server.
count_instructions() {  # server probe drive count
  local status=0
  hello=$1
  rm -f "$tmp/cg.out"   # so that a run which writes none cannot pass off the last one's
  start_hello "$2" --log-level off
  "$3" "$port" "$4" || fail "$3 got a wrong answer from $1"
  kill -INT "$pid"
  wait "$pid" || status=$?
  pid=
  [ "$status" -eq 0 ] || fail "$1 exited with status $status after SIGINT"
  instructions=$(awk '/^summary:/ { print $2 }' "$tmp/cg.out" 2>/dev/null || true)
  [ -n "$instructions" ] || fail "callgrind wrote no summary for $3"
}

csv=$tmp/instructions.csv   # moved into $out_dir only once every row is in
echo "route,instructions_per_request,requests" >"$csv"

# As count_instructions, but the fewest of $repeats runs: what varies between runs (that spin,
# how many reads a pipelined burst takes) only ever adds instructions, so the fewest is the one
# closest to the work of the requests themselves.
fewest_instructions() {  # server probe drive count
  local best='' _
  for _ in $(seq "$repeats"); do
    count_instructions "$@"
    if [ -z "$best" ] || [ "$instructions" -lt "$best" ]; then best=$instructions; fi
  done
  instructions=$best
}

measure() {  # label server probe drive
  local one two per_request
  fewest_instructions "$2" "$3" "$4" "$n"
  one=$instructions
  fewest_instructions "$2" "$3" "$4" $((2 * n))
  two=$instructions
  per_request=$(( (two - one) / n ))
  echo "$1: $per_request instructions per request (callgrind, $n vs $((2 * n)) requests)"
  echo "$1,$per_request,$n" >>"$csv"
}

measure "GET /" "$hello_app" / drive_root
measure "GET /json" "$hello_app" / drive_json
measure "GET / pipelined $depth deep" "$hello_app" / drive_pipelined
measure "GET /items/42 (typed)" "$routes_server" /items/1 drive_typed
measure "GET /static/hello.txt (304)" "$routes_server" /items/1 drive_not_modified
measure "WebSocket echo on /echo" "$routes_server" /items/1 drive_echo

# One horizontal bar per row, top to bottom in the CSV's order, each labelled with its count.
draw_chart() {  # csv png
  local rows max
  rows=$(($(wc -l <"$1") - 1))
  max=$(awk -F, 'NR > 1 && $2 > m { m = $2 } END { print m }' "$1")
  gnuplot <<GP
set terminal pngcairo size 900,420 noenhanced
set output "$2"
set title "instructions per request (callgrind)"
set datafile separator ","
set key noautotitle
set style fill solid 0.85 border -1
set xlabel "instructions per request, whole server process ($n vs $((2 * n)) requests)"
set xrange [0:$max * 1.18]
set yrange [$rows - 0.4:-0.6]   # the first row on top
set grid xtics
plot "$1" skip 1 using (0.5 * \$2):0:(0.5 * \$2):(0.35):ytic(1) with boxxyerror, \
     "" skip 1 using 2:0:(sprintf(" %d", \$2)) with labels left
GP
}

mv "$csv" "$out_dir/instructions.csv"
draw_chart "$out_dir/instructions.csv" "$out_dir/instructions.png"
echo "wrote $out_dir/instructions.csv and $out_dir/instructions.png"
