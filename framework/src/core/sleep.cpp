#include <tern/core/time.hpp>

#include <tern/core/loop.hpp>

namespace tern::detail {

bool SleepAwaiter::start(std::coroutine_handle<> waiter, StopState* stop) {
    stop_ = stop;
    if (stop_ && !stop_->enter(this)) {
        cancelled_ = true;
        return false;
    }
    waiter_ = waiter;
    uv_loop_t* loop = Loop::current().uv();
    uv_timer_init(loop, &timer_);
    timer_.data = this;
    // libuv measures from the loop's cached, whole-millisecond clock, which can lag the real
    // time by a millisecond or more; refreshing it and adding one keeps "at least the delay" true.
    uv_update_time(loop);
    uv_timer_start(&timer_, &SleepAwaiter::on_timer, ms_ ? ms_ + 1 : 0, 0);
    return true;
}

void SleepAwaiter::on_timer(uv_timer_t* timer) noexcept {
    auto* self = static_cast<SleepAwaiter*>(timer->data);
    if (self->stop_) self->stop_->leave(self);
    uv_close(reinterpret_cast<uv_handle_t*>(timer), &SleepAwaiter::on_close);
}

void SleepAwaiter::cancel() noexcept {
    cancelled_ = true;
    uv_timer_stop(&timer_);
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), &SleepAwaiter::on_close);
}

void SleepAwaiter::on_close(uv_handle_t* handle) noexcept {
    auto* self = static_cast<SleepAwaiter*>(handle->data);
    self->waiter_.resume();   // `self` may be destroyed after this line
}

}  // namespace tern::detail

namespace tern::detail {

Task<void> sleep_task(std::uint64_t milliseconds) { co_await SleepAwaiter{milliseconds}; }

}  // namespace tern::detail
