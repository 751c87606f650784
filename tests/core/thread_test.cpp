#include <tern/core/thread.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include <tern/core/gather.hpp>
#include <tern/core/loop.hpp>
#include <tern/core/time.hpp>

using namespace std::chrono_literals;

namespace {
int blocking_square(int x) {
    std::this_thread::sleep_for(200ms);
    return x * x;
}
}  // namespace

TEST_CASE("to_thread blocks a worker for 200 ms while a ticker on the loop keeps ticking") {
    auto const loop_thread = std::this_thread::get_id();
    tern::run([&]() -> tern::Task<void> {
        int ticks = 0;
        bool done = false;
        auto ticker = [&]() -> tern::Task<void> {
            while (!done) {
                co_await tern::sleep(10ms);
                ++ticks;
            }
        };
        auto work = [&]() -> tern::Task<int> {
            int const v = co_await tern::to_thread(blocking_square, 12);
            CHECK(std::this_thread::get_id() == loop_thread);   // resumed on the loop's thread
            done = true;
            co_return v;
        };
        auto [unit, v] = co_await tern::gather(ticker(), work());
        CHECK(v == 144);
        CHECK(ticks >= 5);   // about 20 at 10 ms; a blocked loop would manage at most 1
    }());
}

TEST_CASE("to_thread runs the function on another thread and brings its exception back") {
    auto const loop_thread = std::this_thread::get_id();
    tern::run([&]() -> tern::Task<void> {
        auto where = co_await tern::to_thread([] { return std::this_thread::get_id(); });
        CHECK(where != loop_thread);
        CHECK_THROWS_WITH_AS(co_await tern::to_thread([] { throw std::invalid_argument("bad input"); }),
                             "bad input", std::invalid_argument);
        co_await tern::to_thread([] {});   // void functions work too
    }());
}

TEST_CASE("to_thread copies its arguments, so temporaries are safe") {
    std::string const joined = tern::run([]() -> tern::Task<std::string> {
        co_return co_await tern::to_thread([](std::string a, std::string const& b) { return a + b; },
                                           std::string("to_"), std::string("thread"));
    }());
    CHECK(joined == "to_thread");
}
