#pragma once
// The one awaitable behind every in-memory wait (Event, Semaphore, Queue, a spawned task's
// result): a node in its owner's waiter list, woken through the loop's ready queue.
#include <coroutine>

#include <tern/core/detail/intrusive_list.hpp>
#include <tern/core/detail/stop_state.hpp>
#include <tern/core/error.hpp>

namespace tern::detail {

/// Lives in the waiting coroutine's frame, linked into the owner's list while it waits.
/// Whoever wakes it hands over what it waited for first (a permit, a value), then calls
/// wake(); a cancelled waiter leaves the list without having received anything.
class Waiter : public ListNode, private Cancellable {
public:
    /// Registers the wait. Returns false when a cancellation is pending: do not suspend.
    template <typename Promise>
    bool suspend(std::coroutine_handle<Promise> coro) noexcept {
        stop_ = stop_state_of(coro);
        if (stop_ && !stop_->enter(this)) {
            cancelled_ = true;
            return false;
        }
        coro_ = coro;
        return true;
    }

    /// Unlinks the waiter and resumes it on a later turn of the loop.
    void wake() noexcept;

    /// Throws CancelledError if the wait ended by cancellation rather than wake().
    void throw_if_cancelled() const {
        if (cancelled_) throw CancelledError{};
    }

private:
    void cancel() noexcept override;

    std::coroutine_handle<> coro_;
    StopState* stop_ = nullptr;
    bool cancelled_ = false;
};

}  // namespace tern::detail
