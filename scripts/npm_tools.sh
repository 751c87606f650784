#!/usr/bin/env bash
# Installs the npm packages the tests use into DIR/node_modules, and only the missing ones, so a
# second run costs a few file checks: swagger-ui-dist and redoc (the files apps/todo's /docs and
# /redoc load with --docs-assets DIR/node_modules) and @seriousme/openapi-schema-validator (checks
# an OpenAPI 3.1 document). node and npm come from Debian (scripts/deps.sh) when missing.
# Usage: npm_tools.sh DIR   (the tests pass the build dir's npm/)
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
here=$(cd "$(dirname "$0")" && pwd)

# name@range, and a file each must have: redoc 2.x ships the standalone bundle /redoc loads.
packages=(swagger-ui-dist@5 redoc@2 @seriousme/openapi-schema-validator)
declare -A needs=(
    [swagger-ui-dist]=swagger-ui-bundle.js
    [redoc]=bundles/redoc.standalone.js
    [@seriousme/openapi-schema-validator]=index.js
)

missing=()
for spec in "${packages[@]}"; do
    name=${spec%@*}
    [ -n "$name" ] || name=$spec   # a scoped name with no version: "@scope/name"
    [ -e "$dir/node_modules/$name/package.json" ] && [ -e "$dir/node_modules/$name/${needs[$name]}" ] ||
        missing+=("$spec")
done
[ ${#missing[@]} -eq 0 ] && exit 0

# NodeSource's nodejs carries npm itself (and conflicts with Debian's npm), so npm is asked for
# only when node alone did not bring it.
command -v node >/dev/null || "$here/deps.sh" nodejs
command -v npm >/dev/null || "$here/deps.sh" npm
command -v npm >/dev/null || { echo "npm is still missing after installing nodejs and npm" >&2; exit 1; }

echo "npm installing into $dir: ${missing[*]}"
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "${missing[@]}"

for spec in "${packages[@]}"; do
    name=${spec%@*}
    [ -n "$name" ] || name=$spec
    [ -e "$dir/node_modules/$name/${needs[$name]}" ] ||
        { echo "npm installed $spec, but $dir/node_modules/$name/${needs[$name]} is missing" >&2; exit 1; }
done
