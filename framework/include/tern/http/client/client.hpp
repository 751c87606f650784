#pragma once
// tern::http::Client: an HTTP/1.1 client on the loop (aiohttp's ClientSession, httpx's
// AsyncClient): a keep-alive pool per scheme://host:port, timeouts, redirects and cookies.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <tern/core/generator.hpp>
#include <tern/core/task.hpp>
#include <tern/http/client/error.hpp>
#include <tern/http/client/options.hpp>
#include <tern/http/client/response.hpp>
#include <tern/http/client/stream.hpp>
#include <tern/json/dump.hpp>

namespace tern::http {

/// A request body with its media type; json_body() makes the usual one.
struct RequestBody {
    std::string data;
    std::string content_type;
};

/// `client.post(url, tern::json_body(item))`: the model (or json::Value) serialised, sent as
/// application/json. Throws json::DumpError as json::dump does.
template <typename T>
RequestBody json_body(T const& value) {
    RequestBody body;
    body.data = ::tern::json::dump(value);
    body.content_type = "application/json";
    return body;
}

namespace detail {
struct ClientState;
}

/// Calls may run concurrently (gather them), from any loop thread: each loop has its own
/// connections, held for reuse while idle up to ClientOptions::idle_timeout and closed when
/// the loop ends. Only http:// URLs; https:// throws std::invalid_argument ("not supported
/// yet"), as does a URL or header field the client cannot send.
///
/// Every call throws ClientError (no connection, a broken one, a malformed or too large
/// response, too many redirects) or ClientTimeout (a tern::TimeoutError) naming the method and
/// the URL; a 4xx or 5xx is a response, not an error (see ClientResponse::raise_for_status). A
/// call to a connection from the pool that the server had closed is retried once on a new
/// connection, for idempotent methods only. Cancelling a call closes its connection.
///
/// The client must outlive its calls and their ClientStreams. g++ 12 cannot compile an
/// initializer list inside a co_await ("array used as initializer"), so name the headers
/// first: `tern::http::Headers h{{"Content-Type", "text/plain"}}; co_await client.post(url,
/// body, h);`. Pass options by name too, never as a braced temporary inside a co_await.
class Client {
public:
    Client();
    explicit Client(ClientOptions options);
    ~Client();
    Client(Client const&) = delete;
    Client& operator=(Client const&) = delete;

    Task<ClientResponse> get(std::string url);
    Task<ClientResponse> get(std::string url, Headers headers);
    Task<ClientResponse> head(std::string url);
    Task<ClientResponse> head(std::string url, Headers headers);
    Task<ClientResponse> post(std::string url, std::string body);
    Task<ClientResponse> post(std::string url, std::string body, Headers headers);
    Task<ClientResponse> post(std::string url, RequestBody body);
    Task<ClientResponse> post(std::string url, RequestBody body, Headers headers);
    Task<ClientResponse> put(std::string url, std::string body);
    Task<ClientResponse> put(std::string url, std::string body, Headers headers);
    Task<ClientResponse> put(std::string url, RequestBody body);
    Task<ClientResponse> patch(std::string url, std::string body);
    Task<ClientResponse> patch(std::string url, RequestBody body);
    Task<ClientResponse> delete_(std::string url);
    Task<ClientResponse> delete_(std::string url, Headers headers);

    /// Any method ("GET", "PROPFIND"): a token, as RFC 9110 says.
    Task<ClientResponse> request(std::string method, std::string url);
    Task<ClientResponse> request(std::string method, std::string url, Headers headers);
    Task<ClientResponse> request(std::string method, std::string url, Headers headers, std::string body);
    Task<ClientResponse> request(std::string method, std::string url, Headers headers, RequestBody body);

    /// Uploads `body` as it is produced, chunked (Transfer-Encoding: chunked), at most about
    /// 64 KiB ahead of what the server has taken. Never retried; a 307 or 308 answering it is
    /// returned as it is (the body cannot be sent again).
    Task<ClientResponse> request(std::string method, std::string url, Headers headers, Generator<std::string> body);

    /// Like request(), but returns once the response's head is in: the body is read from the
    /// ClientStream as it arrives. ClientOptions::timeout bounds the wait for the head.
    Task<ClientStream> stream(std::string method, std::string url);
    Task<ClientStream> stream(std::string method, std::string url, Headers headers);
    Task<ClientStream> stream(std::string method, std::string url, Headers headers, std::string body);

    ClientOptions const& options() const noexcept;

    /// The value of the cookie named `name` that the client would send to `url` (absolute, or
    /// under the base URL), if it holds one. Thread-safe, as the jar is shared by every loop.
    std::optional<std::string> cookie(std::string_view name, std::string const& url) const;
    /// Forgets every cookie (a new session, as aiohttp's cookie_jar.clear()).
    void clear_cookies();

    /// Connections opened so far (on every loop), for tests and metrics: with keep-alive, ten
    /// sequential calls to one host open one.
    std::size_t connections_opened() const noexcept;

private:
    std::unique_ptr<detail::ClientState> state_;
};

}  // namespace tern::http

namespace tern {
using http::json_body;
}  // namespace tern
