#!/usr/bin/env bash
# ThreadSanitizer over the server tests: several loops on one port, the stall watchdog, the
# blocking pool and to_thread, drains. Configures build/tsan on first use and compiles only
# server_tests there (about 2 minutes from scratch on two cores; the run itself about 25 s).
# Usage: scripts/tsan.sh                 all of server_tests
#        scripts/tsan.sh --threaded      only the cases with more than one thread in play
#        scripts/tsan.sh DOCTEST_ARGS... e.g. -tc='*drain*'
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/tsan

if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" --buildtype=debug -Db_sanitize=thread -Dwerror=true
fi
meson compile -C "$dir" server_tests

# The cases with more than one thread in play, as doctest wildcards: two loops (threads = 2),
# the stall watchdog, the blocking pool and to_thread, drains and hooks.
threaded=(
    '*two loops*'
    '*blocks the loop*' '*stall*' '*await instead of blocking*' '*/metrics*' '*/healthz*'
    '*tern::blocking*' '*to_thread*' '*blocking pool*'
    '*drain*' '*graceful stop*' '*after stop()*' '*hooks*'
)
args=("$@")
if [ "${1:-}" = --threaded ]; then
    args=("-tc=$(IFS=,; echo "${threaded[*]}")")
fi

export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
"$dir/tests/http/server_tests" "${args[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# ThreadSanitizer needs the address layout it was built for: on kernels with more mmap
# randomisation bits than it knows (vm.mmap_rnd_bits > 28 on some 6.x kernels) it stops at startup
# with "unexpected memory mapping". Then run again without address randomisation.
if [ "$status" -ne 0 ] && grep -q "unexpected memory mapping" "$log"; then
    echo "tsan.sh: ThreadSanitizer cannot map its shadow memory here; running again under setarch -R"
    setarch "$(uname -m)" -R "$dir/tests/http/server_tests" "${args[@]}"
    status=$?
fi
exit "$status"
