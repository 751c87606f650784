// Graceful drains that must wait for work the loop does not see (a handler inside to_thread),
// must not drop a request that has already arrived, and must end near their grace period.
// Drains under real load are tests/scripts/drain_under_load.sh; the basics are in server_lifecycle_test.
#include <tern/http/app.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <string_view>
#include <thread>

#include <tern/core/thread.hpp>

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
