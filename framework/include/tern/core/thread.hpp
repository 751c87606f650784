#pragma once
// tern::to_thread (asyncio.to_thread): run a blocking function on a worker thread.
#include <coroutine>
#include <exception>
#include <functional>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include <uv.h>

#include <tern/core/detail/stop_state.hpp>
#include <tern/core/detail/stored.hpp>
#include <tern/core/error.hpp>

namespace tern {

namespace detail {

/// Runs `execute()` on libuv's thread pool and resumes the awaiting coroutine on its loop's
/// thread from libuv's after-work callback. The uv_work_t lives in the awaiting frame, which
/// is resumed only after libuv is done with it. Work that has not started yet is cancelled;
/// work already running cannot be interrupted, so its result is delivered and the cancellation
/// stays pending for the task's next suspension point.
class ThreadWork : private Cancellable {
public:
    ThreadWork() = default;
    ThreadWork(ThreadWork const&) = delete;
    ThreadWork& operator=(ThreadWork const&) = delete;

    bool await_ready() const noexcept { return false; }
    template <typename Promise>
    bool await_suspend(std::coroutine_handle<Promise> waiter) {
        return start(waiter, stop_state_of(waiter));
    }

protected:
    ~ThreadWork() = default;
    /// Runs on the worker thread; must not throw (store the exception instead).
    virtual void execute() noexcept = 0;
    void check_resume() const;   // throws CancelledError or the start error

private:
    bool start(std::coroutine_handle<> waiter, StopState* stop);
    void cancel() noexcept override;
    static void on_work(uv_work_t* req) noexcept;
    static void on_after_work(uv_work_t* req, int status) noexcept;

    uv_work_t req_{};
    std::coroutine_handle<> waiter_;
    StopState* stop_ = nullptr;
    int status_ = 0;
    bool cancel_requested_ = false;
};

template <typename F, typename... Args>
class ToThread final : public ThreadWork {
public:
    using result_type = std::invoke_result_t<F&, Args&...>;

    template <typename FF, typename... AA>
    explicit ToThread(FF&& f, AA&&... args) : call_(std::forward<FF>(f), std::forward<AA>(args)...) {}

    result_type await_resume() {
        check_resume();
        if (error_) std::rethrow_exception(error_);
        if constexpr (!std::is_void_v<result_type>) return std::move(*result_);
    }

private:
    void execute() noexcept override {
        try {
            auto call = [](F& f, Args&... args) -> result_type { return std::invoke(f, args...); };
            if constexpr (std::is_void_v<result_type>) {
                std::apply(call, call_);
                result_.emplace();
            } else {
                result_.emplace(std::apply(call, call_));
            }
        } catch (...) {
            error_ = std::current_exception();
        }
    }

    std::tuple<F, Args...> call_;
    std::optional<Stored<result_type>> result_;
    std::exception_ptr error_;
};

}  // namespace detail

/// asyncio.to_thread: calls `f(args...)` on a worker thread while the loop goes on, and
/// resumes the caller on its loop thread with the result or the exception f threw. `f` and
/// `args` are copied (or moved) into the await, so they need not outlive it; f must not touch
/// loop-owned state. libuv's pool has UV_THREADPOOL_SIZE threads (4 unless set), shared
/// with file I/O.
template <typename F, typename... Args>
[[nodiscard]] auto to_thread(F&& f, Args&&... args) {
    return detail::ToThread<std::decay_t<F>, std::decay_t<Args>...>{std::forward<F>(f),
                                                                   std::forward<Args>(args)...};
}

}  // namespace tern
