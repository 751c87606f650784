#!/usr/bin/env bash
# What the loop-stall detector costs: apps/hello with it on and off, same core, interleaved
# rounds of wrk against / in one run. Usage: bench/stall_cost.sh BUILD_DIR [ROUNDS] [SECONDS]
set -euo pipefail
build=${1:-build/release}
rounds=${2:-4}
duration=${3:-4}
hello="$build/apps/hello"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
on_port=$(free_port); off_port=$(free_port)
taskset -c 1 "$hello" --port "$on_port" --threads 1 --log-level warn & on_pid=$!
taskset -c 1 "$hello" --port "$off_port" --threads 1 --log-level warn --stall-ms 0 & off_pid=$!
trap 'kill $on_pid $off_pid 2>/dev/null; wait $on_pid $off_pid 2>/dev/null' EXIT
sleep 0.5
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
