#!/usr/bin/env bash
# Builds the libFuzzer targets into OUT_DIR with clang 14 (the main build is g++, which has no
# libFuzzer). Each framework source is compiled once, with coverage instrumentation and the
# sanitizers, and linked into the targets that need it; objects are rebuilt only when a source
# or a header it includes changes (clang's -MD files), so a second run costs a few links.
#
#     tests/fuzz/build.sh build/fuzz               # every target; then build/fuzz/fuzz_parser CORPUS_DIR ...
#     tests/fuzz/build.sh build/fuzz fuzz_ranges   # only the targets named
set -euo pipefail

out=${1:?usage: tests/fuzz/build.sh OUT_DIR [TARGET...]}
shift
wanted=("$@")
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out/obj"
out=$(cd "$out" && pwd)

cxx=${CXX_FUZZ:-clang++-14}
cc=${CC_FUZZ:-clang-14}
llhttp_inc=/usr/share/include/llhttp
llhttp_src=/usr/share/llhttp

# UBSan aborts instead of printing and going on, so that libFuzzer sees undefined behaviour as
# a crash and saves the input.
# -fno-sanitize=function: clang 14 cannot compile coroutines under it ("Cannot represent a
# difference across sections", llvm-project#49689), and the forms layer's readers are coroutines.
sanitize=(-fsanitize=address,undefined -fno-sanitize=function -fno-sanitize-recover=all -fno-omit-frame-pointer)
common=(-g -O1 "${sanitize[@]}" -fsanitize=fuzzer-no-link)
cxxflags=(-std=c++20 "${common[@]}" -I"$root/framework/include" -I"$root/framework/src" -I"$llhttp_inc"
          $(pkg-config --cflags simdjson spdlog libuv))
libs=($(pkg-config --libs simdjson spdlog libuv) -lfmt -lz -lpthread)

# Compiles `src` to `obj` unless obj is newer than the source and every header it included.
compile() {
    local compiler=$1 src=$2 obj=$3
    shift 3
    local dep=${obj%.o}.d
    if [[ -f $obj && -f $dep ]]; then
        local stale=0 f
        for f in $(sed -e 's/\\$//' -e 's/^[^:]*://' "$dep"); do
            [[ $f -nt $obj ]] && { stale=1; break; }
        done
        [[ $stale == 0 ]] && return 0
    fi
    echo "  compile $(basename "$src")"
    "$compiler" "$@" -MD -MF "$dep" -c "$src" -o "$obj"
}

objects() {   # prints the object files that compile() made for these sources
    local group=$1
    shift
    local src
    for src in "$@"; do
        echo "$out/obj/$group-$(basename "${src%.*}").o"
    done
}

llhttp_sources=("$llhttp_src"/api.c "$llhttp_src"/http.c "$llhttp_src"/llhttp.c)
parser_sources=("$root"/framework/src/http/parser.cpp "$root"/framework/src/http/url.cpp)
router_sources=("$root"/framework/src/http/router.cpp)
url_sources=("$root"/framework/src/http/url.cpp)
json_sources=("$root"/framework/src/json/*.cpp)
files_sources=("$root"/framework/src/files/*.cpp)
core_sources=("$root"/framework/src/core/*.cpp)   # the forms readers await files and threads
forms_sources=("$root"/framework/src/forms/*.cpp)
compress_sources=("$root"/framework/src/compress/*.cpp)
# The codec only: session.cpp and client.cpp are the layer's I/O (TcpStream, tasks), which the
# target does not use.
websocket_sources=()
for src in "$root"/framework/src/websocket/*.cpp; do
    [[ $src == */session.cpp || $src == */client.cpp ]] || websocket_sources+=("$src")
done

# The object of a source (llhttp's C or a framework C++ file), compiled if stale.
object_of() {
    local src=$1 group
    case $src in
        "$llhttp_src"/*) group=llhttp ;;
        */json/*) group=json ;;
        */files/*) group=files ;;
        */forms/*) group=forms ;;
        */compress/*) group=compress ;;
        */websocket/*) group=websocket ;;
        */core/*) group=core ;;
        *) group=tern ;;
    esac
    local obj=$out/obj/$group-$(basename "${src%.*}").o
    if [[ $src == *.c ]]; then
        # Strict, as third_party/llhttp/meson.build builds it for the library.
        compile "$cc" "$src" "$obj" "${common[@]}" -DLLHTTP_STRICT_MODE=1 -I"$llhttp_inc" >&2
    else
        compile "$cxx" "$src" "$obj" "${cxxflags[@]}" >&2
    fi
    echo "$obj"
}

# link TARGET SOURCES...: compiles tests/fuzz/TARGET.cpp and the sources it needs (only those:
# a target named on the command line does not wait for the others' sources), and links it with
# libFuzzer. Harnesses include the tests' shared helpers as "support/...", as the tests do; the
# framework's sources are compiled without that path, so they cannot reach test code.
link() {
    local target=$1
    shift
    if [ ${#wanted[@]} -gt 0 ] && [[ " ${wanted[*]} " != *" $target "* ]]; then return 0; fi
    local objects=() src
    for src in "$@"; do objects+=("$(object_of "$src")"); done
    local harness=$root/tests/fuzz/$target.cpp
    compile "$cxx" "$harness" "$out/obj/$target.o" "${cxxflags[@]}" -I"$root/tests"
    echo "  link $target"
    "$cxx" "${sanitize[@]}" -fsanitize=fuzzer "$out/obj/$target.o" "${objects[@]}" "${libs[@]}" -o "$out/$target"
}

echo "building fuzz targets into $out"
link fuzz_parser "${parser_sources[@]}" "${llhttp_sources[@]}"
link fuzz_router "${router_sources[@]}"
link fuzz_url "${url_sources[@]}"
link fuzz_json "${json_sources[@]}"
link fuzz_ranges "${files_sources[@]}"
link fuzz_staticpath "${files_sources[@]}"
link fuzz_multipart "${forms_sources[@]}" "${core_sources[@]}"
link fuzz_accept "${compress_sources[@]}"
link fuzz_wsframe "${websocket_sources[@]}" "${compress_sources[@]}"
link fuzz_wshandshake "$root"/framework/src/websocket/handshake_response.cpp "$root"/framework/src/websocket/header_tokens.cpp
link fuzz_response "${llhttp_sources[@]}" "$root"/framework/src/http/client/response_parser.cpp
link fuzz_proxy "$root"/framework/src/net/proxy_protocol.cpp
link fuzz_forwarded "$root"/framework/src/http/trusted_proxies.cpp "${url_sources[@]}"
