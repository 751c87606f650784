#include <tern/net/connect.hpp>

#include <netdb.h>

#include <cstring>
#include <system_error>

#include <uv.h>

#include <tern/core/detail/stop_state.hpp>
#include <tern/core/error.hpp>
#include <tern/core/loop.hpp>
#include <tern/core/time.hpp>

namespace tern::net {

namespace {

using tern::detail::Cancellable;
using tern::detail::StopState;

// uv_getaddrinfo as an awaitable; a cancelled lookup is uv_cancel'ed if it has not started.
class Lookup final : private Cancellable {
public:
    Lookup(std::string const& host, std::string const& service) : host_(host), service_(service) {}
    ~Lookup() {
        if (req_.addrinfo) uv_freeaddrinfo(req_.addrinfo);
    }
    Lookup(Lookup const&) = delete;
    Lookup& operator=(Lookup const&) = delete;

    bool await_ready() const noexcept { return false; }
    template <typename Promise>
    bool await_suspend(std::coroutine_handle<Promise> waiter) {
        stop_ = tern::detail::stop_state_of(waiter);
        if (stop_ && !stop_->enter(this)) {
            status_ = UV_ECANCELED;
            return false;
        }
        waiter_ = waiter;
        req_.data = this;
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        status_ = uv_getaddrinfo(Loop::current().uv(), &req_, &Lookup::on_done, host_.c_str(), service_.c_str(), &hints);
        if (status_ == 0) return true;
        if (stop_) stop_->leave(this);
        return false;
    }
    int await_resume() const {
        if (status_ == UV_ECANCELED) throw CancelledError{};
        return status_;
    }
    addrinfo const* result() const noexcept { return req_.addrinfo; }

private:
    static void on_done(uv_getaddrinfo_t* req, int status, addrinfo*) noexcept {
        auto* self = static_cast<Lookup*>(req->data);
        self->status_ = status;
        if (self->stop_) self->stop_->leave(self);
        self->waiter_.resume();
    }
    void cancel() noexcept override { uv_cancel(reinterpret_cast<uv_req_t*>(&req_)); }

    std::string const& host_;
    std::string const& service_;
    uv_getaddrinfo_t req_{};
    std::coroutine_handle<> waiter_;
    StopState* stop_ = nullptr;
    int status_ = 0;
};

Endpoint to_endpoint(addrinfo const& ai) {
    Endpoint out;
    out.family = ai.ai_family;
    char ip[INET6_ADDRSTRLEN] = {};
    if (ai.ai_family == AF_INET6) {
        auto const* a6 = reinterpret_cast<sockaddr_in6 const*>(ai.ai_addr);
        uv_ip6_name(a6, ip, sizeof ip);
        out.port = ntohs(a6->sin6_port);
    } else {
        auto const* a4 = reinterpret_cast<sockaddr_in const*>(ai.ai_addr);
        uv_ip4_name(a4, ip, sizeof ip);
        out.port = ntohs(a4->sin_port);
    }
    out.ip = ip;
    return out;
}

[[noreturn]] void fail(int status, std::string const& what, std::string const& host, std::uint16_t port) {
    throw std::system_error(uv_error(status), what + " " + host + ":" + std::to_string(port));
}

Task<TcpStream> connect_one(Endpoint endpoint) {
    auto [ec, stream] = co_await TcpStream::connect(endpoint.family, endpoint.ip, endpoint.port);
    if (ec) throw std::system_error(ec, "connect");
    co_return std::move(stream);
}

}  // namespace

Task<std::vector<Endpoint>> resolve(std::string host, std::uint16_t port) {
    std::string const service = std::to_string(port);
    // A bracketed IPv6 literal, as in URLs: "[::1]".
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    Lookup lookup{host, service};
    int const status = co_await lookup;
    if (status < 0) fail(status, "resolve", host, port);
    std::vector<Endpoint> out;
    for (addrinfo const* ai = lookup.result(); ai; ai = ai->ai_next)
        if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6) out.push_back(to_endpoint(*ai));
    if (out.empty()) fail(UV_EAI_NONAME, "resolve", host, port);
    co_return out;
}

Task<TcpStream> connect(std::string host, std::uint16_t port, std::chrono::milliseconds timeout) {
    std::vector<Endpoint> const endpoints = co_await resolve(host, port);
    std::error_code last;
    for (Endpoint const& endpoint : endpoints) {
        try {
            if (timeout.count() > 0) co_return co_await wait_for(connect_one(endpoint), timeout);
            co_return co_await connect_one(endpoint);
        } catch (TimeoutError const&) {
            last = uv_error(UV_ETIMEDOUT);
        } catch (std::system_error const& e) {
            last = e.code();
        }
    }
    throw std::system_error(last, "connect " + host + ":" + std::to_string(port));
}

}  // namespace tern::net
