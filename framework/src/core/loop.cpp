#include <tern/core/loop.hpp>

#include <csignal>
#include <cassert>
#include <mutex>
#include <cstdio>
#include <exception>
#include <stdexcept>

#include <tern/core/error.hpp>
#include <tern/core/log.hpp>

namespace tern {

namespace {
thread_local Loop* current_loop = nullptr;

void check_uv(int status, char const* what) {
    if (status < 0) throw std::system_error(uv_error(status), what);
}
}  // namespace

namespace {
// Writing to a socket whose peer has gone raises SIGPIPE, which kills the process by default;
// libuv writes with write(2), not send(MSG_NOSIGNAL). A server must survive a client leaving
// mid-response, so SIGPIPE is ignored (the write then fails with EPIPE, which tern handles),
// unless the program installed a handler of its own. Python and Node do the same.
void ignore_sigpipe_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction current {};
        if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) ::signal(SIGPIPE, SIG_IGN);
    });
}
}  // namespace

Loop::Loop() {
    assert(current_loop == nullptr && "one tern::Loop per thread");
    ignore_sigpipe_once();
    check_uv(uv_loop_init(&loop_), "uv_loop_init");
    uv_idle_init(&loop_, &idle_);
    idle_.data = this;
    uv_async_init(&loop_, &posted_async_, &Loop::on_posted);
    posted_async_.data = this;
    uv_unref(reinterpret_cast<uv_handle_t*>(&posted_async_));
    current_loop = this;
}

Loop::~Loop() {
    close_all_handles();
    [[maybe_unused]] int const status = uv_loop_close(&loop_);
    assert(status == 0 && "a libuv handle or request outlived its loop");
    current_loop = nullptr;
}

Loop& Loop::current() noexcept {
    assert(current_loop && "no tern loop on this thread: call this inside tern::run");
    return *current_loop;
}

Loop* Loop::try_current() noexcept { return current_loop; }

void Loop::schedule(std::coroutine_handle<> coro) {
    if (ready_.empty()) uv_idle_start(&idle_, &Loop::on_idle);
    ready_.push_back(coro);
}

void Loop::on_idle(uv_idle_t* idle) noexcept {
    auto* self = static_cast<Loop*>(idle->data);
    // Only what was ready when this turn began runs now; what those coroutines schedule waits
    // for the next turn, so a busy chain of wake-ups cannot starve I/O.
    for (auto n = self->ready_.size(); n > 0; --n) {
        auto coro = self->ready_.front();
        self->ready_.pop_front();
        coro.resume();
    }
    if (self->ready_.empty()) uv_idle_stop(&self->idle_);
}

void Loop::expect_post() noexcept {
    if (posts_expected_++ == 0) uv_ref(reinterpret_cast<uv_handle_t*>(&posted_async_));
}

void Loop::post(std::coroutine_handle<> coro) {
    {
        std::lock_guard lock(posted_mutex_);
        posted_.push_back(coro);
    }
    uv_async_send(&posted_async_);
}

void Loop::on_posted(uv_async_t* async) noexcept {
    auto* self = static_cast<Loop*>(async->data);
    {
        std::lock_guard lock(self->posted_mutex_);
        std::swap(self->posted_, self->posted_batch_);
    }
    for (auto coro : self->posted_batch_) {
        if (--self->posts_expected_ == 0) uv_unref(reinterpret_cast<uv_handle_t*>(&self->posted_async_));
        coro.resume();
    }
    self->posted_batch_.clear();
}

// One turn of the loop. Returns false when nothing could ever wake a waiting coroutine.
bool Loop::turn() { return uv_run(&loop_, UV_RUN_ONCE) != 0 || !ready_.empty(); }

void Loop::run_main(std::coroutine_handle<> main, detail::StopState& stop) {
    main.resume();
    bool deadlocked = false;
    while (!main.done()) {
        if (turn() || main.done()) continue;
        if (deadlocked) {
            std::fputs("tern::run: the main task ignored cancellation after a deadlock\n", stderr);
            std::terminate();
        }
        deadlocked = true;        // cancel main so its frames unwind, then report
        stop.request_stop();
    }
    drain_spawned();
    if (deadlocked)
        throw std::runtime_error(
            "tern::run: deadlock: the main task waited for something that can never happen "
            "(no ready task, timer or I/O was left to wake it)");
}

void Loop::drain_spawned() {
    while (!spawned_.empty()) {
        spawned_.for_each([](detail::SpawnNode& node) {
            if (!std::exchange(node.cancel_sent, true)) node.stop.request_stop();
        });
        if (!turn() && !spawned_.empty()) {
            // Each is waiting on something uncancellable that will never come; their frames
            // cannot be destroyed safely, so they are abandoned with a message.
            log_error("tern::run: {} background task(s) could not be cancelled and were abandoned",
                      spawned_.size());
            spawned_.for_each([](detail::SpawnNode& node) { node.unlink(); });
        }
    }
}

void Loop::close_all_handles() {
    uv_walk(
        &loop_,
        [](uv_handle_t* handle, void*) {
            if (!uv_is_closing(handle)) uv_close(handle, nullptr);
        },
        nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);
}

}  // namespace tern
