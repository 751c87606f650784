// Hostile clients through real sockets, beyond the limits of server_limits_test.cpp: malformed
// bytes, unsupported versions, a thousand idle connections, a client that never reads, half-closes
// and resets in the middle of a large response. After each case a fresh client is still served
// promptly.
#include <tern/http/app.hpp>

#include <doctest/doctest.h>

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/http_client.hpp"

using namespace std::chrono_literals;
using namespace std::string_view_literals;
using tern::testing::RawClient;
using tern::testing::Stopwatch;
using tern::testing::TestServer;

namespace {

constexpr std::size_t large_size = 1024 * 1024;
constexpr std::string_view get_root = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
constexpr std::string_view get_large = "GET /large HTTP/1.1\r\nHost: t\r\n\r\n";
// A request for the large response with a 1 KiB header: 2,000 of them come to 2 MiB, more than
// a connection's input buffer may hold (max_header_bytes + max_body + 64 KiB).
std::string const get_large_padded = "GET /large HTTP/1.1\r\nHost: t\r\nX-Pad: " + std::string(1024, 'p') + "\r\n\r\n";

// An App with a small route and a 1 MiB one, counting how often the large one ran.
struct HostileApp {
    tern::App app;
    std::atomic<int> large_served = 0;
    HostileApp() {
        app.get("/", [](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::text("ok"); });
        app.get("/large", [this](tern::Request&) -> tern::Task<tern::Response> {
            ++large_served;
            co_return tern::Response::bytes(std::string(large_size, 'L'));
        });
    }
};

// A well-behaved client is answered on a fresh connection, within its 2 s read timeout.
void check_fresh_client_served(std::uint16_t port) {
    Stopwatch watch;
    RawClient client{port, 2000ms};
    REQUIRE(client.send(get_root));
    auto res = client.read_response();
    REQUIRE_MESSAGE(res, "a fresh client was not served after a hostile one");
    CHECK(res->status == 200);
    CHECK(res->body == "ok");
    CHECK(watch.elapsed() < 2000ms);
}

// Sends `raw` on a fresh connection and returns the status of the answer (0 for none), checking
// that the answer announces the close and that the server then closes.
int refused_with(std::uint16_t port, std::string_view raw) {
    RawClient client{port};
    client.send(raw);
    auto res = client.read_response();
    if (!res) return 0;
    CHECK_MESSAGE(res->header("Connection") == "close", "a refusal must announce the close");
    CHECK_MESSAGE(client.closed_by_peer(), "the server must close after refusing");
    return res->status;
}

// This process's resident set in KiB (VmRSS), or 0 if /proc says nothing.
std::size_t resident_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
    return 0;
}

// Raises the soft descriptor limit towards `wanted` (never past the hard limit); returns what it is.
rlim_t raise_descriptor_limit(rlim_t wanted) {
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < wanted) {
        limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur;
}

// Reads `client` until the server closes it or resets it, giving up after `max_bytes`; true
// when the end came first. Bytes the server wrote before closing are read and dropped.
bool read_until_closed(RawClient& client, std::size_t max_bytes) {
    std::size_t total = 0;
    while (total < max_bytes) {
        if (!client.readable(5000ms)) return false;   // neither bytes nor the end for 5 s
        std::size_t const n = client.read_some(64 * 1024);
        if (n == 0) return true;                      // EOF or reset
        total += n;
    }
    return false;
}

// Asks /metrics on fresh connections, every 50 ms for at most 10 s, until the server has
// `count` open connections (the asking one included).
bool open_connections_reach(std::uint16_t port, int count) {
    std::string const line = "tern_open_connections " + std::to_string(count) + "\n";
    for (int i = 0; i < 200; ++i) {
        RawClient probe{port, 2000ms};
        probe.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
        auto metrics = probe.read_response();
        if (metrics && metrics->body.find(line) != std::string::npos) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

}  // namespace

TEST_CASE("a NUL byte in the head through a real socket is 400, and the connection is closed") {
    HostileApp a;
    TestServer server{a.app};
    SUBCASE("in a header value") { CHECK(refused_with(server.port(), "GET / HTTP/1.1\r\nHost: t\r\nX: a\0b\r\n\r\n"sv) == 400); }
    SUBCASE("in a header name") { CHECK(refused_with(server.port(), "GET / HTTP/1.1\r\nHost: t\r\nX\0Y: a\r\n\r\n"sv) == 400); }
    SUBCASE("in the target") { CHECK(refused_with(server.port(), "GET /a\0b HTTP/1.1\r\nHost: t\r\n\r\n"sv) == 400); }
    SUBCASE("after a complete request on the same connection") {
        RawClient client{server.port()};
        client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\nX: \0\r\n\r\n"sv);
        auto first = client.read_response();
        REQUIRE(first);
        CHECK(first->status == 200);
        auto second = client.read_response();
        REQUIRE(second);
        CHECK(second->status == 400);
        CHECK(client.closed_by_peer());
    }
    check_fresh_client_served(server.port());
}

TEST_CASE("a bare LF in the head through a real socket is 400, and the connection is closed") {
    HostileApp a;
    TestServer server{a.app};
    SUBCASE("ending the request line") { CHECK(refused_with(server.port(), "GET / HTTP/1.1\nHost: t\r\n\r\n") == 400); }
    SUBCASE("ending a header line") { CHECK(refused_with(server.port(), "GET / HTTP/1.1\r\nHost: t\nX: 1\r\n\r\n") == 400); }
    SUBCASE("ending the head") { CHECK(refused_with(server.port(), "GET / HTTP/1.1\r\nHost: t\r\n\n") == 400); }
    SUBCASE("everywhere") { CHECK(refused_with(server.port(), "GET / HTTP/1.1\nHost: t\n\n") == 400); }
    check_fresh_client_served(server.port());
}

TEST_CASE("HTTP/2.0 and the HTTP/2 preface are 505, and the connection is closed") {
    HostileApp a;
    TestServer server{a.app};
    SUBCASE("HTTP/2.0") { CHECK(refused_with(server.port(), "GET / HTTP/2.0\r\nHost: t\r\n\r\n") == 505); }
    SUBCASE("the HTTP/2 connection preface") {
        CHECK(refused_with(server.port(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") == 505);
    }
    check_fresh_client_served(server.port());
}

TEST_CASE("with 1,000 idle connections open a fresh client is served, and keep_alive_timeout closes them all") {
    constexpr int idle_count = 1000;
    // Each connection costs two descriptors in this process (client and server side).
    REQUIRE_MESSAGE(raise_descriptor_limit(2 * idle_count + 256) >= 2 * idle_count + 256,
                    "RLIMIT_NOFILE cannot be raised far enough for this test");
    HostileApp a;
    a.app.enable_metrics();
    auto options = TestServer::defaults();
    options.keep_alive_timeout = 3000ms;   // far longer than opening 1,000 connections takes
    TestServer server{a.app, options};
    std::vector<std::unique_ptr<RawClient>> idle;
    idle.reserve(idle_count);
    for (int i = 0; i < idle_count; ++i) idle.push_back(std::make_unique<RawClient>(server.port(), 10'000ms));

    // The kernel hands connections over in order, so this one is accepted after all the idle ones.
    {
        RawClient fresh{server.port(), 2000ms};
        REQUIRE(fresh.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n"));
        auto metrics = fresh.read_response();
        REQUIRE(metrics);
        CHECK(metrics->body.find("tern_open_connections 1001\n") != std::string::npos);
    }
    check_fresh_client_served(server.port());

    // Every idle connection is closed by the server: EOF within the clients' 10 s read timeout.
    int closed = 0;
    for (auto& c : idle) closed += c->closed_by_peer();
    CHECK(closed == idle_count);
    check_fresh_client_served(server.port());
}

TEST_CASE("a client that pipelines requests for 1 MiB and never reads is not read further, then closed") {
    HostileApp a;
    a.app.enable_metrics();
    auto options = TestServer::defaults();
    options.write_timeout = 500ms;
    TestServer server{a.app, options};
    // Warm up: the first large response brings the allocator's pools to their working size.
    {
        RawClient warm{server.port()};
        warm.send(get_large);
        auto res = warm.read_response();
        REQUIRE(res);
        REQUIRE(res->body.size() == large_size);
    }
    a.large_served = 0;
    std::size_t const before_kib = resident_kib();
    REQUIRE(before_kib > 0);

    RawClient hog{server.port(), 2000ms};
    int sent = 0;
    for (; sent < 2000; ++sent)   // a send that cannot go on for 2 s ends the loop early
        if (!hog.send(get_large_padded)) break;
    std::size_t const during_kib = resident_kib();
    MESSAGE("sent " << sent << " requests; the handler ran " << a.large_served.load() << " times; RSS grew by "
                    << (during_kib - before_kib) / 1024 << " MiB");
    CHECK(sent > 100);                 // far more than the server has answered...
    CHECK(a.large_served < 64);        // ...because it stops reading once its writes back up
    CHECK(during_kib < before_kib + 64 * 1024);

    // The server gives up on it after write_timeout (seen as the probe being its only connection);
    // the client then finds nothing but what was already sent, and the end.
    CHECK_MESSAGE(open_connections_reach(server.port(), 1), "the server never closed the client that does not read");
    int const served = a.large_served;
    CHECK(served < 64);
    CHECK(resident_kib() < before_kib + 64 * 1024);
    CHECK(read_until_closed(hog, 64 * large_size));
    CHECK(a.large_served == served);
    check_fresh_client_served(server.port());
}

TEST_CASE("a client that half-closes before its request is complete gets no response, only the close") {
    HostileApp a;
    a.app.post("/echo", [](tern::Request& req) -> tern::Task<tern::Response> {
        co_return tern::Response::text(std::string(req.body()));
    });
    TestServer server{a.app};
    std::string_view partial;
    SUBCASE("nothing at all") { partial = ""; }
    SUBCASE("half a request line") { partial = "GET /la"; }
    SUBCASE("half a head") { partial = "GET / HTTP/1.1\r\nHost: t\r\nX-Half: "; }
    SUBCASE("a head without its blank line") { partial = "GET / HTTP/1.1\r\nHost: t\r\n"; }
    SUBCASE("a body shorter than its Content-Length") {
        partial = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc";
    }
    SUBCASE("a chunked body without its last chunk") {
        partial = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n";
    }
    RawClient client{server.port()};
    REQUIRE(client.send(partial));
    client.shutdown_write();
    CHECK_FALSE(client.read_response());   // EOF (well within the 2 s header timeout), no bytes
    CHECK(client.closed_by_peer());
    check_fresh_client_served(server.port());
}

TEST_CASE("200 clients that reset in the middle of a 1 MiB response do not disturb a fresh client") {
    HostileApp a;
    TestServer server{a.app};
    constexpr int rounds = 8;
    constexpr int batch = 25;   // 25 responses of 1 MiB in flight at once
    int started = 0;
    for (int r = 0; r < rounds; ++r) {
        std::vector<std::unique_ptr<RawClient>> clients;
        for (int i = 0; i < batch; ++i) {
            clients.push_back(std::make_unique<RawClient>(server.port()));
            clients.back()->send(get_large);
        }
        for (auto& c : clients) {
            started += c->read_some(16) > 0;   // the response has begun...
            c->reset();                        // ...and the client is gone
        }
    }
    CHECK(started == rounds * batch);
    check_fresh_client_served(server.port());
    // The large route still works in full.
    RawClient client{server.port()};
    client.send(get_large);
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->body.size() == large_size);
}
