#!/usr/bin/env bash
# Builds README's server in a project of its own that takes tern as a meson subproject, as a
# meson user would (subprojects/tern, then dependency('tern')), then runs it and checks it with
# curl. The subproject builds only the library (no apps, tests or benchmarks).
# Usage: meson_subproject_test.sh SOURCE_ROOT [B_SANITIZE]
set -uo pipefail
root=$(cd "$1" && pwd)
sanitize=${2:-none}
source "$(dirname "$0")/readme_server.sh"

mkdir -p "$tmp/user/subprojects"
ln -s "$root" "$tmp/user/subprojects/tern"
readme_server "$tmp/user/app.cpp"
cat > "$tmp/user/meson.build" <<'MESON'
project('tern_user', 'cpp', default_options : ['cpp_std=c++20'])
tern_dep = dependency('tern', fallback : ['tern', 'tern_dep'])
executable('app', 'app.cpp', dependencies : tern_dep)
MESON

# -O0: the point is that it builds and links, and a quick build keeps make test short.
meson setup "$tmp/user/build" "$tmp/user" --buildtype=plain --force-fallback-for=tern -Db_sanitize="$sanitize" \
      >"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log"; fail "meson setup of the user project failed"; }
meson compile -C "$tmp/user/build" >"$tmp/build.log" 2>&1 ||
    { tail -n 40 "$tmp/build.log"; fail "the user project did not build"; }
grep -q "Executing subproject tern" "$tmp/setup.log" || fail "tern was not taken as a subproject"
echo "README's server built with tern as a meson subproject"
check_readme_server "$tmp/user/build/app"
