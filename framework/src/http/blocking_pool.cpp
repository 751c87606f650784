#include <tern/http/blocking.hpp>

#include <tern/core/loop.hpp>

namespace tern {

namespace {
thread_local BlockingPool* current_pool = nullptr;
}

BlockingPool* BlockingPool::current() noexcept { return current_pool; }
void BlockingPool::set_current(BlockingPool* pool) noexcept { current_pool = pool; }

BlockingPool::BlockingPool(unsigned threads, std::size_t queue_capacity)
    : threads_(threads), capacity_(queue_capacity) {}

BlockingPool::~BlockingPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& w : workers_) w.join();
}

std::size_t BlockingPool::queue_depth() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

std::size_t BlockingPool::rejected() const {
    std::lock_guard lock(mutex_);
    return rejected_;
}

bool BlockingPool::submit(Job& job, std::coroutine_handle<> waiter) {
    job.waiter_ = waiter;
    job.loop_ = &Loop::current();
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= capacity_ || threads_ == 0) {
            ++rejected_;
            return false;
        }
        if (workers_.empty()) {
            workers_.reserve(threads_);
            for (unsigned i = 0; i < threads_; ++i) workers_.emplace_back([this] { work(); });
        }
        queue_.push_back(&job);
    }
    job.loop_->expect_post();
    ready_.notify_one();
    return true;
}

void BlockingPool::work() noexcept {
    for (;;) {
        Job* job = nullptr;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;
            job = queue_.front();
            queue_.pop_front();
        }
        job->run();
        job->loop_->post(job->waiter_);   // the loop's thread resumes the handler
    }
}

}  // namespace tern
