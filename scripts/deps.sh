#!/usr/bin/env bash
# Installs the Debian packages tern builds and tests with, and only the missing ones, so a
# second run costs one dpkg query. Uses sudo when not root.
set -euo pipefail

packages=(build-essential libuv1-dev node-llhttp libsimdjson-dev libspdlog-dev libfmt-dev
          doctest-dev zlib1g-dev meson ninja-build pkg-config wrk curl "$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
# A fresh machine has empty package lists; update only when the install cannot find a package.
# Another install running at the same time (a test installing its tool) is waited for rather
# than failed on: dpkg has one lock.
apt=(apt-get -o DPkg::Lock::Timeout=600)
if ! $sudo env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q "${missing[@]}"; then
  $sudo "${apt[@]}" update -q
  $sudo env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q "${missing[@]}"
fi
