#include "connection.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <uv.h>

#include <tern/core/detail/current_stop.hpp>
#include <tern/core/error.hpp>
#include <tern/core/log.hpp>
#include <tern/core/loop.hpp>
#include <tern/http/trusted_proxies.hpp>
#include <tern/net/proxy_protocol.hpp>

#include "body_reader.hpp"
#include "body_writer.hpp"
#include "error_response.hpp"
#include "request_deadline.hpp"
#include "file_response.hpp"
#include "serializer.hpp"

namespace tern::detail {

namespace {

using std::chrono::milliseconds;

constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
// Pipelined responses are gathered and written together; past this size they go out early.
constexpr std::size_t output_flush_size = 64 * 1024;

std::uint64_t now_ms() noexcept { return uv_now(Loop::current().uv()); }

// Time left until `deadline` (in uv_now milliseconds), at least 1 ms so a due timer still fires.
milliseconds remaining(std::uint64_t deadline) noexcept {
    auto const now = now_ms();
    return milliseconds(deadline > now ? deadline - now : 1);
}

// Registers the connection in its loop's list for as long as the coroutine runs.
class ConnectionRegistration {
public:
    ConnectionRegistration(ConnectionContext& context, StopState* stop) : context_(context) {
        entry_.stop = stop;
        context_.connections.push_back(entry_);
        ++context_.count;
        if (context_.metrics) context_.metrics->open_connections.store(context_.count, std::memory_order_relaxed);
    }
    ~ConnectionRegistration() {
        --context_.count;
        if (context_.metrics) context_.metrics->open_connections.store(context_.count, std::memory_order_relaxed);
    }
    ConnectionRegistration(ConnectionRegistration const&) = delete;
    ConnectionRegistration& operator=(ConnectionRegistration const&) = delete;
    void set_idle(bool idle) noexcept { entry_.idle = idle; }
    void set_upgraded() noexcept { entry_.upgraded = true; }
    void set_endless(bool endless) noexcept { entry_.endless = endless; }

private:
    ConnectionContext& context_;
    ConnectionEntry entry_;
};

}  // namespace

void ConnectionContext::start_draining() noexcept {
    draining = true;
    // An upgraded connection (a WebSocket) is stopped too: its session answers with a 1001
    // close and waits for the handshake, within the grace period.
    connections.for_each([](ConnectionEntry& c) {
        if ((c.idle || c.upgraded || c.endless) && c.stop) c.stop->request_stop();
    });
}

namespace {
// respond(), measured for /metrics: per route and status, with the latency.
Task<Response> respond_measured(App const& app, Request& req, LoopMetrics& metrics) {
    auto const start = std::chrono::steady_clock::now();
    bump(metrics.in_flight);
    std::exception_ptr failure;
    std::optional<Response> res;
    try {
        res.emplace(co_await respond(app, req));
    } catch (...) {
        failure = std::current_exception();
    }
    metrics.in_flight.store(metrics.in_flight.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    if (failure) std::rethrow_exception(failure);
    auto const index = std::min(req.data().route_index, metrics.routes.size() - 1);
    metrics.routes[index].record(res->status(), std::chrono::duration_cast<std::chrono::microseconds>(
                                                    std::chrono::steady_clock::now() - start));
    co_return std::move(*res);
}
}  // namespace

Task<Response> respond(App const& app, Request& req) {
    std::exception_ptr failure;
    try {
        co_return co_await app.handle(req);
    } catch (CancelledError const&) {
        throw;
    } catch (...) {
        failure = std::current_exception();
    }
    co_return error_response(failure, req);
}

namespace {
// A task already holding its answer: a handler's error is answered through the same task slot
// as a handler's response, so the connection keeps no second Response beside it.
Task<Response> settled(Response res) { co_return res; }

// Closing a socket with unread input makes the kernel send RST, and a client still sending its
// body may then lose the response we just wrote (Linux discards it on RST). So before closing
// on a request we did not read whole, send FIN and keep reading and discarding for a while,
// bounded in time and bytes, until the client has sent what it meant to and closes (nginx's
// lingering_close).
constexpr std::uint64_t linger_ms = 2000;
constexpr std::size_t linger_bytes = 16 * 1024 * 1024;

Task<void> drain_before_close(TcpStream& stream, InputBuffer& input, bool body_pending) {
    if (input.size() == 0 && !body_pending) co_return;   // nothing more is coming
    stream.shutdown_write();   // the client sees the response end now, whatever it still sends
    std::uint64_t const deadline = now_ms() + linger_ms;
    std::size_t discarded = 0;
    while (discarded < linger_bytes) {
        discarded += input.size();
        input.consume(input.size());
        if (co_await stream.read(remaining(deadline))) break;   // EOF, reset or the time is up
    }
}

// The route a request with a body goes to decides its limit and whether the body streams.
// Returns true when it streams (the head is then built into `data` from `head_copy`); false
// otherwise, with the parser failed (413) when the announced size is over the route's limit.
bool apply_route_body_options(ConnectionContext& context, RequestParser& parser, InputBuffer& input,
                              std::string& head_copy, RequestData& data) {
    head_copy.assign(input.data().substr(0, parser.head_size()));
    parser.build_head(data, head_copy);
    Request probe{data};
    RouteOptions const* route = context.app.route_options(probe);
    ServerOptions const& options = context.options;
    std::size_t const limit = route && route->max_body ? *route->max_body : options.max_body;
    if (!parser.limit_body(limit)) return false;
    if (route && route->stream_body) return true;
    if (limit > options.max_body)   // buffered whole: the buffer may grow to the route's limit
        input.set_max_size(options.max_request_line + options.max_header_bytes + limit + 64 * 1024);
    return false;
}

BodyWriteOptions special_body_options(Response const& res, RequestData const& data, ServerOptions const& options) {
    int const status = res.status();
    return {.head = data.method == "HEAD" || status < 200 || status == 204 || status == 304,
            .chunked = data.http_minor == 1,
            .high_water = options.stream_high_water,
            .write_timeout = options.write_timeout,
            .label = data.target};
}
}  // namespace

// Reads the PROXY protocol header that starts the connection (HAProxy's send-proxy), and takes
// it out of the input. Sets `client` to the "ip:port" it names (left empty for a LOCAL header,
// such as the proxy's own health check). False, with a warning logged, when the bytes are not a
// header, the connection ends or the header does not come within `timeout`.
Task<bool> read_proxy_header(TcpStream& stream, InputBuffer& input, milliseconds timeout, std::string& client) {
    std::uint64_t const deadline = now_ms() + static_cast<std::uint64_t>(timeout.count());
    for (;;) {
        net::ProxyResult result = net::parse_proxy_header(input.data());
        if (result.state == net::ProxyParse::done) {
            net::ProxyHeader const& h = result.header;
            if (!h.local)
                client = h.family == AF_INET6 ? fmt::format("[{}]:{}", h.source_address, h.source_port)
                                              : fmt::format("{}:{}", h.source_address, h.source_port);
            input.consume(h.header_size);
            co_return true;
        }
        if (result.state == net::ProxyParse::invalid) {
            log_warn("{}: closed: {}", stream.remote_address(), result.error);
            co_return false;
        }
        if (co_await stream.read(remaining(deadline))) co_return false;
    }
}

// The server's deadline for a request, or the caller's (deadline_header) when it asks for less.
// Out of line, as the two below: serve_connection stays small enough for the compiler to
// inline what every request needs (measured: ~90 instructions per request otherwise).
[[gnu::noinline]] Task<Response> within_request_deadline(Task<Response> answer, Request const& req, ServerOptions const& options) {
    std::optional<milliseconds> budget;
    if (options.request_timeout.count() > 0) budget = options.request_timeout;
    if (auto const caller = caller_deadline(req, options.max_caller_timeout)) budget = budget ? std::min(*budget, *caller) : *caller;
    if (!budget) return answer;
    return answer_within(std::move(answer), *budget);
}

// ServerOptions::forwarded_allow, checked: a bad entry is logged and trusts nobody.
[[gnu::cold]] std::optional<TrustedProxies> trusted_proxies(ServerOptions const& options) {
    try {
        return TrustedProxies(options.forwarded_allow);
    } catch (std::invalid_argument const& e) {
        log_error("forwarded_allow: {}; proxy headers are ignored", e.what());
        return std::nullopt;
    }
}

// What trusted proxies said, into the request; `kept` holds the strings the views point into.
[[gnu::noinline]] void apply_forwarded(RequestData& data, TrustedProxies const& trusted, ForwardedInfo& kept) {
    std::string_view peer = data.remote_address;
    if (peer.starts_with('[')) peer = peer.substr(1, peer.find(']') - 1);
    else peer = peer.substr(0, peer.rfind(':'));
    std::optional<ForwardedInfo> info = resolve_forwarded(peer, data.headers, trusted);
    if (!info) return;
    kept = std::move(*info);
    if (!kept.client.empty()) data.remote_address = kept.client;
    if (!kept.scheme.empty()) data.scheme = kept.scheme;
    if (!kept.host.empty()) data.host = kept.host;
}

// The handler was cancelled because its client left (or the drain ended it).
[[gnu::cold, gnu::noinline]] void note_abandoned(StopState** disconnect_slot, ConnectionContext& context) noexcept {
    if (disconnect_slot) *disconnect_slot = nullptr;
    if (context.metrics && !context.draining) bump(context.metrics->abandoned);
}

// The client left just as the handler finished without awaiting again (a half-closed client,
// say): the answer is still written, and a gone peer only fails the write. Its stop request,
// consumed by nobody, is taken back.
[[gnu::cold, gnu::noinline]] void forgive_late_disconnect(StopState& stop, ConnectionContext const& context) noexcept {
    if (!context.draining) (void)stop.take_pending();
}

// `co_await flusher.flush()` writes what the connection has serialized and empties the buffer:
// true when it all went out, or there was nothing to write. An awaitable around the stream's
// write rather than a coroutine, so a request costs no frame for it (the lambda coroutine it
// replaces cost ~220 instructions per request; callgrind). The write in progress lives in the
// Flusher, once per connection: GCC gives every co_await site of the connection's frame a slot
// of its own, and a whole write awaiter at each of them made the frame ~300 bytes larger.
class Flusher {
public:
    Flusher(TcpStream& stream, std::string& output, milliseconds timeout) noexcept
        : stream_(stream), output_(output), timeout_(timeout) {}

    class Awaiter {
    public:
        explicit Awaiter(Flusher& f) noexcept : f_(f) {}
        bool await_ready() {
            if (f_.output_.empty()) return true;
            f_.write_.emplace(f_.stream_.write(f_.output_, f_.timeout_));
            return f_.write_->await_ready();
        }
        template <typename Promise>
        bool await_suspend(std::coroutine_handle<Promise> coro) {
            return f_.write_->await_suspend(coro);
        }
        bool await_resume() {
            if (!f_.write_) return true;
            bool const written = !f_.write_->await_resume();
            f_.write_.reset();
            f_.output_.clear();
            return written;
        }

    private:
        Flusher& f_;
    };

    Awaiter flush() noexcept { return Awaiter{*this}; }

private:
    TcpStream& stream_;
    std::string& output_;
    milliseconds timeout_;
    std::optional<TcpStream::WriteAwaiter> write_;
};

// The PROXY protocol header's client, and the reverse proxies whose Forwarded headers are believed.
struct ProxiedClient {
    std::string address;
    std::optional<TrustedProxies> trusted;
    ForwardedInfo forwarded;
};

Task<void> refuse_connection(TcpStream stream) {
    std::string out;
    serialize_error(503, "the server has too many connections", /*close=*/true, out);
    co_await stream.write(out, milliseconds(1000));
}

Task<void> serve_connection(TcpStream stream, ConnectionContext& context) {
    StopState* const connection_stop = co_await current_stop_state();
    ConnectionRegistration registration{context, connection_stop};
    ServerOptions const& options = context.options;
    std::size_t const default_input_size = options.max_request_line + options.max_header_bytes + options.max_body + 64 * 1024;
    InputBuffer input{default_input_size};
    RequestParser parser{context.limits};
    RequestData data;
    // For routes with RouteOptions: the head kept apart while a body streams, and the reader.
    std::string head_copy;
    std::optional<Generator<std::string_view>> body_reader;
    bool streaming = false;
    bool const body_options = context.app.has_body_options();
    // Not reserved ahead: the first response makes it as large as it needs (hello's: 144 bytes,
    // not 272), and 1,000 connections keep 128 KB less.
    std::string output;
    std::uint64_t head_started = 0;    // uv_now when the current request's first byte was seen
    std::uint64_t body_started = 0;    // uv_now when its head was complete
    stream.start_reading(input);
    // Behind a proxy that speaks the PROXY protocol, the client is the one its header names.
    bool const deadlines = options.request_timeout.count() > 0 || options.max_caller_timeout.count() > 0;
    StopState** const disconnect_slot = options.cancel_on_disconnect && connection_stop ? stream.disconnect_slot() : nullptr;
    // Behind the PROXY protocol or trusted reverse proxies, who the client is. Made only when
    // the server is configured for it: the coroutine frame of every connection is 160 bytes
    // smaller without it (measured with massif, 1,000 connections).
    std::unique_ptr<ProxiedClient> proxied;
    if (options.proxy_protocol || !options.forwarded_allow.empty()) [[unlikely]] {
        proxied = std::make_unique<ProxiedClient>();
        if (!options.forwarded_allow.empty()) proxied->trusted = trusted_proxies(options);
    }
    if (options.proxy_protocol) [[unlikely]] {
        if (!co_await read_proxy_header(stream, input, options.header_timeout, proxied->address)) co_return;
    }

    Flusher flusher{stream, output, options.write_timeout};

    for (;;) {
        ParseState const state = parser.parse(input.data());
        if (state == ParseState::failed) {
            serialize_error(parser.error().status, parser.error().message, /*close=*/true, output);
            if (co_await flusher.flush()) co_await drain_before_close(stream, input, parser.body_pending());
            co_return;
        }
        // A request complete with its head and without a body is answered at once: it has no
        // body to time, limit or ask for with 100 Continue, and the parse() that would only say
        // `complete` is saved (~50 instructions per request, callgrind, GET / pipelined x16).
        if (state == ParseState::headers_complete && !parser.complete_without_body()) {
            body_started = now_ms();
            if (body_options && parser.has_body()) [[unlikely]] {
                streaming = apply_route_body_options(context, parser, input, head_copy, data);
                if (!streaming && parser.error().status) continue;   // over the route's limit: 413
            }
            if (parser.expects_continue()) {
                if (!co_await flusher.flush()) co_return;
                if (co_await stream.write(continue_line, options.write_timeout)) co_return;
            }
            if (!streaming) continue;
            // A streamed body: the handler runs now and reads the body as it arrives.
            body_reader.emplace(read_streamed_body(stream, input, parser, options.body_timeout));
        }
        if (state == ParseState::need_more) {
            if (!co_await flusher.flush()) co_return;
            bool const idle = input.size() == 0;
            if (idle && context.draining) co_return;
            // libuv stops reading after a short read without ever reporting EAGAIN, so the
            // buffer goes back to the loop's pool here, before the connection waits idle.
            if (idle) input.release_if_empty();
            milliseconds timeout = options.keep_alive_timeout;
            if (!idle) {
                if (head_started == 0) head_started = now_ms();
                timeout = body_started ? remaining(body_started + options.body_timeout.count())
                                       : remaining(head_started + options.header_timeout.count());
            }
            registration.set_idle(idle);
            std::error_code const ec = co_await stream.read(timeout);
            registration.set_idle(false);
            if (!ec) continue;
            if (ec == uv_error(UV_ETIMEDOUT) && !idle) {
                serialize_error(408, body_started ? "the request body took too long to arrive"
                                                  : "the request head took too long to arrive",
                                /*close=*/true, output);
                co_await flusher.flush();
            }
            co_return;   // EOF, reset, idle timeout or a drain
        }

        // A complete request (or the head of one whose body streams): answer it, then look for
        // the next one already buffered.
        if (streaming) data.body_stream = &*body_reader;
        else parser.build(data, input.data());
        data.remote_address = stream.remote_address();
        if (proxied) [[unlikely]] {
            if (!proxied->address.empty()) data.remote_address = proxied->address;
            if (proxied->trusted) apply_forwarded(data, *proxied->trusted, proxied->forwarded);
        }
        bool keep_alive = data.keep_alive;
        {
            Request req{data};
            // Not `cond ? co_await a : co_await b`: g++ 12 mishandles the temporaries of a
            // co_await inside a conditional expression (the response's headers were freed twice).
            // A client that leaves while its handler awaits cancels the handler (and with it
            // this connection, which has no one left to answer). A store, not a call: this
            // runs for every request.
            if (disconnect_slot) *disconnect_slot = connection_stop;
            // The response stays where the handler's task put it, in the task's promise, and is
            // answered from there: moving it out into a Response of the connection's cost ~120
            // instructions per request (callgrind), and the frame ~150 bytes.
            Task<Response> answer;
            Response* answered = nullptr;
            std::exception_ptr failure;
            try {
                // Without metrics the App is awaited right here rather than through respond(),
                // and App::serve hands back the handler's own task: one coroutine frame per
                // request. A handler's error comes out here, as from respond(), and is answered
                // below the same way. Inside the try: a handler may throw before its first await.
                answer = context.metrics ? respond_measured(context.app, req, *context.metrics) : context.app.serve(req);
                if (deadlines) [[unlikely]] answer = within_request_deadline(std::move(answer), req, options);
                // An lvalue await: a reference into the task's promise, which `answer` keeps.
                Response& handed = co_await answer;
                answered = &handed;
            } catch (CancelledError const&) {
                note_abandoned(disconnect_slot, context);
                throw;
            } catch (...) {
                failure = std::current_exception();
            }
            if (disconnect_slot) {
                if (*disconnect_slot == nullptr) [[unlikely]] forgive_late_disconnect(*connection_stop, context);
                *disconnect_slot = nullptr;
            }
            if (failure) {
                answer = settled(error_response(failure, req));
                Response& handed = co_await answer;
                answered = &handed;
            }
            Response& res = *answered;
            bool const head = data.method == "HEAD";
            // A file from a middleware, past App::dispatch, is settled here.
            if (res.special() && res.is_file() && !res.special()->file->prepared) [[unlikely]]
                co_await prepare_file_response(req, res);
            SpecialBody* const special = res.special();
            // HTTP/1.0 has no chunked framing: a streamed body ends when the connection does.
            bool const close_delimited = special && special->stream && data.http_minor == 0 && !head;
            keep_alive = keep_alive && res.keep_alive() && !context.draining && !close_delimited;
            serialize_response(res,
                               {.head = head,
                                .close = !keep_alive,
                                .http10_keep_alive = keep_alive && data.http_minor == 0,
                                .chunked = special && special->stream && data.http_minor == 1},
                               output);
            if (special) [[unlikely]] {
                if (special->upgrade && res.status() == 101) {
                    // The connection is the new protocol's now: the head goes out, the request
                    // is rebuilt on a copy of its bytes (the buffer will carry frames), and the
                    // hook runs until that protocol is done with the connection.
                    if (!co_await flusher.flush()) co_return;
                    head_copy.assign(input.data().substr(0, parser.message_size()));
                    parser.build(data, head_copy);
                    input.consume(parser.message_size());
                    registration.set_upgraded();
                    UpgradedConnection upgraded{stream, input, req};
                    co_await special->upgrade(upgraded);
                    co_return;
                }
                // An endless stream started during a drain ends at once, as the drain would end it.
                bool const endless = special->ends_on_drain && special->stream;
                registration.set_endless(endless);
                auto body_options = special_body_options(res, data, options);
                body_options.endless = endless;
                body_options.ends_now = endless && context.draining;
                if (!co_await send_special_body(stream, res, output, body_options)) keep_alive = false;
                registration.set_endless(false);
            }
            recycle_body_buffer(std::move(res.body()));
        }
        if (body_options) [[unlikely]] input.set_max_size(default_input_size);
        if (streaming) {
            // A body the handler did not read to its end cannot be skipped cheaply: close.
            body_reader.reset();
            streaming = false;
            if (parser.parse(input.data()) != ParseState::complete) {
                if (co_await flusher.flush()) co_await drain_before_close(stream, input, parser.body_pending());
                co_return;
            }
        }
        input.consume(parser.message_size());
        parser.next();
        head_started = body_started = 0;
        if (!keep_alive) {
            co_await flusher.flush();
            co_return;
        }
        if (output.size() >= output_flush_size && !co_await flusher.flush()) co_return;
    }
}

}  // namespace tern::detail
