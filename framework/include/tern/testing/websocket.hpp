#pragma once
// tern::testing::TestWebSocket: a WebSocket session with an App from a test, synchronously
// (FastAPI's `with client.websocket_connect("/ws") as ws`).
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <tern/json/dump.hpp>
#include <tern/json/value.hpp>
#include <tern/testing/cookie_jar.hpp>
#include <tern/testing/response.hpp>
#include <tern/websocket/message_assembler.hpp>

namespace tern::testing {

/// The server refused the opening handshake: response() is its answer (a 404 for a path with
/// no WebSocket route, a 400 or 426 for a bad handshake, a handler's 403).
class WebSocketRefused : public std::runtime_error {
public:
    explicit WebSocketRefused(TestResponse response);
    TestResponse const& response() const noexcept { return response_; }

private:
    TestResponse response_;
};

/// The session has closed (by the server, after our close(), or by the connection dropping,
/// code 1006) while a message was awaited: code() and reason() are the server's.
class WebSocketClosed : public std::runtime_error {
public:
    WebSocketClosed(int code, std::string reason);
    int code() const noexcept { return code_; }
    std::string const& reason() const noexcept { return reason_; }

private:
    int code_;
    std::string reason_;
};

namespace detail {
struct TestWebSocketState;
}

/// One session, made by Client::websocket_connect(path). The App's WebSocket handler runs on
/// the client's test server (a tern::testing::Server on 127.0.0.1 started at the first
/// websocket_connect), since a session lives on a connection; this end is a plain blocking
/// socket on the test's thread, speaking RFC 6455 with the framework's own frame writer and
/// message assembler (frames masked, as a client's must be; no permessage-deflate). Pings are
/// answered while a message is awaited.
///
///     auto ws = tc.websocket_connect("/echo");
///     ws.send_text("hi");
///     CHECK(ws.receive_text() == "hi");
///     ws.close();
///
/// Every wait is bounded (`timeout`, 5 s by default): a message that never comes throws
/// tern::TimeoutError instead of hanging the test. The session must not outlive its Client.
/// Destroying an open session closes it (1000) first.
class TestWebSocket {
public:
    static constexpr std::chrono::milliseconds default_timeout{5000};

    TestWebSocket(TestWebSocket&&) noexcept;
    TestWebSocket& operator=(TestWebSocket&&) noexcept;
    ~TestWebSocket();

    /// Throw websocket::ConnectionClosed once the session is closing or closed.
    void send_text(std::string_view text);
    void send_binary(std::string_view bytes);
    /// Sends `value` (a TERN_JSON model, a json::Value) as a text message of JSON.
    template <typename T>
    void send_json(T const& value) {
        send_text(::tern::json::dump(value));
    }
    void ping(std::string_view payload = {});

    /// The next text or binary message. Throws WebSocketClosed when the session closes first,
    /// tern::TimeoutError when none comes within `timeout`, and std::runtime_error when the
    /// server breaks the protocol (the session is then failed with the close code the RFC names).
    websocket::Message receive(std::chrono::milliseconds timeout = default_timeout);
    /// receive(), requiring a text (or a binary) message: the other kind throws std::runtime_error.
    std::string receive_text(std::chrono::milliseconds timeout = default_timeout);
    std::string receive_bytes(std::chrono::milliseconds timeout = default_timeout);
    /// A text message parsed as JSON (json::ParseError when it is not).
    json::Value receive_json(std::chrono::milliseconds timeout = default_timeout);
    template <typename T>
    T receive_json(std::chrono::milliseconds timeout = default_timeout) {
        return ::tern::json::parse<T>(receive_text(timeout));
    }

    /// Runs the closing handshake: sends a close frame with `code` and `reason`, then reads
    /// (dropping messages still in flight) until the server's close frame or the end of the
    /// connection, at most `timeout`. Idempotent.
    void close(int code = 1000, std::string_view reason = {},
               std::chrono::milliseconds timeout = default_timeout);

    /// True once a close frame went either way or the connection dropped.
    bool closed() const noexcept;
    /// The server's close code (1005 when its frame had none, 1006 when the connection dropped
    /// without one); 0 while open.
    int close_code() const noexcept;
    std::string const& close_reason() const noexcept;
    /// The subprotocol the server chose ("" for none).
    std::string const& protocol() const noexcept;
    /// The server's 101 answer, with its headers.
    TestResponse const& handshake() const noexcept;

private:
    friend class Client;
    /// Connects to 127.0.0.1:`port`, sends the handshake for `target` (with the jar's cookies,
    /// the `protocols` offered and `headers`), keeps any Set-Cookie of the answer in `cookies`,
    /// and returns the open session. Throws WebSocketRefused for an answer other than 101,
    /// std::runtime_error for a 101 that is wrong (accept key, an extension not offered) and
    /// tern::TimeoutError when no answer comes within default_timeout.
    static TestWebSocket connect(std::uint16_t port, std::string_view target, Headers const& headers,
                                 std::vector<std::string> const& protocols, CookieJar& cookies);
    explicit TestWebSocket(std::unique_ptr<detail::TestWebSocketState> state);
    std::unique_ptr<detail::TestWebSocketState> state_;
};

}  // namespace tern::testing
