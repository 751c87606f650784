#include <tern/websocket/session.hpp>

#include <random>
#include <variant>

#include <uv.h>

#include <tern/core/error.hpp>
#include <tern/core/thread.hpp>
#include <tern/core/time.hpp>

namespace tern {

namespace {

using websocket::CloseCode;
using websocket::Opcode;

// Client frames need unpredictable masks (RFC 6455 10.3); one engine per thread, seeded once.
websocket::MaskKey random_mask() {
    thread_local std::mt19937 engine{std::random_device{}()};
    std::uint32_t const bits = engine();
    return {static_cast<std::uint8_t>(bits), static_cast<std::uint8_t>(bits >> 8), static_cast<std::uint8_t>(bits >> 16),
            static_cast<std::uint8_t>(bits >> 24)};
}

websocket::AssemblerOptions assembler_options(websocket::Role role, WebSocketOptions const& options,
                                              std::optional<websocket::DeflateParams> const& deflate) {
    websocket::AssemblerOptions out;
    out.role = role;
    out.max_message_size = options.max_message_size;
    out.deflate = deflate;
    return out;
}

websocket::MessageWriterOptions writer_options(websocket::Role role, WebSocketOptions const& options,
                                               std::optional<websocket::DeflateParams> const& deflate) {
    websocket::MessageWriterOptions out;
    out.role = role;
    if (role == websocket::Role::client) out.mask_key = random_mask;
    out.deflate = deflate;
    out.fragment_size = options.fragment_size;
    return out;
}

// How long receive() waits before it acts: the heartbeat, the idle limit, or forever.
std::chrono::milliseconds read_wait(WebSocketOptions const& options) {
    auto const heartbeat = options.heartbeat.count();
    auto const idle = options.idle_timeout.count();
    if (heartbeat > 0 && (idle <= 0 || heartbeat < idle)) return options.heartbeat;
    return options.idle_timeout;
}

}  // namespace

WebSocket::WebSocket(TcpStream& stream, InputBuffer& input, websocket::Role role, WebSocketOptions const& options,
                     std::optional<websocket::DeflateParams> deflate, std::string protocol)
    : stream_(stream),
      input_(input),
      options_(options),
      assembler_(assembler_options(role, options, deflate)),
      writer_(writer_options(role, options, deflate)),
      protocol_(std::move(protocol)),
      deflate_(deflate.has_value()) {
    input_.set_max_size(64 * 1024);   // frames are consumed as they arrive; the buffer stays small
}

WebSocket::WebSocket(std::unique_ptr<websocket::Transport> transport, websocket::Role role,
                     WebSocketOptions const& options, std::optional<websocket::DeflateParams> deflate,
                     std::string protocol)
    : owned_(std::move(transport)),
      stream_(owned_->stream),
      input_(owned_->input),
      options_(options),
      assembler_(assembler_options(role, options, deflate)),
      writer_(writer_options(role, options, deflate)),
      protocol_(std::move(protocol)),
      deflate_(deflate.has_value()) {}

void WebSocket::finish(int code, std::string_view reason) {
    if (finished_) return;
    finished_ = true;
    if (close_code_ == 0) {
        close_code_ = code;
        close_reason_.assign(reason);
    }
    stream_.close();   // a server closes the TCP connection first (RFC 6455 7.1.1)
    done_.set();
}

// Messages at least this large are compressed on a worker thread: deflating 16 MiB takes a
// few hundred milliseconds, which would stall every other connection of the loop.
constexpr std::size_t compress_offload_threshold = 256 * 1024;

Task<bool> WebSocket::send_frames(std::string const& frames) {
    auto permit = co_await write_lock_.acquire();
    co_return co_await send_locked(frames);
}

// The frames are queued by the socket at once (never interleaved with another writer's); the
// lock orders the writers and their waits for the queue to drain below the high-water mark.
Task<bool> WebSocket::send_locked(std::string const& frames) {
    std::error_code const ec = co_await stream_.send(frames, options_.high_water, options_.write_timeout);
    if (ec) {
        finish(static_cast<int>(CloseCode::abnormal), "the connection dropped while sending");
        co_return false;
    }
    co_return true;
}

Task<void> WebSocket::send_message(std::string_view data, bool binary) {
    if (closing_ || finished_) throw websocket::ConnectionClosed{};
    // Held from compressing to queueing: with context takeover each compressed message refers
    // to the ones before it, so they must reach the wire in the order they were compressed.
    auto permit = co_await write_lock_.acquire();
    if (closing_ || finished_) throw websocket::ConnectionClosed{};
    // The frames go out of a buffer kept across messages (the write lock makes one sender at a
    // time), so a small message costs no allocation once warm; a large one's buffer is let go.
    std::string frames = std::move(send_buffer_);
    frames.clear();
    if (deflate_ && data.size() >= compress_offload_threshold) {
        co_await to_thread([this, &frames, data, binary] { writer_.write_message(frames, data, binary); });
    } else {
        writer_.write_message(frames, data, binary);
    }
    bool const sent = co_await send_locked(frames);
    if (frames.capacity() <= kept_send_buffer) send_buffer_ = std::move(frames);
    if (!sent) throw websocket::ConnectionClosed{};
}

Task<void> WebSocket::send_text(std::string_view text) { co_await send_message(text, false); }
Task<void> WebSocket::send_binary(std::string_view bytes) { co_await send_message(bytes, true); }

Task<void> WebSocket::ping(std::string_view payload) {
    if (closing_ || finished_) throw websocket::ConnectionClosed{};
    std::string frame;
    writer_.write_control(frame, Opcode::ping, payload.substr(0, 125));
    if (!co_await send_frames(frame)) throw websocket::ConnectionClosed{};
}

Task<void> WebSocket::send_close(CloseCode code, std::string_view reason) {
    if (closing_ || finished_) co_return;
    closing_ = true;
    if (close_code_ == 0) {
        close_code_ = static_cast<int>(code);
        close_reason_.assign(reason);
    }
    std::string frame;
    writer_.write_close(frame, code, reason);
    if (co_await send_frames(frame)) co_await stream_.send({}, 0, options_.write_timeout);   // out before we close
}

// The next event off the wire, reading as needed; nullopt when the connection ended first.
Task<std::optional<websocket::Event>> WebSocket::next_event() {
    for (;;) {
        std::string_view in = input_.data();
        std::size_t const before = in.size();
        websocket::Event event = assembler_.next(in);
        input_.consume(before - in.size());
        if (!std::holds_alternative<websocket::NeedMore>(event)) co_return event;
        // An idle session gives its read buffer back to the loop's pool while it waits, as an
        // idle HTTP connection does (10,000 idle sessions cost ~11 KiB each before).
        input_.release_if_empty();
        std::error_code const ec = co_await stream_.read(read_wait(options_));
        if (!ec) {
            missed_pongs_ = 0;   // anything from the peer shows it is alive
            continue;
        }
        // A stop (a drain, the handler cancelled) ends the read with UV_ECANCELED: raise it, so
        // that the owner can still say goodbye (1001) on the open connection.
        if (ec == uv_error(UV_ECANCELED) && !finished_) throw CancelledError{};
        if (ec != uv_error(UV_ETIMEDOUT)) co_return std::nullopt;   // EOF, reset, closed
        if (options_.heartbeat.count() <= 0 || missed_pongs_ >= options_.max_missed_pongs) {
            co_await send_close(CloseCode::going_away,
                                options_.heartbeat.count() > 0 ? "no pong to our pings" : "idle timeout");
            co_return std::nullopt;
        }
        ++missed_pongs_;
        std::string frame;
        writer_.write_control(frame, Opcode::ping, {});
        if (!co_await send_frames(frame)) co_return std::nullopt;
    }
}

namespace {
// Marks a task as the one in receive(), however it leaves (a message, the end, cancellation).
class Receiving {
public:
    explicit Receiving(bool& flag) noexcept : flag_(flag) { flag_ = true; }
    ~Receiving() { flag_ = false; }
    Receiving(Receiving const&) = delete;
    Receiving& operator=(Receiving const&) = delete;

private:
    bool& flag_;
};
}  // namespace

Task<std::optional<websocket::Message>> WebSocket::receive() {
    if (finished_) co_return std::nullopt;
    Receiving const receiving{receiving_};
    for (;;) {
        std::optional<websocket::Event> event = co_await next_event();
        if (!event) {
            finish(static_cast<int>(CloseCode::abnormal), "the connection dropped");
            break;
        }
        if (auto* message = std::get_if<websocket::Message>(&*event)) {
            if (closing_) continue;   // we are closing: data still in flight is dropped
            std::optional<websocket::Message> out{std::move(*message)};
            co_return out;
        }
        if (auto* ping = std::get_if<websocket::Ping>(&*event)) {
            if (!closing_) {
                std::string frame;
                writer_.write_control(frame, Opcode::pong, ping->payload);
                co_await send_frames(frame);
            }
            continue;
        }
        if (std::holds_alternative<websocket::Pong>(*event)) continue;
        if (auto* close = std::get_if<websocket::Close>(&*event)) {
            if (close_code_ == 0) {
                close_code_ = static_cast<int>(close->code);
                close_reason_ = close->reason;
            }
            // Echo the peer's code (RFC 6455 5.5.1), or 1000 when it sent none.
            CloseCode const echo = close->code == CloseCode::no_status ? CloseCode::normal : close->code;
            std::string const reason = close->reason;
            co_await send_close(echo, reason);
            finish(close_code_, close_reason_);
            break;
        }
        auto const& failure = std::get<websocket::Failure>(*event);
        co_await send_close(failure.code, failure.reason);
        co_await discard_until_peer_closes();
        finish(static_cast<int>(failure.code), failure.reason);
        break;
    }
    co_return std::nullopt;
}

// After a protocol failure the peer may still be sending (the rest of a message too big to
// accept). Closing now would reset the connection and destroy our close frame before the peer
// reads it, so: FIN, then read and drop what comes until the peer closes, for close_timeout.
Task<void> WebSocket::discard_until_peer_closes() {
    stream_.shutdown_write();
    auto const started = std::chrono::steady_clock::now();
    for (;;) {
        input_.consume(input_.size());
        auto const left = options_.close_timeout - std::chrono::duration_cast<std::chrono::milliseconds>(
                                                       std::chrono::steady_clock::now() - started);
        if (left.count() <= 0) co_return;
        if (co_await stream_.read(left)) co_return;   // EOF, reset, the time is up
    }
}

Task<void> WebSocket::done_wait() { co_await done_.wait(); }

Task<void> WebSocket::drain_until_closed() {
    for (;;) {   // not `while (co_await receive())`: g++ 12 traps on that temporary
        std::optional<websocket::Message> dropped = co_await receive();
        if (!dropped) break;
    }
}

Task<void> WebSocket::close(int code, std::string_view reason) {
    if (finished_) co_return;
    co_await send_close(static_cast<CloseCode>(code), reason);
    if (finished_) co_return;
    if (receiving_) {
        // Another task is in receive(): it will meet the peer's close frame and finish.
        try {
            co_await wait_for(done_wait(), options_.close_timeout);
        } catch (TimeoutError const&) {
        }
    } else {
        // Read (and drop) what the peer still sends until its close frame, for a while.
        try {
            co_await wait_for(drain_until_closed(), options_.close_timeout);
        } catch (TimeoutError const&) {
        }
    }
    finish(code, reason);
}

}  // namespace tern
