#pragma once
// tern::shield (asyncio.shield): work that must finish even if its caller is cancelled.
#include <coroutine>
#include <type_traits>
#include <utility>

#include <tern/core/detail/stop_state.hpp>
#include <tern/core/error.hpp>
#include <tern/core/task.hpp>

namespace tern {

namespace detail {

/// Awaits a task under a StopState of its own, so that a cancellation of the awaiting task (a
/// client leaving, a deadline, a drain's end) does not reach it. The cancellation is kept: once
/// the task has finished, the awaiter throws CancelledError instead of returning its result,
/// as asyncio.shield's caller sees. The shielded work runs without the caller's deadline.
template <typename T>
class ShieldAwaiter final : private Cancellable {
public:
    explicit ShieldAwaiter(Task<T> task) noexcept : task_(std::move(task)) {}
    ShieldAwaiter(ShieldAwaiter const&) = delete;
    ShieldAwaiter& operator=(ShieldAwaiter const&) = delete;

    bool await_ready() const noexcept { return task_.done(); }

    template <typename Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> awaiting) noexcept {
        parent_ = stop_state_of(awaiting);
        if (parent_ && !parent_->enter(this)) {
            parent_ = nullptr;
            cancelled_ = true;   // a stop was pending: the work still runs to its end first
        }
        task_.handle().promise().bind(awaiting, &own_);
        return task_.handle();
    }

    T await_resume() {
        if (parent_ && !cancelled_) parent_->leave(this);
        if (cancelled_) {
            try {
                (void)task_.handle().promise().result();
            } catch (...) {
            }
            throw CancelledError{};
        }
        if constexpr (std::is_void_v<T>) task_.handle().promise().result();
        else return T(std::move(task_.handle().promise()).result());
    }

private:
    // Remembered, not passed on: the shielded task resumes the caller when it ends.
    void cancel() noexcept override { cancelled_ = true; }

    Task<T> task_;
    StopState own_;
    StopState* parent_ = nullptr;
    bool cancelled_ = false;
};

}  // namespace detail

/// `co_await tern::shield(save(order))`: `save` runs to its end even if the awaiting task is
/// cancelled meanwhile; the awaiting task then gets CancelledError at this await, after the
/// work is done. Await it at once (it refers to the awaiting coroutine's frame).
template <typename T>
detail::ShieldAwaiter<T> shield(Task<T> task) noexcept {
    return detail::ShieldAwaiter<T>(std::move(task));
}

}  // namespace tern
