#pragma once
// tern::spawn (asyncio.create_task) and the handle it returns.
#include <cassert>
#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include <tern/core/detail/stored.hpp>
#include <tern/core/detail/waiter.hpp>
#include <tern/core/loop.hpp>
#include <tern/core/task.hpp>

namespace tern {

namespace detail {

/// Called when a spawned task's exception can no longer be retrieved by anyone: it is logged,
/// never lost (asyncio's "Task exception was never retrieved"). CancelledError is not logged.
void report_unretrieved(std::exception_ptr const& error) noexcept;

/// Shared by the running task (its driver) and the handles to it; the last one frees it.
/// Single-threaded: handles stay on the task's loop.
template <typename T>
class SpawnState final : public SpawnNode {
public:
    void add_ref() noexcept { ++refs_; }
    void release() noexcept {
        if (--refs_ == 0) delete this;
    }

    void finish(std::optional<Stored<T>> value, std::exception_ptr error) noexcept {
        unlink();                    // the loop no longer needs to wait for this task
        value_ = std::move(value);
        error_ = std::move(error);
        finished_ = true;
        while (!waiters_.empty()) waiters_.front().wake();
        if (error_ && handles_ == 0) report_unretrieved(error_);
    }

    void handle_attached() noexcept {
        ++handles_;
        add_ref();
    }
    void handle_detached() noexcept {
        if (--handles_ == 0 && finished_ && error_ && !retrieved_) report_unretrieved(error_);
        release();
    }

    bool finished() const noexcept { return finished_; }
    IntrusiveList<Waiter>& waiters() noexcept { return waiters_; }

    /// Copies the value out when it can, so that several awaiters may each read it; a
    /// move-only value is moved out to the first.
    Stored<T> result() {
        retrieved_ = true;
        if (error_) std::rethrow_exception(error_);
        if constexpr (std::is_copy_constructible_v<Stored<T>>) return *value_;
        else return std::move(*value_);
    }

private:
    ~SpawnState() = default;
    unsigned refs_ = 1;      // the driver's
    unsigned handles_ = 0;
    bool finished_ = false;
    bool retrieved_ = false;
    std::optional<Stored<T>> value_;
    std::exception_ptr error_;
    IntrusiveList<Waiter> waiters_;
};

/// The coroutine that runs a spawned task on its own: started on the next turn of the loop,
/// never awaited, its frame freed when it ends.
class SpawnDriver {
public:
    struct promise_type {
        StopState* stop = nullptr;
        SpawnDriver get_return_object() noexcept {
            return SpawnDriver{std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_always initial_suspend() const noexcept { return {}; }
        std::suspend_never final_suspend() const noexcept { return {}; }
        void return_void() const noexcept {}
        void unhandled_exception() const noexcept { std::terminate(); }   // the body catches all
        StopState* stop_state() const noexcept { return stop; }
    };
    std::coroutine_handle<promise_type> coro;
};

template <typename T>
SpawnDriver drive_spawned(Task<T> task, SpawnState<T>* state) {
    std::optional<Stored<T>> value;
    std::exception_ptr error;
    try {
        // Cancelled before it ever ran: the body never starts (asyncio does the same).
        if (state->stop.take_pending()) throw CancelledError{};
        if constexpr (std::is_void_v<T>) {
            co_await std::move(task);
            value.emplace();
        } else {
            value.emplace(co_await std::move(task));
        }
    } catch (...) {
        error = std::current_exception();
    }
    state->finish(std::move(value), std::move(error));
    state->release();
}

}  // namespace detail

/// A handle to a spawned task. Copyable; the task runs to its end whether or not any handle
/// is left (the loop owns it and cancels it when run() returns).
template <typename T>
class TaskHandle {
public:
    explicit TaskHandle(detail::SpawnState<T>* state) noexcept : state_(state) { state_->handle_attached(); }
    TaskHandle(TaskHandle const& other) noexcept : TaskHandle(other.state_) {}
    TaskHandle& operator=(TaskHandle other) noexcept {
        std::swap(state_, other.state_);
        return *this;
    }
    ~TaskHandle() {
        if (state_) state_->handle_detached();
    }

    /// True once the task has finished, with a value, an exception or by cancellation.
    bool done() const noexcept { return state_->finished(); }

    /// Asks the task to stop: it sees CancelledError at its current or next suspension point.
    /// Awaiting the handle afterwards throws CancelledError unless the task caught it.
    void cancel() noexcept {
        if (!state_->finished()) state_->stop.request_stop();
    }

    class Awaiter : public detail::Waiter {
    public:
        explicit Awaiter(detail::SpawnState<T>* state) noexcept : state_(state) {}
        bool await_ready() const noexcept { return state_->finished(); }
        template <typename Promise>
        bool await_suspend(std::coroutine_handle<Promise> coro) noexcept {
            if (!suspend(coro)) return false;
            state_->waiters().push_back(*this);
            return true;
        }
        /// The task's value, or its exception rethrown. Cancelling the awaiting task stops the
        /// wait only; the spawned task keeps running.
        detail::Stored<T> await_resume() {
            throw_if_cancelled();
            return state_->result();
        }

    private:
        detail::SpawnState<T>* state_;
    };

    /// Waits for the task to finish. The handle must outlive the await.
    Awaiter operator co_await() const noexcept { return Awaiter{state_}; }

private:
    detail::SpawnState<T>* state_;
};

/// asyncio.create_task: starts `task` on the current loop's next turn, running alongside the
/// caller. The loop owns it; when run() returns, unfinished tasks are cancelled and awaited.
/// An exception nobody retrieves through a handle is logged.
template <typename T>
TaskHandle<T> spawn(Task<T> task) {
    auto* state = new detail::SpawnState<T>();
    TaskHandle<T> handle{state};
    auto driver = detail::drive_spawned(std::move(task), state);
    driver.coro.promise().stop = &state->stop;
    Loop& loop = Loop::current();
    loop.adopt(*state);
    loop.schedule(driver.coro);
    return handle;
}

namespace detail {
template <typename R>
struct is_task_type : std::false_type {};
template <typename R>
struct is_task_type<Task<R>> : std::true_type {};

// The callable is a parameter, so it lives in this coroutine's frame for as long as the task
// it made runs: a lambda's captures cannot dangle.
template <typename F>
auto invoke_kept(F f) -> std::invoke_result_t<F&> {
    co_return co_await f();
}
}  // namespace detail

/// spawn(callable): calls `f()` (which returns a Task) and spawns the task, keeping `f` itself
/// alive until the task ends (folly's co_invoke), so a capturing lambda is safe here:
///     tern::spawn([conn, n]() -> tern::Task<> { co_await conn->send(n); });
template <typename F>
    requires(std::is_invocable_v<F&> && detail::is_task_type<std::invoke_result_t<F&>>::value)
auto spawn(F f) {
    return spawn(detail::invoke_kept(std::move(f)));
}

}  // namespace tern
