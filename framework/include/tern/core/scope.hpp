#pragma once
// tern::TaskScope: owns background tasks and waits for them (cppcoro's async_scope), so that
// when the owner drains, nothing it started is left running. The server keeps one per loop
// for its connections.
#include <cassert>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <utility>

#include <tern/core/detail/intrusive_list.hpp>
#include <tern/core/detail/stop_state.hpp>
#include <tern/core/detail/waiter.hpp>
#include <tern/core/loop.hpp>
#include <tern/core/task.hpp>

namespace tern {

namespace detail {
void report_unretrieved(std::exception_ptr const& error) noexcept;   // spawn.cpp
}

/// Starts tasks that run alongside their starter and keeps them until they end. Each task has
/// its own cancellation; cancel_all() stops every one, and `co_await scope.join()` returns once
/// none is left. An exception escaping a task is logged (nobody can await it). The scope must
/// be joined before it is destroyed.
class TaskScope {
public:
    TaskScope() = default;
    TaskScope(TaskScope const&) = delete;
    TaskScope& operator=(TaskScope const&) = delete;
    ~TaskScope() { assert(running_ == 0 && "a TaskScope died with tasks still running: join it first"); }

    /// Starts `task` now: it runs until its first suspension before spawn returns.
    void spawn(Task<void> task);

    /// Requests cancellation of every running task.
    void cancel_all() noexcept {
        members_.for_each([](Member& m) { m.stop.request_stop(); });
    }

    std::size_t size() const noexcept { return running_; }

    class JoinAwaiter : public detail::Waiter {
    public:
        explicit JoinAwaiter(TaskScope& scope) noexcept : scope_(scope) {}
        bool await_ready() const noexcept { return scope_.running_ == 0; }
        template <typename Promise>
        bool await_suspend(std::coroutine_handle<Promise> coro) noexcept {
            if (!suspend(coro)) return false;
            scope_.joiners_.push_back(*this);
            return true;
        }
        void await_resume() const { throw_if_cancelled(); }

    private:
        TaskScope& scope_;
    };

    /// Waits until no task of the scope is running.
    [[nodiscard]] JoinAwaiter join() noexcept { return JoinAwaiter{*this}; }

private:
    struct Member : detail::ListNode {
        detail::StopState stop;
    };

    struct Driver {
        struct promise_type {
            Member member;
            TaskScope* scope = nullptr;
            Driver get_return_object() noexcept {
                return Driver{std::coroutine_handle<promise_type>::from_promise(*this)};
            }
            std::suspend_always initial_suspend() const noexcept { return {}; }
            struct Final {
                bool await_ready() const noexcept { return false; }
                void await_suspend(std::coroutine_handle<promise_type> h) const noexcept {
                    TaskScope* scope = h.promise().scope;
                    h.destroy();
                    scope->task_ended();
                }
                void await_resume() const noexcept {}
            };
            Final final_suspend() const noexcept { return {}; }
            void return_void() const noexcept {}
            void unhandled_exception() const noexcept { detail::report_unretrieved(std::current_exception()); }
            detail::StopState* stop_state() noexcept { return &member.stop; }
        };
        std::coroutine_handle<promise_type> coro;
    };

    static Driver drive(Task<void> task) { co_await std::move(task); }

    void task_ended() noexcept {
        if (--running_ == 0)
            while (!joiners_.empty()) joiners_.front().wake();
    }

    detail::IntrusiveList<Member> members_;
    detail::IntrusiveList<detail::Waiter> joiners_;
    std::size_t running_ = 0;
};

inline void TaskScope::spawn(Task<void> task) {
    auto driver = drive(std::move(task));
    driver.coro.promise().scope = this;
    members_.push_back(driver.coro.promise().member);
    ++running_;
    driver.coro.resume();
}

}  // namespace tern
