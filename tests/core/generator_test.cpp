#include <tern/core/generator.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>
#include <vector>

#include <tern/core/loop.hpp>
#include <tern/core/time.hpp>

using namespace std::chrono_literals;

namespace {
tern::Generator<int> countdown(int from) {
    for (int i = from; i > 0; --i) {
        co_await tern::sleep(1ms);
        co_yield i;
    }
}

tern::Generator<int> breaks_after(int n) {
    for (int i = 0; i < n; ++i) co_yield i;
    throw std::runtime_error("source broke");
}
}  // namespace

TEST_CASE("an async generator of 5 values is consumed with while (auto v = co_await gen.next())") {
    auto values = tern::run([]() -> tern::Task<std::vector<int>> {
        std::vector<int> got;
        auto gen = countdown(5);
        while (auto v = co_await gen.next()) got.push_back(*v);
        co_return got;
    }());
    CHECK(values == std::vector<int>{5, 4, 3, 2, 1});
}

TEST_CASE("an exception in the generator's body reaches the consumer after the values before it") {
    tern::run([]() -> tern::Task<void> {
        auto gen = breaks_after(2);
        CHECK(*co_await gen.next() == 0);
        CHECK(*co_await gen.next() == 1);
        CHECK_THROWS_WITH_AS(co_await gen.next(), "source broke", std::runtime_error);
        CHECK_FALSE((co_await gen.next()).has_value());
    }());
}

TEST_CASE("a generator dropped half-way destroys its suspended body") {
    tern::run([]() -> tern::Task<void> {
        auto gen = countdown(100);
        CHECK(*co_await gen.next() == 100);
    }());
}
