#!/usr/bin/env bash
# What the loop-stall detector costs: apps/hello with it on and off, same core, interleaved
# rounds of wrk against / in one run. Usage: bench/stall_cost.sh BUILD_DIR [ROUNDS] [SECONDS]
set -euo pipefail
build=${1:-build/release}
rounds=${2:-4}
duration=${3:-4}
hello="$build/apps/hello"
source "$(dirname "$0")/../scripts/hello_process.sh"
hello_launcher=(taskset -c 1)
hello_log=$tmp/on.log
start_hello / --log-level warn
on_port=$port
extra_pids+=("$pid")   # $pid is about to be the second hello's
hello_log=$tmp/off.log
start_hello / --log-level warn --stall-ms 0
off_port=$port
rps() { taskset -c 0 wrk -t1 -c64 -d"${duration}s" "http://127.0.0.1:$1/" | awk '/Requests\/sec/ { print $2 }'; }
on=(); off=()
for r in $(seq 1 "$rounds"); do
  # Alternate which goes first, so neither always runs on a warmer (or busier) machine.
  if [ $((r % 2)) -eq 0 ]; then on+=("$(rps "$on_port")"); off+=("$(rps "$off_port")");
  else off+=("$(rps "$off_port")"); on+=("$(rps "$on_port")"); fi
done
python3 - "${on[*]}" "${off[*]}" <<'PY'
import statistics, sys
on = [float(x) for x in sys.argv[1].split()]
off = [float(x) for x in sys.argv[2].split()]
m_on, m_off = statistics.median(on), statistics.median(off)
print(f"stall detector on : {m_on:10.0f} requests/s (median of {len(on)})")
print(f"stall detector off: {m_off:10.0f} requests/s")
print(f"cost: {(m_off - m_on) / m_off * 100:+.1f}% of throughput")
PY
