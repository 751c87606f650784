#pragma once
// The event loop that owns a thread's libuv loop, and tern::run (asyncio.run).
#include <coroutine>
#include <deque>
#include <mutex>
#include <vector>
#include <utility>

#include <uv.h>

#include <tern/core/detail/intrusive_list.hpp>
#include <tern/core/detail/stop_state.hpp>
#include <tern/core/task.hpp>

namespace tern {

namespace detail {
/// A background task the loop must cancel and wait for before it can close (see spawn.hpp).
class SpawnNode : public ListNode {
public:
    StopState stop;
    bool cancel_sent = false;
};
}  // namespace detail

/// One libuv loop, owned by the thread that created it and used only from that thread. It
/// outlives every task, handle and connection it runs: its destructor closes whatever handles
/// remain and requires libuv to report the loop closed.
class Loop {
public:
    Loop();
    ~Loop();
    Loop(Loop const&) = delete;
    Loop& operator=(Loop const&) = delete;

    /// The loop running on this thread. There must be one (inside tern::run).
    static Loop& current() noexcept;
    /// The loop running on this thread, or null.
    static Loop* try_current() noexcept;

    uv_loop_t* uv() noexcept { return &loop_; }

    /// Resumes `coro` on a later turn of this loop, after earlier scheduled coroutines and
    /// after libuv has polled for I/O at least once more, so wake-ups never nest on the stack.
    void schedule(std::coroutine_handle<> coro);

    /// Announces, on the loop thread, that another thread will post() one coroutine here. The
    /// loop stays alive (does not report a deadlock) until that post has arrived.
    void expect_post() noexcept;

    /// Thread-safe: resumes `coro` on this loop's thread soon. Pair each with expect_post().
    void post(std::coroutine_handle<> coro);

    /// Runs `main` (already bound to `stop`) to completion, then cancels and drains every
    /// spawned task. Throws std::runtime_error if main waits for something that can never
    /// happen (nothing left to run, no timers, no I/O).
    void run_main(std::coroutine_handle<> main, detail::StopState& stop);

    /// Spawned tasks register here so that the loop can cancel and await them at the end.
    void adopt(detail::SpawnNode& node) noexcept { spawned_.push_back(node); }

private:
    static void on_idle(uv_idle_t* idle) noexcept;
    static void on_posted(uv_async_t* async) noexcept;
    bool turn();
    void drain_spawned();
    void close_all_handles();

    uv_loop_t loop_{};
    uv_idle_t idle_{};   // active exactly while ready_ is non-empty, so polling does not block
    std::deque<std::coroutine_handle<>> ready_;
    detail::IntrusiveList<detail::SpawnNode> spawned_;

    uv_async_t posted_async_{};      // referenced only while posts are expected
    std::size_t posts_expected_ = 0;
    std::mutex posted_mutex_;
    std::vector<std::coroutine_handle<>> posted_;   // guarded by posted_mutex_
    std::vector<std::coroutine_handle<>> posted_batch_;
};

/// asyncio.run: creates a loop on this thread, runs `main` to completion and returns its value
/// or rethrows its exception. Spawned tasks still running when main ends are cancelled and
/// awaited, and every handle is closed, before run returns.
template <typename T>
T run(Task<T> main) {
    Loop loop;
    detail::StopState stop;
    main.handle().promise().bind(std::noop_coroutine(), &stop);
    loop.run_main(main.handle(), stop);
    if constexpr (std::is_void_v<T>) main.handle().promise().result();
    else if constexpr (std::is_reference_v<T>) return main.handle().promise().result();
    else return std::move(main.handle().promise()).result();
}

}  // namespace tern
