#pragma once
// A raw-socket HTTP client for server tests: blocking, bounded by timeouts, no tern inside, so
// it sees exactly the bytes the server writes.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tern/http/app.hpp>
#include <tern/testing/server.hpp>

namespace tern::testing {

/// A response as read off the wire.
struct WireResponse {
    int status = 0;
    std::string reason;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    /// The first header of that name (case-insensitive), or "" when absent.
    std::string header(std::string_view name) const;
};

/// One TCP connection to 127.0.0.1:port. Every read gives up after `timeout`.
class RawClient {
public:
    explicit RawClient(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    ~RawClient();
    RawClient(RawClient const&) = delete;
    RawClient& operator=(RawClient const&) = delete;

    /// Sends all of `bytes`; false if the connection is gone.
    bool send(std::string_view bytes);
    /// Reads one response (Content-Length or chunked framing; `head_request`: no body).
    /// nullopt when the connection closed or the timeout passed first.
    std::optional<WireResponse> read_response(bool head_request = false);
    /// Reads what has arrived, at most `max` bytes, waiting up to the timeout for the first;
    /// returns how many were read (0 on EOF, an error or the timeout). The bytes are dropped.
    std::size_t read_some(std::size_t max);
    /// Reads until `marker` has arrived and returns everything received up to and including
    /// it (those bytes are consumed); nullopt on EOF or the timeout first.
    std::optional<std::string> read_until(std::string_view marker);
    /// Reads exactly `n` bytes (consumed); nullopt on EOF or the timeout first.
    std::optional<std::string> read_exactly(std::size_t n);
    /// Reads until the server closes the connection and returns every byte not yet consumed.
    std::string read_to_close();
    /// True when the server has closed the connection (EOF within the timeout, no bytes).
    bool closed_by_peer();
    /// True when bytes (or EOF) are waiting to be read, or arrive within `wait`.
    bool readable(std::chrono::milliseconds wait);
    /// Half-closes: no more bytes from us, the server may still answer.
    void shutdown_write();
    /// Sends an RST instead of a FIN when closing.
    void reset();

private:
    bool fill();   // reads more into buffered_; false on EOF, error or timeout
    int fd_ = -1;
    std::string buffered_;
};

/// Wall time since construction, for the few tests that check a deadline with a wide margin.
class Stopwatch {
public:
    std::chrono::milliseconds elapsed() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_);
    }

private:
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// Sends one request on a fresh connection and reads the answer.
std::optional<WireResponse> request(std::uint16_t port, std::string_view raw, bool head_request = false);

/// The server tests run against: tern::testing::Server (one loop on 127.0.0.1, a free port,
/// short timeouts unless the test says otherwise; stopped, with its drain, when it goes).
using TestServer = Server;

}  // namespace tern::testing
