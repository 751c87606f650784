#include <tern/core/event.hpp>

#include <doctest/doctest.h>

#include <chrono>

#include <tern/core/gather.hpp>
#include <tern/core/loop.hpp>
#include <tern/core/time.hpp>

using namespace std::chrono_literals;

TEST_CASE("an Event wakes every waiter when set") {
    tern::run([]() -> tern::Task<void> {
        tern::Event ready;
        int woken = 0;
        auto waiter = [&]() -> tern::Task<void> {
            co_await ready.wait();
            ++woken;
        };
        auto setter = [&]() -> tern::Task<void> {
            co_await tern::sleep(5ms);
            CHECK(woken == 0);
            ready.set();
        };
        co_await tern::gather(waiter(), waiter(), setter());
        CHECK(woken == 2);
    }());
}

TEST_CASE("waiting on a set Event returns at once; clear resets it") {
    tern::run([]() -> tern::Task<void> {
        tern::Event ev;
        ev.set();
        co_await ev.wait();
        CHECK(ev.is_set());
        ev.clear();
        CHECK_FALSE(ev.is_set());
        auto waiter = [&]() -> tern::Task<void> { co_await ev.wait(); };
        CHECK_THROWS_AS(co_await tern::wait_for(waiter(), 5ms), tern::TimeoutError);
    }());
}
