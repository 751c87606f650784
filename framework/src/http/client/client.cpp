#include <tern/http/client/client.hpp>

#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <uv.h>

#include <tern/core/time.hpp>
#include <tern/net/connect.hpp>

#include "cookie_jar.hpp"
#include "http/http_chars.hpp"
#include "pool.hpp"
#include "response_parser.hpp"
#include "url.hpp"

namespace tern::http {

namespace detail {

/// Everything a Client owns: what its calls read (the options), what they share across loops
/// (the registry of per-loop pools, the cookie jar, under a mutex).
struct ClientState {
    explicit ClientState(ClientOptions o) : options(std::move(o)), registry(std::make_shared<Registry>()) {}
    ClientOptions const options;
    std::shared_ptr<Registry> registry;
    std::mutex cookie_mutex;
    CookieJar cookies;   // guarded by cookie_mutex
};

namespace {

constexpr std::size_t read_buffer_size = 64 * 1024;

/// One request as the caller made it; redirects rewrite it.
struct Call {
    std::string method;
    std::string url;
    Headers headers;
    std::string body;
    std::string content_type;
};

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

// The request head and body, ready to write: Host, User-Agent, the client's default fields
// (unless the call has its own of that name), the call's fields, Cookie, Content-Type and
// Content-Length.
std::string serialize(ClientState& state, Call const& call, Url const& url) {
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
    if (!call.body.empty() || expects_body) out += fmt::format("Content-Length: {}\r\n", call.body.size());
    out += "\r\n";
    out += call.body;
    return out;
}

void keep_cookies(ClientState& state, Url const& url, Headers const& headers) {
    if (!state.options.cookies) return;
    auto const now = std::chrono::system_clock::now();
    std::lock_guard lock{state.cookie_mutex};
    for (auto const& [name, value] : headers)
        if (tern::detail::iequals(name, "set-cookie")) state.cookies.store(value, url, now);
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

struct Exchanged {
    ClientResponse response;
    bool keep_alive = false;
};

// Sends the request on `connection` and reads the response whole. nullopt when `retryable` and
// the connection turned out dead before any byte of a response came back: a pooled connection
// the server had closed while it was idle.
Task<std::optional<Exchanged>> exchange(ClientState& state, Connection& connection, Call const& call,
                                        std::string const& wire, bool retryable) {
    ClientOptions const& o = state.options;
    std::error_code ec = co_await connection.stream.write(wire, o.read_timeout);
    if (ec == uv_error(UV_ECANCELED)) throw CancelledError{};
    if (ec == uv_error(UV_ETIMEDOUT)) throw_timeout("write", call, o.read_timeout, "the server took no bytes of the request");
    if (ec && retryable) co_return std::nullopt;
    if (ec) {
        throw ClientError(call.url, fmt::format("{} {}: the connection broke while sending the request: {}", call.method,
                                                call.url, ec.message()), ec);
    }
    ResponseLimits limits;
    limits.max_head_bytes = o.max_head_bytes;
    limits.max_body = o.max_response_bytes;
    ResponseParser parser{limits};
    parser.start(call.method == "HEAD");
    std::string body;
    std::vector<std::string_view> pieces;
    ResponseState result = ResponseState::need_more;
    for (;;) {
        pieces.clear();
        result = parser.parse(connection.input->data(), pieces);
        for (std::string_view piece : pieces) body.append(piece);
        connection.input->consume(parser.consumed());
        if (result != ResponseState::need_more) break;
        ec = co_await connection.stream.read(o.read_timeout);
        if (!ec) continue;
        if (ec == uv_error(UV_ECANCELED)) throw CancelledError{};
        if (ec == uv_error(UV_ETIMEDOUT)) {
            throw_timeout("read", call, o.read_timeout,
                          parser.head_ready() ? "no further byte of the response body" : "no response");
        }
        if (retryable && parser.nothing_received()) co_return std::nullopt;
        if (ec != uv_error(UV_EOF)) {
            throw ClientError(call.url, fmt::format("{} {}: the connection broke while reading the response: {}",
                                                    call.method, call.url, ec.message()), ec);
        }
        result = parser.finish();
        break;
    }
    if (result == ResponseState::failed) throw ClientError(call.url, describe_failure(call, parser.error()));
    ResponseHead& head = parser.head();
    Exchanged out{ClientResponse{head.status, std::move(head.reason), std::move(head.headers), std::move(body),
                                 call.method, call.url},
                  parser.keep_alive() && connection.input->size() == 0};
    co_return out;
}

// One request and its response, on a pooled connection or a new one; a dead pooled connection
// is replaced once, for idempotent methods.
Task<ClientResponse> send(ClientState& state, Call const& call) {
    Url const url = parse_url(call.url);
    std::string const wire = serialize(state, call, url);
    LoopState::Use use{LoopState::of_current_loop(state.registry, state.options.max_connections_per_host,
                                                  state.options.idle_timeout)};
    HostPool& pool = use->pool(url.authority());
    Semaphore::Permit permit = co_await pool.limit().acquire();
    bool may_retry = is_idempotent(call.method);
    for (;;) {
        Connection connection = pool.take_idle(Clock::now());
        bool const reused = static_cast<bool>(connection);
        if (!reused) {
            Task<Connection> opening = open_connection(state, call, url);
            connection = co_await std::move(opening);
        }
        Task<std::optional<Exchanged>> exchanging = exchange(state, connection, call, wire, reused && may_retry);
        std::optional<Exchanged> done = co_await std::move(exchanging);
        if (!done) {
            may_retry = false;
            continue;   // `connection` is closed as the next one replaces it
        }
        if (done->keep_alive) use->give_back(pool, std::move(connection));
        keep_cookies(state, url, done->response.headers());
        co_return std::move(done->response);
    }
}

bool is_redirect(int status) noexcept {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// RFC 9110 15.4: 303 turns into GET (HEAD stays HEAD); so do 301 and 302 after a POST, as
// browsers, httpx and aiohttp do; 307 and 308 repeat the request as it was.
void redirect(Call& call, int status, std::string location) {
    std::string const from = call.url;
    call.url = std::move(location);
    bool const to_get = (status == 303 && call.method != "HEAD") || ((status == 301 || status == 302) && call.method == "POST");
    if (to_get) {
        call.method = "GET";
        call.body.clear();
        call.content_type.clear();
        std::erase_if(call.headers, [](auto const& field) { return tern::detail::iequals(field.first, "content-type"); });
    }
    // Credentials meant for one origin are not sent to another.
    if (parse_url(from).authority() != parse_url(call.url).authority()) {
        std::erase_if(call.headers, [](auto const& field) {
            return tern::detail::iequals(field.first, "authorization") || tern::detail::iequals(field.first, "cookie");
        });
    }
}

Task<ClientResponse> follow(ClientState& state, Call call) {
    int const max = state.options.max_redirects;
    for (int redirects = 0;; ++redirects) {
        Task<ClientResponse> sending = send(state, call);
        ClientResponse response = co_await std::move(sending);
        std::string_view const location = response.header("location");
        if (max <= 0 || !is_redirect(response.status()) || location.empty()) co_return std::move(response);
        if (redirects == max) {
            throw ClientError(call.url, fmt::format("{} {}: too many redirects (more than {})", call.method, call.url, max));
        }
        std::string next = resolve_reference(parse_url(call.url), location);
        try {
            parse_url(next);
        } catch (std::invalid_argument const& e) {
            throw ClientError(call.url, fmt::format("{} {}: redirected to {}, which cannot be followed: {}", call.method,
                                                    call.url, next, e.what()));
        }
        redirect(call, response.status(), std::move(next));
    }
}

Task<ClientResponse> perform(ClientState& state, Call call) {
    call.url = with_base(state.options.base_url, call.url);
    parse_url(call.url);   // std::invalid_argument for https:// and other URLs it cannot use
    std::chrono::milliseconds const limit = state.options.timeout;
    if (limit.count() <= 0) {
        Task<ClientResponse> following = follow(state, std::move(call));
        co_return co_await std::move(following);
    }
    std::string const method = call.method;
    std::string const url = call.url;
    try {
        Task<ClientResponse> following = follow(state, std::move(call));
        Task<ClientResponse> timed = wait_for(std::move(following), limit);
        co_return co_await std::move(timed);
    } catch (ClientTimeout const&) {
        throw;
    } catch (TimeoutError const&) {
        throw ClientTimeout("request", url,
                            fmt::format("{} {}: request timeout: no complete response within {} ms", method, url, limit.count()));
    }
}

Call make_call(std::string method, std::string url, Headers headers, std::string body, std::string content_type) {
    Call call;
    call.method = std::move(method);
    call.url = std::move(url);
    call.headers = std::move(headers);
    call.body = std::move(body);
    call.content_type = std::move(content_type);
    return call;
}

}  // namespace
}  // namespace detail

Client::Client() : Client(ClientOptions{}) {}

Client::Client(ClientOptions options) : state_(std::make_unique<detail::ClientState>(std::move(options))) {}

Client::~Client() { detail::LoopState::client_gone(*state_->registry); }

ClientOptions const& Client::options() const noexcept { return state_->options; }

std::size_t Client::connections_opened() const noexcept { return state_->registry->opened.load(); }

Task<ClientResponse> Client::request(std::string method, std::string url, Headers headers, std::string body) {
    return detail::perform(*state_, detail::make_call(std::move(method), std::move(url), std::move(headers),
                                                      std::move(body), {}));
}

Task<ClientResponse> Client::request(std::string method, std::string url, Headers headers, RequestBody body) {
    return detail::perform(*state_, detail::make_call(std::move(method), std::move(url), std::move(headers),
                                                      std::move(body.data), std::move(body.content_type)));
}

Task<ClientResponse> Client::request(std::string method, std::string url) {
    return request(std::move(method), std::move(url), Headers{}, std::string{});
}

Task<ClientResponse> Client::request(std::string method, std::string url, Headers headers) {
    return request(std::move(method), std::move(url), std::move(headers), std::string{});
}

Task<ClientResponse> Client::get(std::string url) { return request("GET", std::move(url)); }
Task<ClientResponse> Client::get(std::string url, Headers headers) { return request("GET", std::move(url), std::move(headers)); }
Task<ClientResponse> Client::head(std::string url) { return request("HEAD", std::move(url)); }
Task<ClientResponse> Client::head(std::string url, Headers headers) { return request("HEAD", std::move(url), std::move(headers)); }
Task<ClientResponse> Client::delete_(std::string url) { return request("DELETE", std::move(url)); }
Task<ClientResponse> Client::delete_(std::string url, Headers headers) { return request("DELETE", std::move(url), std::move(headers)); }

Task<ClientResponse> Client::post(std::string url, std::string body) {
    return request("POST", std::move(url), Headers{}, std::move(body));
}
Task<ClientResponse> Client::post(std::string url, std::string body, Headers headers) {
    return request("POST", std::move(url), std::move(headers), std::move(body));
}
Task<ClientResponse> Client::post(std::string url, RequestBody body) {
    return request("POST", std::move(url), Headers{}, std::move(body));
}
Task<ClientResponse> Client::post(std::string url, RequestBody body, Headers headers) {
    return request("POST", std::move(url), std::move(headers), std::move(body));
}
Task<ClientResponse> Client::put(std::string url, std::string body) {
    return request("PUT", std::move(url), Headers{}, std::move(body));
}
Task<ClientResponse> Client::put(std::string url, std::string body, Headers headers) {
    return request("PUT", std::move(url), std::move(headers), std::move(body));
}
Task<ClientResponse> Client::put(std::string url, RequestBody body) {
    return request("PUT", std::move(url), Headers{}, std::move(body));
}
Task<ClientResponse> Client::patch(std::string url, std::string body) {
    return request("PATCH", std::move(url), Headers{}, std::move(body));
}
Task<ClientResponse> Client::patch(std::string url, RequestBody body) {
    return request("PATCH", std::move(url), Headers{}, std::move(body));
}

}  // namespace tern::http
