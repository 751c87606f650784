// Deadlines and shields (asyncio.timeout and asyncio.shield): a scope's deadline cancels the work
// inside it and raises TimeoutError at the scope; scopes nest, the nearest deadline wins, and the
// work inside can read it; a shield lets work finish when its caller is cancelled.
#include <tern/core/gather.hpp>
#include <tern/core/loop.hpp>
#include <tern/core/shield.hpp>
#include <tern/core/spawn.hpp>
#include <tern/core/time.hpp>

#include <doctest/doctest.h>

#include <memory>
#include <string>

using namespace std::chrono_literals;
using tern::Task;
using Clock = std::chrono::steady_clock;

namespace {

Task<int> after(std::chrono::milliseconds ms, int value) {
    co_await tern::sleep(ms);
    co_return value;
}

Task<std::chrono::milliseconds> time_left() {
    auto const when = co_await tern::current_deadline();
    if (!when) co_return std::chrono::milliseconds::max();
    co_return std::chrono::duration_cast<std::chrono::milliseconds>(*when - Clock::now());
}

}  // namespace

TEST_CASE("work within its deadline returns its value; work past it is cancelled and the scope raises TimeoutError") {
    CHECK(tern::run(tern::timeout(500ms, after(10ms, 7))) == 7);
    auto const started = Clock::now();
    CHECK_THROWS_AS(tern::run(tern::timeout(50ms, after(5s, 7))), tern::TimeoutError);
    CHECK(Clock::now() - started < 2s);
}

TEST_CASE("the work inside a scope sees the deadline, children of a gather too; outside there is none") {
    CHECK(tern::run(time_left()) == std::chrono::milliseconds::max());
    auto const left = tern::run(tern::timeout(800ms, time_left()));
    CHECK(left <= 800ms);
    CHECK(left > 500ms);
    auto const both = tern::run(tern::timeout(800ms, []() -> Task<std::vector<std::chrono::milliseconds>> {
        std::vector<Task<std::chrono::milliseconds>> calls;
        calls.push_back(time_left());
        calls.push_back(time_left());
        co_return co_await tern::gather(std::move(calls));
    }()));
    for (auto l : both) CHECK(l <= 800ms);
}

TEST_CASE("scopes nest: an inner scope cannot extend an outer one, and the nearest deadline wins") {
    auto const inner_longer = tern::run(tern::timeout(300ms, tern::timeout(5s, time_left())));
    CHECK(inner_longer <= 300ms);
    auto const inner_shorter = tern::run(tern::timeout(5s, tern::timeout(200ms, time_left())));
    CHECK(inner_shorter <= 200ms);
    // The outer deadline ends the inner scope's work; the outer scope raises.
    auto const started = Clock::now();
    CHECK_THROWS_AS(tern::run(tern::timeout(100ms, tern::timeout(5s, after(5s, 1)))), tern::TimeoutError);
    CHECK(Clock::now() - started < 2s);
    // The inner one fires first and can be caught inside the outer.
    int const fallback = tern::run(tern::timeout(5s, []() -> Task<int> {
        try {
            co_return co_await tern::timeout(50ms, after(5s, 1));
        } catch (tern::TimeoutError const&) {
            co_return -1;
        }
    }()));
    CHECK(fallback == -1);
}

TEST_CASE("deadline() takes a time point") {
    CHECK_THROWS_AS(tern::run(tern::deadline(Clock::now() + 30ms, after(5s, 1))), tern::TimeoutError);
    CHECK_THROWS_AS(tern::run(tern::deadline(Clock::now() - 1s, after(1ms, 1))), tern::TimeoutError);
}

TEST_CASE("a shield lets work finish when its caller is cancelled; the caller then sees CancelledError") {
    auto finished = std::make_shared<bool>(false);
    auto work = [](std::shared_ptr<bool> done) -> Task<int> {
        co_await tern::sleep(150ms);
        *done = true;
        co_return 1;
    };
    auto const started = Clock::now();
    CHECK_THROWS_AS(tern::run(tern::timeout(20ms, [](Task<int> w) -> Task<int> { co_return co_await tern::shield(std::move(w)); }(work(finished)))),
                    tern::TimeoutError);
    CHECK(*finished);   // it ran to its end
    CHECK(Clock::now() - started >= 140ms);
    // Without a cancellation, the value comes through.
    CHECK(tern::run([](Task<int> w) -> Task<int> { co_return co_await tern::shield(std::move(w)); }(work(finished))) == 1);
    // The shielded work does not inherit the caller's deadline.
    CHECK(tern::run(tern::timeout(500ms, [](Task<std::chrono::milliseconds> w) -> Task<std::chrono::milliseconds> {
              co_return co_await tern::shield(std::move(w));
          }(time_left()))) == std::chrono::milliseconds::max());
}

TEST_CASE("spawn keeps a capturing lambda alive until its task ends") {
    int const result = tern::run([]() -> Task<int> {
        auto box = std::make_shared<int>(0);
        std::string const word = "captured";
        tern::TaskHandle<std::size_t> handle = tern::spawn([box, word]() -> Task<std::size_t> {
            co_await tern::sleep(20ms);   // the temporary lambda is long gone by now
            *box = 42;
            co_return word.size();
        });
        std::size_t const n = co_await handle;
        co_return *box + static_cast<int>(n);
    }());
    CHECK(result == 42 + 8);
}
