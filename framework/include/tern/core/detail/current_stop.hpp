#pragma once
// `co_await current_stop_state()` gives a coroutine the StopState it runs under, so that an
// owner (the server's connection list) can cancel it later.
#include <coroutine>

#include <tern/core/detail/stop_state.hpp>

namespace tern::detail {

class CurrentStopState {
public:
    bool await_ready() const noexcept { return false; }
    template <typename Promise>
    bool await_suspend(std::coroutine_handle<Promise> coro) noexcept {
        stop_ = stop_state_of(coro);
        return false;   // never actually suspends
    }
    StopState* await_resume() const noexcept { return stop_; }

private:
    StopState* stop_ = nullptr;
};

inline CurrentStopState current_stop_state() noexcept { return {}; }

}  // namespace tern::detail
