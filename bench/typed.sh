#!/usr/bin/env bash
# A typed handler against the same handler written by hand (bench/typed_server.cpp), in one run:
#   1. instructions per request for each route, counted by callgrind (bench/instructions.sh);
#   2. server CPU per request under wrk (64 connections, 5 s), the server on core 0 and wrk on
#      core 1, three alternating rounds (hand, typed, hand, typed...), medians.
# Prints both ratios (typed / hand; the goal is at most 1.15), appends them to
# bench/results/typed.csv and exits non-zero when the CPU ratio is over 1.15.
# Usage: bench/typed.sh BUILD_DIR
set -euo pipefail
build=${1:-build/release}
here=$(cd "$(dirname "$0")" && pwd)
out_dir=${TERN_BENCH_OUT:-bench/results}
mkdir -p "$out_dir"
hello=$build/bench/typed_server
[ -x "$hello" ] || { echo "no $hello: meson compile -C $build typed_server"; exit 1; }
command -v wrk >/dev/null || "$here/../scripts/deps.sh" wrk
command -v valgrind >/dev/null || "$here/../scripts/deps.sh" valgrind
hand=/hand/items/42
typed=/typed/items/42

echo "== instructions per request (callgrind)"
counts=$(BENCH_APP=bench/typed_server BENCH_PATHS="$hand $typed" "$here/instructions.sh" "$build" 2000)
echo "$counts"
hand_instr=$(echo "$counts" | awk -v p="GET $hand:" 'index($0, p) == 1 { print $3 }')
typed_instr=$(echo "$counts" | awk -v p="GET $typed:" 'index($0, p) == 1 { print $3 }')

source "$here/../scripts/hello_process.sh"
hello_launcher=(taskset -c 0)
start_hello "$hand" --threads 1 --log-level off
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; }

# One wrk run against PATH: prints the server's CPU microseconds per request.
cpu_per_request() {
    local before after requests
    before=$(cpu_seconds "$pid")
    requests=$(taskset -c 1 wrk -t1 -c64 -d5s "http://127.0.0.1:$port$1" | awk '/requests in/ { print $1 }')
    after=$(cpu_seconds "$pid")
    awk -v b="$before" -v a="$after" -v n="$requests" 'BEGIN { printf "%.3f\n", (a - b) * 1e6 / n }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
hand_runs=()
typed_runs=()
for round in 1 2 3; do
    hand_runs+=("$(cpu_per_request "$hand")")
    typed_runs+=("$(cpu_per_request "$typed")")
    echo "round $round: hand ${hand_runs[-1]} us, typed ${typed_runs[-1]} us of server CPU per request"
done
hand_cpu=$(printf '%s\n' "${hand_runs[@]}" | median)
typed_cpu=$(printf '%s\n' "${typed_runs[@]}" | median)
cpu_ratio=$(awk -v t="$typed_cpu" -v h="$hand_cpu" 'BEGIN { printf "%.3f", t / h }')
instr_ratio=$(awk -v t="$typed_instr" -v h="$hand_instr" 'BEGIN { printf "%.3f", t / h }')

echo
echo "| route | instructions / request | server CPU us / request (median of 3) |"
echo "|---|---|---|"
echo "| by hand: GET /hand/items/{id:int} | $hand_instr | $hand_cpu |"
echo "| typed: GET /typed/items/{id:int} | $typed_instr | $typed_cpu |"
echo "| typed / hand | $instr_ratio | $cpu_ratio |"
[ -s "$out_dir/typed.csv" ] || echo "date,hand_instructions,typed_instructions,hand_cpu_us,typed_cpu_us,cpu_ratio" >"$out_dir/typed.csv"
echo "$(date -u +%FT%TZ),$hand_instr,$typed_instr,$hand_cpu,$typed_cpu,$cpu_ratio" >>"$out_dir/typed.csv"
awk -v r="$cpu_ratio" 'BEGIN { exit !(r <= 1.15) }' || { echo "FAIL: the typed handler costs ${cpu_ratio}x the hand-written one (goal: at most 1.15x)"; exit 1; }
