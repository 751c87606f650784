#include <tern/core/gather.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <tern/core/loop.hpp>
#include <tern/core/time.hpp>

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {
tern::Task<int> after(std::chrono::milliseconds delay, int value) {
    co_await tern::sleep(delay);
    co_return value;
}

tern::Task<std::string> word(std::chrono::milliseconds delay, std::string w) {
    co_await tern::sleep(delay);
    co_return w;
}

tern::Task<void> nothing() { co_return; }

tern::Task<int> fails_after(std::chrono::milliseconds delay, std::string message) {
    co_await tern::sleep(delay);
    throw std::runtime_error(message);
}
}  // namespace

TEST_CASE("gather of sleeps of 300, 100 and 200 ms takes about 300 ms and keeps argument order") {
    auto const start = Clock::now();
    auto [a, b, c] = tern::run(tern::gather(after(300ms, 1), word(100ms, "two"), after(200ms, 3)));
    auto const took = Clock::now() - start;
    CHECK(a == 1);
    CHECK(b == "two");
    CHECK(c == 3);
    CHECK(took >= 300ms);
    CHECK(took < 550ms);   // concurrent, not 600 ms in sequence
}

TEST_CASE("gather turns void results into std::monostate") {
    auto [n, unit] = tern::run(tern::gather(after(1ms, 4), nothing()));
    CHECK(n == 4);
    CHECK(std::is_same_v<decltype(unit), std::monostate>);
}

TEST_CASE("gather over a vector returns the values in the vector's order") {
    std::vector<tern::Task<int>> tasks;
    for (int i = 0; i < 10; ++i) tasks.push_back(after(std::chrono::milliseconds(10 - i), i));
    auto values = tern::run(tern::gather(std::move(tasks)));
    CHECK(values == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
}

TEST_CASE("when one gathered task fails, the others are cancelled and awaited, then it rethrows") {
    int cancelled = 0;
    auto victim = [&]() -> tern::Task<int> {
        try {
            co_await tern::sleep(10s);
        } catch (tern::CancelledError const&) {
            ++cancelled;
            throw;
        }
        co_return 0;
    };
    auto const start = Clock::now();
    CHECK_THROWS_WITH_AS(tern::run(tern::gather(victim(), fails_after(10ms, "first"), victim())), "first",
                         std::runtime_error);
    CHECK(cancelled == 2);
    CHECK(Clock::now() - start < 5s);
}

TEST_CASE("gather_settled returns each result or its exception, like return_exceptions=True") {
    auto [ok, bad] = tern::run(tern::gather_settled(after(5ms, 1), fails_after(1ms, "nope")));
    CHECK(ok.ok());
    CHECK(ok.value() == 1);
    CHECK_FALSE(bad.ok());
    CHECK_THROWS_WITH(bad.value(), "nope");
}

TEST_CASE("first returns the winner's index and value and cancels the rest") {
    auto [index, value] = tern::run(tern::first(after(200ms, 1), after(5ms, 2), after(300ms, 3)));
    CHECK(index == 1);
    CHECK(value == 2);
}

TEST_CASE("cancelling a gather cancels all its children") {
    int cancelled = 0;
    auto child = [&]() -> tern::Task<int> {
        try {
            co_await tern::sleep(10s);
        } catch (tern::CancelledError const&) {
            ++cancelled;
            throw;
        }
        co_return 1;
    };
    auto main = [&]() -> tern::Task<void> { co_await tern::gather(child(), child(), child()); };
    CHECK_THROWS_AS(tern::run(tern::wait_for(main(), 20ms)), tern::TimeoutError);
    CHECK(cancelled == 3);
}

TEST_CASE("children that finish without suspending complete the gather at once") {
    auto [a, b] = tern::run(tern::gather(after(0ms, 1), [] () -> tern::Task<int> { co_return 2; }()));
    CHECK(a + b == 3);
}
