#pragma once
// The structured-concurrency core behind gather, gather_settled, first and wait_for: run
// child tasks side by side on behalf of one awaiting coroutine, and resume it when all ended.
#include <cassert>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <vector>

#include <tern/core/detail/stop_state.hpp>
#include <tern/core/detail/stored.hpp>
#include <tern/core/task.hpp>

namespace tern::detail {

class TaskGroup;

/// The coroutine that runs one child of a group. Its frame frees itself at the end, after
/// telling the group; the group resumes the parent once the last child has told it.
class GroupChild {
public:
    struct promise_type {
        TaskGroup* group = nullptr;
        std::size_t index = 0;
        StopState* stop = nullptr;
        std::exception_ptr error;

        GroupChild get_return_object() noexcept {
            return GroupChild{std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_always initial_suspend() const noexcept { return {}; }
        struct FinalAwaiter {
            bool await_ready() const noexcept { return false; }
            std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> h) noexcept;
            void await_resume() const noexcept {}
        };
        FinalAwaiter final_suspend() const noexcept { return {}; }
        void return_void() const noexcept {}
        void unhandled_exception() noexcept { error = std::current_exception(); }
        StopState* stop_state() const noexcept { return stop; }
    };
    std::coroutine_handle<promise_type> coro;
};

/// What to do when a child ends.
enum class GroupPolicy {
    wait_all,          // gather_settled: every child runs to its end
    fail_fast,         // gather: the first failure cancels the others
    first_completed,   // first, wait_for: the first child to end cancels the others
};

/// Lives in the awaiting coroutine's frame: add() every child, then `co_await group`. The
/// await returns once every child has ended, so no child outlives the group. If the awaiting
/// task is cancelled meanwhile, every child is cancelled and awaited; parent_cancelled() says so.
class TaskGroup final : private Cancellable {
public:
    TaskGroup(std::size_t size, GroupPolicy policy)
        : stops_(std::make_unique<StopState[]>(size)), errors_(size), policy_(policy) {
        children_.reserve(size);
    }
    TaskGroup(TaskGroup const&) = delete;
    TaskGroup& operator=(TaskGroup const&) = delete;
    ~TaskGroup();

    void add(GroupChild child) noexcept;

    bool await_ready() const noexcept { return children_.empty(); }
    template <typename Promise>
    bool await_suspend(std::coroutine_handle<Promise> parent) {
        return start(parent, stop_state_of(parent));
    }
    void await_resume() const noexcept {}

    bool parent_cancelled() const noexcept { return parent_cancelled_; }
    /// Children start with the parent's deadline, narrowed to `t` (tern::timeout's scope).
    void narrow_child_deadline(StopState::Clock::time_point t) noexcept { child_deadline_ = t; }
    std::exception_ptr const& error(std::size_t index) const noexcept { return errors_[index]; }
    /// The first child to fail (fail_fast) or to end (first_completed), if any.
    std::optional<std::size_t> decisive() const noexcept { return decisive_; }

    /// Throws CancelledError if the parent was cancelled, else the decisive child's exception.
    void rethrow() const;

private:
    friend struct GroupChild::promise_type::FinalAwaiter;
    bool start(std::coroutine_handle<> parent, StopState* parent_stop);
    std::coroutine_handle<> child_ended(std::size_t index, std::exception_ptr error) noexcept;
    void cancel() noexcept override;
    void stop_children() noexcept;

    std::unique_ptr<StopState[]> stops_;
    std::vector<std::exception_ptr> errors_;
    std::vector<std::coroutine_handle<GroupChild::promise_type>> children_;   // null once ended
    std::size_t pending_ = 0;
    std::coroutine_handle<> parent_;
    StopState* parent_stop_ = nullptr;
    StopState::Clock::time_point child_deadline_ = StopState::Clock::time_point::max();
    std::optional<std::size_t> decisive_;
    GroupPolicy policy_;
    bool started_ = false;
    bool parent_cancelled_ = false;
};

/// Runs `task` as a group child, storing its value in `slot` (which outlives the group).
template <typename T>
GroupChild run_child(Task<T> task, std::optional<Stored<T>>& slot) {
    if constexpr (std::is_void_v<T>) {
        co_await std::move(task);
        slot.emplace();
    } else {
        slot.emplace(co_await std::move(task));
    }
}

}  // namespace tern::detail
