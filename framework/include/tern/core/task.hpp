#pragma once
// tern::Task<T>: the result of a coroutine (asyncio's `async def f() -> T`).
#include <coroutine>
#include <utility>

#include <tern/core/detail/task_promise.hpp>

namespace tern {

/// The result of a coroutine. Lazy: the body starts when the task is awaited, and the awaiter
/// resumes when it ends, with its value or its exception. Move-only. Destroying a task that
/// never started destroys its frame and parameters; a started task must be awaited to the end
/// (tern's own owners — run, spawn, gather — always do).
template <typename T = void>
class [[nodiscard]] Task {
public:
    using promise_type = detail::TaskPromise<T>;
    using value_type = T;

    Task() noexcept = default;
    Task(Task&& other) noexcept : coro_(std::exchange(other.coro_, {})) {}
    Task& operator=(Task&& other) noexcept {
        if (this != &other) {
            if (coro_) coro_.destroy();
            coro_ = std::exchange(other.coro_, {});
        }
        return *this;
    }
    Task(Task const&) = delete;
    Task& operator=(Task const&) = delete;
    ~Task() {
        if (coro_) coro_.destroy();
    }

    /// True once the body has run to its end (a value or an exception is ready).
    bool done() const noexcept { return !coro_ || coro_.done(); }
    explicit operator bool() const noexcept { return static_cast<bool>(coro_); }

    /// Starts the body (on first await) and resumes the awaiter when it ends. The task's
    /// frame stays owned by this object, so an lvalue await leaves the result readable.
    auto operator co_await() & noexcept { return Awaiter<false>{coro_}; }
    auto operator co_await() && noexcept { return Awaiter<true>{coro_}; }

    /// The coroutine handle, for tern's own drivers (spawn, gather, run). The task keeps it.
    std::coroutine_handle<promise_type> handle() const noexcept { return coro_; }

private:
    friend promise_type;
    explicit Task(std::coroutine_handle<promise_type> coro) noexcept : coro_(coro) {}

    template <bool Move>
    struct Awaiter {
        std::coroutine_handle<promise_type> coro;

        bool await_ready() const noexcept { return !coro || coro.done(); }

        template <typename Promise>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> awaiting) noexcept {
            coro.promise().bind(awaiting, detail::stop_state_of(awaiting));
            return coro;
        }

        // An rvalue await returns T by value, so `auto&& x = co_await f();` cannot dangle
        // once the temporary Task dies; an lvalue await returns a reference into the task.
        decltype(auto) await_resume() {
            if constexpr (Move && !std::is_void_v<T> && !std::is_reference_v<T>)
                return T(std::move(coro.promise()).result());
            else
                return coro.promise().result();
        }
    };

    std::coroutine_handle<promise_type> coro_;
};

namespace detail {
template <typename T>
Task<T> TaskPromise<T>::get_return_object() noexcept {
    return Task<T>{std::coroutine_handle<TaskPromise>::from_promise(*this)};
}
template <typename T>
Task<T&> TaskPromise<T&>::get_return_object() noexcept {
    return Task<T&>{std::coroutine_handle<TaskPromise>::from_promise(*this)};
}
inline Task<void> TaskPromise<void>::get_return_object() noexcept {
    return Task<void>{std::coroutine_handle<TaskPromise>::from_promise(*this)};
}
}  // namespace detail

}  // namespace tern
