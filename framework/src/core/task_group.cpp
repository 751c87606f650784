#include <tern/core/detail/task_group.hpp>

#include <tern/core/error.hpp>

namespace tern::detail {

std::coroutine_handle<> GroupChild::promise_type::FinalAwaiter::await_suspend(
    std::coroutine_handle<promise_type> h) noexcept {
    auto& promise = h.promise();
    TaskGroup* group = promise.group;
    std::size_t const index = promise.index;
    std::exception_ptr error = std::move(promise.error);
    h.destroy();   // the child is suspended at its end, so its frame may go now
    return group->child_ended(index, std::move(error));
}

TaskGroup::~TaskGroup() {
    // Children never started (the parent was cancelled before the await) still own frames.
    if (!started_)
        for (auto child : children_) child.destroy();
}

void TaskGroup::add(GroupChild child) noexcept {
    auto& promise = child.coro.promise();
    promise.group = this;
    promise.index = children_.size();
    promise.stop = &stops_[children_.size()];
    children_.push_back(child.coro);
}

bool TaskGroup::start(std::coroutine_handle<> parent, StopState* parent_stop) {
    parent_ = parent;
    parent_stop_ = parent_stop;
    if (parent_stop_ && !parent_stop_->enter(this)) {
        parent_cancelled_ = true;
        return false;
    }
    started_ = true;
    for (std::size_t i = 0; i < children_.size(); ++i) {
        if (parent_stop_) stops_[i].narrow_deadline(parent_stop_->deadline());
        stops_[i].narrow_deadline(child_deadline_);
    }
    // One extra count holds the group open while children start: a child that ends without
    // suspending must not resume the parent from inside this loop.
    pending_ = children_.size() + 1;
    for (std::size_t i = 0; i < children_.size(); ++i)
        if (children_[i]) children_[i].resume();
    if (--pending_ > 0) return true;
    if (parent_stop_) parent_stop_->leave(this);
    return false;
}

std::coroutine_handle<> TaskGroup::child_ended(std::size_t index, std::exception_ptr error) noexcept {
    children_[index] = nullptr;
    bool const failed = static_cast<bool>(error);
    errors_[index] = std::move(error);
    if (!decisive_ && ((policy_ == GroupPolicy::fail_fast && failed) ||
                       policy_ == GroupPolicy::first_completed)) {
        decisive_ = index;
        stop_children();
    }
    if (--pending_ > 0) return std::noop_coroutine();
    if (parent_stop_) parent_stop_->leave(this);
    return parent_;
}

void TaskGroup::cancel() noexcept {
    parent_cancelled_ = true;
    stop_children();
}

void TaskGroup::stop_children() noexcept {
    for (std::size_t i = 0; i < children_.size(); ++i)
        if (children_[i]) stops_[i].request_stop();
}

void TaskGroup::rethrow() const {
    if (parent_cancelled_) throw CancelledError{};
    if (decisive_ && errors_[*decisive_]) std::rethrow_exception(errors_[*decisive_]);
}

}  // namespace tern::detail
