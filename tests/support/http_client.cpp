#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <utility>

namespace tern::testing {

namespace {
bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
}
}  // namespace

std::string WireResponse::header(std::string_view name) const {
    for (auto const& [n, v] : headers)
        if (iequal(n, name)) return v;
    return {};
}

RawClient::RawClient(std::uint16_t port, std::chrono::milliseconds timeout) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd_);
        throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed: " + std::strerror(errno));
    }
}

RawClient::~RawClient() {
    if (fd_ >= 0) ::close(fd_);
}

bool RawClient::send(std::string_view bytes) {
    while (!bytes.empty()) {
        auto const n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool RawClient::fill() {
    char chunk[16 * 1024];
    auto const n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffered_.append(chunk, static_cast<std::size_t>(n));
    return true;
}

std::optional<WireResponse> RawClient::read_response(bool head_request) {
    std::size_t head_end;
    while ((head_end = buffered_.find("\r\n\r\n")) == std::string::npos)
        if (!fill()) return std::nullopt;
    WireResponse res;
    std::string_view head{buffered_.data(), head_end};
    auto const line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    if (status_line.size() < 12) return std::nullopt;
    res.status = std::stoi(std::string(status_line.substr(9, 3)));
    res.reason = std::string(status_line.substr(std::min<std::size_t>(13, status_line.size())));
    std::string_view rest = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);
    while (!rest.empty()) {
        auto const e = rest.find("\r\n");
        std::string_view line = rest.substr(0, e);
        rest = e == std::string_view::npos ? std::string_view{} : rest.substr(e + 2);
        auto const colon = line.find(':');
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        res.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    buffered_.erase(0, head_end + 4);
    bool const bodiless = head_request || res.status < 200 || res.status == 204 || res.status == 304;
    if (bodiless) return res;
    if (iequal(res.header("Transfer-Encoding"), "chunked")) {
        for (;;) {
            std::size_t e;
            while ((e = buffered_.find("\r\n")) == std::string::npos)
                if (!fill()) return std::nullopt;
            std::size_t const size = std::stoul(buffered_.substr(0, e), nullptr, 16);
            while (buffered_.size() < e + 2 + size + 2)
                if (!fill()) return std::nullopt;
            res.body.append(buffered_, e + 2, size);
            buffered_.erase(0, e + 2 + size + 2);
            if (size == 0) break;
        }
        return res;
    }
    auto const length_text = res.header("Content-Length");
    if (length_text.empty()) {   // delimited by close
        while (fill()) {}
        res.body = std::move(buffered_);
        buffered_.clear();
        return res;
    }
    std::size_t const length = std::stoul(length_text);
    while (buffered_.size() < length)
        if (!fill()) return std::nullopt;
    res.body = buffered_.substr(0, length);
    buffered_.erase(0, length);
    return res;
}

std::size_t RawClient::read_some(std::size_t max) {
    std::string chunk(max, '\0');
    auto const n = ::recv(fd_, chunk.data(), chunk.size(), 0);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
}

std::optional<std::string> RawClient::read_until(std::string_view marker) {
    std::size_t at;
    while ((at = buffered_.find(marker)) == std::string::npos)
        if (!fill()) return std::nullopt;
    std::string out = buffered_.substr(0, at + marker.size());
    buffered_.erase(0, at + marker.size());
    return out;
}

std::optional<std::string> RawClient::read_exactly(std::size_t n) {
    while (buffered_.size() < n)
        if (!fill()) return std::nullopt;
    std::string out = buffered_.substr(0, n);
    buffered_.erase(0, n);
    return out;
}

std::string RawClient::read_to_close() {
    while (fill()) {
    }
    return std::exchange(buffered_, {});
}

bool RawClient::closed_by_peer() {
    char c;
    auto const n = ::recv(fd_, &c, 1, 0);
    if (n > 0) buffered_.push_back(c);
    return n == 0 || (n < 0 && errno == ECONNRESET);
}

bool RawClient::readable(std::chrono::milliseconds wait) {
    if (!buffered_.empty()) return true;
    pollfd pfd{fd_, POLLIN, 0};
    return ::poll(&pfd, 1, static_cast<int>(wait.count())) > 0;
}

void RawClient::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

void RawClient::reset() {
    linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd_);
    fd_ = -1;
}

std::optional<WireResponse> request(std::uint16_t port, std::string_view raw, bool head_request) {
    RawClient client{port};
    if (!client.send(raw)) return std::nullopt;
    return client.read_response(head_request);
}


}  // namespace tern::testing
