#pragma once
// tern::Semaphore (asyncio.Semaphore) with an RAII permit.
#include <cassert>
#include <coroutine>
#include <cstddef>
#include <optional>
#include <utility>

#include <tern/core/detail/waiter.hpp>

namespace tern {

/// Limits how many tasks hold a permit at once. Waiters are served first come, first served:
/// a released permit goes straight to the longest waiter, never to a newcomer. Use on one
/// loop's thread only; the semaphore must outlive its permits and waiters.
class Semaphore {
public:
    explicit Semaphore(std::size_t permits) noexcept : available_(permits) {}
    Semaphore(Semaphore const&) = delete;
    Semaphore& operator=(Semaphore const&) = delete;

    /// Holds one permit and gives it back when destroyed (or on release()).
    class [[nodiscard]] Permit {
    public:
        Permit() noexcept = default;
        Permit(Permit&& other) noexcept : sem_(std::exchange(other.sem_, nullptr)) {}
        Permit& operator=(Permit&& other) noexcept {
            if (this != &other) {
                release();
                sem_ = std::exchange(other.sem_, nullptr);
            }
            return *this;
        }
        ~Permit() { release(); }

        void release() noexcept {
            if (auto* s = std::exchange(sem_, nullptr)) s->release_one();
        }
        explicit operator bool() const noexcept { return sem_ != nullptr; }

    private:
        friend class Semaphore;
        explicit Permit(Semaphore* sem) noexcept : sem_(sem) {}
        Semaphore* sem_ = nullptr;
    };

    class AcquireAwaiter : private detail::Waiter {
    public:
        explicit AcquireAwaiter(Semaphore& sem) noexcept : sem_(sem) {}
        bool await_ready() noexcept { return sem_.try_take(); }
        template <typename Promise>
        bool await_suspend(std::coroutine_handle<Promise> coro) noexcept {
            if (!suspend(coro)) return false;
            sem_.waiters_.push_back(*this);
            return true;
        }
        Permit await_resume() const {
            throw_if_cancelled();
            return Permit{&sem_};
        }

    private:
        friend class Semaphore;
        Semaphore& sem_;
    };

    /// Waits for a permit. Throws CancelledError if the task is cancelled while waiting (it then
    /// holds nothing).
    [[nodiscard]] AcquireAwaiter acquire() noexcept { return AcquireAwaiter{*this}; }

    /// A permit if one is free right now and nobody is queued for it.
    std::optional<Permit> try_acquire() noexcept {
        if (!try_take()) return std::nullopt;
        return Permit{this};
    }

    std::size_t available() const noexcept { return available_; }

private:
    bool try_take() noexcept {
        if (available_ == 0 || !waiters_.empty()) return false;
        --available_;
        return true;
    }

    void release_one() noexcept {
        if (waiters_.empty()) ++available_;
        else waiters_.front().wake();         // the permit passes to the waiter directly
    }

    std::size_t available_;
    detail::IntrusiveList<detail::Waiter> waiters_;
};

}  // namespace tern
