#pragma once
// tern::Queue<T> (asyncio.Queue): a FIFO between tasks, bounded so producers wait when full.
#include <cassert>
#include <coroutine>
#include <cstddef>
#include <deque>
#include <optional>
#include <utility>

#include <tern/core/detail/waiter.hpp>

namespace tern {

/// A FIFO of T between tasks on one loop. With a capacity, put() waits while the queue is
/// full; get() waits while it is empty. A capacity of 0 means unbounded (asyncio's maxsize=0).
/// Values are handed straight from a waiting producer to a waiting consumer, in order.
/// The queue must outlive its waiters.
template <typename T>
class Queue {
public:
    explicit Queue(std::size_t capacity = 0) : capacity_(capacity) {}
    Queue(Queue const&) = delete;
    Queue& operator=(Queue const&) = delete;

    std::size_t size() const noexcept { return items_.size(); }
    bool empty() const noexcept { return items_.empty(); }
    bool full() const noexcept { return capacity_ != 0 && items_.size() >= capacity_; }
    std::size_t capacity() const noexcept { return capacity_; }

    /// Adds `value` without waiting. Returns false (and leaves value untouched) when full.
    bool try_put(T& value) {
        if (!getters_.empty()) {
            getters_.front().hand(std::move(value));
            return true;
        }
        if (full()) return false;
        items_.push_back(std::move(value));
        return true;
    }

    /// Takes the oldest value without waiting, if there is one.
    std::optional<T> try_get() {
        if (items_.empty()) return std::nullopt;
        std::optional<T> value{std::move(items_.front())};
        items_.pop_front();
        admit_one_putter();
        return value;
    }

    class PutAwaiter : public detail::Waiter {
    public:
        PutAwaiter(Queue& queue, T value) : queue_(queue), value_(std::move(value)) {}
        bool await_ready() { return queue_.putters_.empty() && queue_.try_put(value_); }
        template <typename Promise>
        bool await_suspend(std::coroutine_handle<Promise> coro) noexcept {
            if (!suspend(coro)) return false;
            queue_.putters_.push_back(*this);
            return true;
        }
        void await_resume() const { throw_if_cancelled(); }

    private:
        friend class Queue;
        Queue& queue_;
        T value_;
    };

    class GetAwaiter : public detail::Waiter {
    public:
        explicit GetAwaiter(Queue& queue) noexcept : queue_(queue) {}
        bool await_ready() {
            value_ = queue_.try_get();
            return value_.has_value();
        }
        template <typename Promise>
        bool await_suspend(std::coroutine_handle<Promise> coro) noexcept {
            if (!suspend(coro)) return false;
            queue_.getters_.push_back(*this);
            return true;
        }
        T await_resume() {
            throw_if_cancelled();
            return std::move(*value_);
        }

    private:
        friend class Queue;
        void hand(T&& value) {
            value_.emplace(std::move(value));
            wake();
        }
        Queue& queue_;
        std::optional<T> value_;
    };

    /// Adds a value, waiting while the queue is full. If the task is cancelled while waiting,
    /// CancelledError is thrown and the value is not added.
    [[nodiscard]] PutAwaiter put(T value) { return PutAwaiter{*this, std::move(value)}; }

    /// Takes the oldest value, waiting while the queue is empty.
    [[nodiscard]] GetAwaiter get() noexcept { return GetAwaiter{*this}; }

private:
    // A slot has just opened: the longest-waiting producer's value takes it.
    void admit_one_putter() {
        if (putters_.empty() || full()) return;
        auto& putter = putters_.front();
        items_.push_back(std::move(putter.value_));
        putter.wake();
    }

    std::size_t capacity_;
    std::deque<T> items_;
    detail::IntrusiveList<PutAwaiter> putters_;
    detail::IntrusiveList<GetAwaiter> getters_;
};

}  // namespace tern
