#include "exchange.hpp"

#include <limits>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>
#include <uv.h>

#include <tern/core/error.hpp>
#include <tern/net/connect.hpp>

#include "http/http_chars.hpp"

namespace tern::http::detail {
namespace {

constexpr std::size_t read_buffer_size = 64 * 1024;
constexpr std::size_t send_high_water = 64 * 1024;   // a streamed upload runs at most this far ahead

bool is_idempotent(std::string_view method) noexcept {
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS" ||
           method == "TRACE";
}

bool has_field(Headers const& headers, std::string_view name) noexcept {
    for (auto const& [field, value] : headers)
        if (tern::detail::iequals(field, name)) return true;
    return false;
}

void check_field(std::string const& url, std::string const& name, std::string const& value) {
    if (!tern::detail::is_token(name))
        throw std::invalid_argument(fmt::format("tern::http::Client: {}: the header name '{}' is not a token", url, name));
    if (!tern::detail::is_field_value(value))
        throw std::invalid_argument(fmt::format("tern::http::Client: {}: the value of '{}' holds CR, LF or NUL", url, name));
    if (tern::detail::iequals(name, "transfer-encoding") || tern::detail::iequals(name, "content-length"))
        throw std::invalid_argument(fmt::format("tern::http::Client: {}: '{}' is the client's to set", url, name));
}

// The parser's verdict as a sentence: "GET http://h/x: response too large: a body of ...".
std::string describe_failure(Call const& call, std::string const& error) {
    std::string_view kind = "malformed response: ";
    if (error.find("exceed") != std::string::npos || error.starts_with("more than")) kind = "response too large: ";
    if (error.starts_with("the connection closed")) kind = "";
    return fmt::format("{} {}: {}{}", call.method, call.url, kind, error);
}

[[noreturn]] void throw_timeout(std::string_view phase, Call const& call, std::chrono::milliseconds limit,
                                std::string_view what) {
    throw ClientTimeout(std::string(phase), call.url,
                        fmt::format("{} {}: {} timeout: {} within {} ms", call.method, call.url, phase, what, limit.count()));
}

[[noreturn]] void throw_broken(Call const& call, std::string_view when, std::error_code ec) {
    throw ClientError(call.url, fmt::format("{} {}: the connection broke while {}: {}", call.method, call.url, when,
                                            ec.message()), ec);
}

Task<Connection> open_connection(ClientState& state, Call const& call, Url const& url) {
    Connection connection;
    connection.input = std::make_unique<InputBuffer>(read_buffer_size);
    std::chrono::milliseconds const limit = state.options.connect_timeout;
    try {
        Task<TcpStream> connecting = net::connect(url.host, url.port, limit);
        connection.stream = co_await std::move(connecting);
    } catch (std::system_error const& e) {
        if (e.code() == uv_error(UV_ETIMEDOUT)) throw_timeout("connect", call, limit, "no connection to " + url.authority());
        throw ClientError(call.url, fmt::format("{} {}: cannot connect: {}", call.method, call.url, e.what()), e.code());
    }
    connection.stream.start_reading(*connection.input);
    ++state.registry->opened;
    co_return connection;
}

ResponseLimits limits_for(ClientOptions const& o, bool streamed_response) {
    ResponseLimits limits;
    limits.max_head_bytes = o.max_head_bytes;
    limits.max_body = streamed_response ? std::numeric_limits<std::size_t>::max() : o.max_response_bytes;
    return limits;
}

}  // namespace

// Host, User-Agent, the client's default fields (unless the call has its own of that name), the
// call's fields, Cookie, Content-Type, then Content-Length or chunked framing.
std::string serialize_request(ClientState& state, Call const& call, Url const& url) {
    if (!tern::detail::is_token(call.method))
        throw std::invalid_argument("tern::http::Client: the method '" + call.method + "' is not a token");
    ClientOptions const& o = state.options;
    std::string out = call.method + " " + url.target + " HTTP/1.1\r\n";
    auto add = [&](std::string const& name, std::string const& value) {
        check_field(call.url, name, value);
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    };
    if (!has_field(call.headers, "host")) add("Host", url.authority());
    if (!has_field(call.headers, "user-agent") && !has_field(o.headers, "user-agent") && !o.user_agent.empty())
        add("User-Agent", o.user_agent);
    for (auto const& [name, value] : o.headers)
        if (!has_field(call.headers, name)) add(name, value);
    for (auto const& [name, value] : call.headers) add(name, value);
    if (o.cookies && !has_field(call.headers, "cookie")) {
        std::string cookie;
        {
            std::lock_guard lock{state.cookie_mutex};
            cookie = state.cookies.header_for(url, std::chrono::system_clock::now());
        }
        if (!cookie.empty()) add("Cookie", cookie);
    }
    if (!call.content_type.empty() && !has_field(call.headers, "content-type")) add("Content-Type", call.content_type);
    bool const expects_body = call.method == "POST" || call.method == "PUT" || call.method == "PATCH";
    if (call.body_stream) {
        out += "Transfer-Encoding: chunked\r\n\r\n";
        return out;
    }
    if (!call.body.empty() || expects_body) out += fmt::format("Content-Length: {}\r\n", call.body.size());
    out += "\r\n";
    out += call.body;
    return out;
}

Exchange::Exchange(ClientState& state, Call& call, bool streamed_response)
    : state_(state), call_(call), parser_(limits_for(state.options, streamed_response)) {}

Task<> Exchange::start() {
    url_ = parse_url(call_.url);
    wire_ = serialize_request(state_, call_, url_);
    ClientOptions const& o = state_.options;
    use_.emplace(LoopState::of_current_loop(state_.registry, o.max_connections_per_host, o.idle_timeout));
    pool_ = &(*use_)->pool(url_.authority());
    permit_ = co_await pool_->limit().acquire();
    // A streamed body cannot be sent twice, so that call is never retried.
    bool may_retry = is_idempotent(call_.method) && !call_.body_stream;
    for (;;) {
        connection_ = pool_->take_idle(Clock::now());
        bool const retryable = connection_ && may_retry;
        if (!connection_) {
            Task<Connection> opening = open_connection(state_, call_, url_);
            connection_ = co_await std::move(opening);
        }
        parser_.start(call_.method == "HEAD");
        Task<bool> sending = send_request();
        bool const sent = co_await std::move(sending);
        if (sent) {
            Task<bool> reading = read_head(retryable);
            if (co_await std::move(reading)) co_return;
        } else if (!retryable) {
            throw ClientError(call_.url, fmt::format("{} {}: the connection closed while sending the request",
                                                     call_.method, call_.url));
        }
        may_retry = false;   // a pooled connection the server had closed: once more on a new one
    }
}

// False when the connection turned out closed (the caller may retry on a new one).
Task<bool> Exchange::send_request() {
    ClientOptions const& o = state_.options;
    std::error_code ec = co_await connection_.stream.write(wire_, o.read_timeout);
    if (ec == uv_error(UV_ECANCELED)) throw CancelledError{};
    if (ec == uv_error(UV_ETIMEDOUT)) throw_timeout("write", call_, o.read_timeout, "the server took no bytes of the request");
    if (ec) co_return false;
    if (!call_.body_stream) co_return true;
    Generator<std::string>& chunks = *call_.body_stream;
    std::string framed;
    for (;;) {
        std::optional<std::string> chunk = co_await chunks.next();
        if (!chunk) break;
        if (chunk->empty()) continue;
        framed = fmt::format("{:x}\r\n", chunk->size());
        framed += *chunk;
        framed += "\r\n";
        ec = co_await connection_.stream.send(framed, send_high_water, o.read_timeout);
        if (ec == uv_error(UV_ECANCELED)) throw CancelledError{};
        if (ec == uv_error(UV_ETIMEDOUT)) throw_timeout("write", call_, o.read_timeout, "the server took no more of the request body");
        if (ec) throw_broken(call_, "sending the request body", ec);
    }
    call_.body_stream.reset();
    ec = co_await connection_.stream.send("0\r\n\r\n", 0, o.read_timeout);
    if (ec == uv_error(UV_ECANCELED)) throw CancelledError{};
    if (ec) throw_broken(call_, "sending the request body", ec);
    co_return true;
}

// Parses what is buffered; body bytes go to `out`. True once the response is complete.
bool Exchange::parse_buffered(std::string* out) {
    pieces_.clear();
    result_ = parser_.parse(connection_.input->data(), pieces_);
    for (std::string_view piece : pieces_) out->append(piece);
    connection_.input->consume(parser_.consumed());
    if (result_ == ResponseState::failed) fail_parse();
    done_ = result_ == ResponseState::complete;
    return done_;
}

void Exchange::fail_parse() const { throw ClientError(call_.url, describe_failure(call_, parser_.error())); }

// False when `retryable` and the connection closed before any byte of a response.
Task<bool> Exchange::read_head(bool retryable) {
    ClientOptions const& o = state_.options;
    for (;;) {
        parse_buffered(&early_body_);
        if (parser_.head_ready()) co_return true;
        std::error_code const ec = co_await connection_.stream.read(o.read_timeout);
        if (!ec) continue;
        if (ec == uv_error(UV_ECANCELED)) throw CancelledError{};
        if (ec == uv_error(UV_ETIMEDOUT)) throw_timeout("read", call_, o.read_timeout, "no response");
        if (retryable && parser_.nothing_received()) co_return false;
        if (ec != uv_error(UV_EOF)) throw_broken(call_, "reading the response", ec);
        result_ = parser_.finish();
        if (result_ == ResponseState::failed) fail_parse();
        done_ = true;
        co_return true;
    }
}

Task<bool> Exchange::read_more(std::string& out) {
    if (!early_body_.empty()) {
        out += early_body_;
        early_body_.clear();
        co_return !done_;
    }
    ClientOptions const& o = state_.options;
    while (!done_) {
        std::size_t const before = out.size();
        if (parse_buffered(&out)) break;
        if (out.size() > before) co_return true;
        std::error_code const ec = co_await connection_.stream.read(o.read_timeout);
        if (!ec) continue;
        if (ec == uv_error(UV_ECANCELED)) throw CancelledError{};
        if (ec == uv_error(UV_ETIMEDOUT)) throw_timeout("read", call_, o.read_timeout, "no further byte of the response body");
        if (ec != uv_error(UV_EOF)) throw_broken(call_, "reading the response body", ec);
        result_ = parser_.finish();
        if (result_ == ResponseState::failed) fail_parse();
        done_ = true;
    }
    co_return false;
}

Task<std::string> Exchange::read_rest() {
    std::string body;
    for (;;) {
        Task<bool> reading = read_more(body);
        if (!co_await std::move(reading)) break;
    }
    co_return body;
}

void Exchange::finish() {
    if (finished_) return;
    finished_ = true;
    if (state_.options.cookies) {
        auto const now = std::chrono::system_clock::now();
        std::lock_guard lock{state_.cookie_mutex};
        for (auto const& [name, value] : parser_.head().headers)
            if (tern::detail::iequals(name, "set-cookie")) state_.cookies.store(value, url_, now);
    }
    if (done_ && parser_.keep_alive() && connection_.input->size() == 0) (*use_)->give_back(*pool_, std::move(connection_));
    permit_.release();   // after the connection is back, so that a waiting call finds it
}

}  // namespace tern::http::detail
