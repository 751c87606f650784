#!/usr/bin/env bash
# Installs tern into a temporary prefix and builds README's server as a CMake user would:
#   find_package(tern REQUIRED)
#   target_link_libraries(app PRIVATE tern::tern)
# then runs it and checks it with curl.
# Usage: cmake_test.sh BUILD_DIR [SANITIZE_FLAGS] — a sanitized library needs a sanitized program.
set -uo pipefail
build=$1
sanitize=${2:-}
source "$(dirname "$0")/readme_server.sh"
command -v cmake >/dev/null || fail "cmake is missing (scripts/deps.sh installs it)"

meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >/dev/null || fail "meson install failed"
config=$(find "$tmp/root" -name ternConfig.cmake | head -n 1)
[ -n "$config" ] || fail "ternConfig.cmake was not installed"
prefix=$(find "$tmp/root" -type d -path '*/include/tern' | head -n 1)
prefix=${prefix%/include/tern}
libdir=$(dirname "$(find "$tmp/root" -name 'libtern.so' | head -n 1)")

mkdir -p "$tmp/user"
readme_server "$tmp/user/app.cpp"
cat > "$tmp/user/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(tern_user CXX)
find_package(tern 0.1 REQUIRED)
add_executable(app app.cpp)
target_link_libraries(app PRIVATE tern::tern)
CMAKE

# The staged install lives under DESTDIR: the prefix a user would have given is $prefix.
cmake -S "$tmp/user" -B "$tmp/user/build" -DCMAKE_PREFIX_PATH="$prefix" \
      -DCMAKE_CXX_FLAGS="$sanitize" -DCMAKE_EXE_LINKER_FLAGS="$sanitize" >"$tmp/cmake.log" 2>&1 ||
    { cat "$tmp/cmake.log"; fail "cmake could not configure the user project"; }
cmake --build "$tmp/user/build" >"$tmp/build.log" 2>&1 ||
    { cat "$tmp/build.log"; fail "the user project did not build"; }
echo "README's server built with find_package(tern) and tern::tern"
export LD_LIBRARY_PATH="$libdir"
check_readme_server "$tmp/user/build/app"
