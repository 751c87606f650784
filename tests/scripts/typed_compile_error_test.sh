#!/usr/bin/env bash
# Mistakes in a typed handler's declaration are compile errors that say what is allowed: each
# snippet below must fail to compile, and with the message given beside it. A snippet that is
# fine must compile (so the check cannot pass because nothing compiles).
# Usage: typed_compile_error_test.sh SOURCE_ROOT
set -uo pipefail
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# compile NAME EXPECTED_MESSAGE (empty: must compile) BODY: BODY goes inside main().
compile() {
    local name=$1 expected=$2 body=$3
    cat >"$tmp/$name.cpp" <<CPP
#include <tern/tern.hpp>
struct Item { std::string name; };
TERN_JSON(Item, name)
struct Opaque {};
int main() {
    tern::App app;
    $body
}
CPP
    if g++ -std=c++20 -fsyntax-only -I"$root/framework/include" -DSPDLOG_COMPILED_LIB -DSPDLOG_FMT_EXTERNAL \
        "$tmp/$name.cpp" >"$tmp/$name.log" 2>&1; then
        if [ -n "$expected" ]; then echo "FAIL: $name compiled; expected an error saying: $expected"; failures=$((failures + 1)); return; fi
        echo "ok: $name compiles"
    else
        if [ -z "$expected" ]; then echo "FAIL: $name does not compile:"; head -20 "$tmp/$name.log"; failures=$((failures + 1)); return; fi
        if ! grep -qF -- "$expected" "$tmp/$name.log"; then
            echo "FAIL: $name failed without saying: $expected"; grep -m3 "error" "$tmp/$name.log"; failures=$((failures + 1)); return
        fi
        echo "ok: $name is refused: $expected"
    fi
}

compile well_formed "" \
    'app.get("/i/{id:int}", [](tern::Path<"id", int> id, tern::Body<Item> b) -> tern::Task<Item> { co_return Item{b->name + std::to_string(*id)}; });'
compile unknown_parameter_kind "a typed handler's parameters are tern::Request&" \
    'app.get("/x", [](Opaque) -> tern::Task<Item> { co_return Item{}; });'
compile path_of_a_struct "tern::Path<name, T>: T must be" \
    'app.get("/i/{id}", [](tern::Path<"id", Item>) -> tern::Task<Item> { co_return Item{}; });'
compile query_model_not_a_model "tern::Query<Model>: Model must be a TERN_JSON struct" \
    'app.get("/x", [](tern::Query<Opaque>) -> tern::Task<Item> { co_return Item{}; });'
compile header_of_a_vector "tern: HeaderParam, CookieParam and QueryParam take a scalar type" \
    'app.get("/x", [](tern::HeaderParam<"X-A", std::vector<int>>) -> tern::Task<Item> { co_return Item{}; });'
compile two_bodies "takes at most one Body<Model>" \
    'app.post("/x", [](tern::Body<Item>, tern::Body<Item>) -> tern::Task<Item> { co_return Item{}; });'
compile by_reference "typed parameters are taken by value" \
    'app.get("/i/{id}", [](tern::Path<"id", int> const&) -> tern::Task<Item> { co_return Item{}; });'

[ "$failures" = 0 ] || { echo "$failures snippet(s) wrong"; exit 1; }
echo "every declaration mistake is a readable compile error"
