#include <tern/core/task.hpp>   // first: proves the header stands alone

#include <doctest/doctest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include <tern/core/loop.hpp>

namespace {

tern::Task<int> answer() { co_return 42; }

tern::Task<int> add_one(int x) { co_return co_await answer() + x - 41; }

tern::Task<void> fail(std::string message) {
    throw std::runtime_error(message);
    co_return;
}

int global_value = 7;
tern::Task<int&> reference() { co_return global_value; }

struct Counted {
    static inline int alive = 0;
    Counted() { ++alive; }
    Counted(Counted const&) { ++alive; }
    ~Counted() { --alive; }
};

tern::Task<int> takes(Counted) { co_return 1; }

}  // namespace

TEST_CASE("awaiting a task returns its value") {
    CHECK(tern::run(add_one(5)) == 6);
}

TEST_CASE("a task is lazy: its body starts only when awaited") {
    bool started = false;
    auto body = [](bool* flag) -> tern::Task<void> {
        *flag = true;
        co_return;
    };
    auto task = body(&started);
    CHECK_FALSE(started);
    tern::run(std::move(task));
    CHECK(started);
}

TEST_CASE("an exception thrown in a task is rethrown at co_await and can be caught there") {
    auto caught = tern::run([]() -> tern::Task<std::string> {
        try {
            co_await fail("boom");
        } catch (std::runtime_error const& e) {
            co_return e.what();
        }
        co_return "not thrown";
    }());
    CHECK(caught == "boom");
    CHECK_THROWS_WITH_AS(tern::run(fail("from main")), "from main", std::runtime_error);
}

TEST_CASE("Task<T&> hands back a reference") {
    int& r = tern::run(reference());
    CHECK(&r == &global_value);
}

TEST_CASE("destroying a task that never started destroys its frame and parameters") {
    {
        auto task = takes(Counted{});
        CHECK(Counted::alive == 1);
    }
    CHECK(Counted::alive == 0);
}

TEST_CASE("a move-only result moves out of the task") {
    auto p = tern::run([]() -> tern::Task<std::unique_ptr<int>> { co_return std::make_unique<int>(3); }());
    REQUIRE(p);
    CHECK(*p == 3);
}
