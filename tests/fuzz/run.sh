#!/usr/bin/env bash
# Builds the fuzz targets into build/fuzz and runs each for SECONDS, one after the other (the
# machine has two cores). Each target first replays its saved regressions, then fuzzes from its
# seeds in tests/fuzz/corpus/<target>/, which it only reads: new inputs go to a temporary
# working corpus. Prints the executions per target; a crash, leak, timeout or OOM leaves its
# input in build/fuzz/crashes/, prints its name and makes the script exit non-zero.
#
#     tests/fuzz/run.sh 60                    # every target for 60 s
#     tests/fuzz/run.sh 300 fuzz_parser       # one target
#     build/fuzz/fuzz_parser build/fuzz/crashes/fuzz_parser-crash-...   # replay one input
set -euo pipefail

seconds=${1:?usage: tests/fuzz/run.sh SECONDS [TARGET...]}
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_parser fuzz_router fuzz_url fuzz_json fuzz_ranges fuzz_staticpath fuzz_multipart fuzz_accept fuzz_wsframe fuzz_wshandshake fuzz_response fuzz_proxy fuzz_forwarded)

scripts/deps.sh clang-14 libclang-rt-14-dev llvm-14   # llvm-14 has the symbolizer for stack traces
out=build/fuzz
tests/fuzz/build.sh "$out" "${targets[@]}"
mkdir -p "$out/crashes" "$out/logs"
work=$(mktemp -d "$out/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
touch "$work/.start"   # crash files newer than this one are this run's

failed=0
for target in "${targets[@]}"; do
    log=$out/logs/$target.log
    : >"$log"
    regressions=(tests/fuzz/regressions/"$target"-*)
    if [ -e "${regressions[0]}" ]; then
        if ! "$out/$target" "${regressions[@]}" >>"$log" 2>&1; then
            echo "$target: a saved regression fails again; see $log"
            tail -n 30 "$log"
            failed=1
            continue
        fi
    fi
    mkdir -p "$work/$target"
    dict=()
    [ -f "tests/fuzz/dict/$target.dict" ] && dict=(-dict="tests/fuzz/dict/$target.dict")
    before=$(ls "$out/crashes" | wc -l)
    status=0
    "$out/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$target-" "${dict[@]}" \
        "$work/$target" "tests/fuzz/corpus/$target" >>"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    [ -n "$runs" ] || runs=$(sed -n 's/^#\([0-9]*\).*DONE.*/\1/p' "$log" | tail -n 1)
    echo "$target: ${runs:-?} executions in ${seconds} s, $(ls "$work/$target" | wc -l) new corpus inputs"
    if [ "$status" -ne 0 ] || [ "$(ls "$out/crashes" | wc -l)" -ne "$before" ]; then
        failed=1
        echo "$target: FAILED (exit $status); the end of $log:"
        grep -E 'ERROR|SUMMARY|invariant failed|^in pieces:|^whole:|what\(\)|^ *#[0-9]+ .* in .*(tern::|framework/|tests/fuzz/)' "$log" |
            head -n 20 || true
        grep -E '^artifact_prefix|Test unit written to' "$log" || true
    fi
done

if [ "$failed" -ne 0 ]; then
    echo "fuzzing found problems; this run's inputs in $out/crashes/:"
    find "$out/crashes" -type f -newer "$work/.start" -printf '  %p\n'
    exit 1
fi
echo "fuzzing found nothing"
