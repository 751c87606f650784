// Heap allocations per request on apps/hello's routes, once warm: a counting operator new over
// an in-process server, driven by a keep-alive client on the same machine.
//   build/release/bench/alloc_count
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>

#include <tern/tern.hpp>

namespace {
std::atomic<long> allocations{0};
}

void* operator new(std::size_t size) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

struct Message {
    std::string message;
};
TERN_JSON(Message, message)

namespace {

int connect_to(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
    return fd;
}

// Sends `n` requests one after another on one connection, reading each whole response.
void drive(int fd, std::string const& request, std::size_t response_size, int n) {
    std::string buf(response_size, '\0');
    for (int i = 0; i < n; ++i) {
        if (::send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) std::abort();
        std::size_t got = 0;
        while (got < response_size) {
            auto r = ::recv(fd, buf.data() + got, response_size - got, 0);
            if (r <= 0) std::abort();
            got += static_cast<std::size_t>(r);
        }
    }
}

std::size_t response_size(int fd, std::string const& request) {
    ::send(fd, request.data(), request.size(), 0);
    char buf[4096];
    auto r = ::recv(fd, buf, sizeof buf, 0);   // small responses arrive in one segment
    return static_cast<std::size_t>(r);
}

}  // namespace

int main() {
    tern::App app;
    app.get("/", [](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::text("Hello, World!"); });
    app.get("/json", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::json(Message{"Hello, World!"});
    });
    tern::ServerOptions options;
    options.port = 0;
    options.threads = 1;
    options.blocking_threads = 1;
    auto server = app.start(options);
    constexpr int warm = 1000, measured = 10000;
    for (std::string path : {"/", "/json"}) {
        std::string const request = "GET " + path + " HTTP/1.1\r\nHost: bench\r\n\r\n";
        int fd = connect_to(server->port());
        auto const size = response_size(fd, request);
        drive(fd, request, size, warm);
        long const before = allocations.load();
        drive(fd, request, size, measured);
        long const after = allocations.load();
        ::close(fd);
        std::printf("GET %-6s %.2f heap allocations per request (whole process, %d requests)\n", path.c_str(),
                    static_cast<double>(after - before) / measured, measured);
    }
    server->stop();
}
