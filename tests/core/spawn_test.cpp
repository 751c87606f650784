#include <tern/core/spawn.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>
#include <vector>

#include "support/log_capture.hpp"

#include <tern/core/log.hpp>
#include <tern/core/time.hpp>

using namespace std::chrono_literals;

TEST_CASE("create_task: a spawned task runs in the background while main keeps working") {
    std::vector<std::string> events;
    tern::run([&]() -> tern::Task<void> {
        // A named lambda: it lives in main's frame, longer than the task it creates.
        auto job = [&]() -> tern::Task<int> {
            events.push_back("background starts");
            co_await tern::sleep(30ms);
            events.push_back("background ends");
            co_return 7;
        };
        auto background = tern::spawn(job());
        events.push_back("main works");
        co_await tern::sleep(5ms);
        events.push_back("main still works");
        CHECK_FALSE(background.done());
        int const v = co_await background;
        CHECK(v == 7);
        CHECK(background.done());
    }());
    CHECK(events == std::vector<std::string>{"main works", "background starts", "main still works",
                                             "background ends"});
}

TEST_CASE("a spawned task's exception reaches whoever awaits its handle") {
    auto main = []() -> tern::Task<void> {
        auto h = tern::spawn([]() -> tern::Task<void> {
            co_await tern::sleep(1ms);
            throw std::runtime_error("job failed");
        }());
        co_await h;
    };
    CHECK_THROWS_WITH_AS(tern::run(main()), "job failed", std::runtime_error);
}

TEST_CASE("a spawned task's exception that nobody awaits is logged, not lost") {
    tern::testing::LogCapture captured;
    tern::run([]() -> tern::Task<void> {
        (void)tern::spawn([]() -> tern::Task<void> {
            throw std::runtime_error("nobody listens");
            co_return;
        }());
        co_await tern::sleep(5ms);
    }());
    CHECK(captured.text().find("nobody listens") != std::string::npos);
}

TEST_CASE("a program exits cleanly while background tasks still sleep: run cancels them") {
    int cancelled = 0;
    auto sleeper = [&]() -> tern::Task<void> {
        try {
            co_await tern::sleep(1h);
        } catch (tern::CancelledError const&) {
            ++cancelled;
            throw;
        }
    };
    auto const start = std::chrono::steady_clock::now();
    tern::run([&]() -> tern::Task<void> {
        for (int i = 0; i < 3; ++i) (void)tern::spawn(sleeper());
        co_await tern::sleep(5ms);
    }());
    CHECK(cancelled == 3);
    CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("a task cancelled before it started never runs its body") {
    bool ran = false;
    tern::run([&]() -> tern::Task<void> {
        auto job = [&]() -> tern::Task<void> {
            ran = true;
            co_return;
        };
        auto h = tern::spawn(job());
        h.cancel();
        CHECK_THROWS_AS(co_await h, tern::CancelledError);
    }());
    CHECK_FALSE(ran);
}

TEST_CASE("several coroutines may await the same handle") {
    int const sum = tern::run([]() -> tern::Task<int> {
        auto h = tern::spawn([]() -> tern::Task<int> {
            co_await tern::sleep(5ms);
            co_return 21;
        }());
        auto reader = [](tern::TaskHandle<int> handle) -> tern::Task<int> { co_return co_await handle; };
        auto a = tern::spawn(reader(h));
        auto b = tern::spawn(reader(h));
        co_return co_await a + co_await b;
    }());
    CHECK(sum == 42);
}

TEST_CASE("cancellation is delivered once: a task may await cleanup after catching it") {
    bool cleaned_up = false;
    tern::run([&]() -> tern::Task<void> {
        auto job = [&]() -> tern::Task<void> {
            try {
                co_await tern::sleep(1h);
            } catch (tern::CancelledError const&) {
            }
            co_await tern::sleep(1ms);   // cleanup that itself waits
            cleaned_up = true;
        };
        auto h = tern::spawn(job());
        co_await tern::sleep(1ms);
        h.cancel();
        co_await h;
    }());
    CHECK(cleaned_up);
}
