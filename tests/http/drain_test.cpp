// Graceful drains that must wait for work the loop does not see (a handler inside to_thread),
// must not drop a request or a connection that has already arrived (in an idle connection's
// socket, or in the listener's accept queue), must end near their grace period, and may first
// serve on for a drain delay while /healthz fails.
// Drains under real load are tests/scripts/drain_under_load.sh; the basics are in server_lifecycle_test.
#include <tern/http/app.hpp>

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <tern/core/thread.hpp>
#include <tern/core/time.hpp>

#include "support/http_client.hpp"

using namespace std::chrono_literals;
using tern::testing::RawClient;
using tern::testing::TestServer;

namespace {

constexpr std::string_view get_root = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
constexpr std::string_view get_large = "GET /large HTTP/1.1\r\nHost: t\r\n\r\n";

tern::Task<tern::Response> ok(tern::Request&) { co_return tern::Response::text("ok"); }

// Waits (at most 5 s) until `flag` is set by another thread.
bool wait_until(std::atomic<bool> const& flag) {
    for (int i = 0; i < 500 && !flag; ++i) std::this_thread::sleep_for(10ms);
    return flag;
}

// True when nothing listens on 127.0.0.1:port any more (the connection is refused).
bool refused(std::uint16_t port) {
    int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool const result = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno == ECONNREFUSED;
    ::close(fd);
    return result;
}

}  // namespace

TEST_CASE("a drain waits for a handler that is inside to_thread") {
    tern::App app;
    std::atomic<bool> entered = false;
    std::atomic<bool> release = false;
    app.get("/offloaded", [&](tern::Request&) -> tern::Task<tern::Response> {
        int const n = co_await tern::to_thread([&] {
            entered = true;
            for (int i = 0; i < 1000 && !release; ++i) std::this_thread::sleep_for(10ms);   // at most 10 s
            return 7;
        });
        co_return tern::Response::text("offloaded " + std::to_string(n));
    });
    app.get("/", ok);
    auto options = TestServer::defaults();
    options.grace_period = 10s;
    TestServer server{app, options};
    RawClient client{server.port(), 10'000ms};
    REQUIRE(client.send("GET /offloaded HTTP/1.1\r\nHost: t\r\n\r\n"));
    REQUIRE(wait_until(entered));

    auto stopped = std::async(std::launch::async, [&] { server.stop(); });
    // The drain has nothing to wait for but the worker, which waits for us.
    CHECK(stopped.wait_for(300ms) == std::future_status::timeout);
    release = true;
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "offloaded 7");
    CHECK(res->header("Connection") == "close");
    CHECK(client.closed_by_peer());
    CHECK(stopped.wait_for(10s) == std::future_status::ready);
}

TEST_CASE("a drain whose grace period ends during a to_thread call waits for the worker, then closes") {
    tern::App app;
    std::atomic<bool> entered = false;
    std::atomic<bool> release = false;
    app.get("/offloaded", [&](tern::Request&) -> tern::Task<tern::Response> {
        co_await tern::to_thread([&] {
            entered = true;
            for (int i = 0; i < 1000 && !release; ++i) std::this_thread::sleep_for(10ms);   // at most 10 s
        });
        co_return tern::Response::text("finished");
    });
    auto options = TestServer::defaults();
    options.grace_period = 200ms;
    TestServer server{app, options};
    RawClient client{server.port(), 10'000ms};
    REQUIRE(client.send("GET /offloaded HTTP/1.1\r\nHost: t\r\n\r\n"));
    REQUIRE(wait_until(entered));
    auto stopped = std::async(std::launch::async, [&] { server.stop(); });
    // Past the grace period the connection is cancelled, but the running worker cannot be: the
    // loop must still wait for it before it closes (its uv_work_t lives in the handler's frame).
    CHECK(stopped.wait_for(500ms) == std::future_status::timeout);
    release = true;
    CHECK(stopped.wait_for(10s) == std::future_status::ready);
    // Whether the finished handler's answer still goes out or the cancellation wins, the
    // connection ends: a whole response at most, then the close.
    (void)client.read_response();
    CHECK(client.closed_by_peer());
}

// A write used to be uncancellable, so a connection cancelled at the end of the grace period
// still waited out its write_timeout (30 s by default), and stop() with it.
TEST_CASE("a drain ends within about its grace period even when a client never reads") {
    tern::App app;
    std::atomic<int> large_served = 0;
    app.get("/large", [&](tern::Request&) -> tern::Task<tern::Response> {
        ++large_served;
        co_return tern::Response::bytes(std::string(1024 * 1024, 'L'));
    });
    auto options = TestServer::defaults();
    options.grace_period = 300ms;
    options.write_timeout = 4s;   // far longer than the grace period, short enough to wait out
    TestServer server{app, options};
    RawClient hog{server.port(), 2000ms};
    for (int i = 0; i < 64; ++i)
        if (!hog.send(get_large)) break;
    for (int i = 0; i < 500 && large_served == 0; ++i) std::this_thread::sleep_for(10ms);
    REQUIRE(large_served > 0);
    std::this_thread::sleep_for(100ms);   // the server is now stuck in a write the client never takes
    auto stopped = std::async(std::launch::async, [&] { server.stop(); });
    CHECK_MESSAGE(stopped.wait_for(2s) == std::future_status::ready,
                  "stop() still running 2 s after a 300 ms grace period");
    CHECK(stopped.wait_for(10s) == std::future_status::ready);   // the write times out after 4 s
}

TEST_CASE("a request that reaches an idle connection while its loop is busy is answered by a drain") {
    // The drain begins when the loop polls again; by then this request is in the idle
    // connection's socket, so it was delivered before the server decided anything.
    tern::App app;
    std::atomic<bool> blocking = false;
    std::atomic<bool> unblock = false;
    app.get("/", ok);
    app.get("/block", [&](tern::Request&) -> tern::Task<tern::Response> {
        blocking = true;
        for (int i = 0; i < 500 && !unblock; ++i) std::this_thread::sleep_for(10ms);   // blocks the loop, 5 s at most
        co_return tern::Response::text("unblocked");
    });
    auto options = TestServer::defaults();
    options.stall_mode = tern::StallMode::off;   // blocking the loop is the point here
    TestServer server{app, options};
    RawClient idle{server.port()};
    REQUIRE(idle.send(get_root));
    auto first = idle.read_response();
    REQUIRE(first);
    CHECK(first->status == 200);   // now idle, kept alive

    RawClient blocker{server.port()};
    REQUIRE(blocker.send("GET /block HTTP/1.1\r\nHost: t\r\n\r\n"));
    REQUIRE(wait_until(blocking));
    auto stopped = std::async(std::launch::async, [&] { server.stop(); });
    std::this_thread::sleep_for(100ms);   // the stop has been posted to the blocked loop
    REQUIRE(idle.send(get_root));         // on loopback, in the server's socket once send returns
    unblock = true;

    auto blocked = blocker.read_response();
    REQUIRE(blocked);
    CHECK(blocked->body == "unblocked");
    auto second = idle.read_response();
    REQUIRE_MESSAGE(second, "the drain closed a connection whose request had already arrived");
    CHECK(second->status == 200);
    CHECK(idle.closed_by_peer());
    CHECK(stopped.wait_for(10s) == std::future_status::ready);
}

// Connections the kernel has completed but the loop has not accepted yet have reached the
// process: closing the listener under them resets them, so a drain accepts them first. The
// clients connect while the loop is blocked and after the stop was posted to it, so the loop
// sees the stop before the listener's readiness, with all of them waiting in its accept queue.
TEST_CASE("a drain answers the connections still waiting in the accept queue") {
    tern::App app;
    std::atomic<bool> blocking = false;
    std::atomic<bool> unblock = false;
    app.get("/", ok);
    app.get("/block", [&](tern::Request&) -> tern::Task<tern::Response> {
        blocking = true;
        for (int i = 0; i < 500 && !unblock; ++i) std::this_thread::sleep_for(10ms);   // blocks the loop, 5 s at most
        co_return tern::Response::text("unblocked");
    });
    auto options = TestServer::defaults();
    options.stall_mode = tern::StallMode::off;   // blocking the loop is the point here
    TestServer server{app, options};
    RawClient blocker{server.port()};
    REQUIRE(blocker.send("GET /block HTTP/1.1\r\nHost: t\r\n\r\n"));
    REQUIRE(wait_until(blocking));
    auto stopped = std::async(std::launch::async, [&] { server.stop(); });
    std::this_thread::sleep_for(100ms);   // the stop has been posted to the blocked loop

    constexpr int queued = 32;            // well under the listener's backlog of 1024
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < queued; ++i) {
        clients.push_back(std::make_unique<RawClient>(server.port()));   // the kernel completes the handshake
        REQUIRE(clients.back()->send(get_root));
    }
    unblock = true;

    auto blocked = blocker.read_response();
    REQUIRE(blocked);
    CHECK(blocked->body == "unblocked");
    int answered = 0;
    for (auto& c : clients) {
        auto res = c->read_response();
        if (res && res->status == 200) ++answered;
    }
    CHECK_MESSAGE(answered == queued, "connections reset by the drain: ", queued - answered, " of ", queued);
    CHECK(stopped.wait_for(10s) == std::future_status::ready);
}

// Kubernetes' preStop pattern: after the stop, readiness fails while the server still takes and
// serves new connections, so the load balancer's health check takes it out before the listener
// closes. A request held in flight keeps the drain itself going, to see the listener closed.
TEST_CASE("during the drain delay new connections are served and /healthz is 503, then the listener closes") {
    tern::App app;
    app.enable_metrics();
    std::atomic<bool> held = false;
    std::atomic<bool> release = false;
    app.get("/", ok);
    app.get("/hold", [&](tern::Request&) -> tern::Task<tern::Response> {
        held = true;
        for (int i = 0; i < 500 && !release; ++i) co_await tern::sleep(10ms);   // 5 s at most
        co_return tern::Response::text("held");
    });
    auto options = TestServer::defaults();
    options.drain_delay = 700ms;
    TestServer server{app, options};
    RawClient early{server.port()};
    auto healthy = tern::testing::request(server.port(), "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(healthy);
    CHECK(healthy->status == 200);
    REQUIRE(early.send("GET /hold HTTP/1.1\r\nHost: t\r\n\r\n"));
    REQUIRE(wait_until(held));

    tern::testing::Stopwatch since_stop;
    auto stopped = std::async(std::launch::async, [&] { server.stop(); });
    std::this_thread::sleep_for(100ms);
    RawClient late{server.port()};           // a new connection, during the delay
    REQUIRE(late.send(get_root));
    auto served = late.read_response();
    REQUIRE(served);
    CHECK(served->status == 200);
    CHECK(served->header("Connection") != "close");   // served as usual, kept alive
    REQUIRE(late.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto health = late.read_response();
    REQUIRE(health);
    CHECK(health->status == 503);
    CHECK(health->body == R"({"status":"draining"})");
    CHECK(since_stop.elapsed() < options.drain_delay);   // all of that inside the delay
    CHECK_FALSE(refused(server.port()));

    std::this_thread::sleep_for(options.drain_delay - since_stop.elapsed() + 200ms);
    CHECK(stopped.wait_for(0ms) == std::future_status::timeout);   // /hold keeps the drain going
    CHECK_MESSAGE(refused(server.port()), "the listener is still open after the drain delay");
    release = true;
    auto held_answer = early.read_response();
    REQUIRE(held_answer);
    CHECK(held_answer->body == "held");
    CHECK(held_answer->header("Connection") == "close");
    CHECK(stopped.wait_for(10s) == std::future_status::ready);
}

TEST_CASE("without a drain delay the listener closes at once") {
    tern::App app;
    std::atomic<bool> held = false;
    std::atomic<bool> release = false;
    app.get("/hold", [&](tern::Request&) -> tern::Task<tern::Response> {
        held = true;
        for (int i = 0; i < 500 && !release; ++i) co_await tern::sleep(10ms);   // 5 s at most
        co_return tern::Response::text("held");
    });
    TestServer server{app};
    RawClient early{server.port()};
    REQUIRE(early.send("GET /hold HTTP/1.1\r\nHost: t\r\n\r\n"));
    REQUIRE(wait_until(held));
    auto stopped = std::async(std::launch::async, [&] { server.stop(); });
    bool closed = false;
    for (int i = 0; i < 100 && !closed; ++i) {   // 1 s at most
        closed = refused(server.port());
        if (!closed) std::this_thread::sleep_for(10ms);
    }
    CHECK(closed);
    release = true;
    CHECK(early.read_response());
    CHECK(stopped.wait_for(10s) == std::future_status::ready);
}
