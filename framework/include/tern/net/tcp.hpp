#pragma once
// TCP streams and listeners on the current loop, as awaitables (the I/O half of the server).
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <tern/core/detail/stop_state.hpp>

namespace tern {

namespace detail {
struct Socket;
struct ListenSocket;
}  // namespace detail

/// The bytes a connection has received and not yet consumed. Reads append at the end; the
/// owner consumes from the front. While the owner is not waiting in a read, the buffer never
/// moves, so views into it stay valid; while it waits, the buffer may compact or grow (up to
/// max_size) to make room.
class InputBuffer {
public:
    explicit InputBuffer(std::size_t max_size) : max_size_(max_size) {}
    ~InputBuffer() { release_if_empty(); }
    InputBuffer(InputBuffer const&) = delete;
    InputBuffer& operator=(InputBuffer const&) = delete;

    std::string_view data() const noexcept { return {bytes_.get() + begin_, end_ - begin_}; }
    std::size_t size() const noexcept { return end_ - begin_; }
    void consume(std::size_t n) noexcept;
    void set_max_size(std::size_t n) noexcept { max_size_ = n; }

    /// Free space at the end for the next read: at least `want` bytes if `may_move` allows
    /// compacting or growing (bounded by max_size), else whatever is free now (maybe none).
    std::span<char> prepare(std::size_t want, bool may_move);
    void commit(std::size_t n) noexcept { end_ += n; }

    /// Gives the memory back to this thread's pool when nothing is buffered, so an idle
    /// connection holds no buffer (a thousand idle keep-alive connections cost almost nothing).
    void release_if_empty() noexcept;

private:
    std::unique_ptr<char[]> bytes_;
    std::size_t capacity_ = 0;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::size_t max_size_;
};

/// A connected TCP socket, owned by one coroutine. Reading starts once and goes on in the
/// background into an InputBuffer (so pipelined bytes are never lost and libuv's poll set
/// is not touched per request); read() waits for more. Dropping the stream closes it.
class TcpStream {
public:
    TcpStream() noexcept = default;
    explicit TcpStream(detail::Socket* socket) noexcept : socket_(socket) {}
    TcpStream(TcpStream&& other) noexcept : socket_(std::exchange(other.socket_, nullptr)) {}
    TcpStream& operator=(TcpStream&& other) noexcept;
    ~TcpStream() { close(); }

    explicit operator bool() const noexcept { return socket_ != nullptr; }

    /// Starts appending received bytes to `input`, which must outlive the stream's reads.
    void start_reading(InputBuffer& input);

    class ReadAwaiter : private detail::Cancellable {
    public:
        ReadAwaiter(detail::Socket* socket, std::chrono::milliseconds timeout) noexcept
            : socket_(socket), timeout_(timeout) {}
        bool await_ready() const noexcept;
        template <typename Promise>
        bool await_suspend(std::coroutine_handle<Promise> coro) {
            return start(coro, detail::stop_state_of(coro));
        }
        /// Success when new bytes were appended; UV_EOF when the peer finished sending;
        /// UV_ETIMEDOUT after `timeout`; UV_ECANCELED when the task was cancelled.
        std::error_code await_resume() noexcept;

    private:
        friend struct detail::Socket;
        bool start(std::coroutine_handle<> coro, detail::StopState* stop);
        void cancel() noexcept override;
        detail::Socket* socket_;
        std::chrono::milliseconds timeout_;
        detail::StopState* stop_ = nullptr;
        int closed_status_ = 0;   // set when the socket closed under the wait (it may be gone by resume)
    };

    /// Waits until more bytes are in the input buffer (or EOF, an error, the timeout; zero
    /// means no timeout). Bytes that arrived since the last read make it return at once.
    [[nodiscard]] ReadAwaiter read(std::chrono::milliseconds timeout) noexcept { return {socket_, timeout}; }

    class WriteAwaiter : private detail::Cancellable {
    public:
        WriteAwaiter(detail::Socket* socket, std::string_view bytes, std::chrono::milliseconds timeout) noexcept
            : socket_(socket), bytes_(bytes), timeout_(timeout) {}
        bool await_ready();
        template <typename Promise>
        bool await_suspend(std::coroutine_handle<Promise> coro) {
            return start(coro, detail::stop_state_of(coro));
        }
        std::error_code await_resume() const noexcept;

    private:
        friend struct detail::Socket;
        bool start(std::coroutine_handle<> coro, detail::StopState* stop);
        void cancel() noexcept override;
        detail::Socket* socket_;
        std::string_view bytes_;
        std::chrono::milliseconds timeout_;
        detail::StopState* stop_ = nullptr;
        int status_ = 0;
    };

    /// Writes all of `bytes`, which must stay valid until the await ends. Tries a direct write
    /// first and queues only the remainder. A peer that takes nothing for `timeout` (zero: no
    /// limit) gets its connection closed and the await reports UV_ETIMEDOUT. Cancelling the
    /// task closes the connection too (a half-written response cannot be taken back), and the
    /// await reports UV_ECANCELED once libuv has let go of the write.
    [[nodiscard]] WriteAwaiter write(std::string_view bytes, std::chrono::milliseconds timeout = {}) noexcept {
        return {socket_, bytes, timeout};
    }

    class SendAwaiter : private detail::Cancellable {
    public:
        SendAwaiter(detail::Socket* socket, std::string_view bytes, std::size_t high_water,
                    std::chrono::milliseconds timeout) noexcept
            : socket_(socket), bytes_(bytes), high_water_(high_water), timeout_(timeout) {}
        bool await_ready();
        template <typename Promise>
        bool await_suspend(std::coroutine_handle<Promise> coro) {
            return start(coro, detail::stop_state_of(coro));
        }
        std::error_code await_resume() const noexcept;

    private:
        friend struct detail::Socket;
        bool start(std::coroutine_handle<> coro, detail::StopState* stop);
        void cancel() noexcept override;
        detail::Socket* socket_;
        std::string_view bytes_;
        std::size_t high_water_;
        std::chrono::milliseconds timeout_;
        detail::StopState* stop_ = nullptr;
        int status_ = 0;
    };

    /// Writes `bytes` behind whatever is still unsent, for streamed bodies: what the kernel does
    /// not take at once is copied into the stream's own queue, and the await completes as soon
    /// as the unsent bytes are at most `high_water` (at once, usually), so the producer runs
    /// while earlier bytes drain but cannot get more than `high_water` ahead of a slow peer.
    /// `send({}, 0)` waits until everything is sent. Order is kept; do not mix with write()
    /// while bytes are unsent. Errors, timeout and cancellation as for write(); an error of a
    /// background write is reported by the next send.
    [[nodiscard]] SendAwaiter send(std::string_view bytes, std::size_t high_water,
                                   std::chrono::milliseconds timeout = {}) noexcept {
        return {socket_, bytes, high_water, timeout};
    }
    /// Bytes accepted by send() that the kernel has not taken yet.
    std::size_t unsent() const noexcept;

    /// While set, the peer closing its side (EOF) or resetting the connection requests a stop
    /// on `stop` at once, even when nobody is reading: a streamed response then ends as soon as
    /// its client leaves instead of at its next write. Null clears it.
    void stop_on_disconnect(detail::StopState* stop) noexcept;
    /// The slot stop_on_disconnect() sets, for a caller that arms and clears it on every
    /// request (the server's connections): a store instead of a call. Unlike
    /// stop_on_disconnect(), setting it does not stop at once when the peer has already gone.
    /// Valid while the stream lives; null for an empty stream.
    detail::StopState** disconnect_slot() noexcept;

    /// Sends FIN now (shutdown(SHUT_WR)): the peer sees the end of our bytes while we may still
    /// read its. Only once every write has completed (nothing unsent).
    void shutdown_write() noexcept;

    /// The socket's file descriptor (for sendfile), or -1.
    int native_handle() const noexcept;

    class ConnectAwaiter : private detail::Cancellable {
    public:
        ConnectAwaiter(int family, std::string ip, std::uint16_t port) noexcept
            : family_(family), ip_(std::move(ip)), port_(port) {}
        bool await_ready() const noexcept { return false; }
        template <typename Promise>
        bool await_suspend(std::coroutine_handle<Promise> coro) {
            return start(coro, detail::stop_state_of(coro));
        }
        /// The connected stream, or the error (UV_ECANCELED when the task was cancelled).
        std::pair<std::error_code, TcpStream> await_resume();

    private:
        friend struct detail::Socket;
        bool start(std::coroutine_handle<> coro, detail::StopState* stop);
        void cancel() noexcept override;
        int family_;
        std::string ip_;
        std::uint16_t port_;
        detail::Socket* socket_ = nullptr;
        detail::StopState* stop_ = nullptr;
        std::coroutine_handle<> waiter_;
        int status_ = 0;
    };

    /// Connects to a numeric address (AF_INET or AF_INET6) on the current loop; see
    /// net::connect (tern/net/connect.hpp) for names, several addresses and a timeout.
    [[nodiscard]] static ConnectAwaiter connect(int family, std::string ip, std::uint16_t port) {
        return {family, std::move(ip), port};
    }

    /// "ip:port" of the peer.
    std::string_view remote_address() const noexcept;

    /// Closes the socket now; pending writes end with UV_ECANCELED. Idempotent.
    void close() noexcept;

private:
    detail::Socket* socket_ = nullptr;
};

/// A listening socket on the current loop.
class TcpListener {
public:
    TcpListener() noexcept = default;
    TcpListener(TcpListener&& other) noexcept : socket_(std::exchange(other.socket_, nullptr)) {}
    TcpListener& operator=(TcpListener&& other) noexcept;
    ~TcpListener() { close(); }

    /// Binds and listens on host:port (port 0 picks a free one). With `reuse_port`, several
    /// loops may each listen on the same port and the kernel spreads connections over them.
    /// Throws std::system_error naming the address when it cannot.
    static TcpListener bind(std::string const& host, std::uint16_t port, bool reuse_port, int backlog = 1024);

    /// Listens on `fd`, a bound TCP socket made elsewhere (one systemd passed, see
    /// socket_activation.hpp), which the listener then owns and closes (at once, if it throws).
    /// listen() is called on it again with `backlog`, which the kernel caps at
    /// net.core.somaxconn. Throws std::system_error when libuv cannot take it.
    static TcpListener open(int fd, int backlog = 1024);

    std::uint16_t port() const noexcept;
    class AcceptAwaiter : private detail::Cancellable {
    public:
        explicit AcceptAwaiter(detail::ListenSocket* socket) noexcept : socket_(socket) {}
        bool await_ready() const noexcept;
        template <typename Promise>
        bool await_suspend(std::coroutine_handle<Promise> coro) {
            return start(coro, detail::stop_state_of(coro));
        }
        /// The accepted stream, or the error (UV_ECANCELED when the task was cancelled).
        std::pair<std::error_code, TcpStream> await_resume();

    private:
        friend struct detail::ListenSocket;
        bool start(std::coroutine_handle<> coro, detail::StopState* stop);
        void cancel() noexcept override;
        detail::ListenSocket* socket_;
        detail::StopState* stop_ = nullptr;
        bool cancelled_ = false;
    };

    /// Waits for the next connection.
    [[nodiscard]] AcceptAwaiter accept() noexcept { return AcceptAwaiter{socket_}; }

    /// Takes a connection the kernel has already completed without waiting: UV_EAGAIN when its
    /// accept queue is empty. A drain calls it until then before close(), because close() resets
    /// every connection still queued, and those have reached the process. An accept() waiting
    /// meanwhile keeps waiting.
    std::pair<std::error_code, TcpStream> try_accept();

    /// Stops listening; a pending accept ends with UV_ECANCELED. Idempotent.
    void close() noexcept;

private:
    detail::ListenSocket* socket_ = nullptr;
};

}  // namespace tern
