#pragma once
// Timers: sleep (asyncio.sleep) and wait_for (asyncio.wait_for).
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <optional>

#include <uv.h>

#include <tern/core/detail/stop_state.hpp>
#include <tern/core/error.hpp>

namespace tern {

namespace detail {

/// Suspends for a duration on a libuv timer embedded in the awaiting frame. The timer is closed
/// before the coroutine resumes (on expiry and on cancellation alike), so the frame never
/// outlives a handle libuv still points into.
class SleepAwaiter final : private Cancellable {
public:
    explicit SleepAwaiter(std::uint64_t milliseconds) noexcept : ms_(milliseconds) {}
    SleepAwaiter(SleepAwaiter const&) = delete;
    SleepAwaiter& operator=(SleepAwaiter const&) = delete;

    bool await_ready() const noexcept { return false; }

    template <typename Promise>
    bool await_suspend(std::coroutine_handle<Promise> waiter) {
        return start(waiter, stop_state_of(waiter));
    }

    void await_resume() const {
        if (cancelled_) throw CancelledError{};
    }

private:
    bool start(std::coroutine_handle<> waiter, StopState* stop);
    void cancel() noexcept override;
    static void on_timer(uv_timer_t* timer) noexcept;
    static void on_close(uv_handle_t* handle) noexcept;

    uv_timer_t timer_{};
    std::uint64_t ms_;
    std::coroutine_handle<> waiter_;
    StopState* stop_ = nullptr;
    bool cancelled_ = false;
};

}  // namespace detail

/// Suspends the calling task for at least `delay` (rounded up to whole milliseconds, libuv's
/// timer resolution); other tasks run meanwhile. `sleep(0ms)` yields to the loop once.
/// Throws CancelledError if the task is cancelled while sleeping.
template <typename Rep, typename Period>
[[nodiscard]] detail::SleepAwaiter sleep(std::chrono::duration<Rep, Period> delay) {
    auto const ms = std::chrono::ceil<std::chrono::milliseconds>(delay).count();
    return detail::SleepAwaiter{ms > 0 ? static_cast<std::uint64_t>(ms) : 0};
}

}  // namespace tern

#include <tern/core/detail/task_group.hpp>
#include <tern/core/task.hpp>

namespace tern {

namespace detail {
Task<void> sleep_task(std::uint64_t milliseconds);
}

/// asyncio.wait_for: runs `task` with a deadline. If the deadline passes first, the task is
/// cancelled and awaited, then TimeoutError is thrown.
template <typename T, typename Rep, typename Period>
Task<T> wait_for(Task<T> task, std::chrono::duration<Rep, Period> timeout) {
    auto const ms = std::chrono::ceil<std::chrono::milliseconds>(timeout).count();
    std::optional<detail::Stored<T>> value;
    std::optional<std::monostate> expired;
    detail::TaskGroup group{2, detail::GroupPolicy::first_completed};
    group.add(detail::run_child(std::move(task), value));
    group.add(detail::run_child(detail::sleep_task(ms > 0 ? static_cast<std::uint64_t>(ms) : 0), expired));
    co_await group;
    if (group.parent_cancelled()) throw CancelledError{};
    if (*group.decisive() == 1) throw TimeoutError{};
    group.rethrow();
    if constexpr (!std::is_void_v<T>) co_return std::move(*value);
}

/// asyncio.timeout as a call: runs `task` with a deadline `when`, like wait_for, and makes
/// the deadline visible to the work inside (current_deadline(); the HTTP client sends the time
/// left to its upstreams). Scopes nest: an inner one cannot extend an outer one, and the
/// nearest deadline wins. At the deadline the task is cancelled (CancelledError at its current
/// await) and awaited, then TimeoutError is thrown here.
template <typename T>
Task<T> deadline(std::chrono::steady_clock::time_point when, Task<T> task) {
    auto const left = std::chrono::ceil<std::chrono::milliseconds>(when - std::chrono::steady_clock::now()).count();
    std::optional<detail::Stored<T>> value;
    std::optional<std::monostate> expired;
    detail::TaskGroup group{2, detail::GroupPolicy::first_completed};
    group.narrow_child_deadline(when);
    group.add(detail::run_child(std::move(task), value));
    group.add(detail::run_child(detail::sleep_task(left > 0 ? static_cast<std::uint64_t>(left) : 0), expired));
    co_await group;
    if (group.parent_cancelled()) throw CancelledError{};
    if (*group.decisive() == 1) throw TimeoutError{};
    group.rethrow();
    if constexpr (!std::is_void_v<T>) co_return std::move(*value);
}

/// `co_await tern::timeout(500ms, work())`: deadline() at now + `after`.
template <typename T, typename Rep, typename Period>
Task<T> timeout(std::chrono::duration<Rep, Period> after, Task<T> task) {
    auto const when = std::chrono::steady_clock::now() + std::chrono::ceil<std::chrono::milliseconds>(after);
    return deadline(when, std::move(task));
}

namespace detail {
class CurrentDeadline {
public:
    bool await_ready() const noexcept { return false; }
    template <typename Promise>
    bool await_suspend(std::coroutine_handle<Promise> coro) noexcept {
        if (StopState const* stop = stop_state_of(coro)) when_ = stop->deadline();
        return false;   // never actually suspends
    }
    std::optional<std::chrono::steady_clock::time_point> await_resume() const noexcept {
        if (when_ == std::chrono::steady_clock::time_point::max()) return std::nullopt;
        return when_;
    }

private:
    std::chrono::steady_clock::time_point when_ = std::chrono::steady_clock::time_point::max();
};
}  // namespace detail

/// `co_await tern::current_deadline()`: the nearest deadline the current task runs under (a
/// tern::timeout scope, the request's deadline), or nullopt.
inline detail::CurrentDeadline current_deadline() noexcept { return {}; }

}  // namespace tern
