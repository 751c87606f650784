#pragma once
// tern::Event (asyncio.Event): a flag that tasks can wait for.
#include <coroutine>

#include <tern/core/detail/waiter.hpp>

namespace tern {

/// A flag, initially clear. `co_await ev.wait()` returns at once while it is set and otherwise
/// waits for set(). Use on one loop's thread only. Must outlive its waiters.
class Event {
public:
    Event() = default;
    Event(Event const&) = delete;
    Event& operator=(Event const&) = delete;

    /// Sets the flag and wakes every waiter (each resumes on a later turn of the loop).
    void set() noexcept {
        set_ = true;
        while (!waiters_.empty()) waiters_.front().wake();
    }
    void clear() noexcept { set_ = false; }
    bool is_set() const noexcept { return set_; }

    class WaitAwaiter : private detail::Waiter {
    public:
        explicit WaitAwaiter(Event& event) noexcept : event_(event) {}
        bool await_ready() const noexcept { return event_.set_; }
        template <typename Promise>
        bool await_suspend(std::coroutine_handle<Promise> coro) noexcept {
            if (!suspend(coro)) return false;
            event_.waiters_.push_back(*this);
            return true;
        }
        void await_resume() const { throw_if_cancelled(); }

    private:
        friend class Event;
        Event& event_;
    };

    /// Waits until the flag is set. Throws CancelledError if the task is cancelled first.
    [[nodiscard]] WaitAwaiter wait() noexcept { return WaitAwaiter{*this}; }

private:
    bool set_ = false;
    detail::IntrusiveList<detail::Waiter> waiters_;
};

}  // namespace tern
