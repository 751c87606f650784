// Heap allocations per request once warm, on apps/hello's routes and on the other kinds of
// request issue 16 keeps at 0: a typed handler, a static file answered 304, and a WebSocket
// echo message. A counting operator new over an in-process server, driven by a keep-alive
// client on the same machine.
//   build/release/bench/alloc_count
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
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

struct Item {
    std::int64_t id = 0;
    std::string name;
    double price = 0;
};
TERN_JSON(Item, id, name, price)

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

// The value of header `name` in the response to `request` (the ETag, for the 304 request).
std::string response_header(int fd, std::string const& request, std::string_view name) {
    ::send(fd, request.data(), request.size(), 0);
    char buf[4096];
    auto const r = ::recv(fd, buf, sizeof buf, 0);
    std::string_view const head(buf, r > 0 ? static_cast<std::size_t>(r) : 0);
    auto const at = head.find(name);
    if (at == std::string_view::npos) std::abort();
    auto const begin = at + name.size() + 2;   // past ": "
    return std::string(head.substr(begin, head.find("\r\n", begin) - begin));
}

// One masked text frame of "hello" (RFC 6455 5.2), and the unmasked echo the server sends.
constexpr char echo_frame[] = {'\x81', '\x85', 1, 2, 3, 4, 'h' ^ 1, 'e' ^ 2, 'l' ^ 3, 'l' ^ 4, 'o' ^ 1};
constexpr std::size_t echo_reply_size = 2 + 5;

std::size_t response_size(int fd, std::string const& request) {
    ::send(fd, request.data(), request.size(), 0);
    char buf[4096];
    auto r = ::recv(fd, buf, sizeof buf, 0);   // small responses arrive in one segment
    return static_cast<std::size_t>(r);
}


void report(char const* what, long allocations, int measured) {
    std::printf("%-22s %.2f heap allocations per request (whole process, %d requests)\n", what,
                static_cast<double>(allocations) / measured, measured);
}

}  // namespace

int main() {
    namespace fs = std::filesystem;
    fs::path const static_dir = fs::temp_directory_path() / ("tern-alloc-count-" + std::to_string(::getpid()));
    fs::create_directories(static_dir);
    std::ofstream(static_dir / "hello.txt") << "Hello, World!";

    tern::App app;
    app.get("/", [](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::text("Hello, World!"); });
    app.get("/json", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::json(Message{"Hello, World!"});
    });
    app.get("/items/{id:int}", [](tern::Path<"id", std::int64_t> id) -> tern::Task<Item> { co_return Item{*id, "pen", 1.5}; });
    app.static_files("/static", static_dir.string());
    app.websocket("/echo", [](tern::Request&, tern::WebSocket& ws) -> tern::Task<void> {
        while (auto msg = co_await ws.receive()) co_await ws.send_text(msg->data);
    });
    tern::ServerOptions options;
    options.port = 0;
    options.threads = 1;
    options.blocking_threads = 1;
    auto server = app.start(options);
    constexpr int warm = 1000, measured = 10000;
    auto count_get = [&](char const* what, std::string const& request) {
        int fd = connect_to(server->port());
        auto const size = response_size(fd, request);
        drive(fd, request, size, warm);
        long const before = allocations.load();
        drive(fd, request, size, measured);
        long const after = allocations.load();
        ::close(fd);
        report(what, after - before, measured);
    };
    count_get("GET /", "GET / HTTP/1.1\r\nHost: bench\r\n\r\n");
    count_get("GET /json", "GET /json HTTP/1.1\r\nHost: bench\r\n\r\n");
    count_get("GET /items/42 (typed)", "GET /items/42 HTTP/1.1\r\nHost: bench\r\n\r\n");
    {
        std::string const plain = "GET /static/hello.txt HTTP/1.1\r\nHost: bench\r\n\r\n";
        int fd = connect_to(server->port());
        std::string const etag = response_header(fd, plain, "ETag");
        ::close(fd);
        count_get("GET /static (304)", "GET /static/hello.txt HTTP/1.1\r\nHost: bench\r\nIf-None-Match: " + etag + "\r\n\r\n");
    }
    {
        int fd = connect_to(server->port());
        std::string const upgrade =
            "GET /echo HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        if (response_header(fd, upgrade, "Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") std::abort();
        std::string const frame(echo_frame, sizeof echo_frame);
        drive(fd, frame, echo_reply_size, warm);
        long const before = allocations.load();
        drive(fd, frame, echo_reply_size, measured);
        long const after = allocations.load();
        ::close(fd);
        report("WebSocket echo", after - before, measured);
    }
    server->stop();
    fs::remove_all(static_dir);
}
