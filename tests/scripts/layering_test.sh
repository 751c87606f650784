#!/usr/bin/env bash
# The layers of ARCHITECTURE.md, checked two ways:
#  1. no file of a layer includes a public header of a layer it may not use (the table below);
#  2. every public header of the lower layers compiles alone against its layer's
#     include root (framework/meson.build stages those roots: core's holds only tern/core), so a
#     core header that includes <tern/http/...> or <tern/json/...> fails to compile here as it
#     fails in the library's own build; http's headers compile alone against the full root.
# Usage: layering_test.sh SOURCE_ROOT CORE_ROOT NET_ROOT OBSERVE_ROOT JSON_ROOT FILES_ROOT FORMS_ROOT COMPRESS_ROOT
#                         WEBSOCKET_ROOT
set -uo pipefail
root=$1
declare -A include_root=([core]=$2 [net]=$3 [observe]=$4 [json]=$5 [files]=$6 [forms]=$7 [compress]=$8 [websocket]=$9
                         [http]=$root/framework/include [testing]=$root/framework/include)
declare -A may_use=(
    [core]="core"
    [json]="json"
    [net]="core net"
    [observe]="core observe"
    [files]="core files"
    [forms]="core forms"
    [compress]="core compress"
    [websocket]="core net compress websocket"
    [http]="core json net observe files forms compress websocket http"
    [testing]="core json net observe files forms compress websocket http testing"
)
status=0

# 1. Includes, by folder: public headers, sources and private headers of each layer.
for layer in core json net observe files forms compress websocket http testing; do
    for file in $(find "$root/framework/include/tern/$layer" "$root/framework/src/$layer" -name '*.[ch]pp' | sort); do
        while IFS= read -r line; do
            used=$(sed -E 's@.*<tern/([a-z_]+)[/.].*@\1@' <<<"$line")
            [[ " ${may_use[$layer]} " == *" $used "* ]] && continue
            echo "FAIL: ${file#"$root"/} (layer $layer) includes $used: ${line}"
            echo "      $layer may use only: ${may_use[$layer]}"
            status=1
        done < <(grep -E '^\s*#\s*include\s*<tern/' "$file")
    done
done
[ $status -eq 0 ] && echo "ok: every include stays within the layers each layer may use"

# 2. Each header alone, against its layer's root, with only the flags of tern's public deps
# (two compilers at a time).
lines=()
for layer in core json net observe files forms compress websocket http testing; do
    umbrella=
    [ -e "$root/framework/include/tern/$layer.hpp" ] && umbrella="tern/$layer.hpp"
    for header in $(cd "$root/framework/include" && find "tern/$layer" -name '*.hpp' | sort) $umbrella; do
        lines+=("$layer $header ${include_root[$layer]}")
    done
done
export deps_flags="$(pkg-config --cflags libuv fmt spdlog)"
if printf '%s\n' "${lines[@]}" | xargs -P 2 -L 1 bash -c '
       out=$(echo "#include <$1>" | g++ -std=c++20 -fsyntax-only -Wall -Wextra -x c++ - -I"$2" $deps_flags 2>&1) && exit 0
       echo "FAIL: <$1> does not compile alone against the $0 include root ($2):"
       head -n 5 <<<"$out"
       exit 1'; then
    echo "ok: ${#lines[@]} public headers each compile alone against their layer's include root"
else
    status=1
fi
exit $status
