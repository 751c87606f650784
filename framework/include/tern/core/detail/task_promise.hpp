#pragma once
// The promise behind tern::Task<T>. Users never name it.
#include <cassert>
#include <coroutine>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>
#include <optional>

#include <tern/core/detail/frame_allocator.hpp>
#include <tern/core/detail/stop_state.hpp>

namespace tern {
template <typename T> class Task;
}

namespace tern::detail {

/// What every Task promise shares: who resumes when the body ends, and which task's
/// cancellation state the body runs under (inherited from whoever awaits it).
class TaskPromiseBase {
public:
    // Frames come from a per-thread recycler (see frame_allocator.hpp).
    static void* operator new(std::size_t size) { return allocate_frame(size); }
    static void operator delete(void* frame, std::size_t size) noexcept { free_frame(frame, size); }

    /// Lazy: the body starts when the task is awaited.
    std::suspend_always initial_suspend() const noexcept { return {}; }

    struct FinalAwaiter {
        bool await_ready() const noexcept { return false; }
        // Symmetric transfer: jumping straight to the awaiting coroutine keeps the stack flat,
        // however long the chain of awaited tasks.
        template <typename Promise>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> h) const noexcept {
            return h.promise().continuation_;
        }
        void await_resume() const noexcept {}
    };
    FinalAwaiter final_suspend() const noexcept { return {}; }

    void unhandled_exception() noexcept { exception_ = std::current_exception(); }

    StopState* stop_state() const noexcept { return stop_; }

    /// Prepares the body to run on behalf of `continuation`, under `stop`.
    void bind(std::coroutine_handle<> continuation, StopState* stop) noexcept {
        continuation_ = continuation;
        stop_ = stop;
    }

protected:
    void rethrow_if_failed() const {
        if (exception_) std::rethrow_exception(exception_);
    }

private:
    std::coroutine_handle<> continuation_ = std::noop_coroutine();
    std::exception_ptr exception_;
    StopState* stop_ = nullptr;
};

template <typename T>
class TaskPromise final : public TaskPromiseBase {
public:
    Task<T> get_return_object() noexcept;

    template <typename U>
        requires std::is_convertible_v<U&&, T>
    void return_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
        value_.emplace(std::forward<U>(value));
    }

    T& result() & {
        rethrow_if_failed();
        assert(value_.has_value() && "Task awaited before it finished");
        return *value_;
    }
    T&& result() && { return std::move(result()); }

private:
    std::optional<T> value_;
};

template <typename T>
class TaskPromise<T&> final : public TaskPromiseBase {
public:
    Task<T&> get_return_object() noexcept;
    void return_value(T& value) noexcept { value_ = std::addressof(value); }
    T& result() {
        rethrow_if_failed();
        return *value_;
    }

private:
    T* value_ = nullptr;
};

template <>
class TaskPromise<void> final : public TaskPromiseBase {
public:
    Task<void> get_return_object() noexcept;
    void return_void() const noexcept {}
    void result() const { rethrow_if_failed(); }
};

}  // namespace tern::detail
