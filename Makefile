# The two commands a new machine needs: `make run` and `make test`. Everything else is meson.
SHELL := /bin/bash
RELEASE_DIR := build/release
TEST_DIR    := build/test
PORT        ?= 8080
HOST        ?= 127.0.0.1

.PHONY: deps test-deps run build test bench fuzz soak clean

deps:
	@scripts/deps.sh

# What only the tests use, installed once and in turn before any test starts: tests run two at a
# time, and two of them each installing a tool would contend for dpkg's lock. cmake for the
# find_package(tern) user-program test; Node, its ws package and Chromium for the real-client
# tests; HAProxy and nginx for the rolling restart behind load balancers.
test-deps: deps
	@scripts/deps.sh cmake python3 gzip diffutils nodejs node-ws chromium haproxy nginx-light

$(RELEASE_DIR)/build.ninja: | deps
	meson setup $(RELEASE_DIR) --buildtype=release -Db_ndebug=if-release

$(TEST_DIR)/build.ninja: | deps
	meson setup $(TEST_DIR) --buildtype=debug -Db_sanitize=address,undefined -Dwerror=true

# Only what run and bench use: the release tests would double the first build's time. ninja
# regenerates first: meson compile cannot name a target added since the directory was set up.
build: deps $(RELEASE_DIR)/build.ninja
	ninja -C $(RELEASE_DIR) build.ninja
	meson compile -C $(RELEASE_DIR) hello fileserver chat gateway todo core_bench alloc_count client_fetch typed_server routes_server

run: build
	$(RELEASE_DIR)/apps/hello --host $(HOST) --port $(PORT)

# The whole suite under ASan+UBSan, then the server tests (several loops, the watchdog, the
# blocking pool) under ThreadSanitizer in build/tsan; its doctest summary is kept in
# build/tsan.log for .ci/run to count.
test: test-deps $(TEST_DIR)/build.ninja
	meson compile -C $(TEST_DIR)
	meson test -C $(TEST_DIR) --print-errorlogs --num-processes 2
	set -o pipefail; scripts/tsan.sh 2>&1 | tee build/tsan.log

bench: build
	@scripts/deps.sh nginx-light h2o gnuplot-nox
	$(RELEASE_DIR)/bench/core_bench
	$(RELEASE_DIR)/bench/alloc_count
	bench/route_instructions.sh $(RELEASE_DIR)
	bench/compare.sh $(RELEASE_DIR)
	bench/bodies.sh $(RELEASE_DIR)
	bench/websocket.sh $(RELEASE_DIR)
	bench/client.sh $(RELEASE_DIR)
	bench/typed.sh $(RELEASE_DIR)

# Ten minutes of wrk at full load against the release hello; RSS must stay within 5%.
SOAK_MINUTES ?= 10
soak: build
	scripts/soak.sh $(RELEASE_DIR) $(SOAK_MINUTES)

# libFuzzer targets (clang 14) for the parser, router, URL helpers and JSON; FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz:
	tests/fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf build
