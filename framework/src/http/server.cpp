// App::start and App::run: one loop per thread, each with its own listener, connections and
// drain; they share nothing but the read-only App.
#include <tern/http/app.hpp>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <tern/http/blocking.hpp>
#include <tern/core/detail/uncancellable_thread.hpp>
#include <tern/core/log.hpp>
#include <tern/core/loop.hpp>
#include <tern/core/scope.hpp>
#include <tern/net/socket_activation.hpp>
#include <tern/net/tcp.hpp>
#include <tern/core/time.hpp>

#include "connection.hpp"
#include "observe/loop_monitor.hpp"
#include "telemetry.hpp"

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

// Serves an accepted connection, or refuses it (503) when the loop is full.
void admit(TcpStream stream, detail::ConnectionContext& context, TaskScope& connections) {
    if (context.count >= context.options.max_connections)
        connections.spawn(detail::refuse_connection(std::move(stream)));
    else
        connections.spawn(detail::serve_connection(std::move(stream), context));
}

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
        admit(std::move(stream), context, connections);
    }
}

// Accepts every connection the kernel has completed on `listener` and not handed over yet: they
// have reached the process, and closing the listener would reset them. Called before
// `context.draining` is set, so each connection waits for its first request like any other (a
// drain closes a connection that is idle), and the drain's idle linger gives the request time to
// be read. A connection completed between the last accept here and the close is still reset;
// that window is microseconds, against the whole backlog before.
void accept_queued(TcpListener& listener, detail::ConnectionContext& context, TaskScope& connections) {
    for (;;) {
        auto [ec, stream] = listener.try_accept();
        if (ec == uv_error(UV_EAGAIN)) return;
        if (ec == uv_error(UV_ECONNABORTED)) continue;   // that client already left
        if (ec) {
            log_warn("accept during the drain failed: {}", ec.message());
            return;
        }
        admit(std::move(stream), context, connections);
    }
}

// The loop's listeners: its own on host:port, or a dup of each inherited socket (socket
// activation). Every loop listens on the same inherited socket through its own descriptor, so
// they share one accept queue and each accepts when it is free; handing connections from one
// accepting loop to the others would add a cross-thread hop to every connection.
std::vector<TcpListener> open_listeners(ServerOptions const& options, bool reuse_port) {
    std::vector<TcpListener> listeners;
    if (options.listen_fds.empty()) {
        listeners.push_back(TcpListener::bind(options.host, options.port, reuse_port));
        return listeners;
    }
    for (int const fd : options.listen_fds) {
        int const copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (copy < 0)
            throw std::system_error(errno, std::generic_category(), "dup of inherited socket " + std::to_string(fd));
        listeners.push_back(TcpListener::open(copy, SOMAXCONN));
    }
    return listeners;
}

Task<void> join_all(TaskScope& scope) { co_await scope.join(); }

// How long a drain waits for requests on idle keep-alive connections before closing them.
constexpr std::chrono::milliseconds idle_drain_linger{100};

bool has_idle(detail::ConnectionContext& context) {
    bool idle = false;
    context.connections.for_each([&](detail::ConnectionEntry const& c) { idle = idle || c.idle; });
    return idle;
}

/// One loop's server: listen, serve until stopped, then drain within the grace period.
/// What one loop's server is handed besides the App and its options.
struct LoopPlumbing {
    bool reuse_port = false;
    detail::LoopMonitor* monitor = nullptr;     // null when the stall detector is off
    detail::LoopMetrics* metrics = nullptr;     // null unless metrics are on
};

Task<void> serve_loop(App const& app, ServerOptions const& options, LoopPlumbing plumbing,
                      std::promise<std::uint16_t>& bound, CrossThreadSignal& stop) {
    std::vector<TcpListener> listeners;
    try {
        listeners = open_listeners(options, plumbing.reuse_port);
        bound.set_value(listeners.front().port());
    } catch (...) {
        bound.set_exception(std::current_exception());
        co_return;
    }
    detail::ConnectionContext context{app, options,
                                      {.max_request_line = options.max_request_line,
                                       .max_header_bytes = options.max_header_bytes,
                                       .max_header_count = options.max_header_count,
                                       // A route may allow more (RouteOptions::max_body); the
                                       // connection applies each route's own at its head.
                                       .max_body = std::max(options.max_body, app.largest_body_limit())}};
    context.metrics = plumbing.metrics;
    if (plumbing.monitor) plumbing.monitor->start(Loop::current().uv());
    TaskScope connections;
    for (auto& listener : listeners) connections.spawn(accept_loop(listener, context, connections));
    co_await stop;

    // /healthz already answers 503; serving on meanwhile lets health checks take us out first.
    if (options.drain_delay.count() > 0) co_await sleep(options.drain_delay);
    for (auto& listener : listeners) {
        accept_queued(listener, context, connections);
        // Its accept loop ends. New connections are refused by the kernel, or, on a socket
        // systemd passed and still holds, wait in its queue for the next process.
        listener.close();
    }
    context.draining = true;       // a connection closes after its current response, or when next idle
    // An idle keep-alive connection may already have its next request in its socket, unread
    // because the loop was busy when the stop came, or on its way from a client that sent it
    // just as its previous response arrived. Closing it now would drop that request, so idle
    // connections get a moment to receive it (it is answered with Connection: close) before the
    // rest of them are closed.
    auto const linger = std::min(idle_drain_linger, options.grace_period);
    if (has_idle(context)) co_await sleep(linger);
    context.start_draining();      // the idle keep-alive connections left close now
    bool drained = true;
    try {
        co_await wait_for(join_all(connections), options.grace_period - linger);
    } catch (TimeoutError const&) {
        drained = false;
    }
    if (!drained) {
        log_warn("grace period of {} ms over: cancelling {} connection(s)", options.grace_period.count(),
                 connections.size());
        connections.cancel_all();
        co_await connections.join();
    }
    if (plumbing.monitor) plumbing.monitor->stop();
}

Task<void> run_hooks(std::vector<std::function<Task<void>()>> const& hooks) {
    for (auto const& hook : hooks) co_await hook();
}

class RunningServer final : public App::Server {
public:
    RunningServer(App& app, App::Telemetry& telemetry, ServerOptions options,
                  std::vector<std::function<Task<void>()>> const& shutdown)
        : app_(app), telemetry_(telemetry), options_(std::move(options)), shutdown_(shutdown) {
        unsigned const n = options_.threads ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
        signals_.reserve(n);
        bool const watch = options_.stall_mode != StallMode::off && options_.stall_threshold.count() > 0;
        for (unsigned i = 0; i < n; ++i) {
            if (watch) monitors_.push_back(std::make_unique<detail::LoopMonitor>(i));
            start_loop(i, n > 1);
        }
        std::vector<detail::LoopMonitor*> watched;
        for (auto& m : monitors_) watched.push_back(m.get());
        watchdog_ = std::make_unique<detail::StallWatchdog>(std::move(watched), options_.stall_threshold,
                                                            options_.stall_mode);
    }
    ~RunningServer() override {
        try {
            stop();
        } catch (StallError const&) {   // already logged when the stall happened
        }
    }

    std::uint16_t port() const noexcept override { return port_; }
    std::size_t stalls() const noexcept override { return watchdog_ ? watchdog_->stalls() : 0; }

    void stop() override {
        if (std::exchange(stopped_, true)) return;
        telemetry_.draining = true;   // /healthz turns unhealthy first
        for (auto& s : signals_) s->set();
        for (auto& t : threads_) t.join();
        auto const reports = watchdog_ ? watchdog_->reports() : std::vector<std::string>{};
        watchdog_.reset();
        tern::run(run_hooks(shutdown_));
        if (options_.stall_mode == StallMode::fail && !reports.empty()) {
            std::string message = fmt::format("{} event loop stall(s) while serving:", reports.size());
            for (auto const& r : reports) message += "\n  " + r;
            throw StallError(message);
        }
    }

private:
    // Loop 0 binds first, so that with port 0 the others learn which port to share.
    void start_loop(unsigned index, bool reuse_port) {
        signals_.push_back(std::make_unique<CrossThreadSignal>());
        std::promise<std::uint16_t> bound;
        auto port = bound.get_future();
        ServerOptions const& options = index == 0 ? options_ : loop_options_;
        LoopPlumbing plumbing{reuse_port, index < monitors_.size() ? monitors_[index].get() : nullptr,
                              index < telemetry_.loops.size() ? telemetry_.loops[index].get() : nullptr};
        if (plumbing.metrics) plumbing.metrics->monitor = plumbing.monitor;
        threads_.emplace_back([this, &options, plumbing, &bound, signal = signals_.back().get()] {
            detail::make_thread_uncancellable();   // no cancellation bookkeeping per syscall
            BlockingPool::set_current(&app_.blocking_pool());
            try {
                tern::run(serve_loop(app_, options, plumbing, bound, *signal));
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
    App::Telemetry& telemetry_;
    ServerOptions options_;
    ServerOptions loop_options_;   // the others bind the port loop 0 got
    std::vector<std::function<Task<void>()>> const& shutdown_;
    std::vector<std::unique_ptr<CrossThreadSignal>> signals_;
    std::vector<std::thread> threads_;
    std::vector<std::unique_ptr<detail::LoopMonitor>> monitors_;   // outlive the loops and the watchdog
    std::unique_ptr<detail::StallWatchdog> watchdog_;
    std::uint16_t port_ = 0;
    bool stopped_ = false;
};

}  // namespace

namespace {
// The server and the telemetry it fills, kept together so the App's pointer to the telemetry
// dies with the server.
class ServerWithTelemetry final : public App::Server {
public:
    ServerWithTelemetry(App& app, App::Telemetry*& slot, ServerOptions const& options,
                        std::vector<std::function<Task<void>()>> const& shutdown)
        : slot_(slot) {
        unsigned const n = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
        if (app.metrics_enabled())
            for (unsigned i = 0; i < n; ++i)
                telemetry_.loops.push_back(std::make_unique<detail::LoopMetrics>(app.route_count()));
        slot_ = &telemetry_;
        try {
            server_ = std::make_unique<RunningServer>(app, telemetry_, options, shutdown);
        } catch (...) {
            slot_ = nullptr;
            throw;
        }
    }
    ~ServerWithTelemetry() override {
        server_.reset();
        slot_ = nullptr;
    }
    std::uint16_t port() const noexcept override { return server_->port(); }
    std::size_t stalls() const noexcept override { return server_->stalls(); }
    void stop() override { server_->stop(); }

private:
    App::Telemetry*& slot_;
    App::Telemetry telemetry_;
    std::unique_ptr<RunningServer> server_;
};
}  // namespace

std::unique_ptr<App::Server> App::start(ServerOptions const& options) {
    if (!pool_) pool_ = std::make_unique<BlockingPool>(options.blocking_threads, options.blocking_queue);
    tern::run(run_hooks(startup_));
    return std::make_unique<ServerWithTelemetry>(*this, telemetry_, options, shutdown_);
}

void App::run(ServerOptions const& options) {
    // Block the stop signals before any loop thread exists, so every thread inherits the mask
    // and only sigwait below receives them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    ServerOptions serving = options;
    std::vector<int> const activated = take_activated_sockets();
    if (serving.listen_fds.empty()) serving.listen_fds = activated;
    auto server = start(serving);
    unsigned const loops = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    if (serving.listen_fds.empty())
        log_info("tern serving on http://{}:{} with {} loop(s)", options.host, server->port(), loops);
    else
        log_info("tern serving on {} inherited socket(s), the first on port {}, with {} loop(s)",
                 serving.listen_fds.size(), server->port(), loops);
    int received = 0;
    sigwait(&stop_signals, &received);
    log_info("{} received: draining (drain delay {} ms, grace period {} ms)",
             received == SIGINT ? "SIGINT" : "SIGTERM", options.drain_delay.count(), options.grace_period.count());
    server->stop();
    // Whoever passed the sockets (systemd) still holds them: what connects from now on waits in
    // their queue for the next process.
    for (int const fd : activated) ::close(fd);
    log_info("stopped");
}

}  // namespace tern
