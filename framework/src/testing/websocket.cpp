#include <tern/testing/websocket.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <system_error>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include <tern/core/error.hpp>
#include <tern/websocket/frame_writer.hpp>
#include <tern/websocket/handshake.hpp>
#include <tern/websocket/handshake_response.hpp>
#include <tern/websocket/session.hpp>

#include "http/http_chars.hpp"

namespace tern::testing {

namespace {

using Clock = std::chrono::steady_clock;
using tern::websocket::CloseCode;

constexpr std::size_t max_handshake_head = 64 * 1024;
constexpr std::size_t read_piece = 64 * 1024;

std::string errno_text(int code) { return std::system_category().message(code); }

// Closes the descriptor it holds when it dies: a session's socket, or one half-set-up.
class Socket {
public:
    Socket() = default;
    explicit Socket(int fd) noexcept : fd_(fd) {}
    Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Socket& operator=(Socket&& other) noexcept {
        std::swap(fd_, other.fd_);
        return *this;
    }
    ~Socket() {
        if (fd_ >= 0) ::close(fd_);
    }
    int fd() const noexcept { return fd_; }

private:
    int fd_ = -1;
};

Socket connect_loopback(std::uint16_t port) {
    Socket sock{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
    if (sock.fd() < 0) throw std::runtime_error("tern::testing: socket(): " + errno_text(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(sock.fd(), reinterpret_cast<sockaddr const*>(&addr), sizeof addr) != 0)
        throw std::runtime_error(fmt::format("tern::testing: connecting to the test server on port {}: {}", port, errno_text(errno)));
    int const one = 1;
    ::setsockopt(sock.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return sock;
}

void write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t const n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw websocket::ConnectionClosed();
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

// Appends what the socket has within the time left; false when the server closed the
// connection (or reset it). Throws TimeoutError, naming `waiting_for`, when nothing came.
bool read_some(int fd, std::string& into, Clock::time_point deadline, std::string_view waiting_for) {
    for (;;) {
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
        int const ready = ::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) throw TimeoutError(fmt::format("tern::testing: no {} from the server in time", waiting_for));
        std::size_t const old = into.size();
        into.resize(old + read_piece);
        ssize_t const n = ::recv(fd, into.data() + old, read_piece, 0);
        into.resize(old + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
        if (n < 0 && errno == EINTR) continue;
        return n > 0;
    }
}

std::string random_key() {
    thread_local std::mt19937 engine{std::random_device{}()};
    std::string bytes(16, '\0');
    for (auto& b : bytes) b = static_cast<char>(engine());
    return websocket::base64_encode(bytes);
}

websocket::MaskKey random_mask() {
    thread_local std::mt19937 engine{std::random_device{}()};
    std::uint32_t const r = engine();
    return {static_cast<std::uint8_t>(r), static_cast<std::uint8_t>(r >> 8), static_cast<std::uint8_t>(r >> 16),
            static_cast<std::uint8_t>(r >> 24)};
}

std::string handshake_request(std::string_view target, std::string const& key, Headers const& headers,
                              std::vector<std::string> const& protocols, std::string const& cookies) {
    std::string out = fmt::format(
        "GET {} HTTP/1.1\r\nHost: testserver\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: {}\r\nSec-WebSocket-Version: 13\r\n",
        target, key);
    if (!protocols.empty()) out += fmt::format("Sec-WebSocket-Protocol: {}\r\n", fmt::join(protocols, ", "));
    if (!cookies.empty()) out += fmt::format("Cookie: {}\r\n", cookies);
    for (auto const& [name, value] : headers) out += fmt::format("{}: {}\r\n", name, value);
    return out + "\r\n";
}

std::size_t content_length(websocket::HandshakeResponse const& head) {
    std::string_view const value = head.header("Content-Length");
    std::size_t n = 0;
    for (char c : value) {
        if (c < '0' || c > '9') return 0;
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    return n;
}

TestResponse as_test_response(websocket::HandshakeResponse head, std::string body, std::string wire) {
    return TestResponse(head.status, std::move(head.reason), std::move(head.headers), std::move(body), std::move(wire),
                        /*complete=*/true);
}

}  // namespace

WebSocketRefused::WebSocketRefused(TestResponse response)
    : std::runtime_error(fmt::format("the server refused the WebSocket handshake: {} {}", response.status(), response.reason())),
      response_(std::move(response)) {}

WebSocketClosed::WebSocketClosed(int code, std::string reason)
    : std::runtime_error(fmt::format("the WebSocket closed with {}{}{}", code, reason.empty() ? "" : ": ", reason)),
      code_(code),
      reason_(std::move(reason)) {}

namespace detail {

// One session's connection and codec state; owned by its TestWebSocket.
struct TestWebSocketState {
    Socket socket;
    std::string input;   // bytes read and not yet consumed by the assembler
    websocket::MessageAssembler assembler{
        {.role = websocket::Role::client, .max_message_size = 64 * 1024 * 1024, .deflate = std::nullopt}};
    websocket::MessageWriter writer{{.role = websocket::Role::client,
                                     .mask_key = random_mask,
                                     .deflate = std::nullopt,
                                     .compression_level = 6,
                                     .fragment_size = 0}};
    TestResponse handshake{0, {}, {}, {}, {}, true};
    std::string protocol;
    std::string close_reason;
    int close_code = 0;
    bool sent_close = false;
    bool finished = false;   // the server's close came, or the connection ended

    void send(std::string const& frames) {
        if (sent_close || finished) throw websocket::ConnectionClosed();
        write_all(socket.fd(), frames);
    }

    // Our close frame (once); a connection already gone is no error here.
    void send_close(CloseCode code, std::string_view reason) {
        if (sent_close || finished) return;
        std::string frame;
        writer.write_close(frame, code, reason);
        sent_close = true;
        try {
            write_all(socket.fd(), frame);
        } catch (websocket::ConnectionClosed const&) {
        }
    }

    void end(int code, std::string reason) {
        if (!finished) {
            close_code = code;
            close_reason = std::move(reason);
        }
        finished = true;
        ::shutdown(socket.fd(), SHUT_RDWR);
    }

    // The next message, or nullopt once the session has ended (close_code says how).
    std::optional<websocket::Message> next_message(Clock::time_point deadline) {
        while (!finished) {
            std::string_view in = input;
            websocket::Event event = assembler.next(in);
            input.erase(0, input.size() - in.size());
            if (std::holds_alternative<websocket::NeedMore>(event)) {
                if (!read_some(socket.fd(), input, deadline, "WebSocket message")) end(1006, "the connection dropped");
            } else if (auto* message = std::get_if<websocket::Message>(&event)) {
                return std::move(*message);
            } else if (auto* ping = std::get_if<websocket::Ping>(&event)) {
                std::string pong;
                writer.write_control(pong, websocket::Opcode::pong, ping->payload);
                if (!sent_close) write_all(socket.fd(), pong);
            } else if (auto* close = std::get_if<websocket::Close>(&event)) {
                if (close->code == CloseCode::no_status) {
                    if (!sent_close) {
                        std::string frame;
                        writer.write_close(frame);
                        sent_close = true;
                        write_all(socket.fd(), frame);
                    }
                } else {
                    send_close(close->code, {});
                }
                end(websocket::to_int(close->code), std::move(close->reason));
            } else if (auto* failure = std::get_if<websocket::Failure>(&event)) {
                send_close(failure->code, failure->reason);
                end(websocket::to_int(failure->code), std::string(failure->reason));
                throw std::runtime_error(fmt::format("tern::testing: the server broke the WebSocket protocol ({}): {}",
                                                     websocket::to_int(failure->code), failure->reason));
            }
        }
        return std::nullopt;
    }
};

}  // namespace detail

TestWebSocket TestWebSocket::connect(std::uint16_t port, std::string_view target, Headers const& headers,
                                     std::vector<std::string> const& protocols, CookieJar& cookies) {
    auto state = std::make_unique<detail::TestWebSocketState>();
    state->socket = connect_loopback(port);
    std::string const key = random_key();
    std::string const path{target.substr(0, target.find('?'))};
    write_all(state->socket.fd(), handshake_request(target, key, headers, protocols, cookies.header_for(path)));

    auto const deadline = Clock::now() + TestWebSocket::default_timeout;
    std::string& wire = state->input;
    std::size_t end_of_head = std::string::npos;
    while ((end_of_head = wire.find("\r\n\r\n")) == std::string::npos) {
        if (wire.size() > max_handshake_head) throw std::runtime_error("tern::testing: the handshake answer's head is over 64 KiB");
        if (!read_some(state->socket.fd(), wire, deadline, "handshake answer"))
            throw std::runtime_error("tern::testing: the server closed the connection during the WebSocket handshake");
    }
    end_of_head += 4;
    std::optional<websocket::HandshakeResponse> head = websocket::parse_handshake_response(std::string_view(wire).substr(0, end_of_head));
    if (!head) throw std::runtime_error("tern::testing: the handshake answer is not well-formed HTTP");
    for (auto const& [name, value] : head->headers)
        if (tern::detail::iequals(name, "Set-Cookie")) cookies.store(value, path);

    if (head->status != 101) {
        std::size_t const length = content_length(*head);
        while (wire.size() < end_of_head + length && read_some(state->socket.fd(), wire, deadline, "refusal body")) {
        }
        std::string body = wire.substr(end_of_head, length);
        throw WebSocketRefused(as_test_response(std::move(*head), std::move(body), std::move(wire)));
    }
    if (head->header("Sec-WebSocket-Accept") != websocket::accept_key(key))
        throw std::runtime_error("tern::testing: the 101's Sec-WebSocket-Accept does not match the key sent");
    if (!head->header("Sec-WebSocket-Extensions").empty())
        throw std::runtime_error("tern::testing: the server accepted an extension the test client did not offer");
    state->protocol = std::string(head->header("Sec-WebSocket-Protocol"));
    state->handshake = as_test_response(std::move(*head), {}, wire.substr(0, end_of_head));
    wire.erase(0, end_of_head);   // frames the server sent right after its 101 stay for receive()
    return TestWebSocket(std::move(state));
}

TestWebSocket::TestWebSocket(std::unique_ptr<detail::TestWebSocketState> state) : state_(std::move(state)) {}
TestWebSocket::TestWebSocket(TestWebSocket&&) noexcept = default;
TestWebSocket& TestWebSocket::operator=(TestWebSocket&&) noexcept = default;

TestWebSocket::~TestWebSocket() {
    if (!state_ || state_->finished) return;
    try {
        close(1000, {}, std::chrono::milliseconds{1000});
    } catch (std::exception const&) {
    }
}

void TestWebSocket::send_text(std::string_view text) {
    std::string frames;
    state_->writer.write_message(frames, text, /*binary=*/false);
    state_->send(frames);
}

void TestWebSocket::send_binary(std::string_view bytes) {
    std::string frames;
    state_->writer.write_message(frames, bytes, /*binary=*/true);
    state_->send(frames);
}

void TestWebSocket::ping(std::string_view payload) {
    std::string frame;
    state_->writer.write_control(frame, websocket::Opcode::ping, payload);
    state_->send(frame);
}

websocket::Message TestWebSocket::receive(std::chrono::milliseconds timeout) {
    std::optional<websocket::Message> message = state_->next_message(Clock::now() + timeout);
    if (!message) throw WebSocketClosed(state_->close_code, state_->close_reason);
    return std::move(*message);
}

std::string TestWebSocket::receive_text(std::chrono::milliseconds timeout) {
    websocket::Message message = receive(timeout);
    if (message.binary) throw std::runtime_error(fmt::format("tern::testing: expected a text message, got {} binary bytes", message.data.size()));
    return std::move(message.data);
}

std::string TestWebSocket::receive_bytes(std::chrono::milliseconds timeout) {
    websocket::Message message = receive(timeout);
    if (!message.binary) throw std::runtime_error(fmt::format("tern::testing: expected a binary message, got text '{}'", message.data.substr(0, 80)));
    return std::move(message.data);
}

json::Value TestWebSocket::receive_json(std::chrono::milliseconds timeout) { return json::parse(receive_text(timeout)); }

void TestWebSocket::close(int code, std::string_view reason, std::chrono::milliseconds timeout) {
    if (!websocket::valid_close_code_on_wire(code))
        throw std::invalid_argument(fmt::format("tern::testing: {} is not a close code that may be sent", code));
    if (!state_ || state_->finished) return;
    state_->send_close(static_cast<CloseCode>(code), reason);
    auto const deadline = Clock::now() + timeout;
    try {
        while (state_->next_message(deadline)) {
        }
    } catch (TimeoutError const&) {
        state_->end(1006, "no close frame from the server in time");
    }
}

bool TestWebSocket::closed() const noexcept { return state_->sent_close || state_->finished; }
int TestWebSocket::close_code() const noexcept { return state_->close_code; }
std::string const& TestWebSocket::close_reason() const noexcept { return state_->close_reason; }
std::string const& TestWebSocket::protocol() const noexcept { return state_->protocol; }
TestResponse const& TestWebSocket::handshake() const noexcept { return state_->handshake; }

}  // namespace tern::testing
