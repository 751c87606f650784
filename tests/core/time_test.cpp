#include <tern/core/time.hpp>

#include <doctest/doctest.h>

#include <chrono>

#include <tern/core/gather.hpp>
#include <tern/core/loop.hpp>
#include <tern/core/spawn.hpp>

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {
tern::Task<int> slow(int value, std::chrono::milliseconds delay) {
    co_await tern::sleep(delay);
    co_return value;
}

auto elapsed_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}
}  // namespace

TEST_CASE("sleep suspends for at least the delay") {
    auto const start = Clock::now();
    tern::run([]() -> tern::Task<void> { co_await tern::sleep(50ms); }());
    CHECK(elapsed_since(start) >= 50ms);
}

TEST_CASE("sleep(0) yields to the loop once and comes back") {
    int const v = tern::run([]() -> tern::Task<int> {
        for (int i = 0; i < 100; ++i) co_await tern::sleep(0ms);
        co_return 1;
    }());
    CHECK(v == 1);
}

TEST_CASE("wait_for returns the value when the task finishes in time") {
    CHECK(tern::run(tern::wait_for(slow(3, 10ms), 2s)) == 3);
}

TEST_CASE("wait_for that times out throws TimeoutError and cancels the inner task") {
    bool inner_cancelled = false;
    auto const start = Clock::now();
    auto main = [&]() -> tern::Task<void> {
        auto inner = [&]() -> tern::Task<int> {
            try {
                co_await tern::sleep(10s);
            } catch (tern::CancelledError const&) {
                inner_cancelled = true;
                throw;
            }
            co_return 1;
        };
        co_await tern::wait_for(inner(), 50ms);
    };
    CHECK_THROWS_AS(tern::run(main()), tern::TimeoutError);
    CHECK(inner_cancelled);
    CHECK(elapsed_since(start) < 5s);
}

TEST_CASE("wait_for passes the inner task's own exception through") {
    auto failing = []() -> tern::Task<int> {
        co_await tern::sleep(1ms);
        throw std::logic_error("inner");
    };
    CHECK_THROWS_WITH_AS(tern::run(tern::wait_for(failing(), 2s)), "inner", std::logic_error);
}

TEST_CASE("a sleeping task that is cancelled wakes with CancelledError and frees its timer") {
    auto main = []() -> tern::Task<bool> {
        auto sleeper = tern::spawn(slow(1, 10s));
        co_await tern::sleep(10ms);
        sleeper.cancel();
        try {
            co_await sleeper;
        } catch (tern::CancelledError const&) {
            co_return true;
        }
        co_return false;
    };
    auto const start = Clock::now();
    CHECK(tern::run(main()));
    CHECK(elapsed_since(start) < 5s);   // the 10 s timer did not hold the loop open
}
