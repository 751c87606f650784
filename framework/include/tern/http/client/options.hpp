#pragma once
// tern::http::ClientOptions: the limits, timeouts and defaults of a tern::http::Client.
#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace tern::http {

/// Header fields as a client sends or receives them: in order, duplicates kept.
using Headers = std::vector<std::pair<std::string, std::string>>;

struct ClientOptions {
    /// For each TCP connect (DNS not included). Zero: no limit.
    std::chrono::milliseconds connect_timeout{10'000};
    /// For a whole call, from the first connect to the last byte of the last redirect's
    /// response (for a streamed response: to its head). Zero: no limit.
    std::chrono::milliseconds timeout{30'000};
    /// The longest a call waits for the next byte from the server (or for the server to take
    /// the next bytes of the request). Zero: no limit.
    std::chrono::milliseconds read_timeout{30'000};
    /// Connections open at once to one scheme://host:port, per loop thread; calls beyond it wait.
    std::size_t max_connections_per_host = 16;
    /// An idle kept-alive connection is closed after this long unused.
    std::chrono::milliseconds idle_timeout{30'000};
    /// Redirects followed per call (301, 302, 303, 307, 308); more fail. Zero: none followed,
    /// the 3xx response is returned as it is.
    int max_redirects = 10;
    /// A response body larger than this fails the call ("too large"); a streamed body is not
    /// limited by it.
    std::size_t max_response_bytes = 64 * 1024 * 1024;
    /// The status line and header fields of a response (and of the 1xx before it) together.
    std::size_t max_head_bytes = 64 * 1024;
    /// Prefixed to URLs that do not start with "http://" or "https://" ("http://api:8080/v1"
    /// with "/items" gives "http://api:8080/v1/items").
    std::string base_url{};
    /// Sent with every request, before the call's own (a call's field of the same name wins).
    Headers headers{};
    /// Keep cookies the servers set and send them back (aiohttp's ClientSession does).
    bool cookies = true;
    /// A call made under a deadline (tern::timeout, a request's deadline) sends the time left in
    /// the X-Request-Timeout-Ms header (tern::deadline_header), which tern servers honour up to
    /// their max_caller_timeout.
    bool send_deadline = true;
    /// The User-Agent sent unless a header gives one.
    std::string user_agent = "tern";
};

}  // namespace tern::http
