#include <tern/http/client/client.hpp>

#include <tern/core/time.hpp>
#include <tern/http/deadline.hpp>

#include <algorithm>
#include <mutex>
#include <stdexcept>

#include <fmt/format.h>

#include <tern/core/time.hpp>

#include "exchange.hpp"
#include "http/http_chars.hpp"
#include "pool.hpp"
#include "url.hpp"

namespace tern::http {

namespace detail {
namespace {

// One request and its response, read whole.
Task<ClientResponse> send(ClientState& state, Call& call) {
    Exchange exchange{state, call, /*streamed_response=*/false};
    Task<> starting = exchange.start();
    co_await std::move(starting);
    Task<std::string> reading = exchange.read_rest();
    std::string body = co_await std::move(reading);
    exchange.finish();
    ResponseHead& head = exchange.head();
    co_return ClientResponse{head.status, std::move(head.reason), std::move(head.headers), std::move(body),
                             call.method, call.url};
}

std::string_view field(Headers const& headers, std::string_view name) noexcept {
    for (auto const& [key, value] : headers)
        if (tern::detail::iequals(key, name)) return value;
    return {};
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

// Whether to follow a response: the next URL, or "" to return it as it is. Throws past the limit.
std::string next_hop(ClientState const& state, Call const& call, int redirects, int status, std::string_view location,
                     bool body_was_streamed) {
    int const max = state.options.max_redirects;
    if (max <= 0 || !is_redirect(status) || location.empty()) return {};
    if (body_was_streamed && (status == 307 || status == 308)) return {};   // the body cannot be sent again
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
    return next;
}

Task<ClientResponse> follow(ClientState& state, Call call) {
    for (int redirects = 0;; ++redirects) {
        bool const streamed = call.body_stream.has_value();
        Task<ClientResponse> sending = send(state, call);
        ClientResponse response = co_await std::move(sending);
        std::string next = next_hop(state, call, redirects, response.status(), response.header("location"), streamed);
        if (next.empty()) co_return std::move(response);
        redirect(call, response.status(), std::move(next));
    }
}

// As follow(), but the last response's body is left to the ClientStream; the bodies of the
// redirects before it are read (and bounded by max_response_bytes) so their connections stay usable.
Task<ClientStream> follow_stream(ClientState& state, Call call) {
    auto streamed = std::make_unique<StreamedCall>();
    streamed->call = std::move(call);
    for (int redirects = 0;; ++redirects) {
        streamed->exchange = std::make_unique<Exchange>(state, streamed->call, /*streamed_response=*/true);
        Exchange& exchange = *streamed->exchange;
        Task<> starting = exchange.start();
        co_await std::move(starting);
        ResponseHead const& head = exchange.head();
        std::string next = next_hop(state, streamed->call, redirects, head.status, field(head.headers, "location"), false);
        if (next.empty()) {
            ClientStream stream{std::move(streamed)};
            co_return stream;
        }
        std::string drained;
        for (;;) {
            Task<bool> reading = exchange.read_more(drained);
            bool const more = co_await std::move(reading);
            if (drained.size() > state.options.max_response_bytes) {
                throw ClientError(streamed->call.url, fmt::format("{} {}: response too large: a redirect's body exceeds {} bytes",
                                                                  streamed->call.method, streamed->call.url,
                                                                  state.options.max_response_bytes));
            }
            if (!more) break;
        }
        exchange.finish();
        redirect(streamed->call, head.status, std::move(next));
    }
}

// Runs `Follow` (follow or follow_stream) under the whole call's timeout.
template <typename Result, Task<Result> (*Follow)(ClientState&, Call)>
Task<Result> perform(ClientState& state, Call call) {
    call.url = with_base(state.options.base_url, call.url);
    parse_url(call.url);   // std::invalid_argument for https:// and other URLs it cannot use
    // A call made under a deadline tells the server how long its caller will still wait, so
    // a chain of tern services shares one deadline.
    bool const deadline_given = std::any_of(call.headers.begin(), call.headers.end(), [](auto const& field) {
        return tern::detail::iequals(field.first, deadline_header);
    });
    if (auto const when = co_await current_deadline(); when && state.options.send_deadline && !deadline_given) {
        auto const left = std::chrono::ceil<std::chrono::milliseconds>(*when - std::chrono::steady_clock::now()).count();
        call.headers.emplace_back(std::string(deadline_header), std::to_string(left > 0 ? left : 0));
    }
    std::chrono::milliseconds const limit = state.options.timeout;
    if (limit.count() <= 0) {
        Task<Result> following = Follow(state, std::move(call));
        co_return co_await std::move(following);
    }
    std::string const method = call.method;
    std::string const url = call.url;
    try {
        Task<Result> following = Follow(state, std::move(call));
        Task<Result> timed = wait_for(std::move(following), limit);
        co_return co_await std::move(timed);
    } catch (ClientTimeout const&) {
        throw;
    } catch (TimeoutError const&) {
        throw ClientTimeout("request", url,
                            fmt::format("{} {}: request timeout: no complete response within {} ms", method, url, limit.count()));
    }
}

Task<ClientResponse> perform_buffered(ClientState& state, Call call) {
    return perform<ClientResponse, &follow>(state, std::move(call));
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

std::optional<std::string> Client::cookie(std::string_view name, std::string const& url) const {
    detail::Url const target = detail::parse_url(detail::with_base(state_->options.base_url, url));
    std::lock_guard lock{state_->cookie_mutex};
    return state_->cookies.find(name, target, std::chrono::system_clock::now());
}

void Client::clear_cookies() {
    std::lock_guard lock{state_->cookie_mutex};
    state_->cookies.clear();
}

std::size_t Client::connections_opened() const noexcept { return state_->registry->opened.load(); }

Task<ClientResponse> Client::request(std::string method, std::string url, Headers headers, std::string body) {
    return detail::perform_buffered(*state_, detail::make_call(std::move(method), std::move(url), std::move(headers),
                                                               std::move(body), {}));
}

Task<ClientResponse> Client::request(std::string method, std::string url, Headers headers, RequestBody body) {
    return detail::perform_buffered(*state_, detail::make_call(std::move(method), std::move(url), std::move(headers),
                                                               std::move(body.data), std::move(body.content_type)));
}

Task<ClientResponse> Client::request(std::string method, std::string url, Headers headers, Generator<std::string> body) {
    detail::Call call = detail::make_call(std::move(method), std::move(url), std::move(headers), {}, {});
    call.body_stream.emplace(std::move(body));
    return detail::perform_buffered(*state_, std::move(call));
}

Task<ClientStream> Client::stream(std::string method, std::string url, Headers headers, std::string body) {
    detail::Call call = detail::make_call(std::move(method), std::move(url), std::move(headers), std::move(body), {});
    return detail::perform<ClientStream, &detail::follow_stream>(*state_, std::move(call));
}

Task<ClientStream> Client::stream(std::string method, std::string url) {
    return stream(std::move(method), std::move(url), Headers{}, std::string{});
}

Task<ClientStream> Client::stream(std::string method, std::string url, Headers headers) {
    return stream(std::move(method), std::move(url), std::move(headers), std::string{});
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
