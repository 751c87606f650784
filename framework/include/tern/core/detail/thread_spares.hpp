#pragma once
// A thread's stack of spare objects kept for reuse (connection read buffers, response bodies).
#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace tern::detail {

/// Calls `reap(arg)` when the calling thread exits, among its thread_local destructors (the
/// latest registered first). False, and `reap` is never called, when there is no room to
/// remember it or the thread's reapers have already run.
bool reap_at_thread_exit(void (*reap)(void*) noexcept, void* arg) noexcept;

/// At most Capacity spare T's for this thread. Constant-initialised and trivially
/// destructible, so a thread reaches its spares with one TLS-relative address, without the
/// guard and wrapper call that a thread_local std::vector costs on every use (~30 instructions
/// per take and give back; callgrind). The objects live in raw slots, built and destroyed by
/// hand; the first push arranges for what is left to be destroyed at thread exit, after which
/// the stack keeps nothing. Declare one per use, at namespace scope:
///
///     constinit thread_local ThreadSpares<std::string, 64> spare_bodies;
template <typename T, std::size_t Capacity>
class ThreadSpares {
public:
    constexpr ThreadSpares() noexcept = default;

    bool empty() const noexcept { return count_ == 0; }
    bool full() const noexcept { return count_ == Capacity; }

    /// The last one kept. Not on an empty stack.
    T pop() noexcept {
        T* const slot = at(--count_);
        T taken = std::move(*slot);
        std::destroy_at(slot);
        return taken;
    }

    /// Keeps `value` (moved from), or returns false and leaves it alone when the stack is full
    /// or the thread is exiting.
    bool push(T&& value) noexcept {
        if (count_ == Capacity) return false;
        if (state_ != State::alive && !arm()) return false;
        ::new (static_cast<void*>(slots_[count_])) T(std::move(value));
        ++count_;
        return true;
    }

private:
    enum class State : unsigned char { unborn, alive, gone };

    T* at(std::size_t i) noexcept { return std::launder(reinterpret_cast<T*>(slots_[i])); }

    [[gnu::noinline]] bool arm() noexcept {
        if (state_ == State::gone || !reap_at_thread_exit(&reap, this)) return false;
        state_ = State::alive;
        return true;
    }

    static void reap(void* self) noexcept {
        auto& spares = *static_cast<ThreadSpares*>(self);
        spares.state_ = State::gone;
        while (spares.count_ > 0) std::destroy_at(spares.at(--spares.count_));
    }

    alignas(T) unsigned char slots_[Capacity][sizeof(T)] = {};
    std::size_t count_ = 0;
    State state_ = State::unborn;
};

}  // namespace tern::detail
