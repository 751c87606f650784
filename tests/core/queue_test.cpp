#include <tern/core/queue.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include <tern/core/gather.hpp>
#include <tern/core/loop.hpp>
#include <tern/core/time.hpp>

using namespace std::chrono_literals;

TEST_CASE("a bounded Queue makes the producer wait while full and keeps FIFO order") {
    tern::run([]() -> tern::Task<void> {
        tern::Queue<int> q{2};
        std::vector<std::string> log;
        auto producer = [&]() -> tern::Task<void> {
            for (int i = 0; i < 5; ++i) {
                co_await q.put(i);
                log.push_back("put " + std::to_string(i));
            }
        };
        auto consumer = [&]() -> tern::Task<std::vector<int>> {
            std::vector<int> got;
            co_await tern::sleep(10ms);
            CHECK(q.full());
            CHECK(log.size() == 2);   // the producer is waiting on the third put
            for (int i = 0; i < 5; ++i) got.push_back(co_await q.get());
            co_return got;
        };
        auto [unit, got] = co_await tern::gather(producer(), consumer());
        CHECK(got == std::vector<int>{0, 1, 2, 3, 4});
        CHECK(q.empty());
    }());
}

TEST_CASE("get waits for a value, and a value is handed straight to a waiting consumer") {
    tern::run([]() -> tern::Task<void> {
        tern::Queue<std::string> q;
        auto later = [&]() -> tern::Task<void> {
            co_await tern::sleep(5ms);
            co_await q.put("hello");
        };
        auto getter = [&]() -> tern::Task<std::string> { co_return co_await q.get(); };
        auto [s, unit] = co_await tern::gather(getter(), later());
        CHECK(s == "hello");
    }());
}

TEST_CASE("try_put and try_get do not wait") {
    tern::Queue<int> q{1};
    int one = 1, two = 2;
    CHECK(q.try_put(one));
    CHECK_FALSE(q.try_put(two));
    CHECK(q.try_get() == 1);
    CHECK_FALSE(q.try_get().has_value());
}

TEST_CASE("a consumer cancelled while waiting takes nothing from the queue") {
    tern::run([]() -> tern::Task<void> {
        tern::Queue<int> q;
        auto getter = [&]() -> tern::Task<int> { co_return co_await q.get(); };
        CHECK_THROWS_AS(co_await tern::wait_for(getter(), 5ms), tern::TimeoutError);
        co_await q.put(9);
        CHECK(q.size() == 1);
    }());
}
