#include <tern/net/tcp.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <system_error>

#include <uv.h>

#include <tern/core/detail/thread_spares.hpp>
#include <tern/core/error.hpp>
#include <tern/core/loop.hpp>

namespace tern {

// ---------------------------------------------------------------------------------------------
// InputBuffer

namespace {
constexpr std::size_t min_read_space = 16 * 1024;
constexpr std::size_t max_spare_buffers = 32;   // 512 KiB kept per loop at most

// Buffers of the standard size that idle connections gave back, reused by the next reader:
// memory follows the number of connections reading now, not the number open. Not a
// thread_local std::vector, whose guard and wrapper call cost GET / one connection at a time
// ~40 instructions per request (a buffer taken and given back; callgrind).
constinit thread_local detail::ThreadSpares<std::unique_ptr<char[]>, max_spare_buffers> spare_buffers;

std::unique_ptr<char[]> standard_buffer() {
    if (spare_buffers.empty()) return std::make_unique_for_overwrite<char[]>(min_read_space);
    return spare_buffers.pop();
}
}  // namespace

void InputBuffer::release_if_empty() noexcept {
    if (!bytes_ || begin_ != end_) return;
    if (capacity_ == min_read_space) (void)spare_buffers.push(std::move(bytes_));   // refused: freed below
    bytes_.reset();
    capacity_ = begin_ = end_ = 0;
}

void InputBuffer::consume(std::size_t n) noexcept {
    assert(n <= size());
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;   // the common case: everything consumed, start over
}

std::span<char> InputBuffer::prepare(std::size_t want, bool may_move) {
    // A keep-alive connection between requests: its buffer went back to the spares when the last
    // request was consumed, and the next read takes a spare straight back. ~20 instructions less
    // per request than the general path below (callgrind, GET / one request at a time).
    if (capacity_ == 0 && may_move && want <= min_read_space && max_size_ >= min_read_space &&
        !spare_buffers.empty()) [[likely]] {
        bytes_ = spare_buffers.pop();
        capacity_ = min_read_space;
        begin_ = end_ = 0;
        return {bytes_.get(), capacity_};
    }
    if (may_move && capacity_ - end_ < want) {
        std::size_t const used = end_ - begin_;
        if (begin_ > 0 && capacity_ - used >= want) {
            std::memmove(bytes_.get(), bytes_.get() + begin_, used);
        } else {
            std::size_t grown = capacity_ ? capacity_ * 2 : min_read_space;
            while (grown - used < want) grown *= 2;
            grown = std::min(grown, std::max(max_size_, used));
            if (grown > capacity_ || begin_ > 0) {
                grown = std::max(grown, capacity_);
                auto bigger = grown == min_read_space ? standard_buffer() : std::make_unique_for_overwrite<char[]>(grown);
                if (used) std::memcpy(bigger.get(), bytes_.get() + begin_, used);
                bytes_ = std::move(bigger);
                capacity_ = grown;
            }
        }
        begin_ = 0;
        end_ = used;
    }
    return {bytes_.get() + end_, capacity_ - end_};
}

// ---------------------------------------------------------------------------------------------
// Socket: the libuv side of a TcpStream. Heap-allocated because libuv needs its handles until
// their close callbacks, which may run after the owning coroutine has gone.

namespace detail {

struct Socket {
    uv_tcp_t tcp{};
    uv_timer_t timer{};
    // uv_now when the current read or write wait times out; 0: no such wait, or no limit.
    std::uint64_t read_deadline = 0;
    std::uint64_t write_deadline = 0;
    std::uint64_t timer_due = 0;   // when the libuv timer, if active, will fire
    int open_handles = 2;
    bool closing = false;

    InputBuffer* input = nullptr;
    bool reading = false;          // uv_read_start is in effect
    bool stalled = false;          // reading stopped for want of buffer space
    std::size_t unseen_bytes = 0;  // appended since the reader last looked
    int read_status = 0;           // a sticky EOF or error

    // At most one coroutine waits to read and one (maybe another) to write, at the same time:
    // a WebSocket reads its peer's frames while its writers send.
    std::coroutine_handle<> read_waiter;
    TcpStream::ReadAwaiter* read_awaiter = nullptr;
    int read_wait_status = 0;
    std::coroutine_handle<> write_waiter;
    TcpStream::WriteAwaiter* write_awaiter = nullptr;
    int write_wait_status = 0;
    uv_write_t write_req{};

    // send(): bytes queued behind the uv_write in progress (`sending`), owned here so the
    // sender's buffers are free as soon as the await ends. Made by the first send() (a
    // WebSocket's, the client's): an HTTP connection only writes, and 1,000 of them are 280 KB
    // lighter without it.
    struct BackgroundSend {
        std::string queued;
        std::string sending;
        bool active = false;
        int status = 0;            // a sticky error
        uv_write_t req{};
        TcpStream::SendAwaiter* awaiter = nullptr;
    };
    std::unique_ptr<BackgroundSend> background;
    BackgroundSend& background_send() {
        if (!background) background = std::make_unique<BackgroundSend>();
        return *background;
    }

    StopState* stop_on_gone = nullptr;

    // Made for an outgoing connect only, for the same reason.
    std::unique_ptr<uv_connect_t> connect_req;
    TcpStream::ConnectAwaiter* connect_awaiter = nullptr;   // while an outgoing connect runs
    static void on_connect(uv_connect_t* req, int status) noexcept;

    char remote[INET6_ADDRSTRLEN + 8] = {};
    std::uint8_t remote_size = 0;   // kept, so that remote_address() per request needs no strlen

    static Socket* of(uv_handle_t* h) noexcept { return static_cast<Socket*>(h->data); }

    // A waiting writer is resumed by libuv (its write ends with UV_ECANCELED); a waiting
    // reader would never hear of it, so it is resumed on the loop's next turn (not from here:
    // close() is called from inside other awaits, whose callers must not be resumed under).
    void close() noexcept {
        if (std::exchange(closing, true)) return;
        uv_close(reinterpret_cast<uv_handle_t*>(&tcp), &Socket::on_close);
        uv_close(reinterpret_cast<uv_handle_t*>(&timer), &Socket::on_close);
        if (auto* awaiter = std::exchange(read_awaiter, nullptr)) {
            awaiter->closed_status_ = UV_ECANCELED;
            read_deadline = 0;
            if (awaiter->stop_) awaiter->stop_->leave(awaiter);
            Loop::current().schedule(std::exchange(read_waiter, nullptr));
        }
    }

    static void on_close(uv_handle_t* h) noexcept {
        auto* self = of(h);
        if (--self->open_handles == 0) delete self;
    }

    void start_reads() noexcept {
        if (reading || read_status < 0 || closing) return;
        int const r = uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp), &Socket::on_alloc, &Socket::on_read);
        if (r == 0) reading = true;
        else read_status = r;
        stalled = false;
    }

    void stop_reads() noexcept {
        if (std::exchange(reading, false)) uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp));
    }

    static void on_alloc(uv_handle_t* h, std::size_t, uv_buf_t* buf) noexcept {
        auto* self = of(h);
        std::span<char> space;
        try {
            space = self->input->prepare(min_read_space, self->read_awaiter != nullptr);
        } catch (...) {   // out of memory: read nothing; on_read sees UV_ENOBUFS
        }
        *buf = uv_buf_init(space.data(), static_cast<unsigned>(space.size()));
    }

    static void on_read(uv_stream_t* stream, ssize_t nread, uv_buf_t const*) noexcept {
        auto* self = of(reinterpret_cast<uv_handle_t*>(stream));
        if (nread > 0) {
            self->input->commit(static_cast<std::size_t>(nread));
            self->unseen_bytes += static_cast<std::size_t>(nread);
            self->finish_wait(0);
        } else if (nread == 0) {
            // EAGAIN: the socket is drained for now. An idle connection keeps no buffer.
            if (self->input) self->input->release_if_empty();
        } else if (nread == UV_ENOBUFS) {
            // The buffer is full and must not move while a request is in flight: stop reading
            // (the peer's sends back up into TCP flow control) until the next read() waits.
            self->stop_reads();
            self->stalled = true;
        } else if (nread < 0) {
            self->read_status = static_cast<int>(nread);
            self->stop_reads();
            self->finish_wait(0);
            // The socket outlives this call even if the stop closes the stream (its memory
            // goes in the close callback), but nothing of it is needed afterwards.
            if (auto* stop = std::exchange(self->stop_on_gone, nullptr)) stop->request_stop();
        }
    }

    std::size_t unsent() const noexcept { return tcp.write_queue_size + (background ? background->queued.size() : 0); }

    void start_send() noexcept {
        BackgroundSend& b = *background;
        b.sending.swap(b.queued);
        b.queued.clear();
        uv_buf_t buf = uv_buf_init(b.sending.data(), static_cast<unsigned>(b.sending.size()));
        b.req.data = this;
        int const r = uv_write(&b.req, reinterpret_cast<uv_stream_t*>(&tcp), &buf, 1, &Socket::on_send);
        if (r < 0) b.status = r;
        else b.active = true;
    }

    static void on_send(uv_write_t* req, int status) noexcept {
        auto* self = static_cast<Socket*>(req->data);
        BackgroundSend& b = *self->background;
        b.active = false;
        b.sending.clear();
        if (status < 0) b.status = status;
        else if (!b.queued.empty() && !self->closing) self->start_send();
        auto* awaiter = b.awaiter;
        if (!awaiter || (b.status == 0 && self->unsent() > awaiter->high_water_)) return;
        b.awaiter = nullptr;
        self->write_deadline = 0;
        int result = b.status;
        if (self->write_wait_status == UV_ETIMEDOUT || self->write_wait_status == UV_ECANCELED)
            result = self->write_wait_status;
        awaiter->status_ = result;
        if (awaiter->stop_) awaiter->stop_->leave(awaiter);
        std::exchange(self->write_waiter, nullptr).resume();
    }

    // The timer is lazy, as nginx's are: a wait sets `deadline`, and the libuv timer is
    // restarted only when it would fire too late. A keep-alive connection moving its deadline
    // forward on every request then costs no timer-heap operations, which matters with
    // thousands of connections; a timer that fires early just re-arms for the rest.
    static void on_timer(uv_timer_t* t) noexcept {
        auto* self = of(reinterpret_cast<uv_handle_t*>(t));
        auto const now = uv_now(t->loop);
        bool const write_due = self->write_deadline != 0 && now >= self->write_deadline;
        bool const read_due = self->read_deadline != 0 && now >= self->read_deadline;
        if (!write_due && !read_due) {
            self->rearm(now);   // fired early for a deadline that moved on, or nobody waits now
            return;
        }
        if (write_due) {
            self->write_deadline = 0;
            // A peer that takes nothing: closing the socket cancels the write, whose callback
            // then resumes the writer with the timeout (and close() ends a read wait too).
            self->write_wait_status = UV_ETIMEDOUT;
            self->close();
            return;
        }
        self->read_deadline = 0;
        self->finish_wait(UV_ETIMEDOUT);
    }

    // Restarts the timer for the nearest deadline still ahead, if any.
    void rearm(std::uint64_t now) noexcept {
        std::uint64_t next = read_deadline;
        if (write_deadline != 0 && (next == 0 || write_deadline < next)) next = write_deadline;
        if (next == 0 || closing) return;
        timer_due = next;
        uv_timer_start(&timer, &Socket::on_timer, next > now ? next - now : 0, 0);
    }

    // Sets `deadline` (read_deadline or write_deadline) `timeout` from now; zero: no limit.
    void arm_timer(std::uint64_t& deadline, std::chrono::milliseconds timeout) noexcept {
        if (timeout.count() <= 0) {
            deadline = 0;
            return;
        }
        auto const now = uv_now(timer.loop);
        deadline = now + static_cast<std::uint64_t>(timeout.count());
        if (!uv_is_active(reinterpret_cast<uv_handle_t*>(&timer)) || timer_due > deadline) {
            timer_due = deadline;
            uv_timer_start(&timer, &Socket::on_timer, deadline - now, 0);
        }
    }

    // Ends the read wait, if there is one. Resuming may close or drop the stream, so nothing
    // of `this` is touched afterwards.
    void finish_wait(int status) noexcept {
        auto* awaiter = std::exchange(read_awaiter, nullptr);
        if (!awaiter) return;
        read_wait_status = status;
        read_deadline = 0;   // the timer may stay armed; when it fires with no deadline it does nothing
        if (awaiter->stop_) awaiter->stop_->leave(awaiter);
        std::exchange(read_waiter, nullptr).resume();
    }

    static void on_write(uv_write_t* req, int status) noexcept {
        auto* self = static_cast<Socket*>(req->data);
        auto* awaiter = std::exchange(self->write_awaiter, nullptr);
        self->write_deadline = 0;
        // A timeout or a cancel closed the socket; the write then ends with UV_ECANCELED,
        // and the reason we closed it is the better answer.
        if (self->write_wait_status != UV_ETIMEDOUT && self->write_wait_status != UV_ECANCELED)
            self->write_wait_status = status;
        awaiter->status_ = self->write_wait_status;
        if (awaiter->stop_) awaiter->stop_->leave(awaiter);
        std::exchange(self->write_waiter, nullptr).resume();
    }
};

// Outgoing connections: the Socket is made before the connect and handed over on success.
void Socket::on_connect(uv_connect_t* req, int status) noexcept {
    auto* self = static_cast<Socket*>(req->data);
    auto* awaiter = std::exchange(self->connect_awaiter, nullptr);
    if (!awaiter) return;
    awaiter->status_ = self->closing && status == 0 ? UV_ECANCELED : status;
    if (awaiter->stop_) awaiter->stop_->leave(awaiter);
    awaiter->waiter_.resume();
}

struct ListenSocket {
    uv_tcp_t tcp{};
    bool closing = false;
    std::size_t pending = 0;   // connections the kernel has queued that nobody accepted yet
    int status = 0;
    std::coroutine_handle<> waiter;
    TcpListener::AcceptAwaiter* awaiter = nullptr;

    static void on_connection(uv_stream_t* server, int status) noexcept {
        auto* self = static_cast<ListenSocket*>(server->data);
        if (status < 0) self->status = status;
        else ++self->pending;
        self->wake();
    }

    void wake() noexcept {
        auto* a = std::exchange(awaiter, nullptr);
        if (!a) return;
        if (a->stop_) a->stop_->leave(a);
        std::exchange(waiter, nullptr).resume();
    }

    void close() noexcept {
        if (std::exchange(closing, true)) return;
        uv_close(reinterpret_cast<uv_handle_t*>(&tcp), [](uv_handle_t* h) {
            delete static_cast<ListenSocket*>(h->data);
        });
    }
};

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// TcpStream

TcpStream& TcpStream::operator=(TcpStream&& other) noexcept {
    if (this != &other) {
        close();
        socket_ = std::exchange(other.socket_, nullptr);
    }
    return *this;
}

void TcpStream::start_reading(InputBuffer& input) {
    socket_->input = &input;
    socket_->start_reads();
}

std::string_view TcpStream::remote_address() const noexcept {
    return socket_ ? std::string_view(socket_->remote, socket_->remote_size) : std::string_view();
}

std::size_t TcpStream::unsent() const noexcept { return socket_ ? socket_->unsent() : 0; }

detail::StopState** TcpStream::disconnect_slot() noexcept { return socket_ ? &socket_->stop_on_gone : nullptr; }

void TcpStream::stop_on_disconnect(detail::StopState* stop) noexcept {
    if (!socket_) return;
    socket_->stop_on_gone = stop;
    // Already gone: stop now rather than never.
    if (stop && socket_->read_status < 0 && socket_->read_status != UV_ENOBUFS) {
        socket_->stop_on_gone = nullptr;
        stop->request_stop();
    }
}

void TcpStream::shutdown_write() noexcept {
    // Directly, not with uv_shutdown: no write is queued (the caller waited for them), and the
    // FIN then leaves at once instead of a loop turn later.
    if (int const fd = native_handle(); fd >= 0 && unsent() == 0) ::shutdown(fd, SHUT_WR);
}

int TcpStream::native_handle() const noexcept {
    uv_os_fd_t fd = -1;
    if (!socket_ || uv_fileno(reinterpret_cast<uv_handle_t const*>(&socket_->tcp), &fd) != 0) return -1;
    return fd;
}

void TcpStream::close() noexcept {
    if (auto* s = std::exchange(socket_, nullptr)) {
        s->input = nullptr;
        s->stop_reads();
        s->close();
    }
}

bool TcpStream::ReadAwaiter::await_ready() const noexcept {
    return socket_->unseen_bytes > 0 || socket_->read_status < 0;
}

bool TcpStream::ReadAwaiter::start(std::coroutine_handle<> coro, detail::StopState* stop) {
    stop_ = stop;
    if (stop_ && !stop_->enter(this)) {
        socket_->read_wait_status = UV_ECANCELED;
        return false;
    }
    socket_->read_waiter = coro;
    socket_->read_awaiter = this;
    socket_->read_wait_status = 0;
    if (socket_->stalled) socket_->start_reads();   // the buffer may grow again now
    socket_->arm_timer(socket_->read_deadline, timeout_);
    return true;
}

void TcpStream::ReadAwaiter::cancel() noexcept {
    stop_ = nullptr;   // already unregistered by the StopState
    socket_->finish_wait(UV_ECANCELED);
}

std::error_code TcpStream::ReadAwaiter::await_resume() noexcept {
    if (closed_status_) return uv_error(closed_status_);   // socket_ may already be freed
    int status = std::exchange(socket_->read_wait_status, 0);
    if (status == 0 && socket_->unseen_bytes == 0) status = socket_->read_status;
    socket_->unseen_bytes = 0;
    return uv_error(status);
}

bool TcpStream::WriteAwaiter::await_ready() {
    if (!socket_ || socket_->closing) {
        status_ = UV_ECANCELED;
        return true;
    }
    uv_buf_t buf = uv_buf_init(const_cast<char*>(bytes_.data()), static_cast<unsigned>(bytes_.size()));
    int const n = uv_try_write(reinterpret_cast<uv_stream_t*>(&socket_->tcp), &buf, 1);
    if (n == static_cast<int>(bytes_.size())) return true;        // the common case: all taken
    if (n < 0 && n != UV_EAGAIN) {
        status_ = n;
        return true;
    }
    if (n > 0) bytes_.remove_prefix(static_cast<std::size_t>(n));
    return false;
}

bool TcpStream::WriteAwaiter::start(std::coroutine_handle<> coro, detail::StopState* stop) {
    stop_ = stop;
    if (stop_ && !stop_->enter(this)) {
        // Cancelled before the rest could be queued: the response is incomplete, so the
        // connection cannot be used any more.
        status_ = UV_ECANCELED;
        socket_->close();
        return false;
    }
    uv_buf_t buf = uv_buf_init(const_cast<char*>(bytes_.data()), static_cast<unsigned>(bytes_.size()));
    socket_->write_req.data = socket_;
    socket_->write_wait_status = 0;
    int const r = uv_write(&socket_->write_req, reinterpret_cast<uv_stream_t*>(&socket_->tcp), &buf, 1,
                           &detail::Socket::on_write);
    if (r < 0) {
        status_ = r;
        if (stop_) stop_->leave(this);
        return false;
    }
    socket_->write_waiter = coro;
    socket_->write_awaiter = this;
    socket_->arm_timer(socket_->write_deadline, timeout_);
    return true;
}

void TcpStream::WriteAwaiter::cancel() noexcept {
    stop_ = nullptr;   // already unregistered by the StopState
    socket_->write_wait_status = UV_ECANCELED;
    socket_->close();  // libuv ends the queued write with UV_ECANCELED, then on_write resumes us
}

std::error_code TcpStream::WriteAwaiter::await_resume() const noexcept { return uv_error(status_); }

bool TcpStream::SendAwaiter::await_ready() {
    if (!socket_ || socket_->closing) {
        status_ = UV_ECANCELED;
        return true;
    }
    auto& background = socket_->background_send();
    if (background.status < 0) {
        status_ = background.status;
        return true;
    }
    if (!background.active && background.queued.empty() && !bytes_.empty()) {
        uv_buf_t buf = uv_buf_init(const_cast<char*>(bytes_.data()), static_cast<unsigned>(bytes_.size()));
        int const n = uv_try_write(reinterpret_cast<uv_stream_t*>(&socket_->tcp), &buf, 1);
        if (n < 0 && n != UV_EAGAIN) {
            status_ = n;
            return true;
        }
        if (n > 0) bytes_.remove_prefix(static_cast<std::size_t>(n));
    }
    background.queued.append(bytes_);
    if (!background.active && !background.queued.empty()) socket_->start_send();
    if (background.status < 0) {
        status_ = background.status;
        return true;
    }
    return socket_->unsent() <= high_water_;
}

bool TcpStream::SendAwaiter::start(std::coroutine_handle<> coro, detail::StopState* stop) {
    stop_ = stop;
    if (stop_ && !stop_->enter(this)) {
        status_ = UV_ECANCELED;
        socket_->close();
        return false;
    }
    socket_->write_wait_status = 0;
    socket_->write_waiter = coro;
    socket_->background->awaiter = this;   // await_ready made it
    socket_->arm_timer(socket_->write_deadline, timeout_);
    return true;
}

void TcpStream::SendAwaiter::cancel() noexcept {
    stop_ = nullptr;   // already unregistered by the StopState
    socket_->write_wait_status = UV_ECANCELED;
    socket_->close();  // the queued write ends with UV_ECANCELED, then on_send resumes us
}

std::error_code TcpStream::SendAwaiter::await_resume() const noexcept { return uv_error(status_); }

// ---------------------------------------------------------------------------------------------
// TcpListener

namespace {

sockaddr_storage resolve_numeric(std::string const& host, std::uint16_t port) {
    sockaddr_storage addr{};
    if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr)) == 0) return addr;
    if (uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr)) == 0) return addr;
    throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                            "listen: '" + host + "' is not a numeric IPv4 or IPv6 address");
}

// SO_REUSEPORT must be set before bind, and libuv 1.44 has no flag for it, so the socket is
// made here and handed to libuv.
int make_listen_fd(sockaddr_storage const& addr, bool reuse_port) {
    int const fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (reuse_port) ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    return fd;
}

// Returns the length written (snprintf's, within `size`).
std::uint8_t format_address(sockaddr_storage const& addr, char* out, std::size_t size) {
    char ip[INET6_ADDRSTRLEN] = {};
    int port = 0;
    if (addr.ss_family == AF_INET6) {
        auto const& a6 = reinterpret_cast<sockaddr_in6 const&>(addr);
        uv_ip6_name(&a6, ip, sizeof ip);
        port = ntohs(a6.sin6_port);
        int const n = std::snprintf(out, size, "[%s]:%d", ip, port);
        return static_cast<std::uint8_t>(std::clamp(n, 0, static_cast<int>(size) - 1));
    } else {
        auto const& a4 = reinterpret_cast<sockaddr_in const&>(addr);
        uv_ip4_name(&a4, ip, sizeof ip);
        port = ntohs(a4.sin_port);
        int const n = std::snprintf(out, size, "%s:%d", ip, port);
        return static_cast<std::uint8_t>(std::clamp(n, 0, static_cast<int>(size) - 1));
    }
}

}  // namespace

namespace {
detail::Socket* new_socket(uv_loop_t* loop) {
    auto* s = new detail::Socket;
    uv_tcp_init(loop, &s->tcp);
    uv_timer_init(loop, &s->timer);
    s->tcp.data = s->timer.data = s;
    return s;
}
}  // namespace

bool TcpStream::ConnectAwaiter::start(std::coroutine_handle<> coro, detail::StopState* stop) {
    stop_ = stop;
    if (stop_ && !stop_->enter(this)) {
        status_ = UV_ECANCELED;
        return false;
    }
    sockaddr_storage addr{};
    int r = family_ == AF_INET6 ? uv_ip6_addr(ip_.c_str(), port_, reinterpret_cast<sockaddr_in6*>(&addr))
                                : uv_ip4_addr(ip_.c_str(), port_, reinterpret_cast<sockaddr_in*>(&addr));
    if (r == 0) {
        socket_ = new_socket(Loop::current().uv());
        socket_->connect_req = std::make_unique<uv_connect_t>();
        socket_->connect_req->data = socket_;
        socket_->connect_awaiter = this;
        waiter_ = coro;
        r = uv_tcp_connect(socket_->connect_req.get(), &socket_->tcp, reinterpret_cast<sockaddr const*>(&addr), &detail::Socket::on_connect);
        if (r == 0) return true;
        socket_->connect_awaiter = nullptr;
    }
    status_ = r;
    if (stop_) stop_->leave(this);
    return false;
}

void TcpStream::ConnectAwaiter::cancel() noexcept {
    stop_ = nullptr;   // already unregistered by the StopState
    socket_->close();  // libuv ends the connect with UV_ECANCELED, then on_connect resumes us
}

std::pair<std::error_code, TcpStream> TcpStream::ConnectAwaiter::await_resume() {
    if (status_ < 0) {
        if (socket_) socket_->close();
        return {uv_error(status_), TcpStream{}};
    }
    TcpStream stream{socket_};
    uv_tcp_nodelay(&socket_->tcp, 1);
    sockaddr_storage peer{};
    int len = sizeof peer;
    if (uv_tcp_getpeername(&socket_->tcp, reinterpret_cast<sockaddr*>(&peer), &len) == 0)
        socket_->remote_size = format_address(peer, socket_->remote, sizeof socket_->remote);
    return {std::error_code{}, std::move(stream)};
}

TcpListener& TcpListener::operator=(TcpListener&& other) noexcept {
    if (this != &other) {
        close();
        socket_ = std::exchange(other.socket_, nullptr);
    }
    return *this;
}

TcpListener TcpListener::open(int fd, int backlog) {
    auto* socket = new detail::ListenSocket;
    uv_tcp_init(Loop::current().uv(), &socket->tcp);
    socket->tcp.data = socket;
    TcpListener listener;
    listener.socket_ = socket;
    auto fail = [&](int status, char const* what) {
        throw std::system_error(uv_error(status), std::string(what) + " inherited socket " + std::to_string(fd));
    };
    if (int r = uv_tcp_open(&socket->tcp, fd); r < 0) {
        ::close(fd);
        fail(r, "open");
    }
    if (int r = uv_listen(reinterpret_cast<uv_stream_t*>(&socket->tcp), backlog, &detail::ListenSocket::on_connection);
        r < 0)
        fail(r, "listen on");
    return listener;
}

TcpListener TcpListener::bind(std::string const& host, std::uint16_t port, bool reuse_port, int backlog) {
    auto const addr = resolve_numeric(host, port);
    int const fd = make_listen_fd(addr, reuse_port);
    auto* socket = new detail::ListenSocket;
    uv_tcp_init(Loop::current().uv(), &socket->tcp);
    socket->tcp.data = socket;
    TcpListener listener;
    listener.socket_ = socket;
    auto fail = [&](int status, char const* what) {
        throw std::system_error(uv_error(status), std::string(what) + " " + host + ":" + std::to_string(port));
    };
    if (int r = uv_tcp_open(&socket->tcp, fd); r < 0) {
        ::close(fd);
        fail(r, "open");
    }
    if (int r = uv_tcp_bind(&socket->tcp, reinterpret_cast<sockaddr const*>(&addr), 0); r < 0) fail(r, "bind");
    if (int r = uv_listen(reinterpret_cast<uv_stream_t*>(&socket->tcp), backlog, &detail::ListenSocket::on_connection);
        r < 0)
        fail(r, "listen");
    return listener;
}

std::uint16_t TcpListener::port() const noexcept {
    sockaddr_storage addr{};
    int len = sizeof addr;
    if (!socket_ || uv_tcp_getsockname(&socket_->tcp, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
    if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6&>(addr).sin6_port);
    return ntohs(reinterpret_cast<sockaddr_in&>(addr).sin_port);
}

void TcpListener::close() noexcept {
    if (auto* s = std::exchange(socket_, nullptr)) {
        s->status = UV_ECANCELED;
        s->wake();
        s->close();
    }
}

bool TcpListener::AcceptAwaiter::await_ready() const noexcept {
    return !socket_ || socket_->pending > 0 || socket_->status < 0;
}

bool TcpListener::AcceptAwaiter::start(std::coroutine_handle<> coro, detail::StopState* stop) {
    stop_ = stop;
    if (stop_ && !stop_->enter(this)) {
        cancelled_ = true;
        return false;
    }
    socket_->waiter = coro;
    socket_->awaiter = this;
    return true;
}

void TcpListener::AcceptAwaiter::cancel() noexcept {
    stop_ = nullptr;
    cancelled_ = true;
    socket_->wake();
}

namespace {
// What every accepted connection gets, however it was accepted.
TcpStream accepted(detail::Socket* s) {
    uv_tcp_nodelay(&s->tcp, 1);   // responses are written whole; Nagle would only delay them
    sockaddr_storage peer{};
    int len = sizeof peer;
    if (uv_tcp_getpeername(&s->tcp, reinterpret_cast<sockaddr*>(&peer), &len) == 0)
        s->remote_size = format_address(peer, s->remote, sizeof s->remote);
    return TcpStream{s};
}

// Takes the connection libuv has accepted and holds for us (it holds at most one, and stops
// polling the listener until it is taken).
std::pair<std::error_code, TcpStream> take_held(detail::ListenSocket& listener) {
    --listener.pending;
    auto* s = new_socket(listener.tcp.loop);
    if (int r = uv_accept(reinterpret_cast<uv_stream_t*>(&listener.tcp), reinterpret_cast<uv_stream_t*>(&s->tcp));
        r < 0) {
        TcpStream{s}.close();
        return {uv_error(r), TcpStream{}};
    }
    return {std::error_code{}, accepted(s)};
}
}  // namespace

std::pair<std::error_code, TcpStream> TcpListener::AcceptAwaiter::await_resume() {
    if (cancelled_ || !socket_) return {uv_error(UV_ECANCELED), TcpStream{}};
    if (socket_->pending == 0) return {uv_error(std::exchange(socket_->status, 0)), TcpStream{}};
    return take_held(*socket_);
}

std::pair<std::error_code, TcpStream> TcpListener::try_accept() {
    if (!socket_) return {uv_error(UV_ECANCELED), TcpStream{}};
    if (socket_->pending > 0) return take_held(*socket_);
    uv_os_fd_t listen_fd = -1;
    uv_fileno(reinterpret_cast<uv_handle_t const*>(&socket_->tcp), &listen_fd);
    int const fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return {uv_error(errno == EWOULDBLOCK ? UV_EAGAIN : -errno), TcpStream{}};
    auto* s = new_socket(socket_->tcp.loop);
    if (int r = uv_tcp_open(&s->tcp, fd); r < 0) {
        ::close(fd);
        TcpStream{s}.close();
        return {uv_error(r), TcpStream{}};
    }
    return {std::error_code{}, accepted(s)};
}

}  // namespace tern
