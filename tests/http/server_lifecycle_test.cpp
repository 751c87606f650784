// A server's life: blocking work off the loop, the blocking pool's bounded queue, startup and
// shutdown hooks, the graceful drain, and several loops serving one port.
#include <tern/http/app.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <tern/http/blocking.hpp>
#include <tern/core/thread.hpp>
#include <tern/core/time.hpp>

#include "support/http_client.hpp"

using namespace std::chrono_literals;
using tern::testing::RawClient;
using tern::testing::Stopwatch;
using tern::testing::TestServer;

namespace {

tern::Task<tern::Response> fast(tern::Request&) { co_return tern::Response::text("fast"); }

constexpr std::string_view get_slow = "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n";
constexpr std::string_view get_fast = "GET /fast HTTP/1.1\r\nHost: t\r\n\r\n";

// Waits (at most 5 s) until `flag` is set by a handler on another thread.
bool wait_until(std::atomic<bool> const& flag) {
    for (int i = 0; i < 500 && !flag; ++i) std::this_thread::sleep_for(10ms);
    return flag;
}

// Sends GET /fast on a fresh connection and returns how long the answer took.
std::chrono::milliseconds time_fast_request(std::uint16_t port) {
    Stopwatch watch;
    RawClient client{port};
    client.send(get_fast);
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->body == "fast");
    return watch.elapsed();
}

}  // namespace

TEST_CASE("a tern::blocking handler sleeping 1 s does not delay another route on the same loop") {
    tern::App app;
    std::atomic<bool> started = false;
    app.get("/slow", tern::blocking([&](tern::Request&) {
        started = true;
        std::this_thread::sleep_for(1s);
        return tern::Response::text("slow");
    }));
    app.get("/fast", fast);
    auto options = TestServer::defaults();
    options.threads = 1;
    TestServer server{app, options};
    RawClient slow{server.port()};
    slow.send(get_slow);
    REQUIRE(wait_until(started));
    CHECK(time_fast_request(server.port()) < 700ms);
    auto res = slow.read_response();
    REQUIRE(res);
    CHECK(res->body == "slow");
}

TEST_CASE("co_await tern::to_thread in a coroutine handler does not delay another route") {
    tern::App app;
    std::atomic<bool> started = false;
    app.get("/slow", [&](tern::Request&) -> tern::Task<tern::Response> {
        started = true;
        int const n = co_await tern::to_thread([] {
            std::this_thread::sleep_for(1s);
            return 42;
        });
        co_return tern::Response::text(std::to_string(n));
    });
    app.get("/fast", fast);
    auto options = TestServer::defaults();
    options.threads = 1;
    TestServer server{app, options};
    RawClient slow{server.port()};
    slow.send(get_slow);
    REQUIRE(wait_until(started));
    CHECK(time_fast_request(server.port()) < 700ms);
    auto res = slow.read_response();
    REQUIRE(res);
    CHECK(res->body == "42");
}

TEST_CASE("when the blocking pool's queue is full a further blocking request gets 503") {
    tern::App app;
    std::atomic<int> running = 0;
    std::atomic<bool> release = false;
    app.get("/slow", tern::blocking([&](tern::Request&) {
        ++running;
        for (int i = 0; i < 500 && !release; ++i) std::this_thread::sleep_for(10ms);   // at most 5 s
        return tern::Response::text("slow");
    }));
    auto options = TestServer::defaults();
    options.blocking_threads = 1;
    options.blocking_queue = 1;
    TestServer server{app, options};

    RawClient busy{server.port()};   // occupies the one worker
    busy.send(get_slow);
    for (int i = 0; i < 500 && running == 0; ++i) std::this_thread::sleep_for(10ms);
    REQUIRE(running == 1);
    RawClient queued{server.port()};   // fills the one queue slot
    queued.send(get_slow);
    for (int i = 0; i < 500 && app.blocking_pool().queue_depth() == 0; ++i) std::this_thread::sleep_for(10ms);
    REQUIRE(app.blocking_pool().queue_depth() == 1);

    RawClient refused{server.port()};
    refused.send(get_slow);
    auto res = refused.read_response();
    REQUIRE(res);
    CHECK(res->status == 503);
    CHECK(app.blocking_pool().rejected() == 1);

    release = true;   // the other two finish normally
    for (RawClient* c : {&busy, &queued}) {
        auto ok = c->read_response();
        REQUIRE(ok);
        CHECK(ok->status == 200);
        CHECK(ok->body == "slow");
    }
    CHECK(running == 2);
}

TEST_CASE("a graceful stop lets an in-flight request finish, then stop() returns") {
    tern::App app;
    std::atomic<bool> started = false;
    app.get("/slow", [&](tern::Request&) -> tern::Task<tern::Response> {
        started = true;
        co_await tern::sleep(500ms);
        co_return tern::Response::text("finished");
    });
    TestServer server{app};
    RawClient client{server.port()};
    client.send(get_slow);
    REQUIRE(wait_until(started));
    auto stopped = std::async(std::launch::async, [&] { server.stop(); });
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "finished");
    CHECK(res->header("Connection") == "close");   // a draining server keeps no connection
    CHECK(client.closed_by_peer());
    CHECK(stopped.wait_for(5s) == std::future_status::ready);
}

TEST_CASE("after stop() new connections are refused") {
    tern::App app;
    app.get("/fast", fast);
    TestServer server{app};
    auto const port = server.port();
    CHECK(time_fast_request(port) < 5s);   // it was serving
    server.stop();
    CHECK_THROWS_AS(RawClient{port}, std::runtime_error);
}

TEST_CASE("a drain closes idle keep-alive connections at once") {
    tern::App app;
    app.get("/fast", fast);
    auto options = TestServer::defaults();
    options.keep_alive_timeout = 10s;   // far longer than the stop below may take
    options.grace_period = 10s;
    TestServer server{app, options};
    RawClient idle{server.port()};
    idle.send(get_fast);
    auto res = idle.read_response();
    REQUIRE(res);
    CHECK(res->status == 200);
    RawClient silent{server.port()};   // connected, never sent a byte
    Stopwatch watch;
    server.stop();
    CHECK(watch.elapsed() < 2s);
    CHECK(idle.closed_by_peer());
    CHECK(silent.closed_by_peer());
}

TEST_CASE("on_startup and on_shutdown hooks run once each, around serving") {
    tern::App app;
    int started = 0;
    int stopped = 0;
    app.on_startup([&]() -> tern::Task<void> {
        ++started;
        co_return;
    });
    app.on_shutdown([&]() -> tern::Task<void> {
        ++stopped;
        co_return;
    });
    app.get("/fast", fast);
    {
        TestServer server{app};
        CHECK(started == 1);
        CHECK(stopped == 0);
        CHECK(time_fast_request(server.port()) < 5s);
        server.stop();
        CHECK(stopped == 1);
        server.stop();   // a second stop, and the destructor's, do nothing
    }
    CHECK(started == 1);
    CHECK(stopped == 1);
}

TEST_CASE("a server with two loops serves many connections on one port, from both loops") {
    tern::App app;
    std::mutex mutex;
    std::set<std::thread::id> loops;
    app.get("/fast", [&](tern::Request&) -> tern::Task<tern::Response> {
        std::lock_guard lock(mutex);
        loops.insert(std::this_thread::get_id());
        co_return tern::Response::text("fast");
    });
    auto options = TestServer::defaults();
    options.threads = 2;
    TestServer server{app, options};
    // All open at once: the kernel spreads SO_REUSEPORT connections by their addresses, so 32
    // of them all landing on one loop has a chance of 2^-31.
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 32; ++i) clients.push_back(std::make_unique<RawClient>(server.port()));
    for (auto& c : clients) c->send(get_fast);
    for (auto& c : clients) {
        auto res = c->read_response();
        REQUIRE(res);
        CHECK(res->body == "fast");
    }
    std::lock_guard lock(mutex);
    CHECK(loops.size() == 2);
}
