#pragma once
// tern::WebSocket: one WebSocket session over a TCP stream, server or client side (aiohttp's
// WebSocketResponse / ClientWebSocketResponse). receive() reads messages and answers pings and
// close frames; send_*() write under backpressure; close() runs the closing handshake.
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <tern/core/event.hpp>
#include <tern/core/semaphore.hpp>
#include <tern/core/task.hpp>
#include <tern/net/tcp.hpp>
#include <tern/websocket/close_code.hpp>
#include <tern/websocket/frame_writer.hpp>
#include <tern/websocket/message_assembler.hpp>
#include <tern/websocket/options.hpp>
#include <tern/websocket/permessage_deflate.hpp>

namespace tern {

namespace websocket {
/// A client session's own connection: the stream and its input buffer, owned by the session.
struct Transport {
    TcpStream stream;
    InputBuffer input{64 * 1024};
};

/// Thrown by send_*() once the session is closing or closed: the message was not sent.
class ConnectionClosed : public std::runtime_error {
public:
    ConnectionClosed() : std::runtime_error("the WebSocket is closed") {}
};
}  // namespace websocket

/// A session. It refers to a stream and its input buffer, which its owner (the HTTP connection
/// that upgraded, or the client that connected) keeps alive for longer. One task at a time may
/// wait in receive(); any number may send (their frames never interleave).
class WebSocket {
public:
    WebSocket(TcpStream& stream, InputBuffer& input, websocket::Role role, WebSocketOptions const& options,
              std::optional<websocket::DeflateParams> deflate, std::string protocol);
    /// A session that owns its connection (websocket::connect makes these).
    WebSocket(std::unique_ptr<websocket::Transport> transport, websocket::Role role, WebSocketOptions const& options,
              std::optional<websocket::DeflateParams> deflate, std::string protocol);
    WebSocket(WebSocket const&) = delete;
    WebSocket& operator=(WebSocket const&) = delete;

    /// The next text or binary message, or nullopt once the session has closed (by either
    /// side, a protocol error, a timeout or the connection dropping: close_code() says which).
    /// Pings are answered and the close handshake completed while it waits.
    Task<std::optional<websocket::Message>> receive();

    Task<void> send_text(std::string_view text);
    Task<void> send_binary(std::string_view bytes);
    Task<void> ping(std::string_view payload = {});

    /// Starts the closing handshake with `code` (1000 by default) and `reason` (cut to fit
    /// 123 bytes), waits up to close_timeout for the peer's answer, and ends the session.
    /// Idempotent.
    Task<void> close(int code = 1000, std::string_view reason = {});

    /// The subprotocol agreed at the handshake ("" for none).
    std::string_view protocol() const noexcept { return protocol_; }
    /// True once a close frame was sent or received, or the connection dropped.
    bool closed() const noexcept { return closing_ || finished_; }
    /// How the session ended: the peer's close code (1005 when it sent none), ours, or 1006
    /// when the connection dropped without a close frame. 0 while open.
    int close_code() const noexcept { return close_code_; }
    std::string_view close_reason() const noexcept { return close_reason_; }
    /// Bytes sent and not yet taken by the kernel: a broadcaster may drop a client that lags.
    std::size_t unsent() const noexcept { return stream_.unsent(); }
    bool permessage_deflate() const noexcept { return deflate_; }

private:
    Task<void> send_message(std::string_view data, bool binary);
    Task<bool> send_frames(std::string const& frames);
    Task<bool> send_locked(std::string const& frames);
    Task<void> send_close(websocket::CloseCode code, std::string_view reason);
    Task<std::optional<websocket::Event>> next_event();
    Task<void> done_wait();
    Task<void> discard_until_peer_closes();
    Task<void> drain_until_closed();
    void finish(int code, std::string_view reason);

    std::unique_ptr<websocket::Transport> owned_;   // first: stream_ and input_ may refer into it
    TcpStream& stream_;
    InputBuffer& input_;
    WebSocketOptions options_;
    websocket::MessageAssembler assembler_;
    websocket::MessageWriter writer_;
    // send_message's frames buffer, kept between messages up to this capacity.
    static constexpr std::size_t kept_send_buffer = 16 * 1024;
    std::string send_buffer_;
    Semaphore write_lock_{1};
    Event done_;                 // set when the session has finished, for close() to wait on
    std::string protocol_;
    std::string close_reason_;
    int close_code_ = 0;
    unsigned missed_pongs_ = 0;
    bool deflate_ = false;
    bool closing_ = false;       // our close frame is out
    bool finished_ = false;      // no more frames in either direction
    bool receiving_ = false;
};

}  // namespace tern
