#pragma once
// tern::App: routes, middleware, lifecycle hooks and the server that runs them.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <tern/http/middleware.hpp>
#include <tern/http/request.hpp>
#include <tern/http/response.hpp>
#include <tern/http/router.hpp>
#include <tern/http/static_files.hpp>
#include <tern/http/typed/handler.hpp>
#include <tern/http/typed/openapi_options.hpp>
#include <tern/http/typed/operation.hpp>
#include <tern/core/task.hpp>
#include <tern/observe/stall.hpp>
#include <tern/websocket/options.hpp>
#include <tern/websocket/session.hpp>

namespace tern {

/// How a server listens and what it tolerates. Every limit has a safe default.
struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    unsigned threads = 0;                            // loops; 0 = one per core
    std::size_t max_request_line = 8 * 1024;         // longer -> 414
    std::size_t max_header_bytes = 8 * 1024;         // header fields after the request line; more -> 431
    std::size_t max_header_count = 100;              // more -> 431
    std::size_t max_body = 1024 * 1024;              // more -> 413, refused before it is read
    std::chrono::milliseconds header_timeout{10'000};     // whole request head (slowloris) -> 408
    std::chrono::milliseconds body_timeout{30'000};       // whole body -> 408
    std::chrono::milliseconds keep_alive_timeout{5'000};  // idle between requests -> close
    std::chrono::milliseconds write_timeout{30'000};      // a peer that reads nothing -> close
    std::size_t stream_high_water = 64 * 1024;       // a streamed body's generator waits while more is unsent
    std::size_t max_connections = 10'000;            // per loop; beyond it new ones get 503 and close
    std::chrono::milliseconds grace_period{10'000};  // drain on SIGINT/SIGTERM, then cancel
    /// Before the drain, keep accepting and serving this long while /healthz answers 503, so
    /// load balancers' health checks take the server out first (Kubernetes' preStop); 0: off.
    std::chrono::milliseconds drain_delay{0};
    /// Listening sockets to serve instead of binding host:port (App::run fills it from systemd's
    /// LISTEN_FDS). Each loop listens on a dup of each; the caller owns them and keeps them open
    /// while the server runs.
    std::vector<int> listen_fds;
    unsigned blocking_threads = 16;                  // tern::blocking's pool, apart from libuv's
    std::size_t blocking_queue = 1024;               // waiting blocking calls; more -> 503
    bool access_log = false;
    std::chrono::milliseconds stall_threshold{100};  // a loop busy this long without polling is stalled
    StallMode stall_mode = StallMode::log;
    /// Every request's deadline (0: none): its handler is cancelled when it passes and the
    /// client gets 504, unless the handler caught the cancellation and answered otherwise.
    std::chrono::milliseconds request_timeout{0};
    /// The longest deadline a caller may ask for in the X-Request-Timeout-Ms header (which
    /// tern::http::Client sends); 0 ignores the header. A shorter server or route deadline wins.
    std::chrono::milliseconds max_caller_timeout{0};
    /// A client that leaves (EOF or reset) while its handler runs cancels the handler:
    /// CancelledError at its current await, its gathers' children with it.
    bool cancel_on_disconnect = true;
    /// Every connection starts with HAProxy's PROXY protocol header (v1 or v2, as `send-proxy`
    /// and `send-proxy-v2` send it): the client address it names is the requests' remote
    /// address. A connection without a valid header is closed. Only behind a proxy that sends it.
    bool proxy_protocol = false;
    /// Peers trusted to say who the client is (uvicorn's --forwarded-allow-ips): addresses and
    /// CIDR ranges ("127.0.0.1", "10.0.0.0/8", "::1", "*"). From those only, Forwarded (RFC 7239)
    /// or X-Forwarded-For/-Proto/-Host set the request's remote_address, scheme and host.
    std::vector<std::string> forwarded_allow{};
};

/// A WebSocket endpoint's handler: the upgrade request (its headers, Origin, path parameters)
/// and the session. The session ends when the task does.
using WebSocketHandler = std::function<Task<void>(Request&, WebSocket&)>;

/// What one route accepts beyond the server's defaults (the third argument of get/post/...).
struct RouteOptions {
    /// This route's body limit in bytes (413 past it), instead of ServerOptions::max_body;
    /// it may be larger. A larger buffered body is held in memory whole: for big uploads, stream.
    std::optional<std::size_t> max_body{};
    /// Hand the body over as it arrives, through req.body_stream() and req.form(), instead of
    /// buffering it before the handler runs: memory stays at about one read, whatever the size.
    bool stream_body = false;
    /// This route's deadline, instead of ServerOptions::request_timeout (nearest wins).
    std::optional<std::chrono::milliseconds> timeout{};
    /// Run the handler to its end even when the client leaves or the deadline passes
    /// (tern::shield around it): for work that must finish once started.
    bool finish_on_disconnect = false;
};

class App;
class BlockingPool;

/// Routes registered under a common prefix, with middleware of their own that runs inside the
/// App's (aiohttp's sub-application, FastAPI's APIRouter). Refers to its App, which owns it.
class RouteGroup {
public:
    Operation& get(std::string_view path, Handler h) { return route("GET", path, std::move(h)); }
    Operation& post(std::string_view path, Handler h) { return route("POST", path, std::move(h)); }
    Operation& put(std::string_view path, Handler h) { return route("PUT", path, std::move(h)); }
    Operation& patch(std::string_view path, Handler h) { return route("PATCH", path, std::move(h)); }
    Operation& delete_(std::string_view path, Handler h) { return route("DELETE", path, std::move(h)); }
    Operation& route(std::string_view method, std::string_view path, Handler h);
    /// Typed handlers, as App's.
    template <detail::TypedHandler F>
    Operation& get(std::string_view path, F f) { return route("GET", path, std::move(f)); }
    template <detail::TypedHandler F>
    Operation& post(std::string_view path, F f) { return route("POST", path, std::move(f)); }
    template <detail::TypedHandler F>
    Operation& put(std::string_view path, F f) { return route("PUT", path, std::move(f)); }
    template <detail::TypedHandler F>
    Operation& patch(std::string_view path, F f) { return route("PATCH", path, std::move(f)); }
    template <detail::TypedHandler F>
    Operation& delete_(std::string_view path, F f) { return route("DELETE", path, std::move(f)); }
    template <detail::TypedHandler F>
    Operation& route(std::string_view method, std::string_view path, F f);
    RouteGroup& use(Middleware m);
    /// A nested group: its prefix follows this one's and its middleware runs inside this one's.
    RouteGroup group(std::string_view prefix);

private:
    friend class App;
    RouteGroup(App& app, std::string prefix, std::size_t chain) : app_(&app), prefix_(std::move(prefix)), chain_(chain) {}
    std::string full_path(std::string_view path) const;
    App* app_;
    std::string prefix_;
    std::size_t chain_;   // index of this group's middleware chain in the App
};

/// The application: register routes and middleware, then run(). Registration happens before
/// serving; while serving, the App is shared read-only by every loop.
class App {
public:
    App();
    ~App();
    App(App const&) = delete;
    App& operator=(App const&) = delete;

    /// Registers a handler for a method and a path pattern (see Router), and returns the route's
    /// Operation, to document it: `app.get(...).summary("Read one item").tag("items")`. Throws
    /// std::invalid_argument for a malformed or conflicting pattern.
    Operation& get(std::string_view path, Handler h, RouteOptions o = {}) { return route("GET", path, std::move(h), o); }
    Operation& post(std::string_view path, Handler h, RouteOptions o = {}) { return route("POST", path, std::move(h), o); }
    Operation& put(std::string_view path, Handler h, RouteOptions o = {}) { return route("PUT", path, std::move(h), o); }
    Operation& patch(std::string_view path, Handler h, RouteOptions o = {}) { return route("PATCH", path, std::move(h), o); }
    Operation& delete_(std::string_view path, Handler h, RouteOptions o = {}) {
        return route("DELETE", path, std::move(h), o);
    }
    Operation& route(std::string_view method, std::string_view path, Handler h, RouteOptions options = {});

    /// A typed handler (FastAPI's path operation): a function or lambda whose parameters say
    /// what it takes (tern::Path, QueryParam, Query, Header, Cookie, Body, Depends, Bearer,
    /// ApiKey, Request&) and whose result is what it answers (Task<Model> as JSON with the
    /// operation's status, 200 by default; Task<Response>; Task<void> as 204). Every input is
    /// extracted and validated before it runs; all problems of a request come back together
    /// as a 422. Throws std::invalid_argument at registration, naming the route, for a Path
    /// the pattern lacks or whose type contradicts it.
    template <detail::TypedHandler F>
    Operation& get(std::string_view path, F f, RouteOptions o = {}) { return route("GET", path, std::move(f), o); }
    template <detail::TypedHandler F>
    Operation& post(std::string_view path, F f, RouteOptions o = {}) { return route("POST", path, std::move(f), o); }
    template <detail::TypedHandler F>
    Operation& put(std::string_view path, F f, RouteOptions o = {}) { return route("PUT", path, std::move(f), o); }
    template <detail::TypedHandler F>
    Operation& patch(std::string_view path, F f, RouteOptions o = {}) { return route("PATCH", path, std::move(f), o); }
    template <detail::TypedHandler F>
    Operation& delete_(std::string_view path, F f, RouteOptions o = {}) { return route("DELETE", path, std::move(f), o); }
    template <detail::TypedHandler F>
    Operation& route(std::string_view method, std::string_view path, F f, RouteOptions options = {}) {
        return typed_route(method, std::string(path), std::move(f), 0, options);
    }

    /// The OpenAPI 3.1 document of the registered routes (see openapi.hpp): built on the first
    /// call and kept, since routes do not change once the App serves. Thread-safe.
    json::Value const& openapi() const;
    /// The document's title, version and description, and where it and the docs pages are served.
    OpenApiOptions& openapi_options() noexcept { return openapi_options_; }
    /// Every route's Operation, in registration order.
    std::deque<Operation> const& operations() const noexcept { return operations_; }

    /// A WebSocket endpoint (FastAPI's @app.websocket, aiohttp's WebSocketResponse): a GET route
    /// whose middleware runs on the upgrade request (so it can refuse it with a normal 4xx), then
    /// the handshake is checked (400, or 426 with Sec-WebSocket-Version: 13), a subprotocol and
    /// permessage-deflate negotiated, and after the 101 `handler` runs with the session. The
    /// session is closed (1000) when the handler returns, 1011 if it throws, 1001 on a drain.
    App& websocket(std::string_view path, WebSocketHandler handler, WebSocketOptions options = {});

    /// Serves the files under `root` at `prefix` (aiohttp's add_static): GET and HEAD of
    /// `prefix/a/b.css` send `root/a/b.css` (see Response::file for validators and ranges). Paths
    /// that could leave `root` (`..`, encoded slashes or backslashes, NUL, symlinks pointing
    /// outside) are 404. Throws std::invalid_argument when `root` is not a directory.
    App& static_files(std::string_view prefix, std::string root, StaticOptions options = {});

    /// Adds middleware around every request, 404s and 405s included. The first added is the
    /// outermost: it sees the request first and the response last.
    App& use(Middleware m);

    /// Like use(), but outside every middleware added so far (an access log sees everything).
    App& use_outermost(Middleware m);

    RouteGroup group(std::string_view prefix);

    /// Serves Prometheus metrics at `/metrics` (requests by route and status, latency histograms
    /// by route, open connections, in-flight requests, loop lag, offload queue depth and
    /// rejections) and readiness at `/healthz` (200, or 503 once a drain has begun).
    App& enable_metrics();
    bool metrics_enabled() const noexcept { return metrics_enabled_; }

    /// Coroutines run once on the first loop before the server accepts connections, and once
    /// after it has drained.
    App& on_startup(std::function<Task<void>()> hook);
    App& on_shutdown(std::function<Task<void>()> hook);

    ServerOptions& options() noexcept { return options_; }

    /// Parses --host, --port, --threads, --max-body, --log-level, --access-log and --help, then
    /// serves until SIGINT or SIGTERM and drains gracefully. Returns the process exit code.
    int run(int argc, char** argv);
    /// Serves with these options until SIGINT or SIGTERM; returns after the drain.
    void run(ServerOptions const& options);

    /// Answers one request through middleware and router, as a connection does. The request
    /// outlives the task. Used by the server and by tern::testing::Client.
    Task<Response> handle(Request& req) const;
    /// As handle(), but what a handler throws may come out of the call or the task (when the
    /// App has no middleware of its own) instead of as its response: the caller turns it into
    /// one with the error handler. The server and tern::testing::Client answer this way, for
    /// one coroutine frame less per request.
    Task<Response> serve(Request& req) const;

    class Server;
    struct Telemetry;   // the running server's metrics and drain state, for /metrics and /healthz
    /// Starts serving on background threads and returns once listening (tests; embedding).
    std::unique_ptr<Server> start(ServerOptions const& options);

    /// The options of the route `req` goes to, or null when it matches none (the connection
    /// asks before reading a body, to apply the route's limit and streaming).
    RouteOptions const* route_options(Request& req) const;
    /// True once any route has RouteOptions that affect its body.
    bool has_body_options() const noexcept { return body_options_; }
    /// The largest max_body any route set (0 when none did).
    std::size_t largest_body_limit() const noexcept { return largest_body_limit_; }

    BlockingPool& blocking_pool() const noexcept { return *pool_; }
    std::size_t route_count() const noexcept { return routes_.size(); }

private:
    friend class RouteGroup;
    // Group middleware: a chain's `flat` list is its parent's flat list plus its own, kept
    // up to date at registration so a request walks one contiguous list.
    struct Chain {
        std::size_t parent;
        std::vector<Middleware> own;
        std::vector<Middleware> flat;
    };
    struct Route {
        Handler handler;
        std::string pattern;
        // Its chain in chains_, which never moves (a deque grown at the back): a request reaches
        // it with one load instead of the deque's indexing (~12 instructions, callgrind).
        Chain const* chain;
        RouteOptions options;
        Operation* operation;
    };
    Task<Response> dispatch(Request& req) const;
    Task<Response> route_request(Request& req) const;
    Task<Response> answer_unmatched(Request& req) const;
    Task<Response> answer_not_allowed(Request& req, std::string_view allow) const;
    /// `operation`: the route's, made beforehand by a typed route (its handler refers to it);
    /// null to make one here. Either way it is dropped again if the route is refused.
    Operation& route_in_chain(std::string_view method, std::string path, Handler h, std::size_t chain,
                              RouteOptions options = {}, Operation* operation = nullptr);
    Task<Response> guarded(Route const& route, Request& req) const;
    template <typename F>
    Operation& typed_route(std::string_view method, std::string path, F f, std::size_t chain, RouteOptions options) {
        Operation& op = operations_.emplace_back(std::string(method), path);
        Handler handler;
        try {
            handler = detail::make_typed_handler(std::move(f), op);
        } catch (...) {
            operations_.pop_back();
            throw;
        }
        return route_in_chain(method, std::move(path), std::move(handler), chain, options, &op);
    }
    /// /openapi.json, /docs and /redoc (as openapi_options_ places them), for a request no
    /// route matched; null when the path is none of them.
    std::optional<Response> docs_response(Request& req) const;
    std::size_t add_chain(std::size_t parent);
    void add_chain_middleware(std::size_t chain, Middleware m);

    Router router_;
    std::vector<Route> routes_;
    std::deque<Operation> operations_;   // a deque: routes and typed handlers refer to them
    OpenApiOptions openapi_options_;
    mutable std::once_flag openapi_once_;
    mutable std::optional<json::Value> openapi_;          // built by openapi() once
    mutable std::optional<std::string> openapi_text_;     // the document as /openapi.json serves it
    std::vector<Middleware> middleware_;
    std::deque<Chain> chains_;   // chains_[0]: routes registered on the App itself
    std::vector<std::function<Task<void>()>> startup_;
    std::vector<std::function<Task<void>()>> shutdown_;
    Handler dispatch_handler_;
    ServerOptions options_;
    std::unique_ptr<BlockingPool> pool_;
    bool metrics_enabled_ = false;
    std::size_t largest_body_limit_ = 0;
    bool body_options_ = false;
    Telemetry* telemetry_ = nullptr;   // set while a server runs
};

template <detail::TypedHandler F>
Operation& RouteGroup::route(std::string_view method, std::string_view path, F f) {
    return app_->typed_route(method, full_path(path), std::move(f), chain_, {});
}

/// A server started with App::start. Destroying it stops it (gracefully, then joins).
class App::Server {
public:
    virtual ~Server() = default;
    virtual std::uint16_t port() const noexcept = 0;
    /// Stops accepting, lets in-flight requests finish (up to the grace period), then returns.
    /// In StallMode::fail, throws StallError (once drained) if any loop stalled.
    virtual void stop() = 0;
    /// Loop stalls detected so far.
    virtual std::size_t stalls() const noexcept = 0;
};

}  // namespace tern
