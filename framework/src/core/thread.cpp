#include <tern/core/thread.hpp>

#include <system_error>

#include <tern/core/loop.hpp>

namespace tern::detail {

bool ThreadWork::start(std::coroutine_handle<> waiter, StopState* stop) {
    stop_ = stop;
    if (stop_ && !stop_->enter(this)) {
        status_ = UV_ECANCELED;
        return false;
    }
    waiter_ = waiter;
    req_.data = this;
    status_ = uv_queue_work(Loop::current().uv(), &req_, &ThreadWork::on_work, &ThreadWork::on_after_work);
    if (status_ == 0) return true;
    if (stop_) stop_->leave(this);
    return false;
}

void ThreadWork::on_work(uv_work_t* req) noexcept { static_cast<ThreadWork*>(req->data)->execute(); }

void ThreadWork::on_after_work(uv_work_t* req, int status) noexcept {
    auto* self = static_cast<ThreadWork*>(req->data);
    self->status_ = status;
    if (self->stop_) {
        self->stop_->leave(self);
        // The work ran despite a cancel: deliver its result, cancel at the next suspension.
        if (self->cancel_requested_ && status == 0) self->stop_->request_stop();
    }
    self->waiter_.resume();   // `self` may be destroyed after this line
}

void ThreadWork::cancel() noexcept {
    cancel_requested_ = true;
    uv_cancel(reinterpret_cast<uv_req_t*>(&req_));   // fails harmlessly once the work is running
}

void ThreadWork::check_resume() const {
    if (status_ == UV_ECANCELED) throw CancelledError{};
    if (status_ < 0) throw std::system_error(uv_error(status_), "to_thread");
}

}  // namespace tern::detail
