#pragma once
// Cancellation plumbing shared by every awaitable. Users see only CancelledError.
#include <chrono>
#include <coroutine>
#include <utility>

namespace tern::detail {

/// An operation a task can be suspended in that knows how to stop early: a timer, a queue
/// wait, a gather's children. `cancel()` is called at most once, on the loop thread, while the
/// operation is registered with a StopState; it must eventually resume the waiting coroutine.
class Cancellable {
public:
    virtual void cancel() noexcept = 0;

protected:
    ~Cancellable() = default;
};

/// The cancellation state of one logical task: run()'s main task, a spawned task, or one child
/// of a gather. Every Task awaited inside it shares it, so a stop request reaches whichever
/// coroutine of the chain is suspended. A request is delivered once, as CancelledError, at the
/// task's current suspension point or, if it is running, at its next one (asyncio's rule).
class StopState {
public:
    StopState() = default;
    StopState(StopState const&) = delete;
    StopState& operator=(StopState const&) = delete;

    void request_stop() noexcept {
        if (auto* op = std::exchange(current_, nullptr)) op->cancel();   // delivered through op
        else pending_ = true;
    }

    /// Called by an awaitable as it suspends. Returns false when a stop is pending: the
    /// awaitable must not start its operation and must throw CancelledError instead.
    [[nodiscard]] bool enter(Cancellable* op) noexcept {
        if (std::exchange(pending_, false)) return false;
        current_ = op;
        return true;
    }

    /// Called when the operation completes on its own, before the waiter is resumed.
    void leave(Cancellable* op) noexcept {
        if (current_ == op) current_ = nullptr;
    }

    bool stop_pending() const noexcept { return pending_; }

    /// Consumes a pending request; true if there was one.
    bool take_pending() noexcept { return std::exchange(pending_, false); }

    using Clock = std::chrono::steady_clock;
    /// The nearest deadline of the scopes (tern::timeout, a request's deadline) this task runs
    /// in, or Clock::time_point::max() for none. Children of a gather or wait_for inherit it;
    /// it is information for code that passes it on (the HTTP client sends the time left): the
    /// scope that set it is what cancels the work.
    Clock::time_point deadline() const noexcept { return deadline_; }
    /// Keeps the earlier of the current deadline and `t`.
    void narrow_deadline(Clock::time_point t) noexcept {
        if (t < deadline_) deadline_ = t;
    }

private:
    Cancellable* current_ = nullptr;
    bool pending_ = false;
    Clock::time_point deadline_ = Clock::time_point::max();
};

/// Promises that take part in cancellation expose `stop_state()`.
template <typename Promise>
concept HasStopState = requires(Promise& p) {
    { p.stop_state() } -> std::convertible_to<StopState*>;
};

/// The StopState of the coroutine about to suspend, or null for coroutines that are not tern's.
template <typename Promise>
StopState* stop_state_of(std::coroutine_handle<Promise> h) noexcept {
    if constexpr (HasStopState<Promise>) return h.promise().stop_state();
    else return nullptr;
}

}  // namespace tern::detail
