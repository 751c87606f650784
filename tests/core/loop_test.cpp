#include <tern/core/loop.hpp>

#include <doctest/doctest.h>

#include <csignal>

#include <stdexcept>

#include <tern/core/event.hpp>

TEST_CASE("run returns the main task's value and leaves no loop behind") {
    CHECK(tern::Loop::try_current() == nullptr);
    int const v = tern::run([]() -> tern::Task<int> {
        CHECK(tern::Loop::try_current() != nullptr);
        co_return 5;
    }());
    CHECK(v == 5);
    CHECK(tern::Loop::try_current() == nullptr);
}

TEST_CASE("a main task that waits for something that can never happen is reported, not hung") {
    auto waits_forever = []() -> tern::Task<void> {
        tern::Event never;
        co_await never.wait();
    };
    CHECK_THROWS_WITH_AS(tern::run(waits_forever()), doctest::Contains("deadlock"), std::runtime_error);
}

TEST_CASE("run can be called again on the same thread") {
    for (int i = 0; i < 3; ++i) CHECK(tern::run([](int x) -> tern::Task<int> { co_return x; }(i)) == i);
}

TEST_CASE("a loop ignores SIGPIPE, so a write to a peer that has gone fails instead of killing the process") {
    struct sigaction before {};
    ::sigaction(SIGPIPE, nullptr, &before);
    tern::run([]() -> tern::Task<void> { co_return; }());
    struct sigaction after {};
    ::sigaction(SIGPIPE, nullptr, &after);
    bool const was_default = before.sa_handler == SIG_DFL;
    bool const ignored = after.sa_handler == SIG_IGN;
    bool const kept = after.sa_handler == before.sa_handler;   // a program's own handler is kept
    CHECK((was_default ? ignored : kept));
}
