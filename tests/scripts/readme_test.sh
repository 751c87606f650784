#!/usr/bin/env bash
# Every C++ example in README.md must compile against the headers, so the tour never rots.
# Usage: readme_test.sh SOURCE_ROOT
set -euo pipefail
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$root/README.md" "$tmp" <<'PY'
import re, sys
blocks = re.findall(r"```cpp\n(.*?)```", open(sys.argv[1]).read(), re.S)
for i, block in enumerate(blocks):
    open(f"{sys.argv[2]}/example{i}.cpp", "w").write(block)
print(f"{len(blocks)} examples")
PY
for f in "$tmp"/example*.cpp; do
  g++ -std=c++20 -fsyntax-only -Wall -Wextra -I"$root/framework/include" \
      -DSPDLOG_COMPILED_LIB -DSPDLOG_FMT_EXTERNAL "$f" || { echo "README example $(basename "$f") does not compile"; exit 1; }
done
echo "every README example compiles"
