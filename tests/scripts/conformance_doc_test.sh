#!/usr/bin/env bash
# docs/conformance.md names, for every requirement row of its table, the tests that show what
# tern does, as `file` — "TEST_CASE name". This checks that each named file exists and holds
# TEST_CASE("<that exact name>"), so a renamed or removed test cannot leave the page behind.
# Names are written in the page as in the C++ source (a quote inside one is \").
# Usage: conformance_doc_test.sh SOURCE_ROOT
set -euo pipefail

root=${1:?usage: conformance_doc_test.sh SOURCE_ROOT}
doc=$root/docs/conformance.md
[[ -f $doc ]] || { echo "conformance_doc: $doc not found"; exit 1; }

rows=0 named=0 failures=0
declare -A ids=()
line_number=0
while IFS= read -r line; do
    line_number=$((line_number + 1))
    [[ $line == '|'* ]] || continue
    # The first cell: a row number (or P for the proxies row); empty for a group heading.
    id=$(sed -E 's/^\|[[:space:]]*([^|]*[^|[:space:]])?[[:space:]]*\|.*/\1/' <<<"$line")
    case $id in
        '#' | ---*) continue ;;                      # the header and its separator
        '')                                          # a group heading names no test
            if grep -q '`[^`]*` — "' <<<"$line"; then
                echo "line $line_number: a row without a number names a test"
                failures=$((failures + 1))
            fi
            continue ;;
    esac
    rows=$((rows + 1))
    if [[ -n ${ids[$id]:-} ]]; then
        echo "line $line_number: row $id appears twice (first on line ${ids[$id]})"
        failures=$((failures + 1))
    fi
    ids[$id]=$line_number
    tests=$(grep -oP '`[^`]+` — "(?:[^"\\]|\\.)*"' <<<"$line" || true)
    if [[ -z $tests ]]; then
        echo "line $line_number: row $id names no test"
        failures=$((failures + 1))
        continue
    fi
    while IFS= read -r entry; do
        named=$((named + 1))
        file=$(sed -E 's/^`([^`]+)`.*/\1/' <<<"$entry")
        name=$(sed -E 's/^`[^`]+` — "(.*)"$/\1/' <<<"$entry")
        if [[ ! -f $root/$file ]]; then
            echo "row $id: $file does not exist (for \"$name\")"
            failures=$((failures + 1))
        elif ! grep -qF "TEST_CASE(\"$name\")" "$root/$file"; then
            echo "row $id: $file has no TEST_CASE(\"$name\")"
            failures=$((failures + 1))
        fi
    done <<<"$tests"
done <"$doc"

if ((rows == 0)); then
    echo "conformance_doc: no requirement rows found in $doc"
    exit 1
fi
if ((failures > 0)); then
    echo "conformance_doc: $failures problem(s) in $rows rows naming $named tests"
    exit 1
fi
echo "conformance_doc: $rows rows, $named named tests, all found"
