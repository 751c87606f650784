#include <tern/core/semaphore.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include <tern/core/gather.hpp>
#include <tern/core/loop.hpp>
#include <tern/core/time.hpp>

using namespace std::chrono_literals;

namespace {
struct Occupancy {
    int now = 0;
    int peak = 0;
    int finished = 0;
};

tern::Task<void> worker(tern::Semaphore& sem, Occupancy& occ) {
    auto permit = co_await sem.acquire();
    occ.peak = std::max(occ.peak, ++occ.now);
    co_await tern::sleep(5ms);
    --occ.now;
    ++occ.finished;
}
}  // namespace

TEST_CASE("a Semaphore of 3 over 10 tasks never lets 4 run at once") {
    tern::run([]() -> tern::Task<void> {
        tern::Semaphore sem{3};
        Occupancy occ;
        std::vector<tern::Task<void>> tasks;
        for (int i = 0; i < 10; ++i) tasks.push_back(worker(sem, occ));
        co_await tern::gather(std::move(tasks));
        CHECK(occ.peak == 3);
        CHECK(occ.finished == 10);
        CHECK(sem.available() == 3);
    }());
}

TEST_CASE("a permit is released when it goes out of scope, and try_acquire does not wait") {
    tern::run([]() -> tern::Task<void> {
        tern::Semaphore sem{1};
        {
            auto permit = co_await sem.acquire();
            CHECK(sem.available() == 0);
            CHECK_FALSE(sem.try_acquire().has_value());
        }
        CHECK(sem.available() == 1);
        auto again = sem.try_acquire();
        CHECK(again.has_value());
    }());
}

TEST_CASE("a waiter cancelled while queued for a permit holds nothing and loses no permit") {
    tern::run([]() -> tern::Task<void> {
        tern::Semaphore sem{1};
        auto held = co_await sem.acquire();
        auto waiter = [&]() -> tern::Task<void> { auto p = co_await sem.acquire(); };
        CHECK_THROWS_AS(co_await tern::wait_for(waiter(), 10ms), tern::TimeoutError);
        held.release();
        CHECK(sem.available() == 1);
    }());
}
