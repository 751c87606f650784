#include <tern/core/task.hpp>

#include <doctest/doctest.h>

#include <tern/core/loop.hpp>
#include <tern/core/time.hpp>

// Symmetric transfer keeps the stack flat only where the compiler turns "resume the next
// coroutine" into a tail call. g++ does so when optimising and without AddressSanitizer (its
// stack instrumentation forbids the tail call), so meson builds this file into its own binary,
// optimised and without ASan; see tests/meson.build.

namespace {
tern::Task<int> chain(int depth) {
    if (depth == 0) co_return 0;
    co_return co_await chain(depth - 1) + 1;
}

tern::Task<int> chain_that_sleeps(int depth) {
    if (depth == 0) {
        co_await tern::sleep(std::chrono::milliseconds(1));   // the unwinding then starts from a callback
        co_return 0;
    }
    co_return co_await chain_that_sleeps(depth - 1) + 1;
}
}  // namespace

TEST_CASE("a chain of a million awaited tasks does not overflow the stack") {
    CHECK(tern::run(chain(1'000'000)) == 1'000'000);
}

TEST_CASE("a million-deep chain that completes from a timer callback unwinds without recursion") {
    CHECK(tern::run(chain_that_sleeps(1'000'000)) == 1'000'000);
}
