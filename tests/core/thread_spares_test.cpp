#include <tern/core/detail/thread_spares.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

namespace {

std::atomic<int> destroyed{0};

// Counts its destructions that still owned a value (a moved-from one does not count).
struct Owned {
    std::unique_ptr<int> value;
    explicit Owned(int v) : value(std::make_unique<int>(v)) {}
    Owned(Owned&&) noexcept = default;
    Owned& operator=(Owned&&) noexcept = default;
    ~Owned() {
        if (value) ++destroyed;
    }
};

constinit thread_local tern::detail::ThreadSpares<std::string, 2> spare_strings;
constinit thread_local tern::detail::ThreadSpares<Owned, 4> spare_owned;

}  // namespace

TEST_CASE("spares come back last in, first out, and a full stack refuses without taking the value") {
    std::thread([] {
        CHECK(spare_strings.empty());
        std::string first(40, 'a');
        std::string second(40, 'b');
        std::string third(40, 'c');
        CHECK(spare_strings.push(std::move(first)));
        CHECK(spare_strings.push(std::move(second)));
        CHECK(spare_strings.full());
        CHECK_FALSE(spare_strings.push(std::move(third)));
        CHECK(third == std::string(40, 'c'));   // refused: left alone
        CHECK(spare_strings.pop() == std::string(40, 'b'));
        CHECK(spare_strings.pop() == std::string(40, 'a'));
        CHECK(spare_strings.empty());
    }).join();
}

TEST_CASE("what a thread still keeps is destroyed when the thread exits") {
    destroyed = 0;
    std::thread([] {
        for (int i = 0; i < 3; ++i) REQUIRE(spare_owned.push(Owned{i}));
        Owned taken = spare_owned.pop();
        CHECK(*taken.value == 2);
    }).join();
    CHECK(destroyed == 3);   // the one taken, and the two left on the stack
}

namespace {
std::atomic<int> reaped{0};
std::atomic<int> late_registration{-1};

void count_reaped(void*) noexcept { ++reaped; }

// Constructed before the thread's reapers, so destroyed after they have run.
struct RegistersLate {
    ~RegistersLate() { late_registration = tern::detail::reap_at_thread_exit(&count_reaped, nullptr) ? 1 : 0; }
};
}  // namespace

TEST_CASE("a reaper registered after the thread's reapers have run is refused, not kept") {
    reaped = 0;
    std::thread([] {
        thread_local RegistersLate late;
        (void)late;
        REQUIRE(tern::detail::reap_at_thread_exit(&count_reaped, nullptr));
    }).join();
    CHECK(reaped == 1);
    CHECK(late_registration == 0);
}
