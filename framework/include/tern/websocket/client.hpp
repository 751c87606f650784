#pragma once
// tern::websocket::connect: the client side of the opening handshake (aiohttp's ws_connect).
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <tern/core/task.hpp>
#include <tern/websocket/options.hpp>
#include <tern/websocket/session.hpp>

namespace tern::websocket {

struct ConnectOptions {
    /// Subprotocols to offer, in order of preference; the server picks one (or none).
    std::vector<std::string> protocols{};
    /// Extra request headers (Origin, Authorization, ...).
    std::vector<std::pair<std::string, std::string>> headers{};
    /// For the TCP connect (each address) and, again, for the handshake's answer.
    std::chrono::milliseconds timeout{10'000};
    /// Offer permessage-deflate.
    bool permessage_deflate = true;
    /// The session's limits and timers.
    WebSocketOptions session{};
};

/// The server refused or botched the handshake: not a 101, a wrong Sec-WebSocket-Accept, a
/// subprotocol or extension it was not offered. The message names the URL and what was wrong;
/// status() is the HTTP status it answered (0 when the answer was not HTTP at all).
class HandshakeError : public std::runtime_error {
public:
    HandshakeError(int status, std::string const& message) : std::runtime_error(message), status_(status) {}
    int status() const noexcept { return status_; }

private:
    int status_;
};

/// Opens a session to `url` ("ws://host:port/path?query"; wss:// is not supported yet and
/// throws std::invalid_argument saying so). Client frames are masked with random keys. Throws
/// HandshakeError, std::system_error (DNS, connect, timeouts: naming host:port), or
/// std::invalid_argument for a URL it cannot use.
/// Pass options by name, not as a braced temporary inside the co_await: g++ 12 miscompiles
/// aggregate temporaries with std::string members there.
Task<std::unique_ptr<WebSocket>> connect(std::string url);
Task<std::unique_ptr<WebSocket>> connect(std::string url, ConnectOptions options);

}  // namespace tern::websocket
