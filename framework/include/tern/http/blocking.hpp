#pragma once
// tern::blocking: run a plain, blocking handler on a worker pool of its own, so that neither
// the loop nor libuv's pool (file I/O, to_thread) waits for it.
#include <condition_variable>
#include <coroutine>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <tern/core/error.hpp>
#include <tern/http/error.hpp>
#include <tern/http/middleware.hpp>
#include <tern/core/task.hpp>

namespace tern {

class Loop;

/// A fixed set of worker threads with a bounded queue. A job that finds the queue full is
/// refused (the request gets 503) rather than queued without bound.
class BlockingPool {
public:
    BlockingPool(unsigned threads, std::size_t queue_capacity);
    ~BlockingPool();   // finishes queued jobs, then joins the workers
    BlockingPool(BlockingPool const&) = delete;
    BlockingPool& operator=(BlockingPool const&) = delete;

    /// The pool of the App being served on this thread (null outside a server loop).
    static BlockingPool* current() noexcept;
    static void set_current(BlockingPool* pool) noexcept;

    std::size_t queue_depth() const;
    std::size_t rejected() const;

    /// A job in the awaiting coroutine's frame: run() on a worker, then resumed on its loop.
    class Job {
    public:
        virtual void run() noexcept = 0;

    protected:
        ~Job() = default;

    private:
        friend class BlockingPool;
        std::coroutine_handle<> waiter_;
        Loop* loop_ = nullptr;
    };

    /// Queues `job` and arranges for `waiter` to resume on the current loop once it has run.
    /// Returns false, queuing nothing, when the queue is full.
    bool submit(Job& job, std::coroutine_handle<> waiter);

private:
    void work() noexcept;

    unsigned threads_;                 // started on the first submit: most apps never offload
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<Job*> queue_;
    std::size_t capacity_;
    std::size_t rejected_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

namespace detail {

template <typename F>
class BlockingCall final : public BlockingPool::Job {
public:
    BlockingCall(BlockingPool& pool, F& f, Request& req) noexcept : pool_(pool), f_(f), req_(req) {}
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> waiter) {
        refused_ = !pool_.submit(*this, waiter);
        return !refused_;
    }
    Response await_resume() {
        if (refused_) throw HttpError(503, "the server is busy: too many blocking requests are queued");
        if (error_) std::rethrow_exception(error_);
        return std::move(*response_);
    }

private:
    void run() noexcept override {
        try {
            response_.emplace(f_(req_));
        } catch (...) {
            error_ = std::current_exception();
        }
    }
    BlockingPool& pool_;
    F& f_;
    Request& req_;
    std::optional<Response> response_;
    std::exception_ptr error_;
    bool refused_ = false;
};

}  // namespace detail

/// Wraps a plain `Response(Request&)` function as a handler that runs on the App's blocking
/// pool: the loop goes on serving other requests meanwhile, and the response is written from
/// the connection's own loop. The function must not touch loop-owned state. When the pool's
/// queue is full the request gets 503.
template <typename F>
    requires std::is_invocable_r_v<Response, F&, Request&>
Handler blocking(F f) {
    return [f = std::move(f)](Request& req) mutable -> Task<Response> {
        BlockingPool* pool = BlockingPool::current();
        if (!pool) throw HttpError(500, "tern::blocking used outside a server");
        co_return co_await detail::BlockingCall<F>{*pool, f, req};
    };
}

}  // namespace tern
