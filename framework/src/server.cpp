// App::start and App::run: one loop per thread, each with its own listener, connections and
// drain; they share nothing but the read-only App.
#include <tern/app.hpp>

#include <pthread.h>
#include <signal.h>

#include <future>
#include <mutex>
#include <thread>

#include <tern/blocking.hpp>
#include <tern/log.hpp>
#include <tern/loop.hpp>
#include <tern/scope.hpp>
#include <tern/tcp.hpp>
#include <tern/time.hpp>

#include "connection.hpp"

namespace tern {

namespace {

using namespace std::chrono_literals;

/// Set from any thread, awaited on one loop: how a stop request reaches each loop.
class CrossThreadSignal {
public:
    void set() {
        std::lock_guard lock(mutex_);
        if (std::exchange(set_, true)) return;
        if (waiter_) loop_->post(std::exchange(waiter_, nullptr));
    }

    bool await_ready() {
        std::lock_guard lock(mutex_);
        return set_;
    }
    bool await_suspend(std::coroutine_handle<> waiter) {
        std::lock_guard lock(mutex_);
        if (set_) return false;
        loop_ = &Loop::current();
        loop_->expect_post();
        waiter_ = waiter;
        return true;
    }
    void await_resume() const noexcept {}

private:
    std::mutex mutex_;
    bool set_ = false;
    Loop* loop_ = nullptr;
    std::coroutine_handle<> waiter_;
};

Task<void> accept_loop(TcpListener& listener, detail::ConnectionContext& context, TaskScope& connections) {
    for (;;) {
        auto [ec, stream] = co_await listener.accept();
        if (ec == uv_error(UV_ECANCELED)) co_return;
        if (ec) {
            // Out of descriptors or memory: say so, and give the loop a moment instead of spinning.
            log_warn("accept failed: {}", ec.message());
            co_await sleep(10ms);
            continue;
        }
        if (context.count >= context.options.max_connections) {
            connections.spawn(detail::refuse_connection(std::move(stream)));
            continue;
        }
        connections.spawn(detail::serve_connection(std::move(stream), context));
    }
}

Task<void> join_all(TaskScope& scope) { co_await scope.join(); }

/// One loop's server: listen, serve until stopped, then drain within the grace period.
Task<void> serve_loop(App const& app, ServerOptions const& options, bool reuse_port,
                      std::promise<std::uint16_t>& bound, CrossThreadSignal& stop) {
    TcpListener listener;
    try {
        listener = TcpListener::bind(options.host, options.port, reuse_port);
        bound.set_value(listener.port());
    } catch (...) {
        bound.set_exception(std::current_exception());
        co_return;
    }
    detail::ConnectionContext context{app, options,
                                      {.max_request_line = options.max_request_line,
                                       .max_header_bytes = options.max_header_bytes,
                                       .max_header_count = options.max_header_count,
                                       .max_body = options.max_body}};
    TaskScope connections;
    connections.spawn(accept_loop(listener, context, connections));
    co_await stop;

    listener.close();              // the accept loop ends; new connections are refused by the kernel
    context.start_draining();      // idle keep-alive connections close now
    bool drained = true;
    try {
        co_await wait_for(join_all(connections), options.grace_period);
    } catch (TimeoutError const&) {
        drained = false;
    }
    if (!drained) {
        log_warn("grace period of {} ms over: cancelling {} connection(s)", options.grace_period.count(),
                 connections.size());
        connections.cancel_all();
        co_await connections.join();
    }
}

Task<void> run_hooks(std::vector<std::function<Task<void>()>> const& hooks) {
    for (auto const& hook : hooks) co_await hook();
}

class RunningServer final : public App::Server {
public:
    RunningServer(App& app, ServerOptions options, std::vector<std::function<Task<void>()>> const& shutdown)
        : app_(app), options_(std::move(options)), shutdown_(shutdown) {
        unsigned const n = options_.threads ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
        signals_.reserve(n);
        for (unsigned i = 0; i < n; ++i) start_loop(i, n > 1);
    }
    ~RunningServer() override { stop(); }

    std::uint16_t port() const noexcept override { return port_; }

    void stop() override {
        if (std::exchange(stopped_, true)) return;
        for (auto& s : signals_) s->set();
        for (auto& t : threads_) t.join();
        tern::run(run_hooks(shutdown_));
    }

private:
    // Loop 0 binds first, so that with port 0 the others learn which port to share.
    void start_loop(unsigned index, bool reuse_port) {
        signals_.push_back(std::make_unique<CrossThreadSignal>());
        std::promise<std::uint16_t> bound;
        auto port = bound.get_future();
        ServerOptions const& options = index == 0 ? options_ : loop_options_;
        threads_.emplace_back([this, &options, reuse_port, &bound, signal = signals_.back().get()] {
            BlockingPool::set_current(&app_.blocking_pool());
            try {
                tern::run(serve_loop(app_, options, reuse_port, bound, *signal));
            } catch (std::exception const& e) {
                log_error("a server loop failed: {}", e.what());
            }
        });
        try {
            port_ = port.get();
        } catch (...) {
            stopped_ = true;
            for (auto& s : signals_) s->set();
            for (auto& t : threads_) t.join();
            throw;
        }
        if (index == 0) {
            loop_options_ = options_;
            loop_options_.port = port_;
        }
    }

    App& app_;
    ServerOptions options_;
    ServerOptions loop_options_;   // the others bind the port loop 0 got
    std::vector<std::function<Task<void>()>> const& shutdown_;
    std::vector<std::unique_ptr<CrossThreadSignal>> signals_;
    std::vector<std::thread> threads_;
    std::uint16_t port_ = 0;
    bool stopped_ = false;
};

}  // namespace

std::unique_ptr<App::Server> App::start(ServerOptions const& options) {
    if (!pool_) pool_ = std::make_unique<BlockingPool>(options.blocking_threads, options.blocking_queue);
    tern::run(run_hooks(startup_));
    return std::make_unique<RunningServer>(*this, options, shutdown_);
}

void App::run(ServerOptions const& options) {
    // Block the stop signals before any loop thread exists, so every thread inherits the mask
    // and only sigwait below receives them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    auto server = start(options);
    log_info("tern serving on http://{}:{} with {} loop(s)", options.host, server->port(),
             options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency()));
    int received = 0;
    sigwait(&stop_signals, &received);
    log_info("{} received: draining (grace period {} ms)", received == SIGINT ? "SIGINT" : "SIGTERM",
             options.grace_period.count());
    server->stop();
    log_info("stopped");
}

}  // namespace tern
