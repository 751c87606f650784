#pragma once
// The awaitable behind every libuv fs call: one uv_fs_t in the awaiting frame.
#include <coroutine>
#include <cstdint>

#include <uv.h>

#include <tern/core/detail/stop_state.hpp>
#include <tern/core/error.hpp>
#include <tern/core/loop.hpp>

namespace tern::fs::detail {

using tern::detail::StopState;

/// `co_await FsRequest{[](uv_loop_t* l, uv_fs_t* r, uv_fs_cb cb) { return uv_fs_open(l, r, ..., cb); }}`
/// resumes with the request's result (>= 0) or a negative libuv error. Not-yet-started requests
/// are cancelled; a running one finishes, its result is delivered and the cancellation stays
/// pending. A `shielded` request ignores cancellation (closing a file must always happen).
template <typename Start>
class FsRequest final : private tern::detail::Cancellable {
public:
    explicit FsRequest(Start start, bool shielded = false) : start_(start), shielded_(shielded) {}
    FsRequest(FsRequest const&) = delete;
    FsRequest& operator=(FsRequest const&) = delete;
    ~FsRequest() { uv_fs_req_cleanup(&req_); }

    bool await_ready() const noexcept { return false; }

    template <typename Promise>
    bool await_suspend(std::coroutine_handle<Promise> waiter) {
        stop_ = shielded_ ? nullptr : tern::detail::stop_state_of(waiter);
        if (stop_ && !stop_->enter(this)) {
            result_ = UV_ECANCELED;
            return false;
        }
        waiter_ = waiter;
        req_.data = this;
        int const status = start_(Loop::current().uv(), &req_, &FsRequest::on_done);
        if (status == 0) return true;
        result_ = status;
        if (stop_) stop_->leave(this);
        return false;
    }

    /// The request's result; throws CancelledError if it was cancelled before it started.
    std::int64_t await_resume() const {
        if (result_ == UV_ECANCELED) throw CancelledError{};
        return result_;
    }

    uv_fs_t const& request() const noexcept { return req_; }

private:
    static void on_done(uv_fs_t* req) noexcept {
        auto* self = static_cast<FsRequest*>(req->data);
        self->result_ = req->result;
        if (self->stop_) {
            self->stop_->leave(self);
            if (self->cancel_requested_ && req->result != UV_ECANCELED) self->stop_->request_stop();
        }
        self->waiter_.resume();   // `self` may be destroyed after this line
    }

    void cancel() noexcept override {
        cancel_requested_ = true;
        uv_cancel(reinterpret_cast<uv_req_t*>(&req_));
    }

    uv_fs_t req_{};
    Start start_;
    std::coroutine_handle<> waiter_;
    StopState* stop_ = nullptr;
    std::int64_t result_ = 0;
    bool shielded_;
    bool cancel_requested_ = false;
};

}  // namespace tern::fs::detail
