#!/usr/bin/env bash
# Installs tern into a temporary prefix and builds a user's program exactly as README says:
#   g++ -std=c++20 app.cpp $(pkg-config --cflags --libs tern)
# Usage: pkgconfig_test.sh BUILD_DIR [SANITIZE_FLAGS] — a sanitized library needs a sanitized program.
set -euo pipefail
build=$1
sanitize=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >/dev/null
pcfile=$(find "$tmp/root" -name tern.pc | head -n 1)
[ -n "$pcfile" ] || { echo "tern.pc was not installed"; exit 1; }
libdir=$(dirname "$(find "$tmp/root" -name 'libtern.so' | head -n 1)")

cat > "$tmp/app.cpp" <<'CPP'
#include <tern/tern.hpp>
#include <cstdio>
using namespace std::chrono_literals;

tern::Task<int> twice(int x) {
    co_await tern::sleep(1ms);
    co_return 2 * x;
}

int main() {
    auto [a, b] = tern::run(tern::gather(twice(20), twice(1)));
    std::printf("%d\n", a + b);
}
CPP

# The staged install still says prefix=/usr/local; point it at the temporary root, as a user
# who installs with --prefix would get.
sed -i "s|^prefix=\(.*\)|prefix=$tmp/root\1|" "$pcfile"
export PKG_CONFIG_PATH="$(dirname "$pcfile")"
flags=$(pkg-config --cflags --libs tern)
echo "g++ -std=c++20 app.cpp $flags $sanitize"
# shellcheck disable=SC2086
g++ -std=c++20 "$tmp/app.cpp" $flags $sanitize -o "$tmp/app"
out=$(LD_LIBRARY_PATH="$libdir" "$tmp/app")
[ "$out" = "42" ] || { echo "expected 42, got '$out'"; exit 1; }
echo "user program built with pkg-config and ran: $out"
